import ArgumentParser
import Foundation
import SwitchyardTelemetry

/// `switchyard forecast bench`: the spend forecaster's error on synthetic hourly spend series with known structure,
/// forecasting the month's total from several points in the month (MAPE and interval coverage).
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast", abstract: "Evaluate the spend forecaster.", subcommands: [ForecastBenchCommand.self, ForecastReplayCommand.self])
}

struct ForecastBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "MAPE and interval coverage of month-end spend forecasts on synthetic series.")

    @Option(help: "Series per family.") var series = 50
    @Option(help: "Random seed.") var seed: UInt64 = 2026

    struct Generator {
        var state: UInt64
        mutating func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            let u = max(1e-12, uniform())
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
        }
    }

    /// 30 days of hourly spend for one family.
    static func make(_ family: String, _ random: inout Generator) -> [Double] {
        let base = 0.5 + 4 * random.uniform()
        let growth = (random.uniform() - 0.3) * 0.04  // per day, relative
        return (0..<(30 * 24)).map { hour in
            let day = Double(hour / 24)
            let hourOfDay = Double(hour % 24)
            let daily = max(0, sin((hourOfDay - 6) / 24 * 2 * .pi))  // office hours peak
            var value: Double
            switch family {
            case "daily_seasonal":
                value = base * (0.3 + 1.4 * daily) * (1 + growth * day) * (1 + 0.15 * random.normal())
            case "weekly_pattern":
                let weekend = (hour / 24) % 7 >= 5 ? 0.35 : 1.0
                value = base * (0.3 + 1.4 * daily) * weekend * (1 + 0.15 * random.normal())
            case "bursty":
                let burst = random.uniform() < 0.01 ? 8.0 : 1.0
                value = base * (0.3 + 1.4 * daily) * burst * (1 + 0.25 * random.normal())
            default:  // sparse: a low-volume tenant, mostly idle hours
                value = random.uniform() < 0.15 ? base * (0.5 + random.uniform()) : 0
            }
            return max(0, value)
        }
    }

    func run() async throws {
        var random = Generator(state: seed)
        let forecaster = SpendForecaster()
        print("| Series family | Forecast from day | MAPE of month-end total | 90% interval coverage | Method |")
        print("| --- | --- | --- | --- | --- |")
        for family in ["daily_seasonal", "weekly_pattern", "bursty", "sparse"] {
            let all = (0..<series).map { _ in Self.make(family, &random) }
            for fromDay in [3, 7, 14, 21] {
                var errors: [Double] = []
                var covered = 0
                var methods: [String: Int] = [:]
                for values in all {
                    let cut = fromDay * 24
                    let actual = values.reduce(0, +)
                    guard actual > 0 else { continue }
                    let forecast = forecaster.forecast(
                        hourly: Array(values[..<cut]), spentSoFar: values[..<cut].reduce(0, +),
                        hoursLeft: values.count - cut)
                    errors.append(abs(forecast.expected - actual) / actual)
                    if forecast.low <= actual && actual <= forecast.high { covered += 1 }
                    methods[forecast.method.rawValue, default: 0] += 1
                }
                let mape = errors.reduce(0, +) / Double(max(1, errors.count))
                let method = methods.max { $0.value < $1.value }?.key ?? "-"
                print(
                    String(
                        format: "| %@ | %d | %.1f%% | %.0f%% | %@ |", family, fromDay, mape * 100,
                        Double(covered) / Double(max(1, errors.count)) * 100, method))
            }
        }
    }
}
