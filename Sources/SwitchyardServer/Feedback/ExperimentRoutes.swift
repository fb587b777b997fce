import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardGovernance
import SwitchyardRouting

/// `GET /admin/v1/experiments` and `GET /admin/v1/experiments/{id}` (master key only: experiments span tenants):
/// per arm its traffic, cost, latency, error rate and feedback, the mSPRT p-value and decision against the
/// control, and the promoted winner.
enum ExperimentRoutes {
    static func register(
        on router: Router<GatewayRequestContext>, experiments: ExperimentMonitor, authenticator: Authenticator
    ) {
        router.get("/admin/v1/experiments") { request, _ in
            if let refusal = authorize(request, authenticator) { return refusal }
            return encode(List(data: experiments.reports()))
        }
        router.get("/admin/v1/experiments/:id") { request, context in
            if let refusal = authorize(request, authenticator) { return refusal }
            guard let report = experiments.report(id: context.parameters.get("id") ?? "") else {
                return FeedbackError.experimentNotFound.response()
            }
            return encode(report)
        }
    }

    struct List: Encodable {
        var object = "list"
        var data: [ExperimentReport]
    }

    static func authorize(_ request: Request, _ authenticator: Authenticator) -> Response? {
        do {
            let caller = try authenticator.authenticateAdmin(
                authorization: request.headers[.authorization], apiKey: request.headers[.xAPIKey])
            guard caller == .master else {
                return GovernanceError(.insufficientScope, "Experiments are visible to the master key only.").response()
            }
            return nil
        } catch {
            return error.response()
        }
    }

    static func encode(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        guard let buffer = try? encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator()) else {
            return GovernanceError(.internalError, "The response could not be encoded.").response()
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }
}
