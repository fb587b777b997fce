import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// A refused feedback or experiment call, rendered as an OpenAI-style error body
/// (`{"error":{"message","type","param","code"}}`) with a stable code:
///
/// | Code | Status | When |
/// | --- | --- | --- |
/// | `invalid_feedback` | 400 | The score is not 0…1, `thumbs_up`/`thumbs_down` or `{"value", "metric"}`. |
/// | `request_not_found` | 404 | No recent request of the caller's tenant has this id. |
/// | `experiment_not_found` | 404 | No configured experiment has this id. |
struct FeedbackError: Error, Sendable, Hashable {
    var code: String
    var status: HTTPResponse.Status
    var message: String
    var param: String?

    static func invalid(_ message: String, param: String? = "score") -> FeedbackError {
        FeedbackError(code: "invalid_feedback", status: .badRequest, message: message, param: param)
    }

    static let requestNotFound = FeedbackError(
        code: "request_not_found", status: .notFound,
        message: "No recent request with this id was served to your tenant.", param: "request_id")

    static let experimentNotFound = FeedbackError(
        code: "experiment_not_found", status: .notFound, message: "No experiment has this id.", param: nil)

    func response() -> Response {
        let body = Envelope(
            error: .init(message: message, type: "invalid_request_error", param: param, code: code))
        let buffer = (try? JSONEncoder().encodeAsByteBuffer(body, allocator: ByteBufferAllocator())) ?? ByteBuffer()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }

    private struct Envelope: Encodable {
        struct Detail: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(param, forKey: .param)  // explicit null, as OpenAI sends
                try container.encode(code, forKey: .code)
            }

            enum CodingKeys: String, CodingKey { case message, type, param, code }
        }

        var error: Detail
    }
}
