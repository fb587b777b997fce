import NIOCore
import SwitchyardCore
import SwitchyardProviders
import Testing

@Suite struct SSEDecoderTests {
    static func frames(_ text: String, chunkSize: Int) -> [StreamFrame] {
        var decoder = SSEDecoder()
        var frames: [StreamFrame] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + chunkSize)
            frames += decoder.feed(ByteBuffer(bytes: bytes[index..<end]))
            index = end
        }
        return frames + decoder.finish()
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func splitsEventsWhateverTheChunking(_ chunkSize: Int) {
        let text = "event: a\ndata: {\"x\":1}\n\n: comment\r\ndata: line1\r\ndata: line2\r\n\r\ndata:nospace\n\n"
        let frames = Self.frames(text, chunkSize: chunkSize)
        #expect(frames == [
            StreamFrame(event: "a", data: "{\"x\":1}"), StreamFrame(data: "line1\nline2"), StreamFrame(data: "nospace"),
        ])
    }

    @Test func flushesALastEventWithoutBlankLine() {
        #expect(Self.frames("data: tail", chunkSize: 3) == [StreamFrame(data: "tail")])
    }

    @Test(arguments: [1, 5, 100])
    func splitsNDJSONLines(_ chunkSize: Int) {
        var decoder = NDJSONDecoder()
        var frames: [StreamFrame] = []
        let bytes = Array("{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}".utf8)
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + chunkSize)
            frames += decoder.feed(ByteBuffer(bytes: bytes[index..<end]))
            index = end
        }
        frames += decoder.finish()
        #expect(frames.map(\.data) == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }
}
