import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import SwitchyardRouting

/// `GET /v1/routing/decisions/{request_id}` and the read-only `GET /admin/v1/deployments`.
struct RoutingHandlers: Sendable {
    let engine: RoutingEngine

    func decision(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let id = context.parameters.get("request_id") ?? ""
        guard let decision = engine.decisions.decision(for: id) else {
            throw GatewayError(
                .decisionNotFound, "No routing decision is kept for request '\(id.prefix(128))'.", param: "request_id")
        }
        return try json(decision)
    }

    func deployments(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let now = engine.health.clock.now()
        let rows = engine.catalog.ordered.flatMap { model in
            model.deployments.map { deployment in
                let health = engine.health.health(of: deployment)
                return DeploymentRow(
                    id: deployment.id, model: model.name, provider: deployment.provider.name,
                    kind: deployment.provider.kind.rawValue, upstreamModel: deployment.upstreamModel,
                    region: deployment.region, weight: deployment.weight, priority: deployment.priority,
                    circuit: health.breaker.state.name, inflight: health.inflight,
                    latencyMs: health.latency.map { ($0 * 1000).rounded() },
                    timeToFirstTokenMs: health.timeToFirstToken.map { ($0 * 1000).rounded() },
                    coolingDownSeconds: max(0, (health.coolingDownUntil - now).rounded(.up)),
                    attempts: health.attempts, failures: health.failures)
            }
        }
        return try json(["object": "list", "data": rows] as DeploymentList)
    }

    private func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}

private struct DeploymentList: Encodable, ExpressibleByDictionaryLiteral {
    var object = "list"
    var data: [DeploymentRow] = []

    init(dictionaryLiteral elements: (String, Any)...) {
        for (key, value) in elements where key == "data" { data = value as? [DeploymentRow] ?? [] }
    }
}

private struct DeploymentRow: Encodable {
    var id, model, provider, kind, upstreamModel: String
    var region: String?
    var weight: Double
    var priority: Int
    var circuit: String
    var inflight: Int
    var latencyMs: Double?
    var timeToFirstTokenMs: Double?
    var coolingDownSeconds: Double
    var attempts: Int
    var failures: Int

    enum CodingKeys: String, CodingKey {
        case id, model, provider, kind, region, weight, priority, circuit, inflight, attempts, failures
        case upstreamModel = "upstream_model"
        case latencyMs = "latency_ms"
        case timeToFirstTokenMs = "time_to_first_token_ms"
        case coolingDownSeconds = "cooling_down_seconds"
    }
}
