public import Foundation
public import NIOCore
import NIOFoundationCompat

/// Wire-format fixture files built from the provider specs in `shared/data`, bundled with this module.
///
/// Paths are relative to `Fixtures/`, e.g. `anthropic/stream-text.sse`.
public enum Fixtures {
    /// Errors loading a fixture.
    public struct MissingFixture: Error, CustomStringConvertible {
        /// The path that was asked for.
        public var path: String
        /// Names the missing file.
        public var description: String { "fixture not found: \(path)" }
    }

    /// The fixture's bytes.
    public static func data(_ path: String) throws -> Data {
        guard let base = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") else {
            throw MissingFixture(path: path)
        }
        let url = base.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw MissingFixture(path: path) }
        return data
    }

    /// The fixture as text.
    public static func text(_ path: String) throws -> String {
        String(decoding: try data(path), as: UTF8.self)
    }

    /// The fixture in a buffer.
    public static func buffer(_ path: String) throws -> ByteBuffer {
        ByteBuffer(data: try data(path))
    }

    /// Whether the fixture exists.
    public static func exists(_ path: String) -> Bool {
        (try? data(path)) != nil
    }
}
