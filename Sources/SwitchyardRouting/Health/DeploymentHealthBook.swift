import Synchronization
public import SwitchyardCore

/// Health of every deployment, shared by all requests: breakers, in-flight counts, latency averages, cooldowns.
///
/// Each deployment has its own lock, so requests to different deployments never contend; every operation is a few
/// arithmetic steps on a value updated in place.
public final class DeploymentHealthBook: Sendable {
    /// One deployment's health behind its own lock. The route planner hands the slots it read on to the attempt
    /// loop, which begins and ends its attempts on them without looking the deployment up again (each lookup
    /// hashes its id under the book's lock).
    final class Slot: Sendable {
        let state: Mutex<DeploymentHealth>
        init(_ health: DeploymentHealth) { state = Mutex(health) }
    }

    private let slots: Mutex<[String: Slot]>
    private let breakerSettings: CircuitBreaker.Settings
    /// The clock all health timing uses.
    public let clock: any MonotonicClock

    /// Creates an empty book.
    public init(breakerSettings: CircuitBreaker.Settings, clock: any MonotonicClock) {
        self.breakerSettings = breakerSettings
        self.clock = clock
        slots = Mutex([:])
    }

    func slot(_ deployment: Deployment) -> Slot {
        slots.withLock { slots in
            if let slot = slots[deployment.id] { return slot }
            let slot = Slot(DeploymentHealth(breaker: CircuitBreaker(settings: breakerSettings)))
            slots[deployment.id] = slot
            return slot
        }
    }

    private func update<T>(_ deployment: Deployment, _ body: (inout DeploymentHealth) -> T) -> T {
        slot(deployment).state.withLock { body(&$0) }
    }

    /// Reads (and updates time-driven transitions of) one deployment's health.
    public func health(of deployment: Deployment) -> DeploymentHealth {
        let now = clock.now()
        return update(deployment) { health in
            _ = health.breaker.currentState(now: now)
            return health
        }
    }

    /// One deployment's health reading (as ``health(of:)`` reads it), why it cannot take a request of `tokens` now
    /// (`nil` if it can), and its slot: one lookup, one lock and one clock reading for the route planner, which asks
    /// both of every candidate.
    func assess(_ deployment: Deployment, tokens: Int)
        -> (reading: DeploymentHealthReading, unavailability: String?, slot: Slot)
    {
        let now = clock.now()
        let slot = slot(deployment)
        let (reading, unavailability) = slot.state.withLock { health in
            _ = health.breaker.currentState(now: now)
            return (health.reading, Self.unavailability(of: &health, deployment, tokens: tokens, now: now))
        }
        return (reading, unavailability, slot)
    }

    /// Why a deployment in `health` cannot take a request now, or `nil` if it can.
    private static func unavailability(
        of health: inout DeploymentHealth, _ deployment: Deployment, tokens: Int, now: Double
    ) -> String? {
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

    /// Starts an attempt: takes a half-open probe if needed. `false` if the breaker refuses.
    public func begin(_ deployment: Deployment, tokens: Int) -> Bool {
        begin(deployment, in: slot(deployment), tokens: tokens)
    }

    /// ``begin(_:tokens:)`` on the deployment's slot, as the planner found it.
    func begin(_ deployment: Deployment, in slot: Slot, tokens: Int) -> Bool {
        let now = clock.now()
        let limited = deployment.requestsPerMinute != nil || deployment.tokensPerMinute != nil
        return slot.state.withLock { health in
            guard health.breaker.tryAcquire(now: now) else { return false }
            health.recordStart(now: now, tokens: tokens, limited: limited)
            return true
        }
    }

    /// Ends an attempt with its outcome and timings (seconds).
    public func end(_ deployment: Deployment, failed: Bool, latency: Double?, firstToken: Double?) {
        end(slot(deployment), failed: failed, latency: latency, firstToken: firstToken)
    }

    /// ``end(_:failed:latency:firstToken:)`` on the deployment's slot, as the planner found it.
    func end(_ slot: Slot, failed: Bool, latency: Double?, firstToken: Double?) {
        let now = clock.now()
        slot.state.withLock { health in
            health.recordEnd(now: now, latency: latency, firstToken: firstToken, failed: failed)
        }
    }

    /// Cools a deployment down after a 429, for `seconds`.
    public func coolDown(_ deployment: Deployment, seconds: Double) {
        let until = clock.now() + seconds
        update(deployment) { health in
            health.coolingDownUntil = max(health.coolingDownUntil, until)
        }
    }
}
