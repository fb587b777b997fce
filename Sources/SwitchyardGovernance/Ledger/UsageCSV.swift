import Foundation
import SwitchyardStore

/// Usage records as CSV (RFC 4180): one header line, one line per record, times in ISO 8601 UTC.
public enum UsageCSV {
    /// The header line's columns.
    public static let columns = [
        "time", "request_id", "tenant_id", "team_id", "key_id", "key_prefix", "model", "deployment", "region",
        "prompt_tokens", "completion_tokens", "cached_prompt_tokens", "cache_creation_tokens", "reasoning_tokens",
        "cost_usd", "latency_ms", "ttft_ms", "status", "error_code", "cache_hit",
        "saved_cost_usd",
    ]

    /// The CSV document.
    public static func render(_ records: [UsageRecord]) -> String {
        let formatter = ISO8601DateFormatter()
        var lines = [columns.joined(separator: ",")]
        lines.reserveCapacity(records.count + 1)
        for record in records {
            let fields: [String] = [
                formatter.string(from: record.time), record.requestID, record.tenantID ?? "", record.teamID ?? "",
                record.keyID ?? "", record.keyPrefix ?? "", record.model, record.deployment ?? "", record.region ?? "",
                String(record.promptTokens), String(record.completionTokens), String(record.cachedPromptTokens),
                String(record.cacheCreationTokens), String(record.reasoningTokens), String(record.cost),
                String(record.latencyMilliseconds), record.timeToFirstTokenMilliseconds.map { String($0) } ?? "",
                String(record.status), record.errorCode ?? "", record.cacheHit ? "true" : "false",
                String(record.savedCost),
            ]
            lines.append(fields.map(escape).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
