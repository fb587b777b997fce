/// Forecasts spend to the end of a budget window from an hourly spend series.
///
/// Additive Holt-Winters with a damped trend and daily seasonality (24 hourly seasons) once there are two days of
/// history, averaged with the last week repeated from one week, weekly seasonality (168) once there are two weeks; Holt's damped trend on shorter history; the mean
/// rate on a few hours. Damping keeps a noisy hourly trend from being extrapolated over a month. Smoothing parameters are chosen per series
/// by a small grid search on one-step-ahead squared error; the interval comes from the one-step residuals, widened
/// with the horizon. Forecasts never go below zero: spend does not run backwards.
///
/// ```swift
/// let forecast = SpendForecaster().forecast(hourly: last30Days, spentSoFar: 412.0, hoursLeft: 96)
/// if forecast.expected > budget { … alert days ahead … }
/// ```
public struct SpendForecaster: Sendable {
    /// Hours per season.
    public var seasonLength: Int
    /// The z-score of the interval (1.645: a 90% interval).
    public var z: Double

    /// Creates a forecaster.
    public init(seasonLength: Int = 24, z: Double = 1.645) {
        self.seasonLength = seasonLength
        self.z = z
    }

    /// How a forecast was made.
    public enum Method: String, Sendable, Hashable, Codable {
        /// Additive Holt-Winters with daily seasonality.
        case holtWinters = "holt_winters"
        /// The mean of Holt-Winters with daily seasonality and the last week repeated (one to two weeks of
        /// history: a weekly pattern is likely but cannot be fitted yet).
        case holtWintersWeekCombined = "holt_winters+last_week"
        /// Holt's linear trend.
        case holt
        /// The mean hourly rate.
        case mean
    }

    /// A forecast of the total at the end of the window.
    public struct Forecast: Sendable, Hashable, Codable {
        /// Spent so far in the window.
        public var spentSoFar: Double
        /// Expected total at the end of the window.
        public var expected: Double
        /// Lower bound of the interval.
        public var low: Double
        /// Upper bound of the interval.
        public var high: Double
        /// Hours forecast.
        public var hoursLeft: Int
        /// The method used.
        public var method: Method
    }

    /// Forecasts the window's total.
    ///
    /// - Parameters:
    ///   - hourly: Spend per hour, oldest first, ending with the last complete hour.
    ///   - spentSoFar: What the window has spent already.
    ///   - hoursLeft: Hours until the window ends.
    public func forecast(hourly: [Double], spentSoFar: Double, hoursLeft: Int) -> Forecast {
        let path = forecastPath(hourly: hourly, horizon: max(0, hoursLeft))
        let expected = spentSoFar + path.mean.reduce(0, +)
        let spread = z * path.totalSigma
        return Forecast(
            spentSoFar: spentSoFar, expected: expected, low: max(spentSoFar, expected - spread), high: expected + spread,
            hoursLeft: max(0, hoursLeft), method: path.method)
    }

    /// The hour-by-hour forecast.
    ///
    /// - Returns: The mean per future hour, the standard deviation of their sum and the method.
    ///
    /// The sum's spread has two parts: each hour's own noise (independent, grows with √h) and the drift of the
    /// smoothed level and trend, which moves every later hour together (the h-step error of Holt's method,
    /// σ·√(Σⱼ(α + jαβ)²), summed over the horizon as fully correlated).
    public func forecastPath(hourly: [Double], horizon: Int) -> (mean: [Double], totalSigma: Double, method: Method) {
        if hourly.count >= 6 {
            let seasonal = hourly.count >= 2 * seasonLength
            // Two weeks of history: the season is the week (weekday and weekend hours differ), else the day.
            let period = hourly.count >= 2 * 7 * seasonLength ? 7 * seasonLength : seasonLength
            let fit = bestFit(hourly, seasonal: seasonal, period: period)
            let week = 7 * seasonLength
            if period == seasonLength, hourly.count >= week {
                // One to two weeks: a daily model reads a weekend as a fall in level and extrapolates it for the
                // rest of the month. Averaging it with the last week repeated keeps the week's total without
                // having to fit a weekly season from a single week (forecast combination).
                let lastWeek = hourly.suffix(week)
                let repeated = (0..<horizon).map { lastWeek[lastWeek.startIndex + $0 % week] }
                let combined = zip(forecastHoltWinters(fit, horizon: horizon), repeated).map { ($0 + $1) / 2 }
                return (combined, totalSigma(fit, horizon: horizon), .holtWintersWeekCombined)
            }
            return (forecastHoltWinters(fit, horizon: horizon), totalSigma(fit, horizon: horizon),
                    seasonal ? .holtWinters : .holt)
        }
        let mean = hourly.isEmpty ? 0 : hourly.reduce(0, +) / Double(hourly.count)
        let variance = hourly.isEmpty ? 0 : hourly.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(hourly.count)
        return (Array(repeating: mean, count: horizon), variance.squareRoot() * Double(horizon).squareRoot(), .mean)
    }

    func totalSigma(_ fit: Fit, horizon: Int) -> Double {
        guard horizon > 0 else { return 0 }
        let noise = fit.sigma * Double(horizon).squareRoot()
        var drift = 0.0
        var accumulated = 0.0
        for step in 1..<max(1, horizon) {
            let weight = fit.alpha + Double(step) * fit.alpha * fit.beta
            accumulated += weight * weight
            drift += fit.sigma * accumulated.squareRoot()
        }
        return (noise * noise + drift * drift).squareRoot()
    }

    struct Fit {
        var level: Double
        var trend: Double
        var seasons: [Double]
        var lastIndex: Int
        var sigma: Double
        var error: Double
        var alpha: Double
        var beta: Double
        var phi: Double
    }

    func bestFit(_ series: [Double], seasonal: Bool, period: Int) -> Fit {
        var best: Fit?
        for alpha in [0.02, 0.05, 0.1, 0.2, 0.3, 0.5] {
            for beta in [0.0, 0.01, 0.05, 0.1] {
                for phi in [0.9, 0.98] {
                    for gamma in seasonal ? [0.05, 0.1, 0.2, 0.4] : [0.0] {
                        let fit = smooth(
                            series, alpha: alpha, beta: beta, gamma: gamma, phi: phi, seasonal: seasonal, period: period)
                        if fit.error < best?.error ?? .infinity { best = fit }
                    }
                }
            }
        }
        return best!
    }

    func smooth(
        _ series: [Double], alpha: Double, beta: Double, gamma: Double, phi: Double, seasonal: Bool, period: Int
    ) -> Fit {
        let m = seasonal ? period : 1
        var seasons = [Double](repeating: 0, count: m)
        var level: Double
        var trend: Double
        var start: Int
        if seasonal {
            let first = series[0..<m].reduce(0, +) / Double(m)
            let second = series[m..<(2 * m)].reduce(0, +) / Double(m)
            level = first
            trend = (second - first) / Double(m)
            for index in 0..<m { seasons[index] = series[index] - first }
            start = m
        } else {
            level = series[0]
            trend = series.count > 1 ? series[1] - series[0] : 0
            start = 1
        }
        var squared = 0.0
        var steps = 0
        for index in start..<series.count {
            let season = seasonal ? seasons[index % m] : 0
            let predicted = level + phi * trend + season
            let error = series[index] - predicted
            squared += error * error
            steps += 1
            let previousLevel = level
            level = alpha * (series[index] - season) + (1 - alpha) * (level + phi * trend)
            trend = beta * (level - previousLevel) + (1 - beta) * phi * trend
            if seasonal { seasons[index % m] = gamma * (series[index] - level) + (1 - gamma) * season }
        }
        let sigma = steps == 0 ? 0 : (squared / Double(steps)).squareRoot()
        return Fit(
            level: level, trend: trend, seasons: seasons, lastIndex: series.count - 1, sigma: sigma,
            error: steps == 0 ? .infinity : squared, alpha: alpha, beta: beta, phi: phi)
    }

    func forecastHoltWinters(_ fit: Fit, horizon: Int) -> [Double] {
        let m = fit.seasons.count
        var damping = 0.0
        var power = 1.0
        return (1...max(1, horizon)).prefix(horizon).map { step in
            power *= fit.phi
            damping += power
            let season = m > 1 ? fit.seasons[(fit.lastIndex + step) % m] : 0
            return max(0, fit.level + damping * fit.trend + season)
        }
    }
}

extension SpendForecaster {
    /// The daily-season Holt-Winters total over `horizon` hours alone, without the last-week combination (for
    /// evaluation: how far the daily model alone would have gone).
    public func forecastHoltWintersOnly(_ hourly: [Double], horizon: Int) -> Double {
        guard hourly.count >= 2 * seasonLength else { return forecastPath(hourly: hourly, horizon: horizon).mean.reduce(0, +) }
        let fit = bestFit(hourly, seasonal: true, period: seasonLength)
        return forecastHoltWinters(fit, horizon: horizon).reduce(0, +)
    }
}
