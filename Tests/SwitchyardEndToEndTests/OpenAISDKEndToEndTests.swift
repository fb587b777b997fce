import Foundation
import SwitchyardTesting
import Testing

/// Starts the real `switchyard serve` binary against fake upstreams and drives it with the official `openai`
/// Python SDK, exactly as users will call it.
@Suite(.serialized) struct OpenAISDKEndToEndTests {
    /// The Python that has the `openai` package: `SWITCHYARD_TEST_PYTHON`, else the test command's venv.
    static var python: String? {
        if let path = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_PYTHON"] { return path }
        let venv = GatewayProcess.packageRoot.appendingPathComponent(".venv-test/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    static func configuration(upstream: String) -> String {
        """
        server: { host: 127.0.0.1, port: 0 }
        store: { sqlite: \(FileManager.default.temporaryDirectory.path)/switchyard-e2e-\(UUID())/switchyard.sqlite }
        providers:
          oai: { kind: openai, api_key: env:E2E_KEY, base_url: \(upstream)/v1 }
          claude: { kind: anthropic, api_key: env:E2E_KEY, base_url: \(upstream) }
          google: { kind: gemini, api_key: file:\(keyFile), base_url: \(upstream)/v1beta }
        models:
          - name: gpt
            deployments: [ { provider: oai, model: gpt-plain } ]
          - name: gpt-tools
            deployments: [ { provider: oai, model: gpt-tools } ]
          - name: claude
            deployments: [ { provider: claude, model: claude-plain, region: us,
                             pricing: { input_per_mtok: 3.0, output_per_mtok: 15.0 } } ]
          - name: claude-tools
            deployments: [ { provider: claude, model: claude-tools } ]
          - name: gemini
            deployments: [ { provider: google, model: gemini-plain } ]
          - name: gemini-tools
            deployments: [ { provider: google, model: gemini-tools } ]
          - name: embed
            deployments: [ { provider: oai, model: text-embedding-3-small } ]
          - name: rate-limited
            deployments: [ { provider: oai, model: gpt-error-429 } ]
          - name: cut
            deployments: [ { provider: oai, model: gpt-cut } ]
        """
    }

    static let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-e2e-key").path

    static func writeConfiguration(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-e2e-\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try "sk-e2e-file-secret\n".write(toFile: keyFile, atomically: true, encoding: .utf8)
        return path
    }

    @Test func officialSDKAgainstTheBinary() async throws {
        let python = try #require(Self.python, "no Python with the openai SDK: run scripts/test.sh, which installs it")
        try await FakeUpstream.withRunning { upstream in
            let config = try Self.writeConfiguration(Self.configuration(upstream: upstream.baseURL))
            let gateway = try GatewayProcess(
                arguments: ["serve", "--config", config, "--port", "0"], environment: ["E2E_KEY": "sk-e2e-env-secret"])
            let script = GatewayProcess.packageRoot.appendingPathComponent("Tests/E2E/openai_sdk_e2e.py").path
            let sdk = Process()
            sdk.executableURL = URL(fileURLWithPath: python)
            sdk.arguments = [script, "http://127.0.0.1:\(gateway.port)/v1"]
            let pipe = Pipe()
            sdk.standardOutput = pipe
            sdk.standardError = pipe
            try sdk.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            sdk.waitUntilExit()
            let (status, log) = gateway.terminate()
            #expect(sdk.terminationStatus == 0, "the SDK script failed:\n\(output)")
            #expect(output.contains("\"passed\""), "\(output)")
            #expect(status == 0, "SIGTERM stops the gateway cleanly")
            for secret in ["sk-e2e-env-secret", "sk-e2e-file-secret", "Weather in Paris"] {
                #expect(!log.contains(secret), "the log never contains keys or prompt text")
            }
            let received = await upstream.recorder.entries
            #expect(received.contains { $0.headers["x-api-key"] == "sk-e2e-env-secret" })
            #expect(received.contains { $0.headers["x-goog-api-key"] == "sk-e2e-file-secret" })
        }
    }

    @Test func configCheckPrintsTheModelTable() throws {
        let config = try Self.writeConfiguration(Self.configuration(upstream: "http://127.0.0.1:9"))
        let result = try GatewayProcess.run(["config", "check", config], environment: ["E2E_KEY": "sk-e2e-env-secret"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("claude-plain"))
        #expect(result.output.contains("3 / 15"))
        #expect(!result.output.contains("sk-e2e"))
    }

    @Test func configCheckNamesTheBadLine() throws {
        let text = """
            server: { host: 127.0.0.1, port: 4000 }
            providers:
              oai: { kind: openai, api_key: env:E2E_KEY }
            models:
              - name: gpt
                deployments:
                  - { provider: oai, model: gpt-4o, wieght: 3 }
            """
        let config = try Self.writeConfiguration(text)
        let result = try GatewayProcess.run(["config", "check", config], environment: ["E2E_KEY": "x"])
        #expect(result.status != 0)
        #expect(result.output.contains("line 7"), "\(result.output)")
        #expect(result.output.contains("wieght"))
    }

    @Test func embeddedDefaultServesTheSimulator() async throws {
        var environment: [String: String] = [:]
        for name in ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "XAI_API_KEY", "MISTRAL_API_KEY",
                     "TOGETHER_API_KEY", "ABACUS_API_KEY", "SWITCHYARD_CONFIG"] {
            environment[name] = ""
        }
        let models = try GatewayProcess.run(["models"], environment: environment)
        #expect(models.status == 0)
        #expect(models.output.contains("simulator"), "\(models.output)")
    }
}
