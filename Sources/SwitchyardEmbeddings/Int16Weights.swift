import CSwitchyardKernels
import Foundation

/// A `Linear` weight quantised for the int16 kernel in `CSwitchyardKernels` (`sy_q16_gemm`).
///
/// Weights are quantised symmetrically per output channel to ±``Levels/weights`` and stored as int16; each call
/// quantises its input per row (per token) to ±``Levels/activations`` in int16. AVX2's `vpmaddwd` multiplies
/// int16 pairs and adds them into int32: 16 multiply-adds per instruction, twice a float FMA's 8, and the same rate
/// as the int8 kernel's `vpmaddubsw` + `vpmaddwd` pair. The int32 sums are moved to float every
/// `sy_q16_chunk_groups` input pairs, so no level choice can overflow them.
///
/// With 16-bit activations a token's outlier channels no longer crush its other channels (8-bit activations were
/// what kept ``Int8Weights`` under the accuracy bar), so no smoothing is needed.
struct Int16Weights: Sendable {
    /// Quantisation levels either side of zero.
    struct Levels: Sendable, Hashable {
        /// For the weights, per output channel.
        var weights: Int32
        /// For the activations, per row.
        var activations: Int32

        /// 12-bit weights and 14-bit activations: lowest cosine 0.99999 to the reference over the 212 fixture
        /// sentences, with one move of the int32 sums to float every 64 input pairs (16-bit activations, 16 pairs,
        /// are no more accurate and slower; 8-bit weights or activations fall under 0.999; see
        /// `bench/results/embeddings-int8-2026-11-25.md`).
        static let standard = Levels(weights: 2047, activations: 8191)
    }

    let inputs: Int
    let outputs: Int
    let levels: Levels
    /// Panels of 16 channels × 2 inputs (see `sy_q16_pack_weights`).
    let packed: [Int16]
    /// Per channel: the float value of one quantisation step.
    let scales: [Float]
    /// Input pairs summed in int32 before the sums move to float.
    let chunk: Int32

    /// Whether the AVX2 kernel is compiled in; without it the portable C loop is much slower than the float kernel.
    static var isAccelerated: Bool { sy_q8_uses_avx2() != 0 }

    /// Quantises and packs a PyTorch `Linear` weight.
    ///
    /// - Parameters:
    ///   - weight: `outputs × inputs` values, row-major.
    ///   - inputs: Input features, even.
    ///   - outputs: Output features, a multiple of 16.
    ///   - levels: Quantisation levels of weights and activations.
    init(weight: [Float], inputs: Int, outputs: Int, levels: Levels = .standard) {
        precondition(inputs % 2 == 0 && outputs % Int(SY_Q16_PANEL_WIDTH) == 0, "unsupported int16 layer shape")
        precondition(levels.weights <= 32767 && levels.activations <= 32767)
        var packed = [Int16](repeating: 0, count: sy_q16_packed_size(Int32(outputs), Int32(inputs)))
        var scales = [Float](repeating: 0, count: outputs)
        weight.withUnsafeBufferPointer { w in
            sy_q16_pack_weights(w.baseAddress, Int32(outputs), Int32(inputs), levels.weights, &packed, &scales)
        }
        self.inputs = inputs
        self.outputs = outputs
        self.levels = levels
        self.packed = packed
        self.scales = scales
        self.chunk = sy_q16_chunk_groups(levels.weights, levels.activations)
    }

    /// `output[rows, outputs] = input[rows, inputs] · Wᵀ + bias (+ residual)`.
    func apply(
        _ input: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
        into output: UnsafeMutablePointer<Float>
    ) {
        let quantized = UnsafeMutablePointer<Int16>.allocate(capacity: rows * inputs)
        let rowScales = UnsafeMutablePointer<Float>.allocate(capacity: rows)
        defer {
            quantized.deallocate()
            rowScales.deallocate()
        }
        sy_q16_quantize_rows(input, Int32(rows), Int32(inputs), nil, levels.activations, quantized, rowScales, nil)
        packed.withUnsafeBufferPointer { packed in
            scales.withUnsafeBufferPointer { scales in
                sy_q16_gemm(
                    quantized, rowScales, Int32(rows), Int32(inputs), packed.baseAddress, scales.baseAddress, chunk,
                    bias, Int32(outputs), residual, output)
            }
        }
    }
}
