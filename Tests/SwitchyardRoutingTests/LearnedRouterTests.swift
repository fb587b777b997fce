import Foundation
import SwitchyardRouting
import Testing

/// Synthetic routing data: prompts in two clusters; the cheap model is good on cluster 0 only, the expensive one
/// on both.
struct SyntheticRouting {
    static func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }

    /// A deterministic pseudo-random value in -0.5…0.5.
    static func noise(_ i: Int, _ j: Int) -> Float {
        var x = UInt64(i * 7919 + j * 104_729 + 1) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 31
        return Float(x % 10_000) / 10_000 - 0.5
    }

    static func embedding(cluster: Int, row: Int) -> [Float] {
        unit((0..<8).map { j in (j == cluster ? 3 : 0) + noise(row, j) })
    }

    static func table(rows: Int) -> RoutingTable {
        var ids: [String] = []
        var embeddings: [[Float]] = []
        var features: [PromptFeatures] = []
        var scores: [[Double]] = []
        var costs: [[Double]] = []
        for row in 0..<rows {
            let cluster = row % 2
            ids.append("row-\(row)")
            embeddings.append(embedding(cluster: cluster, row: row))
            features.append(PromptFeatures(text: String(repeating: "word ", count: 20 + row % 7)))
            let cheapRight = cluster == 0 ? (row % 10 != 0) : (row % 10 == 0)
            scores.append([cheapRight ? 1 : 0, row % 17 == 0 ? 0 : 1])
            costs.append([0.1, 1.0])
        }
        return RoutingTable(
            candidates: ["cheap", "strong"], ids: ids, embeddings: embeddings, features: features, scores: scores,
            costs: costs)
    }
}

@Suite struct LearnedRouterTests {
    @Test func nearestNeighboursLearnPlantedSignal() {
        let table = SyntheticRouting.table(rows: 200)
        let knn = NearestNeighbourPredictor(
            vectors: table.embeddings, targets: table.scores, k: 15, temperature: 0.1)
        let onCluster0 = knn.predict(embedding: SyntheticRouting.embedding(cluster: 0, row: 10_001))
        let onCluster1 = knn.predict(embedding: SyntheticRouting.embedding(cluster: 1, row: 10_002))
        #expect(onCluster0[0] > 0.7)
        #expect(onCluster1[0] < 0.3)
        #expect(onCluster1[1] > 0.7)
    }

    @Test func ridgeLearnsPlantedSignal() throws {
        let table = SyntheticRouting.table(rows: 200)
        var moments = RidgePredictor.Moments(inputs: 8 + PromptFeatures.count + 1, outputs: 2)
        for row in 0..<table.count {
            moments.add(
                input: RidgePredictor.input(embedding: table.embeddings[row], features: table.features[row]),
                target: table.scores[row])
        }
        let ridge = try #require(RidgePredictor(moments: moments, lambda: 0.1))
        let features = PromptFeatures(text: "word word word")
        let cheap0 = ridge.predict(
            input: RidgePredictor.input(
                embedding: SyntheticRouting.embedding(cluster: 0, row: 9_001), features: features))
        let cheap1 = ridge.predict(
            input: RidgePredictor.input(
                embedding: SyntheticRouting.embedding(cluster: 1, row: 9_002), features: features))
        #expect(cheap0[0] > 0.6)
        #expect(cheap1[0] < 0.4)
        #expect(cheap1[1] > 0.6)
    }

    static func router() -> LearnedRouter {
        let knn = NearestNeighbourPredictor(
            vectors: [SyntheticRouting.embedding(cluster: 0, row: 1), SyntheticRouting.embedding(cluster: 1, row: 2)],
            targets: [[0.2, 0.6, 0.9], [0.5, 0.5, 0.5]], k: 1, temperature: 0.1)
        let cost = { (usd: Double) in CandidateCost(perCallUSD: usd, perPromptCharacterUSD: 0, meanUSD: usd) }
        return LearnedRouter(
            formatVersion: LearnedRouter.currentFormatVersion,
            candidates: [
                .init(name: "small", meanQuality: 0.3, cost: cost(1)),
                .init(name: "medium", meanQuality: 0.55, cost: cost(3)),
                .init(name: "large", meanQuality: 0.7, cost: cost(10)),
            ],
            strongestIndex: 2, costUnitUSD: 10, operatingPoints: .init(balancedLambda: 0.5, economyLambda: 2),
            predictor: QualityPredictor(nearestNeighbours: knn, ridge: nil), embedding: ["model": "test"],
            provenance: RouterProvenance(
                data: [.init(path: "x.jsonl", sha256: "00", rows: 2)], trainedAt: "2026-11-25T00:00:00Z",
                command: "test", folds: 5, settings: PredictorSettings(k: 1, temperature: 0.1), searched: [],
                crossValidated: RouterMetrics(
                    rows: 2, strongestModel: "large", strongestQuality: 0.7, costSavingsAt95pctQuality: 0.5,
                    costSavingsAt100pctQuality: nil, routerQualityAt95pctPoint: 0.67, qualityAtEqualCostRandom: 0.6,
                    oracleCostSavingsAt95pctQuality: 0.9, oracleCostSavingsAt100pctQuality: 0.8, auc: 0.6,
                    oracleAUC: 0.7, randomAUC: 0.5, lambdaAt95pctQuality: 0.5, lambdaAt85pctQuality: 2),
                notes: []))
    }

    @Test func decisionRulePicksCheapestMeetingTarget() {
        let router = Self.router()
        let quality = [0.5, 0.75, 0.9]
        let costs = [1.0, 3, 10]
        #expect(router.decide(quality: quality, costs: costs, objective: .qualityTarget(0.7)).chosen == "medium")
        #expect(router.decide(quality: quality, costs: costs, objective: .qualityTarget(0.4)).chosen == "small")
        let unmet = router.decide(quality: quality, costs: costs, objective: .qualityTarget(0.95))
        #expect(unmet.chosen == "large" && unmet.targetMet == false)
        #expect(router.decide(quality: quality, costs: costs, objective: .quality).chosen == "large")
        #expect(router.decide(quality: quality, costs: costs, objective: .costWeight(100)).chosen == "small")
        // λ = 0.5: utilities 0.45, 0.6, 0.4.
        let balanced = router.decide(quality: quality, costs: costs, objective: .balanced)
        #expect(balanced.chosen == "medium" && balanced.strongestCostUSD == 10)
        // Equal quality: the cheaper candidate wins.
        #expect(router.decide(quality: [0.8, 0.8, 0.8], costs: costs, objective: .quality).chosen == "small")
        #expect(RoutingObjective("target=0.8") == .qualityTarget(0.8))
        #expect(RoutingObjective("lambda=2") == .costWeight(2))
    }

    @Test func artifactRoundTripsThroughJSON() throws {
        let router = Self.router()
        let data = try JSONEncoder().encode(router)
        let decoded = try JSONDecoder().decode(LearnedRouter.self, from: data)
        #expect(decoded.candidates == router.candidates)
        #expect(decoded.provenance.crossValidated == router.provenance.crossValidated)
        #expect(decoded.predictor.settings == router.predictor.settings)
        let query = SyntheticRouting.embedding(cluster: 0, row: 77)
        let features = PromptFeatures(text: "hello")
        let before = router.decide(embedding: query, features: features, objective: .balanced)
        let after = decoded.decide(embedding: query, features: features, objective: .balanced)
        #expect(before == after)
        #expect(before.candidates.map(\.predictedQuality) == [0.2, 0.6, 0.9].map { Double(Float($0)) })
        #expect(!String(decoding: data, as: UTF8.self).contains("hello"))
    }

    @Test func savingsOnHandMadeExample() throws {
        // Row 1: both right, row 2: only the strong model. The cheap model costs a tenth.
        let evaluation = RouterEvaluation(scores: [[1, 1], [1, 0]], costs: [[1, 0.1], [1, 0.1]])
        #expect(evaluation.strongest == 0)
        let oracle = evaluation.oracleCurve
        #expect(try #require(evaluation.savings(oracle, atQualityFraction: 1)) == 1 - 0.55)
        #expect(abs(evaluation.randomQuality(atCost: 0.55) - 0.75) < 1e-12)
        // A router that always predicts the cheap model right: quality 0.5 at cost 0.1 whenever λ > 0.
        let naive = evaluation.curve(quality: [[1, 1], [1, 1]], predictedCosts: [[1, 0.1], [1, 0.1]])
        #expect(evaluation.savings(naive, atQualityFraction: 0.95) == nil)
        #expect(evaluation.savings(naive, atQualityFraction: 0.5) == 0.9)
        // Oracle hull: (0.1, 0.5) → (0.55, 1), then flat: 0.45 · 0.75 + 0.45 · 1.
        #expect(abs(RouterEvaluation.area(oracle) - (0.45 * 0.75 + 0.45)) < 1e-9)
    }

    @Test func oracleBeatsRouterBeatsRandomOnSyntheticData() async throws {
        let table = SyntheticRouting.table(rows: 240)
        let trainer = RouterTrainer(
            folds: 3,
            grid: [PredictorSettings(k: 10, temperature: 0.1), PredictorSettings(ridgeLambda: 1)])
        let result = await trainer.train(table, data: [], command: "test", trainedAt: "now")
        let metrics = result.router.provenance.crossValidated
        #expect(metrics.oracleAUC >= metrics.auc)
        #expect(metrics.auc > metrics.randomAUC)
        let savings = try #require(metrics.costSavingsAt95pctQuality)
        #expect(savings > 0.3)
        #expect(try #require(metrics.oracleCostSavingsAt95pctQuality) >= savings)
        #expect(metrics.routerQualityAt95pctPoint > metrics.qualityAtEqualCostRandom)
        #expect(
            !QualityCostPlot(title: "t", router: result.curve, oracle: result.evaluation.oracleCurve, singles: [])
                .svg.isEmpty)
    }

    @Test func embeddingTextKeepsTheQuestionAtTheEnd() {
        let shots = String(repeating: "Example question? Answer: A\n\n", count: 100)
        let text = PromptFeatures.embeddingText(lastUserTurn: shots + "What is the capital of France?")
        #expect(text.hasSuffix("What is the capital of France?"))
        #expect(text.count <= PromptFeatures.defaultEmbeddingCharacters)
        let features = PromptFeatures(text: shots + "def f(): return 1", conversationDepth: 3)
        #expect(features.hasCode && features.fewShotMarkers == 100 && features.vector.count == PromptFeatures.count)
    }
}
