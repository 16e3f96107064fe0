/// One core stage of the language: its name, how it is written and documented, and how it is
/// parsed. The parser's stage keywords, `.help`, completion and the plugin registry's reserved
/// names all come from `CoreStage.table`, so adding a verb is one entry here, its `StageSyntax.Kind`
/// case, and its operation (planned in `Planner.planStage`, run in `Evaluator.apply`).
public struct CoreStage: Sendable {
    /// The keyword users type after `|`.
    public let name: String
    /// Other keywords it answers to (`filter` for `where`, PRQL's and dplyr's words).
    public let aliases: [String]
    /// How to write it.
    public let usage: String
    /// One sentence on what it does.
    public let summary: String
    /// A statement that runs on the demo data (a test runs every example).
    public let example: String
    /// Parses what follows the keyword (the keyword itself is already consumed).
    let parse: @Sendable (inout Parser) throws(Diagnostic) -> StageSyntax.Kind

    /// The core stage with this keyword or alias.
    public static func find(_ word: String) -> CoreStage? {
        let lower = word.lowercased()
        return table.first { $0.name == lower || $0.aliases.contains(lower) }
    }

    /// Every core stage, in the order `.help` lists them.
    public static let table: [CoreStage] = [
        CoreStage(name: "where", aliases: ["filter"], usage: "where CONDITION",
                  summary: "Keep the rows where the condition is true (null counts as false).",
                  example: "billing | where service_code in (\"0130\", \"0421\") and year(service_date) == 2023") { p throws(Diagnostic) in
            .where(try p.parseExpression())
        },
        CoreStage(name: "select", aliases: [], usage: "select COL, NEW = EXPR, …",
                  summary: "Keep and compute these columns only, in this order.",
                  example: "practices | select practice_id, cluster, per_1000 = listed_patients / 1000") { p throws(Diagnostic) in
            .select(try p.parseAssignments())
        },
        CoreStage(name: "derive", aliases: ["extend", "mutate"], usage: "derive NEW = EXPR, …",
                  summary: "Add columns (or replace one of the same name); later ones may use earlier ones.",
                  example: "billing | derive year = year(service_date), quarter = quarter(service_date)") { p throws(Diagnostic) in
            .derive(try p.parseAssignments())
        },
        CoreStage(name: "summarize", aliases: ["summarise", "aggregate"], usage: "summarize NEW = AGG(…), … [by COL, …]",
                  summary: "One row per group with aggregates; groups come sorted by the `by` columns.",
                  example: "billing | summarize services = sum(count), patients = count_distinct(patient_id) by practice_id") { p throws(Diagnostic) in
            var aggregates: [Assignment] = []
            if !p.peek.isKeyword("by") { aggregates = try p.parseAssignments() }
            var keys: [Assignment] = []
            if p.peek.isKeyword("by") {
                _ = p.advance()
                keys = try p.parseAssignments()
            }
            return .summarize(aggregates, by: keys)
        },
        CoreStage(name: "join", aliases: [], usage: "join [left|inner] DATASET on COL [= COL] [allow many]",
                  summary: "Add the columns of another dataset where the key matches (left keeps unmatched rows); a join that would make more rows than max_join_rows needs allow many.",
                  example: "practices | join left palliation on practice_id") { p throws(Diagnostic) in
            var left = false
            if p.peek.isKeyword("left") { _ = p.advance(); left = true } else if p.peek.isKeyword("inner") { _ = p.advance() }
            let dataset = try p.parseName("a dataset to join")
            _ = try p.expectKeyword("on", "after the dataset in 'join'")
            let leftKey = try p.parseName("a key column")
            var rightKey = leftKey
            if p.peek.isSymbol("=") || p.peek.isSymbol("==") {
                _ = p.advance()
                rightKey = try p.parseName("the other dataset's key column")
            }
            // `allow many` lets a join grow past the row limit (`set max_join_rows`).
            var allowMany = false
            if p.peek.isKeyword("allow"), p.peek(1).isKeyword("many") {
                _ = p.advance()
                _ = p.advance()
                allowMany = true
            }
            return .join(left: left, dataset: dataset, leftKey: leftKey, rightKey: rightKey, allowMany: allowMany)
        },
        CoreStage(name: "sort", aliases: ["order", "arrange"], usage: "sort COL [desc], …",
                  summary: "Order the rows (nulls last); ties keep their order.",
                  example: "practices | sort listed_patients desc") { p throws(Diagnostic) in
            if p.peek.isKeyword("by") { _ = p.advance() }
            var keys: [SortKey] = []
            repeat {
                if p.peek.isSymbol(",") { _ = p.advance() }
                let e = try p.parseExpression()
                var descending = false
                if p.peek.isKeyword("desc") { _ = p.advance(); descending = true } else if p.peek.isKeyword("asc") { _ = p.advance() }
                keys.append(SortKey(expr: e, descending: descending))
            } while p.peek.isSymbol(",")
            return .sort(keys)
        },
        CoreStage(name: "take", aliases: ["limit", "head"], usage: "take N", summary: "Keep the first N rows.",
                  example: "billing | take 5") { p throws(Diagnostic) in
            let n = p.peek
            guard n.kind == .integer, let count = Int(n.text) else {
                throw Diagnostic("expected a number of rows after 'take', found \(Parser.describe(n))", at: n.range)
            }
            _ = p.advance()
            return .take(count, n.range)
        },
        CoreStage(name: "distinct", aliases: [], usage: "distinct COL, …",
                  summary: "One row per distinct combination of the columns, sorted.",
                  example: "practices | distinct cluster") { p throws(Diagnostic) in
            var names: [Name] = []
            repeat {
                if p.peek.isSymbol(",") { _ = p.advance() }
                names.append(try p.parseName("a column"))
            } while p.peek.isSymbol(",")
            return .distinct(names)
        },
        CoreStage(name: "rename", aliases: [], usage: "rename OLD as NEW, …", summary: "Give columns new names.",
                  example: "practices | rename listed_patients as sikrede") { p throws(Diagnostic) in
            var pairs: [(Name, Name)] = []
            repeat {
                if p.peek.isSymbol(",") { _ = p.advance() }
                let old = try p.parseName("the column to rename")
                if p.peek.isKeyword("as") || p.peek.isKeyword("to") || p.peek.isSymbol("=") { _ = p.advance() } else {
                    throw Diagnostic("expected 'as' after '\(old.text)' in rename", at: p.peek.range, suggestion: "rename \(old.text) as NEW_NAME")
                }
                pairs.append((old, try p.parseName("the new name")))
            } while p.peek.isSymbol(",")
            return .rename(pairs)
        },
        CoreStage(name: "chart", aliases: [], usage: "chart KIND COL … [ref COL, …] [errors L U] [title \"…\"] [period \"…\"] to \"x.svg\"",
                  summary: "Draw the rows as a chart (.svg) or write its data (.csv), with disclosure control; the last stage. Kinds: .plugins (bar, funnel, likert, trend, slope).",
                  example: "practices | compare listed_patients per 1000 listed_patients within cluster | where cluster == \"Næstved 1\" | chart bar practice_name rate ref group_rate, overall_rate to \"out/naestved.svg\"") { p throws(Diagnostic) in
            .chart(try p.parseChart())
        },
        CoreStage(name: "pack", aliases: [], usage: "pack NAME VALUE [ref COL, …] [errors L U] by UNIT [within GROUP] to \"DIR\"",
                  summary: "Per-practice folders with a bar chart and its data, the practice named and the others as letters; a cluster overview.",
                  example: "practices | compare listed_patients per 1000 listed_patients within cluster | pack practice_name rate ref group_rate by practice_id within cluster to \"out/pakker\"") { p throws(Diagnostic) in
            let (chart, unit, group) = try p.parsePack()
            return .pack(chart, unit: unit, group: group)
        },
    ]
}
