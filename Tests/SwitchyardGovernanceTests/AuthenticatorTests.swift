import Foundation
import Testing

@testable import SwitchyardGovernance

@Suite struct AuthenticatorTests {
    @Test func bearerAndXAPIKeyAuthenticate() throws {
        let fixture = KeyFixture()
        let secret = fixture.addKey(models: ["gpt-4o"])
        let authenticator = Authenticator(cache: fixture.cache)
        let viaBearer = try authenticator.authenticate(authorization: "Bearer \(secret)", apiKey: nil)
        let viaHeader = try authenticator.authenticate(authorization: nil, apiKey: secret)
        #expect(viaBearer == viaHeader)
        #expect(viaBearer.tenantID == "ten_a")
        #expect(viaBearer.teamID == "team_a")
        #expect(viaBearer.allowedModels == ["gpt-4o"])
    }

    @Test func theCredentialIsTheBearerTokenInAnyCaseWithSpacesTrimmed() {
        let cases: [(String?, String?, String?)] = [
            ("Bearer sk-sy-a", nil, "sk-sy-a"), ("  bearer   sk-sy-b", nil, "sk-sy-b"), ("BEARER sk-sy-c", nil, "sk-sy-c"),
            ("bEaReR sk-sy-d", "ignored", "sk-sy-d"), ("Basic abc", nil, "Basic abc"), ("  Bearerx", nil, "Bearerx"),
            ("Bearer ", nil, "Bearer "), ("Bearer é", nil, "é"), ("Bëarer x", nil, "Bëarer x"), ("", "sk-sy-e", "sk-sy-e"),
            (nil, "sk-sy-f", "sk-sy-f"), (nil, "", nil), (nil, nil, nil),
        ]
        for (authorization, apiKey, expected) in cases {
            #expect(
                Authenticator.credential(authorization: authorization, apiKey: apiKey).map(String.init) == expected,
                "\(String(describing: authorization)) / \(String(describing: apiKey))")
        }
    }

    @Test func virtualKeysAreTheOnesWithTheMarker() {
        let cases: [(String, Bool)] = [
            ("sk-sy-abc", true), ("sk-sy-", true), ("sk-sy", false), ("", false), ("sk-sz-abc", false),
            ("SK-SY-abc", false), (" sk-sy-abc", false), ("sk-proj-abc", false), ("é-sk-sy-", false),
        ]
        for (credential, expected) in cases {
            // As the middleware has it (the header's substring after `Bearer `), and as a whole string.
            let header = "Bearer " + credential
            #expect(Authenticator.isVirtualKey(header[header.index(header.startIndex, offsetBy: 7)...]) == expected)
            #expect(Authenticator.isVirtualKey(Substring(credential)) == expected, "\(credential)")
        }
    }

    @Test func eachFailureHasItsOwnCodeAndLeaksNothing() {
        let fixture = KeyFixture()
        let disabled = fixture.addKey(id: "key_off", enabled: false)
        let expired = fixture.addKey(id: "key_old", expiresAt: Date(timeIntervalSinceNow: -1))
        let authenticator = Authenticator(cache: fixture.cache)
        let cases: [(String?, String?, GovernanceError.Code)] = [
            (nil, nil, .missingAPIKey), ("", "", .missingAPIKey), ("Bearer nonsense", nil, .malformedAPIKey),
            ("Bearer " + APIKey.generate(), nil, .invalidAPIKey), (nil, disabled, .apiKeyDisabled),
            ("Bearer \(expired)", nil, .apiKeyExpired),
        ]
        for (authorization, apiKey, expected) in cases {
            #expect {
                _ = try authenticator.authenticate(authorization: authorization, apiKey: apiKey)
            } throws: { error in
                guard let error = error as? GovernanceError else { return false }
                return error.code == expected && error.code.httpStatus == 401 && !error.message.contains("ten_a")
                    && !error.message.contains("key_")
            }
        }
    }

    @Test func adminNeedsTheMasterKeyOrTheAdminScope() throws {
        let fixture = KeyFixture()
        let admin = fixture.addKey(id: "key_admin", scopes: ["admin"])
        let plain = fixture.addKey(id: "key_plain")
        let authenticator = Authenticator(cache: fixture.cache, masterKey: "the-master-key")
        #expect(try authenticator.authenticateAdmin(authorization: "Bearer the-master-key", apiKey: nil) == .master)
        #expect(try authenticator.authenticateAdmin(authorization: nil, apiKey: admin).tenantID == "ten_a")
        #expect(throws: GovernanceError(.insufficientScope, "This key may not use the admin API.")) {
            try authenticator.authenticateAdmin(authorization: "Bearer \(plain)", apiKey: nil)
        }
        #expect(throws: GovernanceError.self) {
            try authenticator.authenticateAdmin(authorization: "Bearer the-master-kez", apiKey: nil)
        }
    }
}
