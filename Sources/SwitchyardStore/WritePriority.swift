/// How soon a write must take CPU.
///
/// The usage ledger's routine flushes are `background`: on SQLite they go through a second connection whose thread
/// runs at a lower scheduling priority, so that a flush of a few hundred records gives way to requests instead of
/// holding one of the cores for milliseconds. PostgreSQL does the work in its own server, and ignores the priority.
public enum WritePriority: Sendable {
    /// A write that is waited for, or that must not fall behind.
    case normal
    /// A write that may wait while the process has other work.
    case background
}
