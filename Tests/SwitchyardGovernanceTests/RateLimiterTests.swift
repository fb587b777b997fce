import Foundation
import SwitchyardStore
import Testing

@testable import SwitchyardGovernance

@Suite struct RateLimiterTests {
    let key = BudgetScope(.key, "key_1")
    let team = BudgetScope(.team, "team_a")

    @Test func requestsPerMinuteRefillContinuously() async throws {
        let clock = ManualClock()
        let limiter = InProcessRateLimiter(now: { clock.now })
        let buckets = [RateLimitBucket(scope: key, limits: RateLimits(rpm: 3))]
        let first = try await limiter.acquire(buckets, tokens: 10)
        #expect(first.requests == .init(limit: 3, remaining: 2, resetSeconds: 20))
        #expect(first.tokens == nil)
        _ = try await limiter.acquire(buckets, tokens: 10)
        _ = try await limiter.acquire(buckets, tokens: 10)
        do {
            _ = try await limiter.acquire(buckets, tokens: 10)
            Issue.record("a fourth request passed")
        } catch {
            #expect(error.code == .rateLimited)
            #expect(error.code.httpStatus == 429)
            #expect(abs((error.retryAfterSeconds ?? 0) - 20) < 1e-6)
            #expect(error.headers.contains { $0 == ("x-ratelimit-remaining-requests", "0") })
        }
        clock.advance(20)
        _ = try await limiter.acquire(buckets, tokens: 10)
    }

    @Test func aRefusedRequestTakesNothingAndTokensAreCorrectedAfterwards() async throws {
        let clock = ManualClock()
        let limiter = InProcessRateLimiter(now: { clock.now })
        let buckets = [
            RateLimitBucket(scope: key, limits: RateLimits(rpm: 100, tpm: 1_000)),
            RateLimitBucket(scope: team, limits: RateLimits(tpm: 500)),
        ]
        let status = try await limiter.acquire(buckets, tokens: 400)
        // The team's bucket is the tighter one.
        #expect(status.tokens == .init(limit: 500, remaining: 100, resetSeconds: 48))
        await #expect(throws: GovernanceError.self) { try await limiter.acquire(buckets, tokens: 200) }
        let after = try await limiter.acquire(buckets, tokens: 0)
        #expect(after.requests?.remaining == 98)
        await limiter.adjust(buckets, tokenDelta: -300)  // used 100 instead of 400
        _ = try await limiter.acquire(buckets, tokens: 350)
    }

    @Test(arguments: [(0.0, "0s"), (0.02, "20ms"), (1, "1s"), (6.5, "6.5s"), (360, "6m0s"), (3725, "1h2m5s")])
    func resetDurationsUseOpenAIsFormat(seconds: Double, text: String) {
        #expect(RateLimitStatus.format(seconds) == text)
    }
}
