import Foundation
import Logging
public import ServiceLifecycle
public import SwitchyardRouting
public import SwitchyardStore

/// Keeps a ``ContextualBandit``'s learned state in the store's `router_state` table: ``load()`` at start-up,
/// then, as a `Service`, writes the states changed since the last write every `interval` and once more on graceful
/// shutdown (run it after the store in the `ServiceGroup`, so it stops first).
public struct BanditPersistence: Service {
    /// The bandit.
    public let learner: ContextualBandit
    /// The store.
    public let store: any Store
    /// Time between writes.
    public let interval: Duration
    let logger: Logger

    /// Creates the service.
    public init(
        learner: ContextualBandit, store: any Store, interval: Duration, logger: Logger = Logger(label: "switchyard")
    ) {
        self.learner = learner
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// Installs every saved state that fits the bandit's settings.
    ///
    /// - Returns: How many states were installed.
    /// - Throws: ``StoreError`` when the store fails.
    @discardableResult
    public func load() async throws -> Int {
        var installed = 0
        let decoder = JSONDecoder()
        for record in try await store.routerStates(router: nil) {
            guard let state = try? decoder.decode(ContextualBanditState.self, from: Data(record.state.utf8)) else {
                logger.warning("unreadable router state skipped", metadata: ["router": "\(record.router)"])
                continue
            }
            if learner.restore(router: record.router, scope: record.scope, state: state) { installed += 1 }
        }
        return installed
    }

    /// Writes the states changed since the last write.
    ///
    /// - Returns: How many states were written.
    /// - Throws: ``StoreError`` when the store fails (the states stay marked changed).
    @discardableResult
    public func flush(now: Date = Date()) async throws -> Int {
        let dirty = learner.dirtyStates()
        guard !dirty.isEmpty else { return 0 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let records = try dirty.map { key, state in
                RouterStateRecord(
                    router: key.router, scope: key.scope,
                    state: String(decoding: try encoder.encode(state), as: UTF8.self), updatedAt: now)
            }
            try await store.saveRouterStates(records)
        } catch {
            for (key, _) in dirty { learner.markDirty(key) }
            throw error
        }
        return dirty.count
    }

    /// Writes changed state every `interval` until graceful shutdown, then once more.
    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            await flushLogging()
        }
        await flushLogging()
    }

    private func flushLogging() async {
        do {
            try await flush()
        } catch {
            logger.warning("router state write failed", metadata: ["error": "\(type(of: error))"])
        }
    }
}
