import Hummingbird
import SwitchyardCore
import SwitchyardGovernance

/// Turns Hummingbird's own errors (no route, body too large) into ``GatewayError``s before the router renders
/// them, so every error leaves the gateway with the same JSON body.
struct ErrorMappingMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(
        _ request: Request, context: GatewayRequestContext,
        next: @concurrent (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            throw error
        } catch let error as GovernanceError {
            throw error
        } catch {
            throw GatewayErrorMapping.map(error)
        }
    }
}
