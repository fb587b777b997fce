import Foundation
import Testing

/// The real `switchyard` binary, started as a child process on a free port.
final class GatewayProcess: @unchecked Sendable {
    let process = Process()
    let output = Pipe()
    let errors = Pipe()
    private(set) var port = 0

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The built binary: `SWITCHYARD_BINARY`, else the debug build beside the tests.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SWITCHYARD_BINARY"] { return URL(fileURLWithPath: path) }
        return packageRoot.appendingPathComponent(".build/debug/switchyard")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    init(arguments: [String], environment: [String: String]) throws {
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let line = try readLine(containing: "listening on", timeout: 30)
        guard let portText = line.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines),
            let port = Int(portText)
        else { throw GatewayProcessError(message: "no port in: \(line)") }
        self.port = port
    }

    private func readLine(containing marker: String, timeout: TimeInterval) throws -> String {
        let handle = output.fileHandleForReading
        var buffer = ""
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty {
                guard process.isRunning else { break }
                continue
            }
            buffer += String(decoding: data, as: UTF8.self)
            if let line = buffer.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
        }
        let log = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
        throw GatewayProcessError(message: "the gateway did not start: \(buffer)\n\(log)")
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() -> (status: Int32, log: String) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, log)
    }
}

struct GatewayProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
