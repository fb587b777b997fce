/// A value kept behind one reference and copied only when it is changed while shared.
///
/// For the value types a request carries from stage to stage (``ChatRequest``, ``Deployment``, the routing decision,
/// the usage record…): a copy of a struct of a dozen strings, arrays and dictionaries is a dozen atomic
/// reference-count operations and a memcpy of a few hundred bytes; a copy of this is one retain. The owner keeps its
/// fields in a plain struct and forwards each property to it, inlinably, so a read from another module is one load:
///
/// ```swift
/// public struct Deployment: Sendable, Hashable {
///     @usableFromInline struct Fields: Sendable, Hashable { @usableFromInline var id: String … }
///     @usableFromInline var storage: CopyOnWrite<Fields>
///     @inlinable public var id: String {
///         get { storage.value.id }
///         _modify { yield &storage.value.id }
///     }
/// }
/// ```
///
/// Equality and hashing are the value's (at once equal when two copies share the reference), so an owner whose only
/// stored property is its storage gets both synthesized. Mutation happens only through a uniquely referenced box:
/// copies never see each other's changes, which is what makes the box safe to send.
public struct CopyOnWrite<Value: Sendable>: Sendable {
    /// The reference that holds the value.
    @usableFromInline final class Box: @unchecked Sendable {
        @usableFromInline var value: Value
        @usableFromInline init(_ value: Value) { self.value = value }
    }

    @usableFromInline var box: Box

    /// Holds `value`.
    @inlinable public init(_ value: Value) {
        box = Box(value)
    }

    /// The value; changing it first copies it out of a box that other copies share.
    @inlinable public var value: Value {
        _read { yield box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }
}

extension CopyOnWrite: Equatable where Value: Equatable {
    /// Whether the values are equal (at once when both copies share one box).
    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.box === rhs.box || lhs.box.value == rhs.box.value
    }
}

extension CopyOnWrite: Hashable where Value: Hashable {
    /// Hashes the value.
    @inlinable public func hash(into hasher: inout Hasher) {
        hasher.combine(box.value)
    }
}
