import ArgumentParser
import Foundation
import SwitchyardRouting

/// `switchyard router eval --router router.json --data FILE [--json] [--svg out.svg]`.
///
/// On a file the router was trained on, it re-runs the router's nested cross-validation (same folds, same
/// settings searched), so every prediction is held out; on any other file it applies the router as is.
struct RouterEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Quality–cost curve, savings versus the strongest model, oracle and random.")

    @Option(name: .long, help: "The router JSON.") var router: String
    @Option(name: .long, help: "A routing data file with the router's candidate models.") var data: String
    @Flag(name: .long, help: "Print one JSON object.") var json = false
    @Option(name: .long, help: "Write the quality–cost plot here.") var svg: String?
    @Option(name: .long, help: "Write every curve point here as JSON.") var curve: String?

    @OptionGroup var options: RouterDataOptions

    func run() async throws {
        let model = try JSONDecoder().decode(LearnedRouter.self, from: Data(contentsOf: URL(fileURLWithPath: router)))
        guard model.formatVersion == LearnedRouter.currentFormatVersion else {
            throw ValidationError(
                "router format \(model.formatVersion); this build reads \(LearnedRouter.currentFormatVersion)")
        }
        let (file, table) = try await options.load(data)
        guard table.candidates == model.candidates.map(\.name) else {
            throw ValidationError("\(data) has other candidate models than the router")
        }
        let evaluation = RouterEvaluation(scores: table.scores, costs: table.costs)
        let points: [CurvePoint]
        let trainedOn = model.provenance.data.contains { $0.sha256 == file.sha256 }
        if trainedOn {
            let trainer = RouterTrainer(
                folds: model.provenance.folds, grid: model.provenance.searched, workers: options.workers)
            points = await trainer.train(table, data: [], command: "", trainedAt: "").curve
        } else {
            let quality = table.embeddings.indices.map {
                model.predictQuality(embedding: table.embeddings[$0], features: table.features[$0])
            }
            let costs = table.features.map { f in model.candidates.map { $0.cost.estimate(characters: f.characters) } }
            points = evaluation.curve(quality: quality, predictedCosts: costs)
        }
        let metrics = evaluation.metrics(curve: points, candidates: table.candidates)
        let sample = min(table.count, 1000)
        let elapsed = ContinuousClock().measure {
            for row in 0..<sample {
                _ = model.decide(embedding: table.embeddings[row], features: table.features[row], objective: .balanced)
            }
        }
        let microseconds =
            Double(
                elapsed.components.attoseconds / 1_000_000_000_000 + elapsed.components.seconds
                    * 1_000_000) / Double(max(sample, 1))
        let mode = trainedOn ? "nested_cross_validation" : "held_out"
        if let svg {
            let singles = zip(table.candidates, evaluation.singleModels).map { (name: $0, point: $1) }
            let plot = QualityCostPlot(
                title: "\(URL(fileURLWithPath: data).deletingLastPathComponent().lastPathComponent) (\(mode))",
                router: points, oracle: evaluation.oracleCurve, singles: singles)
            try plot.svg.write(toFile: svg, atomically: true, encoding: .utf8)
        }
        if let curve {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode([
                "router": points, "oracle": evaluation.oracleCurve, "single_models": evaluation.singleModels,
            ])
            .write(to: URL(fileURLWithPath: curve))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var object = try JSONSerialization.jsonObject(with: encoder.encode(metrics)) as? [String: Any] ?? [:]
            object["mode"] = mode
            object["data"] = data
            object["predictor"] = model.provenance.settings.description
            object["decision_us_per_request"] = (microseconds * 10).rounded() / 10
            for key in [
                "cost_savings_at_95pct_quality", "cost_savings_at_100pct_quality",
                "oracle_cost_savings_at_95pct_quality", "oracle_cost_savings_at_100pct_quality",
            ] where object[key] == nil {
                object[key] = NSNull()
            }
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: encoded, as: UTF8.self))
        } else {
            print("router: \(router) (\(model.provenance.settings)); data: \(data)")
            RouterReport.printText(metrics, heading: mode.replacingOccurrences(of: "_", with: " "))
            print(String(format: "  decision time (embedding excluded): %.1f µs per request", microseconds))
        }
    }
}
