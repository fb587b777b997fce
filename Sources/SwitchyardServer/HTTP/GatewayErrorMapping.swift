import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Turns any error into a ``GatewayError`` and a ``GatewayError`` into a JSON response.
enum GatewayErrorMapping {
    static func map(_ error: any Error) -> GatewayError {
        if let error = error as? GatewayError { return error }
        if error is CancellationError {
            return GatewayError(.clientClosedRequest, "The client closed the connection before the answer.")
        }
        if let error = error as? HTTPError {
            switch error.status {
            case .notFound: return GatewayError(.notFound, "No route matches this path.")
            case .methodNotAllowed: return GatewayError(.methodNotAllowed, "This route does not accept this method.")
            case .contentTooLarge: return GatewayError(.requestTooLarge, "The request body is too large.")
            default:
                if error.status.code < 500 {
                    return GatewayError(.invalidRequest, "The request is invalid.")
                }
            }
        }
        return GatewayError(.internalError, "An internal error occurred.", underlying: error)
    }
}

extension GatewayError {
    /// The JSON error response, with `retry-after` when the upstream sent one.
    func response() -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retry = upstream?.retryAfterSeconds, code == .rateLimited {
            headers[.retryAfter] = String(Int(retry.rounded(.up)))
        }
        let buffer = (try? JSONEncoder().encodeAsByteBuffer(body, allocator: ByteBufferAllocator())) ?? ByteBuffer()
        return Response(
            status: HTTPResponse.Status(code: code.httpStatus), headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}
