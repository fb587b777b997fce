/// Multi-head scaled dot-product self-attention over the fused `[tokens, 3·hidden]` query/key/value matrix.
///
/// Each sequence attends only to itself, so no mask is needed: there is no padding. Queries arrive already
/// scaled by `1/√headSize`. Scores are computed one query row at a time, which keeps them in L1.
enum AttentionKernel {
    typealias Vector = SIMD8<Float>

    /// Writes `context[t, head·headSize ..< (head+1)·headSize] = softmax(q_t · Kᵀ) · V` for every token and head.
    ///
    /// - Parameters:
    ///   - qkv: `[tokens, 3·hidden]`: queries, then keys, then values.
    ///   - segments: The token rows of each sequence.
    ///   - heads: The number of attention heads.
    ///   - headSize: The width of each head, a multiple of 8.
    ///   - context: `[tokens, hidden]`; fully overwritten.
    ///   - scores: Room for the longest sequence's length, rounded up to a multiple of 8.
    ///   - transposedKeys: Room for `headSize ×` that rounded length.
    static func attend(
        qkv: UnsafePointer<Float>, segments: [Range<Int>], heads: Int, headSize: Int,
        into context: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>,
        transposedKeys: UnsafeMutablePointer<Float>
    ) {
        let hidden = heads * headSize
        let stride = 3 * hidden
        let vectors = headSize / Vector.scalarCount
        for segment in segments {
            let length = segment.count
            // Keys are transposed to [headSize, paddedLength] so that scores are computed 8 keys at a time.
            let paddedLength = (length + Vector.scalarCount - 1) / Vector.scalarCount * Vector.scalarCount
            let first = qkv + segment.lowerBound * stride
            for head in 0..<heads {
                let keys = first + hidden + head * headSize
                for d in 0..<headSize {
                    let row = transposedKeys + d * paddedLength
                    for key in 0..<length { row[key] = keys[key * stride + d] }
                    for key in length..<paddedLength { row[key] = 0 }
                }
                let values = UnsafeRawPointer(first + 2 * hidden + head * headSize)
                for query in 0..<length {
                    let q = first + query * stride + head * headSize
                    computeScores(
                        q, transposedKeys: transposedKeys, headSize: headSize, paddedLength: paddedLength, into: scores)
                    VectorMath.softmax(scores, count: length)
                    let out = UnsafeMutableRawPointer(context + (segment.lowerBound + query) * hidden + head * headSize)
                    if vectors == 4 {
                        weightedSum4(scores, values: values, stride: stride, length: length, into: out)
                    } else {
                        weightedSum(scores, values: values, stride: stride, length: length, vectors: vectors, into: out)
                    }
                }
            }
        }
    }

    /// `scores[j] = q · K[j]` for all keys, from keys laid out `[headSize, paddedLength]`.
    ///
    /// Four blocks of eight keys share each broadcast of `q[d]`, so four independent FMA chains are in flight.
    @inline(__always)
    private static func computeScores(
        _ q: UnsafePointer<Float>, transposedKeys: UnsafePointer<Float>, headSize: Int, paddedLength: Int,
        into scores: UnsafeMutablePointer<Float>
    ) {
        let keys = UnsafeRawPointer(transposedKeys)
        let out = UnsafeMutableRawPointer(scores)
        let rowBytes = paddedLength * 4
        var block = 0
        while block + 32 <= paddedLength {
            var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
            var row = keys + block * 4
            for d in 0..<headSize {
                let broadcast = Vector(repeating: q[d])
                s0.addProduct(broadcast, row.loadUnaligned(fromByteOffset: 0, as: Vector.self))
                s1.addProduct(broadcast, row.loadUnaligned(fromByteOffset: 32, as: Vector.self))
                s2.addProduct(broadcast, row.loadUnaligned(fromByteOffset: 64, as: Vector.self))
                s3.addProduct(broadcast, row.loadUnaligned(fromByteOffset: 96, as: Vector.self))
                row += rowBytes
            }
            out.storeBytes(of: s0, toByteOffset: block * 4, as: Vector.self)
            out.storeBytes(of: s1, toByteOffset: block * 4 + 32, as: Vector.self)
            out.storeBytes(of: s2, toByteOffset: block * 4 + 64, as: Vector.self)
            out.storeBytes(of: s3, toByteOffset: block * 4 + 96, as: Vector.self)
            block += 32
        }
        while block < paddedLength {
            var s0 = Vector(), s1 = Vector()
            var row = keys + block * 4
            var d = 0
            while d + 1 < headSize {
                s0.addProduct(Vector(repeating: q[d]), row.loadUnaligned(as: Vector.self))
                s1.addProduct(Vector(repeating: q[d + 1]), (row + rowBytes).loadUnaligned(as: Vector.self))
                row += 2 * rowBytes
                d += 2
            }
            if d < headSize { s0.addProduct(Vector(repeating: q[d]), row.loadUnaligned(as: Vector.self)) }
            out.storeBytes(of: s0 + s1, toByteOffset: block * 4, as: Vector.self)
            block += Vector.scalarCount
        }
    }

    /// `out = Σ_j weights[j] · V[j]` for a head of 32 values, with the four accumulators in registers.
    @inline(__always)
    private static func weightedSum4(
        _ weights: UnsafePointer<Float>, values: UnsafeRawPointer, stride: Int, length: Int,
        into out: UnsafeMutableRawPointer
    ) {
        var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
        for j in 0..<length {
            let w = Vector(repeating: weights[j])
            let v = values + j * stride * 4
            a0.addProduct(w, v.loadUnaligned(fromByteOffset: 0, as: Vector.self))
            a1.addProduct(w, v.loadUnaligned(fromByteOffset: 32, as: Vector.self))
            a2.addProduct(w, v.loadUnaligned(fromByteOffset: 64, as: Vector.self))
            a3.addProduct(w, v.loadUnaligned(fromByteOffset: 96, as: Vector.self))
        }
        out.storeBytes(of: a0, toByteOffset: 0, as: Vector.self)
        out.storeBytes(of: a1, toByteOffset: 32, as: Vector.self)
        out.storeBytes(of: a2, toByteOffset: 64, as: Vector.self)
        out.storeBytes(of: a3, toByteOffset: 96, as: Vector.self)
    }

    private static func weightedSum(
        _ weights: UnsafePointer<Float>, values: UnsafeRawPointer, stride: Int, length: Int, vectors: Int,
        into out: UnsafeMutableRawPointer
    ) {
        for v in 0..<vectors {
            var sum = Vector()
            for j in 0..<length {
                sum.addProduct(
                    Vector(repeating: weights[j]),
                    (values + j * stride * 4).loadUnaligned(fromByteOffset: v * 32, as: Vector.self))
            }
            out.storeBytes(of: sum, toByteOffset: v * 32, as: Vector.self)
        }
    }
}
