import Crypto
import Foundation

/// Virtual key secrets: `sk-sy-` and 40 random base62 characters (about 238 bits).
///
/// A secret is shown once, when it is created or rotated; the store keeps only ``hash(_:)`` and ``prefix(of:)``.
public enum APIKey {
    /// Every virtual key starts with this.
    public static let marker = markerBytes.description
    /// ``marker``, as bytes to compare with (``UTF8Scan/hasPrefix(_:_:)``).
    public static let markerBytes: StaticString = "sk-sy-"
    /// Random characters after the marker.
    public static let randomLength = 40
    /// Characters shown for display and support: the marker and 6 more.
    public static let prefixLength = 12

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A new random secret.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = Array(marker.utf8)
        for _ in 0..<randomLength {
            // Rejection sampling keeps the distribution uniform.
            var value: UInt8
            repeat { value = generator.next() } while value >= 248
            bytes.append(alphabet[Int(value % 62)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `candidate` is shaped like a virtual key (marker, length, base62).
    public static func isWellFormed(_ candidate: Substring) -> Bool {
        let utf8 = candidate.utf8
        guard utf8.count == marker.utf8.count + randomLength, candidate.hasPrefix(marker) else { return false }
        return utf8.dropFirst(marker.utf8.count).allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
    }

    /// The lowercase hex SHA-256 of a secret: what the store keeps.
    public static func hash<S: StringProtocol>(_ secret: S) -> String {
        let digest = SHA256.hash(data: Array(secret.utf8))
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The display prefix of a secret, e.g. `sk-sy-Ab12Cd`.
    public static func prefix(of secret: String) -> String { String(secret.prefix(prefixLength)) }

    /// Compares two secrets in time independent of where they differ (for the master key).
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
