import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardRouting
import SwitchyardStore

/// `POST /v1/feedback` `{"request_id": "…", "score": 0.8}` (or `"thumbs_up"`, `"thumbs_down"`, or
/// `{"value": 0.8, "metric": "helpfulness"}`): scores a recent request of the caller's tenant.
///
/// The score is stored in `routing_feedback`; a plain score (or thumbs) also trains the learned router's bandit (if
/// a router served the request) and counts once as the request's experiment arm's feedback. Another tenant's
/// request, a forgotten one and an unknown one all answer `404 request_not_found`, so ids leak nothing.
struct FeedbackHandler: Sendable {
    let services: FeedbackServices
    static let maxBodyBytes = 64 * 1024

    /// The answer to a stored feedback.
    struct Accepted: Encodable {
        var object = "feedback"
        var requestID: String
        var metric: String
        var score: Double
        /// Whether a learned router's bandit learned from it.
        var learned: Bool
        var experiment: String?
        var experimentArm: String?

        enum CodingKeys: String, CodingKey {
            case object, metric, score, learned, experiment
            case requestID = "request_id"
            case experimentArm = "experiment_arm"
        }
    }

    func handle(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maxBodyBytes)
        let data = Data(buffer: body)
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw GatewayError(.invalidJSON, "The request body is not a JSON object.")
        }
        let feedback: FeedbackRequest
        do {
            feedback = try JSONDecoder().decode(FeedbackRequest.self, from: data)
        } catch let error as FeedbackError {
            return error.response()
        } catch {
            return FeedbackError.invalid("The body must be {\"request_id\": \"…\", \"score\": …}.", param: nil)
                .response()
        }
        let tenant = context.identity?.tenantID ?? Identity.anonymous.tenantID
        guard let served = services.served.entry(feedback.requestID), served.tenantID == tenant else {
            return FeedbackError.requestNotFound.response()
        }
        try await services.store?.appendFeedback([
            FeedbackRecord(
                time: Date(), requestID: feedback.requestID, tenantID: served.tenantID, router: served.router,
                model: served.model, experiment: served.experiment, experimentArm: served.arm, metric: feedback.metric,
                score: feedback.score)
        ])
        var learned = false
        if feedback.metric == "score" {
            learned = await services.learner.learn(requestID: feedback.requestID, score: feedback.score)
            if let experiment = served.experiment, let arm = served.arm, services.served.markScored(feedback.requestID)
            {
                services.experiments.recordFeedback(experiment: experiment, arm: arm, score: feedback.score)
            }
        }
        let accepted = Accepted(
            requestID: feedback.requestID, metric: feedback.metric, score: feedback.score, learned: learned,
            experiment: served.experiment, experimentArm: served.arm)
        let buffer = try JSONEncoder().encodeAsByteBuffer(accepted, allocator: ByteBufferAllocator())
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }
}
