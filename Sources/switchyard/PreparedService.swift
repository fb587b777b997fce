import ServiceLifecycle

/// Runs a preparation step (migrations, loading keys into memory) before a service, inside the service group, so
/// that the services it needs (a PostgreSQL pool) are already running and the listener only opens once it is done.
struct PreparedService<Wrapped: Service>: Service {
    let service: Wrapped
    let prepare: @Sendable () async throws -> Void

    func run() async throws {
        try await prepare()
        try await service.run()
    }
}
