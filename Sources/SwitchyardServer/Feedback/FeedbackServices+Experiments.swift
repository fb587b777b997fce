import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting

extension FeedbackServices {
    /// Enters a chat request into the experiment on its model, if any: picks the arm (sticky by key, user or
    /// conversation; by request id when the request has no such value) and rewrites `chat.model` to the arm's
    /// model or `router/NAME`. A strategy arm keeps the model; the caller applies the arm's
    /// ``ExperimentMonitor/Assignment/strategy``.
    ///
    /// Runs before the learned-router selection, so a router arm is then served by the router.
    func assign(_ chat: inout ChatRequest, request: Request, context: GatewayRequestContext)
        -> ExperimentMonitor.Assignment?
    {
        guard !experiments.isEmpty else { return nil }
        let identity = context.identity
        let conversation =
            request.headers[.switchyardConversationID] ?? chat.metadata?["conversation_id"]?.stringValue
        let user = chat.user
        let assignment = experiments.assign(
            model: chat.model,
            stickiness: { stickiness in
                switch stickiness {
                case .key: identity.map { $0.keyID.isEmpty ? $0.tenantID : $0.keyID }
                case .user: user
                case .conversation: conversation ?? user
                }
            }, fallbackKey: context.requestID)
        switch assignment?.target {
        case .model(let name): chat.model = name
        case .router(let name): chat.model = "router/\(name)"
        case .strategy, nil: break
        }
        return assignment
    }

    /// Attaches feedback bookkeeping (the served-request log, the experiment's figures) to a request's ticket.
    func track(_ ticket: RequestTicket, _ assignment: ExperimentMonitor.Assignment?) {
        ticket.track(FeedbackTracking(services: self, assignment: assignment))
    }
}

extension ExperimentMonitor.Assignment {
    /// The deployment strategy a strategy arm asks for.
    var strategy: RoutingStrategyKind? {
        if case .strategy(let kind) = target { return kind }
        return nil
    }
}

/// What a request's ticket reports when it completes: the request goes into the served-request log (so feedback
/// may name it) and, in an experiment, into its arm's figures.
///
/// A class: the ticket keeps it in a `Mutex` of an optional, whose copy and destruction as a struct of a reference and
/// an optional assignment went through the runtime's generic tuple witnesses (about 2,000 instructions a request
/// under callgrind); a reference is one retain and one release.
final class FeedbackTracking: Sendable {
    let services: FeedbackServices
    let assignment: ExperimentMonitor.Assignment?

    init(services: FeedbackServices, assignment: ExperimentMonitor.Assignment?) {
        self.services = services
        self.assignment = assignment
    }

    func finished(
        requestID: String, tenantID: String?, model: String, router: String?, costUSD: Double,
        latencyMilliseconds: Double, failed: Bool
    ) {
        services.served.record(
            requestID,
            ServedRequestLog.Entry(
                tenantID: tenantID ?? Identity.anonymous.tenantID, model: model, router: router,
                experiment: assignment?.experiment, arm: assignment?.arm))
        if let assignment {
            services.experiments.recordOutcome(
                experiment: assignment.experiment, arm: assignment.arm, costUSD: costUSD,
                latencyMilliseconds: latencyMilliseconds, failed: failed)
        }
    }
}
