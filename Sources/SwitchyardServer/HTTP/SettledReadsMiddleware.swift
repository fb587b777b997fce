import Hummingbird

/// Holds a request that reads what settling writes (the admin API, `/metrics`, `POST /v1/feedback`, the decision
/// log's `GET /v1/routing/decisions/{id}`) until every request answered before it is settled
/// (``Settlements/settled()``), so that an answer counts in every figure read after it. Other routes pass at once.
struct SettledReadsMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let settlements: Settlements

    func handle(
        _ request: Request, context: GatewayRequestContext,
        next: @concurrent (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        if Self.readsSettledState(request.uri.path) { await settlements.settled() }
        return try await next(request, context)
    }

    /// Whether a request to `path` reads spend, the ledger, metrics, served requests or routing decisions.
    static func readsSettledState(_ path: String) -> Bool {
        path.hasPrefix("/admin/") || path == "/metrics" || path == "/v1/feedback"
            || path.hasPrefix("/v1/routing/decisions/")
    }
}
