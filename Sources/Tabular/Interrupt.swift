/// Cooperative cancellation for long work (loading, evaluation): Ctrl-C sets a flag that loops poll.
public enum Interrupt {
    /// Returns true when the user asked to cancel; the front end installs the real check.
    nonisolated(unsafe) public static var poll: @Sendable () -> Bool = { false }

    /// Throws `Cancelled` when the user asked to cancel.
    @inline(__always) public static func check() throws {
        if poll() { throw Cancelled() }
    }
}

/// Thrown when the user pressed Ctrl-C during a statement.
public struct Cancelled: Error, CustomStringConvertible {
    /// Creates the error.
    public init() {}
    /// What the shell prints.
    public var description: String { "cancelled" }
}
