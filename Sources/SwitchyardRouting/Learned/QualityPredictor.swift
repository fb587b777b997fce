/// Hyperparameters of a quality predictor: nearest neighbours, ridge, or the mean of both.
public struct PredictorSettings: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Neighbours for the kNN part; `nil` without one.
    public var k: Int?
    /// Similarity temperature for the kNN part.
    public var temperature: Double?
    /// Penalty for the ridge part; `nil` without one.
    public var ridgeLambda: Double?

    /// Creates settings; at least one part must be set.
    public init(k: Int? = nil, temperature: Double? = nil, ridgeLambda: Double? = nil) {
        self.k = k
        self.temperature = k == nil ? nil : (temperature ?? 0.05)
        self.ridgeLambda = ridgeLambda
    }

    /// For example `knn(k=20,t=0.05)+ridge(lambda=10)`.
    public var description: String {
        var parts: [String] = []
        if let k, let temperature { parts.append("knn(k=\(k),t=\(temperature))") }
        if let ridgeLambda { parts.append("ridge(lambda=\(ridgeLambda))") }
        return parts.joined(separator: "+")
    }
}

/// Predicts each candidate's quality (expected score in 0…1) for a prompt.
///
/// A kNN part, a ridge part, or both (their mean).
public struct QualityPredictor: Sendable, Codable {
    /// The nearest-neighbour part.
    public var nearestNeighbours: NearestNeighbourPredictor?
    /// The ridge part.
    public var ridge: RidgePredictor?

    /// Combines parts; at least one must be given.
    public init(nearestNeighbours: NearestNeighbourPredictor?, ridge: RidgePredictor?) {
        precondition(nearestNeighbours != nil || ridge != nil, "a predictor needs a kNN or a ridge part")
        self.nearestNeighbours = nearestNeighbours
        self.ridge = ridge
    }

    /// The settings these parts were built with.
    public var settings: PredictorSettings {
        PredictorSettings(
            k: nearestNeighbours?.k, temperature: nearestNeighbours?.temperature, ridgeLambda: ridge?.lambda)
    }

    /// Predicted quality per candidate.
    ///
    /// - Parameters:
    ///   - embedding: The unit-length embedding of ``PromptFeatures/embeddingText(lastUserTurn:maxCharacters:)``.
    ///   - features: The prompt's cheap features.
    /// - Returns: One value in 0…1 per candidate, in the router's candidate order.
    public func predict(embedding: [Float], features: PromptFeatures) -> [Double] {
        let neighbours = nearestNeighbours?.predict(embedding: embedding)
        let linear = ridge?.predict(input: RidgePredictor.input(embedding: embedding, features: features))
        switch (neighbours, linear) {
        case (let a?, let b?): return zip(a, b).map { ($0 + $1) / 2 }
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return []
        }
    }
}
