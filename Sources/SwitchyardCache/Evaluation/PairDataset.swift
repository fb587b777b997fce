import Crypto
import Foundation
import SwitchyardEmbeddings

/// Labelled text pairs from a JSON Lines file (`text_a`, `text_b`, `label`), with their embeddings.
public struct PairDataset: Sendable {
    /// One labelled pair.
    public struct Pair: Sendable, Decodable {
        /// First text.
        public var textA: String
        /// Second text.
        public var textB: String
        /// 1 = same question.
        public var label: Int

        enum CodingKeys: String, CodingKey {
            case textA = "text_a"
            case textB = "text_b"
            case label
        }
    }

    /// The pairs in file order.
    public var pairs: [Pair]
    /// Embeddings of `textA` per pair.
    public var embeddingsA: [[Float]] = []
    /// Embeddings of `textB` per pair.
    public var embeddingsB: [[Float]] = []
    /// SHA-256 of the file, naming its embedding cache.
    public let digest: String

    /// Reads a file.
    ///
    /// - Throws: File and decoding errors.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
        let decoder = JSONDecoder()
        pairs = try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(Pair.self, from: Data($0)) }
    }

    /// Whether any pair is labelled 0.
    public var hasNegatives: Bool { pairs.contains { $0.label == 0 } }

    /// Adds negatives to an all-positive set by pairing each `textA` with the `textB` of the next row.
    public mutating func addShiftedNegatives() {
        let count = pairs.count
        guard count > 1 else { return }
        for i in 0..<count {
            pairs.append(Pair(textA: pairs[i].textA, textB: pairs[(i + 1) % count].textB, label: 0))
        }
        if !embeddingsA.isEmpty {
            for i in 0..<count {
                embeddingsA.append(embeddingsA[i])
                embeddingsB.append(embeddingsB[(i + 1) % count])
            }
        }
    }

    /// Computes the embeddings, reading and writing a binary cache under `cacheDirectory`.
    ///
    /// - Parameters:
    ///   - embedder: The sentence embedder.
    ///   - cacheDirectory: Where `<digest>.f32` is kept between runs.
    ///   - workers: Parallel embedding tasks.
    public mutating func embed(with embedder: SentenceEmbedder, cacheDirectory: URL, workers: Int) async throws {
        let file = cacheDirectory.appendingPathComponent("\(digest)-\(embedder.dimensions).f32")
        let dimensions = embedder.dimensions
        let vectors: [Float]
        if let data = try? Data(contentsOf: file), data.count == pairs.count * 2 * dimensions * 4 {
            vectors = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        } else {
            let texts = pairs.flatMap { [$0.textA, $0.textB] }
            var unique: [String: Int] = [:]
            var distinct: [String] = []
            for text in texts where unique[text] == nil {
                unique[text] = distinct.count
                distinct.append(text)
            }
            let embedded = await Self.embedParallel(distinct, embedder: embedder, workers: workers)
            vectors = texts.flatMap { embedded[unique[$0]!] }
            try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
            try vectors.withUnsafeBytes { Data($0) }.write(to: file)
        }
        embeddingsA = (0..<pairs.count).map { Array(vectors[(2 * $0 * dimensions)..<((2 * $0 + 1) * dimensions)]) }
        embeddingsB = (0..<pairs.count).map {
            Array(vectors[((2 * $0 + 1) * dimensions)..<((2 * $0 + 2) * dimensions)])
        }
    }

    static func embedParallel(_ texts: [String], embedder: SentenceEmbedder, workers: Int) async -> [[Float]] {
        let chunk = 64
        let batches = stride(from: 0, to: texts.count, by: chunk).map {
            Array(texts[$0..<min($0 + chunk, texts.count)])
        }
        var results = [[[Float]]](repeating: [], count: batches.count)
        await withTaskGroup(of: (Int, [[Float]]).self) { group in
            var next = 0
            for _ in 0..<max(1, workers) where next < batches.count {
                let index = next
                group.addTask { (index, embedder.embed(batch: batches[index])) }
                next += 1
            }
            for await (index, vectors) in group {
                results[index] = vectors
                if next < batches.count {
                    let index = next
                    group.addTask { (index, embedder.embed(batch: batches[index])) }
                    next += 1
                }
            }
        }
        return results.flatMap { $0 }
    }

    /// The cosine of each pair.
    public var cosines: [Float] {
        zip(embeddingsA, embeddingsB).map { a, b in zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// The verifier features of each pair.
    public func features(_ extractor: PairFeatures) -> [[Float]] {
        (0..<pairs.count).map {
            extractor.values(embeddingsA[$0], embeddingsB[$0], textA: pairs[$0].textA, textB: pairs[$0].textB)
        }
    }

    /// The labels as booleans.
    public var labels: [Bool] { pairs.map { $0.label == 1 } }
}

extension SentenceEmbedder {
    /// Loads the model from `SWITCHYARD_EMBEDDING_MODEL` or `models/all-minilm-l6-v2`.
    public static func loadDefault(directory: String? = nil) throws -> SentenceEmbedder {
        let path =
            directory ?? ProcessInfo.processInfo.environment["SWITCHYARD_EMBEDDING_MODEL"]
            ?? "models/all-minilm-l6-v2"
        return try SentenceEmbedder(modelDirectory: URL(fileURLWithPath: path))
    }
}

extension PairDataset {
    /// Reads a file and embeds it with the default model, using the on-disk embedding cache.
    ///
    /// - Parameters:
    ///   - path: The JSON Lines file.
    ///   - modelDirectory: The model directory; `nil` uses ``SentenceEmbedder/loadDefault(directory:)``'s default.
    ///   - cacheDirectory: Where embeddings are cached between runs.
    /// - Throws: File, decoding and model-loading errors.
    public static func loadEmbedded(path: String, modelDirectory: String?, cacheDirectory: String) async throws
        -> PairDataset
    {
        var dataset = try PairDataset(contentsOf: URL(fileURLWithPath: path))
        let embedder = try SentenceEmbedder.loadDefault(directory: modelDirectory)
        try await dataset.embed(
            with: embedder, cacheDirectory: URL(fileURLWithPath: cacheDirectory),
            workers: ProcessInfo.processInfo.activeProcessorCount)
        return dataset
    }
}

/// Loads the embedding model for callers that do not import `SwitchyardEmbeddings`.
public enum EmbeddingModel {
    /// The default model's `embed` function.
    ///
    /// - Parameter directory: The model directory; `nil` uses the default.
    /// - Throws: Model-loading errors.
    public static func load(directory: String?) throws -> @Sendable (String) -> [Float] {
        let embedder = try SentenceEmbedder.loadDefault(directory: directory)
        return { embedder.embed($0) }
    }
}
