/// Passwords and tokens in database addresses, masked wherever text is shown, kept or logged
/// (`.explain`, `.datasets`, errors, the journal that `.save` writes, the REPL's history).
public enum Secrets {
    /// The text with `user:PASSWORD@`, `password=…` and `token=…` masked as `***`.
    public static func masked(_ text: String) -> String {
        guard text.contains("://") || text.lowercased().contains("password=") || text.lowercased().contains("token=") else { return text }
        var out = text.replacing(#/(?<head>://[^/:@\s"']*):(?<secret>[^@\s"']*)@/#) { "\($0.output.head):***@" }
        out = out.replacing(#/(?<key>(?i:password|token)=)(?<secret>[^&;\s"']*)/#) { "\($0.output.key)***" }
        return out
    }

    /// Whether the text holds a password or token that `masked` hides.
    public static func contains(_ text: String) -> Bool { masked(text) != text }
}
