/// A ``RouterExplanation`` kept out of line: one reference where the explanation itself is 257 bytes.
///
/// ``RoutingDecision`` and ``RequestFeatures`` carry an explanation only when a learned router chose the model, but
/// inline its size is paid by every copy of them, `nil` or not: in the async frames that wait for a stream's first
/// token (the routing engine's result, the request's features) and in every open stream's relay. Immutable; a
/// changed explanation is a new box.
@usableFromInline final class RouterExplanationBox: Sendable, Hashable {
    let explanation: RouterExplanation

    init(_ explanation: RouterExplanation) {
        self.explanation = explanation
    }

    @usableFromInline static func == (lhs: RouterExplanationBox, rhs: RouterExplanationBox) -> Bool {
        lhs.explanation == rhs.explanation
    }

    @usableFromInline func hash(into hasher: inout Hasher) {
        hasher.combine(explanation)
    }
}
