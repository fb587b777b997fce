import Foundation
import SwitchyardCache
import SwitchyardCore
import Synchronization
import Testing

private func vectors(_ count: Int, dimensions: Int, seed: UInt64) -> [[Float]] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        let vector = (0..<dimensions).map { _ in Float.random(in: -1...1, using: &random) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }
}

/// The ids of the `k` best entries by exact search of the same contents.
private func exactIDs(_ reference: FlatVectorIndex, _ query: [Float], _ scope: SemanticScope, k: Int) -> [UInt64] {
    reference.search(query, scope: scope, k: k).map(\.id)
}

/// Graph builds of ``HybridVectorIndex`` in background mode, driven step by step (no threads).
@Suite struct BackgroundIndexBuildTests {
    private let scope = SemanticScope(tenant: "t", modelGroup: "m", contextHash: "c", toolsHash: "x")
    /// A beam as wide as the test sets, so the graph's answers must equal exact search.
    private let wide = HNSWParameters(efSearch: 400)

    @Test func promotionIsBuiltAwayFromTheIndexAndCatchesUpWithChanges() {
        var index = HybridVectorIndex(dimensions: 16, threshold: 60, parameters: wide, buildsInBackground: true)
        var reference = FlatVectorIndex(dimensions: 16)
        let all = vectors(200, dimensions: 16, seed: 7)
        for id in 0..<61 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            reference.insert(id: UInt64(id), vector: all[id], scope: scope)
        }
        // The insert that crossed the threshold built nothing: the scope is still exact, with a build handed out.
        #expect(!index.isApproximate(scope))
        #expect(index.isBuilding(scope))
        var builds = index.takeBuilds()
        #expect(builds.count == 1 && builds[0].reason == .promotion && !builds[0].hasRun)
        let none = index.takeBuilds()
        #expect(none.isEmpty)

        // While it is under way: inserts and removals (of snapshot entries and of new ones) and exact searches.
        for id in 61..<140 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            reference.insert(id: UInt64(id), vector: all[id], scope: scope)
        }
        for id in [UInt64(3), 17, 42, 70, 99, 120] {
            let done1 = index.remove(id: id, scope: scope)
            #expect(done1)
            reference.remove(id: id, scope: scope)
        }
        let stillNone = index.takeBuilds()
        #expect(stillNone.isEmpty)
        #expect(index.search(all[5], scope: scope, k: 4).map(\.id) == exactIDs(reference, all[5], scope, k: 4))

        builds[0].run()
        let backlog = index.changes(since: builds[0])
        #expect(backlog?.count == 79 + 6)
        builds[0].apply(backlog ?? [])
        for id in 140..<150 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            reference.insert(id: UInt64(id), vector: all[id], scope: scope)
        }
        let done2 = index.remove(id: 141, scope: scope)
        #expect(done2)
        reference.remove(id: 141, scope: scope)
        #expect(index.changes(since: builds[0])?.count == 11)
        let done3 = index.install(builds[0])
        #expect(done3)

        #expect(index.isApproximate(scope))
        #expect(!index.isBuilding(scope))
        #expect(index.count == reference.count)
        for (id, vector) in all.prefix(150).enumerated() {
            let found = index.search(vector, scope: scope, k: 5).map(\.id)
            #expect(found == exactIDs(reference, vector, scope, k: 5), "query \(id)")
            let removed = [3, 17, 42, 70, 99, 120, 141].contains(id)
            #expect(found.contains(UInt64(id)) == !removed, "entry \(id)")
        }
    }

    @Test func tombstoneRebuildHappensAwayFromTheIndex() {
        var index = HybridVectorIndex(dimensions: 16, threshold: 40, parameters: wide, buildsInBackground: true)
        var reference = FlatVectorIndex(dimensions: 16)
        let all = vectors(200, dimensions: 16, seed: 8)
        for id in 0..<120 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            reference.insert(id: UInt64(id), vector: all[id], scope: scope)
        }
        for var build in index.takeBuilds() {
            build.run()
            let done4 = index.install(build)
            #expect(done4)
        }
        #expect(index.isApproximate(scope))
        // 120 nodes; the 31st removal passes 25% tombstones and asks for a rebuild instead of doing it inline.
        for id in 0..<31 {
            index.remove(id: UInt64(id), scope: scope)
            reference.remove(id: UInt64(id), scope: scope)
        }
        #expect(index.isBuilding(scope))
        let builds = index.takeBuilds()
        #expect(builds.map(\.reason) == [.compaction])
        for id in 120..<150 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            reference.insert(id: UInt64(id), vector: all[id], scope: scope)
        }
        index.remove(id: 125, scope: scope)
        reference.remove(id: 125, scope: scope)
        let done5 = index.install(builds[0])
        #expect(done5)
        #expect(!index.isBuilding(scope))
        #expect(index.count == reference.count)
        for vector in all.prefix(150) {
            #expect(index.search(vector, scope: scope, k: 5).map(\.id) == exactIDs(reference, vector, scope, k: 5))
        }
    }

    @Test func aBuildIsAbandonedWhenTheScopeShrinksBack() {
        var index = HybridVectorIndex(dimensions: 8, threshold: 20, buildsInBackground: true)
        let all = vectors(30, dimensions: 8, seed: 9)
        for (id, vector) in all.prefix(21).enumerated() { index.insert(id: UInt64(id), vector: vector, scope: scope) }
        let builds = index.takeBuilds()
        #expect(builds.count == 1)
        for id in 0..<11 { index.remove(id: UInt64(id), scope: scope) }
        #expect(!index.isBuilding(scope))
        #expect(index.changes(since: builds[0]) == nil)
        let done6 = index.install(builds[0])
        #expect(!done6)
        #expect(!index.isApproximate(scope))
        #expect(index.count == 10)
    }

    @Test func theSwapHandsBackWhatItReplacedToBeFreedAfterTheLock() {
        var index = HybridVectorIndex(dimensions: 16, threshold: 60, parameters: wide, buildsInBackground: true)
        var reference = FlatVectorIndex(dimensions: 16)
        let all = vectors(100, dimensions: 16, seed: 11)
        for id in 0..<70 {
            index.insert(id: UInt64(id), vector: all[id], scope: scope)
            reference.insert(id: UInt64(id), vector: all[id], scope: scope)
        }
        // Promotion: the scope's 70 flat entries (61 in the snapshot, 9 stored since) come back to the caller.
        var promotion = index.takeBuilds()[0]
        promotion.run()
        let promoted = index.installDeferringRelease(promotion)
        #expect(promoted.installed && promoted.entriesHeld == 70)
        #expect(index.isApproximate(scope) && index.exactSnapshot(of: scope) == nil)

        // Compaction: the old graph, tombstones included (70 nodes), comes back.
        for id in 0..<18 {
            index.remove(id: UInt64(id), scope: scope)
            reference.remove(id: UInt64(id), scope: scope)
        }
        var compaction = index.takeBuilds()[0]
        #expect(compaction.reason == .compaction)
        compaction.run()
        let compacted = index.installDeferringRelease(compaction)
        #expect(compacted.installed && compacted.entriesHeld == 70)
        #expect(index.count == 52)
        for vector in all.prefix(70) {
            #expect(index.search(vector, scope: scope, k: 5).map(\.id) == exactIDs(reference, vector, scope, k: 5))
        }

        // An abandoned build's graph comes back too, rather than being freed inside the call.
        var small = HybridVectorIndex(dimensions: 16, threshold: 20, buildsInBackground: true)
        for (id, vector) in all.prefix(21).enumerated() { small.insert(id: UInt64(id), vector: vector, scope: scope) }
        var abandoned = small.takeBuilds()[0]
        abandoned.run()
        for id in 0..<11 { small.remove(id: UInt64(id), scope: scope) }
        let refused = small.installDeferringRelease(abandoned)
        #expect(!refused.installed && refused.entriesHeld == 21)
        #expect(small.exactSnapshot(of: scope)?.count == 10)
    }

    @Test func inlineModeStillBuildsInsideTheInsert() {
        var index = HybridVectorIndex(dimensions: 8, threshold: 20)
        for (id, vector) in vectors(21, dimensions: 8, seed: 10).enumerated() {
            index.insert(id: UInt64(id), vector: vector, scope: scope)
        }
        #expect(index.isApproximate(scope))
        let builds = index.takeBuilds()
        #expect(builds.isEmpty)
    }
}

/// A unit vector drawn from a generator seeded by the text (FNV-1a): distinct texts are far apart.
@Sendable private func randomUnitVector(_ text: String) -> [Float] {
    let seed = text.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    return vectors(1, dimensions: 16, seed: seed)[0]
}

/// A build held at a gate on its own thread, so a test decides when it runs.
private final class GatedBuilds: Sendable {
    let gate = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    let started = Mutex(0)

    var executor: IndexBuildExecutor {
        IndexBuildExecutor { work in
            self.started.withLock { $0 += 1 }
            Thread.detachNewThread {
                self.gate.wait()
                work()
                self.finished.signal()
            }
        }
    }
}

/// ``SemanticCache`` keeps answering while a scope's graph is built on another thread.
@Suite struct SemanticCacheIndexBuildTests {
    private func ask(_ text: String) -> ChatRequest {
        var request = ChatRequest(model: "gpt-x", messages: [.text(.user, text)])
        request.temperature = 0
        return request
    }

    private func answer(_ id: String) -> ChatResponse {
        ChatResponse(id: id, created: 1, model: "gpt-x", choices: [], usage: nil)
    }

    @Test(.timeLimit(.minutes(1))) func lookupsAndStoresProceedWhileTheGraphIsBuilt() {
        let builds = GatedBuilds()
        let cache = SemanticCache(
            embed: bagOfWords, dimensions: 16, verifier: cosineVerifier(),
            policy: SemanticCachePolicy(maxEntries: 4, approximateSearchThreshold: 2), indexBuilds: builds.executor)
        let scope = SemanticScope(tenant: "acme", request: ask("x"))
        let first = ["What is two plus two?", "How tall is the Eiffel tower?", "Name a prime number"]
        for question in first { cache.store(answer(question), for: ask(question), tenant: "acme") }
        #expect(builds.started.withLock { $0 } == 1)
        #expect(cache.isBuildingIndex(scope) && !cache.isApproximate(scope))

        // The build is in flight (held at its gate); the cache lock is free, so all of these return.
        for question in first {
            #expect(cache.lookup(ask(question.lowercased()), tenant: "acme")?.response.id == question)
        }
        let later = ["Why is the sky blue?", "Who wrote Hamlet?"]
        for question in later { cache.store(answer(question), for: ask(question), tenant: "acme") }
        // Capacity 4: storing five evicted the least recently used ("What is two plus two?").
        #expect(cache.count == 4)
        #expect(cache.lookup(ask("who wrote hamlet"), tenant: "acme")?.response.id == "Who wrote Hamlet?")
        #expect(builds.started.withLock { $0 } == 1)

        builds.gate.signal()
        builds.finished.wait()
        #expect(cache.isApproximate(scope) && !cache.isBuildingIndex(scope))
        #expect(cache.lookup(ask("what is two plus two"), tenant: "acme") == nil)
        for question in first.dropFirst() + later {
            #expect(cache.lookup(ask(question.lowercased()), tenant: "acme")?.response.id == question)
        }
    }

    @Test(.timeLimit(.minutes(1))) func storesDuringTheBuildAreCaughtUpInRoundsAndSwappedIn() {
        let builds = GatedBuilds()
        let cache = SemanticCache(
            embed: randomUnitVector, dimensions: 16, verifier: cosineVerifier(),
            policy: SemanticCachePolicy(approximateSearchThreshold: 4), indexBuilds: builds.executor)
        let scope = SemanticScope(tenant: "acme", request: ask("x"))
        let questions = (0..<40).map { "question \($0)" }
        for question in questions.prefix(5) { cache.store(answer(question), for: ask(question), tenant: "acme") }
        #expect(cache.isBuildingIndex(scope))
        // Many more changes than are replayed under the lock: the build catches up in rounds first.
        for question in questions.dropFirst(5) { cache.store(answer(question), for: ask(question), tenant: "acme") }
        builds.gate.signal()
        builds.finished.wait()
        #expect(cache.isApproximate(scope) && !cache.isBuildingIndex(scope))
        #expect(cache.count == 40)
        for question in questions {
            #expect(cache.lookup(ask(question), tenant: "acme")?.response.id == question)
        }
    }

    @Test func theCallingThreadExecutorBuildsBeforeTheStoreReturns() {
        let cache = SemanticCache(
            embed: bagOfWords, dimensions: 16, verifier: cosineVerifier(),
            policy: SemanticCachePolicy(approximateSearchThreshold: 2), indexBuilds: .callingThread)
        let scope = SemanticScope(tenant: "acme", request: ask("x"))
        for question in ["What is two plus two?", "How tall is the Eiffel tower?", "Name a prime number"] {
            cache.store(answer(question), for: ask(question), tenant: "acme")
        }
        #expect(cache.isApproximate(scope))
        #expect(cache.lookup(ask("name a prime number"), tenant: "acme")?.response.id == "Name a prime number")
    }
}
