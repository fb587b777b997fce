/// Vectorised element-wise functions for the encoder: `exp`, `erf`, GELU, layer normalisation and softmax.
///
/// The approximations are accurate to a few ulps of `Float` over the ranges the encoder uses (see the tests), and
/// run on 8 lanes at a time so that the compiler can keep them in AVX registers.
enum VectorMath {
    typealias Vector = SIMD8<Float>

    /// `e^x`, with inputs clamped to [-87, 88] so the result stays a normal float.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        // Written out: `clamped(lowerBound:upperBound:)` is not inlined and costs more than the polynomial.
        var x = x.replacing(with: -87, where: x .< -87)
        x.replace(with: 88, where: x .> 88)
        // Adding 1.5·2²³ rounds x·log2(e) to the nearest integer n and leaves n in the low mantissa bits.
        let shifted = x * 1.442_695_04 + 12_582_912.0
        let n = shifted - 12_582_912.0
        // Cody–Waite reduction: r = x - n·ln2 in two parts keeps r exact to about 1e-10.
        var r = x - n * 0.693_145_75
        r -= n * 1.428_606_8e-6
        var p: Vector = Vector(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(exponent, to: Vector.self)
    }

    /// The error function, by a rational approximation on [-4, 4] (outside, `erf` is ±1 in `Float`).
    @inline(__always)
    static func erf(_ value: Vector) -> Vector {
        var x = value.replacing(with: -4, where: value .< -4)
        x.replace(with: 4, where: x .> 4)
        let x2 = x * x
        var p = x2 * -2.72614225801306e-10 + 2.77068142495902e-08
        p = x2 * p - 2.10102402082508e-06
        p = x2 * p - 5.69250639462346e-05
        p = x2 * p - 7.34990630326855e-04
        p = x2 * p - 2.95459980854025e-03
        p = x2 * p - 1.60960333262415e-02
        p *= x
        var q = x2 * -1.45660718464996e-05 - 2.13374055278905e-04
        q = x2 * q - 1.68282697438203e-03
        q = x2 * q - 7.37332916720468e-03
        q = x2 * q - 1.42647390514189e-02
        return p / q
    }

    /// The exact (erf-based) GELU that BERT's `hidden_act: gelu` means: `x/2 · (1 + erf(x/√2))`.
    @inline(__always)
    static func gelu(_ x: Vector) -> Vector {
        0.5 * x * (1 + erf(x * 0.707_106_77))
    }

    /// Normalises each of `rows` rows of `width` values in place: `(x - mean) / sqrt(var + epsilon) · gamma + beta`.
    static func layerNormalize(
        _ data: UnsafeMutablePointer<Float>, rows: Int, width: Int, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>, epsilon: Float
    ) {
        precondition(width % Vector.scalarCount == 0)
        let vectors = width / Vector.scalarCount
        let raw = UnsafeMutableRawPointer(data)
        let gammaRaw = UnsafeRawPointer(gamma)
        let betaRaw = UnsafeRawPointer(beta)
        let stride = MemoryLayout<Vector>.stride
        for row in 0..<rows {
            let base = row * width * MemoryLayout<Float>.stride
            var sum = Vector()
            for v in 0..<vectors { sum += raw.loadUnaligned(fromByteOffset: base + v * stride, as: Vector.self) }
            let mean = sum.sum() / Float(width)
            var squares = Vector()
            for v in 0..<vectors {
                let centered = raw.loadUnaligned(fromByteOffset: base + v * stride, as: Vector.self) - mean
                squares += centered * centered
            }
            let scale = 1 / (squares.sum() / Float(width) + epsilon).squareRoot()
            for v in 0..<vectors {
                let value = raw.loadUnaligned(fromByteOffset: base + v * stride, as: Vector.self)
                let g = gammaRaw.loadUnaligned(fromByteOffset: v * stride, as: Vector.self)
                let b = betaRaw.loadUnaligned(fromByteOffset: v * stride, as: Vector.self)
                raw.storeBytes(of: (value - mean) * scale * g + b, toByteOffset: base + v * stride, as: Vector.self)
            }
        }
    }

    /// Replaces `count` values with their softmax, in place.
    static func softmax(_ data: UnsafeMutablePointer<Float>, count: Int) {
        var maximum = -Float.infinity
        for i in 0..<count { maximum = max(maximum, data[i]) }
        let raw = UnsafeMutableRawPointer(data)
        let full = count / Vector.scalarCount * Vector.scalarCount
        var sums = Vector()
        var i = 0
        while i < full {
            let e = exp(raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) - maximum)
            raw.storeBytes(of: e, toByteOffset: i * 4, as: Vector.self)
            sums += e
            i += Vector.scalarCount
        }
        var total = sums.sum()
        if i < count {
            var tail = Vector(repeating: -.infinity)
            for lane in 0..<(count - i) { tail[lane] = data[i + lane] }
            let e = exp(tail - maximum)
            for lane in 0..<(count - i) {
                data[i + lane] = e[lane]
                total += e[lane]
            }
        }
        let inverse = 1 / total
        for j in 0..<count { data[j] *= inverse }
    }
}
