#if canImport(Glibc)
import Glibc
#endif
public import Logging
import NIOPosix
public import ServiceLifecycle

/// Gives the free pages inside the C heap back to the operating system at a fixed interval (`server.heap_trim_seconds`).
///
/// glibc's `malloc` returns memory to the system only from the top of a heap. Long-lived objects (one set per open
/// stream) end up between the short-lived ones that handling a request allocates and frees, so after a burst of
/// requests the heap is full of free holes that still count as the process's memory. `malloc_trim(0)` releases the
/// whole pages inside those holes. Measured at 10,000 open streams: 356 → 327 MB, and 443 → 381 MB when every request
/// carries a 6 KB system prompt.
///
/// The trim takes each malloc arena's lock while it walks its free chunks, so it runs on NIO's blocking thread pool,
/// never on an event loop; requests that allocate meanwhile wait for at most that walk. Where the C library has no
/// `malloc_trim` (musl, Darwin) the service does nothing.
public struct HeapTrimmer: Service {
    let interval: Duration
    let logger: Logger

    /// A trimmer that runs every `interval`.
    public init(interval: Duration, logger: Logger) {
        self.interval = interval
        self.logger = logger
    }

    /// Trims until graceful shutdown.
    public func run() async throws {
        guard let trim = Self.mallocTrim else { return }
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            let started = ContinuousClock.now
            let released = try? await NIOThreadPool.singleton.runIfActive { trim(0) != 0 }
            logger.trace(
                "heap trimmed",
                metadata: ["released": "\(released ?? false)", "duration": "\(ContinuousClock.now - started)"])
        }
    }

    /// glibc's `malloc_trim`, looked up at run time: Swift's Glibc module does not declare it.
    static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}
