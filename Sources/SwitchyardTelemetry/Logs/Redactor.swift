import Foundation

/// Masks personal data and secrets in text that an operator chose to log (prompt logging): e-mail addresses, phone
/// numbers, payment card numbers (Luhn-checked), and API keys and bearer tokens.
///
/// ```swift
/// Redactor().redact("mail bob@example.com, key sk-abc123…")   // "mail [EMAIL], key [API_KEY]"
/// ```
public struct Redactor: Sendable {
    private static let patterns: [(NSRegularExpression, String)] = {
        let specs: [(String, String)] = [
            (#"(?i)bearer\s+[A-Za-z0-9._~+/=-]{8,}"#, "Bearer [TOKEN]"),
            (#"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{12,}\b"#, "[API_KEY]"),
            (#"\bAKIA[0-9A-Z]{16}\b"#, "[API_KEY]"),
            (#"\bAIza[0-9A-Za-z_-]{30,}\b"#, "[API_KEY]"),
            (#"\b(?:xox[abpr]|ghp|gho|github_pat)_?[A-Za-z0-9_-]{16,}\b"#, "[API_KEY]"),
            (#"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"#, "[EMAIL]"),
        ]
        // The patterns are constants and compile; a pattern that did not would only be skipped.
        return specs.compactMap { spec in (try? NSRegularExpression(pattern: spec.0)).map { ($0, spec.1) } }
    }()
    private static let cardCandidate = try? NSRegularExpression(pattern: #"\b(?:\d[ -]?){12,18}\d\b"#)
    private static let phone = try? NSRegularExpression(
        pattern: #"(?<![\w])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}(?![\w])"#)

    /// Creates a redactor.
    public init() {}

    /// The text with every match masked.
    public func redact(_ text: String) -> String {
        var result = text
        for (pattern, replacement) in Self.patterns {
            result = pattern.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result),
                withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
        }
        result = replace(Self.cardCandidate, in: result) { Self.passesLuhn($0) ? "[CARD]" : nil }
        result = replace(Self.phone, in: result) { _ in "[PHONE]" }
        return result
    }

    private func replace(_ pattern: NSRegularExpression?, in text: String, _ body: (String) -> String?) -> String {
        guard let pattern else { return text }
        var result = text
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        for match in matches.reversed() {
            guard let range = Range(match.range, in: result), let replacement = body(String(result[range])) else {
                continue
            }
            result.replaceSubrange(range, with: replacement)
        }
        return result
    }

    static func passesLuhn(_ candidate: String) -> Bool {
        let digits = candidate.compactMap(\.wholeNumberValue)
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
