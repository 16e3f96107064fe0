import Foundation
import PluginKit
import Tabular

/// Statistical disclosure control for everything that leaves the shell.
///
/// Primary suppression: a count between 1 and threshold−1 (default 1–4) is shown as `<5`, and
/// the unit-level statistics of its row (rates, proportions, their limits, shares, percents) are
/// blanked, since they would reveal it. Complementary suppression: where a count column (or a row
/// of several count columns) has exactly one hidden cell, the smallest other positive cell is
/// hidden too and shown as `x`, so the hidden one cannot be recovered from a total and the rest of
/// the column or row. Denominators (list sizes, populations, respondents) take part in the column
/// rule but not the row rule: a row's counts do not add up to its denominator. Pooled figures over many units (group and overall rates, funnel targets and limits, φ,
/// τ²) stay, as Fingertips publishes them.
public struct DisclosureControl: Sendable {
    /// Counts below this (and above 0) are hidden; nil means control is off.
    public var threshold: Int?

    /// Creates the control with a threshold (nil: off).
    public init(threshold: Int? = 5) { self.threshold = threshold }

    /// What was hidden.
    public struct Report: Sendable, Equatable {
        /// Cells hidden because they were small.
        public var primary = 0
        /// Cells hidden so that the small ones cannot be recovered.
        public var complementary = 0
        /// Statistics blanked because they derive from a hidden count.
        public var derived = 0

        /// The report as the summary every export states.
        public func summary(threshold: Int?) -> DisclosureSummary {
            DisclosureSummary(threshold: threshold, primary: primary, complementary: complementary, derived: derived)
        }

        /// Creates a report.
        public init(primary: Int = 0, complementary: Int = 0, derived: Int = 0) {
            (self.primary, self.complementary, self.derived) = (primary, complementary, derived)
        }
    }

    /// Integer columns that are not counts (identifiers, periods, positions).
    static func isCountColumn(_ column: Column) -> Bool {
        guard column.type == .integer else { return false }
        let lower = column.name.lowercased()
        let notCounts = ["year", "aar", "år", "month", "maaned", "måned", "quarter", "kvartal", "week", "uge", "day", "dag",
                         "position", "rank", "order", "period", "periode", "baseline", "followup", "units",
                         // How many practices or clusters: public facts about the cluster, not people.
                         "practices", "praksis", "n_practices", "practice_count", "clusters", "klynger"]
        if notCounts.contains(lower) { return false }
        let words = lower.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let identifiers: Set<String> = ["id", "code", "kode", "nr", "nummer", "respondent", "cvr", "postnr"]
        return !words.contains(where: identifiers.contains)
    }

    /// Count columns that are denominators rather than parts of a row total.
    static func isDenominator(_ name: String) -> Bool {
        let lower = name.lowercased()
        let names = ["listed_patients", "patients_listed", "listed", "population", "pop", "sikrede", "denominator", "invited",
                     "respondents", "answers", "total", "n_total", "patient_list_size", "list_size"]
        return names.contains(lower) || lower.hasSuffix("_population") || lower.hasSuffix("list_size")
    }

    /// Decimal columns that are pooled over many units and so stay when a unit's count is hidden.
    static let pooled: Set<String> = ["group_rate", "overall_rate", "target", "pooled_rate", "phi", "tau2", "funnel_lower95",
                                      "funnel_upper95", "funnel_lower998", "funnel_upper998", "expected", "population"]

    /// A column's role: the one its stage declared, else inferred from its name and type (for data
    /// nobody declared, such as a loaded file): whole-number columns not named like identifiers or
    /// periods are counts (or denominators, by name); decimals are a unit's statistics unless named
    /// as pooled figures.
    public static func role(of column: Column, declared: Role?) -> Role? {
        if let declared { return declared }
        if isCountColumn(column) { return isDenominator(column.name) ? .denominator : .count }
        if column.type == .decimal { return pooled.contains(column.name) ? .pooled : .statistic }
        return nil
    }

    /// The table with small counts hidden; count columns with hidden cells become text. `roles`
    /// are the columns' declared roles by name (from the plan); the others are inferred.
    public func apply(_ table: Table, roles: [String: Role] = [:]) -> (Table, Report) {
        guard let threshold else { return (table, Report()) }
        var report = Report()
        let columnRoles = table.columns.map { Self.role(of: $0, declared: roles[$0.name]) }
        let countIndices = table.columns.indices.filter { c in
            (columnRoles[c] == .count || columnRoles[c] == .denominator) && table.columns[c].type.isNumeric
        }
        guard !countIndices.isEmpty else { return (table, report) }
        let n = table.rowCount
        var hidden = [[Bool]](repeating: [Bool](repeating: false, count: n), count: table.columns.count)
        var complementary = hidden
        // A count as a whole number (a decimal count such as 3.0 from a sum counts too).
        func value(_ c: Int, _ r: Int) -> Int64? {
            switch table.columns[c].value(at: r) {
            case .integer(let v): return v
            case .decimal(let d) where d.rounded() == d && abs(d) < 9e15: return Int64(d)
            default: return nil
            }
        }
        for c in countIndices {
            for r in 0..<n { if let v = value(c, r), v > 0, v < threshold { hidden[c][r] = true; report.primary += 1 } }
        }
        // Complementary suppression, repeated until no column or row has a single hidden cell.
        var changed = true
        while changed {
            changed = false
            for c in countIndices {
                let rows = (0..<n).filter { hidden[c][$0] }
                if rows.count == 1, let other = (0..<n).filter({ !hidden[c][$0] && (value(c, $0) ?? 0) > 0 }).min(by: { value(c, $0)! < value(c, $1)! }) {
                    hidden[c][other] = true
                    complementary[c][other] = true
                    report.complementary += 1
                    changed = true
                }
            }
            let parts = countIndices.filter { columnRoles[$0] == .count }
            if parts.count > 1 {
                for r in 0..<n {
                    let cells = parts.filter { hidden[$0][r] }
                    if cells.count == 1, let other = parts.filter({ !hidden[$0][r] && (value($0, r) ?? 0) > 0 }).min(by: { value($0, r)! < value($1, r)! }) {
                        hidden[other][r] = true
                        complementary[other][r] = true
                        report.complementary += 1
                        changed = true
                    }
                }
            }
        }
        var columns = table.columns
        // A row's statistics are blanked when a count of it is small (complementary cells reveal nothing).
        let rowsWithHidden = (0..<n).map { r in countIndices.contains { hidden[$0][r] && !complementary[$0][r] } }
        for (c, column) in table.columns.enumerated() {
            if countIndices.contains(c), hidden[c].contains(true) {
                let values: [Value] = (0..<n).map { r in
                    if complementary[c][r] { return .text("x") }
                    if hidden[c][r] { return .text("<\(threshold)") }
                    let v = column.value(at: r)
                    return v.isNull ? .null : .text(value(c, r).map { String($0) } ?? v.description)
                }
                columns[c] = Column.from(name: column.name, type: .text, values: values)
            } else if column.type == .decimal, columnRoles[c] == .statistic || columnRoles[c] == .limit {
                let blank = (0..<n).filter { rowsWithHidden[$0] && !column.isNull($0) }
                guard !blank.isEmpty else { continue }
                report.derived += blank.count
                let values: [Value] = (0..<n).map { r in rowsWithHidden[r] ? .null : column.value(at: r) }
                columns[c] = Column.from(name: column.name, type: .decimal, values: values)
            }
        }
        return (Table(columns: columns, rowCount: n), report)
    }

    /// Columns that identify patients: by name (CPR, patient keys) or by CPR-shaped values.
    public static func identifyingColumns(_ table: Table) -> [String] {
        table.columns.filter { column in
            let lower = column.name.lowercased().replacingOccurrences(of: "-", with: "_")
            let byName = ["cpr", "personnummer", "cpr_nr", "cprnr", "patient_id", "patientid", "patient_key", "patient", "pseudonym", "person_id"]
                .contains { lower == $0 || lower.hasPrefix($0 + "_") || lower.hasSuffix("_" + $0) }
            if byName { return true }
            guard column.type == .text else { return false }
            let sample = (0..<min(column.count, 200)).compactMap { r -> String? in let v = column.value(at: r); return v.isNull ? nil : v.description }
            return !sample.isEmpty && sample.filter(looksLikeCPR).count * 2 > sample.count
        }.map(\.name)
    }

    /// Whether text has the shape of a CPR number (`CPR.digits`: a real date and four digits; the
    /// modulus-11 check is not used: numbers issued since 2007 may fail it).
    public static func looksLikeCPR(_ s: String) -> Bool { CPR.digits(s) != nil }
}
