import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import SwitchyardGovernance
import SwitchyardProviders
import SwitchyardRouting
import SwitchyardTelemetry

/// `POST /v1/embeddings`: OpenAI's embeddings API over any provider with embeddings.
///
/// Governed as chat requests are, when governance is on: model and region rights, rate limits and a budget
/// reservation on the input tokens before the call; the spend settled, the ledger record (operation `embeddings`)
/// and the metrics after it, or the failure recorded. A budget that would downgrade a chat request refuses an
/// embeddings request (`budget_exceeded`): its `downgrade_model` is a chat model.
struct EmbeddingsHandler: Sendable {
    let engine: RoutingEngine
    let registry: ProviderRegistry
    let bodyDecoder: RequestBodyDecoder
    /// Governance, when configured.
    var governance: ChatGovernance? = nil
    /// Metrics, when configured.
    var telemetry: GatewayTelemetry? = nil
    /// Prices, for the metrics' cost.
    var pricing = PricingCatalogue()

    func handle(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let embedding = try await bodyDecoder.decode(EmbeddingRequest.self, from: request)
        guard !embedding.input.isEmpty else {
            throw GatewayError(.invalidRequest, "'input' must not be empty.", param: "input")
        }
        if let index = embedding.input.firstIndex(where: \.isEmpty) {
            throw GatewayError(.invalidRequest, "'input' must not contain empty strings.", param: "input[\(index)]")
        }
        let model = try engine.catalog.model(named: embedding.model)
        var features = RequestFeatures(request: ChatRequest(model: embedding.model, messages: []))
        features.promptTokens = embedding.input.reduce(0) { $0 + $1.utf8.count / 4 }
        let ticket = RequestTicket(
            requestID: context.requestID, operation: "embeddings", model: embedding.model, telemetry: telemetry,
            pricing: pricing)
        var limitHeaders: [(String, String)] = []
        if let governance, let identity = context.identity {
            limitHeaders = try await admit(
                ticket, model: model, identity: identity, tokens: features.promptTokens, governance)
        }
        let registry = self.registry
        let routed: RoutingEngine.Routed<EmbeddingResponse>
        do {
            routed = try await engine.route(requestID: context.requestID, model: model, features: features) {
                deployment, _ in
                try await registry.provider(for: deployment.provider).embed(embedding, deployment: deployment)
            }
        } catch {
            await ticket.failed(error)
            throw error
        }
        engine.decisions.record(routed.decision)
        let deployment = routed.deployment
        let result = routed.value
        guard result.vectors.count == embedding.input.count else {
            let error = GatewayError(
                .upstreamMalformedResponse,
                "Provider '\(deployment.provider.name)' returned \(result.vectors.count) embeddings for "
                    + "\(embedding.input.count) inputs.")
            await ticket.failed(error, deployment: deployment, decision: routed.decision)
            throw error
        }
        await ticket.succeeded(
            deployment: deployment, usage: Usage(promptTokens: result.promptTokens, completionTokens: 0),
            decision: routed.decision)
        let base64 = embedding.encodingFormat == "base64"
        let list = EmbeddingList(
            data: result.vectors.enumerated().map { index, vector in
                EmbeddingList.Item(index: index, embedding: base64 ? .base64(vector) : .floats(vector))
            },
            model: result.model, usage: .init(promptTokens: result.promptTokens, totalTokens: result.promptTokens))
        var headers = ChatCompletionsHandler.routingHeaders(for: deployment, decision: routed.decision)
        headers[.contentType] = "application/json"
        headers.set(limitHeaders)
        let body = try JSONEncoder().encodeAsByteBuffer(list, allocator: ByteBufferAllocator())
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// Rights, rate limits and a budget reservation; a refusal (or a downgrade, see the type) settles the ticket.
    /// Returns the rate-limit headers for the response.
    private func admit(
        _ ticket: RequestTicket, model: ModelDefinition, identity: Identity, tokens: Int, _ governance: ChatGovernance
    ) async throws -> [(String, String)] {
        do {
            let admission = try await governance.admitEmbeddings(model: model, identity: identity, inputTokens: tokens)
            ticket.admitted(admission, by: governance.runtime.governor)
            if admission.downgradeModel != nil {
                throw GovernanceError(.budgetExceeded, "The budget is exhausted.")
            }
            return admission.headers
        } catch {
            await ticket.failed(error)
            throw error
        }
    }
}

/// OpenAI's embeddings list response.
private struct EmbeddingList: Encodable {
    enum Vector: Encodable {
        case floats([Float])
        case base64([Float])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .floats(let values): try container.encode(values)
            case .base64(let values):
                var bytes = [UInt8]()
                bytes.reserveCapacity(values.count * 4)
                for value in values {
                    withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
                }
                try container.encode(Data(bytes).base64EncodedString())
            }
        }
    }

    struct Item: Encodable {
        var object = "embedding"
        var index: Int
        var embedding: Vector

        init(index: Int, embedding: Vector) {
            self.index = index
            self.embedding = embedding
        }
    }

    struct Usage: Encodable {
        var promptTokens: Int
        var totalTokens: Int
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case totalTokens = "total_tokens"
        }
    }

    var object = "list"
    var data: [Item]
    var model: String
    var usage: Usage

    init(data: [Item], model: String, usage: Usage) {
        self.data = data
        self.model = model
        self.usage = usage
    }
}
