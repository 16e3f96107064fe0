import Tabular

/// Prints syntax trees as indented text, for `.explain` and tests.
public enum SyntaxPrinter {
    /// One statement, one node per line.
    public static func print(_ s: StatementSyntax) -> String {
        switch s {
        case .load(let name, let path, _, let options):
            return "load \(name) \"\(path)\"" + options.map { " \($0.name.text)=\($0.value ?? $0.types.map { "\($0.0.text):\($0.1.text)" }.joined(separator: ","))" }.joined()
        case .let(let name, let p): return "let \(name)\n" + print(p, indent: 1)
        case .pipeline(let p): return print(p, indent: 0)
        case .export(let p, let path, _, let format, _): return "export to \"\(path)\"\(format.map { " as \($0.text)" } ?? "")\n" + print(p, indent: 1)
        case .set(let name, let value): return "set \(name.text) \(value.text)"
        case .connect(let name, let url, _): return "connect \(name.text) \"\(Secrets.masked(url))\""
        case .disconnect(let name): return "disconnect \(name.text)"
        case .loadQuery(let name, let connection, let sql, _): return "load \(name.text) from \(connection.text) \"\(sql)\""
        }
    }

    static func print(_ p: PipelineSyntax, indent: Int) -> String {
        let pad = String(repeating: "  ", count: indent)
        var lines = ["\(pad)pipeline from \(p.source.text)"]
        for stage in p.stages { lines.append("\(pad)  \(print(stage))") }
        return lines.joined(separator: "\n")
    }

    static func print(_ stage: StageSyntax) -> String {
        func assignments(_ a: [Assignment]) -> String {
            a.map { ($0.name.map { "\($0.text) = " } ?? "") + print($0.expr) }.joined(separator: ", ")
        }
        switch stage.kind {
        case .where(let e): return "where \(print(e))"
        case .select(let a): return "select \(assignments(a))"
        case .derive(let a): return "derive \(assignments(a))"
        case .summarize(let a, let by): return "summarize \(assignments(a))" + (by.isEmpty ? "" : " by \(assignments(by))")
        case .join(let left, let d, let l, let r, let many): return "join \(left ? "left" : "inner") \(d.text) on \(l.text) = \(r.text)\(many ? " allow many" : "")"
        case .sort(let keys): return "sort " + keys.map { print($0.expr) + ($0.descending ? " desc" : "") }.joined(separator: ", ")
        case .take(let n, _): return "take \(n)"
        case .distinct(let names): return "distinct " + names.map(\.text).joined(separator: ", ")
        case .rename(let pairs): return "rename " + pairs.map { "\($0.0.text) as \($0.1.text)" }.joined(separator: ", ")
        case .plugin(let arguments):
            let parts = arguments.map { a in
                [a.key.isEmpty ? nil : a.key, a.number.map { NumberFormat.plain($0) }, a.expr.map(print)].compactMap { $0 }.joined(separator: " ")
            }
            return "\(stage.name.text.lowercased()) " + parts.joined(separator: " ")
        case .pack(let c, let unit, let group):
            return "pack " + c.columns.map(\.text).joined(separator: " ") + " by \(unit.text)" + (group.map { " within \($0.text)" } ?? "") + " to \"\(c.path)\""
        case .chart(let c):
            return "chart \(c.kind.text) " + c.columns.map(\.text).joined(separator: " ") + (c.references.isEmpty ? "" : " ref " + c.references.map(\.text).joined(separator: ", ")) + " to \"\(c.path)\""
        }
    }

    /// An expression as a label for output: a column's own name, otherwise the bracketed form.
    public static func label(_ e: Expr) -> String {
        if case .column(let c) = e.kind { return c }
        return print(e)
    }

    /// An expression in fully bracketed form, e.g. `(a + (b * c))`.
    public static func print(_ e: Expr) -> String {
        switch e.kind {
        case .literal(let l):
            switch l {
            case .integer(let v): return String(v)
            case .decimal(let v): return String(v)
            case .text(let v): return "\"\(v)\""
            case .date(let v): return "@" + CivilDate(daysSinceEpoch: v).iso
            case .boolean(let v): return v ? "true" : "false"
            case .null: return "null"
            }
        case .column(let c): return c
        case .call(let f, let args): return "\(f.text)(\(args.map(print).joined(separator: ", ")))"
        case .unary(let op, let x): return "(\(op) \(print(x)))"
        case .binary(let op, let a, let b): return "(\(print(a)) \(op) \(print(b)))"
        case .inList(let x, let items, let negated): return "(\(print(x)) \(negated ? "not in" : "in") (\(items.map(print).joined(separator: ", "))))"
        case .between(let x, let a, let b, let negated): return "(\(print(x)) \(negated ? "not between" : "between") \(print(a)) and \(print(b)))"
        case .isNull(let x, let negated): return "(\(print(x)) is \(negated ? "not " : "")null)"
        }
    }
}
