import Hummingbird

/// `POST /v1/chat/completions` (and `/chat/completions`), answered without Hummingbird's route lookup.
///
/// Most of a gateway's requests are chat completions. Hummingbird's router finds their endpoint in a trie (about
/// 12,000 instructions per request under callgrind) and calls it through a chain of generic responders. This
/// responder checks the two exact paths first and runs the same middleware the router runs for them, the same
/// instances in the same order: error mapping, then API-key authentication when governance is on. Everything else,
/// including a chat path with a query string, goes to the router. With tracing on it is not used (the router's
/// tracing middleware names the span after the matched route).
struct ChatRouteResponder<Router: HTTPResponder>: HTTPResponder where Router.Context == GatewayRequestContext {
    /// Everything that is not a chat completion.
    let router: Router
    /// The chat handler and the middleware in front of it; `nil` sends chat completions to the router too.
    let route: ChatRoute?

    func respond(to request: Request, context: GatewayRequestContext) async throws -> Response {
        if let route, request.method == .post, let path = request.head.path, ChatRoute.serves(path) {
            return try await route.respond(to: request, context: context)
        }
        return try await router.respond(to: request, context: context)
    }
}

/// The chat completions endpoint with the router's middleware in front of it.
struct ChatRoute: Sendable {
    /// The paths served, as the router registers them.
    static let paths = ["/v1/chat/completions", "/chat/completions"]

    /// Whether `path` is one of ``paths``: two comparisons, where a `Set` hashed the path first.
    static func serves(_ path: String) -> Bool {
        path == paths[0] || path == paths[1]
    }

    let errors: ErrorMappingMiddleware
    let authentication: APIKeyAuthenticationMiddleware<GatewayRequestContext>?
    let chat: ChatCompletionsHandler

    func respond(to request: Request, context: GatewayRequestContext) async throws -> Response {
        try await errors.handle(request, context: context) { request, context in
            guard let authentication else { return try await chat.handle(request, context: context) }
            return try await authentication.handle(request, context: context) { request, context in
                try await chat.handle(request, context: context)
            }
        }
    }
}
