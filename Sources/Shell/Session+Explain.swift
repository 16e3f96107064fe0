import Query
import Tabular

extension Session {
    /// `.explain STATEMENT`: tokens, syntax tree and plan, without running anything.
    func explain(_ text: String) -> [Outcome] {
        guard !text.isEmpty else { return [.error(Diagnostic("usage: .explain STATEMENT"), source: ".explain")] }
        var out = "tokens:\n"
        do {
            let tokens = try Lexer.tokenize(text)
            out += tokens.filter { $0.kind != .end }.map { "  \($0)" }.joined(separator: "\n") + "\n"
            let statement = try Parser.parse(text, stages: stages)
            out += "syntax:\n" + SyntaxPrinter.print(statement).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            let plan: Plan?
            switch statement {
            case .pipeline(let p): plan = try planner.plan(p)
            case .let(_, let p): plan = try planner.plan(p, use: .let)
            case .export(let p, let path, let range, let format, let allow):
                plan = try planner.planExport(p, path: path, pathRange: range, format: format, allowIdentifiers: allow)
            default: plan = nil
            }
            if let plan {
                out += "plan:\n" + plan.explained.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
                if let (connection, _) = remoteRelations[plan.source] {
                    out += "where:\n" + placement(plan, try sqlQuery(plan, on: connection), connection).map { "  " + $0 }.joined(separator: "\n") + "\n"
                }
            } else {
                out += "plan:\n  (runs directly)\n"
            }
        } catch {
            return [.text(out), .error(error, source: text)]
        }
        return [.text(out)]
    }
}
