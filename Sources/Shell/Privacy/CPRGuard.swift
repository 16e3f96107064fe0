import Foundation
import Query
import Tabular

/// What `load` does with CPR numbers before a table reaches the session: finds CPR columns (by
/// name, or because every value has a CPR's shape), derives age and sex when asked, and replaces
/// each value by its keyed pseudonym (`PseudonymKey`). A column where only some values are CPR
/// numbers is refused, naming the column and the first line, never the value.
struct CPRGuard {
    /// What to derive from the CPR numbers before they are replaced (`load … derive age at DATE, sex`).
    struct Derivation {
        /// Age in whole years on this date, as a column `age`.
        var ageOn: CivilDate?
        /// Sex from the last digit, as a column `sex` (`K`/`M`).
        var sex = false
        /// Whether anything is asked for.
        var isEmpty: Bool { ageOn == nil && !sex }
    }

    /// A column where some values are CPR numbers and others are not.
    struct MixedColumn: Error {
        var column: String
        var cprRows: Int
        var rows: Int
        var firstRow: Int
    }

    /// Keep CPR numbers as they are (`set cpr keep`).
    var keep: Bool
    /// What to derive.
    var derive: Derivation
    /// The key, read or made on first need.
    var key: () throws -> PseudonymKey

    /// The indices of the CPR columns of a table; throws for a mixed column.
    static func cprColumns(_ table: Table) throws(MixedColumn) -> [Int] {
        var found: [Int] = []
        for (c, column) in table.columns.enumerated() {
            if CPR.isCPRName(column.name) { found.append(c); continue }
            var shaped = 0, present = 0, first = -1
            switch column.data {
            case .text(let storage):
                // Text kept as bytes (ids) is looked at without being encoded: no value that starts
                // with a digit or a space, no CPR number.
                if let raw = storage.raw, !raw.containsValue(startingWith: CPR.canStart) { continue }
                // One check per distinct value, not per row: a billing file has a million rows.
                let isShaped = storage.dictionary.map { CPR.digits($0) != nil }
                guard isShaped.contains(true) else { continue }
                for (r, code) in storage.codes.enumerated() where code >= 0 && !column.isNull(r) {
                    present += 1
                    if isShaped[Int(code)] { shaped += 1; if first < 0 { first = r } }
                }
            case .integer(let values):
                // Most integer columns (counts, fees in øre, years) have no value of nine or ten digits: they are not looked at row by row.
                guard values.contains(where: { $0 >= 100_000_000 && $0 <= 9_999_999_999 }) else { continue }
                for (r, v) in values.enumerated() where !column.isNull(r) {
                    present += 1
                    if CPR.isShaped(.integer(v)) { shaped += 1; if first < 0 { first = r } }
                }
            default: continue
            }
            if shaped == 0 { continue }
            guard shaped == present else { throw MixedColumn(column: column.name, cprRows: shaped, rows: present, firstRow: first) }
            found.append(c)
        }
        return found
    }

    /// The table with its CPR columns pseudonymised (and age, sex added when asked), what was done,
    /// and whether CPR numbers were kept raw (`set cpr keep`).
    func apply(_ table: Table) throws -> (Table, [String], Bool) {
        let columns = try Self.cprColumns(table)
        guard !columns.isEmpty else {
            if !derive.isEmpty { throw Diagnostic("`derive` needs a CPR column, and this file has none", suggestion: "leave out `derive`, or load the file with the CPR numbers") }
            return (table, [], false)
        }
        var out = table
        var notes: [String] = []
        if !derive.isEmpty {
            let source = table.columns[columns[0]]
            let prefix = columns.count > 1 ? "\(source.name)_" : ""
            var ages: [Value] = [], sexes: [Value] = []
            for r in 0..<table.rowCount {
                let digits = source.isNull(r) ? nil : CPR.digits(source.value(at: r))
                if let date = derive.ageOn { ages.append(digits.flatMap { CPR.age($0, on: date) }.map { .integer(Int64($0)) } ?? .null) }
                if derive.sex { sexes.append(digits.map { .text(CPR.sex($0)) } ?? .null) }
            }
            for (name, values, type) in [("age", ages, DataType.integer), ("sex", sexes, .text)] where !values.isEmpty {
                guard !out.columns.contains(where: { $0.name == prefix + name }) else {
                    throw Diagnostic("the file already has a column '\(prefix + name)'", suggestion: "rename it in the file, or leave \(name) out of `derive`")
                }
                out.columns.append(Column.from(name: prefix + name, type: type, values: values))
            }
            notes.append("derived " + [derive.ageOn.map { "\(prefix)age at \($0.iso)" }, derive.sex ? "\(prefix)sex" : nil].compactMap { $0 }.joined(separator: ", ")
                         + " from \(source.name)")
        }
        let names = columns.map { "'\(table.columns[$0].name)'" }.joined(separator: ", ")
        if keep {
            notes.append("CPR numbers in \(names) kept as they are (set cpr keep): every export this session says so")
            return (out, notes, true)
        }
        let key = try key()
        for c in columns { out.columns[c] = Self.pseudonymised(table.columns[c], key) }
        notes.append("CPR numbers in \(names) replaced by pseudonyms (HMAC-SHA256 with the key in \(key.path)\(key.created ? ", made now: keep it with your backups" : ""))")
        return (out, notes, false)
    }

    /// A column whose every value is replaced by its pseudonym (a value that is not CPR-shaped, in
    /// a column named as CPR, is replaced by the pseudonym of its text, so nothing raw remains).
    static func pseudonymised(_ column: Column, _ key: PseudonymKey) -> Column {
        func pseudonym(_ value: Value) -> String {
            if let digits = CPR.digits(value) { return key.pseudonym(digits) }
            return key.pseudonym(of: value.description)
        }
        switch column.data {
        case .text(let storage):
            // Per distinct value; spellings of one person (with and without hyphen) meet in one code.
            var builder = TextStorage.Builder()
            var remap: [Int32] = []
            for s in storage.dictionary {
                builder.append(pseudonym(.text(s)))
                remap.append(builder.storage.codes.last!)
            }
            let codes = storage.codes.map { $0 < 0 ? Int32(-1) : remap[Int($0)] }
            return Column(name: column.name, data: .text(TextStorage(codes: codes, dictionary: builder.storage.dictionary)), validity: column.validity)
        default:
            let values: [Value] = (0..<column.count).map { column.isNull($0) ? .null : .text(pseudonym(column.value(at: $0))) }
            return Column.from(name: column.name, type: .text, values: values)
        }
    }
}
