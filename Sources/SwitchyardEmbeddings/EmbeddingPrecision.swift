/// The arithmetic of the encoder's dense layers.
///
/// LayerNorm, softmax, GELU and attention always run in `Float`; this chooses how the four dense layers of each
/// transformer block multiply. ``float32`` is the default: it matches the reference model to cosine ≥ 0.999 on every
/// fixture sentence. ``int8`` is faster (about 1.6x per text on an AVX2 core, see
/// `bench/results/embeddings-int8-2026-11-25.md`) but reaches only about 0.987 on the worst fixture sentence, so it
/// is an option for callers that trade accuracy for speed.
public enum EmbeddingPrecision: Sendable, Hashable, CustomStringConvertible {
    /// Every dense layer in `Float` (the SIMD kernel).
    case float32
    /// Dense layers in int8 (7-bit weights per output channel, 8-bit activations per token, int32 sums) through the
    /// AVX2 kernel (a portable C loop elsewhere), except any layers kept in `Float` for accuracy.
    case int8

    /// Whether ``int8`` runs the AVX2 kernel here (x86-64); elsewhere a portable loop, slower than ``float32``.
    public static var isInt8Accelerated: Bool { Int8Weights.isAccelerated }

    public var description: String {
        switch self {
        case .float32: "float32"
        case .int8: "int8"
        }
    }
}

/// Which dense layers run in int8 when the precision is ``EmbeddingPrecision/int8``.
struct QuantizationPlan: Sendable, Hashable {
    /// The four dense layers of a transformer block.
    enum Kind: Sendable, Hashable, CaseIterable {
        case attentionInput, attentionOutput, intermediate, output
    }

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
        }
    }

    func quantizes(_ kind: Kind, block: Int) -> Bool {
        !floatKinds.contains(kind) && !floatBlocks.contains(block)
    }
}
