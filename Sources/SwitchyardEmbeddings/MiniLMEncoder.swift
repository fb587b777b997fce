/// The BERT encoder of all-MiniLM-L6-v2 (and other BERT checkpoints of compatible shape), run on the CPU.
///
/// Sequences are never padded: the tokens of every sequence in a call are stacked into one `[tokens, hidden]`
/// matrix, so the dense layers run as one large matrix multiply, and only attention works sequence by sequence.
/// The encoder is immutable after loading and safe to share between threads; each call allocates its own
/// workspace.
struct MiniLMEncoder: Sendable {
    /// One transformer block.
    struct Layer: Sendable {
        /// Query, key and value fused into one `hidden → 3·hidden` layer; queries pre-scaled by `1/√headSize`.
        var attentionInput: DenseLayer
        var attentionOutput: DenseLayer
        var attentionNorm: LayerNormParameters
        var intermediate: DenseLayer
        var output: DenseLayer
        var outputNorm: LayerNormParameters
    }

    /// A layer normalisation's scale and shift.
    struct LayerNormParameters: Sendable {
        var gamma: [Float]
        var beta: [Float]
    }

    let configuration: BertConfiguration
    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    /// Row 0 of the token-type table: every token of a single-segment input has type 0.
    let tokenTypeEmbedding: [Float]
    let embeddingNorm: LayerNormParameters
    let layers: [Layer]
    let backend: MatrixBackend

    /// The final hidden states of `sequences`, stacked: `[Σ count, hiddenSize]`, row-major.
    ///
    /// - Precondition: every sequence is non-empty, no longer than `maxPositionEmbeddings`, and holds ids below
    ///   `vocabSize`.
    func hiddenStates(_ sequences: [[Int32]]) -> [Float] {
        hiddenStates(sequences, observe: nil)
    }

    /// Sees the input of each dense layer: its block, its kind, the `[rows, width]` input.
    typealias DenseInputObserver = (
        _ block: Int, _ kind: QuantizationPlan.Kind, _ input: UnsafePointer<Float>, _ rows: Int, _ width: Int
    ) -> Void

    /// ``hiddenStates(_:)``, showing every dense layer's input to `observe` (for calibration).
    func hiddenStates(_ sequences: [[Int32]], observe: DenseInputObserver?) -> [Float] {
        let hidden = configuration.hiddenSize
        let tokens = sequences.reduce(0) { $0 + $1.count }
        let longest = sequences.map(\.count).max() ?? 0
        precondition(longest <= configuration.maxPositionEmbeddings, "sequence longer than the position table")
        var segments: [Range<Int>] = []
        var start = 0
        for sequence in sequences {
            segments.append(start..<(start + sequence.count))
            start += sequence.count
        }
        var states = [Float](repeating: 0, count: tokens * hidden)
        guard tokens > 0 else { return states }
        let workspace = Workspace(tokens: tokens, longest: longest, configuration: configuration)
        defer { workspace.deallocate() }
        states.withUnsafeMutableBufferPointer { buffer in
            let x = buffer.baseAddress!
            embed(sequences, into: x)
            for (block, layer) in layers.enumerated() {
                run(layer, on: x, tokens: tokens, segments: segments, workspace: workspace) { kind, input, width in
                    observe?(block, kind, input, tokens, width)
                }
            }
        }
        return states
    }

    /// Sums word, position and token-type embeddings and normalises: `x[t] = LN(word[id] + position[i] + type[0])`.
    private func embed(_ sequences: [[Int32]], into x: UnsafeMutablePointer<Float>) {
        let hidden = configuration.hiddenSize
        wordEmbeddings.withUnsafeBufferPointer { words in
            positionEmbeddings.withUnsafeBufferPointer { positions in
                tokenTypeEmbedding.withUnsafeBufferPointer { tokenType in
                    var row = 0
                    for sequence in sequences {
                        for (position, id) in sequence.enumerated() {
                            precondition(id >= 0 && Int(id) < configuration.vocabSize, "token id out of range")
                            let destination = x + row * hidden
                            let word = words.baseAddress! + Int(id) * hidden
                            let place = positions.baseAddress! + position * hidden
                            for i in 0..<hidden { destination[i] = word[i] + place[i] + tokenType[i] }
                            row += 1
                        }
                    }
                }
            }
        }
        normalize(x, rows: sequences.reduce(0) { $0 + $1.count }, with: embeddingNorm)
    }

    /// One transformer block, in place on `x`.
    private func run(
        _ layer: Layer, on x: UnsafeMutablePointer<Float>, tokens: Int, segments: [Range<Int>], workspace: Workspace,
        observe: (QuantizationPlan.Kind, UnsafePointer<Float>, Int) -> Void
    ) {
        let hidden = configuration.hiddenSize
        observe(.attentionInput, x, hidden)
        layer.attentionInput.apply(x, rows: tokens, into: workspace.qkv, epilogue: .none, backend: backend)
        AttentionKernel.attend(
            qkv: workspace.qkv, segments: segments, heads: configuration.numAttentionHeads,
            headSize: configuration.headSize, into: workspace.context, scores: workspace.scores,
            transposedKeys: workspace.transposedKeys)
        observe(.attentionOutput, workspace.context, hidden)
        layer.attentionOutput.apply(
            workspace.context, rows: tokens, into: workspace.attended, epilogue: .residual(x), backend: backend)
        normalize(workspace.attended, rows: tokens, with: layer.attentionNorm)
        observe(.intermediate, workspace.attended, hidden)
        layer.intermediate.apply(
            workspace.attended, rows: tokens, into: workspace.intermediate, epilogue: .gelu, backend: backend)
        observe(.output, workspace.intermediate, configuration.intermediateSize)
        layer.output.apply(
            workspace.intermediate, rows: tokens, into: x, epilogue: .residual(workspace.attended), backend: backend)
        normalize(x, rows: tokens, with: layer.outputNorm)
    }

    private func normalize(_ x: UnsafeMutablePointer<Float>, rows: Int, with parameters: LayerNormParameters) {
        parameters.gamma.withUnsafeBufferPointer { gamma in
            parameters.beta.withUnsafeBufferPointer { beta in
                VectorMath.layerNormalize(
                    x, rows: rows, width: configuration.hiddenSize, gamma: gamma.baseAddress!,
                    beta: beta.baseAddress!, epsilon: configuration.layerNormEps)
            }
        }
    }
}

/// Scratch memory for one forward pass, allocated once per call.
private struct Workspace {
    let qkv: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let attended: UnsafeMutablePointer<Float>
    let intermediate: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let transposedKeys: UnsafeMutablePointer<Float>
    private let base: UnsafeMutablePointer<Float>

    init(tokens: Int, longest: Int, configuration: BertConfiguration) {
        let hidden = configuration.hiddenSize
        let paddedLongest = (longest + 7) / 8 * 8
        let sizes = [
            3 * hidden * tokens, hidden * tokens, hidden * tokens, configuration.intermediateSize * tokens,
            paddedLongest, configuration.headSize * paddedLongest,
        ]
        // Each region starts on a 64-byte boundary.
        let padded = sizes.map { ($0 + 15) / 16 * 16 }
        base = .allocate(capacity: padded.reduce(0, +))
        var offset = 0
        var regions: [UnsafeMutablePointer<Float>] = []
        for size in padded {
            regions.append(base + offset)
            offset += size
        }
        qkv = regions[0]
        context = regions[1]
        attended = regions[2]
        intermediate = regions[3]
        scores = regions[4]
        transposedKeys = regions[5]
    }

    func deallocate() {
        base.deallocate()
    }
}
