import Foundation

/// The parts of a Hugging Face BERT `config.json` that the encoder needs, checked against what it can run.
struct BertConfiguration: Sendable, Decodable, Equatable {
    var hiddenSize: Int
    var numHiddenLayers: Int
    var numAttentionHeads: Int
    var intermediateSize: Int
    var maxPositionEmbeddings: Int
    var vocabSize: Int
    var typeVocabSize: Int
    var layerNormEps: Float
    var hiddenAct: String

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case vocabSize = "vocab_size"
        case typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps"
        case hiddenAct = "hidden_act"
    }

    /// Per-head width.
    var headSize: Int { hiddenSize / numAttentionHeads }

    /// Reads and validates `config.json`.
    ///
    /// - Throws: ``EmbeddingModelError`` with code `file_not_found` or `invalid_configuration`.
    init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EmbeddingModelError(.fileNotFound, file: url.lastPathComponent, "cannot read \(url.path): \(error)")
        }
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw EmbeddingModelError(
                .invalidConfiguration, file: url.lastPathComponent, "not a BERT configuration: \(error)")
        }
        try validate(fileName: url.lastPathComponent)
    }

    /// Checks the shapes the kernels assume: widths in multiples of 16, head widths in multiples of 8, GELU.
    func validate(fileName: String = "config.json") throws {
        func require(_ condition: Bool, _ message: String) throws {
            guard condition else { throw EmbeddingModelError(.invalidConfiguration, file: fileName, message) }
        }
        try require(hiddenAct == "gelu", "hidden_act '\(hiddenAct)' is not supported (only the exact 'gelu')")
        try require(numHiddenLayers > 0 && numAttentionHeads > 0, "the model needs layers and attention heads")
        try require(hiddenSize > 0 && hiddenSize % 16 == 0, "hidden_size \(hiddenSize) must be a multiple of 16")
        try require(
            intermediateSize > 0 && intermediateSize % 16 == 0,
            "intermediate_size \(intermediateSize) must be a multiple of 16")
        try require(
            hiddenSize % numAttentionHeads == 0 && headSize % 8 == 0,
            "hidden_size \(hiddenSize) must split into heads whose width is a multiple of 8")
        try require(maxPositionEmbeddings >= 2 && vocabSize > 0 && typeVocabSize > 0, "empty embedding tables")
        try require(layerNormEps > 0, "layer_norm_eps must be positive")
    }
}
