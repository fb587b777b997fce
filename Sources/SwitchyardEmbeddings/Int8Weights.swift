import CSwitchyardKernels
import Foundation

/// A `Linear` weight quantised to int8 for the C kernel in `CSwitchyardKernels`.
///
/// Weights are quantised symmetrically per output channel to ±``weightLevels`` (7 bits) when the model loads;
/// each call quantises its input per row (per token) to ±``activationLevels`` (8 bits), multiplies with int32
/// accumulation and scales back to `Float`. 7-bit weights are what keeps AVX2's `vpmaddubsw` (unsigned × signed
/// bytes, pair sums saturating at int16) exact with 8-bit activations: 2 · 255 · 63 < 32,768.
///
/// Activations of BERT have a few input channels far larger than the rest, which per-token scales would crush.
/// SmoothQuant (Xiao et al., 2023) moves that range into the weights: with per-channel factors `s`, `x · Wᵀ` equals
/// `(x / s) · (W · diag(s))ᵀ`, and `s = (max|x_k| / max|W_k|)^α` evens both out. The activation peaks come from
/// a calibration pass (``MiniLMEncoder/inputPeaks(_:)``).
struct Int8Weights: Sendable {
    /// Quantisation levels either side of zero for the weights.
    static let weightLevels: Int32 = 63
    /// Quantisation levels either side of zero for the activations.
    static let activationLevels: Int32 = 127

    let inputs: Int
    let outputs: Int
    /// Panels of 16 channels × 4 inputs (see `sy_q8_pack_weights`).
    let packed: [Int8]
    /// Per channel: the float value of one quantisation step.
    let scales: [Float]
    /// Per channel: the sum of its quantised weights (removes the activations' +128 offset).
    let sums: [Int32]
    /// Per input: the factor `1 / s` applied to activations before quantisation, or `nil` for none.
    let inputScales: [Float]?

    /// SmoothQuant's α: the share of the activations' range moved into the weights. On the reference fixture the
    /// lowest cosine with every layer in int8 was 0.974 at 0 (no smoothing), 0.987 at 0.3, 0.985 at 0.5 and 0.973
    /// at 0.8: the weights, at 7 bits, have little range to spare.
    static let migration = 0.3

    /// Whether the AVX2 kernel is compiled in; without it the portable C loop is much slower than the float kernel.
    static var isAccelerated: Bool { sy_q8_uses_avx2() != 0 }

    /// Quantises and packs a PyTorch `Linear` weight.
    ///
    /// - Parameters:
    ///   - weight: `outputs × inputs` values, row-major.
    ///   - inputs: Input features, a multiple of 4.
    ///   - outputs: Output features, a multiple of 16.
    ///   - activationPeaks: Per input, the largest magnitude seen in calibration; `nil` for no smoothing.
    init(weight: [Float], inputs: Int, outputs: Int, activationPeaks: [Float]? = nil) {
        precondition(inputs % 4 == 0 && outputs % Int(SY_Q8_PANEL_WIDTH) == 0, "unsupported int8 layer shape")
        var weight = weight
        if let activationPeaks {
            precondition(activationPeaks.count == inputs)
            var weightPeaks = [Float](repeating: 0, count: inputs)
            for n in 0..<outputs {
                for k in 0..<inputs { weightPeaks[k] = max(weightPeaks[k], abs(weight[n * inputs + k])) }
            }
            let factors = (0..<inputs).map { k in
                let ratio = max(activationPeaks[k], 1e-5) / max(weightPeaks[k], 1e-5)
                return min(max(Float(pow(Double(ratio), Self.migration)), 1e-2), 1e2)
            }
            for n in 0..<outputs {
                for k in 0..<inputs { weight[n * inputs + k] *= factors[k] }
            }
            inputScales = factors.map { 1 / $0 }
        } else {
            inputScales = nil
        }
        var packed = [Int8](repeating: 0, count: sy_q8_packed_size(Int32(outputs), Int32(inputs)))
        var scales = [Float](repeating: 0, count: outputs)
        var sums = [Int32](repeating: 0, count: outputs)
        weight.withUnsafeBufferPointer { w in
            sy_q8_pack_weights(
                w.baseAddress, Int32(outputs), Int32(inputs), Self.weightLevels, &packed, &scales, &sums)
        }
        self.inputs = inputs
        self.outputs = outputs
        self.packed = packed
        self.scales = scales
        self.sums = sums
    }

    /// `output[rows, outputs] = input[rows, inputs] · Wᵀ + bias (+ residual)`.
    func apply(
        _ input: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
        into output: UnsafeMutablePointer<Float>
    ) {
        let quantized = UnsafeMutablePointer<UInt8>.allocate(capacity: rows * inputs)
        let rowScales = UnsafeMutablePointer<Float>.allocate(capacity: rows)
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: inputs)
        defer {
            quantized.deallocate()
            rowScales.deallocate()
            buffer.deallocate()
        }
        if let inputScales {
            inputScales.withUnsafeBufferPointer { factors in
                sy_q8_quantize_rows(
                    input, Int32(rows), Int32(inputs), factors.baseAddress, Self.activationLevels, quantized, rowScales,
                    buffer)
            }
        } else {
            sy_q8_quantize_rows(
                input, Int32(rows), Int32(inputs), nil, Self.activationLevels, quantized, rowScales, buffer)
        }
        packed.withUnsafeBufferPointer { packed in
            scales.withUnsafeBufferPointer { scales in
                sums.withUnsafeBufferPointer { sums in
                    sy_q8_gemm(
                        quantized, rowScales, Int32(rows), Int32(inputs), packed.baseAddress, scales.baseAddress,
                        sums.baseAddress, bias, Int32(outputs), residual, output)
                }
            }
        }
    }
}
