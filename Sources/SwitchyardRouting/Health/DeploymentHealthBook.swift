import Synchronization
public import SwitchyardCore

/// Health of every deployment, shared by all requests: breakers, in-flight counts, latency averages, cooldowns.
///
/// One lock guards a small dictionary; every operation is a few arithmetic steps under it.
public final class DeploymentHealthBook: Sendable {
    private let states: Mutex<[String: DeploymentHealth]>
    private let breakerSettings: CircuitBreaker.Settings
    /// The clock all health timing uses.
    public let clock: any MonotonicClock

    /// Creates an empty book.
    public init(breakerSettings: CircuitBreaker.Settings, clock: any MonotonicClock) {
        self.breakerSettings = breakerSettings
        self.clock = clock
        states = Mutex([:])
    }

    /// Reads (and updates time-driven transitions of) one deployment's health.
    public func health(of deployment: Deployment) -> DeploymentHealth {
        let now = clock.now()
        return states.withLock { states in
            var health = states[deployment.id] ?? DeploymentHealth(breaker: CircuitBreaker(settings: breakerSettings))
            _ = health.breaker.currentState(now: now)
            states[deployment.id] = health
            return health
        }
    }

    /// Why the deployment cannot take a request now, or `nil` if it can.
    public func unavailability(of deployment: Deployment, tokens: Int) -> String? {
        let now = clock.now()
        return states.withLock { states in
            var health = states[deployment.id] ?? DeploymentHealth(breaker: CircuitBreaker(settings: breakerSettings))
            defer { states[deployment.id] = health }
            if !health.breaker.isAvailable(now: now) { return "circuit \(health.breaker.currentState(now: now).name)" }
            if health.coolingDownUntil > now {
                return "cooling down after 429 for \(Int((health.coolingDownUntil - now).rounded(.up)))s"
            }
            if !health.hasCapacity(
                now: now, rpm: deployment.requestsPerMinute, tpm: deployment.tokensPerMinute, tokens: tokens)
            {
                return "at rpm/tpm capacity"
            }
            return nil
        }
    }

    /// Starts an attempt: takes a half-open probe if needed. `false` if the breaker refuses.
    public func begin(_ deployment: Deployment, tokens: Int) -> Bool {
        let now = clock.now()
        return states.withLock { states in
            var health = states[deployment.id] ?? DeploymentHealth(breaker: CircuitBreaker(settings: breakerSettings))
            defer { states[deployment.id] = health }
            guard health.breaker.tryAcquire(now: now) else { return false }
            health.recordStart(now: now, tokens: tokens)
            return true
        }
    }

    /// Ends an attempt with its outcome and timings (seconds).
    public func end(_ deployment: Deployment, failed: Bool, latency: Double?, firstToken: Double?) {
        let now = clock.now()
        states.withLock { states in
            var health = states[deployment.id] ?? DeploymentHealth(breaker: CircuitBreaker(settings: breakerSettings))
            health.recordEnd(now: now, latency: latency, firstToken: firstToken, failed: failed)
            states[deployment.id] = health
        }
    }

    /// Cools a deployment down after a 429, for `seconds`.
    public func coolDown(_ deployment: Deployment, seconds: Double) {
        let until = clock.now() + seconds
        states.withLock { states in
            var health = states[deployment.id] ?? DeploymentHealth(breaker: CircuitBreaker(settings: breakerSettings))
            health.coolingDownUntil = max(health.coolingDownUntil, until)
            states[deployment.id] = health
        }
    }
}
