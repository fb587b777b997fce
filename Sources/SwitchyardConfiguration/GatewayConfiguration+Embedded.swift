import SwitchyardCore

extension GatewayConfiguration {
    /// The configuration used when none is given: every provider whose standard key variable is set, Ollama if it
    /// answers, and otherwise the built-in simulator, so that the gateway always has something to serve.
    ///
    /// - Parameters:
    ///   - environment: Where the standard key variables are read.
    ///   - ollamaModels: The models a local Ollama reported, or `nil` if it did not answer.
    public static func embeddedDefault(environment: [String: String], ollamaModels: [String]?) -> GatewayConfiguration {
        var providers: [String: ProviderEndpoint] = [:]
        var models: [ModelDefinition] = []
        func add(_ kind: ProviderKind, _ names: [String]) {
            guard let variable = kind.standardKeyVariable, let key = environment[variable], !key.isEmpty,
                let url = kind.defaultBaseURL
            else { return }
            let endpoint = ProviderEndpoint(name: kind.rawValue, kind: kind, baseURL: url, apiKey: Secret(key))
            providers[kind.rawValue] = endpoint
            for name in names { models.append(model(name, endpoint)) }
        }
        add(.openai, ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "text-embedding-3-small"])
        add(.anthropic, ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"])
        add(.gemini, ["gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004"])
        add(.xai, ["grok-4", "grok-3-mini"])
        add(.mistral, ["mistral-large-latest", "mistral-small-latest", "mistral-embed"])
        add(.together, ["meta-llama/Llama-3.3-70B-Instruct-Turbo"])
        add(.abacus, ["route-llm"])
        if let ollamaModels, let url = ProviderKind.ollama.defaultBaseURL {
            let endpoint = ProviderEndpoint(name: "ollama", kind: .ollama, baseURL: url)
            providers["ollama"] = endpoint
            for name in ollamaModels where !models.contains(where: { $0.name == name }) {
                models.append(model(name, endpoint))
            }
        }
        var origin = "embedded default (providers from environment: \(providers.keys.sorted().joined(separator: ", ")))"
        if providers.isEmpty {
            let simulator = ProviderEndpoint(
                name: "simulator", kind: .simulator, baseURL: "simulator://local", simulator: .init())
            providers["simulator"] = simulator
            models.append(model("simulator", simulator, upstream: "switchyard-simulator"))
            models.append(model("simulator-embedding", simulator, upstream: "switchyard-simulator-embedding"))
            origin = "embedded default (no provider keys found: serving the built-in simulator)"
        }
        var configuration = GatewayConfiguration(providers: providers, models: models, origin: origin)
        if let masterKey = environment["SWITCHYARD_MASTER_KEY"], !masterKey.isEmpty {
            configuration.governance.masterKey = Secret(masterKey)
            configuration.governance.requireKeys = true
        }
        configuration.addBuiltInModels()
        return configuration
    }

    private static func model(_ name: String, _ endpoint: ProviderEndpoint, upstream: String? = nil) -> ModelDefinition {
        let deployment = Deployment(
            id: "\(name)/\(endpoint.name)#0", publicModel: name, provider: endpoint, upstreamModel: upstream ?? name)
        return ModelDefinition(name: name, deployments: [deployment])
    }
}
