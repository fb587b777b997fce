import Foundation

/// BERT's basic tokenization: cleans, normalises and splits text into words before WordPiece.
///
/// Follows Hugging Face's `BertNormalizer` (clean text, pad CJK ideographs with spaces, NFD and strip
/// non-spacing marks, lowercase, in that order) and `BertPreTokenizer` (split on whitespace, isolate each
/// punctuation character), which is what the model's `tokenizer.json` configures. Works on Unicode scalars,
/// never on `Character`s, so combining marks and emoji sequences split exactly as the reference does.
struct BertPreTokenizer: Sendable {
    /// Whether to strip accents and lowercase (the "uncased" models).
    var lowercase: Bool = true

    /// The words of `text`, each as its Unicode scalars.
    func words(_ text: some Sequence<Unicode.Scalar>) -> [[Unicode.Scalar]] {
        let normalized = normalize(text)
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in normalized {
            let isWhitespace =
                scalar.isASCII
                ? (scalar == " " || (0x09...0x0D).contains(scalar.value))
                : scalar.properties.isWhitespace
            if isWhitespace {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if Self.isPunctuation(scalar) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([scalar])
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The normalised scalars of `text`: cleaned, CJK-padded, and (when ``lowercase``) accent-stripped and lowercased.
    func normalize(_ text: some Sequence<Unicode.Scalar>) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text {
            if scalar.isASCII {
                // ASCII fast path: controls other than tab, newline and carriage return are dropped.
                let value = scalar.value
                if value == 0x09 || value == 0x0A || value == 0x0D || value == 0x20 {
                    cleaned.append(" ")
                } else if value > 0x20 && value != 0x7F {
                    cleaned.append(scalar)
                }
                continue
            }
            if scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if Self.isChineseCharacter(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        guard lowercase else { return Array(cleaned) }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(cleaned.count)
        let isASCII = cleaned.allSatisfy(\.isASCII)
        let decomposed = isASCII ? cleaned : String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        for scalar in decomposed {
            if scalar.isASCII {
                let value = scalar.value
                result.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar)
            } else if Self.referenceCategory(of: scalar) != .nonspacingMark {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return result
    }

    /// Tab, newline, carriage return and Unicode `White_Space`.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// Categories Cc, Cf, Co and Cs, except tab, newline and carriage return.
    ///
    /// Unassigned code points (Cn) are kept, as the reference tokenizer keeps them (they become `[UNK]`).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch referenceCategory(of: scalar) {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes `$+<=>^`|~`) and Unicode categories Pc, Pd, Ps, Pe, Pi, Pf and Po.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value) || (0x5B...0x60).contains(value)
                || (0x7B...0x7E).contains(value)
        }
        switch referenceCategory(of: scalar) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The general category the reference tokenizer sees: Unicode 8.0's, or `nil` for a scalar assigned later.
    ///
    /// Hugging Face's tokenizer classifies control characters, non-spacing marks and punctuation with Unicode 8.0
    /// tables, so a scalar assigned later is none of these to it: it stays in the text as an ordinary character
    /// (and usually becomes `[UNK]`). Seven older scalars have changed category since 8.0; they keep the old one.
    /// Matching this keeps the ids, and so the embeddings, identical to the reference for every code point.
    static func referenceCategory(of scalar: Unicode.Scalar) -> Unicode.GeneralCategory? {
        if let category = categoriesChangedSinceUnicode8[scalar.value] { return category }
        guard let age = scalar.properties.age, age.major < 8 || (age.major == 8 && age.minor == 0) else { return nil }
        return scalar.properties.generalCategory
    }

    /// Unicode 8.0 categories of the scalars whose category has changed since.
    private static let categoriesChangedSinceUnicode8: [UInt32: Unicode.GeneralCategory] = [
        0x166D: .otherPunctuation,  // CANADIAN SYLLABICS CHI SIGN, now So
        0x111C9: .otherPunctuation,  // SHARADA SANDHI MARK, now Mn
        0x1734: .nonspacingMark,  // HANUNOO SIGN PAMUDPOD, now Mc
        0x1171E: .nonspacingMark,  // AHOM CONSONANT SIGN MEDIAL RA, now Mc
        0x1885: .otherLetter,  // MONGOLIAN LETTER ALI GALI BALUDA, now Mn
        0x1886: .otherLetter,  // MONGOLIAN LETTER ALI GALI THREE BALUDA, now Mn
        0xA9BD: .spacingMark,  // JAVANESE CONSONANT SIGN KERET, now Mn
    ]

    /// The CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana), as BERT defines them.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
