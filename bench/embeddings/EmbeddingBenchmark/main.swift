// Embedding benchmark: latency of one 64-token text and batched throughput, SIMD kernel against OpenBLAS and
// against the int8 dense layers (backend `int8`).
// Built only when SWITCHYARD_EMBEDDING_BENCHMARK=1 (see Package.swift); run it through bench/embeddings/run.sh.
import Foundation
import SwitchyardEmbeddings

struct Options {
    var modelDirectory = URL(fileURLWithPath: "models/all-minilm-l6-v2")
    var backends = ["simd", "openblas"]
    var iterations = 300
    var tokens = 64
    /// The reference fixture (`Tests/SwitchyardEmbeddingsTests/Fixtures/reference-sentences.json`): when given,
    /// each backend's lowest and mean cosine to it are reported too.
    var fixture: String?
    /// With `--fixture`: stop after the accuracy table.
    var accuracyOnly = false

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--model": modelDirectory = URL(fileURLWithPath: iterator.next() ?? "")
            case "--backend": backends = (iterator.next() ?? "simd").split(separator: ",").map(String.init)
            case "--iterations": iterations = Int(iterator.next() ?? "") ?? iterations
            case "--tokens": tokens = Int(iterator.next() ?? "") ?? tokens
            case "--fixture": fixture = iterator.next()
            case "--accuracy-only": accuracyOnly = true
            default: FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
            }
        }
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// CPU time of the calling thread: unlike wall time, it does not grow while other processes hold the core.
func cpuNow() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

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

struct Contender {
    var label: String
    var embedder: SentenceEmbedder
    var loadMilliseconds: Double
    var latencies: [Double] = []
    var cpuLatencies: [Double] = []
    var throughput: [Int: Double] = [:]
    var cpuThroughput: [Int: Double] = [:]
}

func load(backendName: String, options: Options) throws -> Contender? {
    var backend = MatrixBackend.simd
    var precision = EmbeddingPrecision.float32
    var label = "SIMD Swift kernel"
    switch backendName {
    case "simd":
        backend = .simd
    case "int8":
        precision = .int8
        label = EmbeddingPrecision.isInt8Accelerated ? "int8 C kernel (AVX2)" : "int8 C kernel (portable)"
    case "int16":
        precision = .int16
        label = EmbeddingPrecision.isInt16Accelerated ? "int16 C kernel (AVX2)" : "int16 C kernel (portable)"
    case let name where name.hasPrefix("int16:"):
        // int16:WEIGHT_LEVELS:ACTIVATION_LEVELS[:FLOAT_BLOCK...], e.g. int16:127:32767 or int16:2047:32767:0:5
        let fields = name.split(separator: ":").dropFirst().compactMap { Int32($0) }
        guard fields.count >= 2 else { throw CocoaError(.featureUnsupported) }
        let start = now()
        let embedder = try SentenceEmbedder(
            modelDirectory: options.modelDirectory, int16WeightLevels: fields[0], activationLevels: fields[1],
            floatBlocks: Set(fields.dropFirst(2).map(Int.init)))
        return Contender(label: name, embedder: embedder, loadMilliseconds: Double(now() - start) / 1e6)
    case "openblas":
        guard let blas = OpenBLAS.load(threads: 1) else {
            print("OpenBLAS is not installed (apt-get install libopenblas0); skipped.")
            return nil
        }
        backend = .openBLAS(blas)
        label = "OpenBLAS \(blas.coreName), 1 thread"
    default:
        throw CocoaError(.featureUnsupported)
    }
    let start = now()
    let embedder = try SentenceEmbedder(modelDirectory: options.modelDirectory, backend: backend, precision: precision)
    return Contender(label: label, embedder: embedder, loadMilliseconds: Double(now() - start) / 1e6)
}

let options = Options(arguments: CommandLine.arguments)
var contenders = try options.backends.compactMap { try load(backendName: $0, options: options) }
guard let tokenizer = contenders.first?.embedder.tokenizer else { exit(1) }
let single = texts(count: 1, tokens: options.tokens, tokenizer: tokenizer)[0]
let pool = texts(count: 64, tokens: options.tokens, tokenizer: tokenizer)
let batchSizes = [1, 8, 32]

if let path = options.fixture {
    struct Fixture: Decodable {
        struct Sentence: Decodable {
            var text: String
            var embedding: [Float]
        }
        var sentences: [Sentence]
    }
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    print("Accuracy: cosine to the reference over \(fixture.sentences.count) fixture sentences.")
    print("")
    print("| backend | lowest cosine | mean cosine | sentences under 0.999 |")
    print("| --- | --- | --- | --- |")
    for contender in contenders {
        let vectors = contender.embedder.embed(batch: fixture.sentences.map(\.text))
        let cosines = zip(vectors, fixture.sentences).map { vector, sentence in
            zip(vector, sentence.embedding).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                / max(sentence.embedding.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        }
        let mean = cosines.reduce(0, +) / Float(cosines.count)
        print(
            String(
                format: "| %@ | %.6f | %.6f | %d |", contender.label, cosines.min() ?? 0, mean,
                cosines.filter { $0 < 0.999 }.count))
    }
    print("")
    if options.accuracyOnly { exit(0) }
}
let rounds = 3

// Backends alternate call by call, so that other load on the machine affects them alike.
for index in contenders.indices {
    for _ in 0..<20 { _ = contenders[index].embedder.embed(single) }
}
for _ in 0..<options.iterations {
    for index in contenders.indices {
        let start = now()
        let cpuStart = cpuNow()
        _ = contenders[index].embedder.embed(single)
        contenders[index].cpuLatencies.append(Double(cpuNow() - cpuStart) / 1e6)
        contenders[index].latencies.append(Double(now() - start) / 1e6)
    }
}
for batchSize in batchSizes {
    let batches = stride(from: 0, to: pool.count, by: batchSize).map {
        Array(pool[$0..<min($0 + batchSize, pool.count)])
    }
    for _ in 0..<rounds {
        for index in contenders.indices {
            let start = now()
            let cpuStart = cpuNow()
            for batch in batches { _ = contenders[index].embedder.embed(batch: batch) }
            let cpuRate = Double(pool.count) / (Double(cpuNow() - cpuStart) / 1e9)
            let rate = Double(pool.count) / (Double(now() - start) / 1e9)
            contenders[index].throughput[batchSize] = max(contenders[index].throughput[batchSize] ?? 0, rate)
            contenders[index].cpuThroughput[batchSize] = max(
                contenders[index].cpuThroughput[batchSize] ?? 0, cpuRate)
        }
    }
}

print("\(options.tokens)-token texts. Latency: \(options.iterations) `embed(_:)` calls per backend after 20 warm-ups.")
print("Throughput: 64 distinct \(options.tokens)-token texts through `embed(batch:)`, best of \(rounds) rounds.")
print("Backends alternate call by call (latency) and round by round (throughput).")
print("CPU columns count the thread's CPU time only (robust when other work shares the core); wall columns do not.")
print("")
print("| backend | p50 ms CPU | p90 ms CPU | p50 ms wall | p90 ms wall | p99 ms wall | load ms |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for contender in contenders {
    let cpu = contender.cpuLatencies.sorted()
    let wall = contender.latencies.sorted()
    print(
        String(
            format: "| %@ | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |", contender.label, percentile(cpu, 0.5),
            percentile(cpu, 0.9), percentile(wall, 0.5), percentile(wall, 0.9), percentile(wall, 0.99),
            contender.loadMilliseconds))
}
print("")
print("| backend | texts/s batch 1 (CPU / wall) | texts/s batch 8 (CPU / wall) | texts/s batch 32 (CPU / wall) |")
print("| --- | --- | --- | --- |")
for contender in contenders {
    let cells = batchSizes.map { size in
        String(format: "%.0f / %.0f", contender.cpuThroughput[size] ?? 0, contender.throughput[size] ?? 0)
    }
    print("| \(contender.label) | \(cells.joined(separator: " | ")) |")
}
