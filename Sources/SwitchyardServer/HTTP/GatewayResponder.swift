public import Hummingbird
import HTTPTypes
import Logging
import SwitchyardCore
import SwitchyardGovernance

/// The outermost responder: assigns the request id, renders every error as an OpenAI-style JSON body, and logs one
/// access line per request (never prompt text or keys).
public struct GatewayResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == GatewayRequestContext {
    let inner: Inner
    let logger: Logger

    /// Wraps a responder.
    public init(inner: Inner, logger: Logger) {
        self.inner = inner
        self.logger = logger
    }

    /// Answers a request; errors become JSON error responses.
    ///
    /// The server runs each request in a task of its own, and relays a streamed body in another
    /// (``GatewayResponseBodyWriter``), so the memory that handling the request needed is freed before the relay.
    public func respond(to request: Request, context: GatewayRequestContext) async throws -> Response {
        try await Self.answer(request, context: context, inner: inner, logger: logger)
    }

    /// The request id, the inner responder, errors rendered, and the access line. What runs before and after the
    /// inner responder is in synchronous helpers: a stream waits for its first token under this frame.
    private static func answer(_ request: Request, context: GatewayRequestContext, inner: Inner, logger: Logger)
        async throws -> Response
    {
        // The gateway's own server sets the id when it makes the context; Hummingbird's connections do not.
        if context.requestID.isEmpty {
            let context = identified(context, request: request)
            return try await answer(request, identified: context, inner: inner, logger: logger)
        }
        return try await answer(request, identified: context, inner: inner, logger: logger)
    }

    /// ``answer(_:context:inner:logger:)`` once the context has its request id.
    private static func answer(
        _ request: Request, identified context: GatewayRequestContext, inner: Inner, logger: Logger
    ) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await inner.respond(to: request, context: context)
        } catch {
            response = rendered(error, requestID: context.requestID, logger: logger)
        }
        return finished(response, request: request, requestID: context.requestID, started: started, logger: logger)
    }

    /// The context with the request's id (the client's `x-request-id` when it is usable, else a new one).
    @inline(never)
    private static func identified(_ context: GatewayRequestContext, request: Request) -> GatewayRequestContext {
        var context = context
        context.requestID = RequestID.from(request.headers[.xRequestID])
        return context
    }

    /// An error as an OpenAI-style JSON response; internal errors are logged (by type, never by message).
    @inline(never)
    private static func rendered(_ error: any Error, requestID: String, logger: Logger) -> Response {
        if let error = error as? GovernanceError { return error.response() }
        let gatewayError = GatewayErrorMapping.map(error)
        if gatewayError.code == .internalError {
            logger.error("unhandled error", metadata: ["request_id": "\(requestID)", "error": "\(type(of: error))"])
        }
        return gatewayError.response()
    }

    /// The response with its request id, and the access line.
    @inline(never)
    private static func finished(
        _ response: consuming Response, request: Request, requestID: String, started: ContinuousClock.Instant,
        logger: Logger
    ) -> Response {
        var response = response
        // Appended: no responder below this one sets the field (checked in debug builds, which run the tests). The
        // subscript's setter searches, removes and rebuilds the list, about 2,500 instructions per response.
        assert(!response.headers.contains { $0.name == .xRequestID }, "x-request-id is the gateway responder's")
        response.headers.append(HTTPField(name: .xRequestID, value: requestID))
        logger.debug(
            "request",
            metadata: [
                "request_id": "\(requestID)", "method": "\(request.method.rawValue)",
                "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "duration_ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
        return response
    }
}

extension Duration {
    /// The duration in milliseconds, with microsecond precision.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds / 1_000_000_000_000) / 1000
    }
}
