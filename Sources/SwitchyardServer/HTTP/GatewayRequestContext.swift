public import Hummingbird

/// The per-request context: Hummingbird's core storage plus the gateway's request id.
public struct GatewayRequestContext: RequestContext {
    /// Hummingbird's storage.
    public var coreContext: CoreRequestContextStorage
    /// The request id, echoed from `x-request-id` or generated.
    public var requestID: String

    /// Creates a context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
    }
}
