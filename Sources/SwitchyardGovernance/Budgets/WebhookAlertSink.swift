import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

/// Posts each alert as JSON to a webhook URL (an n8n "Webhook" node, Slack workflow, …).
public struct WebhookAlertSink: BudgetAlertSink {
    let url: String
    let client: HTTPClient
    let logger: Logger

    /// Creates a sink.
    ///
    /// - Parameters:
    ///   - url: The webhook URL.
    ///   - client: The HTTP client to post with.
    ///   - logger: Where delivery failures are logged.
    public init(url: String, client: HTTPClient = .shared, logger: Logger) {
        self.url = url
        self.client = client
        self.logger = logger
    }

    /// Posts the alert; logs a failure.
    public func deliver(_ alert: BudgetAlert) async {
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(alert)))
            let response = try await client.execute(request, timeout: .seconds(10))
            if response.status.code >= 300 {
                logger.warning("budget alert webhook refused", metadata: ["status": "\(response.status.code)"])
            }
        } catch {
            logger.warning("budget alert webhook failed", metadata: ["error": "\(type(of: error))"])
        }
    }
}
