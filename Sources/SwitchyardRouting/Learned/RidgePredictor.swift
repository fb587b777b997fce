/// Predicts per-candidate quality with one ridge regression per candidate over the embedding and cheap features.
///
/// Inputs are the embedding, then ``PromptFeatures/vector``, then a constant 1 (the intercept, left almost
/// unpenalised). All candidates share the inputs, so training is one Cholesky factorisation of
/// `XᵀX + λI` with one right-hand side per candidate. Predictions are clipped to 0…1.
public struct RidgePredictor: Sendable, Codable {
    /// The L2 penalty.
    public let lambda: Double
    /// Inputs per row, intercept included.
    public let inputs: Int
    /// Candidates.
    public let candidates: Int
    /// Weights, row-major (`inputs × candidates`).
    let weights: [Float]

    /// Sufficient statistics of a set of rows: `XᵀX` and `XᵀY`, which add across folds.
    public struct Moments: Sendable {
        /// Inputs per row, intercept included.
        public let inputs: Int
        /// Outputs per row.
        public let outputs: Int
        var gram: [Double]
        var crossProducts: [Double]

        /// Zero moments.
        public init(inputs: Int, outputs: Int) {
            self.inputs = inputs
            self.outputs = outputs
            gram = [Double](repeating: 0, count: inputs * inputs)
            crossProducts = [Double](repeating: 0, count: inputs * outputs)
        }

        /// Adds one row (`input` must already end with the intercept's 1).
        public mutating func add(input: [Float], target: [Double]) {
            let x = input.map(Double.init)
            gram.withUnsafeMutableBufferPointer { g in
                for i in 0..<inputs where x[i] != 0 {
                    let xi = x[i]
                    for j in i..<inputs { g[i * inputs + j] += xi * x[j] }
                }
            }
            for i in 0..<inputs where x[i] != 0 {
                for m in 0..<outputs { crossProducts[i * outputs + m] += x[i] * target[m] }
            }
        }

        /// The sum of two sets of moments.
        public static func + (lhs: Moments, rhs: Moments) -> Moments {
            var sum = lhs
            for i in sum.gram.indices { sum.gram[i] += rhs.gram[i] }
            for i in sum.crossProducts.indices { sum.crossProducts[i] += rhs.crossProducts[i] }
            return sum
        }
    }

    /// Fits the weights.
    ///
    /// - Parameters:
    ///   - moments: `XᵀX` and `XᵀY` of the training rows.
    ///   - lambda: The L2 penalty (the intercept, the last input, gets a tiny one).
    /// - Returns: The predictor, or `nil` when the system is singular.
    public init?(moments: Moments, lambda: Double) {
        let n = moments.inputs
        var a = moments.gram
        for i in 0..<n {  // mirror the upper triangle
            for j in 0..<i { a[i * n + j] = a[j * n + i] }
            a[i * n + i] += i == n - 1 ? 1e-6 : lambda
        }
        guard let solution = RoutingMath.choleskySolve(a, n: n, moments.crossProducts, m: moments.outputs) else {
            return nil
        }
        self.lambda = lambda
        inputs = n
        candidates = moments.outputs
        weights = solution.map(Float.init)
    }

    /// The model input for an embedding and features: embedding, feature vector, then 1.
    public static func input(embedding: [Float], features: PromptFeatures) -> [Float] {
        embedding + features.vector + [1]
    }

    /// Predicted score per candidate, clipped to 0…1.
    public func predict(input: [Float]) -> [Double] {
        precondition(input.count == inputs, "input has \(input.count) values, ridge model has \(inputs)")
        var sums = [Float](repeating: 0, count: candidates)
        for i in 0..<inputs where input[i] != 0 {
            for m in 0..<candidates { sums[m] += input[i] * weights[i * candidates + m] }
        }
        return sums.map { min(1, max(0, Double($0))) }
    }
}
