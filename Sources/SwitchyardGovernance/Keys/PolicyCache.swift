import Synchronization
import SwitchyardStore

/// The in-memory copy of keys, tenants and teams that the hot path reads, so authentication and admission never
/// touch the database.
///
/// Loaded from the store at start-up (``load(from:)``) and kept current by the admin service, which writes the store
/// first and the cache second. With several replicas, call ``load(from:)`` periodically.
public final class PolicyCache: Sendable {
    struct State {
        var keysByHash: [String: VirtualKeyRecord] = [:]
        var hashByKeyID: [String: String] = [:]
        var tenants: [String: Tenant] = [:]
        var teams: [String: Team] = [:]
    }

    private let state = Mutex(State())

    /// An empty cache.
    public init() {}

    /// Replaces the cache with the store's keys, tenants and teams.
    ///
    /// - Throws: ``StoreError`` when the store fails (the cache is then left as it was).
    public func load(from store: any Store) async throws {
        var fresh = State()
        for tenant in try await store.tenants() { fresh.tenants[tenant.id] = tenant }
        for team in try await store.teams(tenantID: nil) { fresh.teams[team.id] = team }
        for key in try await store.keys(tenantID: nil) {
            fresh.keysByHash[key.hash] = key
            fresh.hashByKeyID[key.id] = key.hash
        }
        state.withLock { $0 = fresh }
    }

    /// The key whose secret has this hash.
    public func key(hash: String) -> VirtualKeyRecord? {
        state.withLock { $0.keysByHash[hash] }
    }

    /// Adds or replaces a key; a rotated key's old hash stops matching at once.
    public func upsert(_ key: VirtualKeyRecord) {
        state.withLock { state in
            if let old = state.hashByKeyID[key.id], old != key.hash { state.keysByHash[old] = nil }
            state.keysByHash[key.hash] = key
            state.hashByKeyID[key.id] = key.hash
        }
    }

    /// Adds or replaces a tenant.
    public func upsert(_ tenant: Tenant) {
        state.withLock { $0.tenants[tenant.id] = tenant }
    }

    /// Adds or replaces a team.
    public func upsert(_ team: Team) {
        state.withLock { $0.teams[team.id] = team }
    }

    /// The tenant and team policies that apply to an identity, read together.
    public func policies(tenantID: String, teamID: String?) -> (tenant: Tenant?, team: Team?) {
        state.withLock { state in (state.tenants[tenantID], teamID.flatMap { state.teams[$0] }) }
    }

    /// Whether any key exists (the gateway runs open, on loopback only, when none does).
    public var isEmpty: Bool { state.withLock { $0.keysByHash.isEmpty } }
}
