import ArgumentParser
import Foundation
import SwitchyardRouting

/// `switchyard router train|eval`: build and measure the learned router.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router", abstract: "Train and evaluate the learned (quality/cost) router.",
        subcommands: [RouterTrainCommand.self, RouterEvalCommand.self])
}

/// `switchyard router train --data FILE... --out router.json [--folds 5]`.
struct RouterTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Choose the predictor by cross-validation, report nested cross-validated savings, write the router.")

    @Option(name: .long, parsing: .upToNextOption, help: "Routing data files (shared/data/routing-*/dev.jsonl).")
    var data: [String]

    @Option(name: .long, help: "Where to write the router JSON.")
    var out: String

    @Option(name: .long, help: "Cross-validation folds.") var folds = 5
    @Option(name: .long, help: "Most training vectors a kNN router stores.") var maxVectors = 3500

    @OptionGroup var options: RouterDataOptions

    func run() async throws {
        var tables: [RoutingTable] = []
        var files: [RouterProvenance.DataFile] = []
        for path in data {
            let (file, table) = try await options.load(path)
            guard tables.isEmpty || tables[0].candidates == table.candidates else {
                throw ValidationError("\(path) has other candidate models than \(data[0])")
            }
            tables.append(table)
            files.append(.init(path: path, sha256: file.sha256, rows: table.count))
        }
        guard var table = tables.first else { throw ValidationError("pass at least one --data file") }
        for more in tables.dropFirst() {
            table = RoutingTable(
                candidates: table.candidates, ids: table.ids + more.ids, embeddings: table.embeddings + more.embeddings,
                features: table.features + more.features, scores: table.scores + more.scores,
                costs: table.costs + more.costs)
        }
        let trainer = RouterTrainer(folds: folds, maxStoredVectors: maxVectors, workers: options.workers)
        let command = (["switchyard"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let result = await trainer.train(
            table, data: files, command: command, trainedAt: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(result.router).write(to: URL(fileURLWithPath: out))
        print("rows: \(table.count)  candidates: \(table.candidates.count)  folds: \(folds)")
        for entry in result.scores.sorted(by: { $0.score > $1.score }).prefix(5) {
            print(String(format: "  cv score %.4f  %@", entry.score, entry.settings.description))
        }
        print("chosen: \(result.router.provenance.settings)")
        RouterReport.printText(result.router.provenance.crossValidated, heading: "nested cross-validation")
        print("wrote \(out)")
    }
}

/// Text output shared by train and eval.
enum RouterReport {
    static func printText(_ metrics: RouterMetrics, heading: String) {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "not reached" }
        print(
            "\(heading): \(metrics.rows) rows; strongest \(metrics.strongestModel) quality "
                + String(format: "%.4f", metrics.strongestQuality))
        print(
            "  savings at 95% quality:  \(percent(metrics.costSavingsAt95pctQuality))"
                + "  (oracle \(percent(metrics.oracleCostSavingsAt95pctQuality)))")
        print(
            "  savings at 100% quality: \(percent(metrics.costSavingsAt100pctQuality))"
                + "  (oracle \(percent(metrics.oracleCostSavingsAt100pctQuality)))")
        print(
            String(
                format: "  at the 95%% point: router quality %.4f, random routing at equal cost %.4f",
                metrics.routerQualityAt95pctPoint, metrics.qualityAtEqualCostRandom))
        print(
            String(format: "  AUC %.4f (oracle %.4f, random %.4f)", metrics.auc, metrics.oracleAUC, metrics.randomAUC))
    }
}
