extension MiniLMEncoder {
    /// Loads the encoder's tensors from a Hugging Face `BertModel` checkpoint.
    ///
    /// Accepts tensor names with or without the `bert.` prefix. Checks every shape against `configuration`.
    ///
    /// With a `plan` that quantises layers, first loads the model in `Float` and runs it on `calibration` (token
    /// ids) to find each int8 layer's activation peaks (see ``Int8Weights``).
    ///
    /// - Throws: ``EmbeddingModelError`` with code `missing_tensor`, `shape_mismatch` or `unsupported_data_type`.
    init(
        weights file: SafetensorsFile, configuration: BertConfiguration, backend: MatrixBackend = .simd,
        plan: QuantizationPlan = .none, calibration: [[Int32]] = []
    ) throws {
        var peaks: [[QuantizationPlan.Kind: [Float]]] = []
        if plan != .none, plan.arithmetic == .int8, !calibration.isEmpty {
            let reference = try MiniLMEncoder(weights: file, configuration: configuration, backend: backend)
            peaks = reference.inputPeaks(calibration)
        }
        let prefix = file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let hidden = configuration.hiddenSize
        let keepRowMajor: Bool
        if case .openBLAS = backend { keepRowMajor = true } else { keepRowMajor = false }

        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            try file.floats(prefix + name, shape: shape)
        }
        func norm(_ name: String) throws -> LayerNormParameters {
            LayerNormParameters(
                gamma: try tensor(name + ".weight", [hidden]), beta: try tensor(name + ".bias", [hidden]))
        }
        func dense(_ name: String, inputs: Int, outputs: Int, block: Int, kind: QuantizationPlan.Kind) throws
            -> DenseLayer
        {
            DenseLayer(
                weight: try tensor(name + ".weight", [outputs, inputs]), bias: try tensor(name + ".bias", [outputs]),
                inputs: inputs, outputs: outputs, keepRowMajor: keepRowMajor,
                quantize: plan.quantizes(kind, block: block),
                activationPeaks: block < peaks.count ? peaks[block][kind] : nil, arithmetic: plan.arithmetic)
        }

        self.configuration = configuration
        self.backend = backend
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [configuration.vocabSize, hidden])
        positionEmbeddings = try tensor(
            "embeddings.position_embeddings.weight", [configuration.maxPositionEmbeddings, hidden])
        tokenTypeEmbedding = Array(
            try tensor("embeddings.token_type_embeddings.weight", [configuration.typeVocabSize, hidden]).prefix(hidden))
        embeddingNorm = try norm("embeddings.LayerNorm")

        let queryScale = 1 / Float(configuration.headSize).squareRoot()
        layers = try (0..<configuration.numHiddenLayers).map { index in
            let name = "encoder.layer.\(index)"
            let attention = "\(name).attention.self"
            var weight: [Float] = []
            var bias: [Float] = []
            for part in ["query", "key", "value"] {
                let scale: Float = part == "query" ? queryScale : 1
                weight += try tensor("\(attention).\(part).weight", [hidden, hidden]).map { $0 * scale }
                bias += try tensor("\(attention).\(part).bias", [hidden]).map { $0 * scale }
            }
            return Layer(
                attentionInput: DenseLayer(
                    weight: weight, bias: bias, inputs: hidden, outputs: 3 * hidden, keepRowMajor: keepRowMajor,
                    quantize: plan.quantizes(.attentionInput, block: index),
                    activationPeaks: index < peaks.count ? peaks[index][.attentionInput] : nil,
                    arithmetic: plan.arithmetic),
                attentionOutput: try dense(
                    "\(name).attention.output.dense", inputs: hidden, outputs: hidden, block: index,
                    kind: .attentionOutput),
                attentionNorm: try norm("\(name).attention.output.LayerNorm"),
                intermediate: try dense(
                    "\(name).intermediate.dense", inputs: hidden, outputs: configuration.intermediateSize,
                    block: index, kind: .intermediate),
                output: try dense(
                    "\(name).output.dense", inputs: configuration.intermediateSize, outputs: hidden, block: index,
                    kind: .output),
                outputNorm: try norm("\(name).output.LayerNorm"))
        }
    }
}
