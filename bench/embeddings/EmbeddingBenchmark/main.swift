// Embedding benchmark: latency of one 64-token text and batched throughput, for the SIMD kernel and OpenBLAS.
// Built only when SWITCHYARD_EMBEDDING_BENCHMARK=1 (see Package.swift); run it through bench/embeddings/run.sh.
import Foundation
import SwitchyardEmbeddings

struct Options {
    var modelDirectory = URL(fileURLWithPath: "models/all-minilm-l6-v2")
    var backends = ["simd", "openblas"]
    var iterations = 300
    var tokens = 64

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--model": modelDirectory = URL(fileURLWithPath: iterator.next() ?? "")
            case "--backend": backends = (iterator.next() ?? "simd").split(separator: ",").map(String.init)
            case "--iterations": iterations = Int(iterator.next() ?? "") ?? iterations
            case "--tokens": tokens = Int(iterator.next() ?? "") ?? tokens
            default: FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
            }
        }
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}

/// Distinct texts that each tokenize to exactly `tokens` ids (special tokens included).
func texts(count: Int, tokens: Int, tokenizer: WordPieceTokenizer) -> [String] {
    let words = [
        "the", "gateway", "routes", "each", "request", "to", "a", "provider", "and", "caches", "answers",
        "whose", "prompts", "mean", "same", "thing", "latency", "budget", "retry", "stream", "token", "cost",
    ]
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { index in
        var text = "request \(index)"
        while tokenizer.encode(text, maxLength: 10_000).count < tokens {
            let candidate = text + " " + words.randomElement(using: &generator)!
            // "a" is one token: it fills the last slot when a random word would overshoot.
            text = tokenizer.encode(candidate, maxLength: 10_000).count <= tokens ? candidate : text + " a"
        }
        precondition(tokenizer.encode(text, maxLength: 10_000).count == tokens)
        return text
    }
}

func run(backendName: String, options: Options) throws -> String? {
    let backend: MatrixBackend
    var label = "SIMD Swift kernel"
    switch backendName {
    case "simd":
        backend = .simd
    case "openblas":
        guard let blas = OpenBLAS.load(threads: 1) else {
            return "| OpenBLAS | not installed (apt-get install libopenblas0) | | | | | |"
        }
        backend = .openBLAS(blas)
        label = "OpenBLAS \(blas.coreName), 1 thread"
    default:
        throw CocoaError(.featureUnsupported)
    }
    let loadStart = now()
    let embedder = try SentenceEmbedder(
        modelDirectory: options.modelDirectory, maxSequenceLength: 256, backend: backend)
    let loadMilliseconds = Double(now() - loadStart) / 1e6

    let single = texts(count: 1, tokens: options.tokens, tokenizer: embedder.tokenizer)[0]
    for _ in 0..<20 { _ = embedder.embed(single) }
    var samples: [Double] = []
    for _ in 0..<options.iterations {
        let start = now()
        _ = embedder.embed(single)
        samples.append(Double(now() - start) / 1e6)
    }
    samples.sort()

    var throughput: [String] = []
    let pool = texts(count: 32 * 8, tokens: options.tokens, tokenizer: embedder.tokenizer)
    for batchSize in [1, 8, 32] {
        let batches = stride(from: 0, to: pool.count, by: batchSize).map {
            Array(pool[$0..<min($0 + batchSize, pool.count)])
        }
        _ = embedder.embed(batch: batches[0])
        let start = now()
        var sentences = 0
        for batch in batches {
            sentences += embedder.embed(batch: batch).count
        }
        throughput.append(String(format: "%.0f", Double(sentences) / (Double(now() - start) / 1e9)))
    }
    return String(
        format: "| %@ | %.2f | %.2f | %.2f | %@ | %@ | %@ | %.0f |", label, percentile(samples, 0.5),
        percentile(samples, 0.9), percentile(samples, 0.99), throughput[0], throughput[1], throughput[2],
        loadMilliseconds)
}

let options = Options(arguments: CommandLine.arguments)
print("\(options.tokens)-token texts, \(options.iterations) timed single calls after 20 warm-up calls.")
print("Throughput: 256 distinct \(options.tokens)-token texts, embedded in batches of 1, 8 and 32.")
print("")
print("| backend | p50 ms | p90 ms | p99 ms | texts/s batch 1 | texts/s batch 8 | texts/s batch 32 | load ms |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for backend in options.backends {
    do {
        if let row = try run(backendName: backend, options: options) { print(row) }
    } catch {
        print("| \(backend) | failed: \(error) | | | | | | |")
    }
}
