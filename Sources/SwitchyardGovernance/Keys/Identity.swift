import Foundation
import SwitchyardStore

/// Who is calling, once a virtual key has been authenticated. Carries no secret.
public struct Identity: Sendable, Hashable {
    /// The stored fields.
    @usableFromInline struct Fields: Sendable, Hashable {
        @usableFromInline var keyID: String
        @usableFromInline var keyPrefix: String
        @usableFromInline var tenantID: String
        @usableFromInline var teamID: String?
        @usableFromInline var principalID: String?
        @usableFromInline var scopes: Set<String>
        @usableFromInline var allowedModels: Set<String>
        @usableFromInline var allowedRegions: Set<String>
        @usableFromInline var budget: BudgetLimits?
        @usableFromInline var rateLimits: RateLimits
        @usableFromInline var tags: [String: String]
    }

    /// The fields, shared by copies and never mutated: an identity is copied several times per request (the
    /// request's context, the admission, the outcome), and a copy of its strings, sets and tags was a dozen
    /// reference-count operations; now it is one. Setting a field makes a new reference.
    @usableFromInline final class Storage: Sendable {
        @usableFromInline let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline var storage: Storage

    /// The key's identifier.
    @inlinable public var keyID: String {
        get { storage.fields.keyID }
        set { update { $0.keyID = newValue } }
    }
    /// The key's display prefix.
    @inlinable public var keyPrefix: String {
        get { storage.fields.keyPrefix }
        set { update { $0.keyPrefix = newValue } }
    }
    /// The tenant billed and isolated by.
    @inlinable public var tenantID: String {
        get { storage.fields.tenantID }
        set { update { $0.tenantID = newValue } }
    }
    /// The team, if the key belongs to one.
    @inlinable public var teamID: String? {
        get { storage.fields.teamID }
        set { update { $0.teamID = newValue } }
    }
    /// The user or service account, if any.
    @inlinable public var principalID: String? {
        get { storage.fields.principalID }
        set { update { $0.principalID = newValue } }
    }
    /// The key's scopes (`admin` manages its own tenant).
    @inlinable public var scopes: Set<String> {
        get { storage.fields.scopes }
        set { update { $0.scopes = newValue } }
    }
    /// Models the key may use; empty allows all.
    @inlinable public var allowedModels: Set<String> {
        get { storage.fields.allowedModels }
        set { update { $0.allowedModels = newValue } }
    }
    /// Regions the key may be served from; empty allows all.
    @inlinable public var allowedRegions: Set<String> {
        get { storage.fields.allowedRegions }
        set { update { $0.allowedRegions = newValue } }
    }
    /// The key's own budget.
    @inlinable public var budget: BudgetLimits? {
        get { storage.fields.budget }
        set { update { $0.budget = newValue } }
    }
    /// The key's own rate limits.
    @inlinable public var rateLimits: RateLimits {
        get { storage.fields.rateLimits }
        set { update { $0.rateLimits = newValue } }
    }
    /// The key's metadata tags.
    @inlinable public var tags: [String: String] {
        get { storage.fields.tags }
        set { update { $0.tags = newValue } }
    }

    /// The identity of a stored key.
    public init(key: VirtualKeyRecord) {
        storage = Storage(
            Fields(
                keyID: key.id, keyPrefix: key.prefix, tenantID: key.tenantID, teamID: key.teamID,
                principalID: key.principalID, scopes: Set(key.scopes), allowedModels: Set(key.allowedModels),
                allowedRegions: Set(key.allowedRegions), budget: key.budget, rateLimits: key.rateLimits, tags: key.tags))
    }

    /// Replaces the storage with a changed copy of its fields.
    @usableFromInline mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    /// Whether two identities have the same fields (at once when they share them).
    public static func == (lhs: Identity, rhs: Identity) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// Hashes the fields.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    /// The caller of a gateway that runs open (no keys required, loopback only): tenant `default`, no limits.
    public static let anonymous = Identity(
        key: VirtualKeyRecord(id: "open", hash: "", prefix: "open", tenantID: "default", name: "open access"))

    /// The scope that lets a key manage its own tenant through the admin API.
    public static let adminScope = "admin"
}

/// Who is calling the admin API.
public enum AdminCaller: Sendable, Hashable {
    /// The master key from the configuration: every tenant.
    case master
    /// A key with the `admin` scope: its own tenant only.
    case tenantAdmin(Identity)

    /// The tenant the caller is confined to; `nil` for the master key.
    public var tenantID: String? {
        switch self {
        case .master: return nil
        case .tenantAdmin(let identity): return identity.tenantID
        }
    }
}
