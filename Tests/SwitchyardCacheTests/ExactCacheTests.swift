import SwitchyardCache
import SwitchyardCore
import Synchronization
import Testing

private func request(_ text: String, model: String = "gpt-x") -> ChatRequest {
    var request = ChatRequest(model: model, messages: [.text(.system, "Be brief."), .text(.user, text)])
    request.temperature = 0
    return request
}

private func response(_ text: String) -> ChatResponse {
    ChatResponse(
        id: "chatcmpl-1", created: 1, model: "gpt-x",
        choices: [.init(index: 0, message: .text(.assistant, text), finishReason: .stop)],
        usage: Usage(promptTokens: 10, completionTokens: 5))
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let time = Mutex(1000.0)
    var now: Double { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
}

@Suite struct CacheKeyTests {
    @Test func stableAndInsensitiveToIrrelevantFields() {
        let base = request("What is 2+2?")
        var other = base
        other.stream = true
        other.includeUsageInStream = true
        other.user = "someone"
        other.metadata = JSONObject([("trace", .string("x"))])
        other.extraFields = JSONObject([("cache", .object(JSONObject([("ttl", .number(5))])))])
        var parts = base
        parts.messages[1].content = .parts([.text("What is 2+2?")])
        let key = CacheKey(tenant: "acme", request: base)
        #expect(key == CacheKey(tenant: "acme", request: base))
        #expect(key == CacheKey(tenant: "acme", request: other))
        #expect(key == CacheKey(tenant: "acme", request: parts))
        #expect(key.hex.count == 64)
    }

    @Test func sensitiveToWhatChangesTheAnswer() {
        let base = request("What is 2+2?")
        let key = CacheKey(tenant: "acme", request: base)
        var hotter = base
        hotter.temperature = 0.5
        var tools = base
        tools.tools = [Tool(function: .init(name: "calc"))]
        var json = base
        json.responseFormat = .jsonObject
        #expect(key != CacheKey(tenant: "acme", request: hotter))
        #expect(key != CacheKey(tenant: "acme", request: tools))
        #expect(key != CacheKey(tenant: "acme", request: json))
        #expect(key != CacheKey(tenant: "acme", request: request("What is 2+3?")))
        #expect(key != CacheKey(tenant: "acme", request: request("What is 2+2?", model: "other")))
    }

    @Test func tenantsNeverShareKeys() async {
        let cache = InMemoryResponseCache()
        let base = request("hello")
        await cache.put(response("hi"), for: CacheKey(tenant: "a", request: base), ttl: nil)
        #expect(await cache.get(CacheKey(tenant: "b", request: base)) == nil)
        #expect(await cache.get(CacheKey(tenant: "a", request: base))?.response == response("hi"))
    }
}

@Suite struct InMemoryResponseCacheTests {
    @Test func entriesExpireOnTheTestClock() async {
        let clock = TestClock()
        let cache = InMemoryResponseCache(maxEntries: 10, defaultTTL: 60, now: { clock.now })
        let key = CacheKey(tenant: "t", request: request("q"))
        let short = CacheKey(tenant: "t", request: request("short"))
        await cache.put(response("a"), for: key, ttl: nil)
        await cache.put(response("b"), for: short, ttl: 5)
        clock.advance(6)
        #expect(await cache.get(short) == nil)
        #expect(await cache.get(key) != nil)
        clock.advance(60)
        #expect(await cache.get(key) == nil)
    }

    @Test func leastRecentlyUsedGoesFirst() async {
        let cache = InMemoryResponseCache(maxEntries: 2)
        let keys = ["one", "two", "three"].map { CacheKey(tenant: "t", request: request($0)) }
        await cache.put(response("1"), for: keys[0], ttl: nil)
        await cache.put(response("2"), for: keys[1], ttl: nil)
        _ = await cache.get(keys[0])
        await cache.put(response("3"), for: keys[2], ttl: nil)
        #expect(await cache.get(keys[1]) == nil)
        #expect(await cache.get(keys[0]) != nil)
        #expect(await cache.get(keys[2]) != nil)
        #expect(cache.count == 2)
    }

    @Test func cacheControlParsesHeaderAndBody() {
        let header = CacheControl(header: "no-cache, max-age=30", body: nil)
        #expect(header == CacheControl(noCache: true, noStore: false, ttl: 30))
        let body = CacheControl(
            header: "no-store", body: .object(JSONObject([("ttl", .number(5)), ("no_cache", .bool(false))])))
        #expect(body == CacheControl(noCache: false, noStore: true, ttl: 5))
    }
}

@Suite struct ReplayTests {
    @Test func replayReproducesTextToolCallsAndUsage() {
        var message = ChatMessage.text(.assistant, String(repeating: "abc ", count: 40))
        message.toolCalls = [ToolCall(id: "call_1", name: "lookup", arguments: "{\"q\":\"x\"}")]
        let answer = ChatResponse(
            id: "chatcmpl-9", created: 7, model: "m",
            choices: [.init(index: 0, message: message, finishReason: .toolCalls)],
            usage: Usage(promptTokens: 3, completionTokens: 4))
        let events = answer.replayEvents(chunkCharacters: 50)
        #expect(events.first == .start(StreamStart(id: "chatcmpl-9", model: "m", created: 7)))
        var text = ""
        var calls: [ToolCallDelta] = []
        for event in events {
            if case .textDelta(0, let piece) = event { text += piece }
            if case .toolCallDelta(0, let delta) = event { calls.append(delta) }
        }
        #expect(text == message.content?.text)
        #expect(calls == [ToolCallDelta(index: 0, id: "call_1", name: "lookup", arguments: "{\"q\":\"x\"}")])
        #expect(events.contains(.finish(choice: 0, .toolCalls)))
        #expect(events.last == .usage(Usage(promptTokens: 3, completionTokens: 4)))
    }
}
