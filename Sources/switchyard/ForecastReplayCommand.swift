import ArgumentParser
import Foundation
import Logging
import SwitchyardStore
import SwitchyardTelemetry

/// `switchyard forecast replay`: the spend forecaster on replayed traffic, read back from a real ledger.
///
/// Each simulated tenant replays the prompts of a routing data file (`shared/data/routing-*`) against one of its
/// models, in file order shuffled once, so every request costs what that model's call really cost in the data set
/// (heavy-tailed: a long MBPP answer costs many times a one-letter ARC answer). Arrivals per hour are Poisson around
/// a traffic shape (office hours, weekly pattern, growth, nightly batch jobs, a mid-month launch). The requests go
/// into a fresh SQLite ledger through ``Store/appendUsage(_:)``, and the forecaster reads them back the way
/// `/admin/v1/forecast` does, with ``Store/hourlySpend(_:groupBy:)``. From days 3, 7, 14 and 21 it forecasts the
/// month's total; the table reports MAPE and 90%-interval coverage per traffic shape.
struct ForecastReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "MAPE of month-end forecasts on replayed routing-data traffic, through a real SQLite ledger.")

    @Option(name: .customLong("data"), help: "Routing data files (dev.jsonl with cost_usd).")
    var data: [String]
    @Option(help: "Tenants per traffic shape.") var tenants = 6
    @Option(help: "Mean requests per hour at the shape's peak.") var peakRate = 40.0
    @Option(help: "Random seed.") var seed: UInt64 = 2026

    /// The traffic shapes replayed.
    static let shapes = ["office_hours", "weekly_pattern", "growing", "nightly_batch", "mid_month_launch"]

    func run() async throws {
        let files = try data.map { try RoutingDataFile(path: $0) }
        var random = ForecastBenchCommand.Generator(state: seed)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-replay-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "switchyard.forecast.replay")
        logger.logLevel = .warning
        let store = try await SQLStore.sqlite(path: directory.appendingPathComponent("ledger.sqlite").path, logger: logger)
        try await store.migrate()
        let monthStart = Date(timeIntervalSince1970: 1_793_491_200)  // 2026-11-01T00:00:00Z, a Sunday
        let hours = 30 * 24
        var tenantShapes: [(id: String, shape: String, source: String)] = []
        var requests = 0
        for shape in Self.shapes {
            for index in 0..<tenants {
                let file = files[(index + Self.shapes.firstIndex(of: shape)!) % files.count]
                let model = Int(random.uniform() * Double(file.candidates.count))
                let tenant = "\(shape)-\(index)"
                var order = Array(file.costs.indices)
                for i in order.indices.reversed() { order.swapAt(i, Int(random.uniform() * Double(i + 1))) }
                let volume = 0.3 + random.uniform()
                var cursor = 0
                var batch: [UsageRecord] = []
                for hour in 0..<hours {
                    let rate = peakRate * volume * Self.intensity(shape, hour: hour)
                    for _ in 0..<Self.poisson(rate, &random) {
                        let row = order[cursor % order.count]
                        cursor += 1
                        batch.append(
                            UsageRecord(
                                time: monthStart.addingTimeInterval(Double(hour) * 3600 + random.uniform() * 3599),
                                requestID: "\(tenant)-\(cursor)", tenantID: tenant, model: file.candidates[model],
                                cost: file.costs[row][model]))
                    }
                    if batch.count >= 5_000 {
                        try await store.appendUsage(batch)
                        requests += batch.count
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                try await store.appendUsage(batch)
                requests += batch.count
                tenantShapes.append((tenant, shape, "\(URL(fileURLWithPath: file.path).deletingLastPathComponent().lastPathComponent) \(file.candidates[model])"))
            }
        }
        print("Replayed \(requests) requests for \(tenantShapes.count) tenants into a SQLite ledger.")
        print()
        print("| Traffic shape | Forecast from day | MAPE of month-end total | 90% interval coverage | Method |")
        print("| --- | --- | --- | --- | --- |")
        let forecaster = SpendForecaster()
        let monthEnd = monthStart.addingTimeInterval(Double(hours) * 3600)
        for shape in Self.shapes {
            let members = tenantShapes.filter { $0.shape == shape }
            for fromDay in [3, 7, 14, 21] {
                var errors: [Double] = []
                var covered = 0
                var methods: [String: Int] = [:]
                let cut = monthStart.addingTimeInterval(Double(fromDay) * 86_400)
                for member in members {
                    let actual = try await store.usageSummary(
                        UsageQuery(tenantID: member.id, from: monthStart, to: monthEnd), groupBy: .tenant
                    ).first?.cost ?? 0
                    guard actual > 0 else { continue }
                    let spend = try await store.hourlySpend(
                        UsageQuery(tenantID: member.id, from: monthStart, to: cut), groupBy: .tenant)
                    var byHour: [Date: Double] = [:]
                    for row in spend { byHour[row.hour, default: 0] += row.cost }
                    let series = (0..<(fromDay * 24)).map { byHour[monthStart.addingTimeInterval(Double($0) * 3600)] ?? 0 }
                    let forecast = forecaster.forecast(
                        hourly: series, spentSoFar: series.reduce(0, +), hoursLeft: hours - fromDay * 24)
                    errors.append(abs(forecast.expected - actual) / actual)
                    if forecast.low <= actual && actual <= forecast.high { covered += 1 }
                    methods[forecast.method.rawValue, default: 0] += 1
                }
                let mape = errors.reduce(0, +) / Double(max(1, errors.count))
                print(
                    String(
                        format: "| %@ | %d | %.1f%% | %.0f%% | %@ |", shape, fromDay, mape * 100,
                        Double(covered) / Double(max(1, errors.count)) * 100,
                        methods.max { $0.value < $1.value }?.key ?? "-"))
            }
        }
        print()
        print("Tenants (shape-index: data set and model replayed):")
        for member in tenantShapes { print("- \(member.id): \(member.source)") }
        try await store.close()
    }

    /// Relative request rate of a traffic shape at an hour of the month (hour 0 = Sunday 00:00 UTC).
    static func intensity(_ shape: String, hour: Int) -> Double {
        let hourOfDay = Double(hour % 24)
        let day = hour / 24
        let weekday = day % 7  // 0 = Sunday
        let office = max(0.05, sin((hourOfDay - 7) / 12 * .pi))  // 07:00–19:00 peak
        switch shape {
        case "office_hours": return 0.15 + 0.85 * office
        case "weekly_pattern": return (weekday == 0 || weekday == 6 ? 0.25 : 1) * (0.15 + 0.85 * office)
        case "growing": return (0.15 + 0.85 * office) * (1 + 0.04 * Double(day))
        case "nightly_batch": return 0.2 + (hour % 24 >= 1 && hour % 24 < 3 ? 4 : 0)
        default: return (0.15 + 0.85 * office) * (day >= 15 ? 2.5 : 1)  // mid_month_launch
        }
    }

    /// A Poisson draw (Knuth for small rates, a rounded normal approximation above 30).
    static func poisson(_ rate: Double, _ random: inout ForecastBenchCommand.Generator) -> Int {
        guard rate > 0 else { return 0 }
        if rate > 30 { return max(0, Int((rate + rate.squareRoot() * random.normal()).rounded())) }
        let limit = exp(-rate)
        var product = random.uniform()
        var count = 0
        while product > limit {
            count += 1
            product *= random.uniform()
        }
        return count
    }
}
