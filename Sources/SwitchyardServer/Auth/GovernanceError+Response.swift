import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import NIOFoundationCompat
public import SwitchyardGovernance
import SwitchyardCore

extension GovernanceError {
    /// The OpenAI-style error response: `{"error":{"message","type","param","code"}}` with the code's status,
    /// `retry-after` for rate limits and the error's own headers (`x-ratelimit-*`).
    public func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retry = retryAfterSeconds {
            headers[.retryAfter] = String(max(1, Int(retry.rounded(.up))))
        }
        headers.set(self.headers)
        let body = Envelope(
            error: .init(message: message, type: errorType, param: param, code: code.rawValue))
        let buffer = (try? JSONEncoder().encodeAsByteBuffer(body, allocator: ByteBufferAllocator())) ?? ByteBuffer()
        let status = HTTPResponse.Status(code: code.httpStatus)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// The same JSON shape as ``GatewayError/ErrorBody``.
    private struct Envelope: Encodable {
        var error: GatewayError.ErrorBody.Detail
    }

    /// The OpenAI error `type` for the code's status.
    public var errorType: String {
        switch code.httpStatus {
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 429: return code == .budgetExceeded ? "insufficient_quota" : "rate_limit_error"
        case 400, 404, 409: return "invalid_request_error"
        default: return "server_error"
        }
    }
}
