import HTTPTypes
import SwitchyardCore

/// The response fields that name the deployment that answered (`x-switchyard-provider`, `-upstream-model`,
/// `-deployment` and `-region`), built once for every configured deployment instead of on every response.
///
/// Building them per response cost about 6,000 instructions under callgrind: `HTTPField` checks every byte of every
/// value, and each append goes through `HTTPFields`' generic `replaceSubrange`. A lookup by the deployment's id and
/// a copy of the stored fields cost a fraction of that. A deployment that is not in the table, or whose named fields
/// differ from the stored ones, gets its fields built as before, so the table can never answer for another
/// deployment.
struct DeploymentFields: Sendable {
    /// One deployment's fields, with the values they were built from.
    private struct Entry: Sendable {
        var provider: String
        var upstreamModel: String
        var region: String?
        var fields: HTTPFields
    }

    /// By deployment id.
    private let table: [String: Entry]

    /// Builds the fields of `deployments` (the first of two deployments with one id wins).
    init(_ deployments: some Sequence<Deployment>) {
        var table: [String: Entry] = [:]
        for deployment in deployments where table[deployment.id] == nil {
            table[deployment.id] = Entry(
                provider: deployment.provider.name, upstreamModel: deployment.upstreamModel,
                region: deployment.region, fields: Self.build(deployment, capacity: 4))
        }
        self.table = table
    }

    /// The fields that name `deployment`, with room for `extra` more.
    func fields(for deployment: Deployment, reserving extra: Int) -> HTTPFields {
        if let entry = table[deployment.id], entry.provider == deployment.provider.name,
            entry.upstreamModel == deployment.upstreamModel, entry.region == deployment.region
        {
            var fields = entry.fields
            fields.reserveCapacity(entry.fields.count + extra)
            return fields
        }
        return Self.build(deployment, capacity: 4 + extra)
    }

    /// The fields that name `deployment`, built field by field.
    static func build(_ deployment: Deployment, capacity: Int) -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(capacity)
        fields.append(HTTPField(name: .switchyardProvider, value: deployment.provider.name))
        fields.append(HTTPField(name: .switchyardUpstreamModel, value: deployment.upstreamModel))
        fields.append(HTTPField(name: .switchyardDeployment, value: deployment.id))
        if let region = deployment.region { fields.append(HTTPField(name: .switchyardRegion, value: region)) }
        return fields
    }
}
