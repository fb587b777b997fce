extension GatewayError.Code {
    /// The HTTP status a client receives for this code.
    public var httpStatus: Int {
        switch self {
        case .invalidJSON, .invalidRequest, .unsupportedParameter, .invalidImageURL, .contextLengthExceeded,
            .contentFiltered, .upstreamInvalidRequest:
            return 400
        case .modelNotFound, .notFound, .decisionNotFound: return 404
        case .noEligibleDeployment: return 400
        case .methodNotAllowed: return 405
        case .requestTooLarge, .upstreamRequestTooLarge: return 413
        case .rateLimited: return 429
        case .upstreamUnavailable, .upstreamOverloaded, .noHealthyDeployment, .gatewayOverloaded: return 503
        case .upstreamTimeout: return 504
        case .clientClosedRequest: return 499
        case .upstreamAuthenticationFailed, .upstreamPermissionDenied, .upstreamNotFound, .upstreamError,
            .upstreamUnreachable, .upstreamMalformedResponse, .upstreamStreamInterrupted:
            return 502
        default: return 500
        }
    }

    /// The OpenAI error `type` for this code.
    public var errorType: String {
        if self == .gatewayOverloaded { return "server_error" }
        switch httpStatus {
        case 400, 404, 405, 413: return "invalid_request_error"
        case 429: return "rate_limit_error"
        case 499: return "request_cancelled"
        case 502, 503: return "upstream_error"
        case 504: return "timeout_error"
        default: return "server_error"
        }
    }

    /// Whether trying again (on the same or another deployment) may succeed.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .upstreamError, .upstreamUnavailable, .upstreamOverloaded, .upstreamTimeout,
            .upstreamUnreachable, .upstreamMalformedResponse:
            return true
        default: return false
        }
    }

    /// Maps an upstream HTTP status to the code a client sees.
    public static func forUpstreamStatus(_ status: Int) -> GatewayError.Code {
        switch status {
        case 400, 422: return .upstreamInvalidRequest
        case 401: return .upstreamAuthenticationFailed
        case 403: return .upstreamPermissionDenied
        case 404: return .upstreamNotFound
        case 408, 504: return .upstreamTimeout
        case 413: return .upstreamRequestTooLarge
        case 429: return .rateLimited
        case 503: return .upstreamUnavailable
        case 529: return .upstreamOverloaded
        default: return .upstreamError
        }
    }
}

extension GatewayError {
    /// The OpenAI-style error body: `{"error":{"message","type","param","code"}}`.
    public var body: ErrorBody {
        ErrorBody(error: .init(message: message, type: code.errorType, param: param, code: code.rawValue))
    }

    /// An OpenAI-style error body.
    public struct ErrorBody: Sendable, Codable, Hashable {
        /// The error.
        public var error: Detail

        /// The error's fields. `param` is always present, `null` when there is none.
        public struct Detail: Sendable, Codable, Hashable {
            /// A message safe for clients.
            public var message: String
            /// The OpenAI error type.
            public var type: String
            /// The parameter at fault.
            public var param: String?
            /// The stable code.
            public var code: String

            /// Creates the detail.
            public init(message: String, type: String, param: String?, code: String) {
                self.message = message
                self.type = type
                self.param = param
                self.code = code
            }

            private enum CodingKeys: String, CodingKey { case message, type, param, code }

            /// Encodes all four fields; `param` as `null` when absent.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                try container.encode(param, forKey: .param)
                try container.encode(code, forKey: .code)
            }
        }
    }
}
