import Foundation
import SwitchyardConfiguration
import SwitchyardCore
import Testing

@Suite struct GatewayConfigurationTests {
    static let environment = ["ANTHROPIC_API_KEY": "sk-ant-test", "OPENAI_API_KEY": "sk-oai-test"]

    static let example = """
        server: { host: 127.0.0.1, port: 4000 }
        providers:
          anthropic: { kind: anthropic, api_key: env:ANTHROPIC_API_KEY }          # base_url optional
          local:     { kind: ollama, base_url: http://127.0.0.1:11434 }
          oai:       { kind: openai, api_key: env:OPENAI_API_KEY, base_url: https://api.openai.com/v1 }
        models:
          - name: claude-sonnet                      # the public name clients send
            deployments:
              - { provider: anthropic, model: claude-sonnet-4-5, region: us,
                  pricing: { input_per_mtok: 3.0, output_per_mtok: 15.0 } }
        """

    @Test func loadsTheDocumentedExample() throws {
        let configuration = try GatewayConfiguration.load(yaml: Self.example, environment: Self.environment)
        #expect(configuration.server.port == 4000)
        #expect(configuration.providers.count == 3)
        let deployment = try #require(configuration.models.first?.deployments.first)
        #expect(deployment.provider.kind == .anthropic)
        #expect(deployment.provider.baseURL == "https://api.anthropic.com")
        #expect(deployment.provider.apiKey?.value == "sk-ant-test")
        #expect(deployment.upstreamModel == "claude-sonnet-4-5")
        #expect(deployment.region == "us")
        #expect(deployment.pricing == ModelPricing(inputPerMTok: 3, outputPerMTok: 15))
        #expect(configuration.providers["local"]?.kind == .ollama)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var line: Int
        var fragment: String
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        Invalid(name: "unknown top-level key", yaml: "server: {}\nmodles: []\n", line: 2, fragment: "unknown key 'modles'"),
        Invalid(
            name: "unknown server key", yaml: "server:\n  host: 127.0.0.1\n  prot: 80\n", line: 3,
            fragment: "unknown key 'prot'"),
        Invalid(
            name: "unknown provider kind", yaml: "providers:\n  x: { kind: openia }\n", line: 2,
            fragment: "unknown provider kind 'openia'"),
        Invalid(
            name: "missing environment variable",
            yaml: "providers:\n  x: { kind: openai, api_key: env:NOT_SET_ANYWHERE }\n", line: 2,
            fragment: "NOT_SET_ANYWHERE is not set"),
        Invalid(
            name: "literal secret", yaml: "providers:\n  x: { kind: openai, api_key: sk-literal }\n", line: 2,
            fragment: "must be references"),
        Invalid(
            name: "unknown provider in deployment",
            yaml: "providers: {}\nmodels:\n  - name: m\n    deployments:\n      - { provider: nope, model: x }\n",
            line: 5, fragment: "unknown provider 'nope'"),
        Invalid(
            name: "port out of range", yaml: "server:\n  port: 70000\n", line: 2, fragment: "port must be"),
        Invalid(
            name: "wrong type", yaml: "server:\n  port: eighty\n", line: 2, fragment: "expected an integer"),
        Invalid(
            name: "unknown upstream transport", yaml: "server:\n  host: 127.0.0.1\n  plain_http_upstreams: curl\n",
            line: 3, fragment: "must be one of pooled, async-http-client"),
        Invalid(
            name: "unknown TLS upstream transport", yaml: "server:\n  tls_upstreams: openssl\n",
            line: 2, fragment: "must be one of pooled, async-http-client"),
        Invalid(
            name: "unreadable upstream CA file", yaml: "server:\n  upstream_ca_file: /nonexistent/ca.pem\n",
            line: 2, fragment: "cannot read '/nonexistent/ca.pem'"),
        Invalid(
            name: "upstream proxy that is not http://", yaml: "server:\n  upstream_proxy: socks5://proxy:1080\n",
            line: 2, fragment: "only http:// proxies are supported, not 'socks5'"),
        Invalid(
            name: "upstream proxy with a bad port", yaml: "server:\n  upstream_proxy: http://proxy:99999\n",
            line: 2, fragment: "the proxy's port '99999' is not 1...65535"),
        Invalid(
            name: "negative heap trim interval", yaml: "server:\n  heap_trim_seconds: -1\n", line: 2,
            fragment: "must be 0 (off) or positive"),
        Invalid(
            name: "negative idle timeout", yaml: "server:\n  idle_timeout_seconds: -5\n", line: 2,
            fragment: "must be 0 (off) or positive"),
        Invalid(
            name: "duplicate model",
            yaml: """
                providers: { s: { kind: simulator } }
                models:
                  - { name: m, deployments: [ { provider: s, model: a } ] }
                  - { name: m, deployments: [ { provider: s, model: b } ] }
                """, line: 4, fragment: "duplicate model name"),
        Invalid(
            name: "model without deployments",
            yaml: "providers: {}\nmodels:\n  - name: m\n    deployments: []\n", line: 3,
            fragment: "at least one deployment"),
        Invalid(
            name: "http2_prior_knowledge on https",
            yaml: "providers:\n  x: { kind: openai, http2_prior_knowledge: true }\n", line: 2,
            fragment: "'http2_prior_knowledge' applies to an http:// base_url"),
        Invalid(
            name: "openai_compatible without base_url", yaml: "providers:\n  x: { kind: openai_compatible }\n", line: 2,
            fragment: "needs a 'base_url'"),
    ]

    @Test(arguments: invalid)
    func rejectsWithLineNumber(_ invalid: Invalid) throws {
        do {
            _ = try GatewayConfiguration.load(yaml: invalid.yaml, environment: [:])
            Issue.record("expected an error")
        } catch let error as ConfigurationError {
            #expect(error.line == invalid.line, "\(error)")
            #expect(error.description.contains(invalid.fragment), "\(error)")
            #expect(error.description.contains("line \(invalid.line)"))
        }
    }

    @Test func plainHTTPUpstreamsDefaultsToThePoolAndCanBeSwitched() throws {
        #expect(try GatewayConfiguration.load(yaml: "server: {}\n", environment: [:]).server.plainHTTPUpstreams == "pooled")
        let switched = try GatewayConfiguration.load(
            yaml: "server:\n  plain_http_upstreams: async-http-client\n", environment: [:])
        #expect(switched.server.plainHTTPUpstreams == "async-http-client")
        #expect(switched.server.tlsUpstreams == "pooled")
    }

    @Test func tlsUpstreamsDefaultToThePoolAndCanBeSwitchedAndTrustACAFile() throws {
        let defaults = try GatewayConfiguration.load(yaml: "server: {}\n", environment: [:]).server
        #expect(defaults.tlsUpstreams == "pooled")
        #expect(defaults.upstreamCAFile == nil)
        #expect(defaults.tlsHTTP2)
        #expect(try !GatewayConfiguration.load(yaml: "server:\n  tls_http2: false\n", environment: [:]).server.tlsHTTP2)
        let ca = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-ca-\(UUID()).pem")
        try Data("not checked here".utf8).write(to: ca)
        defer { try? FileManager.default.removeItem(at: ca) }
        let switched = try GatewayConfiguration.load(
            yaml: "server:\n  tls_upstreams: async-http-client\n  upstream_ca_file: \(ca.path)\n", environment: [:])
        #expect(switched.server.tlsUpstreams == "async-http-client")
        #expect(switched.server.plainHTTPUpstreams == "pooled")
        #expect(switched.server.upstreamCAFile == ca.path)
    }

    @Test func anUpstreamProxyIsReadWithItsBypassList() throws {
        #expect(try GatewayConfiguration.load(yaml: "server: {}\n", environment: [:]).server.upstreamProxy == nil)
        let server = try GatewayConfiguration.load(
            yaml: "server:\n  upstream_no_proxy: internal.example, .corp\n"
                + "  upstream_proxy: http://u:p@proxy.corp:3128\n",
            environment: [:]
        ).server
        let proxy = try #require(server.upstreamProxy)
        #expect(proxy.host == "proxy.corp" && proxy.port == 3128)
        #expect(proxy.authorization == "Basic dTpw")
        #expect(proxy.bypass == ["internal.example", "corp"])
        #expect(proxy.description == "http://proxy.corp:3128 (with credentials)")
    }

    @Test func heapTrimsEveryTenSecondsByDefaultAndCanBeTunedOrTurnedOff() throws {
        #expect(try GatewayConfiguration.load(yaml: "server: {}\n", environment: [:]).server.heapTrimSeconds == 10)
        let tuned = try GatewayConfiguration.load(yaml: "server:\n  heap_trim_seconds: 2.5\n", environment: [:])
        #expect(tuned.server.heapTrimSeconds == 2.5)
        let off = try GatewayConfiguration.load(yaml: "server:\n  heap_trim_seconds: 0\n", environment: [:])
        #expect(off.server.heapTrimSeconds == 0)
    }

    @Test func idleConnectionsCloseAfterSeventyFiveSecondsByDefault() throws {
        #expect(try GatewayConfiguration.load(yaml: "server: {}\n", environment: [:]).server.idleTimeoutSeconds == 75)
        let tuned = try GatewayConfiguration.load(yaml: "server:\n  idle_timeout_seconds: 5\n", environment: [:])
        #expect(tuned.server.idleTimeoutSeconds == 5)
        let off = try GatewayConfiguration.load(yaml: "server:\n  idle_timeout_seconds: 0\n", environment: [:])
        #expect(off.server.idleTimeoutSeconds == 0)
    }

    @Test func http2PriorKnowledgeIsPerProviderAndOffByDefault() throws {
        let yaml = """
            providers:
              vllm: { kind: openai_compatible, base_url: "http://127.0.0.1:8000/v1", http2_prior_knowledge: true }
              ollama: { kind: ollama, base_url: "http://127.0.0.1:11434" }
            """
        let providers = try GatewayConfiguration.load(yaml: yaml, environment: [:]).providers
        #expect(providers["vllm"]?.http2PriorKnowledge == true)
        #expect(providers["ollama"]?.http2PriorKnowledge == false)
    }

    @Test func errorsNeverContainSecretValues() throws {
        let yaml = "providers:\n  x: { kind: openai, api_key: env:KEY, base_url: ftp://nope }\n"
        do {
            _ = try GatewayConfiguration.load(yaml: yaml, environment: ["KEY": "sk-very-secret"])
            Issue.record("expected an error")
        } catch let error as ConfigurationError {
            #expect(!error.description.contains("sk-very-secret"))
        }
    }

    @Test func secretsDoNotPrint() {
        let secret = Secret("sk-live-123")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
    }

    @Test func dropUnsupportedParamsInheritsAndOverrides() throws {
        let yaml = """
            server: { drop_unsupported_params: true }
            providers: { s: { kind: simulator } }
            models:
              - { name: a, deployments: [ { provider: s, model: x } ] }
              - { name: b, drop_unsupported_params: false, deployments: [ { provider: s, model: x } ] }
            """
        let configuration = try GatewayConfiguration.load(yaml: yaml, environment: [:])
        #expect(configuration.models[0].deployments[0].dropUnsupportedParams)
        #expect(!configuration.models[1].deployments[0].dropUnsupportedParams)
    }

    @Test func embeddedDefaultWithoutKeysServesTheSimulator() {
        let configuration = GatewayConfiguration.embeddedDefault(environment: [:], ollamaModels: nil)
        #expect(configuration.models.map(\.name) == ["simulator", "simulator-embedding", "local/all-minilm-l6-v2"])
        #expect(configuration.origin.contains("simulator"))
    }

    @Test func embeddedDefaultUsesStandardKeysAndOllama() {
        let configuration = GatewayConfiguration.embeddedDefault(
            environment: ["ANTHROPIC_API_KEY": "sk-ant", "MISTRAL_API_KEY": ""], ollamaModels: ["llama3.2:latest"])
        let kinds = Set(configuration.providers.values.map(\.kind))
        #expect(kinds == [.anthropic, .ollama])
        #expect(configuration.models.contains { $0.name == "llama3.2:latest" })
        #expect(configuration.models.contains { $0.name == "claude-sonnet-4-5" })
        #expect(!configuration.models.contains { $0.name == "simulator" })
    }
}
