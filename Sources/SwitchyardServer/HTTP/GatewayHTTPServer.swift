import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

/// The HTTP/1.1 server the gateway's application runs: NIO's HTTP/1.1 codec and ``GatewayConnectionHandler``, which
/// answers each request with the gateway's responder in a task of its own.
///
/// Hummingbird's `Application` calls its responder inside a per-request logger (a copy of the logger with a fresh
/// `hb.request.id` in its metadata dictionary) set as the task-local logger. The gateway has its own request id and
/// access line, and never reads the task-local logger; that scope cost about 10,000 instructions per request
/// (callgrind), and its frames were part of what the connection's task keeps while a stream is open.
/// This builder ignores the responder `Application` passes it, so the live server and `HummingbirdTesting`'s live
/// tests both run this path.
///
/// `SWITCHYARD_HTTP1=hummingbird` serves connections with Hummingbird's own `HTTP1Channel` instead (a task per
/// connection and a `NIOAsyncChannel`), for comparison in benchmarks.
enum GatewayHTTPServer {
    /// A server builder that answers every request with `responder`, adding the `Date` header.
    static func builder<Responder: HTTPResponder>(
        responder: Responder, logger: Logger, maxBodyBytes: Int, idleTimeout: TimeAmount? = nil,
        connections: ConnectionTracker,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> HTTPServerBuilder where Responder.Context == GatewayRequestContext {
        let dates = HTTPDateHeader()
        if environment["SWITCHYARD_HTTP1"] == "hummingbird" {
            return HTTPServerBuilder { _ in
                ReceiveBufferBounded(http1: HTTP1Channel(responder: { request, writer, channel in
                    // A child task, so the memory of handling the request is freed before a stream is relayed in
                    // the connection's task.
                    let response = await ChildTask.run {
                        await answer(
                            request, body: nil, channel: channel, responder: responder, logger: logger, dates: dates)
                    }
                    if response.body.contentLength == nil {
                        try await writeStreamed(consume response, to: writer)
                    } else {
                        try await writer.write(response: response.head, body: response.body)
                    }
                }))
            }
        }
        return HTTPServerBuilder { _ in
            GatewayHTTP1Channel(maxBodyBytes: maxBodyBytes, idleTimeout: idleTimeout, connections: connections) {
                request, body, channel in
                await answer(request, body: body, channel: channel, responder: responder, logger: logger, dates: dates)
            }
        }
    }

    /// Writes a response whose body is streamed: the head, then the body, with the head (its header fields are
    /// about 1.3 KB with the routing headers) released before the body starts. Hummingbird's
    /// `write(response:body:)` keeps the head in its frame until the body ends, which for a relayed stream is
    /// the stream's whole life. Responses with a known length keep that path: it sends head, body and end in one
    /// write.
    @inline(never)
    @concurrent static func writeStreamed(_ response: consuming Response, to writer: consuming ResponseWriter)
        async throws
    {
        let body = response.body
        let bodyWriter = try await writer.writeHead(response.head)
        _ = consume response
        try await body.write(bodyWriter)
    }

    /// The response to one request, with its `Date` header.
    ///
    /// Its own function, never inlined, and its work in synchronous helpers: a stream waits for its first token under
    /// this frame, so it holds only the context it passes on and the result.
    @inline(never)
    static func answer<Responder: HTTPResponder>(
        _ request: Request, body: ByteBuffer?, channel: any Channel, responder: Responder, logger: Logger,
        dates: HTTPDateHeader
    ) async -> Response where Responder.Context == GatewayRequestContext {
        do {
            return dated(
                try await responder.respond(to: request, context: context(request, channel, logger, body)), dates)
        } catch {
            return dated(lastResort(error), dates)
        }
    }

    /// A new request context, with the request's id (``GatewayResponder`` then uses it as it is: setting it there
    /// copied the context twice, about 1,000 instructions per request).
    @inline(never)
    static func context(_ request: Request, _ channel: any Channel, _ logger: Logger, _ body: ByteBuffer?)
        -> GatewayRequestContext
    {
        GatewayRequestContext(
            source: .init(channel: channel, logger: logger), requestID: RequestID.from(request.headers[.xRequestID]),
            wholeBody: body)
    }

    /// The response for an error the gateway's responder did not render itself (it renders its own).
    @inline(never)
    static func lastResort(_ error: any Error) -> Response {
        GatewayErrorMapping.map(error).response()
    }

    /// The response with its `Date` header.
    @inline(never)
    static func dated(_ response: consuming Response, _ dates: HTTPDateHeader) -> Response {
        var response = response
        // Appended when absent (the usual case): the subscript's setter searches, removes and rebuilds.
        // Names of another length are passed over without comparing strings (about 55 instructions a field).
        if response.headers.contains(where: { $0.name.canonicalName.utf8.count == 4 && $0.name == .date }) {
            response.headers[.date] = dates.current()
        } else {
            response.headers.append(dates.currentField())
        }
        return response
    }
}

/// A client connection's pipeline: a small, bounded receive buffer, NIO's HTTP/1.1 request parser, and
/// ``GatewayConnectionHandler``, which writes the responses itself.
///
/// NIO keeps a connection's first receive buffer for its next reads, for as long as the connection is open, and its
/// default allocator grows the next buffer sixteenfold after one full read: a request over 2 KB (a system prompt, a
/// conversation) left the connection holding a 32 KB buffer, through the whole of a slow stream (measured: 2,000
/// streams with a 6 KB prompt, 14 KB of receive buffers per stream in a jemalloc heap profile). With
/// ``ClientReceiveAllocator`` every connection keeps 1 KB, and larger requests are read in 8 KB reads.
struct GatewayHTTP1Channel: ServerChildChannel {
    /// The connection, as Hummingbird's server holds it.
    struct Connection: ServerChildChannelValue {
        let channel: any Channel
    }

    /// The largest request body kept (`server.max_body_bytes`); a larger one is answered 413.
    let maxBodyBytes: Int
    /// How long a connection may wait for its next request (`server.idle_timeout_seconds`); `nil`: for ever.
    var idleTimeout: TimeAmount? = nil
    /// Counts the connections, for graceful shutdown (``ConnectionDrain``).
    let connections: ConnectionTracker
    /// Answers one request.
    let serve: GatewayConnectionHandler.Serve

    /// `server.idle_timeout_seconds` as a time amount; `nil` for 0 (off).
    static func idleTimeout(seconds: Double) -> TimeAmount? {
        seconds > 0 ? .nanoseconds(Int64(seconds * 1_000_000_000)) : nil
    }

    /// The receive buffer sizes for client connections.
    static let receiveBuffer = ClientReceiveAllocator()

    /// Sets the receive buffer allocator, then the pipeline.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Connection> {
        channel.setOption(ChannelOptions.recvAllocator, value: Self.receiveBuffer).flatMap {
            channel.setOption(ChannelOptions.maxMessagesPerRead, value: 1)
        }.flatMapThrowing {
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(
                GatewayConnectionHandler(maxBodyBytes: maxBodyBytes, idleTimeout: idleTimeout, serve: serve))
            connections.track(channel)
            return Connection(channel: channel)
        }
    }

    /// Returns at once: the connection's handler serves it, with a task per request and none in between. A graceful
    /// shutdown waits for the connections in ``ConnectionDrain``.
    func handle(value: Connection, logger: Logger) async {}
}

/// Hummingbird's `HTTP1Channel` with the gateway's bounded receive buffer (``ClientReceiveAllocator``): the
/// comparison server of `SWITCHYARD_HTTP1=hummingbird`.
struct ReceiveBufferBounded: ServerChildChannel {
    /// The channel that parses HTTP/1.1 and runs the connection.
    let http1: HTTP1Channel

    /// Sets the receive buffer allocator, then Hummingbird's pipeline.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        channel.setOption(ChannelOptions.recvAllocator, value: GatewayHTTP1Channel.receiveBuffer).flatMap {
            channel.setOption(ChannelOptions.maxMessagesPerRead, value: 1)
        }.flatMap {
            http1.setup(channel: channel, logger: logger)
        }
    }

    /// Serves the connection's requests.
    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

/// The `Date` header's value (RFC 9110, IMF-fixdate), formatted once per second and shared by all connections.
///
/// The field is kept whole: building an `HTTPField` checks every byte of its value, about 500 instructions a response
/// under callgrind.
final class HTTPDateHeader: Sendable {
    private let cached: Mutex<(second: Int, field: HTTPField)>

    init() {
        let now = time(nil)
        cached = Mutex((second: now, field: Self.field(now)))
    }

    /// The current date, e.g. `Thu, 03 Dec 2026 09:32:04 GMT`.
    func current() -> String {
        currentField().value
    }

    /// The `Date` field with the current date.
    func currentField() -> HTTPField {
        let now = time(nil)
        return cached.withLock { cached in
            if cached.second != now { cached = (second: now, field: Self.field(now)) }
            return cached.field
        }
    }

    private static func field(_ seconds: Int) -> HTTPField {
        HTTPField(name: .date, value: format(seconds))
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats seconds since the epoch as an IMF-fixdate.
    static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
