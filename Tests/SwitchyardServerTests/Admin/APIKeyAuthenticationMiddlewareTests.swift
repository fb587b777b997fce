import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchyardGovernance
import SwitchyardServer
import SwitchyardStore
import Testing

/// A context like `GatewayRequestContext`, with the identity slot the middleware fills.
struct IdentityTestContext: IdentityRequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: Identity?
    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

@Suite struct APIKeyAuthenticationMiddlewareTests {
    @Test func authenticatesBearerAndXAPIKeyAndRefusesWithDistinctCodes() async throws {
        let cache = PolicyCache()
        let secret = APIKey.generate()
        let disabled = APIKey.generate()
        cache.upsert(VirtualKeyRecord(id: "key_1", hash: APIKey.hash(secret), prefix: APIKey.prefix(of: secret),
            tenantID: "ten_a", name: "k"))
        cache.upsert(VirtualKeyRecord(id: "key_2", hash: APIKey.hash(disabled), prefix: APIKey.prefix(of: disabled),
            tenantID: "ten_a", name: "k", enabled: false))
        let router = Router(context: IdentityTestContext.self)
        router.add(middleware: APIKeyAuthenticationMiddleware(authenticator: Authenticator(cache: cache)))
        router.get("/v1/models") { _, context in context.identity?.tenantID ?? "none" }
        router.get("/healthz") { _, _ in "ok" }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer \(secret)"]) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body) == "ten_a")
            }
            try await client.execute(uri: "/v1/models", method: .get, headers: [HTTPField.Name("x-api-key")!: secret]) {
                #expect(String(buffer: $0.body) == "ten_a")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            let cases: [(HTTPFields, String)] = [
                ([:], "missing_api_key"), ([.authorization: "Bearer sk-sy-nope"], "malformed_api_key"),
                ([.authorization: "Bearer \(APIKey.generate())"], "invalid_api_key"),
                ([.authorization: "Bearer \(disabled)"], "api_key_disabled"),
            ]
            for (headers, code) in cases {
                try await client.execute(uri: "/v1/models", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    let body = String(buffer: response.body)
                    #expect(body.contains("\"code\":\"\(code)\""))
                    #expect(body.contains("\"type\":\"authentication_error\""))
                    #expect(!body.contains("ten_a"))
                }
            }
        }
    }
}
