/// The verifier's input for a (query, cached) pair: embedding interactions, the cosine and the lexical guards.
///
/// Layout: `blocks` sums of the element-wise product and of the absolute difference over consecutive blocks of
/// the embedding (block size = dimensions / reduced), then cosine, cosine², then ``LexicalGuards``.
public struct PairFeatures: Sendable {
    /// Blocks per interaction vector (384 / 48 = 8 dimensions a block); 0 uses no embedding interactions.
    public let blocks: Int

    /// Features per pair.
    public var count: Int { 2 * blocks + 2 + LexicalGuards.count }

    /// Creates the extractor.
    ///
    /// - Parameter blocks: How many blocks each embedding interaction is reduced to; must divide the dimensions.
    public init(blocks: Int) {
        self.blocks = blocks
    }

    /// The features of one pair.
    ///
    /// - Parameters:
    ///   - a: Unit embedding of the first text.
    ///   - b: Unit embedding of the second text, same length.
    ///   - textA: The first text.
    ///   - textB: The second text.
    /// - Returns: ``count`` values.
    public func values(_ a: [Float], _ b: [Float], textA: String, textB: String) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        let width = blocks == 0 ? 0 : a.count / blocks
        var cosine: Float = 0
        for i in 0..<min(a.count, b.count) { cosine += a[i] * b[i] }
        for block in 0..<blocks {
            var product: Float = 0
            var difference: Float = 0
            for i in (block * width)..<((block + 1) * width) {
                product += a[i] * b[i]
                difference += abs(a[i] - b[i])
            }
            result[block] = product * Float(blocks)
            result[blocks + block] = difference
        }
        result[2 * blocks] = cosine
        result[2 * blocks + 1] = cosine * cosine
        let guards = LexicalGuards.values(textA, textB)
        for (offset, value) in guards.enumerated() { result[2 * blocks + 2 + offset] = value }
        return result
    }
}
