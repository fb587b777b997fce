import NIOCore
import NIOPosix

/// One value per event loop of a group, found from the loop the caller runs on: the per-loop part of
/// ``HTTP1ConnectionPool`` and ``HTTP2ConnectionPool``.
struct EventLoopLocal<Value: Sendable>: Sendable {
    private let values: [ObjectIdentifier: Value]
    private let group: any EventLoopGroup

    /// Makes each loop's value.
    init(group: any EventLoopGroup, make: (any EventLoop) -> Value) {
        self.group = group
        var values: [ObjectIdentifier: Value] = [:]
        for loop in group.makeIterator() { values[ObjectIdentifier(loop)] = make(loop) }
        self.values = values
    }

    /// The value of the loop the caller runs on; `nil` off the group's loops (on Swift's default executor).
    var current: Value? {
        MultiThreadedEventLoopGroup.currentEventLoop.flatMap { values[ObjectIdentifier($0)] }
    }

    /// The value of the group's next loop, for a caller that runs on none of them.
    func next() -> Value {
        values[ObjectIdentifier(group.next())] ?? values.values.first!
    }

    /// Every loop's value.
    var all: Dictionary<ObjectIdentifier, Value>.Values { values.values }
}
