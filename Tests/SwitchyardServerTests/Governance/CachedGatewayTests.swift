import Foundation
import HTTPTypes
import SwitchyardConfiguration
import SwitchyardGovernance
import SwitchyardStore
import Testing

/// The response cache through the real chat route: headers, SSE replay, per-request control, tenant isolation and
/// money saved in the ledger.
@Suite struct CachedGatewayTests {
    static var exactOnly: CacheConfiguration {
        var cache = CacheConfiguration()
        cache.exactEnabled = true
        return cache
    }

    @Test func aRepeatedRequestIsAnsweredFromTheCacheAndTheLedgerRecordsTheMoneySaved() async throws {
        try await GovernedGateway.run(cache: Self.exactOnly) { gateway in
            let key = try await gateway.key()
            let first = try await gateway.chat("gpt", key: key, extra: #", "temperature": 0"#)
            #expect(first.header("x-switchyard-cache") == "miss")
            try await gateway.cached(1)
            let second = try await gateway.chat("gpt", key: key, extra: #", "temperature": 0"#)
            #expect(second.status == .ok)
            #expect(second.header("x-switchyard-cache") == "hit")
            let answer = { (reply: GovernedGateway.Reply) in
                ((reply.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            }
            #expect(answer(second) != nil)
            #expect(answer(second) == answer(first))
            #expect(second.json["id"] as? String != first.json["id"] as? String)
            #expect(await gateway.upstream.recorder.entries.count == 1)

            let records = try await gateway.ledger()
            #expect(records.count == 2)
            let hit = try #require(records.first { $0.cacheHit })
            #expect(hit.cost == 0)
            #expect(hit.savedCost > 0)
            let miss = try #require(records.first { !$0.cacheHit })
            #expect(abs(hit.savedCost - miss.cost) < 1e-12)
            let usage = try await gateway.admin("/admin/v1/usage?group_by=tenant")
            let row = try #require((usage.json["data"] as? [[String: Any]])?.first)
            #expect(row["cache_hits"] as? Int == 1)
            #expect((row["saved_cost"] as? Double ?? 0) > 0)
        }
    }

    @Test func aCachedAnswerIsReplayedAsAValidEventStream() async throws {
        try await GovernedGateway.run(cache: Self.exactOnly) { gateway in
            let key = try await gateway.key()
            let original = try await gateway.chat("gpt", key: key)
            try await gateway.cached(1)
            let replay = try await gateway.chat("gpt", key: key, stream: true)
            #expect(replay.header("x-switchyard-cache") == "hit")
            #expect(replay.header("content-type") == "text/event-stream")
            let events = replay.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.allSatisfy { $0.hasPrefix("data: ") })
            #expect(events.last == "data: [DONE]")
            var text = ""
            var finish: String?
            var sawUsage = false
            for event in events.dropLast() {
                let chunk = try #require(
                    try JSONSerialization.jsonObject(with: Data(event.dropFirst(6).utf8)) as? [String: Any])
                #expect(chunk["object"] as? String == "chat.completion.chunk")
                if chunk["usage"] is [String: Any] { sawUsage = true }
                for choice in chunk["choices"] as? [[String: Any]] ?? [] {
                    text += (choice["delta"] as? [String: Any])?["content"] as? String ?? ""
                    if let reason = choice["finish_reason"] as? String { finish = reason }
                }
            }
            let expected = ((original.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?[
                "content"] as? String
            #expect(text == expected)
            #expect(finish == "stop")
            #expect(sawUsage)
        }
    }

    @Test func aStreamedAnswerIsCachedForTheNextCaller() async throws {
        try await GovernedGateway.run(cache: Self.exactOnly) { gateway in
            let key = try await gateway.key()
            let streamed = try await gateway.chat("claude", key: key, stream: true)
            #expect(streamed.header("x-switchyard-cache") == "miss")
            try await gateway.cached(1)
            let again = try await gateway.chat("claude", key: key)
            #expect(again.header("x-switchyard-cache") == "hit")
            #expect(await gateway.upstream.recorder.entries.count == 1)
        }
    }

    @Test func cacheControlAndTheBodyExtensionBypassTheCache() async throws {
        try await GovernedGateway.run(cache: Self.exactOnly) { gateway in
            let key = try await gateway.key()
            _ = try await gateway.chat("gpt", key: key, extra: #", "cache": {"no_store": true}"#)
            try await Task.sleep(for: .milliseconds(50))  // a late store could only hide a bug here
            #expect(try await gateway.chat("gpt", key: key).header("x-switchyard-cache") == "miss")
            try await gateway.cached(1)
            let skipped = try await gateway.chat("gpt", key: key, headers: [.cacheControl: "no-cache"])
            #expect(skipped.header("x-switchyard-cache") == "miss")
            #expect(try await gateway.chat("gpt", key: key).header("x-switchyard-cache") == "hit")
            #expect(await gateway.upstream.recorder.entries.count == 3)
        }
    }

    @Test func tenantsNeverShareCachedAnswers() async throws {
        try await GovernedGateway.run(cache: Self.exactOnly) { gateway in
            let acme = try await gateway.key(tenant: "acme")
            let globex = try await gateway.key(tenant: "globex")
            _ = try await gateway.chat("gpt", key: acme)
            try await gateway.cached(1)
            #expect(try await gateway.chat("gpt", key: globex).header("x-switchyard-cache") == "miss")
            #expect(try await gateway.chat("gpt", key: acme).header("x-switchyard-cache") == "hit")
        }
    }
}
