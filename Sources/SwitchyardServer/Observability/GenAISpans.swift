import SwitchyardCore
import Tracing

/// OpenTelemetry spans for upstream calls, with the GenAI semantic conventions' attributes (`gen_ai.*`).
///
/// Each attempt (first try, retry, failover, fallback) is its own client span, a child of the request's span, so the
/// `traceparent` the upstream receives names it. With no tracer bootstrapped these are no-ops.
enum GenAISpans {
    /// Runs one upstream attempt inside a client span named `chat {upstream model}`; with `traced` false (the
    /// gateway's tracing is off, `GatewayServices.tracing`), without one.
    static func attempt<T: Sendable>(
        _ chat: ChatRequest, on deployment: Deployment, streaming: Bool, traced: Bool,
        _ body: (any Span) async throws -> T
    ) async throws -> T {
        // No tracing, or no tracer bootstrapped: no span, no task-local context switch and no attributes built only
        // to be dropped (about 30,000 instructions per request under callgrind). `traced` is read first: asking the
        // instrumentation system for its tracer takes its lock (about 2,000 instructions).
        if !traced || InstrumentationSystem.tracer is NoOpTracer {
            return try await body(NoOpTracer.NoOpSpan(context: .topLevel))
        }
        return try await withSpan("chat \(deployment.upstreamModel)", ofKind: .client) { span in
            span.attributes["gen_ai.operation.name"] = "chat"
            span.attributes["gen_ai.system"] = deployment.provider.kind.rawValue
            span.attributes["gen_ai.provider.name"] = deployment.provider.kind.rawValue
            span.attributes["gen_ai.request.model"] = deployment.upstreamModel
            span.attributes["switchyard.model"] = chat.model
            span.attributes["switchyard.deployment"] = deployment.id
            span.attributes["switchyard.stream"] = streaming
            if let region = deployment.region { span.attributes["switchyard.region"] = region }
            if let temperature = chat.temperature { span.attributes["gen_ai.request.temperature"] = temperature }
            if let maxTokens = chat.effectiveMaxTokens { span.attributes["gen_ai.request.max_tokens"] = maxTokens }
            do {
                return try await body(span)
            } catch let error as GatewayError {
                span.attributes["error.type"] = error.code.rawValue
                span.setStatus(SpanStatus(code: .error, message: error.code.rawValue))
                throw error
            }
        }
    }

    /// Records a complete answer's model, usage and finish reasons.
    static func record(_ answer: CompletionAnswer, on span: any Span) {
        guard span.isRecording else { return }
        switch answer {
        case .decoded(let response):
            record(response, on: span)
        case .forwarded(let forwarded):
            span.attributes["gen_ai.response.model"] = forwarded.model
            span.attributes["gen_ai.response.id"] = forwarded.id
            if let usage = forwarded.usage {
                span.attributes["gen_ai.usage.input_tokens"] = usage.promptTokens
                span.attributes["gen_ai.usage.output_tokens"] = usage.completionTokens
            }
        }
    }

    /// Records a decoded answer's model, id, usage and finish reasons on the attempt's span.
    static func record(_ answer: ChatResponse, on span: any Span) {
        guard span.isRecording else { return }
        span.attributes["gen_ai.response.model"] = answer.model
        span.attributes["gen_ai.response.id"] = answer.id
        if let usage = answer.usage {
            span.attributes["gen_ai.usage.input_tokens"] = usage.promptTokens
            span.attributes["gen_ai.usage.output_tokens"] = usage.completionTokens
        }
        let reasons = answer.choices.compactMap { $0.finishReason?.rawValue }
        if !reasons.isEmpty { span.attributes["gen_ai.response.finish_reasons"] = reasons }
    }
}
