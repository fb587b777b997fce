import Foundation
import SwitchyardCore

extension GeminiAdapter {
    /// Translates a `GenerateContentResponse` into a chat completion.
    static func chatResponse(from wire: GeminiResponse, for deployment: Deployment) throws -> ChatResponse {
        let provider = deployment.provider.name
        let candidates = wire.candidates ?? []
        guard !candidates.isEmpty else {
            if let reason = wire.promptFeedback?.blockReason {
                throw promptBlocked(provider: provider, reason: reason)
            }
            throw GatewayError(
                .upstreamMalformedResponse, "Provider '\(provider)' returned a response without candidates.",
                upstream: .init(provider: provider, status: 200))
        }
        let choices = candidates.enumerated()
            .map { position, candidate in choice(from: candidate, index: candidate.index ?? position) }
            .sorted { $0.index < $1.index }
        return ChatResponse(
            id: wire.responseId ?? syntheticResponseID(), created: currentUnixTime(),
            model: wire.modelVersion ?? deployment.upstreamModel, choices: choices, usage: wire.usageMetadata?.usage)
    }

    /// One candidate as a choice: text parts joined, thought parts as reasoning, function calls as tool calls.
    private static func choice(from candidate: GeminiCandidate, index: Int) -> ChatResponse.Choice {
        var text = ""
        var reasoning = ""
        var sawText = false
        var calls: [ToolCall] = []
        for part in candidate.content?.parts ?? [] {
            if let call = part.functionCall {
                calls.append(toolCall(from: call, position: calls.count))
            } else if let value = part.text {
                if part.thought == true {
                    reasoning += value
                } else {
                    text += value
                    sawText = true
                }
            }
        }
        let content: MessageContent? = !text.isEmpty || (sawText && calls.isEmpty) ? .text(text) : nil
        let message = ChatMessage(
            role: .assistant, content: content, toolCalls: calls.isEmpty ? nil : calls,
            reasoningContent: reasoning.isEmpty ? nil : reasoning)
        return ChatResponse.Choice(
            index: index, message: message,
            finishReason: candidate.finishReason.map { finishReason($0, hasToolCalls: !calls.isEmpty) },
            logprobs: candidate.logprobsResult.flatMap(openAILogprobs))
    }

    /// A Gemini function call as an OpenAI tool call. Gemini sends ids only sometimes; `call_<n>` stands in.
    static func toolCall(from call: GeminiFunctionCall, position: Int) -> ToolCall {
        let arguments = (try? WireJSON.encodeString(call.args ?? JSONObject())) ?? "{}"
        return ToolCall(id: call.id ?? "call_\(position)", name: call.name, arguments: arguments)
    }

    /// Maps a Gemini finish reason. `STOP` also ends a tool-calling turn (Gemini has no tool-call reason).
    static func finishReason(_ raw: String, hasToolCalls: Bool) -> FinishReason {
        switch raw {
        case "STOP": return hasToolCalls ? .toolCalls : .stop
        case "MAX_TOKENS": return .length
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
            return .contentFilter
        default: return .other(raw.lowercased())
        }
    }

    /// The error for a prompt Gemini refused before generating anything.
    static func promptBlocked(provider: String, reason: String) -> GatewayError {
        GatewayError(
            .contentFiltered, "The provider's safety filter blocked the prompt.",
            upstream: .init(provider: provider, status: 200, providerCode: reason))
    }

    /// `logprobsResult` in OpenAI's `{"content":[{token, logprob, bytes, top_logprobs}]}` shape.
    private static func openAILogprobs(_ result: GeminiLogprobsResult) -> JSONValue? {
        guard let chosen = result.chosenCandidates, !chosen.isEmpty else { return nil }
        let top = result.topCandidates ?? []
        func entry(_ candidate: GeminiLogprobsResult.Candidate) -> [(String, JSONValue)] {
            [("token", .string(candidate.token ?? "")), ("logprob", .number(candidate.logProbability ?? 0)),
             ("bytes", .null)]
        }
        let content = chosen.enumerated().map { step, candidate -> JSONValue in
            let alternatives = step < top.count ? top[step].candidates ?? [] : []
            let topLogprobs = JSONValue.array(alternatives.map { .object(JSONObject(entry($0))) })
            return .object(JSONObject(entry(candidate) + [("top_logprobs", topLogprobs)]))
        }
        return .object(JSONObject([("content", .array(content))]))
    }

    /// An id for responses that carry no `responseId`.
    static func syntheticResponseID() -> String {
        "chatcmpl-" + UUID().uuidString.lowercased()
    }

    /// Seconds since 1970, for `created`.
    static func currentUnixTime() -> Int {
        Int(Date().timeIntervalSince1970)
    }
}
