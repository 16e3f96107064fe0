import Query

/// A connected database as a session holds it: its name, its address with any password masked,
/// the backend that talks to it, and its tables by the dataset names they appear under.
public final class RemoteConnection: @unchecked Sendable {
    /// The name given to `connect`.
    public let name: String
    /// The address, password or token masked.
    public let address: String
    /// The backend.
    public let backend: SQLBackend
    /// The tables and views, by dataset name.
    public let relations: [String: RemoteRelation]

    /// Creates a connection record.
    public init(name: String, address: String, backend: SQLBackend, relations: [String: RemoteRelation]) {
        self.name = name
        self.address = Secrets.masked(address)
        self.backend = backend
        self.relations = relations
    }

    /// The connection's name and engine, for messages: "pg (postgresql)".
    public var label: String { "\(name) (\(backend.dialect.name))" }
}
