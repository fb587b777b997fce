import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import SwitchyardConfiguration

/// Finds the configuration: `--config`, else `SWITCHYARD_CONFIG`, else the embedded default.
struct ConfigurationLoader {
    let environment = ProcessInfo.processInfo.environment

    func load(path: String?) async throws -> GatewayConfiguration {
        if let path = path ?? environment["SWITCHYARD_CONFIG"], !path.isEmpty {
            return try loadFile(path)
        }
        return GatewayConfiguration.embeddedDefault(environment: environment, ollamaModels: await probeOllama())
    }

    func loadFile(_ path: String) throws -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(message: "cannot read configuration file \(path)", path: "", line: 0)
        }
        return try GatewayConfiguration.load(
            yaml: String(decoding: data, as: UTF8.self), origin: path, environment: environment)
    }

    /// The models of an Ollama server on its default port, or `nil` if none answers within half a second.
    private func probeOllama() async -> [String]? {
        struct Tags: Decodable {
            struct Model: Decodable { var name: String }
            var models: [Model]
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        do {
            let request = HTTPClientRequest(url: "http://127.0.0.1:11434/api/tags")
            let response = try await client.execute(request, timeout: .milliseconds(500))
            guard response.status.code == 200 else { return nil }
            let body = try await response.body.collect(upTo: 1 << 20)
            return try JSONDecoder().decode(Tags.self, from: Data(buffer: body)).models.map(\.name)
        } catch {
            return nil
        }
    }
}
