import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import SwitchyardRouting

/// `GET /v1/models`: the public model names, with `owned_by` set to the serving provider's kind.
struct ModelsHandler: Sendable {
    let body: ByteBuffer

    init(catalog: ModelCatalog, created: Int) throws {
        let list = ModelList(
            data: catalog.ordered.map { ModelList.Model(id: $0.name, created: created, ownedBy: $0.ownedBy) })
        body = try JSONEncoder().encodeAsByteBuffer(list, allocator: ByteBufferAllocator())
    }

    func handle(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
    }
}

private struct ModelList: Encodable {
    struct Model: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var ownedBy: String

        init(id: String, created: Int, ownedBy: String) {
            self.id = id
            self.created = created
            self.ownedBy = ownedBy
        }

        enum CodingKeys: String, CodingKey {
            case id, object, created
            case ownedBy = "owned_by"
        }
    }

    var object = "list"
    var data: [Model]

    init(data: [Model]) { self.data = data }
}
