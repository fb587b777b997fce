import Foundation
import NIOCore
import SwitchyardCore
import Testing

@testable import SwitchyardServer

@Suite struct ChunkEncoderTests {
    static func payload(_ buffer: ByteBuffer) throws -> [String: Any] {
        let text = String(buffer: buffer)
        #expect(text.hasPrefix("data: ") && text.hasSuffix("\n\n"))
        let json = text.dropFirst(6).dropLast(2)
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test(arguments: ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\r", "\u{01}\u{1F} control", "naïve 日本語 🚀", ""])
    func textSurvivesEscaping(_ text: String) throws {
        var encoder = ChunkEncoder(fallbackID: "id-\"1\"", fallbackModel: "m", includeUsage: false)
        let bytes = encoder.encode(.textDelta(choice: 0, text))
        let chunk = try Self.payload(try #require(bytes))
        let choice = try #require((chunk["choices"] as? [[String: Any]])?.first)
        let delta = try #require(choice["delta"] as? [String: Any])
        #expect(delta["content"] as? String == text)
        #expect(delta["role"] as? String == "assistant")
        #expect(chunk["id"] as? String == "id-\"1\"")
        #expect(choice["finish_reason"] is NSNull)
    }

    @Test func toolCallsAndFinish() throws {
        var encoder = ChunkEncoder(fallbackID: "c", fallbackModel: "m", includeUsage: true)
        _ = encoder.encode(.start(StreamStart(id: "up-1", model: "gpt", created: 42)))
        let callBytes = encoder.encode(
            .toolCallDelta(choice: 0, ToolCallDelta(index: 0, id: "call_1", name: "f", arguments: "{\"a\":")))
        let call = try Self.payload(try #require(callBytes))
        let delta = try #require(((call["choices"] as? [[String: Any]])?.first)?["delta"] as? [String: Any])
        let wire = try #require((delta["tool_calls"] as? [[String: Any]])?.first)
        #expect(wire["id"] as? String == "call_1")
        #expect(wire["type"] as? String == "function")
        #expect((wire["function"] as? [String: Any])?["arguments"] as? String == "{\"a\":")
        #expect(call["id"] as? String == "up-1" && call["created"] as? Int == 42)
        let finishBytes = encoder.encode(.finish(choice: 0, .toolCalls))
        let finish = try Self.payload(try #require(finishBytes))
        #expect(((finish["choices"] as? [[String: Any]])?.first)?["finish_reason"] as? String == "tool_calls")
        _ = encoder.encode(.usage(Usage(promptTokens: 3, completionTokens: 4)))
        let tail = String(buffer: encoder.finish())
        #expect(tail.hasSuffix("data: [DONE]\n\n"))
        #expect(tail.contains("\"total_tokens\":7"))
    }
}
