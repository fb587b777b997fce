import HTTPTypes
import NIOCore
@testable import SwitchyardServer
import Testing

/// Responses as bytes: the status line, the fields, and the body's framing (RFC 9112 §6).
@Suite struct HTTP1ResponseEncoderTests {
    func head(_ response: HTTPResponse, method: HTTPRequest.Method = .post) -> (String, HTTP1ResponseEncoder.Framing) {
        let framing = HTTP1ResponseEncoder.framing(of: response, requestMethod: method)
        var buffer = ByteBuffer()
        HTTP1ResponseEncoder.writeHead(response, framing: framing, into: &buffer)
        return (String(buffer: buffer), framing)
    }

    @Test func aResponseWithItsLengthIsWrittenAsItIs() {
        let (text, framing) = head(HTTPResponse(status: .ok, headerFields: [.contentType: "application/json", .contentLength: "2"]))
        #expect(framing == .length)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func aResponseWithoutALengthIsChunked() {
        let (text, framing) = head(
            HTTPResponse(status: .ok, headerFields: [.contentType: "text/event-stream", .transferEncoding: "gzip"]))
        #expect(framing == .chunked)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    @Test func statusesWithoutABodyAndAnswersToHEADAreNotFramed() {
        #expect(head(HTTPResponse(status: .noContent)).1 == .none)
        #expect(head(HTTPResponse(status: .notModified)).1 == .none)
        #expect(head(HTTPResponse(status: .ok), method: .head).1 == .none)
        #expect(head(HTTPResponse(status: .ok), method: .head).0 == "HTTP/1.1 200 OK\r\n\r\n")
    }

    @Test func aStatusWithoutAPhraseGetsTheStandardOne() {
        #expect(head(HTTPResponse(status: .init(code: 404))).0.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(head(HTTPResponse(status: .init(code: 429))).0.hasPrefix("HTTP/1.1 429 Too Many Requests\r\n"))
        #expect(head(HTTPResponse(status: .init(code: 599, reasonPhrase: "Custom"))).0.hasPrefix("HTTP/1.1 599 Custom\r\n"))
    }

    /// The head is the same written in one pass into a buffer with room, counted first into one without (or with
    /// too little), and after bytes already in the buffer.
    @Test(arguments: [0, 40, 120, 512])
    func theHeadIsTheSameWhateverRoomTheBufferHas(capacity: Int) {
        let long = String(repeating: "v", count: 300)
        let response = HTTPResponse(
            status: .ok,
            headerFields: [
                .contentType: "application/json", HTTPField.Name("x-long")!: long, .contentLength: "2",
                .transferEncoding: "gzip",
            ])
        for framing in [HTTP1ResponseEncoder.Framing.length, .chunked] {
            var expected = ByteBuffer()
            HTTP1ResponseEncoder.writeHead(response, framing: framing, into: &expected)
            var buffer = ByteBufferAllocator().buffer(capacity: capacity)
            buffer.writeString("before")
            HTTP1ResponseEncoder.writeHead(response, framing: framing, into: &buffer)
            #expect(buffer.readString(length: 6) == "before")
            #expect(buffer == expected)
        }
        var expected = ByteBuffer()
        HTTP1ResponseEncoder.writeHead(response, framing: .chunked, into: &expected)
        #expect(
            String(buffer: expected)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-long: \(long)\r\nContent-Length: 2\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")
    }

    @Test func chunksAndTheLastChunk() {
        var buffer = ByteBuffer()
        HTTP1ResponseEncoder.writeChunkHead(size: 300, into: &buffer)
        #expect(String(buffer: buffer) == "12c\r\n")
        buffer.clear()
        HTTP1ResponseEncoder.writeLastChunk(trailers: nil, into: &buffer)
        #expect(String(buffer: buffer) == "0\r\n\r\n")
        buffer.clear()
        HTTP1ResponseEncoder.writeLastChunk(trailers: [HTTPField.Name("x-usage")!: "21"], into: &buffer)
        #expect(String(buffer: buffer) == "0\r\nx-usage: 21\r\n\r\n")
    }
}
