import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore

/// Reads and decodes JSON request bodies with the gateway's limits and error codes.
///
/// Every route decodes through here, so malformed JSON, invalid UTF-8, wrong types and oversized bodies get the
/// same stable codes everywhere: `invalid_json`, `invalid_request` (naming the field) and `request_too_large`.
struct RequestBodyDecoder: Sendable {
    let maxBodyBytes: Int

    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try await decodeKeepingBody(type, from: request).value
    }

    /// Decodes the body and returns it too, for routes that may forward it as it is.
    ///
    /// `wholeBody` is the body when the connection already read it whole (``GatewayRequestContext/wholeBody``),
    /// kept to one byte over the limit by the connection; else the request's body sequence is collected.
    func decodeKeepingBody<T: Decodable>(_ type: T.Type, from request: Request, wholeBody: ByteBuffer? = nil)
        async throws -> (value: T, body: ByteBuffer)
    {
        if let wholeBody {
            guard wholeBody.readableBytes <= maxBodyBytes else { throw tooLarge }
            return (try decode(type, from: wholeBody), wholeBody)
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw tooLarge
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge
        }
        return (try decode(type, from: body), body)
    }

    func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        guard body.readableBytes > 0 else {
            throw GatewayError(.invalidJSON, "The request body is empty; send a JSON object.")
        }
        guard body.withUnsafeReadableBytes(Self.isValidUTF8) else {
            throw GatewayError(.invalidJSON, "The request body is not valid UTF-8.")
        }
        // The common Chat Completions shape is read straight from the bytes; anything else (and every error)
        // goes through JSONDecoder, so values and error messages stay exactly as JSONDecoder has them.
        // `T` is `ChatRequest` here: a bit cast, where `as? T` went through the runtime's dynamic cast.
        if T.self == ChatRequest.self, let fast = body.withUnsafeReadableBytes(ChatRequestFastDecoder.decode) {
            return unsafeBitCast(fast, to: T.self)
        }
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let error as DecodingError {
            throw Self.map(error)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError(.invalidJSON, "The request body is not valid JSON.", underlying: error)
        }
    }

    /// Whether `bytes` are UTF-8. An ASCII body (the usual one) is checked eight bytes at a time; any other is
    /// validated by making a `String` of it, which copies the body and runs the library's validator.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index + 8 <= bytes.count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                return String(validating: bytes, as: UTF8.self) != nil
            }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] >= 0x80 { return String(validating: bytes, as: UTF8.self) != nil }
            index += 1
        }
        return true
    }

    private var tooLarge: GatewayError {
        GatewayError(.requestTooLarge, "The request body is larger than the limit of \(maxBodyBytes) bytes.")
    }

    static func map(_ error: DecodingError) -> GatewayError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return GatewayError(.invalidJSON, "The request body is not valid JSON.", underlying: error)
        case .dataCorrupted(let context):
            let param = path(context.codingPath)
            return GatewayError(
                .invalidRequest, "Invalid value for '\(param)': \(context.debugDescription)", param: param,
                underlying: error)
        case .keyNotFound(let key, let context):
            let param = path(context.codingPath + [key])
            return GatewayError(.invalidRequest, "Missing required parameter '\(param)'.", param: param, underlying: error)
        case .typeMismatch(let expected, let context):
            let param = path(context.codingPath)
            return GatewayError(
                .invalidRequest, "Invalid type for '\(param)': expected \(describe(expected)).", param: param,
                underlying: error)
        case .valueNotFound(let expected, let context):
            let param = path(context.codingPath)
            return GatewayError(
                .invalidRequest, "Invalid type for '\(param)': expected \(describe(expected)), got null.",
                param: param, underlying: error)
        @unknown default:
            return GatewayError(.invalidRequest, "The request is invalid.", underlying: error)
        }
    }

    /// `messages[0].content` from a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var result = ""
        for key in keys {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") || name.contains("KeyedDecodingContainer") { return "an object" }
            return "a value of another type"
        }
    }
}
