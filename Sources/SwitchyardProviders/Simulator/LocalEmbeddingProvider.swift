import Foundation
public import SwitchyardCore
import SwitchyardEmbeddings
import Synchronization

/// Embeddings computed inside the gateway with all-MiniLM-L6-v2: no provider, no network, a few milliseconds.
///
/// The deployment's upstream model names a folder under the models directory (`all-minilm-l6-v2`), laid out by
/// `scripts/embeddings/fetch-model.sh`. The model loads on first use and stays loaded.
public final class LocalEmbeddingProvider: ModelProvider {
    /// `SWITCHYARD_MODELS_DIR`, else `./models`.
    public static var defaultModelsDirectory: String {
        ProcessInfo.processInfo.environment["SWITCHYARD_MODELS_DIR"] ?? "models"
    }

    private let modelsDirectory: String
    private let embedders = Mutex<[String: SentenceEmbedder]>([:])

    /// Creates a provider reading models from a directory.
    public init(modelsDirectory: String) {
        self.modelsDirectory = modelsDirectory
    }

    /// Chat is not offered; every parameter is irrelevant.
    public func unsupportedParameters(in request: ChatRequest) -> [String] { [] }

    /// Always fails: this provider only embeds.
    public func complete(_ request: ChatRequest, deployment: Deployment) async throws -> ChatResponse {
        throw GatewayError(.invalidRequest, "Model '\(deployment.publicModel)' only computes embeddings.", param: "model")
    }

    /// Always fails: this provider only embeds.
    public func stream(_ request: ChatRequest, deployment: Deployment) async throws -> ChatEventStream {
        throw GatewayError(.invalidRequest, "Model '\(deployment.publicModel)' only computes embeddings.", param: "model")
    }

    /// Embeds the inputs in-process.
    ///
    /// - Throws: ``GatewayError`` `upstream_unavailable` when the model files are missing or broken.
    public func embed(_ request: EmbeddingRequest, deployment: Deployment) async throws -> EmbeddingResponse {
        let embedder = try load(deployment.upstreamModel)
        if let dimensions = request.dimensions, dimensions != embedder.dimensions {
            throw GatewayError(
                .invalidRequest, "Model '\(deployment.publicModel)' has \(embedder.dimensions) dimensions.",
                param: "dimensions")
        }
        let inputs = request.input
        let vectors = await ComputeQueue.run { embedder.embed(batch: inputs) }  // off the event loop
        let tokens = request.input.reduce(0) { $0 + embedder.tokenizer.encode($1, maxLength: embedder.maxSequenceLength).count }
        return EmbeddingResponse(vectors: vectors, model: deployment.upstreamModel, promptTokens: tokens)
    }

    /// The unit embedding function of an installed model (loaded now, then shared with `/v1/embeddings`), for the
    /// semantic cache and the router.
    ///
    /// - Parameter name: The model's folder, e.g. `all-minilm-l6-v2`.
    /// - Returns: The function and its number of dimensions.
    /// - Throws: ``GatewayError`` `upstream_unavailable` when the model files are missing or broken.
    public func textEmbedder(_ name: String) throws -> (embed: @Sendable (String) -> [Float], dimensions: Int) {
        let embedder = try load(name)
        return ({ embedder.embed($0) }, embedder.dimensions)
    }

    private func load(_ name: String) throws -> SentenceEmbedder {
        if let embedder = embedders.withLock({ $0[name] }) { return embedder }
        let directory = URL(fileURLWithPath: modelsDirectory).appendingPathComponent(name)
        do {
            let embedder = try SentenceEmbedder(modelDirectory: directory)
            embedders.withLock { $0[name] = embedder }
            return embedder
        } catch {
            throw GatewayError(
                .upstreamUnavailable,
                "The local model '\(name)' is not installed; run scripts/embeddings/fetch-model.sh.",
                upstream: .init(provider: "local", status: nil), underlying: error)
        }
    }
}
