import Foundation
import HTTPTypes
import SwitchyardConfiguration
import SwitchyardStore
import Testing

/// `/metrics` (validated by `promtool`), the dashboard JSON and the forecast endpoint after a scripted set of requests.
@Suite struct ObservabilityTests {
    /// The value of the first sample whose name and labels all match.
    static func sample(_ exposition: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let text = String(line)
            guard labels.allSatisfy({ text.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            return text.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    static func promtool(_ exposition: String) throws -> (status: Int32, output: String) {
        let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let tool = try #require(path, "promtool is missing: run scripts/test.sh (it installs Debian's prometheus package)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func metricsAreValidPrometheusAndCountWhatHappened() async throws {
        var cache = CacheConfiguration()
        cache.exactEnabled = true
        try await GovernedGateway.run(cache: cache) { gateway in
            let key = try await gateway.key()
            for index in 0..<3 {
                #expect(try await gateway.chat("gpt", key: key, content: "question \(index)").status == .ok)
            }
            try await gateway.cached(3)
            #expect(try await gateway.chat("gpt", key: key, content: "question 0").header("x-switchyard-cache") == "hit")
            #expect(try await gateway.chat("claude", key: key, stream: true).status == .ok)
            #expect(try await gateway.chat("overloaded", key: key).status.code == 503)
            #expect(try await gateway.chat("gpt", key: nil).status == .unauthorized)

            let unauthenticated = try await gateway.client.execute(uri: "/metrics", method: .get) { $0.status }
            #expect(unauthenticated == .unauthorized)
            let metrics = try await gateway.admin("/metrics")
            #expect(metrics.status == .ok)
            let check = try Self.promtool(metrics.text)
            #expect(check.status == 0, "promtool: \(check.output)")

            let text = metrics.text
            #expect(Self.sample(text, "switchyard_requests_total", ["model": "gpt", "status": "200", "deployment": "none"]) == 1)
            #expect(Self.sample(text, "switchyard_requests_total", ["model": "gpt", "status": "200", "region": "us"]) == 3)
            #expect(Self.sample(text, "switchyard_requests_total", ["model": "claude", "status": "200"]) == 1)
            #expect(Self.sample(text, "switchyard_requests_total", ["model": "overloaded", "code": "upstream_overloaded"]) == 1)
            #expect(Self.sample(text, "switchyard_cache_lookups_total", ["result": "hit"]) == 1)
            #expect(Self.sample(text, "switchyard_cache_lookups_total", ["result": "miss"]) == 5)
            #expect((Self.sample(text, "switchyard_cost_usd_total", ["model": "gpt"]) ?? 0) > 0)
            #expect((Self.sample(text, "switchyard_tokens_total", ["model": "gpt", "type": "output"]) ?? 0) > 0)
            #expect(Self.sample(text, "gen_ai_server_time_to_first_token_seconds_count", ["model": "claude"]) == 1)
            #expect(Self.sample(text, "gen_ai_client_operation_duration_seconds_count", ["model": "gpt", "status": "200", "region": "us"]) == 3)
            #expect(Self.sample(text, "switchyard_requests_in_flight") == 0)
            #expect(Self.sample(text, "switchyard_circuit_breaker_state", ["deployment": "gpt/oai#0"]) == 0)
            #expect(!text.contains(key) && !text.contains("question"))

            // The dashboard's numbers agree with the ledger.
            _ = try await gateway.ledger()
            let dashboard = try await gateway.admin("/admin/v1/dashboard")
            #expect(dashboard.status == .ok)
            let usage = try await gateway.admin("/admin/v1/usage?group_by=tenant")
            let ledgerCost = (usage.json["data"] as? [[String: Any]])?.reduce(0.0) { $0 + ($1["cost"] as? Double ?? 0) }
            let spend = dashboard.json["spend"] as? [String: Any]
            #expect(abs((spend?["today_usd"] as? Double ?? -1) - (ledgerCost ?? -2)) < 1e-12)
            let traffic = dashboard.json["traffic"] as? [String: Any]
            #expect(traffic?["requests_total"] as? Int == 6)
            #expect(traffic?["errors_total"] as? Int == 1)
            let cacheState = dashboard.json["cache"] as? [String: Any]
            #expect(cacheState?["hits"] as? Int == 1)
            #expect((dashboard.json["decisions"] as? [[String: Any]])?.isEmpty == false)
            #expect((dashboard.json["deployments"] as? [[String: Any]])?.contains { $0["id"] as? String == "gpt/oai#0" } == true)
            let page = try await gateway.client.execute(uri: "/dashboard", method: .get) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(page.0 == .ok)
            // The page compiled into the binary is the file the browser test and scripts/dashboard/embed.sh use.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
            let source = try String(
                contentsOf: root.appendingPathComponent("Sources/SwitchyardServer/Dashboard/dashboard.html"),
                encoding: .utf8)
            #expect(page.1 == source, "run scripts/dashboard/embed.sh after editing dashboard.html")

            let forecast = try await gateway.admin("/admin/v1/forecast?group_by=tenant&window=monthly")
            let rows = forecast.json["data"] as? [[String: Any]] ?? []
            #expect(rows.count == 1)
            #expect((rows.first?["forecast_usd"] as? Double ?? 0) >= (rows.first?["spent_usd"] as? Double ?? 1))
            let tenantKey = try await gateway.key(tenant: "acme")
            #expect(try await gateway.client.execute(
                uri: "/admin/v1/dashboard", method: .get, headers: [.authorization: "Bearer \(tenantKey)"]) { $0.status }
                == .forbidden)
        }
    }
}
