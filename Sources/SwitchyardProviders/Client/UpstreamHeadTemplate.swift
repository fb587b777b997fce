import NIOHTTP1
import SwitchyardCore

/// The last response head on an upstream connection, line by line, for the next one, for ``UpstreamResponseDecoder``
/// when it hands the fields over as bytes (``UpstreamResponseDecoder/defersFields``).
///
/// An upstream mostly answers with the same status line and the same fields in the same order, only a few values
/// changing (`Date`, an id, a timing, the length). Such a head keeps the last one's status, framing fields and
/// keep-alive: its lines that repeat the last head's are not checked again, and the ones that differ are checked as
/// the decoder checks them. A line that differs and could change the framing or the connection (`Connection`,
/// `Transfer-Encoding`, a `Content-Length` anywhere but where the last one was) sends the head through the decoder's
/// full reading. Reading a head anew cost about 5,000 instructions per response under callgrind.
struct UpstreamHeadTemplate {
    /// The head's bytes, from the status line to the blank line.
    private let bytes: [UInt8]
    /// Each line's bounds in `bytes` (without its line break), the status line first, the blank line not included.
    private let lines: [Range<Int>]
    /// The head made of them: the status and the fields that frame the body.
    private let head: HTTPResponseHead
    private let framing: UpstreamResponseDecoder.Framing
    private let keepAlive: Bool
    /// Whether it answered a `HEAD`.
    private let toHEAD: Bool
    /// The line of the framing's `Content-Length`, when the body is framed by one.
    private let lengthLine: Int?

    /// A template of a head read in full: its bytes, and what the decoder made of them.
    init(
        _ head: UnsafeRawBufferPointer, parsed: HTTPResponseHead, framing: UpstreamResponseDecoder.Framing,
        keepAlive: Bool, toHEAD: Bool
    ) {
        bytes = Array(head)
        var lines: [Range<Int>] = []
        var lengthLine: Int?
        var start = 0
        while start < head.count {
            let (line, next) = HTTP1Syntax.line(in: head, from: start)
            if line.isEmpty { break }
            let offset = head.baseAddress!.distance(to: line.baseAddress ?? head.baseAddress!)
            if !lines.isEmpty, case .length = framing, Self.isField(line, "content-length") { lengthLine = lines.count }
            lines.append(offset..<(offset + line.count))
            start = next
        }
        self.lines = lines
        self.lengthLine = lengthLine
        self.head = parsed
        self.framing = framing
        self.keepAlive = keepAlive
        self.toHEAD = toHEAD
    }

    /// The head, its framing and whether the connection stays open, when `head` (its bytes) repeats this template as
    /// described above; `nil` when it must be read in full. Throws for a line that differs and is not a field.
    func reuse(_ head: UnsafeRawBufferPointer, toHEAD: Bool) throws
        -> (HTTPResponseHead, UpstreamResponseDecoder.Framing, Bool)?
    {
        guard toHEAD == self.toHEAD else { return nil }
        var start = 0
        var index = 0
        var length: Int?
        while start < head.count {
            let (line, next) = HTTP1Syntax.line(in: head, from: start)
            start = next
            if line.isEmpty { break }
            guard index < lines.count else { return nil }
            defer { index += 1 }
            if same(line, lines[index]) { continue }
            guard index > 0 else { return nil }  // another status line
            guard let (name, value) = HTTP1Syntax.field(line) else { throw HTTPParserError.invalidHeaderToken }
            if HTTP1Syntax.equalIgnoringCase(name, "content-length") {
                guard index == lengthLine, let digits = HTTP1Syntax.contentLength(value) else { return nil }
                length = digits
            } else if HTTP1Syntax.equalIgnoringCase(name, "connection")
                || HTTP1Syntax.equalIgnoringCase(name, "transfer-encoding")
            {
                return nil
            }
        }
        guard index == lines.count else { return nil }
        guard let length else { return (self.head, framing, keepAlive) }
        var head = self.head
        head.headers.replaceOrAdd(name: "Content-Length", value: String(length))
        return (head, .length(length), keepAlive)
    }

    /// Whether `line` has the bytes of the template's line at `range`.
    private func same(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        bytes.withUnsafeBytes { HTTP1Syntax.equal(UnsafeRawBufferPointer(rebasing: $0[range]), line) }
    }

    /// Whether `line` is a field called `name` (any case).
    private static func isField(_ line: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard let colon = HTTP1Syntax.firstIndex(of: UInt8(ascii: ":"), in: line, from: 0) else { return false }
        return HTTP1Syntax.equalIgnoringCase(UnsafeRawBufferPointer(rebasing: line[..<colon]), name)
    }
}
