extension Parser {
    /// Parses an expression (lowest precedence first); one nested too deeply is an error.
    mutating func parseExpression() throws(Diagnostic) -> Expr {
        try enter()
        defer { nesting -= 1 }
        let e = try parseOr()
        if nesting == 1 {
            // Operator chains (`1 + 1 + … + 1`) nest without recursing here: measure the tree too.
            let depth = Self.depth(e)
            if depth > Self.maxExpressionDepth {
                throw Diagnostic("this expression nests \(depth) levels deep; klynge takes at most \(Self.maxExpressionDepth)", at: e.range,
                                 suggestion: "split it into several derive steps, or use in (…) for long lists of alternatives")
            }
        }
        return e
    }

    /// One level deeper, or an error when that is too deep (checked before recursing further).
    mutating func enter() throws(Diagnostic) {
        nesting += 1
        if nesting > Self.maxExpressionDepth {
            throw Diagnostic("brackets, calls or operators nest more than \(Self.maxExpressionDepth) levels deep here", at: peek.range,
                             suggestion: "split the expression into several derive steps")
        }
    }

    /// The depth of an expression tree, measured without recursion.
    static func depth(_ root: Expr) -> Int {
        var deepest = 0
        var stack: [(Expr, Int)] = [(root, 1)]
        while let (e, d) = stack.popLast() {
            deepest = max(deepest, d)
            switch e.kind {
            case .literal, .column: break
            case .call(_, let args): stack += args.map { ($0, d + 1) }
            case .unary(_, let x), .isNull(let x, _): stack.append((x, d + 1))
            case .binary(_, let a, let b): stack += [(a, d + 1), (b, d + 1)]
            case .inList(let x, let items, _): stack += [(x, d + 1)] + items.map { ($0, d + 1) }
            case .between(let x, let lo, let hi, _): stack += [(x, d + 1), (lo, d + 1), (hi, d + 1)]
            }
        }
        return deepest
    }

    mutating func parseOr() throws(Diagnostic) -> Expr {
        var left = try parseAnd()
        while peek.isKeyword("or") {
            _ = advance()
            let right = try parseAnd()
            left = Expr(.binary("or", left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseAnd() throws(Diagnostic) -> Expr {
        var left = try parseNot()
        while peek.isKeyword("and") {
            _ = advance()
            let right = try parseNot()
            left = Expr(.binary("and", left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseNot() throws(Diagnostic) -> Expr {
        if peek.isKeyword("not") {
            let t = advance()
            try enter()
            defer { nesting -= 1 }
            let operand = try parseNot()
            return Expr(.unary("not", operand), t.range.union(operand.range))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(Diagnostic) -> Expr {
        let left = try parseAdditive()
        let t = peek
        if t.kind == .symbol, ["==", "=", "!=", "<", "<=", ">", ">="].contains(t.text) {
            _ = advance()
            let right = try parseAdditive()
            return Expr(.binary(t.text == "=" ? "==" : t.text, left, right), left.range.union(right.range))
        }
        var negated = false
        if t.isKeyword("not"), peek(1).isKeyword("in") || peek(1).isKeyword("between") {
            _ = advance()
            negated = true
        }
        if peek.isKeyword("in") {
            _ = advance()
            _ = try expectSymbol("(", "after 'in'")
            var items: [Expr] = []
            while !peek.isSymbol(")") {
                items.append(try parseExpression())
                if peek.isSymbol(",") { _ = advance() } else { break }
            }
            let close = try expectSymbol(")", "to close the list after 'in'")
            return Expr(.inList(left, items, negated: negated), left.range.union(close.range))
        }
        if peek.isKeyword("between") {
            _ = advance()
            let low = try parseAdditive()
            _ = try expectKeyword("and", "in 'between … and …'")
            let high = try parseAdditive()
            return Expr(.between(left, low, high, negated: negated), left.range.union(high.range))
        }
        if peek.isKeyword("is") {
            _ = advance()
            var isNot = false
            if peek.isKeyword("not") { _ = advance(); isNot = true }
            let null = try expectKeyword("null", "after 'is'")
            return Expr(.isNull(left, negated: isNot), left.range.union(null.range))
        }
        return left
    }

    mutating func parseAdditive() throws(Diagnostic) -> Expr {
        var left = try parseMultiplicative()
        while peek.isSymbol("+") || peek.isSymbol("-") {
            let op = advance().text
            let right = try parseMultiplicative()
            left = Expr(.binary(op, left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseMultiplicative() throws(Diagnostic) -> Expr {
        var left = try parseUnary()
        while peek.isSymbol("*") || peek.isSymbol("/") || peek.isSymbol("%") {
            let op = advance().text
            let right = try parseUnary()
            left = Expr(.binary(op, left, right), left.range.union(right.range))
        }
        return left
    }

    mutating func parseUnary() throws(Diagnostic) -> Expr {
        if peek.isSymbol("-") {
            let t = advance()
            try enter()
            defer { nesting -= 1 }
            let operand = try parseUnary()
            if case .literal(.integer(let v)) = operand.kind { return Expr(.literal(.integer(-v)), t.range.union(operand.range)) }
            if case .literal(.decimal(let v)) = operand.kind { return Expr(.literal(.decimal(-v)), t.range.union(operand.range)) }
            return Expr(.unary("-", operand), t.range.union(operand.range))
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(Diagnostic) -> Expr {
        let t = peek
        switch t.kind {
        case .integer:
            _ = advance()
            guard let v = Int64(t.text) else { return Expr(.literal(.decimal(Double(t.text) ?? .nan)), t.range) }
            return Expr(.literal(.integer(v)), t.range)
        case .decimal:
            _ = advance()
            return Expr(.literal(.decimal(Double(t.text) ?? .nan)), t.range)
        case .string:
            _ = advance()
            return Expr(.literal(.text(t.text)), t.range)
        case .date:
            _ = advance()
            guard let date = CivilDateLiteral.parse(t.text) else {
                throw Diagnostic("'@\(t.text)' is not a date", at: t.range, suggestion: "write dates as @2023-01-31")
            }
            return Expr(.literal(.date(date)), t.range)
        case .quotedIdentifier:
            _ = advance()
            return Expr(.column(t.text), t.range)
        case .identifier:
            _ = advance()
            let lower = t.text.lowercased()
            if peek.isSymbol("(") {
                _ = advance()
                var args: [Expr] = []
                if peek.isSymbol("*") { _ = advance() } // count(*)
                while !peek.isSymbol(")") {
                    args.append(try parseExpression())
                    if peek.isSymbol(",") { _ = advance() } else { break }
                }
                let close = try expectSymbol(")", "to close the call to \(t.text)")
                return Expr(.call(Name(t.text, t.range), args), t.range.union(close.range))
            }
            switch lower {
            case "true": return Expr(.literal(.boolean(true)), t.range)
            case "false": return Expr(.literal(.boolean(false)), t.range)
            case "null": return Expr(.literal(.null), t.range)
            default: return Expr(.column(t.text), t.range)
            }
        case .symbol where t.text == "(":
            _ = advance()
            let inner = try parseExpression()
            let close = try expectSymbol(")", "to close the bracket")
            return Expr(inner.kind, t.range.union(close.range))
        default:
            throw Diagnostic("expected a value, a column or a function, found \(Self.describe(t))", at: t.range)
        }
    }
}

import Tabular

/// Parses the text of a date literal.
enum CivilDateLiteral {
    static func parse(_ text: String) -> Int32? { CivilDate.parse(text)?.daysSinceEpoch }
}
