import HTTPTypes
import SwitchyardCore

/// Request ids: the client's `x-request-id` when it is sane, otherwise a new random one.
enum RequestID {
    static func from(_ header: String?) -> String {
        if let header, !header.isEmpty, header.utf8.count <= 128,
            header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        {
            return header
        }
        return generate()
    }

    static func generate() -> String {
        var generator = FastRandom()  // unique and unguessable enough for an id; not a secret
        let high = generator.next() as UInt64
        let low = generator.next() as UInt32
        return "req_" + hex(high, width: 16) + hex(UInt64(low), width: 8)
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
        String(unsafeUninitializedCapacity: width) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for position in 0..<width {
                let nibble = Int((value >> UInt64(4 * (width - 1 - position))) & 0xF)
                buffer[position] = digits.utf8Start[nibble]
            }
            return width
        }
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("x-request-id")!
    static let switchyardProvider = Self("x-switchyard-provider")!
    static let switchyardUpstreamModel = Self("x-switchyard-upstream-model")!
    static let switchyardDeployment = Self("x-switchyard-deployment")!
    static let switchyardDroppedParams = Self("x-switchyard-dropped-params")!
    static let switchyardRegion = Self("x-switchyard-region")!
    static let switchyardStrategy = Self("x-switchyard-strategy")!
    static let switchyardAttempts = Self("x-switchyard-attempts")!
    static let switchyardRouteReason = Self("x-switchyard-route-reason")!
    static let switchyardCache = Self("x-switchyard-cache")!
    static let switchyardCacheSimilarity = Self("x-switchyard-cache-similarity")!
}
