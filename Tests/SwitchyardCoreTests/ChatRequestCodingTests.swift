import Foundation
import SwitchyardCore
import Testing

@Suite struct ChatRequestCodingTests {
    static func decode(_ json: String) throws -> ChatRequest {
        try JSONDecoder().decode(ChatRequest.self, from: Data(json.utf8))
    }

    @Test func decodesEveryDocumentedField() throws {
        let request = try Self.decode(
            """
            {"model": "m", "messages": [
               {"role": "system", "content": "be brief"},
               {"role": "developer", "content": "really"},
               {"role": "user", "content": [
                  {"type": "text", "text": "look"},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"}},
                  {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]},
               {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
               {"role": "tool", "tool_call_id": "c1", "content": "ok"}],
             "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
             "tool_choice": {"type": "function", "function": {"name": "f"}}, "parallel_tool_calls": false,
             "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {"type": "object"}, "strict": true}},
             "temperature": 0.5, "top_p": 0.9, "max_tokens": 10, "max_completion_tokens": 20, "stop": "END",
             "n": 2, "seed": 7, "user": "u1", "metadata": {"team": "a"}, "presence_penalty": 0.1,
             "frequency_penalty": 0.2, "logprobs": true, "top_logprobs": 3, "reasoning_effort": "low",
             "stream": true, "stream_options": {"include_usage": true}, "vendor_extension": {"x": 1}}
            """)
        #expect(request.messages.count == 5)
        #expect(request.messages[2].content?.hasImage == true)
        #expect(request.messages[2].content?.hasAudio == true)
        #expect(request.messages[3].toolCalls?.first?.function.name == "f")
        #expect(request.toolChoice == .function("f"))
        #expect(request.parallelToolCalls == false)
        guard case .jsonSchema(let schema) = request.responseFormat else {
            Issue.record("json_schema expected")
            return
        }
        #expect(schema.name == "s" && schema.strict == true)
        #expect(request.stop == ["END"])
        #expect(request.effectiveMaxTokens == 20)
        #expect(request.includeUsageInStream)
        #expect(request.extraFields["vendor_extension"] == ["x": 1])
        #expect(request.presentParameters.contains("input_audio"))
        #expect(request.presentParameters.contains("image_url"))
    }

    @Test func roundTripsThroughEncoding() throws {
        var request = ChatRequest(model: "m", messages: [.text(.user, "hi")], stream: true, includeUsageInStream: true)
        request.tools = [Tool(function: .init(name: "f", parameters: ["type": "object"]))]
        request.toolChoice = .required
        request.stop = ["a", "b"]
        request.extraFields["custom"] = "yes"
        let data = try JSONEncoder().encode(request)
        let decoded = try JSONDecoder().decode(ChatRequest.self, from: data)
        #expect(decoded == request)
    }

    @Test func removingAParameterClearsIt() throws {
        var request = try Self.decode(#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "seed": 1, "top_p": 1}"#)
        #expect(request.presentParameters == ["top_p", "seed"])
        request.removeParameter("seed")
        #expect(request.presentParameters == ["top_p"])
    }

    @Test(arguments: [
        ("https://example.com/cat.png", true), ("http://example.com/cat.png", true),
        ("data:image/jpeg;base64,/9j/4AAQ", true), ("data:image/png,notbase64", false),
        ("ftp://example.com/cat.png", false), ("file:///etc/passwd", false), ("cat.png", false),
    ])
    func imageURLSchemes(_ url: String, accepted: Bool) {
        #expect(ContentPart.ImageURL(url: url).hasAcceptedScheme == accepted)
    }

    @Test func pricingSeparatesTokenKinds() {
        let pricing = ModelPricing(inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75)
        let usage = Usage(promptTokens: 1_000_000, completionTokens: 100_000, cachedPromptTokens: 400_000,
                          cacheCreationTokens: 100_000)
        // 500k uncached × 3 + 400k cached × 0.3 + 100k written × 3.75 + 100k out × 15, per million.
        #expect(abs(pricing.cost(of: usage) - (1.5 + 0.12 + 0.375 + 1.5)) < 1e-9)
    }

    @Test func everyErrorCodeHasAStatusAndType() {
        let codes: [GatewayError.Code] = [
            .invalidJSON, .invalidRequest, .unsupportedParameter, .invalidImageURL, .modelNotFound, .requestTooLarge,
            .contextLengthExceeded, .contentFiltered, .rateLimited, .upstreamError, .upstreamTimeout,
            .upstreamOverloaded, .upstreamStreamInterrupted, .internalError,
        ]
        for code in codes {
            #expect((400...599).contains(code.httpStatus))
            #expect(!code.errorType.isEmpty)
        }
        #expect(GatewayError.Code.modelNotFound.httpStatus == 404)
        #expect(GatewayError.Code.requestTooLarge.httpStatus == 413)
        #expect(GatewayError.Code.forUpstreamStatus(529) == .upstreamOverloaded)
    }
}
