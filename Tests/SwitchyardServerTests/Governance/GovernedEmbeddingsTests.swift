import Foundation
import HTTPTypes
import NIOCore
import SwitchyardGovernance
import SwitchyardStore
import Testing

/// `POST /v1/embeddings` under governance, as chat requests are: rights, limits, budgets and the ledger.
@Suite struct GovernedEmbeddingsTests {
    @Test func anEmbeddingsRequestIsBilledToItsKeyAndRecorded() async throws {
        try await GovernedGateway.run { gateway in
            let missing = try await gateway.embed(key: nil)
            #expect(missing.status == .unauthorized)

            let key = try await gateway.key(rpm: 100)
            let served = try await gateway.embed(key: key)
            #expect(served.status == .ok)
            #expect(served.header("x-ratelimit-remaining-requests") == "99")

            let records = try await gateway.ledger()
            #expect(records.count == 1)
            let record = try #require(records.first)
            #expect(record.status == 200)
            #expect(record.model == "embed")
            #expect(record.keyPrefix == APIKey.prefix(of: key))
            #expect(record.promptTokens > 0 && record.completionTokens == 0)
            #expect(record.cost > 0, "priced on its input tokens")
        }
    }

    @Test func aKeyMayEmbedOnlyWithItsModels() async throws {
        try await GovernedGateway.run { gateway in
            let chatOnly = try await gateway.key(models: ["gpt"])
            let refused = try await gateway.embed(key: chatOnly)
            #expect(refused.status == .forbidden)
            #expect(refused.code == "model_not_allowed")
            #expect(try await gateway.embed(key: try await gateway.key(models: ["embed"])).status == .ok)
        }
    }

    @Test func rateLimitsAndBudgetsApply() async throws {
        try await GovernedGateway.run { gateway in
            let key = try await gateway.key(rpm: 1)
            #expect(try await gateway.embed(key: key).status == .ok)
            let limited = try await gateway.embed(key: key)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.code == "rate_limited")

            let broke = try await gateway.key(budget: BudgetLimits(total: 1e-12))
            let refused = try await gateway.embed(key: broke)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.code == "budget_exceeded")

            // A budget that would downgrade a chat request refuses an embeddings request, and says so in the ledger.
            let downgrading = try await gateway.key(budget: BudgetLimits(total: 1e-12, downgradeModel: "claude"))
            let notDowngraded = try await gateway.embed(key: downgrading)
            #expect(notDowngraded.status == .tooManyRequests)
            #expect(notDowngraded.code == "budget_exceeded")
            let records = try await gateway.ledger()
            #expect(records.contains { $0.errorCode == "budget_exceeded" && $0.model == "embed" })
        }
    }
}

extension GovernedGateway {
    /// An embeddings request for the model `embed` as `key` (none: anonymous).
    func embed(key: String?) async throws -> Reply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        let body = #"{"model": "embed", "input": ["Hello there", "General Kenobi"]}"#
        return try await client.execute(
            uri: "/v1/embeddings", method: .post, headers: headers, body: ByteBuffer(string: body)
        ) { Reply(status: $0.status, headers: $0.headers, text: String(buffer: $0.body)) }
    }
}
