import Foundation
import SwitchyardCore

@testable import SwitchyardRouting

/// A routing data set replayed as live traffic: the checked-in `routers/routerbench.json` artifact stores every
/// `shared/data/routing-routerbench/dev.jsonl` row's MiniLM embedding (int8) and its per-model scores, so the
/// replay needs neither the embedding model nor the shared data folder.
struct BanditReplay {
    let router: LearnedRouter
    /// Embeddings of the replayed rows.
    let embeddings: [[Float]]
    /// True per-model scores of the replayed rows.
    let scores: [[Double]]
    /// The trained predictor's quality per replayed row (precomputed: the kNN search is slow in debug builds).
    let predicted: [[Double]]
    /// Expected cost per candidate (its mean in training).
    let costs: [Double]

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Loads `routers/NAME.json` and takes its first `rows` stored rows.
    static func load(_ name: String = "routerbench", rows: Int) throws -> BanditReplay {
        let url = repositoryRoot.appendingPathComponent("routers/\(name).json")
        let router = try JSONDecoder().decode(LearnedRouter.self, from: Data(contentsOf: url))
        guard let knn = router.predictor.nearestNeighbours else { throw ReplayError.noStoredRows }
        let count = min(rows, knn.count)
        let dimensions = knn.dimensions
        let candidates = knn.candidates
        let embeddings = (0..<count).map { Array(knn.vectors[($0 * dimensions)..<(($0 + 1) * dimensions)]) }
        let scores = (0..<count).map { row in (0..<candidates).map { Double(knn.targets[row * candidates + $0]) } }
        let predicted = embeddings.map { knn.predict(embedding: $0) }
        return BanditReplay(
            router: router, embeddings: embeddings, scores: scores, predicted: predicted,
            costs: router.candidates.map(\.cost.meanUSD))
    }

    enum ReplayError: Error { case noStoredRows }
}

/// ``SwitchyardCore/SplitMix64`` with the simulations' uniform and normal draws.
struct TestRandom: RandomNumberGenerator {
    private var bits: SplitMix64

    init(state: UInt64) { bits = SplitMix64(seed: state) }

    mutating func next() -> UInt64 { bits.next() }

    mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }

    mutating func gaussian() -> Double {
        let u = max(unit(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }
}
