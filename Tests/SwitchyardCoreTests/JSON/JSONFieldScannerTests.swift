import Foundation
import NIOCore
@testable import SwitchyardCore
import Testing

@Suite struct JSONFieldScannerTests {
    private func members(_ text: String) -> [(String, String)]? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            let scanner = JSONFieldScanner(raw)
            return scanner.members()?.map {
                (String(decoding: raw[$0.key], as: UTF8.self), String(decoding: raw[$0.value], as: UTF8.self))
            }
        }
    }

    @Test func findsTopLevelMembersAndSkipsNestedOnes() throws {
        let text = #" { "model" : "gpt-4o", "messages": [{"role":"user","content":"say \"}\" and ] {"}],"#
            + #" "n": -2, "x": {"model": "inner"}, "ok": true, "none": null, "pi": 3.5e1 } "#
        let found = try #require(members(text))
        #expect(found.map(\.0) == ["model", "messages", "n", "x", "ok", "none", "pi"])
        #expect(found[0].1 == #""gpt-4o""#)
        #expect(found[1].1 == #"[{"role":"user","content":"say \"}\" and ] {"}]"#)
        #expect(found[2].1 == "-2")
        #expect(found[3].1 == #"{"model": "inner"}"#)
        #expect(found[6].1 == "3.5e1")
        #expect(members("{}")?.isEmpty == true)
        #expect(members(" { \n } ")?.isEmpty == true)
    }

    @Test(arguments: [
        "", "[]", "{", #"{"a":1"#, #"{"a" 1}"#, #"{"a":}"#, #"{"a":1,}"#, #"{"a":[1,2}"#, #"{"a":"open}"#,
        #"{"a":1} trailing"#, "{\"a\":\"control\u{1}char\"}", #"{a:1}"#, #"{"a":{"b":1]}"#,
    ])
    func rejectsWhatIsNotOneObject(_ text: String) {
        #expect(members(text) == nil)
    }

    /// Strings are read eight bytes at a time between special bytes: a quote, an escape or a control character at
    /// every offset of a word must still be seen, and multi-byte UTF-8 passed over.
    @Test func stringsEndAtTheirClosingQuoteWhereverItFalls() throws {
        for length in 0..<40 {
            for special in ["\\\"", "\\\\", "\\n", "\\u00e9", "é", "🙂", "}", "]"] {
                for position in [0, length / 2, length] where position <= length {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                    let json = "{\"s\":\"\(text)\",\"n\":1}"
                    let found = try #require(members(json), "\(json)")
                    #expect(found.map(\.0) == ["s", "n"], "\(json)")
                    #expect(found[0].1 == "\"\(text)\"", "\(json)")
                    #expect(found[1].1 == "1")
                }
            }
            // A raw control character or a missing closing quote is refused at any offset.
            let control = "{\"s\":\"" + String(repeating: "b", count: length) + "\u{9}x\"}"
            #expect(members(control) == nil, "tab at \(length)")
            #expect(members("{\"s\":\"" + String(repeating: "c", count: length) + "}") == nil)
        }
        // The lowest flagged byte of a word is always a special one, wherever it is and whatever precedes it.
        for byte in UInt8(0)...UInt8(255) {
            for position in 0..<8 {
                let plain: UInt64 = 0x6161_6161_6161_6161
                let word = plain & ~(UInt64(0xFF) << (position * 8)) | UInt64(byte) << (position * 8)
                let found = JSONFieldScanner.endOrEscapeBytes(word)
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 {
                    #expect(found.trailingZeroBitCount / 8 == position, "byte \(byte) at \(position)")
                } else {
                    #expect(found == 0, "byte \(byte) at \(position)")
                }
            }
        }
    }

    @Test func nestingDeeperThan64LevelsIsLeftToTheDecoder() {
        func nested(_ depth: Int) -> String {
            #"{"a":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        }
        #expect(members(nested(64))?.count == 1)
        #expect(members(nested(65)) == nil)
    }

    @Test func readsIntegersAndPlainStrings() {
        let bytes = Array(#"{"a": 12345, "b": -7, "c": 1.5, "d": "plain", "e": "esc\"aped", "f": null, "g": [ ]}"#.utf8)
        bytes.withUnsafeBytes { raw in
            let scanner = JSONFieldScanner(raw)
            let found = scanner.members()!
            #expect(scanner.integer(at: scanner.member("a", in: found)!.value) == 12345)
            #expect(scanner.integer(at: scanner.member("b", in: found)!.value) == -7)
            #expect(scanner.integer(at: scanner.member("c", in: found)!.value) == nil)
            #expect(scanner.plainString(at: scanner.member("d", in: found)!.value) == "plain")
            #expect(scanner.plainString(at: scanner.member("e", in: found)!.value) == nil)
            #expect(scanner.isNull(scanner.member("f", in: found)!.value))
            #expect(scanner.isEmptyArray(scanner.member("g", in: found)!.value))
            #expect(scanner.member("z", in: found) == nil)
        }
    }

    @Test func readsUsageLikeTheDecoder() throws {
        let text = #"{"prompt_tokens": 120, "completion_tokens": 9, "total_tokens": 129,"#
            + #" "prompt_tokens_details": {"cached_tokens": 64, "audio_tokens": 0},"#
            + #" "completion_tokens_details": {"reasoning_tokens": 3}, "cache_creation_input_tokens": 5}"#
        let scanned = Array(text.utf8).withUnsafeBytes { raw in
            Usage(scanning: 0..<raw.count, with: JSONFieldScanner(raw))
        }
        let decoded = try JSONDecoder().decode(Usage.self, from: Data(text.utf8))
        #expect(scanned == decoded)
        #expect(scanned?.cachedPromptTokens == 64 && scanned?.reasoningTokens == 3 && scanned?.cacheCreationTokens == 5)
        let sparse = Array(#"{"prompt_tokens": 1, "prompt_tokens_details": null}"#.utf8).withUnsafeBytes { raw in
            Usage(scanning: 0..<raw.count, with: JSONFieldScanner(raw))
        }
        #expect(sparse == Usage(promptTokens: 1))
        let fractional = Array(#"{"prompt_tokens": 1.5}"#.utf8).withUnsafeBytes { raw in
            Usage(scanning: 0..<raw.count, with: JSONFieldScanner(raw))
        }
        #expect(fractional == nil)
    }

    @Test func forwardedCompletionReadsIDModelAndUsageOnly() throws {
        let body = ByteBuffer(
            string: #"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini","choices":[],"#
                + #""usage":{"prompt_tokens":12,"completion_tokens":9},"system_fingerprint":"fp_1"}"#)
        let forwarded = try #require(ForwardedCompletion(openAIBody: body))
        #expect(forwarded.id == "chatcmpl-1")
        #expect(forwarded.model == "gpt-4o-mini")
        #expect(forwarded.usage == Usage(promptTokens: 12, completionTokens: 9))
        #expect(forwarded.body == body)
        #expect(ForwardedCompletion(openAIBody: ByteBuffer(string: #"{"id":"x","choices":[]}"#))?.usage == nil)
        // Not forwardable: these decode fully, and the decoder reports what is wrong.
        #expect(ForwardedCompletion(openAIBody: ByteBuffer(string: #"{"id":"","choices":[]}"#)) == nil)
        #expect(ForwardedCompletion(openAIBody: ByteBuffer(string: #"{"id":"x"}"#)) == nil)
        #expect(ForwardedCompletion(openAIBody: ByteBuffer(string: #"{"id":"x","choices":{}}"#)) == nil)
        #expect(ForwardedCompletion(openAIBody: ByteBuffer(string: #"{"id":"x","choices":[]"#)) == nil)
        #expect(
            ForwardedCompletion(openAIBody: ByteBuffer(string: #"{"id":"x","choices":[],"usage":{"prompt_tokens":"1"}}"#))
                == nil)
    }

    @Test func forwardedCompletionReadsUsageWhereItIs() throws {
        func forwarded(_ text: String) -> ForwardedCompletion? { ForwardedCompletion(openAIBody: ByteBuffer(string: text)) }
        // Usage first, with both details objects and a member after it.
        let first = try #require(
            forwarded(
                #"{"usage":{"prompt_tokens":7,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":4},"#
                    + #""completion_tokens_details":{"reasoning_tokens":2},"completion_tokens":5},"id":"c","choices":[]}"#))
        #expect(first.usage == Usage(promptTokens: 7, completionTokens: 5, cachedPromptTokens: 4, reasoningTokens: 2))
        // Null usage and null details are no usage and no counts; the first of repeated members counts.
        #expect(try #require(forwarded(#"{"id":"c","choices":[],"usage":null}"#)).usage == nil)
        #expect(
            forwarded(#"{"id":"c","choices":[],"usage":{"prompt_tokens":1,"prompt_tokens":9,"prompt_tokens_details":null}}"#)?
                .usage == Usage(promptTokens: 1))
        // A usage that is not one, or holds a count that is not a plain integer: decoded fully instead.
        #expect(forwarded(#"{"id":"c","choices":[],"usage":5}"#) == nil)
        #expect(forwarded(#"{"id":"c","choices":[],"usage":{"prompt_tokens_details":5}}"#) == nil)
        #expect(forwarded(#"{"id":"c","choices":[],"usage":{"completion_tokens_details":{"reasoning_tokens":"2"}}}"#) == nil)
        #expect(forwarded(#"{"id":"c","choices":[],"usage":{"prompt_tokens_details":{"cached_tokens" 1}}}"#) == nil)
        #expect(forwarded(#"{"id":"c","choices":[],"usage":{"prompt_tokens":1}"#) == nil)
    }
}
