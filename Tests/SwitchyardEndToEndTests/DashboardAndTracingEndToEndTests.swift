import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import Synchronization
import SwitchyardTesting
import Testing

/// The dashboard in a real headless Chromium against the real binary with simulated traffic, and OpenTelemetry
/// traces exported over OTLP/HTTP to an in-process receiver.
@Suite(.serialized) struct DashboardAndTracingEndToEndTests {
    static let masterKey = "e2e-dashboard-master-key-0123456789"

    static func configuration(directory: String, upstream: String) -> String {
        """
        server: { host: 127.0.0.1, port: 0 }
        admin: { master_key: env:E2E_MASTER_KEY }
        store: { sqlite: \(directory)/switchyard.sqlite }
        governance: { ledger_flush_ms: 50 }
        cache: { exact: { enabled: true } }
        telemetry: { traces: { enabled: true, protocol: http/json } }
        providers:
          sim: { kind: simulator, simulator: { latency_ms: 5 } }
          oai: { kind: openai, api_key: env:E2E_KEY, base_url: \(upstream)/v1 }
        models:
          - name: simulator
            deployments: [ { provider: sim, model: switchyard-simulator, region: eu,
                             pricing: { input_per_mtok: 1.0, output_per_mtok: 4.0 } } ]
          - name: gpt
            deployments: [ { provider: oai, model: gpt-plain, pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } } ]
        """
    }

    static func post(_ port: Int, key: String, body: String, headers: [(String, String)] = []) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        request.headers.add(name: "content-type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    static func get(_ port: Int, _ path: String) async throws -> String {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "authorization", value: "Bearer \(masterKey)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 8 << 20))
    }

    @Test func dashboardInChromiumAndTracesOverOTLP() async throws {
        let browserTest = GatewayProcess.packageRoot.appendingPathComponent("Tests/Dashboard/dashboard_browser_test.py").path
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        _ = try #require(chromium, "chromium is missing: run scripts/test.sh (it installs Debian's chromium)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-dash-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

            // The fake upstream is also the in-process OTLP/HTTP collector (POST /v1/traces is recorded).
            try await FakeUpstream.withRunning { upstream in
                let config = directory + "/switchyard.yaml"
                try Self.configuration(directory: directory, upstream: upstream.baseURL)
                    .write(toFile: config, atomically: true, encoding: .utf8)
                let environment = ["E2E_MASTER_KEY": Self.masterKey, "E2E_KEY": "sk-e2e-upstream"]
                let created = try GatewayProcess.run(
                    ["keys", "create", "--config", config, "--tenant", "acme", "--json"], environment: environment)
                let key = try #require(
                    (try JSONSerialization.jsonObject(
                        with: Data((created.output.split(separator: "\n").last { $0.hasPrefix("{") } ?? "{}").utf8))
                        as? [String: Any])?["key"] as? String, "\(created.output)")
                let gateway = try GatewayProcess(
                    arguments: ["serve", "--config", config],
                    environment: environment.merging(
                        ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": upstream.baseURL + "/v1/traces"]) { $1 })
                defer { _ = gateway.terminate() }
                let port = gateway.port

                // Simulated traffic: repeats (cache hits), and one traced call to a real-wire upstream.
                for index in 0..<30 {
                    let body = #"{"model": "simulator", "messages": [{"role": "user", "content": "ping \#(index % 20)"}]}"#
                    #expect(try await Self.post(port, key: key, body: body) == 200)
                }
                let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
                let traced = #"{"model": "gpt", "messages": [{"role": "user", "content": "traced"}]}"#
                #expect(try await Self.post(
                    port, key: key, body: traced,
                    headers: [("traceparent", "00-\(traceID)-00f067aa0ba902b7-01")]) == 200)
                try await Task.sleep(for: .milliseconds(300))  // ledger flush

                // The dashboard in Chromium.
                let output = GatewayProcess.packageRoot.appendingPathComponent("test-output/dashboard").path
                let browser = Process()
                browser.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
                browser.arguments = [browserTest, "--base-url", "http://127.0.0.1:\(port)", "--key", Self.masterKey, "--out", output]
                let pipe = Pipe()
                browser.standardOutput = pipe
                browser.standardError = FileHandle.nullDevice
                try browser.run()
                let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                browser.waitUntilExit()
                #expect(browser.terminationStatus == 0, "\(printed)")
                let result = try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any]
                #expect(result?["ok"] as? Bool == true, "\(printed)")
                #expect((result?["console"] as? [Any])?.isEmpty == true)
                let shown = result?["metrics"] as? [String: Any] ?? [:]
                func number(_ name: String) -> Double? {
                    (shown[name] as? Double) ?? (shown[name] as? Int).map(Double.init) ?? (shown[name] as? String).flatMap(Double.init)
                }

                // The page's numbers match /admin/v1/usage and /metrics.
                let usage = try JSONSerialization.jsonObject(
                    with: Data(try await Self.get(port, "/admin/v1/usage?group_by=tenant").utf8)) as? [String: Any]
                let ledgerCost = (usage?["data"] as? [[String: Any]] ?? []).reduce(0.0) { $0 + ($1["cost"] as? Double ?? 0) }
                let shownMonth = try #require(number("spend.month_usd"), "\(shown)")
                #expect(abs(shownMonth - ledgerCost) <= max(1e-9, ledgerCost * 1e-6))
                let metrics = try await Self.get(port, "/metrics")
                let requests = metrics.split(separator: "\n").filter { $0.hasPrefix("switchyard_requests_total{") }
                    .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
                #expect(number("traffic.requests_total") == requests)
                #expect(requests == 31)
                let lookups = metrics.split(separator: "\n").filter { $0.hasPrefix("switchyard_cache_lookups_total{") }
                    .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
                let hits = metrics.split(separator: "\n").first { $0.hasPrefix("switchyard_cache_lookups_total{result=\"hit\"") }
                    .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? -1
                #expect(hits == 10)
                #expect(abs((number("cache.hit_rate") ?? -1) - hits / lookups) < 1e-9)
                for file in ["dashboard-390x844.png", "dashboard-1440x900.png"] {
                    #expect(FileManager.default.fileExists(atPath: output + "/" + file))
                }

                // SIGTERM flushes the spans.
                let (status, log) = gateway.terminate()
                #expect(status == 0, "\(log.suffix(2000))")
                let received = await upstream.recorder.entries
                let spans = received.filter { $0.path.hasPrefix("/v1/traces") }.map(\.body).joined(separator: "\n")
                // OTLP/JSON from swift-otel carries ids as base64 bytes (the protobuf JSON mapping).
                var traceBytes = [UInt8]()
                var index = traceID.startIndex
                while index < traceID.endIndex {
                    let next = traceID.index(index, offsetBy: 2)
                    traceBytes.append(UInt8(traceID[index..<next], radix: 16)!)
                    index = next
                }
                let encodedTraceID = Data(traceBytes).base64EncodedString()
                #expect(spans.contains(traceID) || spans.contains(encodedTraceID), "the client's trace is continued")
                #expect(spans.contains("gen_ai.request.model") && spans.contains("gpt-plain"))
                #expect(spans.contains("gen_ai.usage.output_tokens"))
                #expect(spans.contains("cache lookup"))
                let forwarded = received.last { $0.path.hasPrefix("/v1/chat") }?.headers["traceparent"] ?? ""
                #expect(forwarded.contains(traceID), "the upstream receives the same trace: \(forwarded)")
                #expect(!spans.contains(key) && !spans.contains("traced\""), "no key or prompt in spans")
                // JSON log lines with trace ids.
                let lines = log.split(separator: "\n").filter { $0.hasPrefix("{") }
                #expect(!lines.isEmpty)
                #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
            }
    }
}
