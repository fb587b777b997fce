import SwitchyardCore
import SwitchyardTesting
import Testing

/// `ForwardedChunk(openAIChunk:)` reads a chunk in one pass (`choices` where it stands). It must decide exactly as
/// the two-pass reading it replaced, kept here as the reference: every member skipped, then `choices` and each of
/// its elements scanned again. Compared on the fixtures' chunks, hand-made edge cases, every prefix of each, and
/// each with one byte removed.
@Suite struct ForwardedChunkReadingTests {
    /// What a reading decides: `nil` (decode fully), or the usage, whether a choice finishes, and whether there are
    /// no choices.
    struct Decision: Equatable {
        var usage: Usage?
        var finishes: Bool
        var isUsageOnly: Bool
    }

    static func onePass(_ text: String) -> Decision? {
        ForwardedChunk(openAIChunk: text).map { Decision(usage: $0.usage, finishes: $0.finishes, isUsageOnly: $0.isUsageOnly) }
    }

    /// The reading before the one-pass reader, unchanged.
    static func twoPass(_ text: String) -> Decision? {
        var text = text
        let read: Decision?? = text.withUTF8 { utf8 in
            let scanner = JSONFieldScanner(UnsafeRawBufferPointer(utf8))
            var error: JSONFieldScanner.Member?
            var choices: JSONFieldScanner.Member?
            var usageMember: JSONFieldScanner.Member?
            let isObject = scanner.forEachMember { member in
                if error == nil, scanner.key(member, is: "error") {
                    error = member
                } else if choices == nil, scanner.key(member, is: "choices") {
                    choices = member
                } else if usageMember == nil, scanner.key(member, is: "usage") {
                    usageMember = member
                }
            }
            guard isObject else { return nil }
            if let error, !scanner.isNull(error.value) { return nil }
            var finishes = false
            var empty = true
            if let choices, !scanner.isNull(choices.value) {
                var valid = true
                let isArray = scanner.forEachElement(of: choices.value) { element in
                    empty = false
                    var reason: JSONFieldScanner.Member?
                    let isChoice = scanner.forEachMember(of: element) { field in
                        if reason == nil, scanner.key(field, is: "finish_reason") { reason = field }
                    }
                    if !isChoice { valid = false }
                    if let reason, !scanner.isNull(reason.value) { finishes = true }
                }
                guard isArray, valid else { return nil }
            }
            guard let usageMember, !scanner.isNull(usageMember.value) else {
                return Decision(usage: nil, finishes: finishes, isUsageOnly: empty)
            }
            guard let usage = Usage(scanning: usageMember.value, with: scanner) else { return .some(nil) }
            return Decision(usage: usage, finishes: finishes, isUsageOnly: empty)
        }
        return read ?? nil
    }

    static let edgeCases = [
        #"{"choices":null}"#, #"{"choices":nul}"#, #"{"choices":nullx}"#, #"{"choices":{}}"#, #"{"choices":[1]}"#,
        #"{"choices":[[]]}"#, #"{"choices":[]}"#, #"{ "choices" : [ { "finish_reason" : "stop" } , { } ] }  "#,
        #"{"choices":[{"finish_reason":null,"finish_reason":"stop"}]}"#,
        #"{"choices":[{"index":0}],"choices":"x"}"#, #"{"choices":"x","choices":[{"index":0}]}"#,
        #"{"error":null,"choices":[{"delta":{"content":"a\"]}"},"finish_reason":"length"}]}"#,
        #"{"error":{"message":"x"},"choices":[]}"#, #"{"usage":{"prompt_tokens":3,"completion_tokens":4},"choices":[]}"#,
        #"{"usage":{"prompt_tokens":3.5},"choices":[]}"#, #"{"usage":null,"choices":[{"delta":{}}]}"#,
        #"{"choices":[{"delta":{"content":"x"}}]} x"#, #"{"choices":[{"delta":{"content":"x"}},]}"#,
        #"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":[1,2]}"}}]}}]}"#,
        "{}", "[]", "", " ", "{\"choices\":[{\"delta\":{\"content\":\"tab\there\"}}]}",
    ]

    static func corpus() throws -> [String] {
        var chunks = edgeCases
        for fixture in ["openai/stream-text.sse", "openai/stream-tools.sse", "openai/stream-cut.sse"] {
            for line in try Fixtures.text(fixture).split(separator: "\n") where line.hasPrefix("data: ") {
                let data = String(line.dropFirst(6))
                if data != "[DONE]" { chunks.append(data) }
            }
        }
        return chunks
    }

    @Test func decidesAsTheTwoPassReadingOnEveryChunkPrefixAndDeletion() throws {
        var compared = 0
        var accepted = 0
        for chunk in try Self.corpus() {
            let bytes = Array(chunk.utf8)
            var variants = [chunk]
            for length in 0..<bytes.count { variants.append(String(decoding: bytes[..<length], as: UTF8.self)) }
            for index in bytes.indices {
                var shorter = bytes
                shorter.remove(at: index)
                variants.append(String(decoding: shorter, as: UTF8.self))
            }
            for variant in variants {
                let expected = Self.twoPass(variant)
                #expect(Self.onePass(variant) == expected, "\(variant)")
                compared += 1
                if expected != nil { accepted += 1 }
            }
        }
        #expect(compared > 5_000)
        #expect(accepted > 100, "the corpus exercises chunks that are read, not only ones that fall back")
    }
}
