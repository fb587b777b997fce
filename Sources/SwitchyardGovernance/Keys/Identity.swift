import Foundation
import SwitchyardStore

/// Who is calling, once a virtual key has been authenticated. Carries no secret.
public struct Identity: Sendable, Hashable {
    /// The key's identifier.
    public var keyID: String
    /// The key's display prefix.
    public var keyPrefix: String
    /// The tenant billed and isolated by.
    public var tenantID: String
    /// The team, if the key belongs to one.
    public var teamID: String?
    /// The user or service account, if any.
    public var principalID: String?
    /// The key's scopes (`admin` manages its own tenant).
    public var scopes: Set<String>
    /// Models the key may use; empty allows all.
    public var allowedModels: Set<String>
    /// Regions the key may be served from; empty allows all.
    public var allowedRegions: Set<String>
    /// The key's own budget.
    public var budget: BudgetLimits?
    /// The key's own rate limits.
    public var rateLimits: RateLimits
    /// The key's metadata tags.
    public var tags: [String: String]

    /// The identity of a stored key.
    public init(key: VirtualKeyRecord) {
        keyID = key.id
        keyPrefix = key.prefix
        tenantID = key.tenantID
        teamID = key.teamID
        principalID = key.principalID
        scopes = Set(key.scopes)
        allowedModels = Set(key.allowedModels)
        allowedRegions = Set(key.allowedRegions)
        budget = key.budget
        rateLimits = key.rateLimits
        tags = key.tags
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
