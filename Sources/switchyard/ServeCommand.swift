import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import SwitchyardConfiguration
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer

/// `switchyard serve`: run the gateway until SIGTERM or SIGINT, then drain and stop.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway (embedded default when no configuration is given).")

    @Option(name: .long, help: "YAML configuration file (default: $SWITCHYARD_CONFIG, else the embedded default).")
    var config: String?

    @Option(name: .long, help: "Address to bind, overriding the configuration.")
    var host: String?

    @Option(name: .long, help: "Port to bind (0 picks a free one), overriding the configuration.")
    var port: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["SWITCHYARD_LOG_LEVEL"] ?? "info"

    func run() async throws {
        let executor = EventLoopExecutor.install()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        var configuration: GatewayConfiguration
        do {
            configuration = try await ConfigurationLoader().load(path: config)
        } catch let error as ConfigurationError {
            throw ValidationError("invalid configuration: \(error)")
        }
        let environment = ProcessInfo.processInfo.environment
        let tracing = ObservabilityBootstrap.tracingEnabled(configuration.telemetry, environment: environment)
        ObservabilityBootstrap.logging(format: configuration.telemetry.logFormat, level: level, tracing: tracing)
        let logger = Logger(label: "switchyard")
        var tracer: (any Service)?
        if tracing {
            do {
                tracer = try ObservabilityBootstrap.tracer(configuration.telemetry)
            } catch {
                throw ValidationError("cannot start tracing: \(error)")
            }
        }
        if let host { configuration.server.host = host }
        if let port { configuration.server.port = port }
        logger.info(
            "configuration loaded",
            metadata: [
                "origin": "\(configuration.origin)", "models": "\(configuration.models.count)", "executor": "\(executor)",
            ])
        if executor == "swift-default", ProcessInfo.processInfo.environment["SWITCHYARD_EXECUTOR"] != "default" {
            // The hook is the gateway's fast path: without it every request hops between threads.
            logger.warning("the event-loop executor could not be installed: requests run on Swift's thread pool")
        }
        let host = configuration.server.host
        if !configuration.governance.requireKeys {
            guard Self.isLoopback(host) else {
                throw ValidationError(
                    "refusing to serve without API keys on \(host): set admin.master_key (or "
                        + "SWITCHYARD_MASTER_KEY) to require keys, or bind to 127.0.0.1")
            }
            logger.notice(
                "running open: no API key required (loopback only); set admin.master_key to require keys",
                metadata: ["host": "\(host)"])
        }
        let proxy = try Self.upstreamProxy(configuration.server, environment: ProcessInfo.processInfo.environment)
        if let proxy { logger.notice("TLS upstreams through a proxy", metadata: ["proxy": "\(proxy)"]) }
        let client = UpstreamClient(
            configuration: .init(
                plainHTTPTransport: .init(rawValue: configuration.server.plainHTTPUpstreams) ?? .pooled,
                tlsTransport: .init(rawValue: configuration.server.tlsUpstreams) ?? .pooled,
                additionalTrustRootsFile: configuration.server.upstreamCAFile,
                tlsHTTP2: configuration.server.tlsHTTP2, proxy: proxy))
        if configuration.server.upstreamCAFile != nil {
            do {
                try client.prepareTLS()
            } catch {
                throw ValidationError("server.upstream_ca_file: \(error)")
            }
        }
        let registry = ProviderRegistry(client: client)
        var services: GatewayServices
        do {
            services = try await GatewayServices.make(configuration: configuration, registry: registry, logger: logger)
            services.tracing = tracing
            ObservabilityBootstrap.metrics(services.telemetry)
        } catch {
            try? await client.shutdown()
            throw ValidationError("cannot start: \(error)")
        }
        let readiness = Readiness()
        let app = try GatewayServer.makeApplication(
            configuration: configuration, registry: registry, logger: logger, services: services,
            readiness: readiness,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let line = "switchyard listening on http://\(host):\(port)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            })
        // Background services first: they start before the server and stop after it, so the ledger's last flush
        // sees every request the server answered. Each runs off the event loops that serve requests (Swift
        // concurrency runs on those loops here, `EventLoopExecutor`).
        let prepared = services
        let trimmer: (any Service)? =
            configuration.server.heapTrimSeconds > 0
            ? HeapTrimmer(interval: .seconds(configuration.server.heapTrimSeconds), logger: logger)
            : nil
        let group = ServiceGroup(
            configuration: .init(
                services: ([tracer, trimmer].compactMap { $0 } + services.background).map {
                    .init(service: OffLoopService(wrapped: $0))
                } + [
                    .init(service: PreparedService(service: app) { try await prepared.prepare() })
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// The proxy for TLS upstreams: `server.upstream_proxy`, else `HTTPS_PROXY` (with `NO_PROXY`) from `environment`.
    static func upstreamProxy(_ server: ServerSettings, environment: [String: String]) throws -> UpstreamProxy? {
        if let proxy = server.upstreamProxy { return proxy }
        do {
            return try UpstreamProxy.fromEnvironment(environment)
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
