import SwitchyardConfiguration
import SwitchyardCore
import Testing

/// The `experiments:` and `feedback:` sections: strict keys, references checked, errors with lines.
@Suite struct ExperimentConfigurationTests {
    static let base = """
        providers:
          sim: { kind: simulator }
        models:
          - name: gpt
            deployments: [ { provider: sim, model: a } ]
          - name: claude
            deployments: [ { provider: sim, model: b } ]

        """

    @Test func readsExperimentsAndFeedbackSettings() throws {
        let configuration = try GatewayConfiguration.load(
            yaml: Self.base + """
                feedback: { max_exploration_share: 0.05, exploration_window: 100, discount: 0.99, flush_seconds: 10 }
                experiments:
                  - id: cheap-vs-strong
                    model: gpt
                    arms:
                      - { name: control, model: gpt }
                      - { name: claude, model: claude, weight: 3 }
                      - { name: fastest, strategy: lowest_latency }
                    sticky: conversation
                    metric: error_rate
                    auto_promote: true
                    alpha: 0.01
                """, environment: [:])
        let experiment = try #require(configuration.experiments.first)
        #expect(experiment.id == "cheap-vs-strong")
        #expect(experiment.model == "gpt")
        #expect(
            experiment.arms == [
                .init(name: "control", target: .model("gpt")),
                .init(name: "claude", target: .model("claude"), weight: 3),
                .init(name: "fastest", target: .strategy(.lowestLatency)),
            ])
        #expect(experiment.sticky == "conversation")
        #expect(experiment.metric == "error_rate")
        #expect(experiment.autoPromote)
        #expect(experiment.alpha == 0.01)
        #expect(configuration.feedback.maxExplorationShare == 0.05)
        #expect(configuration.feedback.explorationWindow == 100)
        #expect(configuration.feedback.discount == 0.99)
        #expect(configuration.feedback.flushSeconds == 10)
    }

    @Test(arguments: [
        ("    arms: [ { name: a, model: gpt } ]", "two or more arms"),
        ("    arms: [ { name: a, model: gpt }, { name: b, model: nope } ]", "unknown model 'nope'"),
        ("    arms: [ { name: a, model: gpt }, { name: a, model: claude } ]", "duplicate arm name"),
        ("    arms: [ { name: a, model: gpt }, { name: b, model: claude, strategy: weighted } ]", "exactly one of"),
        ("    arms: [ { name: a, model: gpt }, { name: b, router: support } ]", "unknown router 'support'"),
        ("    arms: [ { name: a, model: gpt }, { name: b, strategy: fastest } ]", "unknown strategy"),
        ("    arms: [ { name: a, model: gpt }, { name: b, model: claude, weight: 0 } ]", "weight must be positive"),
        ("    arms: [ { name: a, model: gpt }, { name: b, model: claude, colour: red } ]", "unknown key 'colour'"),
        ("    arms: [ { name: a, model: gpt }, { name: b, model: claude } ]\n    sticky: ip", "sticky must be"),
        ("    arms: [ { name: a, model: gpt }, { name: b, model: claude } ]\n    metric: vibes", "metric must be"),
        ("    arms: [ { name: a, model: gpt }, { name: b, model: claude } ]\n    alpha: 0.9", "alpha must be"),
    ])
    func rejectsBadExperimentsNamingTheLine(arms: String, message: String) {
        let yaml = Self.base + "experiments:\n  - id: exp\n    model: gpt\n" + arms + "\n"
        #expect {
            try GatewayConfiguration.load(yaml: yaml, environment: [:])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.description.contains(message) && error.line > 0 && error.path.hasPrefix("experiments")
        }
    }

    @Test func rejectsAnExperimentOnAnUnknownModelAndTwoOnOneModel() {
        let unknown =
            Self.base + """
                experiments:
                  - { id: exp, model: auto, arms: [ { name: a, model: gpt }, { name: b, model: claude } ] }
                """
        #expect(throws: ConfigurationError.self) { try GatewayConfiguration.load(yaml: unknown, environment: [:]) }
        let twice =
            Self.base + """
                experiments:
                  - { id: one, model: gpt, arms: [ { name: a, model: gpt }, { name: b, model: claude } ] }
                  - { id: two, model: gpt, arms: [ { name: a, model: gpt }, { name: b, model: claude } ] }
                """
        #expect(throws: ConfigurationError.self) { try GatewayConfiguration.load(yaml: twice, environment: [:]) }
    }
}
