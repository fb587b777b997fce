public import Hummingbird
public import SwitchyardGovernance

/// A request context that can carry the authenticated caller.
///
/// `GatewayRequestContext` adopts it with one stored property:
/// ```swift
/// extension GatewayRequestContext: IdentityRequestContext {}   // with `public var identity: Identity?`
/// ```
public protocol IdentityRequestContext: RequestContext {
    /// The caller, once ``APIKeyAuthenticationMiddleware`` has authenticated the request.
    var identity: Identity? { get set }
}
