import Foundation
import SwitchyardTelemetry
import Testing

@Suite struct SpendForecasterTests {
    /// Hourly spend with a daily cycle (busy office hours), a slow upward trend and seeded noise.
    static func series(days: Int, base: Double = 2, amplitude: Double = 1.5, trendPerDay: Double = 0.05, seed: UInt64 = 7)
        -> [Double]
    {
        var state = seed
        func noise() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        return (0..<(days * 24)).map { hour in
            let daily = amplitude * sin(Double(hour % 24) / 24 * 2 * .pi)
            return max(0, base + daily + trendPerDay * Double(hour) / 24 + 0.3 * noise())
        }
    }

    @Test func holtWintersFollowsADailyCycle() {
        let history = Self.series(days: 21, trendPerDay: 0)
        let future = Array(Self.series(days: 28, trendPerDay: 0)[(21 * 24)...])
        let forecast = SpendForecaster().forecast(hourly: history, spentSoFar: 100, hoursLeft: future.count)
        let actual = 100 + future.reduce(0, +)
        #expect(forecast.method == .holtWinters)
        #expect(abs(forecast.expected - actual) / actual < 0.05, "expected \(forecast.expected), actual \(actual)")
        #expect(forecast.low <= actual && actual <= forecast.high)
    }

    @Test func aGrowingSeriesIsForecastAboveAFlatOne() {
        // The trend is damped (a month-long extrapolation of a noisy hourly trend is dangerous), so growth is
        // followed partly: more than flat, within 15% of the truth.
        let history = Self.series(days: 21, trendPerDay: 0.05)
        let future = Array(Self.series(days: 28, trendPerDay: 0.05)[(21 * 24)...])
        let growing = SpendForecaster().forecast(hourly: history, spentSoFar: 0, hoursLeft: future.count)
        let flat = SpendForecaster().forecast(
            hourly: Self.series(days: 21, trendPerDay: 0), spentSoFar: 0, hoursLeft: future.count)
        let actual = future.reduce(0, +)
        #expect(growing.expected > flat.expected)
        #expect(abs(growing.expected - actual) / actual < 0.15, "expected \(growing.expected), actual \(actual)")
    }

    @Test func aWeekendAtTheEndOfTheFirstWeekIsNotReadAsAFallInLevel() {
        // Weekdays at full rate, weekends at a quarter; history ends on the first Saturday night (day 7).
        func week(_ days: Int) -> [Double] {
            (0..<(days * 24)).map { hour in
                let weekend = (hour / 24) % 7 >= 5
                return (weekend ? 0.25 : 1) * (1 + 0.8 * sin(Double(hour % 24) / 24 * .pi))
            }
        }
        let history = week(7)
        let future = Array(week(30)[(7 * 24)...])
        let forecaster = SpendForecaster()
        let forecast = forecaster.forecast(hourly: history, spentSoFar: 0, hoursLeft: future.count)
        let actual = future.reduce(0, +)
        #expect(forecast.method == .holtWintersWeekCombined)
        #expect(abs(forecast.expected - actual) / actual < 0.2, "expected \(forecast.expected), actual \(actual)")
        // The daily model alone, on the same history, follows the weekend down: half again the error, or more.
        let daily = forecaster.forecastHoltWintersOnly(history, horizon: future.count)
        #expect(abs(daily - actual) > 1.5 * abs(forecast.expected - actual), "daily-only \(daily), actual \(actual)")
    }

    @Test func shortHistoryUsesATrendModelAndAFewHoursTheMean() {
        let forecaster = SpendForecaster()
        #expect(forecaster.forecast(hourly: Self.series(days: 1), spentSoFar: 0, hoursLeft: 24).method == .holt)
        let mean = forecaster.forecast(hourly: [1, 1, 1], spentSoFar: 5, hoursLeft: 10)
        #expect(mean.method == .mean)
        #expect(abs(mean.expected - 15) < 1e-9)
    }

    @Test func forecastsNeverGoBelowWhatIsSpent() {
        let falling = (0..<72).map { Double(72 - $0) * 0.01 }
        let forecast = SpendForecaster().forecast(hourly: falling, spentSoFar: 3, hoursLeft: 500)
        #expect(forecast.expected >= 3)
        #expect(forecast.low >= 3)
    }

    @Test func noHistoryForecastsNothingMore() {
        let forecast = SpendForecaster().forecast(hourly: [], spentSoFar: 0, hoursLeft: 100)
        #expect(forecast.expected == 0)
    }
}
