import Testing

@testable import SwitchyardCore

/// `UTF8Scan` answers as `utf8.allSatisfy`, `utf8.contains(where:)` and `hasPrefix` do, for small, large, empty and non-ASCII
/// strings, and for a substring's copy.
@Suite struct UTF8ScanTests {
    static let samples: [String] = [
        "", "a", "gpt-4o-mini", "weighted: bench-chat/upstream#0 (weight share 100%)", "Ünïcødé", "naïve café",
        String(repeating: "x", count: 300), String(repeating: "é", count: 40), "tab\there", "quote\"back\\slash",
        String("prefix/suffix".split(separator: "/").last!),
    ]

    @Test(arguments: samples) func allAgreesWithTheStandardLibrary(_ text: String) {
        let tests: [(UInt8) -> Bool] = [{ $0 < 0x80 }, { $0 > 0x20 && $0 != 0x7F }, { $0 >= 0x20 && $0 != 0x22 }]
        for test in tests {
            #expect(UTF8Scan.all(text, test) == text.utf8.allSatisfy(test))
        }
    }

    @Test(arguments: samples) func anyAgreesWithTheStandardLibrary(_ text: String) {
        let tests: [(UInt8) -> Bool] = [{ $0 >= 0x41 && $0 <= 0x5A }, { $0 >= 0x80 }, { $0 == 0x2F }]
        for test in tests {
            #expect(UTF8Scan.any(text, test) == text.utf8.contains(where: test))
        }
    }

    @Test(arguments: samples) func hasPrefixAgreesWithTheStandardLibrary(_ text: String) {
        #expect(UTF8Scan.hasPrefix(text, "") == true)
        #expect(UTF8Scan.hasPrefix(text, "a") == text.hasPrefix("a"))
        #expect(UTF8Scan.hasPrefix(text, "weighted: ") == text.hasPrefix("weighted: "))
        #expect(UTF8Scan.hasPrefix(text, "/admin/") == text.hasPrefix("/admin/"))
        #expect(UTF8Scan.hasPrefix(text, "Ünï") == text.hasPrefix("Ünï"))
        #expect(UTF8Scan.hasPrefix(text, "naïve café and more") == text.hasPrefix("naïve café and more"))
    }

    @Test(arguments: samples) func hasPrefixAgreesWithTheStandardLibraryOnSubstrings(_ text: String) {
        // The text from its second character on, as a substring of a longer string.
        let whole = "<" + text
        let substring = whole[whole.index(after: whole.startIndex)...]
        for prefix: StaticString in ["", "a", "weighted: ", "/admin/", "Ünï", "naïve café and more"] {
            #expect(UTF8Scan.hasPrefix(substring, prefix) == substring.hasPrefix(prefix.description), "\(prefix)")
        }
        #expect(UTF8Scan.hasPrefix(whole, "<"))
        #expect(UTF8Scan.hasPrefix(substring, "<") == text.hasPrefix("<"))
    }
}
