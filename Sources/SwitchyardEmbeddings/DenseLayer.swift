/// A fully connected layer `y = x · Wᵀ + b`, with its weights packed for ``MatrixMultiply``.
///
/// PyTorch stores a `Linear` weight as `[outputs, inputs]`. Packing regroups it into panels of
/// ``MatrixMultiply/panelWidth`` output columns, each `inputs × panelWidth` and contiguous, so the kernel streams
/// one panel with unit stride while it reuses a block of input rows from registers.
struct DenseLayer: Sendable {
    /// What the layer does to each output after adding the bias.
    enum Epilogue {
        /// Nothing: `y = x · Wᵀ + b`.
        case none
        /// Adds a residual of the output's shape: `y = x · Wᵀ + b + residual`.
        case residual(UnsafePointer<Float>)
        /// Applies the exact GELU: `y = gelu(x · Wᵀ + b)`.
        case gelu
    }

    /// Input features (`K`).
    let inputs: Int
    /// Output features (`N`), a multiple of ``MatrixMultiply/panelWidth``.
    let outputs: Int
    /// The packed weights: `outputs / panelWidth` panels of `inputs × panelWidth`.
    let packed: [Float]
    /// One bias per output.
    let bias: [Float]
    /// The weights as PyTorch stores them, kept only for the OpenBLAS backend.
    let rowMajor: [Float]?
    /// The weights in int8, when this layer runs quantised (then ``packed`` is empty).
    let quantized: Int8Weights?
    /// The weights in int16, when this layer runs in the int16 kernel (then ``packed`` is empty).
    let quantized16: Int16Weights?

    /// Packs a PyTorch `Linear` weight.
    ///
    /// - Parameters:
    ///   - weight: `outputs × inputs` values, row-major.
    ///   - bias: `outputs` values.
    ///   - inputs: Input features.
    ///   - outputs: Output features, a multiple of ``MatrixMultiply/panelWidth``.
    ///   - keepRowMajor: Whether to keep the unpacked weight too (for ``MatrixBackend/openBLAS``).
    ///   - quantize: Whether to run the layer in int8 (``Int8Weights``) instead.
    ///   - activationPeaks: For int8: per input, the largest magnitude seen in calibration (for smoothing).
    ///   - arithmetic: The integer kernel when `quantize` is set.
    init(
        weight: [Float], bias: [Float], inputs: Int, outputs: Int, keepRowMajor: Bool = false, quantize: Bool = false,
        activationPeaks: [Float]? = nil, arithmetic: QuantizationPlan.Arithmetic = .int8
    ) {
        precondition(weight.count == inputs * outputs && bias.count == outputs)
        precondition(outputs % MatrixMultiply.panelWidth == 0, "outputs must be a multiple of the panel width")
        self.inputs = inputs
        self.outputs = outputs
        self.bias = bias
        if quantize, case .int16(let levels) = arithmetic {
            self.quantized16 = Int16Weights(weight: weight, inputs: inputs, outputs: outputs, levels: levels)
            self.quantized = nil
            self.packed = []
            self.rowMajor = nil
            return
        }
        self.quantized16 = nil
        if quantize {
            self.quantized = Int8Weights(
                weight: weight, inputs: inputs, outputs: outputs, activationPeaks: activationPeaks)
            self.packed = []
            self.rowMajor = nil
            return
        }
        self.quantized = nil
        let width = MatrixMultiply.panelWidth
        var packed = [Float](repeating: 0, count: weight.count)
        for panel in 0..<(outputs / width) {
            for k in 0..<inputs {
                for j in 0..<width {
                    packed[(panel * inputs + k) * width + j] = weight[(panel * width + j) * inputs + k]
                }
            }
        }
        self.packed = packed
        self.rowMajor = keepRowMajor ? weight : nil
    }

    /// Computes `rows` outputs: `output[rows, outputs] = epilogue(input[rows, inputs] · Wᵀ + b)`.
    func apply(
        _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, epilogue: Epilogue,
        backend: MatrixBackend
    ) {
        if let quantized {
            applyQuantized(rows: rows, into: output, epilogue: epilogue) { bias, residual in
                quantized.apply(input, rows: rows, bias: bias, residual: residual, into: output)
            }
            return
        }
        if let quantized16 {
            applyQuantized(rows: rows, into: output, epilogue: epilogue) { bias, residual in
                quantized16.apply(input, rows: rows, bias: bias, residual: residual, into: output)
            }
            return
        }
        if case .openBLAS(let blas) = backend, let rowMajor {
            blas.apply(self, rowMajor: rowMajor, input, rows: rows, into: output, epilogue: epilogue)
            return
        }
        packed.withUnsafeBufferPointer { weights in
            bias.withUnsafeBufferPointer { bias in
                MatrixMultiply.multiply(
                    input, rows: rows, inputs: inputs, panels: weights.baseAddress!, bias: bias.baseAddress!,
                    outputs: outputs, into: output, epilogue: epilogue)
            }
        }
    }
}

extension DenseLayer {
    /// The integer paths: the C kernel (`multiply`) adds bias and residual; GELU runs here in `Float`.
    private func applyQuantized(
        rows: Int, into output: UnsafeMutablePointer<Float>, epilogue: Epilogue,
        multiply: (_ bias: UnsafePointer<Float>, _ residual: UnsafePointer<Float>?) -> Void
    ) {
        var residual: UnsafePointer<Float>?
        if case .residual(let pointer) = epilogue { residual = pointer }
        bias.withUnsafeBufferPointer { bias in multiply(bias.baseAddress!, residual) }
        guard case .gelu = epilogue else { return }
        let count = rows * outputs
        let raw = UnsafeMutableRawPointer(output)
        for v in 0..<(count / 8) {
            let value = raw.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self)
            raw.storeBytes(of: VectorMath.gelu(value), toByteOffset: v * 32, as: SIMD8<Float>.self)
        }
    }
}
