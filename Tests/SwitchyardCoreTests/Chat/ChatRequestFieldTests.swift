import Testing

@testable import SwitchyardCore

/// The fast decoder's field lookup finds what the synthesized `init(rawValue:)` finds, and each field has its own bit.
@Suite struct ChatRequestFieldTests {
    @Test func everyNameIsFoundAndNothingElse() {
        for field in ChatRequest.Field.allCases {
            #expect(ChatRequest.Field(jsonKey: field.rawValue) == field, "\(field.rawValue)")
        }
        for key in ["", "m", "Model", "models", "stream_option", "max_token", "top_q", "toolChoice", "messages ", "é"] {
            #expect(ChatRequest.Field(jsonKey: key) == nil, "\(key)")
            #expect(ChatRequest.Field(rawValue: key) == nil)
        }
    }

    @Test func theBitsAreDistinct() {
        let bits = ChatRequest.Field.allCases.map(\.bit)
        #expect(Set(bits).count == ChatRequest.Field.allCases.count)
        #expect(bits.allSatisfy { $0.nonzeroBitCount == 1 })
    }
}
