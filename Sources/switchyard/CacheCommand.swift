import ArgumentParser
import Foundation
import SwitchyardCache

/// `switchyard cache train|eval`: build and measure the semantic cache's verifier.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Train and evaluate the semantic cache verifier.",
        subcommands: [CacheTrainCommand.self, CacheEvalCommand.self, CacheBenchCommand.self])
}

/// Options shared by the cache subcommands.
struct CacheDataOptions: ParsableArguments {
    @Option(name: .long, help: "Model directory (default: $SWITCHYARD_EMBEDDING_MODEL or models/all-minilm-l6-v2).")
    var modelDir: String?

    @Option(name: .long, help: "Directory for cached per-sentence embeddings.")
    var workDir = "bench/.work/cache-embeddings"

    func load(_ path: String) async throws -> PairDataset {
        try await PairDataset.loadEmbedded(path: path, modelDirectory: modelDir, cacheDirectory: workDir)
    }
}

/// `switchyard cache train --data FILE... --out verifier.json`.
struct CacheTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the verifier with k-fold cross-validation and calibrate its threshold.")

    @Option(name: .long, parsing: .upToNextOption, help: "Labelled pair files (JSON Lines: text_a, text_b, label).")
    var data: [String]

    @Option(name: .long, help: "Where to write the verifier.")
    var out: String

    @Option(name: .long, help: "Cross-validation folds.") var folds = 5
    @Option(name: .long, help: "Hidden units (0: logistic regression).") var hidden = 16
    @Option(name: .long, help: "Training epochs.") var epochs = 4
    @Option(name: .long, help: "Embedding blocks per interaction vector.") var blocks = 96
    @Option(name: .long, help: "L2 penalty.") var l2: Float = 1e-4
    @Option(name: .long, help: "Adam learning rate.") var learningRate: Float = 0.003
    @Option(name: .long, help: "Cross-validated precision the default threshold must reach.")
    var targetPrecision = 0.91
    @Option(name: .long, help: "Stage-1 cosine floor.") var minCosine: Float = 0.6
    @OptionGroup var options: CacheDataOptions

    func run() async throws {
        var rows: [[Float]] = []
        var labels: [Bool] = []
        var cosines: [Float] = []
        let extractor = PairFeatures(blocks: blocks)
        for path in data {
            let dataset = try await options.load(path)
            rows += dataset.features(extractor)
            labels += dataset.labels
            cosines += dataset.cosines
        }
        let trainer = VerifierTrainer(hidden: hidden, epochs: epochs, learningRate: learningRate, l2: l2)
        let scores = await CrossValidation.outOfFoldScores(
            rows: rows, labels: labels, folds: folds, trainer: trainer, blocks: blocks)
        let gated = zip(scores, cosines).map { $1 >= minCosine ? $0 : 0 }
        guard let point = OperatingPoint.best(scores: gated, labels: labels, minimumPrecision: targetPrecision) else {
            throw ValidationError("no threshold reaches precision \(targetPrecision) in cross-validation")
        }
        var verifier = trainer.train(rows: rows, labels: labels, blocks: blocks)
        verifier.threshold = point.threshold
        verifier.minimumCosine = minCosine
        verifier.provenance = [
            "command": "switchyard cache train " + CommandLine.arguments.dropFirst(3).joined(separator: " "),
            "data": data.joined(separator: " "),
            "cv": "\(folds)-fold: threshold \(point.threshold) precision \(fmt(point.precision)) "
                + "recall \(fmt(point.recall)) f1 \(fmt(point.f1)) pairs \(point.pairs)",
            "hidden": "\(hidden)", "epochs": "\(epochs)", "folds": "\(folds)", "l2": "\(l2)",
            "learning_rate": "\(learningRate)",
        ]
        try verifier.write(to: URL(fileURLWithPath: out))
        print("wrote \(out): \(verifier.provenance["cv"] ?? "")")
    }
}

func fmt(_ value: Double) -> String { String(format: "%.3f", value) }
