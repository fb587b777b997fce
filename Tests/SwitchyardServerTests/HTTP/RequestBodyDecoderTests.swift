import Testing

@testable import SwitchyardServer

/// The request body's UTF-8 check: ASCII eight bytes at a time, anything else by the library's validator.
@Suite struct RequestBodyDecoderTests {
    static func valid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes(RequestBodyDecoder.isValidUTF8)
    }

    @Test func asciiOfEveryLengthIsValid() {
        for length in 0...24 {
            #expect(Self.valid(Array(repeating: UInt8(ascii: "a"), count: length)), "length \(length)")
        }
    }

    @Test func multiByteCharactersAreValidWhereverTheyFall() {
        // "é" (C3 A9) and "€" (E2 82 AC) at every offset of a word and in the tail after the last whole word.
        for offset in 0...17 {
            let prefix = Array(repeating: UInt8(ascii: "x"), count: offset)
            #expect(Self.valid(prefix + [0xC3, 0xA9]), "é at \(offset)")
            #expect(Self.valid(prefix + [0xE2, 0x82, 0xAC] + Array("}".utf8)), "€ at \(offset)")
        }
    }

    @Test func invalidBytesAreFoundWhereverTheyFall() {
        for offset in 0...17 {
            let prefix = Array(repeating: UInt8(ascii: "x"), count: offset)
            #expect(!Self.valid(prefix + [0xC3, 0x28]), "a broken sequence at \(offset)")
            #expect(!Self.valid(prefix + [0xFF]), "0xFF at \(offset)")
            #expect(!Self.valid(prefix + [0xE2, 0x82]), "a truncated sequence at \(offset)")
        }
    }
}
