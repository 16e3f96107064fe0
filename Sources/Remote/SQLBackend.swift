import Tabular

/// A database klynge sends SQL to: its dialect, its catalog, running a statement (Ctrl-C cancels
/// it in the engine) and closing. PostgreSQL (libpq) is one; Spark Connect is the next.
public protocol SQLBackend: AnyObject, Sendable {
    /// How the engine spells SQL.
    var dialect: SQLDialect { get }
    /// The engine and server version, for `.datasets` ("PostgreSQL 15.18").
    var serverDescription: String { get }
    /// The tables and views a session may name, with their columns in klynge's types.
    func relations() throws(RemoteError) -> [RemoteRelation]
    /// Runs one statement and returns its rows, typed by `types` when given (else by the result's own types).
    func query(_ sql: String, types: [DataType]?) throws(RemoteError) -> Table
    /// Ends the connection (also on `disconnect` and at exit).
    func close()
}

/// An error from a database: the engine's message, SQLSTATE and position, or a cancellation.
public struct RemoteError: Error, Sendable, CustomStringConvertible {
    /// The engine's message (its primary message, without the "ERROR:" prefix).
    public var message: String
    /// The SQLSTATE code (e.g. 42703, undefined column), when the engine gave one.
    public var sqlState: String?
    /// Where in the statement the error is, 1-based in characters, when the engine said.
    public var position: Int?
    /// The engine's detail and hint lines.
    public var detail: String?
    /// The engine's hint.
    public var hint: String?
    /// Whether the statement was cancelled (Ctrl-C).
    public var cancelled = false
    /// Whether connecting failed for want of a password.
    public var needsPassword = false

    /// Creates an error.
    public init(_ message: String, sqlState: String? = nil, position: Int? = nil) {
        self.message = message
        self.sqlState = sqlState
        self.position = position
    }

    /// The message with its SQLSTATE.
    public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}
