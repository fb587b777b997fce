import HTTPTypes
import SwitchyardCore

/// The response fields that name the deployment that answered (`x-switchyard-provider`, `-upstream-model`,
/// `-deployment` and `-region`), built once for every configured deployment instead of on every response; for a JSON
/// answer, with its length and type first (``answerFields(for:contentLength:reserving:)``).
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
        /// ``answerPrefix`` and then `fields`.
        var answerFields: HTTPFields
    }

    /// By deployment id.
    private let table: [String: Entry]

    /// Builds the fields of `deployments` (the first of two deployments with one id wins).
    init(_ deployments: some Sequence<Deployment>) {
        var table: [String: Entry] = [:]
        for deployment in deployments where table[deployment.id] == nil {
            let fields = Self.build(deployment, capacity: 4)
            var answerFields = Self.answerPrefix
            answerFields.append(contentsOf: fields)
            table[deployment.id] = Entry(
                provider: deployment.provider.name, upstreamModel: deployment.upstreamModel,
                region: deployment.region, fields: fields, answerFields: answerFields)
        }
        self.table = table
    }

    /// The fields that name `deployment`, with room for `extra` more.
    func fields(for deployment: Deployment, reserving extra: Int) -> HTTPFields {
        if let entry = entry(for: deployment) {
            var fields = entry.fields
            fields.reserveCapacity(entry.fields.count + extra)
            return fields
        }
        return Self.build(deployment, capacity: 4 + extra)
    }

    /// The fields of a JSON answer from `deployment`, with room for `extra` more: `Content-Length` first (the
    /// answer's `contentLength`), `Content-Type: application/json`, then the fields that name the deployment.
    ///
    /// The length comes first because Hummingbird's `Response.init` and the HTTP/1.1 encoder's framing each search
    /// the list for it from the front (about 1,600 instructions per response under callgrind when it came last).
    /// It replaces the stored one in place: appending a field goes through `HTTPFields`' generic `replaceSubrange`,
    /// unspecialised, about 370 instructions each.
    func answerFields(for deployment: Deployment, contentLength: Int, reserving extra: Int) -> HTTPFields {
        var fields: HTTPFields
        if let entry = entry(for: deployment) {
            fields = entry.answerFields
            fields.reserveCapacity(entry.answerFields.count + extra)
        } else {
            fields = Self.answerPrefix
            fields.reserveCapacity(Self.answerPrefix.count + 4 + extra)
            fields.append(contentsOf: Self.build(deployment, capacity: 4))
        }
        fields[0] = HTTPField(name: .contentLength, value: String(contentLength))
        return fields
    }

    /// What every JSON answer's fields begin with: `Content-Length` (its value replaced per answer) and
    /// `Content-Type: application/json`.
    static let answerPrefix: HTTPFields = [.contentLength: "0", .contentType: "application/json"]

    /// The table's entry for `deployment`, when its named fields are the stored ones.
    private func entry(for deployment: Deployment) -> Entry? {
        guard let entry = table[deployment.id], entry.provider == deployment.provider.name,
            entry.upstreamModel == deployment.upstreamModel, entry.region == deployment.region
        else { return nil }
        return entry
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
