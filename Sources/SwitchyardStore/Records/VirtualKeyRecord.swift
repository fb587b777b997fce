import Foundation

/// A virtual key as stored: never the secret itself, only its SHA-256 hash and a short display prefix.
public struct VirtualKeyRecord: Sendable, Hashable, Codable {
    /// The stable identifier, e.g. `key_1b9e…`. Survives rotation.
    public var id: String
    /// The lowercase hex SHA-256 of the full secret.
    public var hash: String
    /// The first characters of the secret (`sk-sy-AbCd`), for display and support.
    public var prefix: String
    /// The owning tenant.
    public var tenantID: String
    /// The owning team, if any.
    public var teamID: String?
    /// The user or service account the key was issued to, if any.
    public var principalID: String?
    /// A display name.
    public var name: String
    /// What the key may do besides calling models: `admin` manages its own tenant.
    public var scopes: [String]
    /// Public model names the key may use; empty allows all.
    public var allowedModels: [String]
    /// Regions the key may be served from; empty allows all.
    public var allowedRegions: [String]
    /// The key's own spending limits.
    public var budget: BudgetLimits?
    /// The key's own rate limits.
    public var rateLimits: RateLimits
    /// When the key stops working, if ever.
    public var expiresAt: Date?
    /// Free-form metadata tags.
    public var tags: [String: String]
    /// Whether the key may be used.
    public var enabled: Bool
    /// When the key was created.
    public var createdAt: Date
    /// When the key was last changed (updated, disabled or rotated).
    public var updatedAt: Date

    /// Creates a key record.
    public init(
        id: String, hash: String, prefix: String, tenantID: String, teamID: String? = nil, principalID: String? = nil,
        name: String, scopes: [String] = [], allowedModels: [String] = [], allowedRegions: [String] = [],
        budget: BudgetLimits? = nil, rateLimits: RateLimits = .init(), expiresAt: Date? = nil,
        tags: [String: String] = [:], enabled: Bool = true, createdAt: Date = .init(), updatedAt: Date? = nil
    ) {
        self.id = id
        self.hash = hash
        self.prefix = prefix
        self.tenantID = tenantID
        self.teamID = teamID
        self.principalID = principalID
        self.name = name
        self.scopes = scopes
        self.allowedModels = allowedModels
        self.allowedRegions = allowedRegions
        self.budget = budget
        self.rateLimits = rateLimits
        self.expiresAt = expiresAt
        self.tags = tags
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}
