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
    private var outcomes: [(time: Double, failed: Bool)] = []
    private let settings: Settings

    /// Creates a closed breaker.
    public init(settings: Settings) {
        self.settings = settings
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
        outcomes.append((now, failed))
        outcomes.removeAll { $0.time < now - settings.window }
        if outcomes.count > 4096 { outcomes.removeFirst(outcomes.count - 4096) }
        failuresInARow = failed ? failuresInARow + 1 : 0
        switch state {
        case .halfOpen:
            state = failed ? .open(until: now + settings.cooldown) : .closed
            if !failed { outcomes.removeAll() }
        case .open:
            break
        case .closed:
            guard failed else { return }
            let failures = outcomes.filter(\.failed).count
            let rateTripped =
                outcomes.count >= settings.minimumRequests
                && Double(failures) / Double(outcomes.count) >= settings.errorRate
            if failuresInARow >= settings.consecutiveFailures || rateTripped {
                state = .open(until: now + settings.cooldown)
            }
        }
    }
}
