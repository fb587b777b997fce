import HTTPTypes
public import Hummingbird
public import SwitchyardGovernance
import SwitchyardStore

/// The admin API under `/admin/v1/`, JSON in and out, authenticated by the master key or a tenant key with the
/// `admin` scope (see ``AdminService`` for the isolation rule).
///
/// | Route | Does |
/// | --- | --- |
/// | `POST/GET /admin/v1/tenants`, `GET /admin/v1/tenants/{id}` | Create (master) / list / read tenants |
/// | `POST/GET /admin/v1/teams` | Create / list teams (`?tenant_id=`) |
/// | `POST/GET /admin/v1/users` | Create / list users and service accounts |
/// | `POST/GET /admin/v1/keys`, `GET/PATCH /admin/v1/keys/{id}` | Create (secret shown once) / list / read / update |
/// | `POST /admin/v1/keys/{id}/disable`, `POST /admin/v1/keys/{id}/rotate` | Disable / new secret |
/// | `GET /admin/v1/usage?group_by=tenant\|team\|key\|model&from=&to=` | Usage sums |
/// | `GET /admin/v1/usage/export?from=&to=` | Usage records as CSV |
/// | `GET /admin/v1/budgets` | Budgets and spend of the tenant, its teams and keys |
public enum AdminRoutes {
    /// Adds the admin routes to a router.
    ///
    /// ```swift
    /// AdminRoutes.register(on: router, service: AdminService(store: store, cache: cache, budgets: budgets),
    ///                      authenticator: Authenticator(cache: cache, masterKey: masterKey))
    /// ```
    public static func register<Context: RequestContext>(
        on router: Router<Context>, service: AdminService, authenticator: Authenticator
    ) {
        let handlers = AdminHandlers(service: service, authenticator: authenticator)
        let admin = router.group("admin/v1")
        admin.post("tenants") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                let draft = try await AdminJSON.decode(TenantDraft.self, from: request)
                return AdminJSON.response(try await service.createTenant(caller, draft), status: .created)
            }
        }
        admin.get("tenants") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.list(try await service.tenants(caller))
            }
        }
        admin.get("tenants/:id") { request, context in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.response(try await service.tenant(caller, id: context.parameters.get("id") ?? ""))
            }
        }
        admin.post("teams") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                let draft = try await AdminJSON.decode(TeamDraft.self, from: request)
                return AdminJSON.response(try await service.createTeam(caller, draft), status: .created)
            }
        }
        admin.get("teams") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.list(try await service.teams(caller, tenantID: AdminJSON.tenantFilter(request)))
            }
        }
        admin.post("users") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                let draft = try await AdminJSON.decode(PrincipalDraft.self, from: request)
                return AdminJSON.response(try await service.createPrincipal(caller, draft), status: .created)
            }
        }
        admin.get("users") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.list(
                    try await service.principals(caller, tenantID: AdminJSON.tenantFilter(request)))
            }
        }
        registerKeys(on: admin, service: service, handlers: handlers)
        registerUsage(on: admin, service: service, handlers: handlers)
    }
}

/// Authenticates each admin request, then runs its body; every refusal is rendered as a JSON error.
struct AdminHandlers: Sendable {
    let service: AdminService
    let authenticator: Authenticator

    func run(_ request: Request, _ body: (AdminCaller) async throws(GovernanceError) -> Response) async -> Response {
        let authenticator = self.authenticator
        let authorization = request.headers[.authorization]
        let apiKey = request.headers[.xAPIKey]
        let authenticated = Result { () throws(GovernanceError) -> AdminCaller in
            try authenticator.authenticateAdmin(authorization: authorization, apiKey: apiKey)
        }
        switch authenticated {
        case .failure(let error): return error.response()
        case .success(let caller):
            do {
                return try await body(caller)
            } catch {
                return error.response()
            }
        }
    }
}
