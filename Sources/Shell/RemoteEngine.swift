import Foundation
import Remote

/// A kind of database `connect` reaches, by the scheme of its address: PostgreSQL is built in;
/// Spark Connect registers itself when its module is in the build (`SparkConnectBackend.register()`).
public struct RemoteEngine: Sendable {
    /// The schemes of its addresses ("postgresql", "postgres").
    public var schemes: [String]
    /// An address to show in messages.
    public var example: String
    /// What the server may ask for: "password" or "token".
    public var secret: String
    /// Where the secret may come from besides a prompt, for messages.
    public var secretSources: String
    /// Connects to an address, with the secret the user typed at a prompt (nil: none yet).
    public var connect: @Sendable (_ address: String, _ secret: String?) throws(RemoteError) -> SQLBackend

    /// Creates an engine.
    public init(schemes: [String], example: String, secret: String, secretSources: String,
                connect: @escaping @Sendable (_ address: String, _ secret: String?) throws(RemoteError) -> SQLBackend) {
        self.schemes = schemes
        self.example = example
        self.secret = secret
        self.secretSources = secretSources
        self.connect = connect
    }
}

/// The engines `connect` knows.
public enum RemoteEngines {
    // Registration may come from several threads at once (tests run in parallel): one lock.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered: [RemoteEngine] = [
        RemoteEngine(schemes: ["postgresql", "postgres"], example: "\"postgresql://user@host:5432/database\"", secret: "password",
                     secretSources: "set PGPASSWORD, put it in ~/.pgpass") { (address, password) throws(RemoteError) -> SQLBackend in
            try PostgreSQLBackend(url: address, password: password)
        },
    ]

    /// Every engine, PostgreSQL first.
    public static var all: [RemoteEngine] { lock.withLock { registered } }

    /// The engine for a scheme.
    public static func engine(scheme: String) -> RemoteEngine? { all.first { $0.schemes.contains(scheme) } }

    /// Adds an engine (a second registration of the same schemes changes nothing).
    public static func register(_ engine: RemoteEngine) {
        lock.withLock {
            guard !registered.contains(where: { $0.schemes == engine.schemes }) else { return }
            registered.append(engine)
        }
    }
}
