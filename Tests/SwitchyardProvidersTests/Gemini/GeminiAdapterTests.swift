import NIOCore
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

@Suite struct GeminiAdapterTests {
    let adapter = GeminiAdapter()
    let deployment = Self.makeDeployment()

    static func makeDeployment(headers: [String: String] = [:]) -> Deployment {
        let provider = ProviderEndpoint(
            name: "gemini", kind: .gemini, baseURL: "https://generativelanguage.googleapis.com/v1beta/",
            apiKey: Secret("test-key"), headers: headers)
        return Deployment(
            id: "flash/gemini#0", publicModel: "flash", provider: provider, upstreamModel: "gemini-2.5-flash")
    }

    func encodedBody(_ request: ChatRequest) throws -> JSONValue {
        try #require(WireJSON.parse(try adapter.encode(request, for: deployment).body))
    }

    func request(_ messages: [ChatMessage]) -> ChatRequest {
        ChatRequest(model: "flash", messages: messages)
    }

    func gatewayError(_ body: () throws -> Void) -> GatewayError? {
        do {
            try body()
            return nil
        } catch {
            return error as? GatewayError
        }
    }

    // MARK: Encoding

    @Test func encodesURLsAndHeaders() throws {
        let deployment = Self.makeDeployment(headers: ["x-extra": "1"])
        var chat = request([.text(.user, "Hi")])
        let plain = try adapter.encode(chat, for: deployment)
        #expect(plain.method == "POST")
        #expect(
            plain.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent")
        chat.stream = true
        let streamed = try adapter.encode(chat, for: deployment)
        let base = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash"
        #expect(streamed.url == base + ":streamGenerateContent?alt=sse")
        let headers = Dictionary(uniqueKeysWithValues: streamed.headers.map { ($0.name, $0.value) })
        #expect(headers == ["content-type": "application/json", "x-goog-api-key": "test-key", "x-extra": "1"])
        #expect(adapter.streamFraming == .serverSentEvents)
    }

    @Test func encodesSystemInstructionAndRoles() throws {
        let body = try encodedBody(
            request([
                .text(.system, "Be brief."), .text(.developer, "Use metric."), .text(.user, "Hi"),
                .text(.assistant, "Hello!"), .text(.user, "Weather?"),
            ]))
        #expect(body["systemInstruction"] == ["parts": [["text": "Be brief."], ["text": "Use metric."]]])
        #expect(
            body["contents"]
                == [
                    ["role": "user", "parts": [["text": "Hi"]]], ["role": "model", "parts": [["text": "Hello!"]]],
                    ["role": "user", "parts": [["text": "Weather?"]]],
                ])
        #expect(body["generationConfig"] == nil)
        #expect(body["tools"] == nil)
    }

    @Test func encodesImagesAndAudio() throws {
        let parts: [ContentPart] = [
            .text("What is this?"),
            .imageURL(.init(url: "data:image/png;base64,iVBORw0KGgo=")),
            .imageURL(.init(url: "https://example.com/cat.webp?size=large")),
            .imageURL(.init(url: "https://example.com/photo")),
            .inputAudio(.init(data: "UklGRg==", format: "wav")),
            .inputAudio(.init(data: "SUQz", format: "mp3")),
        ]
        let body = try encodedBody(request([ChatMessage(role: .user, content: .parts(parts))]))
        #expect(
            body["contents"]?.arrayValue?.first?["parts"]
                == [
                    ["text": "What is this?"],
                    ["inlineData": ["mimeType": "image/png", "data": "iVBORw0KGgo="]],
                    ["fileData": ["mimeType": "image/webp", "fileUri": "https://example.com/cat.webp?size=large"]],
                    ["fileData": ["mimeType": "image/jpeg", "fileUri": "https://example.com/photo"]],
                    ["inlineData": ["mimeType": "audio/wav", "data": "UklGRg=="]],
                    ["inlineData": ["mimeType": "audio/mp3", "data": "SUQz"]],
                ])
    }

    @Test func rejectsUnusableImageURLsAndNonTextSystemMessages() {
        let image = ChatMessage(role: .user, content: .parts([.imageURL(.init(url: "ftp://example.com/a.png"))]))
        #expect(gatewayError { _ = try adapter.encode(request([image]), for: deployment) }?.code == .invalidImageURL)
        let system = ChatMessage(role: .system, content: .parts([.imageURL(.init(url: "https://a.b/c.png"))]))
        let error = gatewayError { _ = try adapter.encode(request([system]), for: deployment) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.param == "messages")
    }

    @Test func encodesFunctionCallsAndMergedFunctionResponses() throws {
        let calls = [
            ToolCall(id: "call_a", name: "get_weather", arguments: #"{"location":"Paris","unit":"celsius"}"#),
            ToolCall(id: "call_b", name: "get_time", arguments: ""),
        ]
        let body = try encodedBody(
            request([
                .text(.user, "Weather and time in Paris?"),
                ChatMessage(role: .assistant, content: nil, toolCalls: calls),
                ChatMessage(role: .tool, content: .text(#"{"temperature":21}"#), toolCallID: "call_a"),
                ChatMessage(role: .tool, content: .text("14:05"), toolCallID: "call_b"),
                .text(.user, "Thanks"),
            ]))
        let contents = try #require(body["contents"]?.arrayValue)
        #expect(contents.count == 4)
        #expect(
            contents[1]
                == [
                    "role": "model",
                    "parts": [
                        ["functionCall": ["name": "get_weather", "args": ["location": "Paris", "unit": "celsius"]]],
                        ["functionCall": ["name": "get_time", "args": [:]]],
                    ],
                ])
        #expect(
            contents[2]
                == [
                    "role": "user",
                    "parts": [
                        ["functionResponse": ["name": "get_weather", "response": ["temperature": 21]]],
                        ["functionResponse": ["name": "get_time", "response": ["content": "14:05"]]],
                    ],
                ])
        #expect(contents[3] == ["role": "user", "parts": [["text": "Thanks"]]])
    }

    @Test func rejectsInvalidToolHistory() {
        let badArguments = ChatMessage(
            role: .assistant, content: nil, toolCalls: [ToolCall(id: "c1", name: "f", arguments: "[1,2]")])
        let first = gatewayError { _ = try adapter.encode(request([.text(.user, "x"), badArguments]), for: deployment) }
        #expect(first?.code == .invalidRequest)
        #expect(first?.param == "messages")
        let orphan = ChatMessage(role: .tool, content: .text("42"), toolCallID: "missing")
        let second = gatewayError { _ = try adapter.encode(request([.text(.user, "x"), orphan]), for: deployment) }
        #expect(second?.code == .invalidRequest)
        #expect(second?.param == "messages")
    }

    static let toolChoices: [(ToolChoice?, JSONValue?)] = [
        (nil, nil),
        (.auto, ["functionCallingConfig": ["mode": "AUTO"]]),
        (ToolChoice.none, ["functionCallingConfig": ["mode": "NONE"]]),
        (.required, ["functionCallingConfig": ["mode": "ANY"]]),
        (.function("get_weather"),
         ["functionCallingConfig": ["mode": "ANY", "allowedFunctionNames": ["get_weather"]]]),
    ]

    @Test(arguments: toolChoices)
    func encodesToolsAndToolChoice(choice: ToolChoice?, expected: JSONValue?) throws {
        let schema: JSONValue = [
            "type": "object", "properties": ["location": ["type": "string"]], "required": ["location"],
            "additionalProperties": false,
        ]
        var chat = request([.text(.user, "Weather?")])
        chat.tools = [Tool(function: .init(name: "get_weather", description: "Current weather", parameters: schema))]
        chat.toolChoice = choice
        let body = try encodedBody(chat)
        #expect(
            body["tools"]
                == [
                    [
                        "functionDeclarations": [
                            ["name": "get_weather", "description": "Current weather", "parametersJsonSchema": schema]
                        ]
                    ]
                ])
        #expect(body["toolConfig"] == expected)
    }

    @Test func encodesGenerationConfig() throws {
        var chat = request([.text(.user, "Hi")])
        chat.temperature = 0.5
        chat.topP = 0.9
        chat.maxTokens = 100
        chat.maxCompletionTokens = 200
        chat.stop = ["END"]
        chat.n = 2
        chat.seed = 7
        chat.presencePenalty = 0.25
        chat.frequencyPenalty = -0.5
        chat.logprobs = true
        chat.topLogprobs = 3
        chat.responseFormat = .jsonObject
        chat.reasoningEffort = "medium"
        let body = try encodedBody(chat)
        #expect(
            body["generationConfig"]
                == [
                    "temperature": 0.5, "topP": 0.9, "maxOutputTokens": 200, "stopSequences": ["END"],
                    "candidateCount": 2, "seed": 7, "presencePenalty": 0.25, "frequencyPenalty": -0.5,
                    "responseLogprobs": true, "logprobs": 3, "responseMimeType": "application/json",
                    "thinkingConfig": ["thinkingBudget": 8192],
                ])
    }

    @Test func encodesJSONSchemaResponseFormat() throws {
        let schema: JSONValue = ["type": "object", "properties": ["answer": ["type": "string"]]]
        var chat = request([.text(.user, "Hi")])
        chat.responseFormat = .jsonSchema(.init(name: "answer", schema: schema, strict: true))
        let body = try encodedBody(chat)
        #expect(body["generationConfig"] == ["responseMimeType": "application/json", "responseJsonSchema": schema])
    }

    @Test(arguments: [("minimal", 0), ("low", 1024), ("medium", 8192), ("high", 24576)])
    func mapsReasoningEffortToThinkingBudget(effort: String, budget: Int) throws {
        var chat = request([.text(.user, "Hi")])
        chat.reasoningEffort = effort
        let body = try encodedBody(chat)
        #expect(body["generationConfig"]?["thinkingConfig"]?["thinkingBudget"] == .number(Double(budget)))
    }

    @Test func rejectsUnknownReasoningEffort() {
        var chat = request([.text(.user, "Hi")])
        chat.reasoningEffort = "extreme"
        let error = gatewayError { _ = try adapter.encode(chat, for: deployment) }
        #expect(error?.code == .invalidRequest)
        #expect(error?.param == "reasoning_effort")
    }

    @Test func reportsUnsupportedParameters() {
        var chat = request([.text(.user, "Hi")])
        chat.parallelToolCalls = false
        chat.metadata = JSONObject([("team", "a")])
        chat.user = "u-1"
        chat.temperature = 1
        chat.seed = 1
        chat.logprobs = true
        #expect(adapter.unsupportedParameters(in: chat) == ["parallel_tool_calls", "user", "metadata"])
    }

    // MARK: Decoding

    func decode(_ fixture: String) throws -> ChatResponse {
        try adapter.decodeResponse(
            head: .init(status: 200, headers: []), body: try Fixtures.buffer(fixture), for: deployment)
    }

    @Test func decodesTextResponse() throws {
        let response = try decode("gemini/chat.json")
        #expect(response.id == "mOmSaKf2Bbu_1PIP8LyZqQ4")
        #expect(response.model == "gemini-2.5-flash")
        #expect(response.choices.count == 1)
        #expect(response.choices[0].message.role == .assistant)
        #expect(response.choices[0].message.content == .text("Hello! How can I help you today?"))
        #expect(response.choices[0].finishReason == .stop)
        #expect(response.usage == Usage(promptTokens: 12, completionTokens: 9))
    }

    @Test func decodesToolCallResponse() throws {
        let response = try decode("gemini/chat-tools.json")
        let message = response.choices[0].message
        #expect(message.content == nil)
        let call = try #require(message.toolCalls?.first)
        #expect(call.id == "call_0")
        #expect(call.function.name == "get_weather")
        #expect(WireJSON.parse(call.function.arguments) == ["location": "Paris", "unit": "celsius"])
        #expect(response.choices[0].finishReason == .toolCalls)
        #expect(response.usage == Usage(promptTokens: 58, completionTokens: 21))
    }

    @Test func decodesSafetyStopAsContentFilter() throws {
        let response = try decode("gemini/chat-safety.json")
        #expect(response.choices[0].finishReason == .contentFilter)
        #expect(response.choices[0].message.content == nil)
        #expect(response.usage == Usage(promptTokens: 12, completionTokens: 0))
    }

    @Test func throwsContentFilteredForBlockedPrompt() {
        let error = gatewayError { _ = try decode("gemini/prompt-blocked.json") }
        #expect(error?.code == .contentFiltered)
        #expect(error?.message == "The provider's safety filter blocked the prompt.")
        #expect(error?.upstream?.providerCode == "SAFETY")
    }

    @Test func decodesThoughtsCandidatesIdsAndLogprobs() throws {
        let json = """
            {"candidates":[
              {"index":1,"finishReason":"MAX_TOKENS","content":{"role":"model","parts":[{"text":"Par"}]}},
              {"index":0,"finishReason":"STOP","content":{"role":"model","parts":[
                {"text":"Thinking about it.","thought":true},{"text":"Paris"},
                {"functionCall":{"id":"fc-9","name":"lookup","args":{"q":"Paris"}}}]},
               "logprobsResult":{"chosenCandidates":[{"token":"Paris","logProbability":-0.5}],
                 "topCandidates":[{"candidates":[{"token":"Paris","logProbability":-0.5},
                                                {"token":"Lyon","logProbability":-2}]}]}},
              {"index":2,"finishReason":"MALFORMED_FUNCTION_CALL"}],
             "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20,"thoughtsTokenCount":30,
               "cachedContentTokenCount":64}}
            """
        let response = try adapter.decodeResponse(
            head: .init(status: 200, headers: []), body: ByteBuffer(string: json), for: deployment)
        #expect(response.model == "gemini-2.5-flash")
        #expect(!response.id.isEmpty)
        #expect(response.choices.map(\.index) == [0, 1, 2])
        let first = response.choices[0]
        #expect(first.message.content == .text("Paris"))
        #expect(first.message.reasoningContent == "Thinking about it.")
        #expect(first.message.toolCalls?.map(\.id) == ["fc-9"])
        #expect(first.finishReason == .toolCalls)
        #expect(
            first.logprobs
                == [
                    "content": [
                        [
                            "token": "Paris", "logprob": -0.5, "bytes": nil,
                            "top_logprobs": [
                                ["token": "Paris", "logprob": -0.5, "bytes": nil],
                                ["token": "Lyon", "logprob": -2, "bytes": nil],
                            ],
                        ]
                    ]
                ])
        #expect(response.choices[1].finishReason == .length)
        #expect(response.choices[2].finishReason == .other("malformed_function_call"))
        #expect(
            response.usage
                == Usage(promptTokens: 100, completionTokens: 50, cachedPromptTokens: 64, reasoningTokens: 30))
    }

    @Test(arguments: ["{not json", #"{"promptFeedback":{}}"#])
    func rejectsMalformedBodies(body: String) {
        let error = gatewayError {
            _ = try adapter.decodeResponse(
                head: .init(status: 200, headers: []), body: ByteBuffer(string: body), for: deployment)
        }
        #expect(error?.code == .upstreamMalformedResponse)
    }

    // MARK: Streaming

    func frames(_ fixture: String, chunkSize: Int? = nil) throws -> [StreamFrame] {
        var buffer = try Fixtures.buffer(fixture)
        var decoder = SSEDecoder()
        var frames: [StreamFrame] = []
        while buffer.readableBytes > 0 {
            let slice = buffer.readSlice(length: min(chunkSize ?? buffer.readableBytes, buffer.readableBytes))!
            frames += decoder.feed(slice)
        }
        return frames + decoder.finish()
    }

    func events(_ frames: [StreamFrame]) throws -> [ChatStreamEvent] {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        var events: [ChatStreamEvent] = []
        for frame in frames { events += try decoder.decode(frame) }
        return events + (try decoder.finish())
    }

    static func text(of events: [ChatStreamEvent]) -> String {
        events.reduce(into: "") { if case .textDelta(0, let piece) = $1 { $0 += piece } }
    }

    static func usages(in events: [ChatStreamEvent]) -> [Usage] {
        events.compactMap { if case .usage(let usage) = $0 { return usage } else { return nil } }
    }

    static func finishes(in events: [ChatStreamEvent]) -> [FinishReason] {
        events.compactMap { if case .finish(0, let reason) = $0 { return reason } else { return nil } }
    }

    @Test(arguments: [("gemini/stream-text.sse", nil), ("gemini/stream-text-crlf.sse", 7)])
    func decodesTextStream(fixture: String, chunkSize: Int?) throws {
        let frames = try frames(fixture, chunkSize: chunkSize)
        #expect(frames.count == 3)
        let events = try events(frames)
        guard case .start(let start) = events.first else {
            Issue.record("the stream did not begin with a start event")
            return
        }
        #expect(start.id == "pPmSaPbEH8-3nvgPvZmF-Ag")
        #expect(start.model == "gemini-2.5-flash")
        #expect(start.created > 0)
        #expect(Self.text(of: events) == "Hello! How can I help you today?")
        #expect(Self.finishes(in: events) == [.stop])
        #expect(Self.usages(in: events) == [Usage(promptTokens: 12, completionTokens: 9)])
        #expect(events.last == .usage(Usage(promptTokens: 12, completionTokens: 9)))
    }

    @Test func crlfStreamMatchesLFStream() throws {
        let lf = try events(try frames("gemini/stream-text.sse")).filter { if case .start = $0 { false } else { true } }
        let crlf = try events(try frames("gemini/stream-text-crlf.sse", chunkSize: 5))
            .filter { if case .start = $0 { false } else { true } }
        #expect(lf == crlf)
    }

    @Test func decodesToolStream() throws {
        let events = try events(try frames("gemini/stream-tools.sse"))
        let deltas = events.compactMap {
            if case .toolCallDelta(0, let delta) = $0 { return delta } else { return nil }
        }
        #expect(deltas.count == 1)
        #expect(deltas.first?.index == 0)
        #expect(deltas.first?.id == "call_0")
        #expect(deltas.first?.name == "get_weather")
        #expect(WireJSON.parse(deltas.first?.arguments ?? "") == ["location": "Paris", "unit": "celsius"])
        #expect(Self.text(of: events) == "")
        #expect(Self.finishes(in: events) == [.toolCalls])
        #expect(Self.usages(in: events) == [Usage(promptTokens: 58, completionTokens: 21)])
    }

    @Test(arguments: ["gemini/stream-text.sse", "gemini/stream-tools.sse"])
    func cutStreamThrowsInterrupted(fixture: String) throws {
        let frames = try frames(fixture).dropLast()
        var decoder = adapter.makeStreamDecoder(for: deployment)
        for frame in frames { _ = try decoder.decode(frame) }
        let error = gatewayError { _ = try decoder.finish() }
        #expect(error?.code == .upstreamStreamInterrupted)
    }

    @Test(arguments: [
        (#"{"error":{"code":429,"message":"Quota.","status":"RESOURCE_EXHAUSTED"}}"#, GatewayError.Code.rateLimited),
        (#"{"error":{"code":503,"message":"Overloaded.","status":"UNAVAILABLE"}}"#, .upstreamUnavailable),
        (#"{"error":{"code":500,"message":"Internal error.","status":"INTERNAL"}}"#, .upstreamError),
    ])
    func mapsErrorFramesInStream(data: String, code: GatewayError.Code) throws {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        let first = try #require(try frames("gemini/stream-text.sse").first)
        _ = try decoder.decode(first)
        let error = gatewayError { _ = try decoder.decode(StreamFrame(data: data)) }
        #expect(error?.code == code)
    }

    @Test func streamThrowsForBlockedPromptAndMalformedFrame() {
        var decoder = adapter.makeStreamDecoder(for: deployment)
        let blocked = gatewayError {
            _ = try decoder.decode(StreamFrame(data: #"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}"#))
        }
        #expect(blocked?.code == .contentFiltered)
        let malformed = gatewayError { _ = try decoder.decode(StreamFrame(data: "{oops")) }
        #expect(malformed?.code == .upstreamMalformedResponse)
    }

    // MARK: Errors

    static let errorFixtures: [(String, Int, GatewayError.Code)] = [
        ("error-400.json", 400, .upstreamInvalidRequest),
        ("error-400-api-key.json", 400, .upstreamAuthenticationFailed),
        ("error-401.json", 401, .upstreamAuthenticationFailed),
        ("error-403.json", 403, .upstreamPermissionDenied),
        ("error-404.json", 404, .upstreamNotFound),
        ("error-429.json", 429, .rateLimited),
        ("error-500.json", 500, .upstreamError),
        ("error-503.json", 503, .upstreamUnavailable),
    ]

    @Test(arguments: errorFixtures)
    func mapsErrorFixtures(fixture: String, status: Int, code: GatewayError.Code) throws {
        let error = adapter.decodeError(
            head: .init(status: status, headers: []), body: try Fixtures.buffer("gemini/" + fixture), for: deployment)
        #expect(error.code == code)
        #expect(error.upstream?.provider == "gemini")
        #expect(error.upstream?.status == status)
        #expect(!error.message.contains("test-key"))
    }

    @Test func rateLimitWaitComesFromHeadThenRetryInfo() throws {
        let body = try Fixtures.buffer("gemini/error-429.json")
        let withHeader = adapter.decodeError(
            head: .init(status: 429, headers: [("Retry-After", "7")]), body: body, for: deployment)
        #expect(withHeader.upstream?.retryAfterSeconds == 7)
        #expect(withHeader.upstream?.providerCode == "RESOURCE_EXHAUSTED")
        let withoutHeader = adapter.decodeError(head: .init(status: 429, headers: []), body: body, for: deployment)
        #expect(withoutHeader.upstream?.retryAfterSeconds == 31)
    }

    @Test func apiKeyErrorHidesUpstreamMessage() throws {
        let error = adapter.decodeError(
            head: .init(status: 400, headers: []), body: try Fixtures.buffer("gemini/error-400-api-key.json"),
            for: deployment)
        #expect(error.upstream?.providerCode == "API_KEY_INVALID")
        #expect(!error.message.contains("API key not valid"))
    }

    @Test func mapsContextOverflowAndUnparsableBodies() {
        let message = "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
        let overflow = #"{"error":{"code":400,"message":"\#(message)","status":"INVALID_ARGUMENT"}}"#
        let head = UpstreamResponseHead(status: 400, headers: [])
        #expect(
            adapter.decodeError(head: head, body: ByteBuffer(string: overflow), for: deployment).code
                == .contextLengthExceeded)
        let html = adapter.decodeError(
            head: .init(status: 502, headers: []), body: ByteBuffer(string: "<html>Bad Gateway</html>"),
            for: deployment)
        #expect(html.code == .upstreamError)
    }

    // MARK: Embeddings

    @Test func encodesSingleEmbedding() throws {
        let upstream = try adapter.encodeEmbeddings(
            EmbeddingRequest(model: "embed", input: ["hello"], dimensions: 8), for: deployment)
        #expect(upstream.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:embedContent")
        #expect(upstream.headers.contains { $0.name == "x-goog-api-key" && $0.value == "test-key" })
        #expect(WireJSON.parse(upstream.body) == ["content": ["parts": [["text": "hello"]]], "outputDimensionality": 8])
    }

    @Test func encodesBatchEmbedding() throws {
        let upstream = try adapter.encodeEmbeddings(
            EmbeddingRequest(model: "embed", input: ["a", "b"]), for: deployment)
        #expect(
            upstream.url
                == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:batchEmbedContents")
        #expect(
            WireJSON.parse(upstream.body)
                == [
                    "requests": [
                        ["model": "models/gemini-2.5-flash", "content": ["parts": [["text": "a"]]]],
                        ["model": "models/gemini-2.5-flash", "content": ["parts": [["text": "b"]]]],
                    ]
                ])
        let empty = gatewayError {
            _ = try adapter.encodeEmbeddings(EmbeddingRequest(model: "embed", input: []), for: deployment)
        }
        #expect(empty?.code == .invalidRequest)
    }

    @Test(arguments: [("gemini/embed.json", 1), ("gemini/batch-embed.json", 2)])
    func decodesEmbeddings(fixture: String, count: Int) throws {
        let response = try adapter.decodeEmbeddings(
            head: .init(status: 200, headers: []), body: try Fixtures.buffer(fixture), for: deployment)
        #expect(response.vectors.count == count)
        #expect(response.vectors.allSatisfy { $0.count == 8 })
        #expect(response.vectors[0][0] == 0.010071029)
        #expect(response.promptTokens == 0)
        #expect(response.model == "gemini-2.5-flash")
    }
}
