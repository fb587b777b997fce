import Foundation
public import NIOCore
import NIOFoundationCompat
public import SwitchyardCore

/// JSON coding shared by the adapters, with errors mapped to gateway errors.
public enum WireJSON {
    /// Encodes a value into a new buffer.
    ///
    /// - Throws: ``GatewayError`` `internal_error` if the value cannot be encoded (a non-finite number).
    public static func encode<T: Encodable>(_ value: T) throws -> ByteBuffer {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return try encoder.encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
        } catch {
            throw GatewayError(.internalError, "The request could not be encoded.", underlying: error)
        }
    }

    /// Encodes a value to a string.
    public static func encodeString<T: Encodable>(_ value: T) throws -> String {
        let buffer = try encode(value)
        return String(buffer: buffer)
    }

    /// Decodes an upstream body.
    ///
    /// - Throws: ``GatewayError`` `upstream_malformed_response` naming the provider.
    public static func decodeUpstream<T: Decodable>(_ type: T.Type, from body: ByteBuffer, provider: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw GatewayError(
                .upstreamMalformedResponse, "Provider '\(provider)' returned a response that could not be parsed.",
                upstream: .init(provider: provider, status: 200), underlying: error)
        }
    }

    /// Decodes an upstream stream frame.
    ///
    /// - Throws: ``GatewayError`` `upstream_malformed_response` naming the provider.
    public static func decodeUpstream<T: Decodable>(_ type: T.Type, from text: String, provider: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw GatewayError(
                .upstreamMalformedResponse, "Provider '\(provider)' sent a stream event that could not be parsed.",
                upstream: .init(provider: provider, status: 200), underlying: error)
        }
    }

    /// Parses any JSON body, or returns `nil`.
    public static func parse(_ body: ByteBuffer) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: body)
    }

    /// Parses JSON text, or returns `nil`.
    public static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
