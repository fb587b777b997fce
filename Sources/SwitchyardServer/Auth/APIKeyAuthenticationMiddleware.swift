import HTTPTypes
public import Hummingbird
public import SwitchyardGovernance
import SwitchyardCore

/// Authenticates `/v1/*` requests by virtual key (`Authorization: Bearer sk-sy-…` or `x-api-key`) and puts the
/// ``Identity`` on the context. Refusals are 401 with distinct codes (`missing_api_key`, `malformed_api_key`,
/// `invalid_api_key`, `api_key_disabled`, `api_key_expired`) and name nothing of any tenant.
///
/// Reads only the in-memory ``PolicyCache``: no database round trip per request.
///
/// When keys are not required (the open, loopback-only quick start), a request without a Switchyard key is served
/// as ``SwitchyardGovernance/Identity/anonymous``; one that sends an `sk-sy-` key is still authenticated, so its
/// usage is billed to its tenant.
public struct APIKeyAuthenticationMiddleware<Context: IdentityRequestContext>: RouterMiddleware {
    let authenticator: Authenticator
    let exemptPaths: Set<String>
    /// The longest exempt path's length in bytes: a longer path is not looked up (hashing it cost 360 instructions
    /// per request under callgrind).
    let longestExemptPath: Int
    let required: Bool

    /// Creates the middleware.
    ///
    /// - Parameters:
    ///   - authenticator: Checks keys against the cache.
    ///   - required: Whether every request needs a key; otherwise callers without one are anonymous.
    ///   - exemptPaths: Paths served without a key (e.g. `/healthz`, `/readyz`).
    public init(
        authenticator: Authenticator, required: Bool = true,
        exemptPaths: Set<String> = ["/healthz", "/readyz", "/metrics", "/dashboard"]
    ) {
        self.authenticator = authenticator
        self.required = required
        self.exemptPaths = exemptPaths
        longestExemptPath = exemptPaths.lazy.map(\.utf8.count).max() ?? 0
    }

    /// Authenticates, then calls the next responder; answers 401 itself on failure.
    ///
    /// The checks are in ``authenticate(_:context:)``, not here: this frame lives under every later frame of the
    /// request, a stream's wait for its first token included, so it holds only the context it passes on (with its
    /// branches inline it was 3,360 bytes).
    public func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch authenticate(request, context: context) {
        case .pass(let context): return try await next(request, context)
        case .refuse(let response): return response
        }
    }

    /// What the checks decided: the context to serve the request with, or the refusal.
    enum Outcome {
        case pass(Context)
        case refuse(Response)
    }

    /// Checks the request's key and puts its identity (or the anonymous one) on the context.
    @inline(never)
    func authenticate(_ request: Request, context: Context) -> Outcome {
        // The path once: `URI.path` makes a new string on every call.
        let path = request.uri.path
        if (path.utf8.count <= longestExemptPath && exemptPaths.contains(path)) || UTF8Scan.hasPrefix(path, "/admin/") {
            return .pass(context)
        }
        let (authorization, apiKey) = request.headers.values(of: .authorization, .xAPIKey)
        var context = context
        if !required {
            let credential = Authenticator.credential(authorization: authorization, apiKey: apiKey)
            if !(credential.map(Authenticator.isVirtualKey) ?? false) {
                context.identity = .anonymous
                return .pass(context)
            }
        }
        do throws(GovernanceError) {
            context.identity = try authenticator.authenticate(authorization: authorization, apiKey: apiKey)
            return .pass(context)
        } catch {
            return .refuse(error.response())
        }
    }
}

extension HTTPField.Name {
    /// `x-api-key`.
    static let xAPIKey = Self("x-api-key")!
}
