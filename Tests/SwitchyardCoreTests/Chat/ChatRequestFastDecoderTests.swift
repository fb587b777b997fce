import Foundation
@testable import SwitchyardCore
import Testing

/// The fast decoder must give exactly JSONDecoder's value whenever it gives one, and step aside (nil) otherwise.
@Suite("ChatRequestFastDecoder")
struct ChatRequestFastDecoderTests {
    static func fast(_ body: String) -> ChatRequest? {
        Array(body.utf8).withUnsafeBytes { ChatRequestFastDecoder.decode($0) }
    }

    static func foundation(_ body: String) -> ChatRequest? {
        try? JSONDecoder().decode(ChatRequest.self, from: Data(body.utf8))
    }

    static let common = [
        #"{"model":"bench-chat","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! Say hello back in one short sentence."}],"max_tokens":64,"temperature":0.2}"#,
        #"{"model":"bench-stream","messages":[{"role":"user","content":"Hello"}],"stream":true,"stream_options":{"include_usage":true}}"#,
        """
        {
          "model" : "gpt-4o-mini",
          "messages" : [ { "role" : "developer", "content" : "Be brief.", "name" : "ops" },
                         { "role" : "user", "content" : "Line one\\nline \\"two\\" \\u00e9 \\ud83d\\ude00 \\/ \\t end" },
                         { "role" : "assistant", "content" : null },
                         { "role" : "user", "content" : "caf\u{e9} \u{1F600} 漢字" } ],
          "stop" : "END", "top_p" : 1e-3, "presence_penalty" : -0.5, "frequency_penalty" : 0,
          "n" : 1, "seed" : -42, "user" : "u-1", "logprobs" : false, "top_logprobs" : null,
          "reasoning_effort" : "low", "parallel_tool_calls" : true, "max_completion_tokens" : 128,
          "stream" : false, "stream_options" : null
        }
        """,
        #"{"model":"m","messages":[],"stop":["a","b"],"temperature":1.5E+1}"#,
        #"{"messages":[{"content":"x","role":"tool"}],"model":"m","stop":null,"stream":null}"#,
    ]

    /// Strings are scanned eight bytes at a time: an escape, a quote or a multi-byte character at every offset of a
    /// word must come out as JSONDecoder reads it.
    @Test("strings of every length, with escapes anywhere, equal to JSONDecoder's value")
    func stringsAtEveryOffset() throws {
        for length in 0..<34 {
            for special in [#"\""#, #"\\"#, #"\n"#, #"\u00e9"#, "é", "🙂", #"\ud83d\ude00"#] {
                for position in Set([0, length / 3, length]) {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                    let body = #"{"model":"m","messages":[{"role":"user","content":"\#(text)"}]}"#
                    let fast = try #require(Self.fast(body), "\(body)")
                    #expect(fast == Self.foundation(body), "\(body)")
                }
            }
            let control = #"{"model":"m","messages":[{"role":"user","content":""# + String(repeating: "b", count: length)
                + "\u{1}\"}]}"
            #expect(Self.fast(control) == nil, "control character after \(length) bytes")
        }
    }

    @Test("the common shapes are read, equal to JSONDecoder's value", arguments: common)
    func sameAsJSONDecoder(_ body: String) throws {
        let fast = try #require(Self.fast(body), "expected the fast path to take: \(body)")
        let reference = try JSONDecoder().decode(ChatRequest.self, from: Data(body.utf8))
        #expect(fast == reference)
    }

    static let declined = [
        #"{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[]}"#,
        #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]}"#,
        #"{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[]}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}"#,
        #"{"model":"m","messages":[{"role":"user","content":"x"}],"cache":{"ttl":60}}"#,
        #"{"model":"m","model":"n","messages":[]}"#,
        #"{"mod\u0065l":"m","messages":[]}"#,
        #"{"model":"m","messages":[],"max_tokens":1.0}"#,
        #"{"model":"m","messages":[],"max_tokens":01}"#,
        #"{"model":"m","messages":[],"temperature":1e400}"#,
        #"{"model":"m","messages":[]} x"#,
        #"{"model":"m","messages":[]"#,
        #"{"model":"m","messages":[{"role":"user","content":"\x"}]}"#,
        #"{"model":"m","messages":[{"role":"user","content":"\udc00"}]}"#,
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\u{1}b\"}]}",
        #"{"model":"","messages":[]}"#,
        #"{"model":"m"}"#,
        #"{"model":"m","messages":[{"role":"robot","content":"x"}]}"#,
        #"{"model":"m","messages":[{"role":"User","content":"x"}]}"#,
        #"{"model":"m","messages":[{"role":"\u0075ser","content":"x"}]}"#,
        #"{"model":"m","messages":[{"r\u006fle":"user","content":"x"}]}"#,
        #"{"model":"m","messages":[{"content":"x"}]}"#,
        #"[]"#,
    ]

    @Test("anything else is left to JSONDecoder", arguments: declined)
    func declines(_ body: String) {
        #expect(Self.fast(body) == nil, "the fast path should step aside: \(body)")
    }

    @Test("20,000 mutated bodies: whenever the fast path answers, JSONDecoder agrees")
    func mutations() {
        var random = SplitMix64(seed: 8)
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-truefalsnl/ub"#.utf8)
        var taken = 0
        for round in 0..<20_000 {
            var bytes = Array(Self.common[round % Self.common.count].utf8)
            for _ in 0...Int.random(in: 0..<3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                default: bytes[position] = alphabet.randomElement(using: &random)!
                }
            }
            guard let body = String(validating: bytes, as: UTF8.self) else { continue }
            guard let fast = Self.fast(body) else { continue }
            taken += 1
            #expect(fast == Self.foundation(body), "the fast path accepted what JSONDecoder reads otherwise: \(body)")
        }
        #expect(taken > 1_000, "the mutations should leave many bodies valid")
    }
    /// Short decimals are read without `strtod`, to the same double, and everything else is left to it.
    @Test func shortDecimalsReadAsDoubleReadsThem() {
        func short(_ text: String) -> Double? {
            Array(text.utf8).withUnsafeBytes { JSONByteReader.shortDecimal($0) }
        }
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "0.2", "0.1", "0.7", "1.0", "-1.25", "2", "512", "0.000001", "123456789012345",
                     "0.12345678901234", "99999999999999.9", "-0.0"]
        for _ in 0..<2_000 {
            let digits = Int.random(in: 1...15, using: &generator)
            var text = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
            let point = Int.random(in: 0...digits, using: &generator)
            if point < digits { text.insert(".", at: text.index(text.startIndex, offsetBy: max(1, point))) }
            if Bool.random(using: &generator) { text = "-" + text }
            texts.append(text)
        }
        for text in texts where text.last != "." {
            let expected = Double(text)
            #expect(short(text)?.bitPattern == expected?.bitPattern, "\(text)")
        }
        // Exponents and more than 15 digits: not read here.
        #expect(short("1e3") == nil)
        #expect(short("2.5E-1") == nil)
        #expect(short("1234567890123456") == nil)
        #expect(short("0.1234567890123456") == nil)
    }
}
