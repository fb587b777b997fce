import Foundation

/// BERT's uncased WordPiece tokenizer, loaded from a `vocab.txt` (one token per line, the line number is its id).
///
/// ``encode(_:maxLength:)`` gives the same ids as Hugging Face's `BertTokenizerFast` for the model's
/// `tokenizer.json`: special tokens written literally in the text (`[CLS]`, `[SEP]`, `[MASK]`, `[PAD]`, `[UNK]`,
/// case-sensitive) map to their ids, the rest goes through basic tokenization (see `BertPreTokenizer`) and greedy
/// longest-match-first WordPiece with `##` continuations, `[UNK]` stands for a word with no segmentation or longer
/// than 100 scalars, `[CLS] … [SEP]` surround the result, and tokens past `maxLength - 2` are dropped.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(vocabularyURL: directory.appendingPathComponent("vocab.txt"))
/// tokenizer.encode("Hello, world!")  // [101, 7592, 1010, 2088, 999, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
    /// The number of tokens in the vocabulary.
    public var vocabularySize: Int { tokens.count }
    /// The id of `[CLS]`, which starts every sequence.
    public let classifierTokenID: Int32
    /// The id of `[SEP]`, which ends every sequence.
    public let separatorTokenID: Int32
    /// The id of `[UNK]`, which stands for a word the vocabulary cannot spell.
    public let unknownTokenID: Int32
    /// Words longer than this many Unicode scalars become `[UNK]`.
    public let maxInputCharactersPerWord = 100

    private let tokens: [String]
    private let ids: [TokenKey: Int32]
    /// The special tokens matched verbatim in raw text, with their ids.
    private let specialTokens: [(scalars: [Unicode.Scalar], id: Int32)]
    private let preTokenizer = BertPreTokenizer()

    /// Loads a vocabulary file.
    ///
    /// - Parameter vocabularyURL: A `vocab.txt` with one token per line.
    /// - Throws: ``EmbeddingModelError`` with code `file_not_found` or `invalid_vocabulary`.
    public init(vocabularyURL: URL) throws {
        let contents: String
        do {
            contents = try String(contentsOf: vocabularyURL, encoding: .utf8)
        } catch {
            throw EmbeddingModelError(
                .fileNotFound, file: vocabularyURL.lastPathComponent, "cannot read \(vocabularyURL.path): \(error)")
        }
        var lines = contents.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines, fileName: vocabularyURL.lastPathComponent)
    }

    /// Creates a tokenizer from tokens in id order.
    ///
    /// - Parameters:
    ///   - vocabulary: The tokens; the index of each is its id. Must contain `[CLS]`, `[SEP]` and `[UNK]`.
    ///   - fileName: The name to use in error messages.
    /// - Throws: ``EmbeddingModelError`` with code `invalid_vocabulary`.
    public init(vocabulary: [String], fileName: String = "vocab.txt") throws {
        var ids: [TokenKey: Int32] = [:]
        ids.reserveCapacity(vocabulary.count)
        for (index, token) in vocabulary.enumerated() {
            let key = TokenKey(Array(token.unicodeScalars))
            // Like the reference loader, a repeated token keeps the id of its last occurrence.
            ids[key] = Int32(index)
        }
        func special(_ token: String) throws -> Int32 {
            guard let id = ids[TokenKey(Array(token.unicodeScalars))] else {
                throw EmbeddingModelError(.invalidVocabulary, file: fileName, "the vocabulary has no \(token) token")
            }
            return id
        }
        self.tokens = vocabulary
        self.ids = ids
        self.specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { token in
            let scalars = Array(token.unicodeScalars)
            return ids[TokenKey(scalars)].map { (scalars, $0) }
        }
        self.classifierTokenID = try special("[CLS]")
        self.separatorTokenID = try special("[SEP]")
        self.unknownTokenID = try special("[UNK]")
    }

    /// The token ids of `text`, starting with `[CLS]` and ending with `[SEP]`.
    ///
    /// - Parameters:
    ///   - text: Any text; control characters are dropped, and the empty string gives `[CLS] [SEP]`.
    ///   - maxLength: The longest sequence returned, special tokens included (at least 2). Word pieces past
    ///     `maxLength - 2` are dropped.
    /// - Returns: Between 2 and `maxLength` ids.
    public func encode(_ text: String, maxLength: Int = 256) -> [Int32] {
        let limit = max(maxLength, 2) - 1
        var result: [Int32] = [classifierTokenID]
        result.reserveCapacity(min(limit, text.utf8.count + 1) + 1)
        let scalars = Array(text.unicodeScalars)
        var segmentStart = 0
        var index = 0
        while index < scalars.count, result.count < limit {
            guard scalars[index] == "[", let special = specialToken(at: index, in: scalars) else {
                index += 1
                continue
            }
            appendWords(of: scalars[segmentStart..<index], to: &result, limit: limit)
            result.append(special.id)
            index += special.length
            segmentStart = index
        }
        if segmentStart < scalars.count { appendWords(of: scalars[segmentStart...], to: &result, limit: limit) }
        if result.count > limit { result.removeLast(result.count - limit) }
        result.append(separatorTokenID)
        return result
    }

    /// The token whose id is `id`, or `nil` when it is out of range.
    public func token(for id: Int32) -> String? {
        tokens.indices.contains(Int(id)) ? tokens[Int(id)] : nil
    }

    /// The special token spelled at `index`, if any.
    private func specialToken(at index: Int, in scalars: [Unicode.Scalar]) -> (id: Int32, length: Int)? {
        for special in specialTokens where scalars[index...].starts(with: special.scalars) {
            return (special.id, special.scalars.count)
        }
        return nil
    }

    /// Appends the pieces of every word of a stretch of text, stopping once `result` holds `limit` ids.
    private func appendWords(of text: ArraySlice<Unicode.Scalar>, to result: inout [Int32], limit: Int) {
        for word in preTokenizer.words(text) {
            if result.count >= limit { return }
            appendPieces(of: word, to: &result)
        }
    }

    /// Appends the WordPiece segmentation of one word, or `[UNK]` when there is none.
    private func appendPieces(of word: [Unicode.Scalar], to result: inout [Int32]) {
        guard word.count <= maxInputCharactersPerWord else {
            result.append(unknownTokenID)
            return
        }
        let mark = result.count
        var key = TokenKey([])
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                key.scalars.removeAll(keepingCapacity: true)
                if start > 0 { key.scalars.append(contentsOf: ["#", "#"]) }
                key.scalars.append(contentsOf: word[start..<end])
                if let id = ids[key] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                result.removeLast(result.count - mark)
                result.append(unknownTokenID)
                return
            }
            result.append(id)
            start = end
        }
    }
}

/// A vocabulary key compared scalar by scalar, not by `String`'s canonical equivalence.
private struct TokenKey: Hashable, Sendable {
    var scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }
}
