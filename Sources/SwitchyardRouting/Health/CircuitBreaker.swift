/// A per-deployment circuit breaker: closed, open, half-open.
///
/// It opens after `consecutiveFailures` failures in a row, or when the error rate over `window` reaches `errorRate`
/// with at least `minimumRequests` outcomes. An open breaker rejects attempts until `cooldown` has passed, then lets
/// `halfOpenProbes` attempts through: one success closes it, one failure opens it again.
public struct CircuitBreaker: Sendable {
    /// The breaker's state, as shown in `/admin/v1/deployments`.
    public enum State: Sendable, Hashable {
        /// Traffic flows.
        case closed
        /// Traffic is refused until the instant (clock seconds).
        case open(until: Double)
        /// A limited number of probes are allowed.
        case halfOpen(probesInFlight: Int)

        /// `closed`, `open` or `half_open`.
        public var name: String {
            switch self {
            case .closed: return "closed"
            case .open: return "open"
            case .halfOpen: return "half_open"
            }
        }
    }

    /// Thresholds.
    public struct Settings: Sendable, Hashable {
        /// Failures in a row that open the breaker.
        public var consecutiveFailures: Int
        /// Error rate over the window that opens the breaker.
        public var errorRate: Double
        /// Outcomes needed in the window before the rate counts.
        public var minimumRequests: Int
        /// The error-rate window, in seconds.
        public var window: Double
        /// Seconds an open breaker waits before probing.
        public var cooldown: Double
        /// Probes allowed while half-open.
        public var halfOpenProbes: Int

        /// Creates thresholds.
        public init(
            consecutiveFailures: Int = 5, errorRate: Double = 0.5, minimumRequests: Int = 20, window: Double = 30,
            cooldown: Double = 30, halfOpenProbes: Int = 1
        ) {
            self.consecutiveFailures = consecutiveFailures
            self.errorRate = errorRate
            self.minimumRequests = minimumRequests
            self.window = window
            self.cooldown = cooldown
            self.halfOpenProbes = halfOpenProbes
        }
    }

    /// The current state.
    public private(set) var state: State = .closed
    /// Failures since the last success.
    public private(set) var failuresInARow = 0
    private var outcomes: OutcomeWindow
    private let settings: Settings

    /// Creates a closed breaker.
    public init(settings: Settings) {
        self.settings = settings
        outcomes = OutcomeWindow(window: settings.window)
    }

    /// The state at `now`, moving from open to half-open once the cooldown has passed.
    public mutating func currentState(now: Double) -> State {
        if case .open(let until) = state, now >= until { state = .halfOpen(probesInFlight: 0) }
        return state
    }

    /// Whether an attempt may go through now; a half-open breaker counts the probe.
    public mutating func tryAcquire(now: Double) -> Bool {
        switch currentState(now: now) {
        case .closed: return true
        case .open: return false
        case .halfOpen(let probes):
            guard probes < settings.halfOpenProbes else { return false }
            state = .halfOpen(probesInFlight: probes + 1)
            return true
        }
    }

    /// Whether an attempt could go through now, without counting it.
    public mutating func isAvailable(now: Double) -> Bool {
        switch currentState(now: now) {
        case .closed: return true
        case .open: return false
        case .halfOpen(let probes): return probes < settings.halfOpenProbes
        }
    }

    /// Records an attempt's outcome.
    public mutating func record(failed: Bool, now: Double) {
        outcomes.add(failed: failed, now: now)
        failuresInARow = failed ? failuresInARow + 1 : 0
        switch state {
        case .halfOpen:
            state = failed ? .open(until: now + settings.cooldown) : .closed
            if !failed { outcomes.reset() }
        case .open:
            break
        case .closed:
            guard failed else { return }
            let (total, failures) = outcomes.totals(now: now)
            let rateTripped =
                total >= settings.minimumRequests && Double(failures) / Double(total) >= settings.errorRate
            if failuresInARow >= settings.consecutiveFailures || rateTripped {
                state = .open(until: now + settings.cooldown)
            }
        }
    }
}

/// Outcomes over a sliding window in 20 buckets: constant memory and time per request.
struct OutcomeWindow: Sendable {
    private static let bucketCount = 20
    private let bucketWidth: Double
    private var totals = [Int](repeating: 0, count: bucketCount)
    private var failures = [Int](repeating: 0, count: bucketCount)
    private var epochs = [Int](repeating: Int.min, count: bucketCount)

    init(window: Double) {
        bucketWidth = max(window, 0.001) / Double(Self.bucketCount)
    }

    mutating func add(failed: Bool, now: Double) {
        let epoch = Int((now / bucketWidth).rounded(.down))
        let slot = ((epoch % Self.bucketCount) + Self.bucketCount) % Self.bucketCount
        if epochs[slot] != epoch {
            epochs[slot] = epoch
            totals[slot] = 0
            failures[slot] = 0
        }
        totals[slot] += 1
        if failed { failures[slot] += 1 }
    }

    func totals(now: Double) -> (total: Int, failures: Int) {
        let epoch = Int((now / bucketWidth).rounded(.down))
        var total = 0
        var failed = 0
        for slot in 0..<Self.bucketCount where epochs[slot] > epoch - Self.bucketCount {
            total += totals[slot]
            failed += failures[slot]
        }
        return (total, failed)
    }

    mutating func reset() {
        for slot in 0..<Self.bucketCount { epochs[slot] = Int.min }
    }
}
