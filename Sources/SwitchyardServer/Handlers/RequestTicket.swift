import Foundation
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting
import SwitchyardTelemetry
import Synchronization

/// One request's claim on the record: completed exactly once (later calls are ignored), however the request ends —
/// answered, refused, failed, or abandoned by the client mid-stream. Completion settles the budget and writes the
/// ledger record (when governance is on) and records the metrics and the live traffic figures.
final class RequestTicket: Sendable {
    /// The governance admission and the governor that settles it. A class: an admission is 400 bytes, which every
    /// ticket (and so every open stream) would hold inline, admitted or not.
    final class Admitted: Sendable {
        let governor: Governor
        let admission: Admission

        init(governor: Governor, admission: Admission) {
            self.governor = governor
            self.admission = admission
        }
    }

    let requestID: String
    let operation: String
    let telemetry: GatewayTelemetry?
    let pricing: PricingCatalogue
    let started = ContinuousClock.now
    /// What the request learns on its way: the model served, the tenant, the admission and the cache's answer.
    ///
    /// A struct, not a tuple: a tuple in a `Mutex` was destroyed through the runtime's generic tuple witness, about
    /// 1,200 instructions per request under callgrind.
    private struct State {
        var model: String
        var tenant: String?
        var admitted: Admitted?
        var cache: RequestRecord.CacheResult?
    }

    private let state: Mutex<State>
    private let done = Atomic<Bool>(false)
    /// Feedback bookkeeping (served-request log, experiment arm), when configured.
    private let feedback = Mutex<FeedbackTracking?>(nil)

    init(requestID: String, operation: String = "chat", model: String, telemetry: GatewayTelemetry?,
         pricing: PricingCatalogue) {
        self.requestID = requestID
        self.operation = operation
        self.telemetry = telemetry
        self.pricing = pricing
        state = Mutex(State(model: model))
        telemetry?.started()
    }

    /// Attaches the governance admission (and the tenant it bills).
    func admitted(_ admission: Admission, by governor: Governor) {
        state.withLock {
            $0.admitted = Admitted(governor: governor, admission: admission)
            $0.tenant = admission.identity.tenantID
        }
    }

    /// Attaches feedback bookkeeping: the request becomes nameable by `POST /v1/feedback` and, in an experiment,
    /// counts in its arm's figures and the ledger's `experiment`/`experiment_arm`.
    func track(_ tracking: FeedbackTracking) { feedback.withLock { $0 = tracking } }

    /// The public model actually served (after a budget downgrade).
    func serve(model: String) { state.withLock { $0.model = model } }

    /// Notes the cache's answer.
    func cache(_ result: RequestRecord.CacheResult) { state.withLock { $0.cache = result } }

    /// The tenant, once known.
    var tenant: String? { state.withLock { $0.tenant } }

    /// Settles a served request.
    @inline(never)  // not part of the frames of the callers that wait for an upstream
    func succeeded(
        deployment: Deployment?, usage: Usage?, decision: RoutingDecision? = nil, timeToFirstToken: Double? = nil,
        status: Int = 200, errorCode: String? = nil
    ) async {
        await complete(
            deployment: deployment, usage: usage, decision: decision, status: status, errorCode: errorCode,
            timeToFirstToken: timeToFirstToken, savedFrom: nil)
    }

    /// Settles a request answered by the cache: nothing spent; the cached answer's price is recorded as saved.
    @inline(never)  // not part of the frames of the callers that wait for an upstream
    func cached(savedFrom deployment: Deployment?, usage: Usage?) async {
        let saved = deployment.flatMap { deployment in usage.map { (deployment: deployment, usage: $0) } }
        await complete(
            deployment: nil, usage: nil, decision: nil, status: 200, errorCode: nil, timeToFirstToken: nil,
            savedFrom: saved)
    }

    /// Settles a refused or failed request: the reservation is released and the error recorded.
    @inline(never)  // not part of the frames of the callers that wait for an upstream
    func failed(_ error: any Error, deployment: Deployment? = nil, decision: RoutingDecision? = nil) async {
        let (status, code): (Int, String)
        if let refusal = error as? GovernanceError {
            (status, code) = (refusal.code.httpStatus, refusal.code.rawValue)
        } else {
            let mapped = GatewayErrorMapping.map(error)
            (status, code) = (mapped.code.httpStatus, mapped.code.rawValue)
        }
        await complete(
            deployment: deployment, usage: nil, decision: decision, status: status, errorCode: code,
            timeToFirstToken: nil, savedFrom: nil)
    }

    private func complete(
        deployment: Deployment?, usage: Usage?, decision: RoutingDecision?, status: Int, errorCode: String?,
        timeToFirstToken: Double?, savedFrom: (deployment: Deployment, usage: Usage)?
    ) async {
        guard done.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        let snapshot = state.withLock { $0 }
        let tracking = feedback.withLock { $0 }
        let elapsed = ContinuousClock.now - started
        // Priced once, for the experiment's figures, the governor's ledger and the metrics alike (the same catalogue).
        let cost =
            tracking == nil && telemetry == nil && snapshot.admitted == nil
            ? nil : deployment.flatMap { deployment in usage.flatMap { pricing.price(for: deployment)?.cost(of: $0) } }
        tracking?.finished(
            requestID: requestID, tenantID: snapshot.tenant, model: snapshot.model, router: decision?.router?.router,
            costUSD: cost ?? 0, latencyMilliseconds: elapsed.seconds * 1000, failed: status >= 400)
        if let admitted = snapshot.admitted {
            var outcome = RequestOutcome(
                requestID: requestID, model: snapshot.model, deployment: deployment, usage: usage, status: status,
                errorCode: errorCode, timeToFirstTokenMilliseconds: timeToFirstToken,
                cacheHit: savedFrom != nil, savedFrom: savedFrom)
            outcome.router = decision?.router?.router
            outcome.strongestCost = decision?.router?.strongestCost(of: usage)
            outcome.experiment = tracking?.assignment?.experiment
            outcome.experimentArm = tracking?.assignment?.arm
            outcome.costUSD = cost
            await admitted.governor.complete(admitted.admission, outcome)
        }
        guard let telemetry else { return }
        let saved = savedFrom.flatMap { pricing.price(for: $0.deployment)?.cost(of: $0.usage) }
        telemetry.finished(
            RequestRecord(
                operation: operation, model: snapshot.model, provider: deployment?.provider.kind.rawValue ?? "none",
                deployment: deployment?.id ?? "none", region: deployment?.region ?? "none", status: status,
                errorCode: errorCode, durationSeconds: elapsed.seconds,
                timeToFirstTokenSeconds: timeToFirstToken.map { $0 / 1000 }, usage: usage, costUSD: cost ?? 0,
                savedUSD: saved ?? 0, tenant: snapshot.tenant, cache: snapshot.cache,
                attempts: decision?.attempts.map { (kind: $0.kind, deployment: $0.deployment, outcome: $0.outcome) }
                    ?? []))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
