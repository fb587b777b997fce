import Foundation
import Synchronization
import SwitchyardStore

/// Token buckets in memory: capacity = the per-minute limit, refilled continuously at limit/60 per second.
///
/// All buckets of a request are checked and taken under one lock, so a refused request takes nothing.
public final class InProcessRateLimiter: RateLimiter {
    struct BucketKey: Hashable {
        var scope: BudgetScope
        var isTokens: Bool
    }

    struct Bucket {
        var level: Double
        var updated: Double
    }

    private let buckets = Mutex([BucketKey: Bucket]())
    private let now: @Sendable () -> Double

    /// Creates a limiter.
    ///
    /// - Parameter now: Monotonic seconds (tests inject a manual clock).
    public init(now: @escaping @Sendable () -> Double = InProcessRateLimiter.monotonicSeconds) {
        self.now = now
    }

    /// Seconds from a monotonic clock.
    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// See ``RateLimiter/acquire(_:tokens:)``.
    public func acquire(_ scopes: [RateLimitBucket], tokens: Int) async throws(GovernanceError) -> RateLimitStatus {
        try acquireNow(scopes, tokens: tokens)
    }

    /// The synchronous core of ``acquire(_:tokens:)``.
    public func acquireNow(_ scopes: [RateLimitBucket], tokens: Int) throws(GovernanceError) -> RateLimitStatus {
        let time = now()
        let result: Result<RateLimitStatus, GovernanceError> = buckets.withLock { buckets in
            var status = RateLimitStatus()
            var retryAfter = 0.0
            var wanted: [(BucketKey, Double, Int)] = []
            for bucket in scopes {
                for (isTokens, limit, cost) in [
                    (false, bucket.limits.rpm, 1.0), (true, bucket.limits.tpm, Double(tokens)),
                ] {
                    guard let limit, limit > 0 else { continue }
                    let key = BucketKey(scope: bucket.scope, isTokens: isTokens)
                    let level = Self.refilled(buckets[key], limit: limit, at: time)
                    let rate = Double(limit) / 60
                    if cost > level {
                        // A request larger than the whole bucket can never pass; say when the bucket is full.
                        retryAfter = max(retryAfter, (min(cost, Double(limit)) - level) / rate)
                    }
                    wanted.append((key, level, limit))
                    let dimension = RateLimitStatus.Dimension(
                        limit: limit, remaining: max(0, Int((level - cost).rounded(.down))),
                        resetSeconds: (Double(limit) - max(0, level - cost)) / rate)
                    if isTokens {
                        Self.keepTighter(dimension, in: &status.tokens)
                    } else {
                        Self.keepTighter(dimension, in: &status.requests)
                    }
                }
            }
            if retryAfter > 0 {
                return .failure(
                    GovernanceError(
                        .rateLimited, "Rate limit reached; retry after \(Int(retryAfter.rounded(.up))) s.",
                        retryAfterSeconds: retryAfter, headers: status.headers))
            }
            for (key, level, _) in wanted {
                let cost = key.isTokens ? Double(tokens) : 1
                buckets[key] = Bucket(level: level - cost, updated: time)
            }
            return .success(status)
        }
        return try result.get()
    }

    /// See ``RateLimiter/adjust(_:tokenDelta:)``.
    public func adjust(_ scopes: [RateLimitBucket], tokenDelta: Int) async {
        guard tokenDelta != 0 else { return }
        let time = now()
        buckets.withLock { buckets in
            for bucket in scopes {
                guard let limit = bucket.limits.tpm, limit > 0 else { continue }
                let key = BucketKey(scope: bucket.scope, isTokens: true)
                let level = Self.refilled(buckets[key], limit: limit, at: time) - Double(tokenDelta)
                buckets[key] = Bucket(level: min(Double(limit), level), updated: time)
            }
        }
    }

    static func refilled(_ bucket: Bucket?, limit: Int, at time: Double) -> Double {
        guard let bucket else { return Double(limit) }
        return min(Double(limit), bucket.level + (time - bucket.updated) * Double(limit) / 60)
    }

    static func keepTighter(_ candidate: RateLimitStatus.Dimension, in slot: inout RateLimitStatus.Dimension?) {
        guard let current = slot else {
            slot = candidate
            return
        }
        if Double(candidate.remaining) / Double(candidate.limit) < Double(current.remaining) / Double(current.limit) {
            slot = candidate
        }
    }
}
