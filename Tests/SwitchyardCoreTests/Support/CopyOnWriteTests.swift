import SwitchyardCore
import Testing

/// ``CopyOnWrite`` and the value types that keep their fields in one: copies are independent, equality and hashing
/// are the value's.
@Suite struct CopyOnWriteTests {
    struct Fields: Sendable, Hashable {
        var name: String
        var tags: [String]
    }

    @Test func aChangedCopyLeavesTheOthersAsTheyWere() {
        let original = CopyOnWrite(Fields(name: "a", tags: ["x"]))
        var copy = original
        copy.value.name = "b"
        copy.value.tags.append("y")
        #expect(original.value == Fields(name: "a", tags: ["x"]))
        #expect(copy.value == Fields(name: "b", tags: ["x", "y"]))
        #expect(original != copy)
    }

    @Test func equalityAndHashingAreTheValues() {
        let one = CopyOnWrite(Fields(name: "a", tags: ["x"]))
        let other = CopyOnWrite(Fields(name: "a", tags: ["x"]))  // a box of its own
        #expect(one == other)
        #expect(one.hashValue == other.hashValue)
        #expect(Set([one, other, one]).count == 1)
    }

    @Test func aChatRequestCopyIsIndependentAndEqualityFollowsTheFields() {
        var request = ChatRequest(model: "gpt", messages: [.text(.user, "Hello")])
        request.temperature = 0.2
        var changed = request
        changed.stream = true
        changed.messages.append(.text(.assistant, "Hi"))
        #expect(request.stream == false)
        #expect(request.messages.count == 1)
        #expect(changed.messages.count == 2)
        #expect(request != changed)
        changed.stream = false
        changed.messages.removeLast()
        #expect(request == changed, "equal again field by field, in separate boxes")
        #expect(request.hashValue == changed.hashValue)
    }

    @Test func aDeploymentCopyIsIndependent() {
        let provider = ProviderEndpoint(name: "oai", kind: .openai, baseURL: "http://127.0.0.1:1/v1")
        let deployment = Deployment(id: "gpt#0", publicModel: "gpt", provider: provider, upstreamModel: "gpt-4o")
        var moved = deployment
        moved.region = "eu"
        moved.provider.name = "other"
        #expect(deployment.region == nil)
        #expect(deployment.provider.name == "oai")
        #expect(moved.provider.name == "other")
        #expect(deployment != moved)
    }
}
