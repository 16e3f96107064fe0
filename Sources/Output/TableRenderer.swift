import Tabular

/// Draws a table for the terminal: aligned to a width, numbers right-aligned, nulls visible,
/// long results shown as their first and last rows with the count.
public struct TableRenderer {
    /// The widest the table may be, in characters.
    public var width: Int
    /// The most rows to show before eliding the middle.
    public var maxRows: Int
    /// Whether to use ANSI colours (dim nulls and types).
    public var color: Bool
    /// The longest a single cell may be before it is cut with "…".
    public var maxCellWidth = 40

    /// Creates a renderer.
    public init(width: Int = 120, maxRows: Int = 40, color: Bool = false) {
        self.width = max(20, width)
        self.maxRows = max(2, maxRows)
        self.color = color
    }

    /// A cell as shown in the terminal.
    public static func display(_ v: Value) -> String {
        switch v {
        case .decimal(let d): return NumberFormat.rounded(d, digits: 4)
        default: return v.description
        }
    }

    /// The rendered table, ending with a line break.
    public func render(_ table: Table) -> String {
        let n = table.rowCount
        let shownRows: [Int?]
        if n <= maxRows {
            shownRows = Array(0..<n)
        } else {
            let half = maxRows / 2
            shownRows = Array(0..<half) + [nil] + Array((n - half)..<n)
        }
        let types = table.columns.map(\.type)
        var cells: [[String]] = table.columns.map { column in
            shownRows.map { row in
                guard let row else { return "…" }
                return clip(Self.display(column.value(at: row)))
            }
        }
        var nulls: [[Bool]] = table.columns.map { column in shownRows.map { $0.map(column.isNull) ?? false } }
        var headers = table.columns.map { clip($0.name) }
        var typeNames = types.map(\.description)
        var alignRight = types.map(\.isNumeric)
        var widths = headers.indices.map { c in
            max(headers[c].count, typeNames[c].count, cells[c].map(\.count).max() ?? 0)
        }
        // Drop middle columns until the table fits, and show "…" where they were.
        var hidden = 0
        func total() -> Int { widths.reduce(0, +) + 3 * widths.count + 1 }
        if total() > width, widths.count > 1 {
            var keep = Array(widths.indices)
            while keep.count > 1 {
                let w = keep.map { widths[$0] }.reduce(0, +) + 3 * (keep.count + 1) + 1 + 1
                if w <= width { break }
                keep.remove(at: keep.count / 2)
                hidden += 1
            }
            if hidden > 0 {
                let mid = keep.count - keep.count / 2
                let left = Array(keep.prefix(mid)), right = Array(keep.suffix(from: mid))
                func pick<T>(_ a: [T], _ filler: T) -> [T] { left.map { a[$0] } + [filler] + right.map { a[$0] } }
                headers = pick(headers, "…")
                typeNames = pick(typeNames, "")
                alignRight = pick(alignRight, false)
                cells = pick(cells, shownRows.map { _ in "…" })
                nulls = pick(nulls, shownRows.map { _ in false })
                widths = pick(widths, 1)
            }
        }
        let dim = color ? "\u{1B}[2m" : "", reset = color ? "\u{1B}[0m" : "", bold = color ? "\u{1B}[1m" : ""
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let space = String(repeating: " ", count: max(0, w - s.count))
            return right ? space + s : s + space
        }
        func rule(_ l: String, _ m: String, _ r: String) -> String {
            l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r + "\n"
        }
        var out = rule("┌", "┬", "┐")
        out += "│" + headers.indices.map { " \(bold)\(pad(headers[$0], widths[$0], right: false))\(reset) " }.joined(separator: "│") + "│\n"
        out += "│" + typeNames.indices.map { " \(dim)\(pad(typeNames[$0], widths[$0], right: false))\(reset) " }.joined(separator: "│") + "│\n"
        out += rule("├", "┼", "┤")
        for r in shownRows.indices {
            out += "│" + cells.indices.map { c -> String in
                let text = pad(cells[c][r], widths[c], right: alignRight[c])
                return " " + (nulls[c][r] ? dim + text + reset : text) + " "
            }.joined(separator: "│") + "│\n"
        }
        out += rule("└", "┴", "┘")
        var footer = "\(n) row\(n == 1 ? "" : "s")"
        if n > maxRows { footer += " (first and last \(maxRows / 2) shown)" }
        footer += " · \(table.columns.count) column\(table.columns.count == 1 ? "" : "s")"
        if hidden > 0 { footer += " (\(hidden) hidden: narrow the selection with select)" }
        out += "\(dim)\(footer)\(reset)\n"
        return out
    }

    private func clip(_ s: String) -> String {
        let flat = s.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > maxCellWidth ? String(flat.prefix(maxCellWidth - 1)) + "…" : flat
    }
}
