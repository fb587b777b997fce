#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which matrix multiply the encoder runs.
///
/// ``simd`` is the default and needs nothing from the system. ``openBLAS(_:)`` exists so that the benchmark can
/// compare against Debian's OpenBLAS in the same model; it is loaded at run time, so nothing links against it.
package enum MatrixBackend: Sendable {
    /// The built-in Swift SIMD kernel (``MatrixMultiply``).
    case simd
    /// `cblas_sgemm` from a dynamically loaded OpenBLAS.
    case openBLAS(OpenBLAS)
}

/// `cblas_sgemm` from `libopenblas.so.0`, found with `dlopen` so that building never needs OpenBLAS.
package struct OpenBLAS: @unchecked Sendable {
    private typealias SGEMM =
        @convention(c) (
            Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
            Float, UnsafeMutablePointer<Float>?, Int32
        ) -> Void
    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?

    private let sgemm: SGEMM
    /// The kernel family OpenBLAS picked for this CPU, e.g. `Zen` or `Haswell`.
    package let coreName: String

    /// Loads OpenBLAS (Debian: `libopenblas0`) and limits it to `threads` threads; `nil` when it is not installed.
    package static func load(threads: Int = 1) -> OpenBLAS? {
        #if os(Linux) || os(macOS)
            for name in ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"] {
                guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL), let sgemm = dlsym(handle, "cblas_sgemm") else {
                    continue
                }
                if let setThreads = dlsym(handle, "openblas_set_num_threads") {
                    unsafeBitCast(setThreads, to: SetThreads.self)(Int32(threads))
                }
                var coreName = "unknown"
                if let symbol = dlsym(handle, "openblas_get_corename"),
                    let name = unsafeBitCast(symbol, to: CoreName.self)()
                {
                    coreName = String(cString: name)
                }
                return OpenBLAS(sgemm: unsafeBitCast(sgemm, to: SGEMM.self), coreName: coreName)
            }
        #endif
        return nil
    }

    /// `output = epilogue(input · Wᵀ + b)` with `W` in PyTorch's `[outputs, inputs]` layout.
    func apply(
        _ layer: DenseLayer, rowMajor: [Float], _ input: UnsafePointer<Float>, rows: Int,
        into output: UnsafeMutablePointer<Float>, epilogue: DenseLayer.Epilogue
    ) {
        let n = layer.outputs
        let k = layer.inputs
        layer.bias.withUnsafeBufferPointer { bias in
            for row in 0..<rows { (output + row * n).update(from: bias.baseAddress!, count: n) }
        }
        rowMajor.withUnsafeBufferPointer { weight in
            // Row-major, A not transposed, W transposed; beta = 1 keeps the bias already in the output.
            sgemm(
                101, 111, 112, Int32(rows), Int32(n), Int32(k), 1, input, Int32(k), weight.baseAddress, Int32(k), 1,
                output, Int32(n))
        }
        let count = rows * n
        switch epilogue {
        case .none:
            break
        case .residual(let residual):
            for i in 0..<count { output[i] += residual[i] }
        case .gelu:
            let raw = UnsafeMutableRawPointer(output)
            for v in 0..<(count / 8) {
                let value = raw.loadUnaligned(fromByteOffset: v * 32, as: SIMD8<Float>.self)
                raw.storeBytes(of: VectorMath.gelu(value), toByteOffset: v * 32, as: SIMD8<Float>.self)
            }
        }
    }
}
