import Foundation
import SwitchyardCache
import SwitchyardCore
import Testing

@Suite struct SQLiteSemanticCacheStoreTests {
    @Test func entriesSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("semantic-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var request = ChatRequest(model: "gpt-x", messages: [.text(.user, "What is two plus two?")])
        request.temperature = 0
        let answer = ChatResponse(
            id: "c1", created: 1, model: "gpt-x",
            choices: [.init(index: 0, message: .text(.assistant, "4"), finishReason: .stop)],
            usage: Usage(promptTokens: 5))
        let first = SemanticCache(embed: bagOfWords, dimensions: 16, verifier: cosineVerifier())
        let store = try await SQLiteSemanticCacheStore.open(path: path)
        let record = try #require(first.store(answer, for: request, tenant: "acme"))
        try await store.save(record)
        try await store.close()

        let reopened = try await SQLiteSemanticCacheStore.open(path: path)
        let second = SemanticCache(embed: bagOfWords, dimensions: 16, verifier: cosineVerifier())
        second.restore(try await reopened.loadLive(now: Date().timeIntervalSince1970))
        try await reopened.close()
        var paraphrase = request
        paraphrase.messages = [.text(.user, "what is two plus two")]
        #expect(second.lookup(paraphrase, tenant: "acme")?.response == answer)
        #expect(second.lookup(paraphrase, tenant: "other") == nil)
        #expect(second.snapshot().count == 1)
    }
}
