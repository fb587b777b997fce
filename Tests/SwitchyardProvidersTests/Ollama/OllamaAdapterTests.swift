import NIOCore
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@Suite struct OllamaAdapterTests {
    let adapter = OllamaAdapter()
    let deployment = Deployment(
        id: "llama/ollama#0", publicModel: "llama",
        provider: ProviderEndpoint(
            name: "local-ollama", kind: .ollama, baseURL: "http://127.0.0.1:11434", headers: ["x-team": "ml"]),
        upstreamModel: "llama3.2")

    // MARK: Encoding

    @Test func encodesURLHeadersAndStreamFlag() throws {
        #expect(adapter.streamFraming == .newlineDelimitedJSON)
        let upstream = try adapter.encode(ChatRequest(model: "llama", messages: [.text(.user, "Hi")]), for: deployment)
        #expect(upstream.url == "http://127.0.0.1:11434/api/chat")
        let headers = Dictionary(upstream.headers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(headers["content-type"] == "application/json")
        #expect(headers["x-team"] == "ml")
        #expect(headers["authorization"] == nil)
        let body = try json(upstream)
        #expect(body["model"] == "llama3.2")
        #expect(body["stream"] == false)
        #expect(body["messages"] == [["role": "user", "content": "Hi"]])
        #expect(body["options"] == nil)

        let streaming = try adapter.encode(
            ChatRequest(model: "llama", messages: [.text(.user, "Hi")], stream: true), for: deployment)
        #expect(try json(streaming)["stream"] == true)
    }

    @Test func sendsBearerKeyWhenConfigured() throws {
        var cloud = deployment
        cloud.provider.apiKey = Secret("ollama-key")
        let upstream = try adapter.encode(ChatRequest(model: "llama", messages: [.text(.user, "Hi")]), for: cloud)
        #expect(upstream.headers.contains { $0.name == "authorization" && $0.value == "Bearer ollama-key" })
    }

    @Test func encodesMessagesToolCallsAndImages() throws {
        let call = ToolCall(id: "call_abc", name: "get_weather", arguments: #"{"location":"Paris"}"#)
        let parts: [ContentPart] = [
            .text("Look:"), .imageURL(.init(url: "data:image/png;base64,iVBORw0KGgo=")), .text("and tell me."),
        ]
        let request = ChatRequest(
            model: "llama",
            messages: [
                .text(.system, "Be brief."),
                .text(.developer, "Metric."),
                ChatMessage(role: .user, content: .parts(parts)),
                ChatMessage(role: .assistant, content: nil, toolCalls: [call]),
                ChatMessage(role: .tool, content: .text("18C"), toolCallID: "call_abc"),
            ])
        let messages = try #require(try json(try adapter.encode(request, for: deployment))["messages"]?.arrayValue)
        #expect(messages.count == 5)
        #expect(messages[0] == ["role": "system", "content": "Be brief."])
        #expect(messages[1] == ["role": "system", "content": "Metric."])
        #expect(messages[2] == ["role": "user", "content": "Look:\nand tell me.", "images": ["iVBORw0KGgo="]])
        #expect(
            messages[3] == [
                "role": "assistant", "content": "",
                "tool_calls": [["function": ["name": "get_weather", "arguments": ["location": "Paris"]]]],
            ])
        #expect(messages[4] == ["role": "tool", "content": "18C", "tool_name": "get_weather"])
    }

    @Test func rejectsRemoteImageURL() {
        let part = ContentPart.imageURL(.init(url: "https://example.com/cat.jpg"))
        let request = ChatRequest(model: "llama", messages: [ChatMessage(role: .user, content: .parts([part]))])
        let error = #expect(throws: GatewayError.self) { try adapter.encode(request, for: deployment) }
        #expect(error?.code == .invalidImageURL)
        #expect(error?.param == "messages")
        #expect(error?.message.contains("inline") == true)
    }

    @Test func rejectsInvalidToolArguments() {
        let call = ToolCall(id: "c1", name: "f", arguments: "[1,2]")
        let request = ChatRequest(
            model: "llama", messages: [ChatMessage(role: .assistant, content: nil, toolCalls: [call])])
        let error = #expect(throws: GatewayError.self) { try adapter.encode(request, for: deployment) }
        #expect(error?.code == .invalidRequest)
    }

    @Test func encodesToolsOptionsFormatAndThink() throws {
        var request = ChatRequest(model: "llama", messages: [.text(.user, "Hi")])
        let schema: JSONValue = ["type": "object", "properties": ["a": ["type": "string"]]]
        request.tools = [Tool(function: .init(name: "get_weather", description: "Weather", parameters: schema))]
        request.toolChoice = .auto
        request.temperature = 0.5
        request.topP = 0.9
        request.maxTokens = 64
        request.stop = ["END"]
        request.seed = 7
        request.presencePenalty = 0.25
        request.frequencyPenalty = 0.5
        request.responseFormat = .jsonSchema(.init(name: "a", schema: schema))
        request.reasoningEffort = "medium"
        let body = try json(try adapter.encode(request, for: deployment))
        let function: JSONValue = ["name": "get_weather", "description": "Weather", "parameters": schema]
        #expect(body["tools"] == [["type": "function", "function": function]])
        #expect(
            body["options"] == [
                "temperature": 0.5, "top_p": 0.9, "num_predict": 64, "stop": ["END"], "seed": 7,
                "presence_penalty": 0.25, "frequency_penalty": 0.5,
            ])
        #expect(body["format"] == schema)
        #expect(body["think"] == "medium")

        request.responseFormat = .jsonObject
        request.reasoningEffort = "none"
        request.toolChoice = ToolChoice.none
        let second = try json(try adapter.encode(request, for: deployment))
        #expect(second["format"] == "json")
        #expect(second["think"] == false)
        #expect(second["tools"] == nil)
    }

    @Test func reportsUnsupportedParameters() {
        var request = ChatRequest(model: "llama", messages: [.text(.user, "Hi")])
        request.toolChoice = .required
        request.n = 3
        request.parallelToolCalls = false
        request.metadata = JSONObject([("k", "v")])
        request.user = "u"
        request.logprobs = true
        request.seed = 1
        #expect(
            Set(adapter.unsupportedParameters(in: request)) == [
                "tool_choice", "n", "parallel_tool_calls", "metadata", "user",
            ])
        request.stream = true
        #expect(adapter.unsupportedParameters(in: request).contains("logprobs"))
        request.toolChoice = .auto
        request.parallelToolCalls = true
        #expect(!adapter.unsupportedParameters(in: request).contains("tool_choice"))
        #expect(!adapter.unsupportedParameters(in: request).contains("parallel_tool_calls"))
    }

    // MARK: Response decoding

    @Test func decodesTextResponse() throws {
        let body = try Fixtures.buffer("ollama/chat.json")
        let response = try adapter.decodeResponse(head: ok, body: body, for: deployment)
        #expect(response.id.hasPrefix("chatcmpl-ollama-"))
        #expect(response.created == 1_760_742_847)
        #expect(response.model == "llama3.2")
        #expect(response.choices[0].message.content == .text("Hello! How can I help you today?"))
        #expect(response.choices[0].finishReason == .stop)
        #expect(response.usage == Usage(promptTokens: 12, completionTokens: 9))
    }

    @Test func decodesToolCallResponse() throws {
        let body = try Fixtures.buffer("ollama/chat-tools.json")
        let response = try adapter.decodeResponse(head: ok, body: body, for: deployment)
        let choice = try #require(response.choices.first)
        #expect(choice.finishReason == .toolCalls)
        #expect(choice.message.content == nil)
        let call = try #require(choice.message.toolCalls?.first)
        #expect(call.id == "call_0")
        #expect(call.function.name == "get_weather")
        #expect(WireJSON.parse(call.function.arguments) == ["location": "Paris", "unit": "celsius"])
        #expect(response.usage == Usage(promptTokens: 169, completionTokens: 18))
    }

    @Test func decodesThinkingLengthAndLogprobs() throws {
        let body = ByteBuffer(
            string: """
                {"model":"qwen3","created_at":"2023-08-04T08:52:19.385406455-07:00",
                 "message":{"role":"assistant","content":"Yes","thinking":"Hmm."},
                 "done":true,"done_reason":"length","prompt_eval_count":3,"eval_count":4,
                 "logprobs":[{"token":"Yes","logprob":-0.1,"bytes":[89,101,115],"top_logprobs":[]}]}
                """)
        let response = try adapter.decodeResponse(head: ok, body: body, for: deployment)
        #expect(response.created == 1_691_164_339)
        #expect(response.id == "chatcmpl-ollama-202308040852193854064550700")
        #expect(response.choices[0].message.reasoningContent == "Hmm.")
        #expect(response.choices[0].finishReason == .length)
        #expect(response.choices[0].logprobs?["content"]?.arrayValue?.first?["token"] == "Yes")
    }

    @Test(arguments: ["<html>", "{}", #"{"message": 5}"#])
    func rejectsMalformedResponse(text: String) {
        let error = #expect(throws: GatewayError.self) {
            try adapter.decodeResponse(head: ok, body: ByteBuffer(string: text), for: deployment)
        }
        #expect(error?.code == .upstreamMalformedResponse)
    }

    // MARK: Streaming

    @Test func decodesTextStream() throws {
        let summary = try decodeStream("ollama/stream-text.ndjson")
        #expect(summary.isStartFirst)
        #expect(summary.start?.model == "llama3.2")
        #expect(summary.start?.id.hasPrefix("chatcmpl-ollama-") == true)
        #expect(summary.text == "Hello! How can I help you today?")
        #expect(summary.finishes == [.stop])
        #expect(summary.usages == [Usage(promptTokens: 12, completionTokens: 9)])
    }

    @Test func decodesToolStream() throws {
        let summary = try decodeStream("ollama/stream-tools.ndjson")
        #expect(summary.text == "")
        #expect(summary.tools.count == 1)
        #expect(summary.tools[0]?.id == "call_0")
        #expect(summary.tools[0]?.name == "get_weather")
        #expect(WireJSON.parse(summary.tools[0]?.arguments ?? "") == ["location": "Paris", "unit": "celsius"])
        #expect(summary.finishes == [.toolCalls])
        #expect(summary.usages == [Usage(promptTokens: 169, completionTokens: 15)])
    }

    @Test func decodesThinkingStream() throws {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        let lines = [
            #"{"model":"qwen3","created_at":"2025-10-17T23:14:07Z","message":{"content":"","thinking":"Let me"}}"#,
            #"{"model":"qwen3","message":{"role":"assistant","content":"","thinking":" think."},"done":false}"#,
            #"{"model":"qwen3","message":{"role":"assistant","content":"Four."},"done":false}"#,
            #"{"model":"qwen3","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}"#,
        ]
        var events: [ChatStreamEvent] = []
        for line in lines { events += try decoder.decode(StreamFrame(data: line)) }
        events += try decoder.finish()
        let summary = OllamaStreamSummary(events)
        #expect(summary.reasoning == "Let me think.")
        #expect(summary.text == "Four.")
        #expect(summary.usages == [Usage()])
    }

    @Test func streamErrorLineThrows() throws {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        var events: [ChatStreamEvent] = []
        let error = #expect(throws: GatewayError.self) {
            for frame in try ndjsonFrames("ollama/stream-error.ndjson") { events += try decoder.decode(frame) }
        }
        #expect(error?.code == .upstreamStreamInterrupted)
        #expect(error?.message.contains("running the model") == false)
        #expect(OllamaStreamSummary(events).text == "Hello! How")
    }

    @Test(arguments: [1, 2])
    func cutStreamThrowsOnFinish(dropped: Int) throws {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        for frame in try ndjsonFrames("ollama/stream-text.ndjson").dropLast(dropped) { _ = try decoder.decode(frame) }
        let error = #expect(throws: GatewayError.self) { try decoder.finish() }
        #expect(error?.code == .upstreamStreamInterrupted)
    }

    @Test func malformedStreamLineThrows() {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        let error = #expect(throws: GatewayError.self) { try decoder.decode(StreamFrame(data: "{\"model\":")) }
        #expect(error?.code == .upstreamMalformedResponse)
    }

    // MARK: Errors

    static let errorCases: [(String, Int, GatewayError.Code)] = [
        ("error-400.json", 400, .upstreamInvalidRequest),
        ("error-404.json", 404, .upstreamNotFound),
        ("error-500.json", 500, .upstreamError),
    ]

    @Test(arguments: errorCases)
    func mapsErrorFixtures(file: String, status: Int, code: GatewayError.Code) throws {
        let head = UpstreamResponseHead(status: status, headers: [])
        let error = adapter.decodeError(head: head, body: try Fixtures.buffer("ollama/\(file)"), for: deployment)
        #expect(error.code == code)
        #expect(error.upstream?.status == status)
        #expect(error.upstream?.provider == "local-ollama")
    }

    @Test func notFoundShowsModelMessage() throws {
        let head = UpstreamResponseHead(status: 404, headers: [])
        let body = try Fixtures.buffer("ollama/error-404.json")
        let error = adapter.decodeError(head: head, body: body, for: deployment)
        #expect(error.message.contains("not found"))
    }

    @Test func mapsRateLimitAndContextOverflow() {
        let limited = adapter.decodeError(
            head: UpstreamResponseHead(status: 429, headers: [("retry-after", "3")]),
            body: ByteBuffer(string: #"{"error":"too many requests"}"#), for: deployment)
        #expect(limited.code == .rateLimited)
        #expect(limited.upstream?.retryAfterSeconds == 3)
        let overflow = adapter.decodeError(
            head: UpstreamResponseHead(status: 400, headers: []),
            body: ByteBuffer(string: #"{"error":"input length exceeds the context length"}"#), for: deployment)
        #expect(overflow.code == .contextLengthExceeded)
    }

    // MARK: Embeddings

    @Test func encodesAndDecodesEmbeddings() throws {
        let request = EmbeddingRequest(model: "embed", input: ["a", "b"], dimensions: 8)
        let upstream = try adapter.encodeEmbeddings(request, for: deployment)
        #expect(upstream.url == "http://127.0.0.1:11434/api/embed")
        #expect(try json(upstream) == ["model": "llama3.2", "input": ["a", "b"], "dimensions": 8])
        let body = try Fixtures.buffer("ollama/embed.json")
        let response = try adapter.decodeEmbeddings(head: ok, body: body, for: deployment)
        #expect(response.vectors.count == 2)
        #expect(response.vectors.allSatisfy { $0.count == 8 })
        #expect(response.vectors[0][0] == Float(0.010071029))
        #expect(response.model == "all-minilm")
        #expect(response.promptTokens == 8)
    }

    // MARK: Helpers

    private var ok: UpstreamResponseHead { UpstreamResponseHead(status: 200, headers: []) }

    private func json(_ request: UpstreamRequest) throws -> JSONValue {
        try #require(WireJSON.parse(request.body))
    }

    private func ndjsonFrames(_ path: String) throws -> [StreamFrame] {
        var framer = NDJSONDecoder()
        return framer.feed(ByteBuffer(string: try Fixtures.text(path))) + framer.finish()
    }

    private func decodeStream(_ path: String) throws -> OllamaStreamSummary {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        var events: [ChatStreamEvent] = []
        for frame in try ndjsonFrames(path) { events += try decoder.decode(frame) }
        events += try decoder.finish()
        return OllamaStreamSummary(events)
    }
}

/// The events of a decoded stream, folded for assertions.
private struct OllamaStreamSummary {
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
