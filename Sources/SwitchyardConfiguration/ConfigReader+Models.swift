import SwitchyardCore

extension ConfigReader {
    func readModel(_ node: ConfigNode, providers: [String: ProviderEndpoint], server: ServerSettings) throws
        -> ModelDefinition
    {
        var name: String?
        var drop: Bool?
        var deploymentNodes: [ConfigNode] = []
        for (key, value) in try node.mapping(allowing: ["name", "deployments", "drop_unsupported_params"]) {
            switch key {
            case "name": name = try value.string()
            case "drop_unsupported_params": drop = try value.bool()
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
        return ModelDefinition(name: name, deployments: deployments)
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
        let keys: Set<String> = ["provider", "model", "region", "pricing", "timeouts", "drop_unsupported_params"]
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
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
            dropUnsupportedParams: dropOverride ?? drop, timeouts: timeouts)
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
