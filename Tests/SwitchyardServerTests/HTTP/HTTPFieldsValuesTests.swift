import HTTPTypes
import Testing

@testable import SwitchyardServer

/// Two names' values in one pass: the same as the subscript gives for each name.
@Suite struct HTTPFieldsValuesTests {
    @Test func eachNameGetsWhatTheSubscriptGives() {
        let region = HTTPField.Name("x-switchyard-region")!
        let strategy = HTTPField.Name("x-switchyard-strategy")!
        let lists: [[(HTTPField.Name, String)]] = [
            [],
            [(.contentType, "application/json")],
            [(region, "eu")],
            [(strategy, "cost"), (.userAgent, "u")],
            [(region, "eu"), (strategy, "latency")],
            [(strategy, "latency"), (region, "eu")],
            [(region, "eu"), (.accept, "*/*"), (region, "us"), (strategy, "a"), (strategy, "b"), (region, "")],
            [(HTTPField.Name("X-Switchyard-Region")!, "upper"), (.authorization, "Bearer x")],
        ]
        for list in lists {
            var fields = HTTPFields()
            for (name, value) in list { fields.append(HTTPField(name: name, value: value)) }
            let (first, second) = fields.values(of: region, strategy)
            #expect(first == fields[region], "\(list)")
            #expect(second == fields[strategy], "\(list)")
        }
    }
}
