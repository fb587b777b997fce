import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import SwitchyardProviders
import SwitchyardRouting

/// `POST /v1/chat/completions`: decode, choose the deployment, check parameters, call the provider, answer in one
/// piece or as server-sent events.
struct ChatCompletionsHandler: Sendable {
    let catalog: ModelCatalog
    let registry: ProviderRegistry
    let bodyDecoder: RequestBodyDecoder
    let logger: Logger

    func handle(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        var chat = try await bodyDecoder.decode(ChatRequest.self, from: request)
        try ChatRequestValidator.validate(chat)
        let deployment = try catalog.deployment(for: chat.model)
        let provider = registry.provider(for: deployment.provider)
        var headers = Self.routingHeaders(for: deployment)
        let unsupported = provider.unsupportedParameters(in: chat)
        if let first = unsupported.first {
            guard deployment.dropUnsupportedParams else {
                throw GatewayError(
                    .unsupportedParameter,
                    "Provider '\(deployment.provider.name)' (\(deployment.provider.kind.rawValue)) does not support "
                        + "'\(first)'. Remove it, or set drop_unsupported_params: true for model '\(chat.model)'.",
                    param: first)
            }
            for name in unsupported { chat.removeParameter(name) }
            headers[.switchyardDroppedParams] = unsupported.joined(separator: ",")
        }
        if chat.stream {
            return try await stream(chat, deployment: deployment, provider: provider, headers: headers, context: context)
        }
        let answer = try await provider.complete(chat, deployment: deployment)
        headers[.contentType] = "application/json"
        let body = try JSONEncoder().encodeAsByteBuffer(
            completed(answer, requestID: context.requestID), allocator: ByteBufferAllocator())
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    private func completed(_ answer: ChatResponse, requestID: String) -> ChatResponse {
        var answer = answer
        if answer.id.isEmpty { answer.id = "chatcmpl-" + requestID }
        if answer.created == 0 { answer.created = Int(Date().timeIntervalSince1970) }
        return answer
    }

    private func stream(
        _ chat: ChatRequest, deployment: Deployment, provider: any ModelProvider, headers: HTTPFields,
        context: GatewayRequestContext
    ) async throws -> Response {
        let events = try await provider.stream(chat, deployment: deployment)
        var iterator = events.makeAsyncIterator()
        // Hold the response head until the first event: a failure before it is still a proper HTTP error.
        let first = try await iterator.next()
        var headers = headers
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let encoder = ChunkEncoder(
            fallbackID: "chatcmpl-" + context.requestID, fallbackModel: deployment.upstreamModel,
            includeUsage: chat.includeUsageInStream)
        let logger = self.logger
        let requestID = context.requestID
        let pending = PendingIterator(first: first, rest: iterator)
        let body = ResponseBody { writer in
            var encoder = encoder
            do {
                while let event = try await pending.next() {
                    if let bytes = encoder.encode(event) { try await writer.write(bytes) }
                }
                try await writer.write(encoder.finish())
            } catch let error as GatewayError {
                logger.warning(
                    "stream ended with an upstream error",
                    metadata: ["request_id": "\(requestID)", "code": "\(error.code)"])
                let interrupted =
                    error.code == .upstreamStreamInterrupted
                    ? error
                    : GatewayError(
                        .upstreamStreamInterrupted, error.message, upstream: error.upstream, underlying: error)
                try await writer.write(encoder.error(interrupted))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func routingHeaders(for deployment: Deployment) -> HTTPFields {
        var headers = HTTPFields()
        headers[.switchyardProvider] = deployment.provider.name
        headers[.switchyardUpstreamModel] = deployment.upstreamModel
        headers[.switchyardDeployment] = deployment.id
        return headers
    }
}

/// An event iterator with its first event already taken, usable from the response writer.
final class PendingIterator: @unchecked Sendable {
    private var first: ChatStreamEvent?
    private var rest: ChatEventStream.Iterator

    init(first: ChatStreamEvent?, rest: ChatEventStream.Iterator) {
        self.first = first
        self.rest = rest
    }

    func next() async throws -> ChatStreamEvent? {
        if let event = first {
            first = nil
            return event
        }
        return try await rest.next()
    }
}
