#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The calling thread's name, as `ps -L`, `top -H`, `perf` and `/proc` show it: how an operator tells the gateway's
/// background threads (`sy-ledger`, `sy-services`) from its event loops.
///
/// Foundation's `Thread.current.name = …` does not always take on Linux. Set first thing in a thread that `Thread`
/// started, it was lost for 5 to 14 of 400 threads in a test program, which kept the name of the thread that created
/// them (a Dispatch worker's, `…oot.default-qos`). Linux names the calling thread reliably through
/// `/proc/thread-self/comm`; `pthread_setname_np` is not in Glibc's module map.
public enum ThreadName {
    /// Names the calling thread. Linux keeps the first 15 bytes.
    ///
    /// - Returns: Whether the name was set.
    @discardableResult
    public static func setCurrent(_ name: String) -> Bool {
        #if os(Linux)
        guard let file = fopen("/proc/thread-self/comm", "w") else { return false }
        let written = fputs(String(decoding: name.utf8.prefix(15), as: UTF8.self), file)
        return fclose(file) == 0 && written >= 0
        #elseif canImport(Darwin)
        return pthread_setname_np(name) == 0
        #else
        return false
        #endif
    }

    /// The calling thread's name; empty where it cannot be read.
    public static var current: String {
        #if os(Linux)
        guard let file = fopen("/proc/thread-self/comm", "r") else { return "" }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return "" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).trimmingNewline()
        #elseif canImport(Darwin)
        var buffer = [CChar](repeating: 0, count: 64)
        guard pthread_getname_np(pthread_self(), &buffer, buffer.count) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        return ""
        #endif
    }
}

extension String {
    fileprivate func trimmingNewline() -> String {
        hasSuffix("\n") ? String(dropLast()) : self
    }
}
