import Output
import PluginKit
import RatesPlugin
import SurveyPlugin

/// The plugins every session starts with: registered through the same `PluginRegistry` that a
/// third party's plugin joins, so the built-ins prove the API.
public enum BuiltInPlugins {
    /// The built-in plugins, in the order `.plugins` lists them (the output plugin's formats come
    /// first among equals, so `.csv` means csv).
    public static let all: [Plugin] = [RatesPlugin(), SurveyPlugin(), OutputPlugin()]
}
