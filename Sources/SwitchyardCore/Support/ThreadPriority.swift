#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's scheduling priority (its nice value and its scheduling class), for background threads that
/// should take CPU from requests only when nothing else wants it.
///
/// On Linux the nice value and the class belong to each thread, not to the process, and any thread may lower its own
/// priority without privileges; raising it again needs `CAP_SYS_NICE`. So a thread is lowered once, for good, and
/// work that must not fall behind is given to another thread instead.
public enum ThreadPriority {
    /// Linux's `SCHED_IDLE` (not exported by Glibc's module map).
    static let idlePolicy: Int32 = 5

    /// Puts the calling thread in Linux's idle scheduling class (`SCHED_IDLE`): it runs on a core that nothing else
    /// wants, and a thread of the normal class woken on its core takes the core at once.
    ///
    /// A raised nice value is not enough for that: the scheduler (EEVDF) lets the running thread finish its time slice
    /// before a woken one preempts it, and a nice +10 thread's slice is milliseconds of a request's wait. Under full
    /// load an idle-class thread still gets a sliver of CPU (a weight of 3 against 1,024 for nice 0), so work that must
    /// keep up needs a path at normal priority too (the ledger's urgent flushes).
    ///
    /// - Returns: `true` when the thread is in the idle class afterwards; `false` where there is no such class.
    @discardableResult
    public static func makeCurrentThreadIdle() -> Bool {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = sched_setscheduler(0, idlePolicy, &parameters)
        #endif
        return currentThreadIsIdle
    }

    /// Whether the calling thread is in Linux's idle scheduling class (``makeCurrentThreadIdle()``).
    public static var currentThreadIsIdle: Bool {
        #if os(Linux)
        return sched_getscheduler(0) == idlePolicy
        #else
        return false
        #endif
    }

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
