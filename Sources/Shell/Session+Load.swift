import Foundation
import Query
import Tabular

extension Session {
    /// `load NAME "PATH" [options]`: reads a file, replacing the dataset only when it all loads.
    func load(name: Name, path: String, pathRange: SourceRange, options: [LoadOptionSyntax]) throws -> [Outcome] {
        try checkNewName(name)
        var loadOptions = LoadOptions()
        loadOptions.memoryLimit = settings.maxMemory
        var sheet: String? = nil
        var derivation = CPRGuard.Derivation()
        for option in options {
            let value = option.value ?? ""
            switch option.name.text.lowercased() {
            case "delimiter", "delim", "sep", "separator":
                let d: UInt8?
                switch value.lowercased() {
                case "tab", "\\t", "\t": d = 9
                case "semicolon": d = 59
                case "comma": d = 44
                case "pipe": d = 124
                default: d = value.utf8.count == 1 ? value.utf8.first : nil
                }
                guard let d else { throw Diagnostic("the delimiter is one character, e.g. \";\" or \"tab\"", at: option.range) }
                loadOptions.delimiter = d
            case "decimal":
                guard value == "," || value == "." else { throw Diagnostic("the decimal separator is \",\" or \".\"", at: option.range) }
                loadOptions.decimalSeparator = value.utf8.first
            case "encoding":
                guard let e = TextEncoding(userName: value) else {
                    throw Diagnostic("unknown encoding '\(value)'", at: option.range, suggestion: "use \"utf-8\", \"utf-8-bom\", \"cp1252\" or \"utf-16\"")
                }
                loadOptions.encoding = e
            case "header":
                guard ["true", "false", "yes", "no"].contains(value.lowercased()) else {
                    throw Diagnostic("'header' is true or false", at: option.range)
                }
                loadOptions.header = ["true", "yes"].contains(value.lowercased())
            case "dates", "dateformat", "date":
                guard let f = DateFormat(rawValue: value.lowercased()) else {
                    throw Diagnostic("unknown date layout '\(value)'", at: option.range,
                                     suggestion: "use one of " + DateFormat.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
                }
                loadOptions.dateFormat = f
            case "types":
                for (column, typeName) in option.types {
                    guard let t = DataType(userName: typeName.text) else {
                        throw Diagnostic.unknown("type", typeName.text, at: typeName.range, candidates: DataType.allCases.map(\.rawValue))
                    }
                    loadOptions.types[column.text] = t
                }
            case "sheet":
                sheet = value
            case "max_field", "max_line":
                guard let n = Int(value), n > 0 else { throw Diagnostic("'\(option.name.text)' is a number of bytes", at: option.range) }
                if option.name.text.lowercased() == "max_field" { loadOptions.maxFieldBytes = n } else { loadOptions.maxLineBytes = n }
            case "derive":
                for (item, date) in option.derived {
                    switch item.text.lowercased() {
                    case "age":
                        guard let date, let day = CivilDate.parse(date) else {
                            throw Diagnostic("'age' needs the date it is counted at: derive age at 2023-12-31", at: item.range)
                        }
                        derivation.ageOn = day
                    case "sex", "køn", "kon":
                        derivation.sex = true
                    default:
                        throw Diagnostic.unknown("derivation", item.text, at: item.range, candidates: ["age", "sex"])
                    }
                }
            default:
                throw Diagnostic.unknown("load option", option.name.text, at: option.name.range,
                                         candidates: ["delimiter", "decimal", "encoding", "header", "dates", "types", "sheet", "derive", "max_field", "max_line"])
            }
        }
        if path.hasPrefix(DemoData.scheme) {
            let wanted = String(path.dropFirst(DemoData.scheme.count))
            guard let table = DemoData.shared[wanted] else {
                throw Diagnostic.unknown("demo dataset", wanted, at: pathRange, candidates: DemoData.shared.keys.sorted())
            }
            define(name.text, table, origin: "demo")
            return [.info("loaded \(name.text): \(NumberFormat.grouped(table.rowCount)) rows × \(table.columns.count) columns from the demo data (\(wanted))")]
        }
        let target = resolve(path: path)
        let lower = target.lowercased()
        if lower.hasSuffix(".xls") {
            throw Diagnostic("old Excel workbooks (.xls) cannot be read", at: pathRange,
                             suggestion: "in Excel: Gem som → Excel-projektmappe (.xlsx) or CSV (semikolonsepareret)")
        }
        if lower.hasSuffix(".xlsx") || sheet != nil {
            let started = Date()
            let workbook = try XLSXReader.read(path: target, sheet: sheet, options: loadOptions)
            let (table, privacy) = try guardCPR(workbook.table, derivation, file: path, line: { "row \($0 + 2) of sheet \"\(workbook.sheet)\"" })
            define(name.text, table, origin: "\(path) [\(workbook.sheet)]")
            let columns = table.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            let summary = String(format: "loaded %@: %@ rows × %d columns from %@, sheet \"%@\" (sheets: %@) in %.2f s",
                                 name.text, NumberFormat.grouped(table.rowCount), table.columns.count,
                                 (path as NSString).lastPathComponent, workbook.sheet, workbook.sheets.joined(separator: ", "),
                                 Date().timeIntervalSince(started))
            return [.info(summary), .info("  columns: " + columns)] + privacy
        }
        let label = (path as NSString).lastPathComponent
        // An unchanged file loaded the same way comes from the load cache (never with raw CPR numbers).
        let cache = settings.cache && !settings.keepCPR ? LoadCache(folder: loadCachePath) : nil
        let optionsKey = options.map { "\($0.name.text)=\($0.value ?? "")|\($0.types.map { "\($0.0.text):\($0.1.text)" })|\($0.derived.map { "\($0.0.text)@\($0.1 ?? "")" })" }
            .joined(separator: ";")
        let key = cache?.key(file: target, options: optionsKey, pseudonymKey: pseudonymKeyPath)
        let started = Date()
        if let cache, let key, let (table, header) = cache.read(key) {
            define(name.text, table, origin: path)
            let columns = table.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
            let summary = String(format: "loaded %@: %@ rows × %d columns from %@ in %.2f s (unchanged since it was last loaded: from the load cache; %@)",
                                 name.text, NumberFormat.grouped(table.rowCount), table.columns.count, label, Date().timeIntervalSince(started), header.report)
            return [.info(summary), .info("  columns: " + columns)] + header.notes.map { .info($0) }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? NSNumber)?.int64Value
        if let progress { loadOptions.progress = { progress(label, $0, size, $1) } }
        defer { progress?(label, 1, size, nil) }
        let (raw, report) = try CSVReader.read(path: target, options: loadOptions)
        let (table, privacy) = try guardCPR(raw, derivation, file: path, line: { "line \($0 + (report.header ? 2 : 1))" })
        define(name.text, table, origin: path)
        let columns = table.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        let summary = String(format: "loaded %@: %@ rows × %d columns from %@ in %.2f s (%@)",
                             name.text, NumberFormat.grouped(table.rowCount), table.columns.count, (path as NSString).lastPathComponent,
                             report.seconds, report.description)
        if let cache, let key, !loadedRawCPR {
            cache.write(table, header: LoadCache.Header(report: report.description, notes: privacy.infos), key: key)
        }
        return [.info(summary), .info("  columns: " + columns)] + privacy
    }

    /// CPR numbers never reach the session raw: pseudonymised (or, with `set cpr keep`, kept and
    /// said so), a mixed column refused naming its first CPR line but never the value.
    func guardCPR(_ table: Table, _ derivation: CPRGuard.Derivation, file: String, line: (Int) -> String) throws -> (Table, [Outcome]) {
        let keyPath = pseudonymKeyPath
        let guarding = CPRGuard(keep: settings.keepCPR, derive: derivation, key: {
            do { return try PseudonymKey.load(path: keyPath) } catch { throw Diagnostic("\(error)", notes: ["nothing was loaded"]) }
        })
        do {
            let (protected, notes, keptRaw) = try guarding.apply(table)
            if keptRaw { loadedRawCPR = true }
            return (protected, notes.map { keptRaw ? Outcome.warning($0) : Outcome.info("  " + $0) })
        } catch let mixed as CPRGuard.MixedColumn {
            throw Diagnostic("\((file as NSString).lastPathComponent): the column '\(mixed.column)' has CPR numbers in \(NumberFormat.grouped(mixed.cprRows)) of its \(NumberFormat.grouped(mixed.rows)) values (the first at \(line(mixed.firstRow))) and other values in the rest",
                             notes: ["klynge replaces CPR numbers by pseudonyms as it loads, and cannot tell which values of a mixed column are people", "nothing was loaded"],
                             suggestion: "put the CPR numbers in a column of their own (or remove them) and load again")
        }
    }
}
