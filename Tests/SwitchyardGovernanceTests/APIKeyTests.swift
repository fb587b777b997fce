import Foundation
import Testing

@testable import SwitchyardGovernance

@Suite struct APIKeyTests {
    @Test func secretsAreWellFormedUniqueAndHashedStably() {
        let first = APIKey.generate()
        let second = APIKey.generate()
        #expect(first != second)
        #expect(first.hasPrefix("sk-sy-"))
        #expect(first.count == 46)
        #expect(APIKey.isWellFormed(Substring(first)))
        #expect(APIKey.prefix(of: first).count == 12)
        #expect(APIKey.hash(first) == APIKey.hash(Substring(first)))
        #expect(APIKey.hash(first).count == 64)
        // SHA-256("abc"), a published test vector.
        #expect(APIKey.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test(arguments: ["", "sk-sy-", "sk-sy-short", "sk-xx-" + String(repeating: "a", count: 40),
        "sk-sy-" + String(repeating: "a", count: 39) + "!", "sk-sy-" + String(repeating: "a", count: 41)])
    func malformedSecretsAreRecognised(candidate: String) {
        #expect(!APIKey.isWellFormed(Substring(candidate)))
    }

    @Test func constantTimeComparison() {
        #expect(APIKey.constantTimeEquals("master-key", "master-key"))
        #expect(!APIKey.constantTimeEquals("master-key", "master-kez"))
        #expect(!APIKey.constantTimeEquals("master-key", "master"))
    }
}
