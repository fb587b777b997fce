import NIOCore
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@Suite struct AnthropicAdapterTests {
    let adapter = AnthropicAdapter()
    let deployment = Deployment(
        id: "claude/anthropic#0", publicModel: "claude",
        provider: ProviderEndpoint(
            name: "anthropic", kind: .anthropic, baseURL: "https://api.anthropic.com/", apiKey: Secret("sk-ant-test"),
            headers: ["anthropic-beta": "test-beta"]),
        upstreamModel: "claude-sonnet-4-5")

    // MARK: Encoding

    @Test func encodesURLHeadersAndDefaults() throws {
        let upstream = try adapter.encode(ChatRequest(model: "claude", messages: [.text(.user, "Hi")]), for: deployment)
        #expect(upstream.method == "POST")
        #expect(upstream.url == "https://api.anthropic.com/v1/messages")
        let headers = Dictionary(upstream.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(headers["x-api-key"] == "sk-ant-test")
        #expect(headers["anthropic-version"] == "2023-06-01")
        #expect(headers["content-type"] == "application/json")
        #expect(headers["anthropic-beta"] == "test-beta")
        #expect(headers["authorization"] == nil)
        let body = try json(upstream)
        #expect(body["model"] == "claude-sonnet-4-5")
        #expect(body["max_tokens"] == 4096)
        #expect(body["stream"] == nil)
        #expect(body["system"] == nil)
        #expect(body["messages"] == [["role": "user", "content": [["type": "text", "text": "Hi"]]]])
    }

    @Test func hoistsSystemAndMergesToolTurns() throws {
        let call1 = ToolCall(id: "toolu_1", name: "get_weather", arguments: #"{"location":"Paris"}"#)
        let call2 = ToolCall(id: "toolu_2", name: "get_time", arguments: "")
        var request = ChatRequest(
            model: "claude",
            messages: [
                .text(.system, "Be brief."),
                .text(.user, "Weather and time in Paris?"),
                .text(.developer, "Use metric units."),
                ChatMessage(role: .assistant, content: .text("Checking."), toolCalls: [call1, call2]),
                ChatMessage(role: .tool, content: .text("18C"), toolCallID: "toolu_1"),
                ChatMessage(role: .tool, content: .parts([.text("14:00")]), toolCallID: "toolu_2"),
                .text(.user, "Thanks"),
            ])
        request.maxTokens = 200
        let body = try json(try adapter.encode(request, for: deployment))
        #expect(body["system"] == "Be brief.\n\nUse metric units.")
        #expect(body["max_tokens"] == 200)
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"] } == ["user", "assistant", "user"])
        #expect(
            messages[1]["content"] == [
                ["type": "text", "text": "Checking."],
                ["type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": ["location": "Paris"]],
                ["type": "tool_use", "id": "toolu_2", "name": "get_time", "input": [:]],
            ])
        #expect(
            messages[2]["content"] == [
                ["type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"],
                ["type": "tool_result", "tool_use_id": "toolu_2", "content": "14:00"],
                ["type": "text", "text": "Thanks"],
            ])
    }

    @Test func mergesConsecutiveUserMessages() throws {
        let request = ChatRequest(model: "claude", messages: [.text(.user, "One"), .text(.user, "Two")])
        let messages = try #require(try json(try adapter.encode(request, for: deployment))["messages"]?.arrayValue)
        #expect(messages.count == 1)
        #expect(messages[0]["content"] == [["type": "text", "text": "One"], ["type": "text", "text": "Two"]])
    }

    @Test func encodesImageBlocks() throws {
        let parts: [ContentPart] = [
            .text("What is this?"),
            .imageURL(.init(url: "data:image/png;base64,iVBORw0KGgo=")),
            .imageURL(.init(url: "https://example.com/cat.jpg")),
        ]
        let request = ChatRequest(model: "claude", messages: [ChatMessage(role: .user, content: .parts(parts))])
        let body = try json(try adapter.encode(request, for: deployment))
        #expect(
            body["messages"]?.arrayValue?.first?["content"] == [
                ["type": "text", "text": "What is this?"],
                ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
                ["type": "image", "source": ["type": "url", "url": "https://example.com/cat.jpg"]],
            ])
    }

    @Test func rejectsUnusableImageURL() {
        let part = ContentPart.imageURL(.init(url: "ftp://example.com/cat.jpg"))
        let request = ChatRequest(model: "claude", messages: [ChatMessage(role: .user, content: .parts([part]))])
        let error = #expect(throws: GatewayError.self) { try adapter.encode(request, for: deployment) }
        #expect(error?.code == .invalidImageURL)
        #expect(error?.param == "messages")
    }

    @Test func rejectsInvalidToolArguments() {
        let call = ToolCall(id: "toolu_1", name: "f", arguments: "{not json")
        let request = ChatRequest(
            model: "claude",
            messages: [.text(.user, "Hi"), ChatMessage(role: .assistant, content: nil, toolCalls: [call])])
        let error = #expect(throws: GatewayError.self) { try adapter.encode(request, for: deployment) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.param == "messages")
    }

    static let toolChoiceCases: [(ToolChoice?, Bool?, JSONValue?)] = [
        (.auto, nil, ["type": "auto"]),
        (.required, nil, ["type": "any"]),
        (ToolChoice.none, nil, ["type": "none"]),
        (.function("get_weather"), nil, ["type": "tool", "name": "get_weather"]),
        (.required, false, ["type": "any", "disable_parallel_tool_use": true]),
        (nil, false, ["type": "auto", "disable_parallel_tool_use": true]),
        (nil, nil, nil),
    ]

    @Test(arguments: toolChoiceCases)
    func encodesToolsAndToolChoice(choice: ToolChoice?, parallel: Bool?, expected: JSONValue?) throws {
        var request = ChatRequest(model: "claude", messages: [.text(.user, "Weather?")])
        let schema: JSONValue = ["type": "object", "properties": ["location": ["type": "string"]]]
        request.tools = [Tool(function: .init(name: "get_weather", description: "Weather", parameters: schema))]
        request.toolChoice = choice
        request.parallelToolCalls = parallel
        let body = try json(try adapter.encode(request, for: deployment))
        #expect(body["tools"] == [["name": "get_weather", "description": "Weather", "input_schema": schema]])
        #expect(body["tool_choice"] == expected)
    }

    @Test func encodesSamplingStopUserAndStream() throws {
        var request = ChatRequest(model: "claude", messages: [.text(.user, "Hi")], stream: true)
        request.temperature = 0.5
        request.topP = 0.9
        request.stop = ["END"]
        request.user = "user-42"
        request.maxCompletionTokens = 100
        request.maxTokens = 50
        let body = try json(try adapter.encode(request, for: deployment))
        #expect(body["temperature"] == 0.5)
        #expect(body["top_p"] == 0.9)
        #expect(body["stop_sequences"] == ["END"])
        #expect(body["metadata"] == ["user_id": "user-42"])
        #expect(body["max_tokens"] == 100)
        #expect(body["stream"] == true)
    }

    static let effortCases: [(String, Int, Int)] = [("low", 1024, 4096), ("medium", 4096, 8192), ("high", 16384, 20480)]

    @Test(arguments: effortCases)
    func mapsReasoningEffortToThinking(effort: String, budget: Int, maxTokens: Int) throws {
        var request = ChatRequest(model: "claude", messages: [.text(.user, "Think")])
        request.reasoningEffort = effort
        let body = try json(try adapter.encode(request, for: deployment))
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": .number(Double(budget))])
        #expect(body["max_tokens"]?.intValue == maxTokens)
        #expect((body["max_tokens"]?.intValue ?? 0) > budget)
    }

    @Test func rejectsUnknownReasoningEffort() {
        var request = ChatRequest(model: "claude", messages: [.text(.user, "Think")])
        request.reasoningEffort = "extreme"
        let error = #expect(throws: GatewayError.self) { try adapter.encode(request, for: deployment) }
        #expect(error?.param == "reasoning_effort")
    }

    @Test func encodesJSONSchemaAsOutputConfig() throws {
        var request = ChatRequest(model: "claude", messages: [.text(.user, "JSON please")])
        let schema: JSONValue = ["type": "object", "properties": ["a": ["type": "string"]]]
        request.responseFormat = .jsonSchema(.init(name: "answer", schema: schema))
        let body = try json(try adapter.encode(request, for: deployment))
        #expect(body["output_config"] == ["format": ["type": "json_schema", "schema": schema]])
    }

    @Test func reportsUnsupportedParameters() {
        var request = ChatRequest(model: "claude", messages: [.text(.user, "Hi")])
        request.n = 2
        request.seed = 1
        request.presencePenalty = 0.1
        request.frequencyPenalty = 0.1
        request.logprobs = true
        request.topLogprobs = 2
        request.metadata = JSONObject([("k", "v")])
        request.responseFormat = .jsonObject
        request.temperature = 0.2
        request.user = "u"
        #expect(
            Set(adapter.unsupportedParameters(in: request)) == [
                "n", "seed", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "metadata",
                "response_format.json_object",
            ])
        request.n = 1
        #expect(!adapter.unsupportedParameters(in: request).contains("n"))
    }

    // MARK: Response decoding

    @Test func decodesTextResponse() throws {
        let body = try Fixtures.buffer("anthropic/chat.json")
        let response = try adapter.decodeResponse(head: ok, body: body, for: deployment)
        #expect(response.id == "msg_01XFDUDYJgAACzvnptvVoYEL")
        #expect(response.model == "claude-sonnet-4-5")
        #expect(response.choices.count == 1)
        #expect(response.choices[0].message.content == .text("Hello! How can I help you today?"))
        #expect(response.choices[0].message.toolCalls == nil)
        #expect(response.choices[0].finishReason == .stop)
        #expect(response.usage == Usage(promptTokens: 12, completionTokens: 9))
    }

    @Test func decodesToolUseResponse() throws {
        let body = try Fixtures.buffer("anthropic/chat-tools.json")
        let response = try adapter.decodeResponse(head: ok, body: body, for: deployment)
        let choice = try #require(response.choices.first)
        #expect(choice.message.content == .text("I'll check the current weather in Paris for you."))
        #expect(choice.finishReason == .toolCalls)
        let call = try #require(choice.message.toolCalls?.first)
        #expect(call.id == "toolu_01A09q90qw90lq917835lq9")
        #expect(call.function.name == "get_weather")
        #expect(WireJSON.parse(call.function.arguments) == ["location": "Paris", "unit": "celsius"])
        #expect(response.usage == Usage(promptTokens: 384, completionTokens: 76))
    }

    @Test func decodesThinkingAndCacheUsage() throws {
        let body = ByteBuffer(
            string: """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"thinking","thinking":"Hmm.","signature":"sig"},{"type":"text","text":"Yes."}],
                 "stop_reason":"max_tokens",
                 "usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":20,
                          "output_tokens":5}}
                """)
        let response = try adapter.decodeResponse(head: ok, body: body, for: deployment)
        #expect(response.choices[0].message.reasoningContent == "Hmm.")
        #expect(response.choices[0].message.content == .text("Yes."))
        #expect(response.choices[0].finishReason == .length)
        #expect(
            response.usage
                == Usage(promptTokens: 130, completionTokens: 5, cachedPromptTokens: 100, cacheCreationTokens: 20))
    }

    static let stopReasonCases: [(String, FinishReason)] = [
        ("refusal", .contentFilter), ("stop_sequence", .stop), ("pause_turn", .other("pause_turn")),
    ]

    @Test(arguments: stopReasonCases)
    func mapsStopReasons(stopReason: String, expected: FinishReason) throws {
        let body = ByteBuffer(
            string: #"{"id":"m","model":"c","content":[],"stop_reason":"\#(stopReason)","usage":{}}"#)
        let response = try adapter.decodeResponse(head: ok, body: body, for: deployment)
        #expect(response.choices[0].finishReason == expected)
    }

    @Test(arguments: ["<html>oops</html>", "{}", #"{"content":"text"}"#])
    func rejectsMalformedResponse(text: String) {
        let error = #expect(throws: GatewayError.self) {
            try adapter.decodeResponse(head: ok, body: ByteBuffer(string: text), for: deployment)
        }
        #expect(error?.code == .upstreamMalformedResponse)
    }

    @Test func errorBodyWithSuccessStatusIsMapped() throws {
        let error = #expect(throws: GatewayError.self) {
            try adapter.decodeResponse(head: ok, body: try Fixtures.buffer("anthropic/error-529.json"), for: deployment)
        }
        #expect(error?.upstream?.providerCode == "overloaded_error")
    }

    @Test func emptyToolResultOmitsContent() throws {
        let call = ToolCall(id: "toolu_1", name: "ping", arguments: "{}")
        let request = ChatRequest(
            model: "claude",
            messages: [
                .text(.user, "Ping"), ChatMessage(role: .assistant, content: nil, toolCalls: [call]),
                ChatMessage(role: .tool, content: .text(""), toolCallID: "toolu_1"),
            ])
        let messages = try #require(try json(try adapter.encode(request, for: deployment))["messages"]?.arrayValue)
        #expect(messages.last?["content"] == [["type": "tool_result", "tool_use_id": "toolu_1"]])
    }

    // MARK: Streaming

    @Test func decodesTextStream() throws {
        let summary = try decodeStream("anthropic/stream-text.sse")
        #expect(summary.start?.id == "msg_01HCDu5LRGeP2o7s2xGmxyx8")
        #expect(summary.start?.model == "claude-sonnet-4-5")
        #expect(summary.text == "Hello! How can I help you today?")
        #expect(summary.finishes == [.stop])
        #expect(summary.usages == [Usage(promptTokens: 16, completionTokens: 9, cachedPromptTokens: 4)])
        #expect(summary.isStartFirst)
    }

    @Test func decodesToolStream() throws {
        let summary = try decodeStream("anthropic/stream-tools.sse")
        #expect(summary.text == "Let me check.")
        #expect(summary.tools.count == 1)
        #expect(summary.tools[0]?.id == "toolu_01A09q90qw90lq917835lq9")
        #expect(summary.tools[0]?.name == "get_weather")
        #expect(summary.tools[0]?.arguments == #"{"location": "Paris", "unit": "celsius"}"#)
        #expect(summary.finishes == [.toolCalls])
        #expect(summary.usages == [Usage(promptTokens: 384, completionTokens: 58)])
    }

    @Test func decodesThinkingStream() throws {
        let summary = try decodeStream("anthropic/stream-thinking.sse")
        #expect(summary.reasoning == "The user greeted me. I should greet back.")
        #expect(summary.text == "Hello! How can I help you today?")
        #expect(summary.finishes == [.stop])
        #expect(summary.usages == [Usage(promptTokens: 12, completionTokens: 41)])
    }

    @Test func streamErrorEventThrowsMappedCode() throws {
        let frames = try sseFrames("anthropic/stream-error.sse")
        var decoder = adapter.makeStreamDecoder(for: deployment)
        var events: [ChatStreamEvent] = []
        let error = #expect(throws: GatewayError.self) {
            for frame in frames { events += try decoder.decode(frame) }
        }
        #expect(error?.code == .upstreamOverloaded)
        #expect(error?.upstream?.providerCode == "overloaded_error")
        #expect(events.contains(.textDelta(choice: 0, "Hel")))
    }

    @Test(arguments: [1, 2, 5])
    func cutStreamThrowsOnFinish(dropped: Int) throws {
        let frames = try sseFrames("anthropic/stream-tools.sse").dropLast(dropped)
        var decoder = adapter.makeStreamDecoder(for: deployment)
        for frame in frames { _ = try decoder.decode(frame) }
        let error = #expect(throws: GatewayError.self) { try decoder.finish() }
        #expect(error?.code == .upstreamStreamInterrupted)
    }

    @Test func malformedStreamFrameThrows() {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        let error = #expect(throws: GatewayError.self) {
            try decoder.decode(StreamFrame(event: "content_block_delta", data: "{nope"))
        }
        #expect(error?.code == .upstreamMalformedResponse)
    }

    // MARK: Errors

    static let errorCases: [(String, Int, GatewayError.Code)] = [
        ("error-400.json", 400, .upstreamInvalidRequest),
        ("error-400-context.json", 400, .contextLengthExceeded),
        ("error-401.json", 401, .upstreamAuthenticationFailed),
        ("error-403.json", 403, .upstreamPermissionDenied),
        ("error-404.json", 404, .upstreamNotFound),
        ("error-413.json", 413, .upstreamRequestTooLarge),
        ("error-429.json", 429, .rateLimited),
        ("error-500.json", 500, .upstreamError),
        ("error-529.json", 529, .upstreamOverloaded),
    ]

    @Test(arguments: errorCases)
    func mapsErrorFixtures(file: String, status: Int, code: GatewayError.Code) throws {
        let head = UpstreamResponseHead(status: status, headers: [("content-type", "application/json")])
        let error = adapter.decodeError(head: head, body: try Fixtures.buffer("anthropic/\(file)"), for: deployment)
        #expect(error.code == code)
        #expect(error.upstream?.status == status)
        #expect(error.upstream?.provider == "anthropic")
        #expect(error.upstream?.providerCode != nil)
    }

    @Test func rateLimitKeepsRetryAfter() throws {
        let head = UpstreamResponseHead(status: 429, headers: [("Retry-After", "17")])
        let body = try Fixtures.buffer("anthropic/error-429.json")
        let error = adapter.decodeError(head: head, body: body, for: deployment)
        #expect(error.code == .rateLimited)
        #expect(error.upstream?.retryAfterSeconds == 17)
        #expect(error.upstream?.providerCode == "rate_limit_error")
    }

    @Test func mapsUnparsableErrorBodyByStatus() {
        let head = UpstreamResponseHead(status: 502, headers: [])
        let error = adapter.decodeError(head: head, body: ByteBuffer(string: "Bad Gateway"), for: deployment)
        #expect(error.code == .upstreamError)
    }

    // MARK: Helpers

    private var ok: UpstreamResponseHead { UpstreamResponseHead(status: 200, headers: []) }

    private func json(_ request: UpstreamRequest) throws -> JSONValue {
        try #require(WireJSON.parse(request.body))
    }

    private func sseFrames(_ path: String) throws -> [StreamFrame] {
        var framer = SSEDecoder()
        return framer.feed(ByteBuffer(string: try Fixtures.text(path))) + framer.finish()
    }

    private func decodeStream(_ path: String) throws -> AnthropicStreamSummary {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        var events: [ChatStreamEvent] = []
        for frame in try sseFrames(path) { events += try decoder.decode(frame) }
        events += try decoder.finish()
        return AnthropicStreamSummary(events)
    }
}

/// The events of a decoded stream, folded for assertions.
private struct AnthropicStreamSummary {
    var start: StreamStart?
    var isStartFirst = false
    var text = ""
    var reasoning = ""
    var tools: [Int: (id: String?, name: String?, arguments: String)] = [:]
    var finishes: [FinishReason] = []
    var usages: [Usage] = []

    init(_ events: [ChatStreamEvent]) {
        if case .start = events.first { isStartFirst = true }
        for event in events {
            switch event {
            case .start(let value): start = value
            case .textDelta(_, let piece): text += piece
            case .reasoningDelta(_, let piece): reasoning += piece
            case .toolCallDelta(_, let delta):
                var call = tools[delta.index] ?? (nil, nil, "")
                call.id = call.id ?? delta.id
                call.name = call.name ?? delta.name
                call.arguments += delta.arguments
                tools[delta.index] = call
            case .finish(_, let reason): finishes.append(reason)
            case .usage(let usage): usages.append(usage)
            case .forwarded(let chunk): Issue.record("a translated stream forwarded a chunk: \(chunk.data)")
            }
        }
    }
}
