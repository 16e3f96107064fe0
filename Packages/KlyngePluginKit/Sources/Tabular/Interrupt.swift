/// Cooperative cancellation for long work (loading, evaluation): Ctrl-C sets a flag that loops poll.
public enum Interrupt {
    /// Returns true when the user asked to cancel; the front end installs the real check once, at start.
    nonisolated(unsafe) public static var poll: @Sendable () -> Bool = { false }

    /// An extra check for the work of one task only (`Interrupt.$scoped.withValue(…)`), so that
    /// callers running side by side, such as tests, can cancel their own work without the others'.
    @TaskLocal public static var scoped: (@Sendable () -> Bool)? = nil

    /// Throws `Cancelled` when the user asked to cancel.
    @inline(__always) public static func check() throws {
        if checker()() { throw Cancelled() }
    }

    /// The check as a value, taken on the thread that asks, for worker threads to call (a task's
    /// own check is task-local, so a dispatch worker would not see it); true means cancel.
    @inline(__always) public static func checker() -> @Sendable () -> Bool {
        let poll = Self.poll, scoped = Self.scoped
        return { poll() || scoped?() == true }
    }
}

/// Thrown when the user pressed Ctrl-C during a statement.
public struct Cancelled: Error, CustomStringConvertible {
    /// Creates the error.
    public init() {}
    /// What the shell prints.
    public var description: String { "cancelled" }
}
