import Foundation
import Testing

@testable import SwitchyardEmbeddings

/// The int16 dense layers (``Int16Weights``, `sy_q16_gemm`) and the int16 encoder against the reference.
@Suite struct Int16EncoderTests {
    private func relativeError(rows: Int, inputs: Int, outputs: Int, levels: Int16Weights.Levels) -> Float {
        var random = SystemRandomNumberGenerator()
        let a = (0..<(rows * inputs)).map { _ in Float.random(in: -2...2, using: &random) }
        let w = (0..<(outputs * inputs)).map { _ in Float.random(in: -0.1...0.1, using: &random) }
        let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &random) }
        let residual = (0..<(rows * outputs)).map { _ in Float.random(in: -1...1, using: &random) }
        let layer = DenseLayer(
            weight: w, bias: bias, inputs: inputs, outputs: outputs, quantize: true, arithmetic: .int16(levels))
        var output = [Float](repeating: .nan, count: rows * outputs)
        a.withUnsafeBufferPointer { a in
            residual.withUnsafeBufferPointer { residual in
                layer.apply(
                    a.baseAddress!, rows: rows, into: &output, epilogue: .residual(residual.baseAddress!),
                    backend: .simd)
            }
        }
        let reference = (0..<(rows * outputs)).map { index in
            let (r, n) = (index / outputs, index % outputs)
            var sum = Double(bias[n]) + Double(residual[index])
            for k in 0..<inputs { sum += Double(a[r * inputs + k]) * Double(w[n * inputs + k]) }
            return Float(sum)
        }
        let error = zip(output, reference).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        return error / reference.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    @Test(arguments: [1, 5, 6, 7, 64])
    func int16LayerIsCloseToTheFloatProduct(rows: Int) {
        // 12-bit weights and 16-bit activations of uniform data: about 0.03% relative error.
        #expect(relativeError(rows: rows, inputs: 96, outputs: 48, levels: .standard) < 0.002)
    }

    @Test func int32SumsNeverOverflowAtFullLevels() {
        // 15-bit weights and activations: the kernel moves its sums to float every few input pairs.
        let levels = Int16Weights.Levels(weights: 32767, activations: 32767)
        #expect(relativeError(rows: 7, inputs: 1536, outputs: 16, levels: levels) < 0.001)
    }

    @Test func theDefaultPrecisionIsInt16WhereItsKernelIsAccelerated() throws {
        let embedder = try SentenceEmbedder(modelDirectory: try TestModel.directory())
        #expect(embedder.precision == (EmbeddingPrecision.isInt16Accelerated ? .int16 : .float32))
    }

    @Test func int16EmbeddingsMatchTheReference() throws {
        let embedder = try SentenceEmbedder(modelDirectory: try TestModel.directory(), precision: .int16)
        #expect(embedder.precision == .int16)
        let fixture = try ReferenceFixture.load()
        #expect(fixture.sentences.count >= 200)
        let embeddings = embedder.embed(batch: fixture.sentences.map(\.text))
        var lowest: Float = 1
        for (index, (sentence, embedding)) in zip(fixture.sentences, embeddings).enumerated() {
            let similarity = cosine(embedding, sentence.embedding)
            lowest = min(lowest, similarity)
            #expect(similarity >= 0.999, "sentence \(index) (\(sentence.ids.count) tokens): cosine \(similarity)")
        }
        print("int16 encoder: lowest cosine to the reference \(lowest) over \(embeddings.count) sentences")
    }

    /// Accuracy of quantisation variants over the whole fixture (`bench/results/embeddings-int8-2026-11-25.md`).
    /// Runs only with `SWITCHYARD_QUANTIZATION_SWEEP=1`: it loads the model once per variant.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWITCHYARD_QUANTIZATION_SWEEP"] == "1"))
    func quantizationSweep() throws {
        let fixture = try ReferenceFixture.load()
        let directory = try TestModel.directory()
        func measure(_ name: String, _ plan: QuantizationPlan) throws {
            let embedder = try SentenceEmbedder(modelDirectory: directory, backend: .simd, plan: plan)
            let embeddings = embedder.embed(batch: fixture.sentences.map(\.text))
            let cosines = zip(fixture.sentences, embeddings).map { cosine($1, $0.embedding) }
            let mean = cosines.reduce(0, +) / Float(cosines.count)
            print("SWEEP \(name): min \(cosines.min()!) mean \(mean) over \(cosines.count)")
        }
        let levelChoices: [(Int32, Int32)] = [
            (127, 32767), (511, 32767), (2047, 32767), (8191, 32767), (2047, 2047), (2047, 255), (32767, 32767),
        ]
        for (weights, activations) in levelChoices {
            let levels = Int16Weights.Levels(weights: weights, activations: activations)
            try measure("int16 w±\(weights) a±\(activations)", QuantizationPlan(arithmetic: .int16(levels)))
        }
        let coarse = Int16Weights.Levels(weights: 127, activations: 32767)
        for kind in QuantizationPlan.Kind.allCases {
            let others = Set(QuantizationPlan.Kind.allCases).subtracting([kind])
            try measure(
                "int16 w±127 a±32767 only \(kind)",
                QuantizationPlan(arithmetic: .int16(coarse), floatKinds: others))
        }
    }
}
