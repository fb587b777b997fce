import Foundation

/// A value bound to or read from SQL, common to SQLite and PostgreSQL.
enum SQLValue: Sendable, Hashable {
    case int(Int64)
    case double(Double)
    case text(String)
    case null

    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    init(_ value: Double?) { self = value.map { .double($0) } ?? .null }
    init(_ value: Bool) { self = .int(value ? 1 : 0) }
    init(_ value: Date?) { self = value.map { .int(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? .null }

    /// A Codable value as JSON text (budgets, lists, tags).
    init<T: Encodable>(json value: T?) throws {
        guard let value else {
            self = .null
            return
        }
        self = .text(String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self))
    }
}

/// One result row, by column position.
struct SQLRow: Sendable {
    var values: [SQLValue]

    func string(_ index: Int) -> String? {
        if case .text(let text) = values[index] { return text }
        if case .int(let int) = values[index] { return String(int) }
        return nil
    }

    func requiredString(_ index: Int) throws -> String {
        guard let value = string(index) else { throw StoreError.corrupt("column \(index) is null") }
        return value
    }

    func int(_ index: Int) -> Int? {
        switch values[index] {
        case .int(let value): return Int(value)
        case .double(let value): return Int(value)
        case .text(let text): return Int(text)
        case .null: return nil
        }
    }

    func double(_ index: Int) -> Double? {
        switch values[index] {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .text(let text): return Double(text)
        case .null: return nil
        }
    }

    func bool(_ index: Int) -> Bool { (int(index) ?? 0) != 0 }

    func date(_ index: Int) -> Date? {
        int(index).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    func json<T: Decodable>(_ type: T.Type, _ index: Int) throws -> T? {
        guard let text = string(index) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corrupt("column \(index) holds invalid JSON")
        }
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys, so equal values store equal text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
