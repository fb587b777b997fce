public import NIOCore
public import SwitchyardCore

/// Splits a newline-delimited JSON byte stream into frames, one per non-empty line.
public struct NDJSONDecoder: Sendable {
    private var buffer = ByteBuffer()

    /// Creates a decoder.
    public init() {}

    /// Feeds bytes and returns the complete lines among them.
    public mutating func feed(_ bytes: ByteBuffer) -> [StreamFrame] {
        // As SSEDecoder: no copy when nothing is left over, and no bytes held between chunks.
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            var input = bytes
            buffer.writeBuffer(&input)
        }
        var frames: [StreamFrame] = []
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - buffer.readableBytesView.startIndex
            let line = buffer.readString(length: length) ?? ""
            buffer.moveReaderIndex(forwardBy: 1)
            let trimmed = line.trimmingSuffix(while: { $0 == "\r" || $0 == " " })
            if !trimmed.isEmpty { frames.append(StreamFrame(data: trimmed)) }
        }
        if buffer.readableBytes == 0 {
            buffer = ByteBuffer()
        } else if buffer.readerIndex > 4096 {
            buffer.discardReadBytes()
        }
        return frames
    }

    /// Returns a last line that had no trailing newline.
    public mutating func finish() -> [StreamFrame] {
        guard buffer.readableBytes > 0, let rest = buffer.readString(length: buffer.readableBytes) else { return [] }
        let trimmed = rest.trimmingSuffix(while: { $0 == "\r" || $0 == " " || $0 == "\n" })
        return trimmed.isEmpty ? [] : [StreamFrame(data: trimmed)]
    }
}

extension String {
    func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var result = self
        while let last = result.last, predicate(last) { result.removeLast() }
        return result
    }
}
