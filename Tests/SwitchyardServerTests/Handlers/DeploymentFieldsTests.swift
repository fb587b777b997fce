import HTTPTypes
import SwitchyardCore
import Testing

@testable import SwitchyardServer

/// The routing fields built once per deployment: the same fields as built per response, and never another
/// deployment's.
@Suite struct DeploymentFieldsTests {
    private static func deployment(
        id: String = "chat/oai#0", provider: String = "oai", model: String = "gpt-4o-mini", region: String? = nil
    ) -> Deployment {
        Deployment(
            id: id, publicModel: "chat",
            provider: ProviderEndpoint(name: provider, kind: .openai, baseURL: "http://127.0.0.1:1/v1"),
            upstreamModel: model, region: region)
    }

    @Test func aConfiguredDeploymentGetsTheFieldsBuiltForIt() {
        let configured = [Self.deployment(), Self.deployment(id: "chat/eu#1", provider: "eu", region: "eu")]
        let table = DeploymentFields(configured)
        for deployment in configured {
            let fields = table.fields(for: deployment, reserving: 3)
            #expect(fields == DeploymentFields.build(deployment, capacity: 4))
            #expect(fields[.switchyardDeployment] == deployment.id)
            #expect(fields[.switchyardRegion] == deployment.region)
        }
    }

    @Test func aDeploymentThatDiffersFromTheTableGetsItsOwnFields() {
        let table = DeploymentFields([Self.deployment(region: "us")])
        let changed = [
            Self.deployment(model: "gpt-4.1"), Self.deployment(provider: "other", region: "us"),
            Self.deployment(region: "eu"), Self.deployment(id: "unknown#0"),
        ]
        for deployment in changed {
            let fields = table.fields(for: deployment, reserving: 0)
            #expect(fields[.switchyardUpstreamModel] == deployment.upstreamModel)
            #expect(fields[.switchyardProvider] == deployment.provider.name)
            #expect(fields[.switchyardRegion] == deployment.region)
            #expect(fields[.switchyardDeployment] == deployment.id)
        }
    }

    @Test func theChatPathAddsTheDecisionAfterTheDeploymentFields() {
        let deployment = Self.deployment()
        let handlerFields = DeploymentFields([deployment]).fields(for: deployment, reserving: 2)
        var expected = DeploymentFields.build(deployment, capacity: 6)
        expected.append(HTTPField(name: .switchyardAttempts, value: "1"))
        var fields = handlerFields
        fields.append(ChatCompletionsHandler.oneAttempt)
        #expect(fields == expected)
    }

    @Test func aJSONAnswerHasItsLengthFirstThenItsTypeThenTheDeploymentFields() {
        let configured = Self.deployment(id: "chat/eu#1", provider: "eu", region: "eu")
        let table = DeploymentFields([configured])
        let deployments = [
            configured, Self.deployment(id: "chat/eu#1", provider: "eu", region: "us"), Self.deployment(id: "x#0"),
        ]
        for deployment in deployments {
            for length in [0, 7, 610, 1_048_576] {
                var expected: HTTPFields = [.contentLength: String(length), .contentType: "application/json"]
                expected.append(contentsOf: DeploymentFields.build(deployment, capacity: 4))
                let fields = table.answerFields(for: deployment, contentLength: length, reserving: 5)
                #expect(fields == expected, "\(deployment.id), \(length)")
                #expect(fields.first?.name == .contentLength)
            }
        }
        // The stored fields are copied, not changed: another answer from the deployment gets its own length.
        _ = table.answerFields(for: configured, contentLength: 99, reserving: 0)
        #expect(table.answerFields(for: configured, contentLength: 3, reserving: 0)[.contentLength] == "3")
        #expect(DeploymentFields.answerPrefix[.contentLength] == "0")
    }
}
