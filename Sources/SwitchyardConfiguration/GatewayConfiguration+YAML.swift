import Foundation
import SwitchyardCore
import Yams

extension GatewayConfiguration {
    /// Loads and validates a YAML configuration.
    ///
    /// ```yaml
    /// server: { host: 127.0.0.1, port: 4000 }
    /// providers:
    ///   anthropic: { kind: anthropic, api_key: env:ANTHROPIC_API_KEY }
    /// models:
    ///   - name: claude-sonnet
    ///     deployments:
    ///       - { provider: anthropic, model: claude-sonnet-4-5, region: us,
    ///           pricing: { input_per_mtok: 3.0, output_per_mtok: 15.0 } }
    /// ```
    ///
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - origin: Where it came from, for logs.
    ///   - environment: Where `env:` secret references are looked up.
    /// - Throws: ``ConfigurationError`` naming the key path and line.
    public static func load(yaml: String, origin: String = "inline", environment: [String: String]) throws
        -> GatewayConfiguration
    {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ConfigurationError(message: "the configuration is empty", path: "", line: 0)
            }
            root = composed
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw ConfigurationError(message: "not valid YAML: \(error)", path: "", line: 0)
        }
        let reader = ConfigReader(secrets: SecretResolver(environment: environment))
        return try reader.read(ConfigNode(node: root, path: ""), origin: origin)
    }
}

/// Reads the configuration tree, section by section.
struct ConfigReader {
    let secrets: SecretResolver

    func read(_ root: ConfigNode, origin: String) throws -> GatewayConfiguration {
        var server = ServerSettings()
        var providers: [String: ProviderEndpoint] = [:]
        var modelNodes: [ConfigNode] = []
        var routing = RoutingSettings()
        var governance = GovernanceConfiguration()
        var cache = CacheConfiguration()
        var telemetry = TelemetryConfiguration()
        var routersNode: ConfigNode?
        var experimentsNode: ConfigNode?
        var feedback = FeedbackConfiguration()
        let sections: Set<String> = ["server", "providers", "models", "routing", "admin", "store", "governance", "cache",
            "telemetry", "routers", "experiments", "feedback",
        ]
        for (key, node) in try root.mapping(allowing: sections) {
            switch key {
            case "server": server = try readServer(node)
            case "routing": routing = try readRouting(node)
            case "admin": try readAdmin(node, into: &governance)
            case "store": try readStore(node, into: &governance)
            case "governance": try readGovernance(node, into: &governance)
            case "cache": cache = try readCache(node)
            case "telemetry": telemetry = try readTelemetry(node)
            case "routers": routersNode = node
            case "experiments": experimentsNode = node
            case "feedback": feedback = try readFeedback(node)
            case "providers":
                for (name, providerNode) in try node.entries() {
                    providers[name] = try readProvider(name: name, providerNode)
                }
            default: modelNodes = try node.sequence()
            }
        }
        var models: [ModelDefinition] = []
        var seen: Set<String> = []
        for node in modelNodes {
            let model = try readModel(node, providers: providers, server: server)
            guard seen.insert(model.name).inserted else { throw node.error("duplicate model name '\(model.name)'") }
            models.append(model)
        }
        for (model, node) in zip(models, modelNodes) {
            for fallback in model.routing.fallbacks.values.flatMap({ $0 }) where !seen.contains(fallback) {
                throw node.error("model '\(model.name)' falls back to unknown model '\(fallback)'")
            }
        }
        var configuration = GatewayConfiguration(server: server, providers: providers, models: models, origin: origin)
        if let routersNode {
            configuration.routers = try readRouters(routersNode, models: seen, providers: Set(providers.keys))
        }
        if let experimentsNode {
            configuration.experiments = try readExperiments(
                experimentsNode, models: seen, routers: Set(configuration.routers.map(\.name)),
                autoRouter: configuration.autoRouter != nil)
        }
        configuration.feedback = feedback
        configuration.routing = routing
        configuration.governance = governance
        configuration.cache = cache
        configuration.telemetry = telemetry
        configuration.addBuiltInModels()
        return configuration
    }

    func readServer(_ node: ConfigNode) throws -> ServerSettings {
        var settings = ServerSettings()
        let keys: Set<String> = [
            "host", "port", "region", "max_body_bytes", "drop_unsupported_params", "log_prompts",
            "plain_http_upstreams", "tls_upstreams", "upstream_ca_file", "tls_http2", "heap_trim_seconds",
            "idle_timeout_seconds", "upstream_proxy", "upstream_no_proxy",
        ]
        var proxy: (url: String, node: ConfigNode)?
        var noProxy: String?
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "host": settings.host = try value.string()
            case "port":
                settings.port = try value.int()
                guard (0...65535).contains(settings.port) else { throw value.error("port must be 0...65535") }
            case "region": settings.region = try value.string()
            case "max_body_bytes":
                settings.maxBodyBytes = try value.int()
                guard settings.maxBodyBytes > 0 else { throw value.error("must be positive") }
            case "drop_unsupported_params": settings.dropUnsupportedParams = try value.bool()
            case "plain_http_upstreams", "tls_upstreams":
                let choice = try value.string()
                guard ServerSettings.plainHTTPUpstreamChoices.contains(choice) else {
                    throw value.error(
                        "must be one of \(ServerSettings.plainHTTPUpstreamChoices.joined(separator: ", "))")
                }
                if key == "tls_upstreams" { settings.tlsUpstreams = choice } else { settings.plainHTTPUpstreams = choice }
            case "tls_http2": settings.tlsHTTP2 = try value.bool()
            case "upstream_ca_file":
                let path = try value.string()
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw value.error("cannot read '\(path)'")
                }
                settings.upstreamCAFile = path
            case "heap_trim_seconds":
                settings.heapTrimSeconds = try value.double()
                guard settings.heapTrimSeconds >= 0 else { throw value.error("must be 0 (off) or positive") }
            case "idle_timeout_seconds":
                settings.idleTimeoutSeconds = try value.double()
                guard settings.idleTimeoutSeconds >= 0 else { throw value.error("must be 0 (off) or positive") }
            case "upstream_proxy": proxy = (try value.string(), value)
            case "upstream_no_proxy": noProxy = try value.string()
            default: settings.logPrompts = try value.bool()
            }
        }
        if let proxy {
            do {
                settings.upstreamProxy = try UpstreamProxy(url: proxy.url, noProxy: noProxy)
            } catch {
                throw proxy.node.error(error.description)
            }
        }
        return settings
    }

    func readProvider(name: String, _ node: ConfigNode) throws -> ProviderEndpoint {
        var kind: ProviderKind?
        var baseURL: String?
        var apiKey: Secret?
        var headers: [String: String] = [:]
        var openAIAPI = false
        var simulator: SimulatorSettings?
        var http2PriorKnowledge = false
        let keys: Set<String> = ["kind", "api_key", "base_url", "headers", "api", "simulator", "http2_prior_knowledge"]
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "kind":
                let text = try value.string()
                guard let parsed = ProviderKind(rawValue: text) else {
                    let kinds = ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw value.error("unknown provider kind '\(text)' (one of: \(kinds))")
                }
                kind = parsed
            case "api_key":
                do {
                    apiKey = try secrets.resolve(try value.string())
                } catch let error as SecretResolutionError {
                    throw value.error(error.message)
                }
            case "base_url":
                let url = try value.string()
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw value.error("base_url must start with http:// or https://")
                }
                baseURL = url
            case "headers":
                for (header, headerValue) in try value.entries() { headers[header] = try headerValue.string() }
            case "api":
                let api = try value.string()
                guard api == "native" || api == "openai" else { throw value.error("api must be 'native' or 'openai'") }
                openAIAPI = api == "openai"
            case "http2_prior_knowledge":
                http2PriorKnowledge = try value.bool()
            default: simulator = try readSimulator(value)
            }
        }
        guard let kind else { throw node.error("provider '\(name)' needs a 'kind'") }
        let builtIn = kind == .simulator ? "simulator://local" : kind == .local ? "local://models" : nil
        guard let url = baseURL ?? kind.defaultBaseURL ?? builtIn else {
            throw node.error("provider '\(name)' of kind \(kind.rawValue) needs a 'base_url'")
        }
        if openAIAPI, kind != .ollama { throw node.error("'api: openai' applies to kind ollama only") }
        let resolvedURL = openAIAPI && baseURL == nil ? url + "/v1" : url
        if http2PriorKnowledge, !resolvedURL.hasPrefix("http://") {
            throw node.error(
                "'http2_prior_knowledge' applies to an http:// base_url (https:// upstreams negotiate HTTP/2 themselves)")
        }
        return ProviderEndpoint(
            name: name, kind: kind, baseURL: resolvedURL, apiKey: apiKey, headers: headers,
            useOpenAICompatibleAPI: openAIAPI, simulator: simulator ?? (kind == .simulator ? .init() : nil),
            http2PriorKnowledge: http2PriorKnowledge)
    }

    func readSimulator(_ node: ConfigNode) throws -> SimulatorSettings {
        var settings = SimulatorSettings()
        for (key, value) in try node.mapping(allowing: ["latency_ms", "inter_chunk_ms", "error_rate"]) {
            switch key {
            case "latency_ms": settings.latencyMilliseconds = max(0, try value.int())
            case "inter_chunk_ms": settings.interChunkMilliseconds = max(0, try value.int())
            default:
                settings.errorRate = try value.double()
                guard (0...1).contains(settings.errorRate) else { throw value.error("error_rate must be 0...1") }
            }
        }
        return settings
    }
}
