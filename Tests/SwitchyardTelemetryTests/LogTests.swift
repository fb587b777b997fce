import Foundation
import Logging
import Synchronization
import SwitchyardTelemetry
import Testing

@Suite struct LogTests {
    @Test func redactsEmailsPhonesCardsAndKeys() {
        let text = """
            Mail jane.doe@example.com or call +1 415-555-0132; card 4111 1111 1111 1111 (not 1234 5678 9012 3456); \
            key sk-proj-abcdefghijklmnop123456, Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig
            """
        let redacted = Redactor().redact(text)
        for secret in ["jane.doe@example.com", "415-555-0132", "4111 1111 1111 1111", "sk-proj-abcdefghijklmnop", "eyJhbGci"] {
            #expect(!redacted.contains(secret), "\(secret) in \(redacted)")
        }
        #expect(redacted.contains("[EMAIL]") && redacted.contains("[PHONE]") && redacted.contains("[CARD]"))
        #expect(redacted.contains("[API_KEY]") && redacted.contains("Bearer [TOKEN]"))
        // A number that fails the Luhn check is not a card.
        #expect(redacted.contains("1234 5678 9012 3456") || !redacted.contains("[CARD] (not [CARD]"))
        #expect(Redactor().redact("What is 2 + 2?") == "What is 2 + 2?")
    }

    @Test func jsonLinesAreValidJSONWithMetadata() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "switchyard", write: { line in lines.withLock { $0.append(line) } })
        handler.logLevel = .debug
        handler[metadataKey: "replica"] = "a"
        let logger = Logger(label: "switchyard", factory: { _ in handler })
        logger.info("request \"done\"\n", metadata: ["request_id": "req_1", "status": "200"])
        logger.trace("not written")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(object["message"] as? String == "request \"done\"\n")
        #expect(object["level"] as? String == "info")
        #expect(object["request_id"] as? String == "req_1")
        #expect(object["replica"] as? String == "a")
        #expect((object["ts"] as? String)?.hasSuffix("Z") == true)
    }
}
