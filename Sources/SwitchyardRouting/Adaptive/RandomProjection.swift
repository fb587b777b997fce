/// A fixed Gaussian random projection of an embedding to a few dimensions, plus a constant 1 (the bias).
///
/// Entry `(i, j)` of the matrix is drawn from `N(0, 1/d)` by a generator seeded with ``seed``, so the same seed
/// and sizes give the same matrix in every process (nothing but the seed needs persisting). A unit-length
/// embedding maps to a vector whose projected part has length about 1, comparable to the bias term.
struct RandomProjection: Sendable {
    /// Projected dimensions, bias excluded.
    let dimensions: Int
    /// Values per input embedding.
    let inputDimensions: Int
    /// The seed the matrix was drawn with.
    let seed: UInt64
    /// Row-major `dimensions × inputDimensions`.
    private let matrix: [Float]

    init(dimensions: Int, inputDimensions: Int, seed: UInt64) {
        self.dimensions = dimensions
        self.inputDimensions = inputDimensions
        self.seed = seed
        var random = BanditRandom(seed: seed)
        let scale = 1 / Double(max(dimensions, 1)).squareRoot()
        matrix = (0..<(dimensions * inputDimensions)).map { _ in Float(random.gaussian() * scale) }
    }

    /// `[1, P·x]`: the bias first, then the projection (`dimensions + 1` values).
    func features(_ embedding: [Float]) -> [Double] {
        var result = [Double](repeating: 0, count: dimensions + 1)
        result[0] = 1
        guard embedding.count == inputDimensions else { return result }
        matrix.withUnsafeBufferPointer { m in
            embedding.withUnsafeBufferPointer { x in
                for i in 0..<dimensions {
                    result[i + 1] = Double(RoutingMath.dot(x, m, offset: i * inputDimensions, count: inputDimensions))
                }
            }
        }
        return result
    }
}
