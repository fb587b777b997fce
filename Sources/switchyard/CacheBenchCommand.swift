import ArgumentParser
import Foundation
import SwitchyardCache
import SwitchyardCore

/// `switchyard cache bench`: lookup latency (embedding + search + verification), and index search latency, recall,
/// build time and memory per entry at a large size for the exact and the hybrid (HNSW) index; with `--switchover`,
/// the background HNSW build under concurrent lookups and stores (``benchmarkSwitchover(_:)``).
struct CacheBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure semantic cache lookup and index search speed.")

    @Option(name: .long, help: "Random entries in the index for the search measurement.") var entries = 100_000
    @Option(name: .long, help: "Timed iterations per measurement.") var iterations = 200
    @Option(name: .long, help: "HNSW search beam width for the index measurement.") var efSearch = 64
    @Option(name: .long, help: "Question file (JSON Lines with text_a) used as cached and incoming requests.")
    var data = "/work/shared/data/cache-qqp/dev.jsonl"
    @Flag(name: .long, help: "Measure only the HNSW switch-over at --entries under concurrent lookups and stores.")
    var switchover = false
    @Option(name: .long, help: "Pause between one thread's lookups, and the other's stores, during --switchover.")
    var switchoverIntervalMs = 10
    @Option(name: .long, help: "Seconds to keep looking up and storing after the switch-over.")
    var switchoverAfterSeconds = 10.0
    @OptionGroup var options: CacheDataOptions

    func run() async throws {
        if switchover {
            try benchmarkSwitchover(try await options.load(data))
            return
        }
        benchmarkIndexes()
        let dataset = try await options.load(data)
        benchmarkEmbeddings(dataset)

        // Full lookup: embed the question, search 1,000 cached questions, verify the candidates.
        let questions = Array(dataset.pairs.prefix(1000).map(\.textA))
        let probes = Array(dataset.pairs.prefix(iterations).map(\.textB))
        let embedder = try EmbeddingModel.load(directory: options.modelDir)
        guard let verifier = Verifier.bundled() else { throw ValidationError("no shipped verifier") }
        let cache = SemanticCache(embed: embedder, dimensions: 384, verifier: verifier)
        let response = ChatResponse(id: "x", created: 0, model: "m", choices: [], usage: nil)
        for question in questions { cache.store(response, for: request(question), tenant: "t") }
        let lookup = timings(probes) { _ = cache.lookup(request($0), tenant: "t") }
        print(String(format: "lookup (embed + search 1000 + verify): p50 %.3f ms  p90 %.3f ms", lookup.p50, lookup.p90))
        let embedding = timings(probes) { _ = embedder($0) }
        print(String(format: "of which embedding alone: p50 %.3f ms", embedding.p50))
        let vectors = probes.map(embedder)
        let features = verifier.features
        let verify = timings(Array(zip(vectors, probes).map { ($0, $1) })) { vector, text in
            _ = verifier.probability(features: features.values(vector, vector, textA: text, textB: text))
        }
        print(String(format: "verifier inference (features + model): p50 %.4f ms", verify.p50))
    }

    private func request(_ text: String) -> ChatRequest {
        var request = ChatRequest(model: "m", messages: [.text(.user, text)])
        request.temperature = 0
        return request
    }

    func timings<T>(_ inputs: [T], _ body: (T) -> Void) -> (p50: Double, p90: Double) {
        var samples: [Double] = []
        for input in inputs {
            let start = DispatchTime.now().uptimeNanoseconds
            body(input)
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        return (samples[samples.count / 2], samples[samples.count * 9 / 10])
    }

    func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = Int(status.split(separator: " ")[1])
        else { return 0 }
        return pages * 4096
    }
}
