import ArgumentParser
import Dispatch
import Foundation
import SwitchyardCache
import SwitchyardCore
import Synchronization

/// The HNSW switch-over under load: a ``SemanticCache`` filled to `entries` builds its graph in the background
/// (``IndexBuildExecutor/newThread``) while one thread looks up and one stores; a ``SemanticCacheProbe`` reports
/// every lock hold and the build's phases.
extension CacheBenchCommand {
    /// Lock holds and lookups recorded by the switch-over run.
    private final class Recorder: Sendable {
        struct Hold {
            var section: SemanticCacheProbe.Section
            var end: UInt64
            var nanoseconds: UInt64
        }
        let holds = Mutex<[Hold]>([])
        let builds = Mutex<[SemanticCacheProbe.Build]>([])
        let lookups = Mutex<[(start: UInt64, nanoseconds: UInt64)]>([])
        let stores = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)

        var probe: SemanticCacheProbe {
            SemanticCacheProbe(
                lockHeld: { section, held in
                    let end = DispatchTime.now().uptimeNanoseconds
                    self.holds.withLock { $0.append(Hold(section: section, end: end, nanoseconds: held)) }
                },
                buildFinished: { build in self.builds.withLock { $0.append(build) } })
        }
    }

    func benchmarkSwitchover(_ dataset: PairDataset) throws {
        let queryPairs = dataset.pairs.indices.filter { dataset.pairs[$0].label == 1 }.prefix(max(iterations, 1))
        let queries = queryPairs.map { dataset.embeddingsB[$0] }
        var seen = Set(queryPairs.map { dataset.pairs[$0].textB })
        var pool: [[Float]] = []
        for (number, pair) in dataset.pairs.enumerated() {
            for (text, vector) in [(pair.textA, dataset.embeddingsA[number]), (pair.textB, dataset.embeddingsB[number])]
            where seen.insert(text).inserted {
                pool.append(vector)
            }
        }
        let entries = self.entries
        let realEntries = min(pool.count, entries)
        // Entries past the data set's questions, and everything stored during the build, are seeded random vectors.
        let poolVectors = pool
        let embed: @Sendable (String) -> [Float] = { text in
            guard let number = Int(text.dropFirst()) else { return [] }
            if text.first == "q" { return queries[number % queries.count] }
            if number < poolVectors.count, number < realEntries { return poolVectors[number] }
            var random = SeededGenerator(seed: UInt64(number) &* 0x9E37_79B9)
            return Self.randomUnitVector(&random)
        }
        guard let verifier = Verifier.bundled() else { throw ValidationError("no shipped verifier") }
        let recorder = Recorder()
        let policy = SemanticCachePolicy(maxEntries: entries * 4, approximateSearchThreshold: entries - 1)
        let cache = SemanticCache(
            embed: embed, dimensions: 384, verifier: verifier, policy: policy, probe: recorder.probe)
        let response = ChatResponse(id: "x", created: 0, model: "m", choices: [], usage: nil)

        let fillStart = DispatchTime.now().uptimeNanoseconds
        for number in 0..<(entries - 1) { cache.store(response, for: Self.request("e\(number)"), tenant: "t") }
        let filled = DispatchTime.now().uptimeNanoseconds
        print(
            String(
                format: "switch-over: %d entries (%d QQP question embeddings, %d seeded random), filled in %.1f s",
                entries, realEntries, entries - realEntries, Double(filled - fillStart) / 1e9))

        let workers = DispatchGroup()
        let interval = UInt32(switchoverIntervalMs * 1000)
        // The store that crosses the threshold hands the build to its own thread.
        cache.store(response, for: Self.request("e\(entries - 1)"), tenant: "t")
        DispatchQueue.global().async(group: workers) {
            var number = 0
            while !recorder.stop.load(ordering: .relaxed) {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = cache.lookup(Self.request("q\(number)"), tenant: "t")
                let time = DispatchTime.now().uptimeNanoseconds - start
                recorder.lookups.withLock { $0.append((start, time)) }
                number += 1
                usleep(interval)
            }
        }
        DispatchQueue.global().async(group: workers) {
            var number = entries
            while !recorder.stop.load(ordering: .relaxed) {
                cache.store(response, for: Self.request("e\(number)"), tenant: "t")
                recorder.stores.add(1, ordering: .relaxed)
                number += 1
                usleep(interval)
            }
        }
        while recorder.builds.withLock({ $0.isEmpty }) { usleep(100_000) }
        let storedDuringBuild = recorder.stores.load(ordering: .relaxed)
        usleep(UInt32(switchoverAfterSeconds * 1_000_000))
        recorder.stop.store(true, ordering: .relaxed)
        workers.wait()
        reportSwitchover(recorder, storedDuringBuild: storedDuringBuild, cache: cache)
    }

    private func reportSwitchover(_ recorder: Recorder, storedDuringBuild: Int, cache: SemanticCache) {
        guard let build = recorder.builds.withLock({ $0.first }) else { return }
        let holds = recorder.holds.withLock { $0 }
        let lookups = recorder.lookups.withLock { $0 }
        let during = holds.filter { $0.end >= build.queued && $0.end <= build.finished }
        let seconds = { (from: UInt64, to: UInt64) in Double(to - from) / 1e9 }
        print(
            String(
                format: "  build (%@, %@): wall %.1f s = graph %.1f s + catch-up %.2f s "
                    + "(%d rounds, %d changes off the lock, %d under it)",
                "\(build.reason)", build.installed ? "installed" : "abandoned", seconds(build.queued, build.finished),
                seconds(build.queued, build.built), seconds(build.built, build.finished), build.catchUpRounds,
                build.replayedOffLock, build.replayedUnderLock))
        print("  stored during the build: \(storedDuringBuild); entries at the end: \(cache.count)")
        print("  lock holds during the build (ms):")
        print("    section        count      p50      p99      max")
        let sections: [SemanticCacheProbe.Section?] = SemanticCacheProbe.Section.allCases + [nil]
        for section in sections {
            let times = during.filter { section == nil || $0.section == section }.map { Double($0.nanoseconds) / 1e6 }
            guard !times.isEmpty else { continue }
            let name = (section?.rawValue ?? "all").padding(toLength: 12, withPad: " ", startingAt: 0)
            let sorted = times.sorted()
            print(
                String(
                    format: "    %@ %7d %8.3f %8.3f %8.3f", name, sorted.count, percentile(sorted, 0.5),
                    percentile(sorted, 0.99), sorted.last!))
        }
        print("  lookup latency (ms, wall, embedding excluded: vectors are precomputed):")
        let windows: [(String, (UInt64) -> Bool)] = [
            ("during the build", { $0 >= build.queued && $0 < build.finished }),
            ("after the switch", { $0 >= build.finished }),
        ]
        for (name, inWindow) in windows {
            let sorted = lookups.filter { inWindow($0.start) }.map { Double($0.nanoseconds) / 1e6 }.sorted()
            guard !sorted.isEmpty else { continue }
            print(
                String(
                    format: "    %@ %6d lookups  p50 %7.3f  p99 %7.3f  max %7.3f",
                    name.padding(toLength: 17, withPad: " ", startingAt: 0), sorted.count, percentile(sorted, 0.5),
                    percentile(sorted, 0.99), sorted.last!))
        }
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    private static func request(_ text: String) -> ChatRequest {
        var request = ChatRequest(model: "m", messages: [.text(.user, text)])
        request.temperature = 0
        return request
    }

    static func randomUnitVector(_ random: inout some RandomNumberGenerator) -> [Float] {
        let vector = (0..<384).map { _ in Float.random(in: -1...1, using: &random) }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }
}
