import ArgumentParser
import Foundation
import SwitchyardRouting

/// A routing data file as laid out in `shared/data/routing-*`: `dev.jsonl` rows with per-model scores and costs,
/// and `models.json` beside it with prices.
///
/// Scores on a 1–10 scale are divided by 10; a missing score takes the model's mean over the file. A row
/// without a recorded cost gets `input tokens × input price + output tokens × output price`, with tokens from
/// the row when present, else characters / 4, and 256 output tokens when nothing else is known.
struct RoutingDataFile {
    struct Row: Decodable {
        var id: String
        var prompt: String
        var scores: [String: Double?]
        var scoreScale: String?
        var costUSD: [String: Double?]?
        var tokens: [String: Tokens]?
        var responseChars: [String: Int]?
        var promptTurns: Int?
        var turns: [String]?

        struct Tokens: Decodable {
            var input: Double?
            var output: Double?
        }

        enum CodingKeys: String, CodingKey {
            case id, prompt, scores, tokens, turns
            case scoreScale = "score_scale"
            case costUSD = "cost_usd"
            case responseChars = "response_chars"
            case promptTurns = "prompt_turns"
        }
    }

    struct ModelInfo: Decodable {
        var model: String
        var priceInputUSDPerMTok: Double?
        var priceOutputUSDPerMTok: Double?

        enum CodingKeys: String, CodingKey {
            case model
            case priceInputUSDPerMTok = "price_input_usd_per_mtok"
            case priceOutputUSDPerMTok = "price_output_usd_per_mtok"
        }
    }

    /// List prices (USD per million input/output tokens) for models whose data file gives none: OpenAI's list price
    /// for GPT-4 Turbo (1106) and the gateway's catalogue price for Mixtral 8x7B.
    static let fallbackPrices: [String: (Double, Double)] = [
        "gpt-4-1106-preview": (10, 30), "mistralai/Mixtral-8x7B-Instruct-v0.1": (0.6, 0.6),
    ]

    let path: String
    let sha256: String
    let candidates: [String]
    let ids: [String]
    let embeddingTexts: [String]
    let features: [PromptFeatures]
    let scores: [[Double]]
    let costs: [[Double]]

    /// Reads `path` (and `models.json` in its directory, when present).
    ///
    /// - Throws: `ValidationError` when a model has neither recorded costs nor a price.
    init(path: String, prices: [String: (Double, Double)] = [:]) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        self.path = path
        sha256 = SHA256Digest.hex(data)
        let decoder = JSONDecoder()
        let rows = try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(Row.self, from: Data($0)) }
        let modelsURL = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("models.json")
        let infos = (try? decoder.decode([ModelInfo].self, from: Data(contentsOf: modelsURL))) ?? []
        let candidates = infos.isEmpty ? Set(rows.flatMap(\.scores.keys)).sorted() : infos.map(\.model)
        self.candidates = candidates
        var price: [String: (Double, Double)] = Self.fallbackPrices
        for info in infos {
            if let input = info.priceInputUSDPerMTok, let output = info.priceOutputUSDPerMTok {
                price[info.model] = (input, output)
            }
        }
        price.merge(prices) { $1 }
        ids = rows.map(\.id)
        embeddingTexts = rows.map { PromptFeatures.embeddingText(lastUserTurn: $0.turns?.last ?? $0.prompt) }
        features = rows.map { PromptFeatures(text: $0.prompt, conversationDepth: $0.turns?.count ?? $0.promptTurns) }
        let raw = rows.map { row in
            candidates.map { model in
                row.scores[model].flatMap { $0 }.map { (row.scoreScale ?? "").contains("1-10") ? $0 / 10 : $0 }
            }
        }
        let means = candidates.indices.map { m in
            let known = raw.compactMap { $0[m] }
            return known.isEmpty ? 0 : known.reduce(0, +) / Double(known.count)
        }
        scores = raw.map { row in row.indices.map { row[$0] ?? means[$0] } }
        costs = try rows.map { row in
            try candidates.map { model in
                if let recorded = row.costUSD?[model] ?? nil { return recorded }
                guard let (input, output) = price[model] else {
                    throw ValidationError("\(path): no cost or price for \(model); pass --price '\(model)=IN/OUT'")
                }
                let inputTokens = row.tokens?[model]?.input ?? Double(row.prompt.count) / 4
                let outputTokens =
                    row.tokens?[model]?.output ?? row.responseChars?[model].map { Double($0) / 4 } ?? 256
                return (inputTokens * input + outputTokens * output) / 1_000_000
            }
        }
    }

    /// The rows as a routing table, with embeddings from `embed`.
    func table(embeddings: [[Float]]) -> RoutingTable {
        RoutingTable(
            candidates: candidates, ids: ids, embeddings: embeddings, features: features, scores: scores, costs: costs)
    }
}
