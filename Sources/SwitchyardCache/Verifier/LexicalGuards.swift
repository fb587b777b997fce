import Foundation

/// Cheap text comparisons that catch what embeddings blur: a changed number, entity, negation, word order or
/// question word.
///
/// Each guard is a number in `0...1` fed to the verifier next to the embedding features; none decides alone.
struct LexicalGuards {
    static let count = 10

    static let negations: Set<String> = [
        "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "cannot", "cant", "dont",
        "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt", "n't",
    ]
    static let questionWords: Set<String> = [
        "what", "how", "why", "when", "where", "who", "whom", "whose", "which", "is", "are", "can", "could", "do",
        "does", "did", "should", "would", "will", "was", "were", "has", "have",
    ]
    static let stopWords: Set<String> = [
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "i", "my", "me", "you", "your",
        "it", "be", "do", "does", "what", "how", "why", "which", "who", "when", "where", "can", "with", "at", "by",
        "from", "as", "that", "this", "there", "some", "any", "best", "way", "ways", "should", "would", "will",
    ]

    /// The guard values for a pair of texts, in a fixed order.
    static func values(_ a: String, _ b: String) -> [Float] {
        let wordsA = words(a)
        let wordsB = words(b)
        let setA = Set(wordsA)
        let setB = Set(wordsB)
        let union = setA.union(setB).count
        let jaccard = union == 0 ? 1 : Float(setA.intersection(setB).count) / Float(union)
        let contentA = setA.subtracting(stopWords)
        let contentB = setB.subtracting(stopWords)
        let contentUnion = contentA.union(contentB).count
        let contentDifference =
            contentUnion == 0 ? 0 : Float(contentA.symmetricDifference(contentB).count) / Float(contentUnion)
        let numbersA = Set(wordsA.filter { $0.first?.isNumber == true })
        let numbersB = Set(wordsB.filter { $0.first?.isNumber == true })
        let entitiesA = entities(a)
        let entitiesB = entities(b)
        let entityUnion = entitiesA.union(entitiesB).count
        let entityDifference =
            entityUnion == 0 ? 0 : Float(entitiesA.symmetricDifference(entitiesB).count) / Float(entityUnion)
        let negationA = wordsA.filter(negations.contains).count % 2
        let negationB = wordsB.filter(negations.contains).count % 2
        let firstQuestionA = wordsA.first(where: questionWords.contains)
        let firstQuestionB = wordsB.first(where: questionWords.contains)
        let lengthRatio = Float(min(wordsA.count, wordsB.count)) / Float(max(1, max(wordsA.count, wordsB.count)))
        return [
            jaccard,
            contentDifference,
            numbersA == numbersB ? 0 : 1,
            (numbersA.isEmpty && numbersB.isEmpty) ? 0 : 1,
            entityDifference,
            negationA == negationB ? 0 : 1,
            orderSwap(wordsA, wordsB),
            firstQuestionA == firstQuestionB ? 0 : 1,
            lengthRatio,
            a.lowercased().filter { $0.isLetter || $0.isNumber } == b.lowercased().filter { $0.isLetter || $0.isNumber }
                ? 1 : 0,
        ]
    }

    /// Lowercased words; apostrophes dropped so "don't" becomes "dont".
    static func words(_ text: String) -> [String] {
        text.lowercased().replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "’", with: "")
            .split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == ".") })
            .map { String($0).trimmingCharacters(in: ["."]) }
            .filter { !$0.isEmpty }
    }

    /// Capitalised words that do not start a sentence (and are not "I"), lowercased: a cheap entity detector.
    static func entities(_ text: String) -> Set<String> {
        var result: Set<String> = []
        var sentenceStart = true
        for raw in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            let word = raw.filter { $0.isLetter || $0.isNumber }
            if !sentenceStart, let first = word.first, first.isUppercase, word != "I" {
                result.insert(word.lowercased())
            }
            sentenceStart = raw.last.map { ".?!".contains($0) } ?? false
        }
        return result
    }

    /// The share of discordant pairs among the content words both texts share (0: same order, 1: reversed).
    static func orderSwap(_ a: [String], _ b: [String]) -> Float {
        var positionB: [String: Int] = [:]
        for (position, word) in b.enumerated() where !stopWords.contains(word) && positionB[word] == nil {
            positionB[word] = position
        }
        var seen: Set<String> = []
        var sequence: [Int] = []
        for word in a where !stopWords.contains(word) && !seen.contains(word) {
            seen.insert(word)
            if let position = positionB[word] { sequence.append(position) }
        }
        guard sequence.count >= 2 else { return 0 }
        var discordant = 0
        var pairs = 0
        for i in 0..<sequence.count {
            for j in (i + 1)..<sequence.count {
                pairs += 1
                if sequence[i] > sequence[j] { discordant += 1 }
            }
        }
        return Float(discordant) / Float(pairs)
    }
}
