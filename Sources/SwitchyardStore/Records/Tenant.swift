import Foundation

/// An organisation: the unit of isolation. Every team, principal, key and usage record belongs to one tenant.
public struct Tenant: Sendable, Hashable, Codable {
    /// The stable identifier, e.g. `ten_8f3a…`.
    public var id: String
    /// A display name.
    public var name: String
    /// The tenant-wide spending limits, if any.
    public var budget: BudgetLimits?
    /// The tenant-wide rate limits.
    public var rateLimits: RateLimits
    /// When the tenant was created.
    public var createdAt: Date

    /// Creates a tenant record.
    public init(
        id: String, name: String, budget: BudgetLimits? = nil, rateLimits: RateLimits = .init(),
        createdAt: Date = .init()
    ) {
        self.id = id
        self.name = name
        self.budget = budget
        self.rateLimits = rateLimits
        self.createdAt = createdAt
    }
}

/// A team inside a tenant. Keys may belong to a team, and teams carry their own budgets and limits.
public struct Team: Sendable, Hashable, Codable {
    /// The stable identifier, e.g. `team_41c2…`.
    public var id: String
    /// The owning tenant.
    public var tenantID: String
    /// A display name.
    public var name: String
    /// The team's spending limits, if any.
    public var budget: BudgetLimits?
    /// The team's rate limits.
    public var rateLimits: RateLimits
    /// When the team was created.
    public var createdAt: Date

    /// Creates a team record.
    public init(
        id: String, tenantID: String, name: String, budget: BudgetLimits? = nil, rateLimits: RateLimits = .init(),
        createdAt: Date = .init()
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.budget = budget
        self.rateLimits = rateLimits
        self.createdAt = createdAt
    }
}

/// A user or a service account: who a key was issued to.
public struct Principal: Sendable, Hashable, Codable {
    /// Whether the principal is a person or a machine.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A person.
        case user
        /// A machine identity (a CI job, a backend).
        case serviceAccount = "service_account"
    }

    /// The stable identifier, e.g. `usr_…`.
    public var id: String
    /// The owning tenant.
    public var tenantID: String
    /// The team, if the principal belongs to one.
    public var teamID: String?
    /// User or service account.
    public var kind: Kind
    /// A display name (or e-mail address).
    public var name: String
    /// When the principal was created.
    public var createdAt: Date

    /// Creates a principal record.
    public init(
        id: String, tenantID: String, teamID: String? = nil, kind: Kind, name: String, createdAt: Date = .init()
    ) {
        self.id = id
        self.tenantID = tenantID
        self.teamID = teamID
        self.kind = kind
        self.name = name
        self.createdAt = createdAt
    }
}
