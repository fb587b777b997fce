import SwitchyardCore
import Testing

@Suite("ByteAppender")
struct ByteAppenderTests {
    /// Appends with `body` into memory of `capacity` bytes and returns what was written.
    func written(capacity: Int, _ body: (inout ByteAppender) -> Void) -> [UInt8] {
        var memory = [UInt8](repeating: 0xEE, count: capacity)
        let count = memory.withUnsafeMutableBytes { bytes in
            var appender = ByteAppender(bytes: bytes)
            body(&appender)
            return appender.count
        }
        return Array(memory[..<count])
    }

    @Test("bytes, static strings, small and large strings, UTF-8 included, land in order")
    func strings() {
        let large = String(repeating: "abcdefgh", count: 40)
        let bytes = written(capacity: 400) { out in
            out.append(UInt8(ascii: "<"))
            out.append("static ")
            out.append("small é")
            out.append("")
            out.append(large)
            out.append(">")
        }
        #expect(bytes == Array("<static small é\(large)>".utf8))
    }

    @Test("decimals of every length, counted as written")
    func decimals() {
        for value in [0, 7, 9, 10, 99, 100, 12_345, 1_000_000, Int.max] {
            let bytes = written(capacity: 32) { $0.append(decimal: value) }
            #expect(bytes == Array(String(value).utf8))
            #expect(ByteAppender.decimalCount(value) == bytes.count)
        }
    }

    @Test("raw bytes land in order; an empty buffer writes nothing")
    func rawBytes() {
        let source: [UInt8] = Array("{\"model\":\"m\"}".utf8)
        let bytes = source.withUnsafeBytes { raw in
            written(capacity: 64) { out in
                out.append(UnsafeRawBufferPointer(rebasing: raw[..<1]))
                out.append(UnsafeRawBufferPointer(rebasing: raw[1..<1]))
                out.append(UnsafeRawBufferPointer(start: nil, count: 0))
                out.append(UnsafeRawBufferPointer(rebasing: raw[1...]))
            }
        }
        #expect(bytes == source)
    }
}
