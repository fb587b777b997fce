import Foundation

/// Predicts per-candidate quality as the similarity-weighted mean score of the `k` most similar training prompts.
///
/// Similarity is the cosine of unit-length embeddings; neighbour `j` weighs `exp((s_j − s_max) / temperature)`,
/// so a small temperature trusts the closest prompts most and a large one approaches a plain mean. Vectors are
/// stored int8-quantised (one scale per vector) in the artifact and expanded to `Float` when decoded.
public struct NearestNeighbourPredictor: Sendable {
    /// Neighbours averaged per prediction.
    public let k: Int
    /// Softmax temperature of the similarity weights.
    public let temperature: Double
    /// Values per vector.
    public let dimensions: Int
    /// Candidates per training row.
    public let candidates: Int
    /// Training rows.
    public var count: Int { targets.count / max(candidates, 1) }

    /// Unit vectors, row-major (`count × dimensions`).
    let vectors: [Float]
    /// Scores, row-major (`count × candidates`).
    let targets: [Float]

    /// Creates a predictor from training rows.
    ///
    /// - Parameters:
    ///   - vectors: One unit-length embedding per row.
    ///   - targets: One score per candidate per row.
    ///   - k: Neighbours averaged.
    ///   - temperature: Softmax temperature of the similarity weights.
    public init(vectors: [[Float]], targets: [[Double]], k: Int, temperature: Double) {
        precondition(vectors.count == targets.count && !vectors.isEmpty, "need one target row per vector")
        self.k = k
        self.temperature = temperature
        dimensions = vectors[0].count
        candidates = targets[0].count
        self.vectors = vectors.flatMap { Self.quantisedRoundTrip($0) }
        self.targets = targets.flatMap { $0.map(Float.init) }
    }

    /// Predicted score per candidate for one embedding.
    public func predict(embedding: [Float]) -> [Double] {
        precondition(embedding.count == dimensions, "embedding has \(embedding.count) values, router has \(dimensions)")
        var best: [(similarity: Float, row: Int)] = []
        best.reserveCapacity(k + 1)
        vectors.withUnsafeBufferPointer { storage in
            embedding.withUnsafeBufferPointer { query in
                for row in 0..<count {
                    let s = RoutingMath.dot(query, storage, offset: row * dimensions, count: dimensions)
                    if best.count < k || s > best[best.count - 1].similarity {
                        let position = best.firstIndex { $0.similarity < s } ?? best.count
                        best.insert((s, row), at: position)
                        if best.count > k { best.removeLast() }
                    }
                }
            }
        }
        return Self.combine(best, targets: targets, candidates: candidates, temperature: temperature)
    }

    /// The weighted mean of the neighbours' scores (neighbours sorted by descending similarity).
    static func combine(
        _ neighbours: some Collection<(similarity: Float, row: Int)>, targets: [Float], candidates: Int,
        temperature: Double
    ) -> [Double] {
        var sums = [Double](repeating: 0, count: candidates)
        guard let top = neighbours.first?.similarity else { return sums }
        var total = 0.0
        for (similarity, row) in neighbours {
            let weight = exp(Double(similarity - top) / temperature)
            total += weight
            for m in 0..<candidates { sums[m] += weight * Double(targets[row * candidates + m]) }
        }
        return sums.map { $0 / total }
    }

    /// The vector as it reads back from int8 storage, renormalised to unit length.
    static func quantisedRoundTrip(_ vector: [Float]) -> [Float] {
        let (codes, scale) = quantise(vector)
        return dequantise(codes, scale: scale)
    }

    static func quantise(_ vector: [Float]) -> ([Int8], Float) {
        let peak = vector.map(abs).max() ?? 0
        let scale = peak > 0 ? peak / 127 : 1
        return (vector.map { Int8(max(-127, min(127, ($0 / scale).rounded()))) }, scale)
    }

    static func dequantise(_ codes: some Collection<Int8>, scale: Float) -> [Float] {
        let values = codes.map { Float($0) * scale }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }
}

extension NearestNeighbourPredictor: Codable {
    enum CodingKeys: String, CodingKey {
        case k, temperature, dimensions, candidates, scales, targets
        case vectors = "vectors_int8_base64"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        k = try container.decode(Int.self, forKey: .k)
        temperature = try container.decode(Double.self, forKey: .temperature)
        dimensions = try container.decode(Int.self, forKey: .dimensions)
        candidates = try container.decode(Int.self, forKey: .candidates)
        targets = try container.decode([Float].self, forKey: .targets)
        let scales = try container.decode([Float].self, forKey: .scales)
        guard let bytes = Data(base64Encoded: try container.decode(String.self, forKey: .vectors)),
            bytes.count == scales.count * dimensions, targets.count == scales.count * candidates, k > 0,
            temperature > 0
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .vectors, in: container, debugDescription: "vector, scale and target counts disagree")
        }
        let codes = bytes.map { Int8(bitPattern: $0) }
        let width = dimensions
        vectors = (0..<scales.count).flatMap {
            Self.dequantise(codes[($0 * width)..<(($0 + 1) * width)], scale: scales[$0])
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(k, forKey: .k)
        try container.encode(temperature, forKey: .temperature)
        try container.encode(dimensions, forKey: .dimensions)
        try container.encode(candidates, forKey: .candidates)
        var bytes = Data(capacity: vectors.count)
        var scales: [Float] = []
        for row in 0..<count {
            let (codes, scale) = Self.quantise(Array(vectors[(row * dimensions)..<((row + 1) * dimensions)]))
            scales.append(scale)
            bytes.append(contentsOf: codes.map { UInt8(bitPattern: $0) })
        }
        try container.encode(scales, forKey: .scales)
        try container.encode(targets, forKey: .targets)
        try container.encode(bytes.base64EncodedString(), forKey: .vectors)
    }
}
