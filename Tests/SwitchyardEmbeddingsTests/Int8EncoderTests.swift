import Foundation
import Testing

@testable import SwitchyardEmbeddings

/// The int8 dense layers (``Int8Weights``, the C kernel) and the int8 encoder against the reference.
@Suite struct Int8EncoderTests {
    /// The exact product of the quantised operands, computed here in `Double`.
    private func expected(
        _ a: [Float], _ w: [Float], _ bias: [Float], _ residual: [Float]?, rows: Int, inputs: Int, outputs: Int
    ) -> [Float] {
        (0..<(rows * outputs)).map { index in
            let (r, n) = (index / outputs, index % outputs)
            var sum = Double(bias[n]) + Double(residual?[index] ?? 0)
            for k in 0..<inputs { sum += Double(a[r * inputs + k]) * Double(w[n * inputs + k]) }
            return Float(sum)
        }
    }

    @Test(arguments: [1, 3, 4, 7, 64])
    func int8LayerIsCloseToTheFloatProduct(rows: Int) {
        let (inputs, outputs) = (96, 48)
        var random = SystemRandomNumberGenerator()
        let a = (0..<(rows * inputs)).map { _ in Float.random(in: -2...2, using: &random) }
        let w = (0..<(outputs * inputs)).map { _ in Float.random(in: -0.1...0.1, using: &random) }
        let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &random) }
        let residual = (0..<(rows * outputs)).map { _ in Float.random(in: -1...1, using: &random) }
        let layer = DenseLayer(weight: w, bias: bias, inputs: inputs, outputs: outputs, quantize: true)
        var output = [Float](repeating: .nan, count: rows * outputs)
        a.withUnsafeBufferPointer { a in
            residual.withUnsafeBufferPointer { residual in
                layer.apply(
                    a.baseAddress!, rows: rows, into: &output, epilogue: .residual(residual.baseAddress!),
                    backend: .simd)
            }
        }
        let reference = expected(a, w, bias, residual, rows: rows, inputs: inputs, outputs: outputs)
        let error = zip(output, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let norm = reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // 7-bit weights and 8-bit activations of uniform data: about 1% relative error.
        #expect(error / norm < 0.03)
    }

    @Test func smoothingKeepsAnOutlierChannelFromCrushingTheOthers() {
        let (rows, inputs, outputs) = (8, 64, 16)
        var random = SystemRandomNumberGenerator()
        // Channel 5 is 100x larger than the rest, as in BERT's hidden states.
        let a = (0..<(rows * inputs)).map { i in
            Float.random(in: -1...1, using: &random) * (i % inputs == 5 ? 100 : 1)
        }
        let w = (0..<(outputs * inputs)).map { _ in Float.random(in: -0.1...0.1, using: &random) }
        let bias = [Float](repeating: 0, count: outputs)
        let peaks = (0..<inputs).map { $0 == 5 ? Float(100) : 1 }
        let reference = expected(a, w, bias, nil, rows: rows, inputs: inputs, outputs: outputs)
        func relativeError(_ layer: DenseLayer) -> Float {
            var output = [Float](repeating: 0, count: rows * outputs)
            layer.apply(a, rows: rows, into: &output, epilogue: .none, backend: .simd)
            let error = zip(output, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            return error / reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        let plain = relativeError(DenseLayer(weight: w, bias: bias, inputs: inputs, outputs: outputs, quantize: true))
        let smoothed = relativeError(
            DenseLayer(weight: w, bias: bias, inputs: inputs, outputs: outputs, quantize: true, activationPeaks: peaks))
        #expect(smoothed < plain)
    }

    @Test func int8EmbeddingsStayCloseToTheReference() throws {
        let embedder = try SentenceEmbedder(modelDirectory: try TestModel.directory(), precision: .int8)
        #expect(embedder.precision == .int8)
        let fixture = try ReferenceFixture.load()
        let embeddings = embedder.embed(batch: fixture.sentences.map(\.text))
        let cosines = zip(fixture.sentences, embeddings).map { cosine($1, $0.embedding) }
        let lowest = cosines.min() ?? 0
        let mean = cosines.reduce(0, +) / Float(max(cosines.count, 1))
        print("int8 encoder: lowest cosine to the reference \(lowest), mean \(mean) over \(cosines.count) sentences")
        // Below the 0.999 bar that float32 (the default) meets; this guards against regressions of the int8 path.
        #expect(lowest >= 0.98)
        #expect(mean >= 0.995)
    }
}
