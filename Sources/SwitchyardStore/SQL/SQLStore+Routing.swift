import Foundation

extension SQLStore {
    /// See ``Store/saveRouterStates(_:)``.
    public func saveRouterStates(_ states: [RouterStateRecord]) async throws {
        guard !states.isEmpty else { return }
        try await driver.transaction { db in
            for record in states {
                try await db.execute(
                    """
                    INSERT INTO router_state (router, scope, state, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (router, scope) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                    """, [.text(record.router), .text(record.scope), .text(record.state), SQLValue(record.updatedAt)])
            }
        }
    }

    /// See ``Store/routerStates(router:)``.
    public func routerStates(router: String?) async throws -> [RouterStateRecord] {
        let base = "SELECT router, scope, state, updated_at FROM router_state"
        let rows =
            if let router {
                try await driver.query(base + " WHERE router = ? ORDER BY router, scope", [.text(router)])
            } else {
                try await driver.query(base + " ORDER BY router, scope", [])
            }
        return try rows.map { row in
            RouterStateRecord(
                router: try row.requiredString(0), scope: try row.requiredString(1), state: try row.requiredString(2),
                updatedAt: row.date(3) ?? Date(timeIntervalSince1970: 0))
        }
    }

    static let feedbackColumns =
        "time, request_id, tenant_id, router, model, experiment, experiment_arm, metric, score"

    /// See ``Store/appendFeedback(_:)``.
    public func appendFeedback(_ records: [FeedbackRecord]) async throws {
        guard !records.isEmpty else { return }
        try await driver.transaction { db in
            for record in records {
                try await db.execute(
                    "INSERT INTO routing_feedback (\(Self.feedbackColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        SQLValue(record.time), .text(record.requestID), SQLValue(record.tenantID),
                        SQLValue(record.router), SQLValue(record.model), SQLValue(record.experiment),
                        SQLValue(record.experimentArm), .text(record.metric), .double(record.score),
                    ])
            }
        }
    }

    /// See ``Store/feedback(requestID:)``.
    public func feedback(requestID: String) async throws -> [FeedbackRecord] {
        try await driver.query(
            "SELECT \(Self.feedbackColumns) FROM routing_feedback WHERE request_id = ? ORDER BY time",
            [.text(requestID)]
        ).map { row in
            FeedbackRecord(
                time: row.date(0) ?? Date(timeIntervalSince1970: 0), requestID: try row.requiredString(1),
                tenantID: row.string(2), router: row.string(3), model: row.string(4), experiment: row.string(5),
                experimentArm: row.string(6), metric: try row.requiredString(7), score: row.double(8) ?? 0)
        }
    }
}
