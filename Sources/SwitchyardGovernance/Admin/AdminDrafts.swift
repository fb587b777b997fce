import Foundation
import SwitchyardStore

/// `POST /admin/v1/tenants` body.
public struct TenantDraft: Sendable, Codable {
    /// Display name.
    public var name: String
    /// Tenant-wide budget.
    public var budget: BudgetLimits?
    /// Tenant-wide requests per minute.
    public var rpm: Int?
    /// Tenant-wide tokens per minute.
    public var tpm: Int?

    /// Creates a draft.
    public init(name: String, budget: BudgetLimits? = nil, rpm: Int? = nil, tpm: Int? = nil) {
        self.name = name
        self.budget = budget
        self.rpm = rpm
        self.tpm = tpm
    }
}

/// `POST /admin/v1/teams` body.
public struct TeamDraft: Sendable, Codable {
    /// The tenant; a tenant admin may omit it (their own).
    public var tenantID: String?
    /// Display name.
    public var name: String
    /// Team budget.
    public var budget: BudgetLimits?
    /// Team requests per minute.
    public var rpm: Int?
    /// Team tokens per minute.
    public var tpm: Int?

    /// Creates a draft.
    public init(tenantID: String? = nil, name: String, budget: BudgetLimits? = nil, rpm: Int? = nil, tpm: Int? = nil) {
        self.tenantID = tenantID
        self.name = name
        self.budget = budget
        self.rpm = rpm
        self.tpm = tpm
    }

    enum CodingKeys: String, CodingKey {
        case name, budget, rpm, tpm
        case tenantID = "tenant_id"
    }
}

/// `POST /admin/v1/users` body (users and service accounts).
public struct PrincipalDraft: Sendable, Codable {
    /// The tenant; a tenant admin may omit it.
    public var tenantID: String?
    /// The team, if any.
    public var teamID: String?
    /// `user` or `service_account`.
    public var kind: Principal.Kind
    /// Name or e-mail address.
    public var name: String

    /// Creates a draft.
    public init(tenantID: String? = nil, teamID: String? = nil, kind: Principal.Kind, name: String) {
        self.tenantID = tenantID
        self.teamID = teamID
        self.kind = kind
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case kind, name
        case tenantID = "tenant_id"
        case teamID = "team_id"
    }
}

/// `POST /admin/v1/keys` body; also, with every field optional, `PATCH /admin/v1/keys/{id}` (absent = unchanged).
public struct KeyDraft: Sendable, Codable {
    /// The tenant; a tenant admin may omit it.
    public var tenantID: String?
    /// The team, if any (must be the tenant's).
    public var teamID: String?
    /// The user or service account, if any (must be the tenant's).
    public var principalID: String?
    /// Display name.
    public var name: String?
    /// Scopes; `admin` lets the key manage its own tenant.
    public var scopes: [String]?
    /// Allowed public models; empty or absent allows all.
    public var models: [String]?
    /// Allowed regions; empty or absent allows all.
    public var regions: [String]?
    /// The key's budget.
    public var budget: BudgetLimits?
    /// Requests per minute.
    public var rpm: Int?
    /// Tokens per minute.
    public var tpm: Int?
    /// Expiry (ISO 8601).
    public var expiresAt: Date?
    /// Metadata tags.
    public var tags: [String: String]?
    /// Enabled flag (updates only).
    public var enabled: Bool?

    /// Creates a draft.
    public init(
        tenantID: String? = nil, teamID: String? = nil, principalID: String? = nil, name: String? = nil,
        scopes: [String]? = nil, models: [String]? = nil, regions: [String]? = nil, budget: BudgetLimits? = nil,
        rpm: Int? = nil, tpm: Int? = nil, expiresAt: Date? = nil, tags: [String: String]? = nil, enabled: Bool? = nil
    ) {
        self.tenantID = tenantID
        self.teamID = teamID
        self.principalID = principalID
        self.name = name
        self.scopes = scopes
        self.models = models
        self.regions = regions
        self.budget = budget
        self.rpm = rpm
        self.tpm = tpm
        self.expiresAt = expiresAt
        self.tags = tags
        self.enabled = enabled
    }

    enum CodingKeys: String, CodingKey {
        case name, scopes, models, regions, budget, rpm, tpm, tags, enabled
        case tenantID = "tenant_id"
        case teamID = "team_id"
        case principalID = "principal_id"
        case expiresAt = "expires_at"
    }
}

/// A key as the admin API shows it: never the hash, and the secret only once (``CreatedKey``).
public struct KeyView: Sendable, Codable, Hashable {
    /// Fields of the stored key.
    public var id: String, prefix: String, tenantID: String, teamID: String?, principalID: String?, name: String
    /// Scopes, models, regions.
    public var scopes: [String], models: [String], regions: [String]
    /// Budget and limits.
    public var budget: BudgetLimits?, rpm: Int?, tpm: Int?
    /// Expiry, tags, state, times.
    public var expiresAt: Date?, tags: [String: String], enabled: Bool, createdAt: Date, updatedAt: Date

    /// The view of a stored key.
    public init(_ key: VirtualKeyRecord) {
        id = key.id
        prefix = key.prefix
        tenantID = key.tenantID
        teamID = key.teamID
        principalID = key.principalID
        name = key.name
        scopes = key.scopes
        models = key.allowedModels
        regions = key.allowedRegions
        budget = key.budget
        rpm = key.rateLimits.rpm
        tpm = key.rateLimits.tpm
        expiresAt = key.expiresAt
        tags = key.tags
        enabled = key.enabled
        createdAt = key.createdAt
        updatedAt = key.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, prefix, name, scopes, models, regions, budget, rpm, tpm, tags, enabled
        case tenantID = "tenant_id"
        case teamID = "team_id"
        case principalID = "principal_id"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A key just created or rotated: the view plus the secret, shown this once.
public struct CreatedKey: Sendable, Codable, Hashable {
    /// The secret (`sk-sy-…`). Not stored; cannot be shown again.
    public var key: String
    /// The key's fields.
    public var view: KeyView

    /// Encodes the view's fields with `key` beside them.
    public func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var container = encoder.container(keyedBy: SecretKey.self)
        try container.encode(key, forKey: .key)
    }

    /// Decodes a created key.
    public init(from decoder: any Decoder) throws {
        view = try KeyView(from: decoder)
        key = try decoder.container(keyedBy: SecretKey.self).decode(String.self, forKey: .key)
    }

    init(key: String, view: KeyView) {
        self.key = key
        self.view = view
    }

    private enum SecretKey: String, CodingKey { case key }
}

/// One scope's budget state, for `GET /admin/v1/budgets`.
public struct BudgetStatus: Sendable, Codable, Hashable {
    /// `key`, `team` or `tenant`.
    public var scope: String
    /// Its id.
    public var scopeID: String
    /// Its limits.
    public var limits: BudgetLimits
    /// Spent today, this month and in total (US dollars).
    public var spentDaily: Double, spentMonthly: Double, spentTotal: Double

    enum CodingKeys: String, CodingKey {
        case scope, limits
        case scopeID = "scope_id"
        case spentDaily = "spent_daily"
        case spentMonthly = "spent_monthly"
        case spentTotal = "spent_total"
    }
}
