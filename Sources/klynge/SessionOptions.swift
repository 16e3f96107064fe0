import ArgumentParser
import Foundation
import Shell

/// The options `klynge` and `klynge run` share: plugin folders and the deck template, and how they
/// are put into a session.
struct SessionOptions: ParsableArguments {
    @Option(name: .customLong("plugins"), help: ArgumentHelp("Load the plugins in a folder (repeatable): plugin folders with klynge-plugin.json, or Swift plugin libraries (.so).", valueName: "dir"))
    var pluginFolders: [String] = []

    @Option(help: ArgumentHelp("Build PowerPoint decks on this file's theme, layouts and slide size (as set template).", valueName: "file.pptx"))
    var template: String?

    /// Loads the usual plugin folders quietly (only problems are shown) and the folders asked for
    /// by name, which say what they added, then sets the template; a folder asked for that fails,
    /// or a template that is not a deck, stops klynge (exit 2).
    func apply(to session: Session, printer: Printer, besideScript file: String?) throws {
        for folder in PluginLoader.defaultFolders(besideScript: file, workingDirectory: session.workingDirectory) {
            printer.show(PluginLoader.load(folder, into: session, mustExist: false).filter { if case .info = $0 { return false } else { return true } })
        }
        for folder in pluginFolders {
            if printer.show(PluginLoader.load(session.resolve(path: folder), into: session, mustExist: true)) { throw ExitCode(2) }
        }
        if let template, printer.show(session.execute("set template \(ParameterValue.text(template).literal(resolvingAgainst: session.workingDirectory))")) {
            throw ExitCode(2)
        }
    }
}
