/// The expected cost of one request on a candidate model, as a linear function of the prompt's length.
///
/// Fitted by least squares on the training rows' recorded costs, so it folds in each model's typical answer
/// length: `cost ≈ perCallUSD + perPromptCharacterUSD × characters`.
public struct CandidateCost: Sendable, Hashable, Codable {
    /// The fixed part, mostly the expected answer's price.
    public var perCallUSD: Double
    /// The part that grows with the prompt.
    public var perPromptCharacterUSD: Double
    /// Mean cost per training row.
    public var meanUSD: Double
    /// List price per million input tokens, when the data gives one.
    public var inputPerMTokUSD: Double?
    /// List price per million output tokens, when the data gives one.
    public var outputPerMTokUSD: Double?

    /// Creates a cost model.
    public init(
        perCallUSD: Double, perPromptCharacterUSD: Double, meanUSD: Double, inputPerMTokUSD: Double? = nil,
        outputPerMTokUSD: Double? = nil
    ) {
        self.perCallUSD = perCallUSD
        self.perPromptCharacterUSD = perPromptCharacterUSD
        self.meanUSD = meanUSD
        self.inputPerMTokUSD = inputPerMTokUSD
        self.outputPerMTokUSD = outputPerMTokUSD
    }

    /// Fits the line to recorded costs; a negative slope falls back to the mean.
    ///
    /// - Parameters:
    ///   - characters: Prompt length per row.
    ///   - costs: Recorded cost per row in US dollars.
    public init(characters: [Int], costs: [Double]) {
        let n = Double(max(costs.count, 1))
        let meanX = characters.reduce(0.0) { $0 + Double($1) } / n
        let meanY = costs.reduce(0, +) / n
        var sxx = 0.0
        var sxy = 0.0
        for (x, y) in zip(characters, costs) {
            sxx += (Double(x) - meanX) * (Double(x) - meanX)
            sxy += (Double(x) - meanX) * (y - meanY)
        }
        let slope = sxx > 0 ? max(0, sxy / sxx) : 0
        self.init(perCallUSD: max(0, meanY - slope * meanX), perPromptCharacterUSD: slope, meanUSD: meanY)
    }

    /// The expected cost in US dollars of a prompt of `characters` characters.
    public func estimate(characters: Int) -> Double {
        perCallUSD + perPromptCharacterUSD * Double(characters)
    }
}
