public import Hummingbird
public import NIOCore
public import SwitchyardGovernance

/// The per-request context: Hummingbird's core storage, the gateway's request id and the authenticated caller.
public struct GatewayRequestContext: RequestContext, IdentityRequestContext {
    /// Hummingbird's storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id, echoed from `x-request-id` or generated.
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
}
