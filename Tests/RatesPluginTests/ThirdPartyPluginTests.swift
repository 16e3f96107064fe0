import Testing
import PluginKit
import Shell
import Tabular

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
                   return input + [Field("doubled", .decimal)]
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
