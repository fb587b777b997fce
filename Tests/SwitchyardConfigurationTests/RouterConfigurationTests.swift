import Foundation
import SwitchyardConfiguration
import SwitchyardCore
import Testing

/// The `routers:` section: artifacts, candidate mapping, objectives, budget pressure, exclusions and errors that
/// name their line.
@Suite struct RouterConfigurationTests {
    /// A minimal artifact: the configuration reads only the format version and candidate names.
    static func artifact(version: Int = 1, candidates: [String] = ["big", "small"]) throws -> String {
        let names = candidates.map { #"{"name": "\#($0)"}"# }.joined(separator: ", ")
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("router-config-\(UUID().uuidString).json").path
        try Data(#"{"formatVersion": \#(version), "candidates": [\#(names)]}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Models `big-model` and `small-model`, then `routers:` with `body` indented under it (line 9 on).
    static func yaml(_ body: String) -> String {
        """
        providers:
          oai: { kind: openai, api_key: env:KEY }
          local: { kind: ollama }
        models:
          - name: big-model
            deployments: [ { provider: oai, model: gpt-big } ]
          - name: small-model
            deployments: [ { provider: local, model: llama-small } ]
        routers:
        \(body.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    static func load(_ body: String) throws -> GatewayConfiguration {
        try GatewayConfiguration.load(yaml: yaml(body), environment: ["KEY": "sk-test"])
    }

    @Test func readsARouterWithEveryOption() throws {
        let path = try Self.artifact()
        let configuration = try Self.load(
            """
            support:
              artifact: \(path)
              candidates: { big: big-model, small: small-model }
              objective: { quality_target: 0.8 }
              budget_pressure: { start: 0.7, full: 0.9, max_lambda: 3 }
              stickiness: false
              exclude_providers: [oai]
              default: true
            cheap:
              artifact: \(path)
              candidates: { big: none, small: small-model }
              objective: { lambda: 0.5 }
            """)
        #expect(configuration.routers.map(\.name) == ["support", "cheap"])
        let support = configuration.routers[0]
        #expect(support.objective == .qualityTarget(0.8))
        #expect(support.budgetPressure == RouterSettings.BudgetPressure(start: 0.7, full: 0.9, maxLambda: 3))
        #expect(support.stickiness == false)
        #expect(support.excludedProviders == ["oai"])
        #expect(support.candidates.map(\.model) == ["big-model", "small-model"])
        #expect(configuration.autoRouter?.name == "support")
        #expect(configuration.routers[1].objective == .costWeight(0.5))
        #expect(configuration.routers[1].candidates.map(\.model) == [nil, "small-model"])
        #expect(configuration.routers[1].stickiness)
    }

    @Test func theRouterNamedAutoAnswersAuto() throws {
        let path = try Self.artifact()
        let configuration = try Self.load(
            """
            auto: { artifact: \(path), candidates: { big: big-model, small: small-model }, objective: economy }
            """)
        #expect(configuration.autoRouter?.name == "auto")
        #expect(configuration.autoRouter?.objective == .economy)
    }

    @Test func budgetPressureRaisesLambdaAlongTheCurve() {
        let curve = RouterSettings.BudgetPressure(start: 0.8, full: 1.0, maxLambda: 4)
        #expect(curve.lambda(base: 0.5, ratio: 0.5) == 0.5)
        #expect(curve.lambda(base: 0.5, ratio: 0.8) == 0.5)
        #expect(abs(curve.lambda(base: 0.5, ratio: 0.9) - 2.25) < 1e-9)
        #expect(curve.lambda(base: 0.5, ratio: 1.0) == 4)
        #expect(curve.lambda(base: 0.5, ratio: 3.0) == 4)
        // Pressure never lowers a λ that is already above the curve's maximum.
        #expect(curve.lambda(base: 6, ratio: 1.0) == 6)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var body: @Sendable (String, String) -> String
        var line: Int
        var fragment: String
        var testDescription: String { name }
    }

    static let invalid: [Invalid] = [
        Invalid(
            name: "unmapped candidate",
            body: { path, _ in "r:\n  artifact: \(path)\n  candidates: { big: big-model }" }, line: 12,
            fragment: "leaves candidates unmapped: small"),
        Invalid(
            name: "unknown model",
            body: { path, _ in "r:\n  artifact: \(path)\n  candidates:\n    big: big-model\n    small: tiny-model" },
            line: 14, fragment: "candidate 'small' maps to unknown model 'tiny-model'"),
        Invalid(
            name: "not a candidate",
            body: { path, _ in "r:\n  artifact: \(path)\n  candidates:\n    big: big-model\n    huge: big-model" },
            line: 14, fragment: "'huge' is not a candidate"),
        Invalid(
            name: "missing artifact",
            body: { _, _ in "r:\n  artifact: /nonexistent/router.json\n  candidates: { big: big-model }" }, line: 11,
            fragment: "cannot read router artifact /nonexistent/router.json"),
        Invalid(
            name: "format version",
            body: { _, old in "r:\n  artifact: \(old)\n  candidates: { big: big-model, small: small-model }" },
            line: 11, fragment: "format version 99"),
        Invalid(
            name: "unknown objective",
            body: { path, _ in
                "r:\n  artifact: \(path)\n  candidates: { big: big-model, small: small-model }\n  objective: cheapest"
            }, line: 13, fragment: "unknown objective 'cheapest'"),
        Invalid(
            name: "quality target out of range",
            body: { path, _ in
                "r:\n  artifact: \(path)\n  candidates: { big: big-model, small: small-model }\n"
                    + "  objective: { quality_target: 1.5 }"
            }, line: 13, fragment: "quality_target must be 0...1"),
        Invalid(
            name: "unknown excluded provider",
            body: { path, _ in
                "r:\n  artifact: \(path)\n  candidates: { big: big-model, small: small-model }\n"
                    + "  exclude_providers: [azure]"
            }, line: 13, fragment: "unknown provider 'azure'"),
        Invalid(
            name: "unknown key",
            body: { path, _ in
                "r:\n  artifact: \(path)\n  candidates: { big: big-model, small: small-model }\n  objectve: quality"
            }, line: 13, fragment: "unknown key 'objectve'"),
        Invalid(
            name: "nothing mapped",
            body: { path, _ in "r:\n  artifact: \(path)\n  candidates: { big: none, small: none }" }, line: 12,
            fragment: "maps no candidate"),
        Invalid(
            name: "two defaults",
            body: { path, _ in
                "a: { artifact: \(path), candidates: { big: big-model, small: small-model }, default: true }\n"
                    + "b: { artifact: \(path), candidates: { big: big-model, small: small-model }, default: true }"
            }, line: 10, fragment: "only one router may answer model 'auto'"),
    ]

    @Test(arguments: invalid) func rejectsWithTheLine(_ case_: Invalid) throws {
        let path = try Self.artifact()
        let old = try Self.artifact(version: 99)
        #expect {
            try Self.load(case_.body(path, old))
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == case_.line && error.message.contains(case_.fragment)
        }
    }
}
