import Foundation
import HTTPTypes
import SwitchyardServer
import SwitchyardStore
import Testing

/// `POST /v1/feedback`: score forms, tenant isolation, error bodies and storage.
@Suite struct FeedbackEndpointTests {
    @Test func scoresARequestOfTheCallersTenantInEveryForm() async throws {
        try await FeedbackGateway.run { gateway in
            let key = try await gateway.gateway.key(tenant: "acme")
            let (served, id) = try await gateway.chat("gpt", key: key)
            #expect(served.status == .ok)
            #expect(!id.isEmpty)

            let plain = try await gateway.send(#"{"request_id": "\#(id)", "score": 0.75}"#, key: key)
            #expect(plain.status == .ok)
            #expect(plain.json["object"] as? String == "feedback")
            #expect(plain.json["metric"] as? String == "score")
            #expect(plain.json["score"] as? Double == 0.75)
            #expect(plain.json["learned"] as? Bool == false)  // no learned router served it
            let thumbs = try await gateway.send(#"{"request_id": "\#(id)", "score": "thumbs_down"}"#, key: key)
            #expect(thumbs.status == .ok)
            #expect(thumbs.json["score"] as? Double == 0)
            let named = try await gateway.send(
                #"{"request_id": "\#(id)", "score": {"value": 0.5, "metric": "helpfulness"}}"#, key: key)
            #expect(named.status == .ok)
            #expect(named.json["metric"] as? String == "helpfulness")

            let stored = try await gateway.gateway.runtime.store.feedback(requestID: id)
            #expect(stored.map(\.metric).sorted() == ["helpfulness", "score", "score"])
            #expect(Set(stored.map(\.score)) == [0.75, 0, 0.5])
            #expect(stored.allSatisfy { $0.model == "gpt" && $0.tenantID != nil && $0.experiment == nil })
        }
    }

    @Test func anotherTenantsOrAnUnknownRequestIsNotFound() async throws {
        try await FeedbackGateway.run { gateway in
            let acme = try await gateway.gateway.key(tenant: "acme")
            let globex = try await gateway.gateway.key(tenant: "globex")
            let (_, id) = try await gateway.chat("gpt", key: acme)

            let foreign = try await gateway.send(#"{"request_id": "\#(id)", "score": 1}"#, key: globex)
            #expect(foreign.status == .notFound)
            #expect(foreign.code == "request_not_found")
            let error = foreign.json["error"] as? [String: Any]
            #expect(error?["type"] as? String == "invalid_request_error")
            #expect(error?["param"] as? String == "request_id")
            #expect(error?["message"] as? String != nil)

            let unknown = try await gateway.send(#"{"request_id": "req-never-served", "score": 1}"#, key: acme)
            #expect(unknown.code == "request_not_found")
            #expect(try await gateway.gateway.runtime.store.feedback(requestID: id).isEmpty)

            let anonymous = try await gateway.send(#"{"request_id": "\#(id)", "score": 1}"#, key: nil)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test(arguments: [
        #"{"request_id": "ID", "score": 1.5}"#,
        #"{"request_id": "ID", "score": -0.1}"#,
        #"{"request_id": "ID", "score": "meh"}"#,
        #"{"request_id": "ID"}"#,
        #"{"request_id": "ID", "score": {"value": 0.5}}"#,
        #"{"request_id": "ID", "score": {"value": 0.5, "metric": "has spaces"}}"#,
        #"{"request_id": "", "score": 1}"#,
        #"{"score": 1}"#,
    ])
    func malformedScoresAreInvalidFeedback(body: String) async throws {
        try await FeedbackGateway.run { gateway in
            let key = try await gateway.gateway.key()
            let (_, id) = try await gateway.chat("gpt", key: key)
            let reply = try await gateway.send(body.replacingOccurrences(of: "ID", with: id), key: key)
            #expect(reply.status == .badRequest)
            #expect(reply.code == "invalid_feedback")
            #expect(try await gateway.gateway.runtime.store.feedback(requestID: id).isEmpty)
        }
    }

    @Test func aBodyThatIsNotJSONIsInvalidJSON() async throws {
        try await FeedbackGateway.run { gateway in
            let key = try await gateway.gateway.key()
            let reply = try await gateway.send("score=1", key: key)
            #expect(reply.status == .badRequest)
            #expect(reply.code == "invalid_json")
        }
    }
}
