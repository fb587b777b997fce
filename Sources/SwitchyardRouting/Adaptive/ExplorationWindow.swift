/// The exploring share of the last `size` requests: a ring of flags.
struct ExplorationWindow: Sendable {
    private var flags: [Bool]
    private var next = 0
    private var filled = 0
    private(set) var explored = 0

    init(size: Int) {
        flags = [Bool](repeating: false, count: max(1, size))
    }

    /// Whether one more exploring request would keep the share at most `maxShare`.
    func allows(maxShare: Double) -> Bool {
        guard maxShare > 0 else { return false }
        // After recording, the window holds min(filled + 1, size) requests, one of them possibly evicted.
        let evictsExplored = filled == flags.count && flags[next]
        let total = min(filled + 1, flags.count)
        let exploring = explored + 1 - (evictsExplored ? 1 : 0)
        return Double(exploring) <= maxShare * Double(total) + 1e-9
    }

    /// Records one request.
    mutating func record(explored value: Bool) {
        if filled == flags.count, flags[next] { explored -= 1 }
        flags[next] = value
        if value { explored += 1 }
        next = (next + 1) % flags.count
        filled = min(filled + 1, flags.count)
    }

    /// Requests in the window.
    var count: Int { filled }
}
