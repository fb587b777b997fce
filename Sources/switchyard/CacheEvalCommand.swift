import ArgumentParser
import Foundation
import SwitchyardCache

/// `switchyard cache eval --data FILE [--threshold T] [--verifier none|PATH] [--json] [--cv K]`.
struct CacheEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Precision and recall of cosine-only and verifier matching over thresholds.")

    @Option(name: .long, help: "Labelled pair file; an all-positive file gets shifted-pair negatives.")
    var data: String

    @Option(name: .long, help: "Operating threshold (default: the verifier's, or 0.90 for cosine only).")
    var threshold: Float?

    @Option(name: .long, help: "`none` for cosine only, or a verifier file (default: the shipped one).")
    var verifier: String?

    @Option(name: .long, help: "Score the data out-of-fold with K folds, retraining the verifier's settings.")
    var cv: Int?

    @Flag(name: .long, help: "Print one JSON object for the operating point.")
    var json = false

    @OptionGroup var options: CacheDataOptions

    func run() async throws {
        var dataset = try await options.load(data)
        let synthetic = !dataset.hasNegatives
        if synthetic { dataset.addShiftedNegatives() }
        let labels = dataset.labels
        let cosines = dataset.cosines
        let model: Verifier?
        switch verifier {
        case "none": model = nil
        case let path?: model = try Verifier(contentsOf: URL(fileURLWithPath: path))
        case nil:
            guard let bundled = Verifier.bundled() else {
                throw ValidationError("no shipped verifier; pass --verifier")
            }
            model = bundled
        }
        var scores = cosines
        if let model {
            let rows = dataset.features(model.features)
            let raw: [Float]
            if let cv {
                let trainer = VerifierTrainer(
                    hidden: model.hidden, epochs: Int(model.provenance["epochs"] ?? "") ?? 4,
                    learningRate: Float(model.provenance["learning_rate"] ?? "") ?? 0.003,
                    l2: Float(model.provenance["l2"] ?? "") ?? 1e-4)
                raw = await CrossValidation.outOfFoldScores(
                    rows: rows, labels: labels, folds: cv, trainer: trainer, blocks: model.blocks)
            } else {
                raw = rows.map { model.probability(features: $0) }
            }
            scores = zip(raw, cosines).map { $1 >= model.minimumCosine ? $0 : 0 }
        }
        let cut = threshold ?? model?.threshold ?? 0.90
        let point = OperatingPoint(scores: scores, labels: labels, threshold: cut)
        if json {
            let object: [String: Any] = [
                "threshold": Double(cut), "precision": point.precision, "recall": point.recall, "f1": point.f1,
                "pairs": point.pairs, "method": model == nil ? "cosine" : "verifier", "data": data,
                "cross_validated": cv != nil, "synthetic_negatives": synthetic,
            ]
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: encoded, as: UTF8.self))
            return
        }
        print("data: \(data)  pairs: \(point.pairs)\(synthetic ? " (half are shifted-pair negatives)" : "")")
        print("threshold | cosine P  R     | \(model == nil ? "" : "verifier P  R")")
        for t in stride(from: Float(0.50), through: 0.99, by: 0.04) {
            let c = OperatingPoint(scores: cosines, labels: labels, threshold: t)
            var line = String(format: "%9.2f | %8.3f %5.3f |", t, c.precision, c.recall)
            if model != nil {
                let v = OperatingPoint(scores: scores, labels: labels, threshold: t)
                line += String(format: " %10.3f %5.3f", v.precision, v.recall)
            }
            print(line)
        }
        if let c = OperatingPoint.best(scores: cosines, labels: labels, minimumPrecision: 0.90) {
            print(String(format: "cosine only at precision >= 0.90: threshold %.3f recall %.3f", c.threshold, c.recall))
        }
        print(
            String(
                format: "operating point (%@%@): threshold %.3f precision %.3f recall %.3f f1 %.3f",
                model == nil ? "cosine" : "verifier", cv.map { ", \($0)-fold out-of-fold" } ?? "", cut,
                point.precision, point.recall, point.f1))
    }
}
