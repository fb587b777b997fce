import Foundation

/// Cheap, text-only features of a prompt that the learned router adds to its embedding.
///
/// All values are computed from the text in one pass, with fixed scaling (no statistics from data), so the
/// same prompt gives the same features at training and at serving time.
public struct PromptFeatures: Sendable, Hashable, Codable {
    /// Characters in the whole prompt (all turns), which also drives the cost estimate.
    public var characters: Int
    /// Whether the prompt shows code (fences, `def `, `function`, braces with semicolons, …).
    public var hasCode: Bool
    /// Whether the prompt shows mathematics (LaTeX, equations, "solve", "calculate", …).
    public var hasMath: Bool
    /// User turns in the conversation (1 for a single prompt).
    public var conversationDepth: Int
    /// Whether the request offers tools.
    public var toolsRequested: Bool
    /// Share of letters outside ASCII: a cheap language hint (0 for English text).
    public var nonASCIIShare: Double
    /// Repeated "Answer:"/"Q:" blocks: a hint that the prompt carries few-shot examples.
    public var fewShotMarkers: Int

    /// The number of values ``vector`` returns.
    public static let count = 7

    /// Computes the features of a prompt.
    ///
    /// - Parameters:
    ///   - text: The prompt text (all turns joined).
    ///   - conversationDepth: User turns; `nil` counts 1.
    ///   - toolsRequested: Whether the request carries tool definitions.
    public init(text: String, conversationDepth: Int? = nil, toolsRequested: Bool = false) {
        characters = text.count
        self.conversationDepth = max(1, conversationDepth ?? 1)
        self.toolsRequested = toolsRequested
        let lower = text.lowercased()
        hasCode = Self.codeMarkers.contains { lower.contains($0) }
        hasMath = Self.mathMarkers.contains { lower.contains($0) }
        var letters = 0
        var foreign = 0
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            letters += 1
            if !scalar.isASCII { foreign += 1 }
        }
        nonASCIIShare = letters == 0 ? 0 : Double(foreign) / Double(letters)
        fewShotMarkers =
            lower.components(separatedBy: "answer:").count + lower.components(separatedBy: "\nq:").count - 2
    }

    /// The features as model inputs, each roughly in 0…1.
    public var vector: [Float] {
        [
            Float(log1p(Double(characters)) / 10), hasCode ? 1 : 0, hasMath ? 1 : 0,
            Float(min(conversationDepth, 10)) / 10, toolsRequested ? 1 : 0, Float(nonASCIIShare),
            Float(min(fewShotMarkers, 10)) / 10,
        ]
    }

    static let codeMarkers = [
        "```", "def ", "function ", "return ", "#include", "public static", "import ", "console.log", "=>",
        "python", "javascript", "sql", "assert ",
    ]
    static let mathMarkers = [
        "\\frac", "\\boxed", "$$", "solve", "calculate", "equation", "integral", "probability", "how many",
        " = ", "^",
    ]
}

extension PromptFeatures {
    /// Characters of the last user turn that the router embeds (at most about 256 MiniLM tokens of prose).
    public static let defaultEmbeddingCharacters = 768

    /// The part of a prompt the router embeds: the tail of the last user turn.
    ///
    /// Few-shot prompts put their question last, and the encoder only reads its first ~256 tokens, so embedding
    /// the head would see only the examples. The text kept is at most `maxCharacters` long, cut at a word
    /// boundary.
    ///
    /// - Parameters:
    ///   - lastUserTurn: The last user message (or the whole prompt when turns are not known).
    ///   - maxCharacters: How much of the end to keep.
    /// - Returns: The tail to embed.
    public static func embeddingText(lastUserTurn: String, maxCharacters: Int = defaultEmbeddingCharacters) -> String {
        guard lastUserTurn.count > maxCharacters else { return lastUserTurn }
        let tail = lastUserTurn.suffix(maxCharacters)
        guard let space = tail.firstIndex(where: { $0 == " " || $0 == "\n" }) else { return String(tail) }
        return String(tail[tail.index(after: space)...])
    }
}
