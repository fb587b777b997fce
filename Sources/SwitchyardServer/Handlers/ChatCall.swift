import HTTPTypes
import NIOCore
import SwitchyardCore
import SwitchyardRouting

/// A chat request that has been decoded, validated, admitted and missed the cache: everything the upstream call
/// needs, handed from ``ChatCompletionsHandler/accept(_:context:)`` to its streaming or non-streaming phase.
///
/// A class, so that the frames that hold it while the upstream answers hold a reference, not the request.
final class ChatCall: Sendable {
    /// The request as the gateway serves it (after experiment arms, learned routers and downgrades).
    let chat: ChatRequest
    /// The client's body as received, for the pass-through path.
    let original: ByteBuffer
    /// The model the request is served by.
    let model: ModelDefinition
    /// What routing strategies look at.
    let features: RequestFeatures
    /// The strategy the request or its experiment arm asked for.
    let strategy: RoutingStrategyKind?
    /// The request's usage, metrics and ledger record.
    let ticket: RequestTicket
    /// The cache's part, when a cache is configured.
    let caching: CachePlan?
    /// Headers set before routing (admission, learned router, cache), added to the response's.
    let headers: HTTPFields

    init(
        chat: ChatRequest, original: ByteBuffer, model: ModelDefinition, features: RequestFeatures,
        strategy: RoutingStrategyKind?, ticket: RequestTicket, caching: CachePlan?, headers: HTTPFields
    ) {
        self.chat = chat
        self.original = original
        self.model = model
        self.features = features
        self.strategy = strategy
        self.ticket = ticket
        self.caching = caching
        self.headers = headers
    }
}
