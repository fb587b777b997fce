import SwitchyardCore

/// The simulator's answer to one request, derived deterministically from the request.
struct SimulatorScript {
    let id: String
    let created: Int
    let model: String
    let text: String
    let toolCall: ToolCall?
    let usage: Usage
    let finishReason: FinishReason

    private static let vocabulary = [
        "the", "gateway", "routes", "each", "request", "to", "a", "model", "that", "answers", "quickly", "and",
        "cheaply", "while", "keeping", "quality", "high", "for", "every", "team", "with", "clear", "budgets",
        "caching", "similar", "questions", "saves", "money", "latency", "matters", "streams", "tokens", "as",
        "they", "arrive", "from", "upstream", "providers", "in", "order",
    ]

    init(request: ChatRequest, model: String) {
        let prompt = request.messages.map { $0.content?.text ?? "" }.joined(separator: "\n")
        let seed = Self.fnv1a(prompt + "|" + model)
        id = "chatcmpl-sim-" + String(seed, radix: 16)
        self.model = model
        created = 1_767_225_600
        let promptTokens = request.messages.reduce(0) { $0 + Self.tokenCount($1.content?.text ?? "") + 4 }
        let wantsTool = request.toolChoice == .required || {
            if case .function = request.toolChoice { return true } else { return false }
        }()
        if wantsTool, let tool = request.tools?.first {
            toolCall = ToolCall(id: "call_sim_" + String(seed % 100_000), name: tool.function.name, arguments: "{}")
            text = ""
            finishReason = .toolCalls
            usage = Usage(promptTokens: promptTokens, completionTokens: 8)
            return
        }
        toolCall = nil
        var generator = seed
        let limit = request.effectiveMaxTokens.map { max(1, $0) } ?? Int.max
        let wordCount = min(limit, 12 + Int(seed % 24))
        var words: [String] = ["Simulated", "answer:"]
        for _ in 0..<wordCount {
            generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            words.append(Self.vocabulary[Int((generator >> 33) % UInt64(Self.vocabulary.count))])
        }
        text = words.joined(separator: " ") + "."
        finishReason = limit < 12 + Int(seed % 24) ? .length : .stop
        usage = Usage(promptTokens: promptTokens, completionTokens: Self.tokenCount(text))
    }

    /// The answer as stream events, one word per text delta.
    var events: [ChatStreamEvent] {
        var events: [ChatStreamEvent] = [.start(StreamStart(id: id, model: model, created: created))]
        if let toolCall {
            events.append(
                .toolCallDelta(
                    choice: 0, ToolCallDelta(index: 0, id: toolCall.id, name: toolCall.function.name, arguments: "")))
            events.append(.toolCallDelta(choice: 0, ToolCallDelta(index: 0, arguments: toolCall.function.arguments)))
        } else {
            var first = true
            for word in text.split(separator: " ") {
                events.append(.textDelta(choice: 0, (first ? "" : " ") + word))
                first = false
            }
        }
        events.append(.finish(choice: 0, finishReason))
        events.append(.usage(usage))
        return events
    }

    /// About 4 characters per token, as for English text with BPE tokenizers.
    static func tokenCount(_ text: String) -> Int {
        text.isEmpty ? 0 : max(1, (text.utf8.count + 3) / 4)
    }

    /// A deterministic unit vector for a text.
    static func embedding(of text: String, dimensions: Int) -> [Float] {
        var state = fnv1a(text)
        var vector = [Float](repeating: 0, count: max(1, dimensions))
        for index in vector.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            vector[index] = Float(Int64(bitPattern: state) >> 11) / Float(1 << 52)
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
