import Foundation
import Testing

@testable import SwitchyardEmbeddings

@Suite struct KernelTests {
    @Test func erfExpAndGeluAreAccurate() {
        var worstErf: Float = 0
        var worstExp: Float = 0
        var worstGelu: Float = 0
        for i in stride(from: -12_000, through: 12_000, by: 8) {
            var x = SIMD8<Float>()
            for lane in 0..<8 { x[lane] = Float(i + lane) / 1000 }
            let e = VectorMath.erf(x)
            let g = VectorMath.gelu(x)
            let arguments = x * 7
            let ex = VectorMath.exp(arguments)
            for lane in 0..<8 {
                let v = Double(x[lane])
                worstErf = max(worstErf, abs(e[lane] - Float(Foundation.erf(v))))
                worstGelu = max(worstGelu, abs(g[lane] - Float(0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot())))))
                let expected = Foundation.exp(Double(arguments[lane]))
                worstExp = max(worstExp, Float(abs(Double(ex[lane]) - expected) / expected))
            }
        }
        #expect(worstErf < 1e-6)
        #expect(worstGelu < 1e-5)
        #expect(worstExp < 1e-6)
    }

    @Test(arguments: [1, 5, 6, 7, 13, 64])
    func matrixMultiplyMatchesTheNaiveProduct(rows: Int) {
        let inputs = 40
        let outputs = 32
        var generator = SystemRandomNumberGenerator()
        let a = (0..<(rows * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
        let w = (0..<(outputs * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<outputs).map { _ in Float.random(in: -1...1, using: &generator) }
        let residual = (0..<(rows * outputs)).map { _ in Float.random(in: -1...1, using: &generator) }
        let layer = DenseLayer(weight: w, bias: bias, inputs: inputs, outputs: outputs)
        var plain = [Float](repeating: 0, count: rows * outputs)
        var added = plain
        var activated = plain
        a.withUnsafeBufferPointer { a in
            residual.withUnsafeBufferPointer { r in
                plain.withUnsafeMutableBufferPointer {
                    layer.apply(a.baseAddress!, rows: rows, into: $0.baseAddress!, epilogue: .none, backend: .simd)
                }
                added.withUnsafeMutableBufferPointer {
                    layer.apply(
                        a.baseAddress!, rows: rows, into: $0.baseAddress!, epilogue: .residual(r.baseAddress!),
                        backend: .simd)
                }
                activated.withUnsafeMutableBufferPointer {
                    layer.apply(a.baseAddress!, rows: rows, into: $0.baseAddress!, epilogue: .gelu, backend: .simd)
                }
            }
        }
        var worst: Float = 0
        for i in 0..<rows {
            for j in 0..<outputs {
                var sum = bias[j]
                for k in 0..<inputs { sum += a[i * inputs + k] * w[j * inputs + k] }
                let x = Double(sum)
                let gelu = Float(0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot())))
                worst = max(worst, abs(plain[i * outputs + j] - sum))
                worst = max(worst, abs(added[i * outputs + j] - (sum + residual[i * outputs + j])))
                worst = max(worst, abs(activated[i * outputs + j] - gelu))
            }
        }
        #expect(worst < 1e-4)
    }

    @Test func softmaxSumsToOne() {
        for count in [1, 3, 8, 13, 64, 256] {
            var values = (0..<count).map { Float($0 % 7) * 3 - 10 }
            values.withUnsafeMutableBufferPointer { VectorMath.softmax($0.baseAddress!, count: count) }
            let maximum = values.max()!
            #expect(abs(values.reduce(0, +) - 1) < 1e-5)
            #expect(values.allSatisfy { $0 > 0 && $0 <= maximum })
        }
    }
}

/// The OpenBLAS backend exists for the benchmark; when the library is installed, it must agree with the SIMD kernel.
@Suite struct OpenBLASBackendTests {
    @Test(.enabled(if: OpenBLAS.load() != nil, "libopenblas0 is not installed"))
    func agreesWithTheSIMDKernel() throws {
        let blas = try #require(OpenBLAS.load(threads: 1))
        let (rows, inputs, outputs) = (13, 48, 32)
        let a = (0..<(rows * inputs)).map { Float(($0 * 7) % 19) / 19 - 0.5 }
        let w = (0..<(outputs * inputs)).map { Float(($0 * 5) % 23) / 23 - 0.5 }
        let bias = (0..<outputs).map { Float($0) / 32 }
        let layer = DenseLayer(weight: w, bias: bias, inputs: inputs, outputs: outputs, keepRowMajor: true)
        for epilogue in [DenseLayer.Epilogue.none, .gelu] {
            var simd = [Float](repeating: 0, count: rows * outputs)
            var openBLAS = simd
            a.withUnsafeBufferPointer { a in
                simd.withUnsafeMutableBufferPointer {
                    layer.apply(a.baseAddress!, rows: rows, into: $0.baseAddress!, epilogue: epilogue, backend: .simd)
                }
                openBLAS.withUnsafeMutableBufferPointer {
                    layer.apply(
                        a.baseAddress!, rows: rows, into: $0.baseAddress!, epilogue: epilogue,
                        backend: .openBLAS(blas))
                }
            }
            #expect(zip(simd, openBLAS).allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }
}
