#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
@testable import SwitchyardProviders
import SwitchyardCore
import Testing

/// What a failed connect means: the gateway out of descriptors is its own `gateway_overloaded`, which neither fails
/// over nor counts against the deployment's circuit breaker; anything else stays the upstream's.
@Suite("Connect failures")
struct ConnectFailureTests {
    @Test("EMFILE and ENFILE on connect: the gateway is out of descriptors")
    func descriptorsExhausted() {
        #expect(UpstreamTransportError.connect(failure: IOError(errnoCode: EMFILE, reason: "socket")) == .descriptorsExhausted)
        #expect(UpstreamTransportError.connect(failure: IOError(errnoCode: ENFILE, reason: "socket")) == .descriptorsExhausted)
    }

    @Test("refused, timed out: the upstream's")
    func upstreamFailures() {
        let refused = UpstreamTransportError.connect(failure: IOError(errnoCode: ECONNREFUSED, reason: "connect"))
        guard case .connectFailed = refused else {
            Issue.record("expected connectFailed, got \(refused)")
            return
        }
        #expect(UpstreamTransportError.connect(failure: ChannelError.connectTimeout(.seconds(1))) == .connectTimeout)
    }

    @Test("gateway_overloaded: 503, a server error, not retried, and the message names no secret")
    func gatewayOverloaded() {
        let error = UpstreamClient.map(
            UpstreamTransportError.descriptorsExhausted, failure: .init(provider: "local", status: nil))
        #expect(error.code == .gatewayOverloaded)
        #expect(error.code.rawValue == "gateway_overloaded")
        #expect(error.code.httpStatus == 503)
        #expect(error.code.errorType == "server_error")
        #expect(!error.code.isRetryable, "a retry on another deployment would need a descriptor too")
        #expect(error.upstream == nil, "not the provider's failure")
        #expect(UpstreamClient.map(.connectFailed("refused"), failure: .init(provider: "local", status: nil)).code
            == .upstreamUnreachable)
        // The same for an error AsyncHTTPClient passes up from NIO.
        #expect(UpstreamClient.map(IOError(errnoCode: EMFILE, reason: "socket"), provider: "local").code == .gatewayOverloaded)
    }
}
