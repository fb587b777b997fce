/// Training or evaluation rows for a learned router: per prompt, its embedding and features, and every
/// candidate's recorded score and cost.
public struct RoutingTable: Sendable {
    /// Candidate names, in the order of every per-candidate array.
    public var candidates: [String]
    /// Stable row ids (they decide the cross-validation folds).
    public var ids: [String]
    /// Unit-length embedding per row.
    public var embeddings: [[Float]]
    /// Cheap features per row.
    public var features: [PromptFeatures]
    /// Recorded score (0…1) per row per candidate.
    public var scores: [[Double]]
    /// Recorded or estimated cost (US dollars) per row per candidate.
    public var costs: [[Double]]

    /// Creates a table; every array has one entry per row.
    public init(
        candidates: [String], ids: [String], embeddings: [[Float]], features: [PromptFeatures], scores: [[Double]],
        costs: [[Double]]
    ) {
        precondition(
            [embeddings.count, features.count, scores.count, costs.count].allSatisfy { $0 == ids.count },
            "every column needs one entry per row")
        self.candidates = candidates
        self.ids = ids
        self.embeddings = embeddings
        self.features = features
        self.scores = scores
        self.costs = costs
    }

    /// Rows.
    public var count: Int { ids.count }

    /// The fold of each row: a stable hash of its id (FNV-1a), modulo `folds`.
    public func foldAssignment(folds: Int) -> [Int] {
        ids.map { id in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in id.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            return Int(hash % UInt64(folds))
        }
    }

    /// The rows at `indices`.
    public func subset(_ indices: [Int]) -> RoutingTable {
        RoutingTable(
            candidates: candidates, ids: indices.map { ids[$0] }, embeddings: indices.map { embeddings[$0] },
            features: indices.map { features[$0] }, scores: indices.map { scores[$0] }, costs: indices.map { costs[$0] }
        )
    }

    /// Cost models fitted on the rows at `indices`.
    func costModels(rows indices: [Int]) -> [CandidateCost] {
        candidates.indices.map { m in
            CandidateCost(characters: indices.map { features[$0].characters }, costs: indices.map { costs[$0][m] })
        }
    }
}
