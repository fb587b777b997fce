import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

/// The shared backend: a PostgresNIO connection pool. `?` placeholders become `$1, $2, …`.
final class PostgresDriver: SQLDriver {
    let client: PostgresClient
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    func run() async throws {
        let client = self.client
        await cancelWhenGracefulShutdown { await client.run() }
    }

    func close() async throws {
        // The pool closes when `run()` returns (on cancellation or graceful shutdown).
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let query = try Self.makeQuery(sql, binds)
        do {
            return try await Self.collect(client.query(query, logger: logger))
        } catch let error as PSQLError {
            throw Self.map(error)
        }
    }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(Connection(connection: connection, logger: self.logger))
            }
        } catch let error as PSQLError {
            throw Self.map(error)
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw StoreError.backend("postgres transaction failed")
        }
    }

    private struct Connection: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            do {
                return try await PostgresDriver.collect(
                    connection.query(PostgresDriver.makeQuery(sql, binds), logger: logger))
            } catch let error as PSQLError {
                throw PostgresDriver.map(error)
            }
        }
    }

    static func makeQuery(_ sql: String, _ binds: [SQLValue]) throws -> PostgresQuery {
        var text = ""
        text.reserveCapacity(sql.utf8.count + binds.count * 3)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                text += "$\(index)"
            } else {
                text.append(character)
            }
        }
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .int(let int): bindings.append(int)
            case .double(let double): bindings.append(double)
            case .text(let string): bindings.append(string)
            case .null: bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        for try await row in rows {
            result.append(SQLRow(values: try row.map(value(for:))))
        }
        return result
    }

    static func value(for cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
        case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
        case .void: return .null
        default: return (try? cell.decode(String.self)).map { .text($0) } ?? .null
        }
    }

    static func map(_ error: PSQLError) -> StoreError {
        switch error.serverInfo?[.sqlState] {
        case "23505": return .conflict("a record with this identity exists")
        case "23503": return .notFound("a referenced record does not exist")
        case let state?: return .backend("postgres error \(state)")
        case nil: return .backend("postgres: \(error.code)")
        }
    }
}

extension SQLStore {
    /// A PostgreSQL store from a URL, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (TLS off, for loopback and
    /// private networks; use ``postgres(configuration:logger:)`` for TLS).
    ///
    /// The store's pool works only while ``run()`` runs (put the store in the `ServiceGroup`).
    ///
    /// - Throws: ``StoreError/backend(_:)`` for a URL that cannot be parsed.
    public static func postgres(url: String, logger: Logger = Logger(label: "switchyard.store")) throws -> SQLStore {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, let user = components.user
        else {
            throw StoreError.backend("a PostgreSQL URL looks like postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        return postgres(configuration: configuration, logger: logger)
    }

    /// A PostgreSQL store from a full PostgresNIO client configuration.
    public static func postgres(
        configuration: PostgresClient.Configuration, logger: Logger = Logger(label: "switchyard.store")
    ) -> SQLStore {
        SQLStore(driver: PostgresDriver(configuration: configuration, logger: logger))
    }
}
