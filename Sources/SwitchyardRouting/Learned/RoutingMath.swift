/// Numeric kernels for the learned router: SIMD dot products and a small dense Cholesky solver.
enum RoutingMath {
    /// The dot product of `count` values of `a` and of `b` starting at `offset`.
    @inline(__always)
    static func dot(
        _ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>, offset: Int, count: Int
    ) -> Float {
        guard let pa = a.baseAddress, let pb = b.baseAddress?.advanced(by: offset) else { return 0 }
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var i = 0
        let rawA = UnsafeRawPointer(pa)
        let rawB = UnsafeRawPointer(pb)
        while i + 16 <= count {
            acc0 +=
                rawA.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            acc1 +=
                rawA.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < count {
            sum += pa[i] * pb[i]
            i += 1
        }
        return sum
    }

    /// Solves `A X = B` for symmetric positive-definite `A` (`n × n`, row-major) and `B` (`n × m`, row-major).
    ///
    /// - Returns: `X` (`n × m`, row-major), or `nil` when `A` is not positive definite.
    static func choleskySolve(_ a: [Double], n: Int, _ b: [Double], m: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = a[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > 0 else { return nil }
            let root = diagonal.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<max(j + 1, n) {
                var value = a[i * n + j]
                for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = value / root
            }
        }
        var x = b
        for column in 0..<m {
            for i in 0..<n {  // forward: L y = b
                var value = x[i * m + column]
                for k in 0..<i { value -= l[i * n + k] * x[k * m + column] }
                x[i * m + column] = value / l[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {  // back: Lᵀ x = y
                var value = x[i * m + column]
                for k in (i + 1)..<max(i + 1, n) { value -= l[k * n + i] * x[k * m + column] }
                x[i * m + column] = value / l[i * n + i]
            }
        }
        return x
    }
}
