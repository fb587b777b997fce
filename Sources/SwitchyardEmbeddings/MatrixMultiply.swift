/// A single-threaded SGEMM for `C[M, N] = A[M, K] · B[K, N] + bias`, with `B` packed into panels.
///
/// The micro-kernel keeps a 6 × 16 block of `C` in twelve 8-lane accumulators and, for each `k`, broadcasts six
/// values of `A` against two vectors of the panel: the shape that fills the sixteen AVX registers. `A` is first
/// copied into tiles of six interleaved rows (zero-padded), so the inner loop walks two pointers with unit stride
/// and no row clamping. Tiles are processed in blocks sized to stay in L2 while every panel of `B` passes over them.
enum MatrixMultiply {
    /// Output columns per packed panel.
    static let panelWidth = 16
    /// Rows of `A` per micro-kernel call.
    static let tileRows = 6

    /// Multiplies and applies the epilogue.
    ///
    /// - Parameters:
    ///   - a: `rows × inputs`, row-major.
    ///   - rows: `M`.
    ///   - inputs: `K`.
    ///   - panels: `outputs / 16` panels, each `inputs × 16`, row-major.
    ///   - bias: `outputs` values.
    ///   - outputs: `N`, a multiple of 16.
    ///   - c: `rows × outputs`, row-major; fully overwritten.
    ///   - epilogue: What to apply to each output after the bias.
    static func multiply(
        _ a: UnsafePointer<Float>, rows: Int, inputs: Int, panels: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        outputs: Int, into c: UnsafeMutablePointer<Float>, epilogue: DenseLayer.Epilogue
    ) {
        guard rows > 0 else { return }
        let tiles = (rows + tileRows - 1) / tileRows
        let tileSize = tileRows * inputs
        let packedA = UnsafeMutablePointer<Float>.allocate(capacity: tiles * tileSize)
        defer { packedA.deallocate() }
        packRows(a, rows: rows, inputs: inputs, into: packedA)
        // About 192 KiB of packed A per block: it stays in L2 while all the panels stream past it.
        let blockTiles = max(1, 49_152 / tileSize)
        var blockStart = 0
        while blockStart < tiles {
            let blockEnd = min(tiles, blockStart + blockTiles)
            for panel in 0..<(outputs / panelWidth) {
                let column = panel * panelWidth
                let b = panels + panel * inputs * panelWidth
                for tile in blockStart..<blockEnd {
                    let row = tile * tileRows
                    let offset = row * outputs + column
                    var tileEpilogue = epilogue
                    if case .residual(let residual) = epilogue { tileEpilogue = .residual(residual + offset) }
                    kernel(
                        packedA + tile * tileSize, inputs: inputs, panel: b, bias: bias + column, c: c + offset,
                        ldc: outputs, rows: min(tileRows, rows - row), epilogue: tileEpilogue)
                }
            }
            blockStart = blockEnd
        }
    }

    /// Copies `A` into tiles of six rows stored column by column (`tile[k·6 + r] = A[row + r, k]`), zero-padded.
    private static func packRows(
        _ a: UnsafePointer<Float>, rows: Int, inputs: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        var row = 0
        var destination = packed
        while row < rows {
            let count = min(tileRows, rows - row)
            if count == tileRows {
                let r0 = a + row * inputs
                let r1 = r0 + inputs, r2 = r1 + inputs, r3 = r2 + inputs, r4 = r3 + inputs, r5 = r4 + inputs
                var out = destination
                for k in 0..<inputs {
                    out[0] = r0[k]
                    out[1] = r1[k]
                    out[2] = r2[k]
                    out[3] = r3[k]
                    out[4] = r4[k]
                    out[5] = r5[k]
                    out += tileRows
                }
            } else {
                destination.initialize(repeating: 0, count: tileRows * inputs)
                for r in 0..<count {
                    let source = a + (row + r) * inputs
                    for k in 0..<inputs { destination[k * tileRows + r] = source[k] }
                }
            }
            destination += tileRows * inputs
            row += tileRows
        }
    }

    @inline(__always)
    private static func kernel(
        _ a: UnsafePointer<Float>, inputs k: Int, panel: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, epilogue: DenseLayer.Epilogue
    ) {
        typealias V = SIMD8<Float>
        let biasRaw = UnsafeRawPointer(bias)
        let bias0 = biasRaw.loadUnaligned(fromByteOffset: 0, as: V.self)
        let bias1 = biasRaw.loadUnaligned(fromByteOffset: 32, as: V.self)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        var ap = a
        var bp = UnsafeRawPointer(panel)
        for _ in 0..<k {
            let b0 = bp.loadUnaligned(fromByteOffset: 0, as: V.self)
            let b1 = bp.loadUnaligned(fromByteOffset: 32, as: V.self)
            var s = V(repeating: ap[0])
            c00.addProduct(s, b0)
            c01.addProduct(s, b1)
            s = V(repeating: ap[1])
            c10.addProduct(s, b0)
            c11.addProduct(s, b1)
            s = V(repeating: ap[2])
            c20.addProduct(s, b0)
            c21.addProduct(s, b1)
            s = V(repeating: ap[3])
            c30.addProduct(s, b0)
            c31.addProduct(s, b1)
            s = V(repeating: ap[4])
            c40.addProduct(s, b0)
            c41.addProduct(s, b1)
            s = V(repeating: ap[5])
            c50.addProduct(s, b0)
            c51.addProduct(s, b1)
            ap += tileRows
            bp += 64
        }
        store(c00, c01, row: 0, rows: rows, c: c, ldc: ldc, epilogue: epilogue)
        store(c10, c11, row: 1, rows: rows, c: c, ldc: ldc, epilogue: epilogue)
        store(c20, c21, row: 2, rows: rows, c: c, ldc: ldc, epilogue: epilogue)
        store(c30, c31, row: 3, rows: rows, c: c, ldc: ldc, epilogue: epilogue)
        store(c40, c41, row: 4, rows: rows, c: c, ldc: ldc, epilogue: epilogue)
        store(c50, c51, row: 5, rows: rows, c: c, ldc: ldc, epilogue: epilogue)
    }

    @inline(__always)
    private static func store(
        _ left: SIMD8<Float>, _ right: SIMD8<Float>, row: Int, rows: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: DenseLayer.Epilogue
    ) {
        guard row < rows else { return }
        let offset = row * ldc
        let destination = UnsafeMutableRawPointer(c + offset)
        var left = left
        var right = right
        switch epilogue {
        case .none:
            break
        case .residual(let residualBase):
            // `residualBase` points at the residual element that matches `c`.
            let residual = UnsafeRawPointer(residualBase + offset)
            left += residual.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
            right += residual.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        case .gelu:
            left = VectorMath.gelu(left)
            right = VectorMath.gelu(right)
        }
        destination.storeBytes(of: left, toByteOffset: 0, as: SIMD8<Float>.self)
        destination.storeBytes(of: right, toByteOffset: 32, as: SIMD8<Float>.self)
    }
}
