import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardGovernance
import SwitchyardServer
import SwitchyardStore
import Testing

/// An admin API on a fresh SQLite store, driven without sockets.
struct AdminHarness: Sendable {
    static let masterKey = "master-test-key-0123456789"

    let store: SQLStore
    let cache = PolicyCache()
    let budgets = BudgetTracker()
    let service: AdminService
    let authenticator: Authenticator

    init() async throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchyard-admin-\(UUID().uuidString)/switchyard.sqlite").path
        store = try await SQLStore.sqlite(path: path)
        try await store.migrate()
        service = AdminService(store: store, cache: cache, budgets: budgets)
        authenticator = Authenticator(cache: cache, masterKey: Self.masterKey)
    }

    /// Runs `body` against the router, then closes the store.
    func test(_ body: @Sendable (AdminClient) async throws -> Void) async throws {
        let router = Router(context: BasicRequestContext.self)
        AdminRoutes.register(on: router, service: service, authenticator: authenticator)
        let app = Application(router: router)
        try await app.test(.router) { client in try await body(AdminClient(client: client)) }
        try await store.close()
    }
}

/// A test client that speaks JSON with a bearer credential.
struct AdminClient: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        var code: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var data: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
        func string(_ key: String) -> String? { json[key] as? String }
    }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, as credential: String?, json: String? = nil
    ) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let credential { headers[.authorization] = "Bearer \(credential)" }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        ) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }
}
