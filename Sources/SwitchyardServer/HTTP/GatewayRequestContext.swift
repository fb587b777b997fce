public import Hummingbird
public import NIOCore
public import SwitchyardGovernance

/// The per-request context: Hummingbird's core storage, the gateway's request id and the authenticated caller.
public struct GatewayRequestContext: RequestContext, IdentityRequestContext {
    /// Hummingbird's storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id, echoed from `x-request-id` or generated; empty until ``GatewayResponder`` sets it, unless
    /// the server did when it made the context.
    public var requestID: String
    /// The caller, set by ``APIKeyAuthenticationMiddleware``; `nil` when governance is off (library use, tests).
    public var identity: Identity?
    /// The request's body, when the connection read it whole before answering (the gateway's own HTTP/1.1
    /// connections, ``GatewayConnectionHandler``): decoders take it from here rather than iterating the request's
    /// body sequence, about ten `async` frames per request. `nil` elsewhere (Hummingbird's connections, tests).
    public var wholeBody: ByteBuffer?

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        identity = nil
        wholeBody = nil
    }

    /// Creates a context with the request's id and its whole body (the gateway's own connections).
    init(source: ApplicationRequestContextSource, requestID: String, wholeBody: ByteBuffer?) {
        coreContext = .init(source: source)
        self.requestID = requestID
        identity = nil
        self.wholeBody = wholeBody
    }
}
