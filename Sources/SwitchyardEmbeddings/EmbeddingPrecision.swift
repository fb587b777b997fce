/// The arithmetic of the encoder's dense layers.
///
/// LayerNorm, softmax, GELU and attention always run in `Float`; this chooses how the four dense layers of each
/// transformer block multiply. ``float32`` and ``int16`` both match the reference model to cosine ≥ 0.999 on every
/// fixture sentence (0.999999 and 0.99999); ``int16`` is about 1.6x faster per text on an AVX2 core, so it is the
/// default (``preferred``) where its AVX2 kernel runs. ``int8`` is faster still (about 2.1x) but reaches only about
/// 0.987 on the worst fixture sentence, so it is an option for callers that trade accuracy for speed. Measurements:
/// `bench/results/embeddings-int8-2026-11-25.md`.
public enum EmbeddingPrecision: Sendable, Hashable, CustomStringConvertible {
    /// Every dense layer in `Float` (the SIMD kernel).
    case float32
    /// Dense layers in int8 (7-bit weights per output channel, 8-bit activations per token, int32 sums) through the
    /// AVX2 kernel (a portable C loop elsewhere), except any layers kept in `Float` for accuracy.
    case int8
    /// Dense layers in 16-bit integer arithmetic (12-bit weights per output channel, 14-bit activations per token,
    /// AVX2 `vpmaddwd`; a portable C loop elsewhere): about twice as fast as ``float32`` on an AVX2 core and within
    /// the reference accuracy bar (see `bench/results/embeddings-int8-2026-11-25.md`).
    case int16

    /// Whether ``int8`` runs the AVX2 kernel here (x86-64); elsewhere a portable loop, slower than ``float32``.
    public static var isInt8Accelerated: Bool { Int8Weights.isAccelerated }

    /// Whether ``int16`` runs the AVX2 kernel here (x86-64); elsewhere a portable loop, slower than ``float32``.
    public static var isInt16Accelerated: Bool { Int16Weights.isAccelerated }

    /// The default: ``int16`` where its AVX2 kernel runs, else ``float32``; both meet the reference accuracy bar.
    public static var preferred: EmbeddingPrecision { isInt16Accelerated ? .int16 : .float32 }

    public var description: String {
        switch self {
        case .float32: "float32"
        case .int8: "int8"
        case .int16: "int16"
        }
    }
}

/// Which dense layers run in int8 when the precision is ``EmbeddingPrecision/int8``.
struct QuantizationPlan: Sendable, Hashable {
    /// The four dense layers of a transformer block.
    enum Kind: Sendable, Hashable, CaseIterable {
        case attentionInput, attentionOutput, intermediate, output
    }

    /// The integer kernel the quantised layers use.
    enum Arithmetic: Sendable, Hashable {
        /// ``Int8Weights``.
        case int8
        /// ``Int16Weights`` with these levels.
        case int16(Int16Weights.Levels)
    }

    /// The integer kernel of the quantised layers.
    var arithmetic: Arithmetic = .int8
    /// Kinds kept in `Float` in every block.
    var floatKinds: Set<Kind> = []
    /// Blocks kept entirely in `Float`.
    var floatBlocks: Set<Int> = []

    /// Every dense layer in `Float`.
    static let none = QuantizationPlan(floatKinds: Set(Kind.allCases))
    /// Every dense layer in int8.
    static let all = QuantizationPlan()

    /// The plan for a precision.
    static func plan(for precision: EmbeddingPrecision) -> QuantizationPlan {
        switch precision {
        case .float32: .none
        case .int8: .all
        case .int16: QuantizationPlan(arithmetic: .int16(.standard))
        }
    }

    func quantizes(_ kind: Kind, block: Int) -> Bool {
        !floatKinds.contains(kind) && !floatBlocks.contains(block)
    }
}
