import Foundation
import Testing

@testable import SwitchyardEmbeddings

@Suite struct WordPieceTokenizerTests {
    @Test func matchesTheReferenceTokenizerOnEverySentence() throws {
        let tokenizer = try TestModel.tokenizer()
        let fixture = try ReferenceFixture.load()
        #expect(fixture.sentences.count >= 200)
        var mismatches = 0
        for (index, sentence) in fixture.sentences.enumerated() {
            let ids = tokenizer.encode(sentence.text, maxLength: fixture.maxSeqLength)
            if ids != sentence.ids {
                mismatches += 1
                let shown = sentence.text.unicodeScalars.prefix(60).map {
                    $0.isASCII ? "\($0)" : "\\u{\(String($0.value, radix: 16))}"
                }
                let expected = sentence.ids.prefix(40)
                Issue.record("sentence \(index) \"\(shown.joined())\": got \(ids.prefix(40)), expected \(expected)")
            }
        }
        #expect(mismatches == 0)
    }

    @Test func splitsGreedilyIntoContinuationPieces() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "a", "!",
        ])
        #expect(tokenizer.encode("Unaffable!") == [2, 4, 5, 6, 8, 3])
        #expect(tokenizer.encode("unaffablex") == [2, 1, 3])
        #expect(tokenizer.encode("") == [2, 3])
        #expect(tokenizer.encode("a a a a", maxLength: 4) == [2, 7, 7, 3])
        #expect(tokenizer.encode(String(repeating: "a", count: 101)) == [2, 1, 3])
        #expect(tokenizer.encode("a [SEP] a") == [2, 7, 3, 7, 3])
    }

    @Test func stripsAccentsAndSplitsPunctuationAndIdeographs() {
        let pre = BertPreTokenizer()
        func words(_ text: String) -> [String] {
            pre.words(text.unicodeScalars).map { String(String.UnicodeScalarView($0)) }
        }
        #expect(words("Café, NAÏVE!") == ["cafe", ",", "naive", "!"])
        #expect(words("東京abc") == ["東", "京", "abc"])
        #expect(words("a\u{200B}b\tc\u{00A0}d") == ["ab", "c", "d"])
        #expect(words("$5+x") == ["$", "5", "+", "x"])
        #expect(words("€5") == ["€5"])
    }

    @Test func rejectsAVocabularyWithoutSpecialTokens() {
        #expect(throws: EmbeddingModelError.self) { try WordPieceTokenizer(vocabulary: ["a", "b"]) }
        let missing = URL(fileURLWithPath: "/nonexistent/vocab.txt")
        #expect { try WordPieceTokenizer(vocabularyURL: missing) } throws: { error in
            (error as? EmbeddingModelError)?.code == .fileNotFound
        }
    }
}
