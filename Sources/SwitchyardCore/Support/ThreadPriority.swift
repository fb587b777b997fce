#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's scheduling priority (its nice value), for background threads that should take CPU from
/// requests only when nothing else wants it.
///
/// On Linux the nice value belongs to each thread, not to the process, and any thread may raise its own (lower its
/// priority) without privileges; lowering it again needs `CAP_SYS_NICE`. So a thread is lowered once, for good,
/// and work that must not fall behind is given to another thread instead.
public enum ThreadPriority {
    /// The calling thread's nice value (-20, highest, to 19, lowest).
    public static var currentNice: Int32 {
        #if os(Linux)
        errno = 0
        return Int32(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        #else
        return 0
        #endif
    }

    /// Raises the calling thread's nice value by `steps` (at most to 19), lowering its priority.
    ///
    /// - Returns: The thread's nice value afterwards; unchanged where the platform has no per-thread nice value.
    @discardableResult
    public static func lowerCurrentThread(by steps: Int32) -> Int32 {
        #if os(Linux)
        let target = min(19, currentNice + max(0, steps))
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, target)
        #endif
        return currentNice
    }
}
