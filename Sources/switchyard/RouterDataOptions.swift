import ArgumentParser
import Foundation
import SwitchyardCache
import SwitchyardRouting

/// Options shared by the router subcommands: where the embedding model and the embedding cache live, and prices.
struct RouterDataOptions: ParsableArguments {
    @Option(name: .long, help: "Model directory (default: $SWITCHYARD_EMBEDDING_MODEL or models/all-minilm-l6-v2).")
    var modelDir: String?

    @Option(name: .long, help: "Directory for cached prompt embeddings (never committed).")
    var workDir = "bench/.work/router-embeddings"

    @Option(name: .long, help: "Parallel embedding and neighbour-search tasks.")
    var workers = 2

    @Option(name: .long, help: "Price for a model without recorded costs: 'MODEL=IN/OUT' in USD per million tokens.")
    var price: [String] = []

    /// Reads a data file and embeds its prompts (cached on disk by the texts' hash).
    func load(_ path: String) async throws -> (file: RoutingDataFile, table: RoutingTable) {
        var prices: [String: (Double, Double)] = [:]
        for entry in price {
            let parts = entry.split(separator: "=", maxSplits: 1)
            let values = parts.last?.split(separator: "/").compactMap { Double($0) } ?? []
            guard parts.count == 2, values.count == 2 else { throw ValidationError("bad --price '\(entry)'") }
            prices[String(parts[0])] = (values[0], values[1])
        }
        let file = try RoutingDataFile(path: path, prices: prices)
        let vectors = try await embed(file.embeddingTexts)
        return (file, file.table(embeddings: vectors))
    }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in texts.joined(separator: "\u{0}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let cache = URL(fileURLWithPath: workDir).appendingPathComponent(String(format: "%016llx-384.f32", hash))
        if let data = try? Data(contentsOf: cache), data.count == texts.count * 384 * 4 {
            let flat = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            return (0..<texts.count).map { Array(flat[($0 * 384)..<(($0 + 1) * 384)]) }
        }
        let embed = try EmbeddingModel.load(directory: modelDir)
        let chunk = 32
        let starts = Array(stride(from: 0, to: texts.count, by: chunk))
        var results = [[[Float]]](repeating: [], count: starts.count)
        var done = 0
        await withTaskGroup(of: (Int, [[Float]]).self) { group in
            var next = 0
            for _ in 0..<max(1, workers) where next < starts.count {
                let index = next
                let range = starts[index]..<min(starts[index] + chunk, texts.count)
                group.addTask { (index, texts[range].map(embed)) }
                next += 1
            }
            for await (index, vectors) in group {
                results[index] = vectors
                done += vectors.count
                if index % 20 == 0 { FileHandle.standardError.write(Data("embedded \(done)/\(texts.count)\n".utf8)) }
                if next < starts.count {
                    let index = next
                    let range = starts[index]..<min(starts[index] + chunk, texts.count)
                    group.addTask { (index, texts[range].map(embed)) }
                    next += 1
                }
            }
        }
        let vectors = results.flatMap { $0 }
        try FileManager.default.createDirectory(
            at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
        try vectors.flatMap { $0 }.withUnsafeBytes { Data($0) }.write(to: cache)
        return vectors
    }
}
