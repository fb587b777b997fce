import Foundation

/// Sentence embeddings from all-MiniLM-L6-v2, computed in-process on the CPU.
///
/// Tokenizes with ``WordPieceTokenizer`` (truncating to ``maxSequenceLength`` tokens), runs the 6-layer BERT
/// encoder, mean-pools the final hidden states over the tokens and L2-normalises the result, as the
/// sentence-transformers pipeline of the model does. Vectors have ``dimensions`` (384) values and unit length,
/// so the dot product of two is their cosine similarity.
///
/// The embedder is immutable after loading and `Sendable`: share one instance between tasks. Each call runs on
/// the calling thread and allocates its own scratch memory (about 15 KB per token).
///
/// ```swift
/// let embedder = try SentenceEmbedder(modelDirectory: URL(fileURLWithPath: "models/all-minilm-l6-v2"))
/// let a = embedder.embed("How do I reset my password?")
/// let b = embedder.embed("I forgot my password")
/// let similarity = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
/// ```
public struct SentenceEmbedder: Sendable {
    /// The length of every embedding (384 for all-MiniLM-L6-v2).
    public var dimensions: Int { encoder.configuration.hiddenSize }
    /// The most tokens encoded per text, `[CLS]` and `[SEP]` included; longer texts are truncated.
    public let maxSequenceLength: Int
    /// The tokenizer, for callers that want to count tokens.
    public let tokenizer: WordPieceTokenizer

    /// The dense layers' arithmetic.
    public private(set) var precision: EmbeddingPrecision

    let encoder: MiniLMEncoder

    /// Tokens per forward pass in ``embed(batch:)``: larger batches run in chunks to bound scratch memory.
    static let tokensPerChunk = 2048

    /// Loads `config.json`, `vocab.txt` and `model.safetensors` from a directory.
    ///
    /// - Parameters:
    ///   - modelDirectory: A directory laid out as `scripts/embeddings/fetch-model.sh` leaves it.
    ///   - maxSequenceLength: Truncation length; 256 for all-MiniLM-L6-v2, at most the model's position table.
    ///   - precision: The dense layers' arithmetic; default ``EmbeddingPrecision/preferred``
    ///     (``EmbeddingPrecision/int16`` on AVX2 machines, else ``EmbeddingPrecision/float32``; both within cosine
    ///     0.999 of the reference).
    /// - Throws: ``EmbeddingModelError``: `file_not_found` when a file is missing, `invalid_configuration`,
    ///   `invalid_vocabulary`, or any safetensors error (`truncated_file`, `invalid_header`, `invalid_tensor`,
    ///   `missing_tensor`, `shape_mismatch`, `unsupported_data_type`).
    public init(
        modelDirectory: URL, maxSequenceLength: Int = 256, precision: EmbeddingPrecision = .preferred
    ) throws {
        try self.init(
            modelDirectory: modelDirectory, maxSequenceLength: maxSequenceLength, backend: .simd, precision: precision)
    }

    /// Loads a model with a chosen matrix-multiply backend (for the benchmark); int8 layers ignore the backend.
    package init(
        modelDirectory: URL, maxSequenceLength: Int = 256, backend: MatrixBackend,
        precision: EmbeddingPrecision = .float32
    ) throws {
        try self.init(
            modelDirectory: modelDirectory, maxSequenceLength: maxSequenceLength, backend: backend,
            plan: .plan(for: precision))
    }

    /// Loads a model with int16 dense layers at chosen levels, optionally keeping some blocks in `Float` (for the
    /// benchmark's accuracy sweep).
    package init(
        modelDirectory: URL, int16WeightLevels weights: Int32, activationLevels activations: Int32,
        floatBlocks: Set<Int> = []
    ) throws {
        let levels = Int16Weights.Levels(weights: weights, activations: activations)
        try self.init(
            modelDirectory: modelDirectory, backend: .simd,
            plan: QuantizationPlan(arithmetic: .int16(levels), floatBlocks: floatBlocks))
    }

    /// Loads a model with an explicit choice of int8 layers (for accuracy experiments).
    init(modelDirectory: URL, maxSequenceLength: Int = 256, backend: MatrixBackend, plan: QuantizationPlan) throws {
        let configuration = try BertConfiguration(contentsOf: modelDirectory.appendingPathComponent("config.json"))
        guard maxSequenceLength >= 2, maxSequenceLength <= configuration.maxPositionEmbeddings else {
            throw EmbeddingModelError(
                .invalidConfiguration,
                "maxSequenceLength \(maxSequenceLength) must be in 2...\(configuration.maxPositionEmbeddings)")
        }
        let tokenizer = try WordPieceTokenizer(vocabularyURL: modelDirectory.appendingPathComponent("vocab.txt"))
        guard tokenizer.vocabularySize <= configuration.vocabSize else {
            throw EmbeddingModelError(
                .invalidVocabulary, file: "vocab.txt",
                "\(tokenizer.vocabularySize) tokens but the model embeds only \(configuration.vocabSize)")
        }
        let weights = try SafetensorsFile(contentsOf: modelDirectory.appendingPathComponent("model.safetensors"))
        // Only the int8 kernel's smoothing needs calibration peaks.
        let calibrates = plan != .none && plan.arithmetic == .int8
        let calibration =
            calibrates ? CalibrationText.texts.map { tokenizer.encode($0, maxLength: maxSequenceLength) } : []
        self.encoder = try MiniLMEncoder(
            weights: weights, configuration: configuration, backend: backend, plan: plan, calibration: calibration)
        switch plan.arithmetic {
        case _ where plan == .none: self.precision = .float32
        case .int8: self.precision = .int8
        case .int16: self.precision = .int16
        }
        self.tokenizer = tokenizer
        self.maxSequenceLength = maxSequenceLength
    }

    /// The unit-length embedding of one text.
    ///
    /// - Parameter text: Any text; the empty string embeds `[CLS] [SEP]`.
    /// - Returns: ``dimensions`` values.
    public func embed(_ text: String) -> [Float] {
        embed(tokenIDs: [tokenizer.encode(text, maxLength: maxSequenceLength)])[0]
    }

    /// The unit-length embeddings of several texts, in order; faster per text than separate calls.
    ///
    /// - Parameter batch: The texts.
    /// - Returns: One embedding of ``dimensions`` values per text.
    public func embed(batch: [String]) -> [[Float]] {
        embed(tokenIDs: batch.map { tokenizer.encode($0, maxLength: maxSequenceLength) })
    }

    /// The unit-length embeddings of already tokenized sequences (each starting with `[CLS]`, ending with `[SEP]`).
    ///
    /// - Parameter tokenIDs: Sequences of 1 to the model's position-table length of ids below its vocabulary size.
    /// - Returns: One embedding per sequence.
    public func embed(tokenIDs: [[Int32]]) -> [[Float]] {
        var result: [[Float]] = []
        result.reserveCapacity(tokenIDs.count)
        var start = 0
        while start < tokenIDs.count {
            var end = start
            var tokens = 0
            while end < tokenIDs.count, end == start || tokens + tokenIDs[end].count <= Self.tokensPerChunk {
                tokens += tokenIDs[end].count
                end += 1
            }
            let chunk = Array(tokenIDs[start..<end])
            let states = encoder.hiddenStates(chunk)
            var row = 0
            for sequence in chunk {
                result.append(Self.meanPooledUnitVector(states, rows: row..<(row + sequence.count), width: dimensions))
                row += sequence.count
            }
            start = end
        }
        return result
    }

    /// The mean of `rows` of `states`, scaled to unit length (left as is when it is all zeros).
    static func meanPooledUnitVector(_ states: [Float], rows: Range<Int>, width: Int) -> [Float] {
        var mean = [Float](repeating: 0, count: width)
        for row in rows {
            for i in 0..<width { mean[i] += states[row * width + i] }
        }
        let count = Float(max(rows.count, 1))
        for i in 0..<width { mean[i] /= count }
        let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // sentence-transformers' Normalize divides by max(norm, 1e-12).
        let scale = 1 / max(norm, 1e-12)
        return mean.map { $0 * scale }
    }
}
