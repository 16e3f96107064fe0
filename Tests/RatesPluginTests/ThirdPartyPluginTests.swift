import Foundation
import Testing
import PluginKit
import Shell
import Tabular
import TestSupport

/// The example from Plugins/README.md, registered beside the built-ins as a third party would.
struct DoublingPlugin: Plugin {
    var name: String { "doubling" }
    var summary: String { "Doubles a number." }
    var stages: [Stage] {
        [Stage(name: "double", usage: "double X", summary: "Adds doubled = 2·X.",
               example: "practices | double listed_patients",
               parameters: [Parameter(keyword: nil, placeholder: "X")],
               outputs: { (input, shapes) throws(StageError) -> [Field] in
                   guard shapes.types[""]?.isNumeric == true else { throw StageError("X must be a number", argument: "") }
                   return input + [Field("doubled", .decimal, role: .statistic)]
               },
               run: { (table, arguments) throws(StageError) -> Table in
                   let x = arguments.columns[""]!
                   let values = (0..<x.count).map { x.value(at: $0).doubleValue.map { Value.decimal($0 * 2) } ?? .null }
                   var out = table
                   out.columns.append(Column.from(name: "doubled", type: .decimal, values: values))
                   return out
               })]
    }
}

@Suite struct ThirdPartyPluginTests {
    @Test func aPluginFromOutsideJoinsTheLanguage() throws {
        let session = Session(plugins: BuiltInPlugins.all + [DoublingPlugin()])
        for (name, table) in demo { session.define(name, table, origin: "demo") }
        let t = try result("practices | double listed_patients | take 1", session)
        #expect(t.doubles("doubled")[0] == t.doubles("listed_patients")[0].map { $0 * 2 })
        #expect(firstError("practices | double cluster", session)?.1?.contains("  |                    ^^^^^^^") == true)
        #expect(try result(".plugins", session).texts("plugin").last == "doubling")
        #expect(firstError("practices | double listed_patients", demoSession())?.0 == "unknown stage 'double'")
    }
}

/// A third party's stage whose count column is a decimal named like nothing disclosure control
/// knows: its declared role is what hides it.
struct EventsPlugin: Plugin {
    var name: String { "events" }
    var summary: String { "Counts a made-up event per row." }
    var version: String { "2.1" }
    /// `lie` makes the stage return a column it did not declare.
    var lie = false
    var stages: [Stage] {
        let lie = self.lie
        return [Stage(name: "tally", usage: "tally X", summary: "Adds hændelser = X (a count).",
                      example: "practices | tally 3", parameters: [Parameter(keyword: nil, placeholder: "X")],
                      outputs: { (input, _) throws(StageError) -> [Field] in input + [Field("hændelser_x", .decimal, role: .count)] },
                      run: { (table, arguments) throws(StageError) -> Table in
                          var out = table
                          let x = arguments.columns[""]!
                          let values = (0..<x.count).map { x.value(at: $0).doubleValue.map(Value.decimal) ?? .null }
                          out.columns.append(Column.from(name: lie ? "oops" : "hændelser_x", type: .decimal, values: values))
                          return out
                      })]
    }
}

@Suite struct PluginRolesAndErrorsTests {
    func session(_ plugin: Plugin) -> Session {
        let session = Session(workingDirectory: TestEnvironment.temporaryFolder("roles").path, plugins: BuiltInPlugins.all + [plugin])
        for (name, table) in demo { session.define(name, table, origin: "demo") }
        return session
    }

    @Test func aDeclaredCountIsSuppressedInExports() throws {
        let s = session(EventsPlugin())
        let out = s.execute("export practices | tally if(listed_patients > 5000, 3, 12) | select practice_id, hændelser_x to \"t.csv\"")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let text = try String(contentsOfFile: s.resolve(path: "t.csv"), encoding: .utf8)
        #expect(text.contains(",<5\n") && !text.contains(",3\n"), "a declared count of 3 must not leave the shell")
        #expect(text.contains(",12\n"))
        // The role survives `let` and `select`.
        _ = s.execute("let t = practices | tally 2 | select practice_id, hændelser_x")
        let again = s.execute("export t to \"u.csv\"")
        #expect(again.infos.last?.contains("shown as <5") == true)
    }

    @Test func aStageThatReturnsOtherColumnsThanItDeclaredIsAnErrorNamingThePlugin() throws {
        var liar = EventsPlugin()
        liar.lie = true
        let s = session(liar)
        let before = s.datasets["practices"]!.rowCount
        let d = try #require(s.execute("practices | tally 3").errors.first)
        #expect(d.message.contains("the stage 'tally' of plugin 'events' returned columns that differ from those it declared"))
        #expect(d.message.contains("got oops: decimal, declared hændelser_x: decimal"))
        #expect(s.execute("practices | take 1").errors.isEmpty && s.datasets["practices"]!.rowCount == before)
    }

    @Test func aNameClashIsRefusedNamingBoth() throws {
        struct Clash: Plugin {
            var name: String { "mine" }
            var summary: String { "" }
            var stages: [Stage] { [Stage(name: "funnel", usage: "", summary: "", example: "", parameters: [],
                                         outputs: { i, _ in i }, run: { t, _ in t })] }
        }
        let s = demoSession()
        #expect(throws: PluginClash.self) { try s.register(Clash(), origin: "/tmp/mine") }
        do { try s.register(Clash(), origin: "/tmp/mine") } catch {
            #expect(error.description == "stage 'funnel' of plugin 'mine' (/tmp/mine) clashes with the stage 'funnel' of plugin 'rates' (built-in); the plugin was not loaded")
        }
        struct Core: Plugin {
            var name: String { "core" }
            var summary: String { "" }
            var stages: [Stage] { [Stage(name: "where", usage: "", summary: "", example: "", parameters: [], outputs: { i, _ in i }, run: { t, _ in t })] }
        }
        #expect(throws: PluginClash.self) { try s.register(Core(), origin: "x") }
        struct Year: Plugin {
            var name: String { "year" }
            var summary: String { "" }
            var stages: [Stage] { [] }
            var functions: [Function] { [Function(name: "year", signature: "", summary: "", result: { _ in .integer }, run: { a, _ in a[0] })] }
        }
        do { try s.register(Year(), origin: "y"); Issue.record("a function named like a built-in was accepted") } catch {
            #expect(error.description == "function 'year' of plugin 'year' (y) clashes with the function 'year' of klynge's built-in function 'year'; the plugin was not loaded")
        }
        #expect(s.plugins.entries.count == BuiltInPlugins.all.count)
    }
}

/// A plugin adds an export format: chosen by its extension, handed the table after disclosure control.
struct TSVPlugin: Plugin {
    var name: String { "tsv" }
    var summary: String { "Tab-separated values." }
    var stages: [Stage] { [] }
    var exporters: [Exporter] {
        [Exporter(name: "tsv", sink: .export, extensions: ["tsv"], usage: "export PIPELINE to \"x.tsv\"", summary: "Tab-separated values.") { table, request, context throws(StageError) in
            var text = table.columnNames.joined(separator: "\t") + "\n"
            for r in 0..<table.rowCount { text += table.columns.map { $0.value(at: r).description }.joined(separator: "\t") + "\n" }
            do { try text.write(toFile: context.path, atomically: true, encoding: .utf8) } catch {
                throw StageError("cannot write \(request.path)", argument: "path")
            }
            return "wrote \(table.rowCount) rows to \(request.path) (tsv); \(context.disclosure)"
        }]
    }
}

@Suite struct PluginExporterTests {
    @Test func aPluginsFormatIsChosenByItsExtensionAfterDisclosureControl() throws {
        let s = Session(workingDirectory: TestEnvironment.temporaryFolder("tsv").path, plugins: BuiltInPlugins.all + [TSVPlugin()])
        for (name, table) in demo { s.define(name, table, origin: "demo") }
        let out = s.execute("export practices | select practice_id, n = if(listed_patients > 5000, 2, 40) to \"x.tsv\"")
        #expect(out.errors.isEmpty, "\(out.errors.map(\.message))")
        let text = try String(contentsOfFile: s.resolve(path: "x.tsv"), encoding: .utf8)
        #expect(text.hasPrefix("practice_id\tn\n") && text.contains("\t<5\n") && !text.contains("\t2\n"))
        #expect(out.infos.last?.hasPrefix("wrote 66 rows to x.tsv (tsv); disclosure control:") == true)
        // Without the plugin, .tsv is an error that lists the formats there are.
        #expect(demoSession().execute("export practices to \"x.tsv\"").errors.first?.message == "klynge cannot export '.tsv' files")
    }
}
