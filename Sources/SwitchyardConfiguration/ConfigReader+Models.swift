import SwitchyardCore

extension ConfigReader {
    func readModel(_ node: ConfigNode, providers: [String: ProviderEndpoint], server: ServerSettings) throws
        -> ModelDefinition
    {
        var name: String?
        var drop: Bool?
        var deploymentNodes: [ConfigNode] = []
        var routing = RoutingPolicy()
        let keys: Set<String> = [
            "name", "deployments", "drop_unsupported_params", "strategy", "allow_strategy_override", "retries",
            "fallbacks", "resume_streams",
        ]
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "name": name = try value.string()
            case "drop_unsupported_params": drop = try value.bool()
            case "strategy":
                let text = try value.string()
                guard let kind = RoutingStrategyKind(rawValue: text) else {
                    let kinds = RoutingStrategyKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw value.error("unknown strategy '\(text)' (one of: \(kinds))")
                }
                routing.strategy = kind
            case "allow_strategy_override": routing.allowsStrategyOverride = try value.bool()
            case "retries": try readRetries(value, into: &routing)
            case "fallbacks": routing.fallbacks = try readFallbacks(value)
            case "resume_streams": routing.resumeStreams = try value.bool()
            default: deploymentNodes = try value.sequence()
            }
        }
        guard let name, !name.isEmpty else { throw node.error("a model needs a 'name'") }
        guard !deploymentNodes.isEmpty else { throw node.error("model '\(name)' needs at least one deployment") }
        var deployments: [Deployment] = []
        for (index, deploymentNode) in deploymentNodes.enumerated() {
            deployments.append(
                try readDeployment(
                    deploymentNode, model: name, index: index, providers: providers,
                    drop: drop ?? server.dropUnsupportedParams))
        }
        return ModelDefinition(name: name, deployments: deployments, routing: routing)
    }

    func readRetries(_ node: ConfigNode, into routing: inout RoutingPolicy) throws {
        for (key, value) in try node.mapping(allowing: ["max_attempts", "base_delay_ms", "max_delay_ms"]) {
            let number = try value.int()
            switch key {
            case "max_attempts":
                guard (1...10).contains(number) else { throw value.error("max_attempts must be 1...10") }
                routing.maxAttempts = number
            case "base_delay_ms":
                guard number >= 0 else { throw value.error("must not be negative") }
                routing.baseDelay = .milliseconds(number)
            default:
                guard number >= 0 else { throw value.error("must not be negative") }
                routing.maxDelay = .milliseconds(number)
            }
        }
    }

    func readFallbacks(_ node: ConfigNode) throws -> [FallbackTrigger: [String]] {
        var result: [FallbackTrigger: [String]] = [:]
        for (key, value) in try node.mapping(allowing: Set(FallbackTrigger.allCases.map(\.rawValue))) {
            guard let trigger = FallbackTrigger(rawValue: key) else { continue }
            result[trigger] = try value.sequence().map { try $0.string() }
        }
        return result
    }

    func readDeployment(
        _ node: ConfigNode, model: String, index: Int, providers: [String: ProviderEndpoint], drop: Bool
    ) throws -> Deployment {
        var providerName: String?
        var upstreamModel: String?
        var region: String?
        var pricing: ModelPricing?
        var timeouts = UpstreamTimeouts()
        var dropOverride: Bool?
        var weight = 1.0
        var priority = 1
        var contextWindow: Int?
        var rpm: Int?
        var tpm: Int?
        var capabilities = DeploymentCapabilities.all
        let keys: Set<String> = [
            "provider", "model", "region", "pricing", "timeouts", "drop_unsupported_params", "weight", "priority",
            "context_window", "rpm", "tpm", "capabilities",
        ]
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "weight":
                weight = try value.double()
                guard weight >= 0 else { throw value.error("weight must not be negative") }
            case "priority":
                priority = try value.int()
                guard priority >= 1 else { throw value.error("priority tiers start at 1") }
            case "context_window": contextWindow = try positive(value)
            case "rpm": rpm = try positive(value)
            case "tpm": tpm = try positive(value)
            case "capabilities":
                capabilities = []
                for item in try value.sequence() {
                    let text = try item.string()
                    guard let capability = DeploymentCapabilities.names.first(where: { $0.0 == text })?.1 else {
                        throw item.error("unknown capability '\(text)' (tools, vision, json_schema, audio)")
                    }
                    capabilities.insert(capability)
                }
            case "provider": providerName = try value.string()
            case "model": upstreamModel = try value.string()
            case "region": region = try value.string()
            case "pricing": pricing = try readPricing(value)
            case "timeouts": timeouts = try readTimeouts(value)
            default: dropOverride = try value.bool()
            }
        }
        guard let providerName else { throw node.error("a deployment needs a 'provider'") }
        guard let provider = providers[providerName] else {
            throw node.error("unknown provider '\(providerName)' (configured: \(providers.keys.sorted().joined(separator: ", ")))")
        }
        guard let upstreamModel, !upstreamModel.isEmpty else { throw node.error("a deployment needs a 'model'") }
        return Deployment(
            id: "\(model)/\(providerName)#\(index)", publicModel: model, provider: provider,
            upstreamModel: upstreamModel, region: region, pricing: pricing,
            dropUnsupportedParams: dropOverride ?? drop, timeouts: timeouts, weight: weight, priority: priority,
            contextWindow: contextWindow, requestsPerMinute: rpm, tokensPerMinute: tpm, capabilities: capabilities)
    }

    func positive(_ node: ConfigNode) throws -> Int {
        let number = try node.int()
        guard number > 0 else { throw node.error("must be positive") }
        return number
    }

    func readPricing(_ node: ConfigNode) throws -> ModelPricing {
        var values: [String: Double] = [:]
        let keys: Set<String> = ["input_per_mtok", "output_per_mtok", "cached_input_per_mtok", "cache_write_per_mtok"]
        for (key, value) in try node.mapping(allowing: keys) {
            let number = try value.double()
            guard number >= 0 else { throw value.error("prices cannot be negative") }
            values[key] = number
        }
        guard let input = values["input_per_mtok"], let output = values["output_per_mtok"] else {
            throw node.error("pricing needs input_per_mtok and output_per_mtok")
        }
        return ModelPricing(
            inputPerMTok: input, outputPerMTok: output, cachedInputPerMTok: values["cached_input_per_mtok"],
            cacheWritePerMTok: values["cache_write_per_mtok"])
    }

    func readTimeouts(_ node: ConfigNode) throws -> UpstreamTimeouts {
        var timeouts = UpstreamTimeouts()
        for (key, value) in try node.mapping(allowing: ["connect_ms", "first_byte_ms", "idle_ms", "total_ms"]) {
            let milliseconds = try value.int()
            guard milliseconds > 0 else { throw value.error("timeouts must be positive") }
            let duration = Duration.milliseconds(milliseconds)
            switch key {
            case "connect_ms": timeouts.connect = duration
            case "first_byte_ms": timeouts.firstByte = duration
            case "idle_ms": timeouts.idle = duration
            default: timeouts.total = duration
            }
        }
        return timeouts
    }
}
