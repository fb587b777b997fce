import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension FakeUpstreamRoutes {
    /// A streamed answer, event by event, following the scenario.
    func streamResponse(wire: FakeWireProtocol, scenario: FakeScenario) throws -> Response {
        let file = scenario == .tools ? "stream-tools" : "stream-text"
        var events = wire.events(of: try Fixtures.text("\(wire.directory)/\(file).\(wire.streamExtension)"))
        var resetAfter: Int?
        var stallAfter: Int?
        var holdFirst = false
        var firstAfter: Duration?
        var repeating: String?
        switch scenario {
        case .cut: events = Array(events.prefix(2))
        case .reset: resetAfter = 2
        case .stall: stallAfter = 2
        case .hold: holdFirst = true
        case .ponder: firstAfter = .milliseconds(1_500)
        case .malformed: events = Array(events.prefix(1)) + [wire.malformedFrame]
        case .streamError:
            if let fixture = wire.streamErrorFixture {
                events = wire.events(of: try Fixtures.text(fixture))
            } else {
                let error = "{\"error\":{\"message\":\"The server had an error while processing your request.\","
                    + "\"type\":\"server_error\",\"param\":null,\"code\":null}}"
                events = Array(events.prefix(2)) + ["data: \(error)\n\n"]
            }
        case .endless:
            let index = events.firstIndex(where: { $0.contains("Hello") }) ?? 0
            repeating = events[index]
            events = Array(events.prefix(index))
        default: break
        }
        let recorder = self.recorder
        let headers: HTTPFields = [.contentType: wire.streamContentType, .cacheControl: "no-cache"]
        let body = ResponseBody { [events, resetAfter, stallAfter, holdFirst, firstAfter, repeating] writer in
            do {
                if holdFirst { try await Self.hold() }
                if let firstAfter { try await Task.sleep(for: firstAfter) }
                for (index, event) in events.enumerated() {
                    if let resetAfter, index == resetAfter { throw FakeConnectionReset() }
                    if let stallAfter, index == stallAfter { try await Task.sleep(for: .seconds(3)) }
                    try await writer.write(ByteBuffer(string: event))
                }
                if let repeating {
                    let started = ContinuousClock.now
                    while ContinuousClock.now - started < .seconds(30) {
                        try await Task.sleep(for: .milliseconds(20))
                        try await writer.write(ByteBuffer(string: repeating))
                    }
                }
                try await writer.finish(nil)
                await recorder.streamCompleted()
            } catch is FakeConnectionReset {
                throw FakeConnectionReset()
            } catch {
                await recorder.streamCancelled()
                throw error
            }
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Embeddings in the provider's shape, one deterministic 8-dimensional vector per input.
    func embeddings(_ request: Request, wire: FakeWireProtocol, model: String?, batch: Bool) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let entry = FakeRecorder.Entry(path: request.uri.description, headers: headers, body: String(buffer: body))
        await recorder.record(entry)
        let json = entry.json
        let name = model ?? (json["model"] as? String ?? "")
        if case .error(let status, let variant) = FakeScenario(model: name) {
            return errorResponse(wire: wire, status: status, variant: variant)
        }
        let inputs: [String]
        switch wire.directory {
        case "gemini":
            let requests = batch ? (json["requests"] as? [[String: Any]] ?? []) : [json]
            inputs = requests.map { request in
                let parts = (request["content"] as? [String: Any])?["parts"] as? [[String: Any]] ?? []
                return parts.compactMap { $0["text"] as? String }.joined()
            }
        default:
            inputs = (json["input"] as? [String]) ?? [(json["input"] as? String) ?? ""]
        }
        let vectors = inputs.map { Self.vector(for: $0) }
        let tokens = inputs.reduce(0) { $0 + max(1, $1.utf8.count / 4) }
        let object: Any
        switch wire.directory {
        case "gemini":
            object = batch ? ["embeddings": vectors.map { ["values": $0] }] : ["embedding": ["values": vectors[0]]]
        case "ollama":
            object = ["model": name, "embeddings": vectors, "total_duration": 1_000, "prompt_eval_count": tokens]
        default:
            object = [
                "object": "list", "model": name,
                "data": vectors.enumerated().map { ["object": "embedding", "index": $0, "embedding": $1] },
                "usage": ["prompt_tokens": tokens, "total_tokens": tokens],
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func vector(for text: String) -> [Double] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (0..<8).map { index in Double((hash >> (UInt64(index) * 8)) & 0xff) / 255.0 }
    }
}

/// Thrown inside a fake stream to drop the connection without finishing the response.
struct FakeConnectionReset: Error {}
