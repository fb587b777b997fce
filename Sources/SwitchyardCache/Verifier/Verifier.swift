import Foundation

/// Stage 2 of the semantic cache: a small learned model that says whether two texts ask the same thing.
///
/// A one-hidden-layer network (or, with no hidden units, a logistic regression) over standardised
/// ``PairFeatures``. It is trained by `switchyard cache train` and shipped as `verifier.json` in this module's
/// resources; ``Verifier/bundled()`` loads it. Inference is a few thousand multiply-adds.
public struct Verifier: Sendable, Codable {
    /// Feature extractor settings.
    public var blocks: Int
    /// Hidden units; 0 means logistic regression.
    public var hidden: Int
    /// Per-feature mean and standard deviation used to standardise inputs.
    public var mean: [Float]
    /// Per-feature standard deviation (never 0).
    public var scale: [Float]
    /// First layer, `hidden × features` row-major (or the logistic weights when `hidden == 0`).
    public var weights1: [Float]
    /// First layer biases (`hidden`, or one bias for logistic regression).
    public var bias1: [Float]
    /// Output layer weights (`hidden`; empty for logistic regression).
    public var weights2: [Float]
    /// Output bias.
    public var bias2: Float
    /// Probability at or above which a pair is served as a hit.
    public var threshold: Float
    /// Candidates below this cosine are never verified (stage 1 cut-off).
    public var minimumCosine: Float
    /// How the artifact was produced: command, data, cross-validated metrics.
    public var provenance: [String: String]

    /// Creates a verifier from its parameters (training and tests; production loads ``bundled()``).
    public init(
        blocks: Int, hidden: Int, mean: [Float], scale: [Float], weights1: [Float], bias1: [Float],
        weights2: [Float], bias2: Float, threshold: Float, minimumCosine: Float, provenance: [String: String]
    ) {
        self.blocks = blocks
        self.hidden = hidden
        self.mean = mean
        self.scale = scale
        self.weights1 = weights1
        self.bias1 = bias1
        self.weights2 = weights2
        self.bias2 = bias2
        self.threshold = threshold
        self.minimumCosine = minimumCosine
        self.provenance = provenance
    }

    /// The feature extractor this model expects.
    public var features: PairFeatures { PairFeatures(blocks: blocks) }

    /// The probability that two texts ask the same thing.
    ///
    /// - Parameters:
    ///   - a: Unit embedding of the first text.
    ///   - b: Unit embedding of the second text.
    ///   - textA: The first text.
    ///   - textB: The second text.
    /// - Returns: A probability in `0...1`.
    public func probability(_ a: [Float], _ b: [Float], textA: String, textB: String) -> Float {
        probability(features: features.values(a, b, textA: textA, textB: textB))
    }

    /// The probability for precomputed features.
    public func probability(features raw: [Float]) -> Float {
        var x = raw
        for i in 0..<x.count { x[i] = (x[i] - mean[i]) / scale[i] }
        return Self.sigmoid(logit(standardised: x))
    }

    func logit(standardised x: [Float]) -> Float {
        let n = x.count
        if hidden == 0 {
            var sum = bias1[0]
            for i in 0..<n { sum += weights1[i] * x[i] }
            return sum
        }
        var out = bias2
        for h in 0..<hidden {
            var sum = bias1[h]
            let row = h * n
            for i in 0..<n { sum += weights1[row + i] * x[i] }
            if sum > 0 { out += weights2[h] * sum }
        }
        return out
    }

    static func sigmoid(_ z: Float) -> Float { 1 / (1 + exp(-z)) }
}

extension Verifier {
    /// Reads a verifier from a JSON file.
    ///
    /// - Throws: `CocoaError`/`DecodingError` when the file is missing or malformed.
    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Verifier.self, from: Data(contentsOf: url))
    }

    /// The verifier shipped with the module, or `nil` if the resource is missing or unreadable.
    public static func bundled() -> Verifier? {
        guard let url = Bundle.module.url(forResource: "verifier", withExtension: "json") else { return nil }
        return try? Verifier(contentsOf: url)
    }

    /// Writes the verifier as pretty JSON.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: url)
    }
}
