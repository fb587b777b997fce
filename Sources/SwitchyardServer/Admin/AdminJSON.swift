import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardGovernance

/// JSON in and out of the admin API: snake_case keys, ISO 8601 dates, 1 MiB bodies at most.
enum AdminJSON {
    static let maxBodyBytes = 1 << 20

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws(GovernanceError) -> T {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw GovernanceError(.invalidRequest, "The request body is missing or larger than 1 MiB.")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: body)
        } catch let DecodingError.keyNotFound(key, _) {
            throw GovernanceError(.invalidRequest, "Missing field '\(key.stringValue)'.", param: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw GovernanceError(.invalidRequest, "Invalid value for '\(field)'.", param: field)
        } catch {
            throw GovernanceError(.invalidRequest, "The request body is not a valid JSON object for this route.")
        }
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        guard let buffer = try? encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator()) else {
            return GovernanceError(.internalError, "The response could not be encoded.").response()
        }
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }

    static func list<T: Encodable>(_ items: [T]) -> Response {
        response(ListBody(data: items))
    }

    struct ListBody<T: Encodable>: Encodable {
        var object = "list"
        var data: [T]
    }

    /// The `tenant_id` query value, if any.
    static func tenantFilter(_ request: Request) -> String? {
        request.uri.queryParameters["tenant_id"].map(String.init)
    }

    /// `from`/`to` query values: ISO 8601 times or `YYYY-MM-DD` (UTC midnight).
    static func date(_ text: String?, name: String) throws(GovernanceError) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date }
        throw GovernanceError(
            .invalidRequest, "'\(name)' must be an ISO 8601 time or a YYYY-MM-DD date.", param: name)
    }
}
