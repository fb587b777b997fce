import ArgumentParser
import Foundation
import Logging
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardStore

/// `switchyard keys …`: manage virtual keys in the configured store, as the operator (the master key's rights),
/// without a running gateway. A running single replica picks up new keys on restart, or every
/// `governance.refresh_seconds`; the admin API (`/admin/v1/keys`) takes effect at once.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list, disable and rotate virtual keys.",
        subcommands: [KeysCreateCommand.self, KeysListCommand.self, KeysDisableCommand.self, KeysRotateCommand.self])
}

/// Where the store is: the same `--config` as `serve`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $SWITCHYARD_CONFIG, else the embedded default).")
    var config: String?

    /// Opens the store, migrates it and loads keys, runs `body` with the admin service, then closes the store.
    func withAdmin<T: Sendable>(_ body: @Sendable (AdminService) async throws -> T) async throws -> T {
        let configuration = try await ConfigurationLoader().load(path: config)
        var logger = Logger(label: "switchyard.keys")
        logger.logLevel = .warning
        let location: GovernanceSettings.StoreLocation =
            switch configuration.governance.store {
            case .sqlite(let path): .sqlite(path: path)
            case .postgres(let url): .postgres(url: url.value)
            }
        let runtime = try await GovernanceRuntime.make(settings: GovernanceSettings(store: location), logger: logger)
        let store = runtime.store
        let running = Task { try await store.run() }
        defer { running.cancel() }
        do {
            try await runtime.prepare()
            let result = try await body(runtime.admin)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// `switchyard keys create --tenant acme --team search --budget 50 --rpm 600`.
struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a key; its secret is printed once and never stored.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Tenant id or name (created if no tenant has it).") var tenant: String
    @Option(help: "Team id or name within the tenant (created if missing).") var team: String?
    @Option(help: "A name for the key.") var name: String?
    @Option(help: "Hard budget in US dollars.") var budget: Double?
    @Option(help: "The budget's window: daily, monthly or total.") var budgetWindow: BudgetWindow = .monthly
    @Option(help: "Requests per minute.") var rpm: Int?
    @Option(help: "Tokens per minute.") var tpm: Int?
    @Option(help: "Comma-separated public models the key may use (default: all).") var models: String?
    @Option(help: "Comma-separated regions the key may be served from (default: all).") var regions: String?
    @Option(help: "Days until the key expires.") var expiresInDays: Int?
    @Flag(help: "Let the key manage its own tenant through the admin API.") var admin = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let command = self
        let created = try await store.withAdmin { admin in
            let tenant = try await command.resolveTenant(admin)
            let team = try await command.resolveTeam(admin, tenantID: tenant.id)
            var limits: BudgetLimits?
            if let amount = command.budget {
                switch command.budgetWindow {
                case .daily: limits = BudgetLimits(daily: amount)
                case .monthly: limits = BudgetLimits(monthly: amount)
                case .total: limits = BudgetLimits(total: amount)
                }
            }
            let draft = KeyDraft(
                tenantID: tenant.id, teamID: team?.id, name: command.name,
                scopes: command.admin ? [Identity.adminScope] : nil, models: Self.list(command.models),
                regions: Self.list(command.regions), budget: limits, rpm: command.rpm, tpm: command.tpm,
                expiresAt: command.expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) })
            return try await admin.createKey(.master, draft)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(created), as: UTF8.self))
        } else {
            print("key:    \(created.key)")
            print("id:     \(created.view.id)")
            print("tenant: \(created.view.tenantID)" + (created.view.teamID.map { "  team: \($0)" } ?? ""))
            print("The secret is shown only now; Switchyard stores its hash.")
        }
    }

    private func resolveTenant(_ admin: AdminService) async throws -> Tenant {
        if let found = try await admin.tenants(.master).first(where: { $0.id == tenant || $0.name == tenant }) {
            return found
        }
        return try await admin.createTenant(.master, TenantDraft(name: tenant))
    }

    private func resolveTeam(_ admin: AdminService, tenantID: String) async throws -> Team? {
        guard let team else { return nil }
        let teams = try await admin.teams(.master, tenantID: tenantID)
        if let found = teams.first(where: { $0.id == team || $0.name == team }) { return found }
        return try await admin.createTeam(.master, TeamDraft(tenantID: tenantID, name: team))
    }

    private static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }
}

extension BudgetWindow: ExpressibleByArgument {}

/// `switchyard keys list [--tenant ID]`.
struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never their secrets).")

    @OptionGroup var store: StoreOptions
    @Option(help: "Only this tenant's keys (id).") var tenant: String?

    func run() async throws {
        let tenant = self.tenant
        let keys = try await store.withAdmin { try await $0.keys(.master, tenantID: tenant) }
        print("id\tprefix\ttenant\tteam\tenabled\tname")
        for key in keys {
            print("\(key.id)\t\(key.prefix)\t\(key.tenantID)\t\(key.teamID ?? "-")\t\(key.enabled)\t\(key.name)")
        }
    }
}

/// `switchyard keys disable ID`.
struct KeysDisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a key.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key's id.") var id: String

    func run() async throws {
        let id = self.id
        let key = try await store.withAdmin { try await $0.disableKey(.master, id: id) }
        print("disabled \(key.id) (\(key.prefix))")
    }
}

/// `switchyard keys rotate ID`.
struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Give a key a new secret; the old one stops working.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key's id.") var id: String

    func run() async throws {
        let id = self.id
        let created = try await store.withAdmin { try await $0.rotateKey(.master, id: id) }
        print("key:    \(created.key)")
        print("id:     \(created.view.id)")
    }
}
