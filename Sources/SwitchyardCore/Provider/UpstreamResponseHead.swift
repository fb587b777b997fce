public import NIOCore

/// The status and headers of a provider's response.
///
/// The fields are kept as received: a response's headers are read by name only on the way to an error (its
/// `retry-after`), so nothing is lowercased or hashed for the successful answers that are nearly every response
/// (a dictionary built per response was 4,200 instructions of a proxied request under callgrind). A transport that
/// has already checked the head's bytes hands them over as they are (``init(status:fieldBlock:)``), and the fields
/// become strings only when read: a hosted provider sends twenty or so with every answer (rate-limit counters,
/// request ids, cookies), two strings each, on the way to a client that never sees them.
public struct UpstreamResponseHead: Sendable {
    /// The fields, as strings or as the bytes received.
    private enum Storage: Sendable {
        case list([(String, String)])
        case block(ByteBuffer)
    }

    /// The HTTP status.
    public var status: Int
    private var storage: Storage

    /// Creates a response head.
    public init(status: Int, headers: [(String, String)]) {
        self.status = status
        storage = .list(headers)
    }

    /// Creates a response head from its field lines as received, after the status line (`name: value` lines ended
    /// by CRLF or LF; the blank line that ends the head may follow). The caller has checked them: every line has a
    /// colon after a non-empty name, and no line continues another.
    public init(status: Int, fieldBlock: ByteBuffer) {
        self.status = status
        storage = .block(fieldBlock)
    }

    /// The header fields in the order received, names as the upstream wrote them, values without the spaces and
    /// tabs around them.
    public var fields: [(String, String)] {
        get {
            switch storage {
            case .list(let fields):
                return fields
            case .block(let block):
                var fields: [(String, String)] = []
                Self.forEachField(in: block) { name, value in
                    fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
                }
                return fields
            }
        }
        set { storage = .list(newValue) }
    }

    /// Headers by lowercased name (a later field wins). Built on each call: read ``value(of:)`` for one field.
    public var headers: [String: String] {
        var map: [String: String] = [:]
        for (name, value) in fields { map[name.lowercased()] = value }
        return map
    }

    /// The value of the field named `name` (given in lowercase; matched in any case), the last when repeated.
    public func value(of name: StaticString) -> String? {
        switch storage {
        case .list(let fields):
            for (field, value) in fields.reversed() {
                var field = field
                if field.withUTF8({ HTTP1Syntax.equalIgnoringCase(UnsafeRawBufferPointer($0), name) }) { return value }
            }
            return nil
        case .block(let block):
            var found: String?
            Self.forEachField(in: block) { field, value in
                if HTTP1Syntax.equalIgnoringCase(field, name) { found = String(decoding: value, as: UTF8.self) }
            }
            return found
        }
    }

    /// The `retry-after` header in seconds (delta-seconds form), or `retry-after-ms` when present.
    public var retryAfterSeconds: Double? {
        if let ms = value(of: "retry-after-ms").flatMap(Double.init) { return ms / 1000 }
        return value(of: "retry-after").flatMap(Double.init)
    }

    /// Calls `body` with each field's name and value (without the spaces and tabs around it) in `block`, in order,
    /// up to the blank line or the end.
    private static func forEachField(
        in block: ByteBuffer, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void
    ) {
        block.withUnsafeReadableBytes { bytes in
            var start = 0
            while start < bytes.count {
                let (line, next) = HTTP1Syntax.line(in: bytes, from: start)
                start = next
                if line.isEmpty { return }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
                body(
                    UnsafeRawBufferPointer(rebasing: line[..<colon]),
                    UnsafeRawBufferPointer(rebasing: line[HTTP1Syntax.valueBounds(in: line, afterColon: colon)]))
            }
        }
    }
}
