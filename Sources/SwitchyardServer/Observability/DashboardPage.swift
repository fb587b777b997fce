import HTTPTypes
import Hummingbird
import NIOCore

/// The dashboard page, compiled into the binary (see `DashboardPage+HTML.swift`, generated from
/// `Dashboard/dashboard.html` by `scripts/dashboard/embed.sh`). The page holds no data: it asks
/// `/admin/v1/dashboard` with the master key the operator gives it.
enum DashboardPage {
    static func response() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("x-frame-options")!: "DENY", HTTPField.Name("referrer-policy")!: "no-referrer",
                HTTPField.Name("x-content-type-options")!: "nosniff",
                HTTPField.Name("content-security-policy")!:
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}
