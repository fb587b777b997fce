/// A refusal by governance: authentication, authorisation, budget or rate limit.
///
/// Codes are stable strings rendered as the OpenAI-style error `code`; ``Code/httpStatus`` is the status a client
/// receives. Messages never name another tenant, key, team or amount that is not the caller's own.
public struct GovernanceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable governance error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's string.
        public let rawValue: String
        /// The HTTP status for this code.
        public let httpStatus: Int

        private init(_ rawValue: String, _ status: Int) {
            self.rawValue = rawValue
            self.httpStatus = status
        }

        /// The code's string.
        public var description: String { rawValue }

        /// No key was sent (`401`).
        public static let missingAPIKey = Code("missing_api_key", 401)
        /// The credential is not shaped like a Switchyard key (`401`).
        public static let malformedAPIKey = Code("malformed_api_key", 401)
        /// No key matches (`401`).
        public static let invalidAPIKey = Code("invalid_api_key", 401)
        /// The key was disabled (`401`).
        public static let apiKeyDisabled = Code("api_key_disabled", 401)
        /// The key has expired (`401`).
        public static let apiKeyExpired = Code("api_key_expired", 401)
        /// The key may not use this model (`403`).
        public static let modelNotAllowed = Code("model_not_allowed", 403)
        /// The key may not be served from this region (`403`).
        public static let regionNotAllowed = Code("region_not_allowed", 403)
        /// The credential lacks the scope an admin route needs (`403`).
        public static let insufficientScope = Code("insufficient_scope", 403)
        /// A hard budget is spent (`429`).
        public static let budgetExceeded = Code("budget_exceeded", 429)
        /// A request or token rate limit is reached (`429`, with `retry-after`).
        public static let rateLimited = Code("rate_limited", 429)
        /// An admin request is malformed (`400`).
        public static let invalidRequest = Code("invalid_request", 400)
        /// No such resource, or not the caller's (`404`; the two are indistinguishable on purpose).
        public static let notFound = Code("not_found", 404)
        /// The resource exists already (`409`).
        public static let conflict = Code("conflict", 409)
        /// The store failed (`500`).
        public static let internalError = Code("internal_error", 500)
    }

    /// What went wrong.
    public var code: Code
    /// A client-safe message.
    public var message: String
    /// The request field at fault, if any.
    public var param: String?
    /// Seconds to wait before retrying (`retry-after`), for rate limits.
    public var retryAfterSeconds: Double?
    /// Extra response headers (`x-ratelimit-*`), as name/value pairs.
    public var headers: [(String, String)]

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, param: String? = nil, retryAfterSeconds: Double? = nil,
        headers: [(String, String)] = []
    ) {
        self.code = code
        self.message = message
        self.param = param
        self.retryAfterSeconds = retryAfterSeconds
        self.headers = headers
    }

    /// `code: message`; safe to log.
    public var description: String { "\(code): \(message)" }

    /// Equal when code, message and param are equal.
    public static func == (lhs: GovernanceError, rhs: GovernanceError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.param == rhs.param
    }

    /// Hashes code, message and param.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(param)
    }
}
