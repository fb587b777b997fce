/// Carries a loop-confined value (a channel handler) into a closure that runs on its event loop, or that hands it
/// to a pipeline there. Only for values that are touched on that loop alone.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
