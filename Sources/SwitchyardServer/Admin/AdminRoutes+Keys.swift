import Hummingbird
import SwitchyardGovernance
import SwitchyardStore

extension AdminRoutes {
    static func registerKeys<Context: RequestContext>(
        on admin: RouterGroup<Context>, service: AdminService, handlers: AdminHandlers
    ) {
        admin.post("keys") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                let draft = try await AdminJSON.decode(KeyDraft.self, from: request)
                return AdminJSON.response(try await service.createKey(caller, draft), status: .created)
            }
        }
        admin.get("keys") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.list(try await service.keys(caller, tenantID: AdminJSON.tenantFilter(request)))
            }
        }
        admin.get("keys/:id") { request, context in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.response(try await service.key(caller, id: context.parameters.get("id") ?? ""))
            }
        }
        admin.patch("keys/:id") { request, context in
            await handlers.run(request) { caller async throws(GovernanceError) in
                let patch = try await AdminJSON.decode(KeyDraft.self, from: request)
                return AdminJSON.response(
                    try await service.updateKey(caller, id: context.parameters.get("id") ?? "", patch))
            }
        }
        admin.post("keys/:id/disable") { request, context in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.response(try await service.disableKey(caller, id: context.parameters.get("id") ?? ""))
            }
        }
        admin.post("keys/:id/rotate") { request, context in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.response(try await service.rotateKey(caller, id: context.parameters.get("id") ?? ""))
            }
        }
    }

    static func registerUsage<Context: RequestContext>(
        on admin: RouterGroup<Context>, service: AdminService, handlers: AdminHandlers
    ) {
        admin.get("usage") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                let query = request.uri.queryParameters
                let groupText = query["group_by"].map(String.init) ?? "tenant"
                guard let grouping = UsageGrouping(rawValue: groupText) else {
                    throw GovernanceError(
                        .invalidRequest, "'group_by' must be tenant, team, key or model.", param: "group_by")
                }
                let groups = try await service.usage(
                    caller, tenantID: query["tenant_id"].map(String.init),
                    from: try AdminJSON.date(query["from"].map(String.init), name: "from"),
                    to: try AdminJSON.date(query["to"].map(String.init), name: "to"), groupBy: grouping)
                return AdminJSON.response(UsageBody(groupBy: grouping.rawValue, data: groups))
            }
        }
        admin.get("usage/export") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                let query = request.uri.queryParameters
                let records = try await service.usageRecords(
                    caller, tenantID: query["tenant_id"].map(String.init),
                    from: try AdminJSON.date(query["from"].map(String.init), name: "from"),
                    to: try AdminJSON.date(query["to"].map(String.init), name: "to"))
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition: "attachment; filename=\"switchyard-usage.csv\"",
                    ],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: UsageCSV.render(records))))
            }
        }
        admin.get("budgets") { request, _ in
            await handlers.run(request) { caller async throws(GovernanceError) in
                AdminJSON.list(try await service.budgets(caller, tenantID: AdminJSON.tenantFilter(request)))
            }
        }
    }

    struct UsageBody: Encodable {
        var object = "usage"
        var groupBy: String
        var data: [UsageGroup]
    }
}
