import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Turns canonical stream events into OpenAI `chat.completion.chunk` server-sent events.
///
/// Usage is held back and sent, when the client asked for it with `stream_options.include_usage`, in its own chunk
/// with empty `choices` right before `data: [DONE]`, which is where OpenAI puts it.
struct ChunkEncoder: Sendable {
    private var id: String
    private var model: String
    private var created: Int
    private let includeUsage: Bool
    private var usage: Usage?
    private var rolesSent: Set<Int> = []

    init(fallbackID: String, fallbackModel: String, includeUsage: Bool) {
        id = fallbackID
        model = fallbackModel
        created = Int(Date().timeIntervalSince1970)
        self.includeUsage = includeUsage
    }

    /// Where forwarded chunks' buffers come from.
    private static let allocator = ByteBufferAllocator()

    /// The SSE bytes for one event, or `nil` when the event produces no chunk yet.
    mutating func encode(_ event: ChatStreamEvent) -> ByteBuffer? {
        switch event {
        case .start(let start):
            if !start.id.isEmpty { id = start.id }
            if !start.model.isEmpty { model = start.model }
            if start.created > 0 { created = start.created }
            rolesSent.insert(0)
            return frame(choice: 0, delta: Delta(role: "assistant", content: ""))
        case .textDelta(let choice, let text):
            return frame(choice: choice, delta: withRole(choice, Delta(content: text)))
        case .reasoningDelta(let choice, let text):
            return frame(choice: choice, delta: withRole(choice, Delta(reasoningContent: text)))
        case .toolCallDelta(let choice, let call):
            let wire = Delta.ToolCall(
                index: call.index, id: call.id, type: call.id == nil ? nil : "function",
                function: .init(name: call.name, arguments: call.arguments))
            return frame(choice: choice, delta: withRole(choice, Delta(toolCalls: [wire])))
        case .usage(let usage):
            self.usage = usage
            return nil
        case .finish(let choice, let reason):
            return frame(choice: choice, delta: Delta(), finishReason: reason.rawValue)
        case .forwarded(let chunk):
            // One allocation and one copy (three `ByteBuffer` writes into a buffer grown from empty cost about
            // 1,000 instructions per chunk).
            let length = 6 + chunk.data.utf8.count + 2
            var buffer = Self.allocator.buffer(capacity: length)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { memory in
                var out = ByteAppender(bytes: memory)
                out.append("data: ")
                out.append(chunk.data)
                out.append("\n\n")
                return out.count
            }
            return buffer
        }
    }

    /// The closing bytes: the usage chunk if asked for, then `data: [DONE]`.
    func finish() -> ByteBuffer {
        var buffer = ByteBuffer()
        if includeUsage, let usage {
            let chunk = Chunk(id: id, created: created, model: model, choices: [], usage: usage)
            var encoded = Self.sse(chunk)
            buffer.writeBuffer(&encoded)
        }
        buffer.writeString("data: [DONE]\n\n")
        return buffer
    }

    /// A terminal error event in OpenAI's shape.
    func error(_ error: GatewayError) -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        var json = (try? JSONEncoder().encodeAsByteBuffer(error.body, allocator: ByteBufferAllocator())) ?? ByteBuffer()
        buffer.writeBuffer(&json)
        buffer.writeString("\n\n")
        return buffer
    }

    private mutating func withRole(_ choice: Int, _ delta: Delta) -> Delta {
        guard !rolesSent.contains(choice) else { return delta }
        rolesSent.insert(choice)
        var delta = delta
        delta.role = "assistant"
        return delta
    }

    private func frame(choice: Int, delta: Delta, finishReason: String? = nil) -> ByteBuffer {
        var json = JSONWriter(capacity: 160 + (delta.content?.utf8.count ?? 0))
        json.raw("data: {\"id\":")
        json.string(id)
        json.raw(",\"object\":\"chat.completion.chunk\",\"created\":")
        json.int(created)
        json.raw(",\"model\":")
        json.string(model)
        json.raw(",\"choices\":[{\"index\":")
        json.int(choice)
        json.raw(",\"delta\":{")
        var first = true
        func separator(_ json: inout JSONWriter) {
            if !first { json.raw(",") }
            first = false
        }
        if let role = delta.role {
            separator(&json)
            json.raw("\"role\":")
            json.string(role)
        }
        if let content = delta.content {
            separator(&json)
            json.raw("\"content\":")
            json.string(content)
        }
        if let reasoning = delta.reasoningContent {
            separator(&json)
            json.raw("\"reasoning_content\":")
            json.string(reasoning)
        }
        if let calls = delta.toolCalls {
            separator(&json)
            json.raw("\"tool_calls\":[")
            for (index, call) in calls.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw("{\"index\":")
                json.int(call.index)
                if let id = call.id {
                    json.raw(",\"id\":")
                    json.string(id)
                }
                if let type = call.type {
                    json.raw(",\"type\":")
                    json.string(type)
                }
                json.raw(",\"function\":{")
                if let name = call.function.name {
                    json.raw("\"name\":")
                    json.string(name)
                    json.raw(",")
                }
                json.raw("\"arguments\":")
                json.string(call.function.arguments)
                json.raw("}}")
            }
            json.raw("]")
        }
        json.raw("},\"finish_reason\":")
        json.optionalString(finishReason)
        json.raw("}]}\n\n")
        return json.buffer
    }

    private static func sse(_ chunk: Chunk) -> ByteBuffer {
        var buffer = ByteBuffer(string: "data: ")
        if var json = try? JSONEncoder().encodeAsByteBuffer(chunk, allocator: ByteBufferAllocator()) {
            buffer.writeBuffer(&json)
        }
        buffer.writeString("\n\n")
        return buffer
    }
}

/// The wire shape of a `chat.completion.chunk`.
private struct Chunk: Encodable {
    struct Choice: Encodable {
        var index: Int
        var delta: Delta
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    var id: String
    var object = "chat.completion.chunk"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: Usage?

    init(id: String, created: Int, model: String, choices: [Choice], usage: Usage?) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }
}

/// The `delta` of a chunk choice.
private struct Delta: Encodable {
    struct ToolCall: Encodable {
        struct Function: Encodable {
            var name: String?
            var arguments: String
        }
        var index: Int
        var id: String?
        var type: String?
        var function: Function
    }

    var role: String?
    var content: String?
    var reasoningContent: String?
    var toolCalls: [ToolCall]?

    init(role: String? = nil, content: String? = nil, reasoningContent: String? = nil, toolCalls: [ToolCall]? = nil) {
        self.role = role
        self.content = content
        self.reasoningContent = reasoningContent
        self.toolCalls = toolCalls
    }

    enum CodingKeys: String, CodingKey {
        case role, content
        case reasoningContent = "reasoning_content"
        case toolCalls = "tool_calls"
    }
}
