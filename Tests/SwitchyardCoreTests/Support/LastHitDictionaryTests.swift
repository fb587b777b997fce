import SwitchyardCore
import Testing

/// The dictionary with its last hit kept beside it: the last hit never answers for another key.
@Suite struct LastHitDictionaryTests {
    @Test func answersEachKeyWithItsOwnValue() {
        var table = LastHitDictionary<String, Int>()
        #expect(table.value(for: "a") == nil)
        table.set(1, for: "a")
        table.set(2, for: "b")
        #expect(table.count == 2)
        for _ in 0..<2 {
            #expect(table.value(for: "a") == 1)
            #expect(table.value(for: "a") == 1)
            #expect(table.value(for: "b") == 2)
        }
        table.set(3, for: "b")
        #expect(table.value(for: "b") == 3)
        #expect(table.value(for: "c") == nil)
        #expect(table.value(for: "b") == 3)
        #expect(table.values.sorted() == [1, 3])
        table.removeAll()
        #expect(table.count == 0)
        #expect(table.value(for: "b") == nil)
    }
}
