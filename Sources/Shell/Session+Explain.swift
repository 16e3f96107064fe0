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
            let pipeline: (PipelineSyntax, Planner.Use)?
            switch statement {
            case .pipeline(let p): pipeline = (p, .show)
            case .let(_, let p): pipeline = (p, .let)
            case .export(let p, _, _, _, _): pipeline = (p, .export)
            default: pipeline = nil
            }
            if let (pipeline, use) = pipeline {
                let plan = try Planner(catalog: catalog, stages: stages).plan(pipeline, use: use)
                out += "plan:\n" + plan.explained.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            } else {
                out += "plan:\n  (runs directly)\n"
            }
        } catch {
            return [.text(out), .error(error, source: text)]
        }
        return [.text(out)]
    }
}
