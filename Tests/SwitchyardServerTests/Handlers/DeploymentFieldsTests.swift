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
        #expect(ChatCompletionsHandler.jsonContentType == HTTPField(name: .contentType, value: "application/json"))
    }
}
