import Dispatch
import Foundation
import SwitchyardCore
import Testing

@Suite("ThreadName")
struct ThreadNameTests {
    #if os(Linux)
    /// Foundation's `Thread.current.name = …` lost this race for a few of every 400 threads (session 15): each of 400
    /// threads, started from Dispatch's workers as the gateway's executors are, names itself and reads its name back.
    @Test("every thread that names itself has that name, and no other thread's")
    func everyThreadKeepsItsName() async {
        let names = await withTaskGroup(of: (String, String).self) { group in
            for index in 0..<400 {
                group.addTask {
                    let wanted = "sy-name-\(index % 50)"
                    let seen = await withCheckedContinuation { continuation in
                        DispatchQueue.global().async {
                            Thread {
                                ThreadName.setCurrent(wanted)
                                continuation.resume(returning: ThreadName.current)
                            }.start()
                        }
                    }
                    return (wanted, seen)
                }
            }
            var names: [(String, String)] = []
            for await pair in group { names.append(pair) }
            return names
        }
        #expect(names.count == 400)
        let wrong = names.filter { $0.0 != $0.1 }
        #expect(wrong.isEmpty, "names lost: \(wrong.prefix(5))")
        #expect(ThreadName.current != "sy-name-0")
    }

    @Test("a name longer than 15 bytes keeps its first 15")
    func longNamesAreCut() async {
        let seen = await withCheckedContinuation { continuation in
            Thread {
                let set = ThreadName.setCurrent("switchyard-ledger-worker")
                continuation.resume(returning: (set, ThreadName.current))
            }.start()
        }
        #expect(seen.0)
        #expect(seen.1 == "switchyard-ledg")
    }
    #endif
}
