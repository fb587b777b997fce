import Foundation
import SwitchyardCore
import SwitchyardStore

/// Who is calling, once a virtual key has been authenticated. Carries no secret.
///
/// Its fields live behind one reference (``CopyOnWrite``): an identity is copied several times per request (the
/// request's context, the admission, the outcome), and a copy of its strings, sets and tags was a dozen
/// reference-count operations; now it is one.
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

    /// The fields, behind one reference (``CopyOnWrite``).
    @usableFromInline var storage: CopyOnWrite<Fields>

    /// The key's identifier.
    @inlinable public var keyID: String {
        get { storage.value.keyID }
        _modify { yield &storage.value.keyID }
    }
    /// The key's display prefix.
    @inlinable public var keyPrefix: String {
        get { storage.value.keyPrefix }
        _modify { yield &storage.value.keyPrefix }
    }
    /// The tenant billed and isolated by.
    @inlinable public var tenantID: String {
        get { storage.value.tenantID }
        _modify { yield &storage.value.tenantID }
    }
    /// The team, if the key belongs to one.
    @inlinable public var teamID: String? {
        get { storage.value.teamID }
        _modify { yield &storage.value.teamID }
    }
    /// The user or service account, if any.
    @inlinable public var principalID: String? {
        get { storage.value.principalID }
        _modify { yield &storage.value.principalID }
    }
    /// The key's scopes (`admin` manages its own tenant).
    @inlinable public var scopes: Set<String> {
        get { storage.value.scopes }
        _modify { yield &storage.value.scopes }
    }
    /// Models the key may use; empty allows all.
    @inlinable public var allowedModels: Set<String> {
        get { storage.value.allowedModels }
        _modify { yield &storage.value.allowedModels }
    }
    /// Regions the key may be served from; empty allows all.
    @inlinable public var allowedRegions: Set<String> {
        get { storage.value.allowedRegions }
        _modify { yield &storage.value.allowedRegions }
    }
    /// The key's own budget.
    @inlinable public var budget: BudgetLimits? {
        get { storage.value.budget }
        _modify { yield &storage.value.budget }
    }
    /// The key's own rate limits.
    @inlinable public var rateLimits: RateLimits {
        get { storage.value.rateLimits }
        _modify { yield &storage.value.rateLimits }
    }
    /// The key's metadata tags.
    @inlinable public var tags: [String: String] {
        get { storage.value.tags }
        _modify { yield &storage.value.tags }
    }

    /// The identity of a stored key.
    public init(key: VirtualKeyRecord) {
        storage = CopyOnWrite(
            Fields(
                keyID: key.id, keyPrefix: key.prefix, tenantID: key.tenantID, teamID: key.teamID,
                principalID: key.principalID, scopes: Set(key.scopes), allowedModels: Set(key.allowedModels),
                allowedRegions: Set(key.allowedRegions), budget: key.budget, rateLimits: key.rateLimits, tags: key.tags))
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
