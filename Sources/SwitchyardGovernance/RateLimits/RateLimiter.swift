import SwitchyardStore

/// Requests-per-minute and tokens-per-minute limits per key, team and tenant.
///
/// The in-process ``InProcessRateLimiter`` serves one replica; a shared (Redis-backed) limiter can conform later.
public protocol RateLimiter: Sendable {
    /// Takes one request and `tokens` estimated tokens from every bucket, or nothing at all.
    ///
    /// - Parameters:
    ///   - buckets: The scopes and their limits (scopes without limits are skipped).
    ///   - tokens: The estimated prompt plus completion tokens.
    /// - Returns: The most constrained bucket's state, for the `x-ratelimit-*` headers.
    /// - Throws: ``GovernanceError`` `rate_limited` (429) with `retryAfterSeconds` and the headers set.
    func acquire(_ buckets: [RateLimitBucket], tokens: Int) async throws(GovernanceError) -> RateLimitStatus

    /// Corrects the token buckets once the real usage is known (`actual - estimated`, possibly negative).
    func adjust(_ buckets: [RateLimitBucket], tokenDelta: Int) async
}

/// One scope's rate limits.
public struct RateLimitBucket: Sendable, Hashable {
    /// Whose limits.
    public var scope: BudgetScope
    /// The limits.
    public var limits: RateLimits

    /// Creates a bucket description.
    public init(scope: BudgetScope, limits: RateLimits) {
        self.scope = scope
        self.limits = limits
    }
}

/// The state reported in OpenAI's `x-ratelimit-*` headers: for requests and tokens, the most constrained bucket.
public struct RateLimitStatus: Sendable, Hashable {
    /// One dimension (requests or tokens).
    public struct Dimension: Sendable, Hashable {
        /// The per-minute limit.
        public var limit: Int
        /// What is left now.
        public var remaining: Int
        /// Seconds until the bucket is full again.
        public var resetSeconds: Double

        /// Creates a dimension.
        public init(limit: Int, remaining: Int, resetSeconds: Double) {
            self.limit = limit
            self.remaining = remaining
            self.resetSeconds = resetSeconds
        }
    }

    /// The request limit, when one applies.
    public var requests: Dimension?
    /// The token limit, when one applies.
    public var tokens: Dimension?

    /// Creates a status.
    public init(requests: Dimension? = nil, tokens: Dimension? = nil) {
        self.requests = requests
        self.tokens = tokens
    }

    /// `x-ratelimit-limit-requests`, `x-ratelimit-remaining-requests`, `x-ratelimit-reset-requests` and the
    /// `-tokens` trio, with OpenAI's duration format (`1s`, `6m0s`, `20ms`).
    public var headers: [(String, String)] {
        var result: [(String, String)] = []
        for (suffix, dimension) in [("requests", requests), ("tokens", tokens)] {
            guard let dimension else { continue }
            result.append(("x-ratelimit-limit-\(suffix)", String(dimension.limit)))
            result.append(("x-ratelimit-remaining-\(suffix)", String(dimension.remaining)))
            result.append(("x-ratelimit-reset-\(suffix)", Self.format(dimension.resetSeconds)))
        }
        return result
    }

    /// OpenAI's reset format: `20ms` below a second, else `[Hh][Mm]S(.s)s`.
    public static func format(_ seconds: Double) -> String {
        if seconds <= 0 { return "0s" }
        if seconds < 1 { return "\(max(1, Int((seconds * 1000).rounded(.up))))ms" }
        var rest = seconds
        var text = ""
        if rest >= 3600 {
            text += "\(Int(rest / 3600))h"
            rest = rest.truncatingRemainder(dividingBy: 3600)
        }
        if rest >= 60 || !text.isEmpty {
            text += "\(Int(rest / 60))m"
            rest = rest.truncatingRemainder(dividingBy: 60)
        }
        let tenths = (rest * 10).rounded(.up) / 10
        let secondsText = tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
        return text + secondsText + "s"
    }
}
