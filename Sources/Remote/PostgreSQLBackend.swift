import CLibPQ
import Foundation
import Tabular

/// PostgreSQL through libpq (the C client every PostgreSQL-wire engine speaks; Debian's
/// libpq-dev). Chosen over PostgresNIO: the C library builds in seconds, PostgresNIO's first build
/// took 203 s and 562 MB here (SCALE-OUT.md).
///
/// Results come back as text and are read in a fixed form the connection asks for at start
/// (`DateStyle ISO`, `extra_float_digits 3`: every double exactly, UTF-8, UTC). A statement is sent
/// without waiting, and while it runs the socket and Ctrl-C are polled; Ctrl-C sends the server a
/// cancel request, so the query stops there too.
public final class PostgreSQLBackend: SQLBackend, @unchecked Sendable {
    // A session runs one statement at a time, so the connection is never shared between threads.
    private var connection: OpaquePointer?

    /// PostgreSQL's spelling.
    public let dialect: SQLDialect = PostgreSQLDialect()
    /// "PostgreSQL 15.18".
    public let serverDescription: String

    /// Connects to a `postgresql://` URL (libpq's URI form; a password comes from the URL, the
    /// environment's `PGPASSWORD`, `~/.pgpass`, or `password`). A refusal for want of a password
    /// is an error with `needsPassword` set, so the caller can ask and try again.
    public init(url: String, password: String? = nil) throws(RemoteError) {
        var keywords = ["dbname", "fallback_application_name"]
        var values = [url, "klynge"]
        if let password { keywords.append("password"); values.append(password) }
        let connection = Self.withCStrings(keywords) { k in
            Self.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            var error = RemoteError(Self.firstLine(connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"))
            if let connection {
                error.needsPassword = PQconnectionNeedsPassword(connection) == 1 && password == nil
                PQfinish(connection)
            }
            throw error
        }
        self.connection = connection
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        let version = Int(PQserverVersion(connection))
        serverDescription = "PostgreSQL \(version / 10000).\(version % 10000)"
        let setup = "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET standard_conforming_strings = on"
        guard let result = PQexec(connection, setup), PQresultStatus(result) == PGRES_COMMAND_OK else {
            let message = String(cString: PQerrorMessage(connection))
            close()
            throw RemoteError("the connection's settings were refused: \(Self.firstLine(message))")
        }
        PQclear(result)
    }

    deinit { close() }

    /// Ends the connection.
    public func close() {
        if let connection { PQfinish(connection) }
        connection = nil
    }

    /// The tables, views and foreign tables the user may read, outside the system schemas.
    public func relations() throws(RemoteError) -> [RemoteRelation] {
        let sql = """
            SELECT n.nspname, c.relname, c.relkind::text, a.attname, t.typname
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
              AND has_table_privilege(c.oid, 'SELECT')
            ORDER BY n.nspname, c.relname, a.attnum
            """
        let rows = try query(sql, types: [.text, .text, .text, .text, .text])
        var out: [RemoteRelation] = []
        for r in 0..<rows.rowCount {
            let schema = rows.columns[0].value(at: r).description, name = rows.columns[1].value(at: r).description
            let kind = rows.columns[2].value(at: r).description
            let column = rows.columns[3].value(at: r).description, typeName = rows.columns[4].value(at: r).description
            let (type, exact) = Self.klyngeType(typeName)
            let qualified = "\(schema).\(name)"
            if out.last?.qualifiedName != qualified {
                // Tables of `public` under their own names, others as schema_table.
                out.append(RemoteRelation(dataset: schema == "public" ? name : "\(schema)_\(name)", sql: "\(dialect.quote(schema)).\(dialect.quote(name))", qualifiedName: qualified,
                                          isView: kind == "v" || kind == "m", columns: []))
            }
            out[out.count - 1].columns.append(RemoteRelation.Column(name: column, type: type, engineType: typeName, exact: exact))
        }
        return out
    }

    /// klynge's type for a PostgreSQL type name, and whether no cast is needed (BIGINT, DOUBLE
    /// PRECISION, TEXT, DATE and BOOLEAN are klynge's own). Timestamps become dates; a type klynge
    /// has no counterpart for (json, arrays, uuid) becomes its text form.
    static func klyngeType(_ name: String) -> (DataType, Bool) {
        switch name {
        case "int8": (.integer, true)
        case "int2", "int4": (.integer, false)
        case "float8": (.decimal, true)
        case "float4", "numeric": (.decimal, false)
        case "text": (.text, true)
        case "date": (.date, true)
        case "timestamp", "timestamptz": (.date, false)
        case "bool": (.boolean, true)
        default: (.text, false)
        }
    }

    /// klynge's type for a result column's type OID (for `load … from`): whole numbers, numbers, booleans, dates, text.
    static func klyngeType(oid: UInt32) -> DataType {
        switch oid {
        case 20, 21, 23, 26: .integer        // int8, int2, int4, oid
        case 700, 701, 1700: .decimal        // float4, float8, numeric
        case 16: .boolean
        case 1082: .date
        default: .text
        }
    }

    /// Runs one statement, polling for Ctrl-C while the server works.
    public func query(_ sql: String, types: [DataType]?) throws(RemoteError) -> Table {
        guard let connection else { throw RemoteError("the connection is closed") }
        guard PQsendQuery(connection, sql) == 1 else { throw RemoteError(Self.firstLine(String(cString: PQerrorMessage(connection)))) }
        var cancelSent = false
        while PQisBusy(connection) == 1 {
            var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 50)
            if PQconsumeInput(connection) == 0 { break }
            if !cancelSent, (try? Interrupt.check()) == nil {
                cancelSent = true
                if let cancel = PQgetCancel(connection) {
                    var buffer = [CChar](repeating: 0, count: 256)
                    _ = PQcancel(cancel, &buffer, 256)
                    PQfreeCancel(cancel)
                }
            }
        }
        var table: Table? = nil
        var failure: RemoteError? = nil
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK:
                if table == nil, failure == nil {
                    do throws(RemoteError) { table = try Self.table(result, types: types) } catch { failure = error }
                }
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                continue
            default:
                if failure == nil { failure = Self.error(result, cancelled: cancelSent) }
            }
        }
        if let failure { throw failure }
        if cancelSent {
            var error = RemoteError("cancelled (Ctrl-C)", sqlState: "57014")
            error.cancelled = true
            throw error
        }
        return table ?? Table(columns: [], rowCount: 0)
    }

    /// A failed result as an error with its SQLSTATE, message, position, detail and hint.
    static func error(_ result: OpaquePointer, cancelled: Bool) -> RemoteError {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        let fieldCode = { (c: Character) in Int32(c.asciiValue!) }
        var error = RemoteError(field(fieldCode("M")) ?? firstLine(String(cString: PQresultErrorMessage(result))),
                                sqlState: field(fieldCode("C")), position: field(fieldCode("P")).flatMap { Int($0) })
        error.detail = field(fieldCode("D"))
        error.hint = field(fieldCode("H"))
        error.cancelled = cancelled && error.sqlState == "57014"
        return error
    }

    /// A text result as columns of klynge's types.
    static func table(_ result: OpaquePointer, types: [DataType]?) throws(RemoteError) -> Table {
        let rows = Int(PQntuples(result)), fields = Int(PQnfields(result))
        var columns: [Column] = []
        for f in 0..<fields {
            let name = String(cString: PQfname(result, Int32(f)))
            let type = types.flatMap { f < $0.count ? $0[f] : nil } ?? klyngeType(oid: PQftype(result, Int32(f)))
            var validity = [Bool](repeating: true, count: rows)
            func cell(_ r: Int) -> UnsafeMutablePointer<CChar>? {
                if PQgetisnull(result, Int32(r), Int32(f)) == 1 { validity[r] = false; return nil }
                return PQgetvalue(result, Int32(r), Int32(f))
            }
            func bad(_ r: Int, _ text: UnsafeMutablePointer<CChar>) -> RemoteError {
                RemoteError("row \(r + 1) of the result, column '\(name)': '\(String(cString: text))' is not a \(type) klynge can hold")
            }
            let data: ColumnData
            switch type {
            case .integer:
                var values = [Int64](repeating: 0, count: rows)
                for r in 0..<rows {
                    guard let text = cell(r) else { continue }
                    guard let v = Int64(String(cString: text)) else { throw bad(r, text) }
                    values[r] = v
                }
                data = .integer(values)
            case .decimal:
                var values = [Double](repeating: 0, count: rows)
                for r in 0..<rows {
                    guard let text = cell(r) else { continue }
                    var end: UnsafeMutablePointer<CChar>? = nil
                    values[r] = strtod(text, &end)
                    if end == text || end?.pointee != 0 { throw bad(r, text) }
                }
                data = .decimal(values)
            case .boolean:
                var values = [Bool](repeating: false, count: rows)
                for r in 0..<rows { if let text = cell(r) { values[r] = text.pointee == CChar(UInt8(ascii: "t")) } }
                data = .boolean(values)
            case .date:
                var values = [Int32](repeating: 0, count: rows)
                for r in 0..<rows {
                    guard let text = cell(r) else { continue }
                    // A timestamp's date part: the first ten characters.
                    guard let date = CivilDate.parse(String(String(cString: text).prefix(10))) else { throw bad(r, text) }
                    values[r] = date.daysSinceEpoch
                }
                data = .date(values)
            case .text:
                var builder = TextStorage.Builder()
                builder.reserve(rows)
                for r in 0..<rows {
                    if let text = cell(r) { builder.append(String(cString: text)) } else { builder.appendNull() }
                }
                data = .text(builder.storage)
            }
            columns.append(Column(name: name, data: data, validity: validity))
        }
        return Table(columns: columns, rowCount: rows)
    }

    static func firstLine(_ message: String) -> String {
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("ERROR:") { text = String(text.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
        return text.split(separator: "\n").first.map(String.init) ?? text
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
