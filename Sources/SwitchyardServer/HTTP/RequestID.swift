import HTTPTypes
import SwitchyardCore

/// Request ids: the client's `x-request-id` when it is sane, otherwise a new random one.
enum RequestID {
    static func from(_ header: String?) -> String {
        if let header, !header.isEmpty, header.utf8.count <= 128,
            UTF8Scan.all(header, { $0 > 0x20 && $0 < 0x7F })
        {
            return header
        }
        return generate()
    }

    /// `req_` and 24 random hex digits, written into one string (concatenating three cost two more allocations).
    static func generate() -> String {
        var generator = FastRandom()  // unique and unguessable enough for an id; not a secret
        let high = generator.next() as UInt64
        let low = UInt64(generator.next() as UInt32)
        return String(unsafeUninitializedCapacity: 28) { buffer in
            let digits: StaticString = "0123456789abcdef"
            let prefix: StaticString = "req_"
            for index in 0..<4 { buffer[index] = prefix.utf8Start[index] }
            for position in 0..<16 {
                buffer[4 + position] = digits.utf8Start[Int((high >> UInt64(4 * (15 - position))) & 0xF)]
            }
            for position in 0..<8 {
                buffer[20 + position] = digits.utf8Start[Int((low >> UInt64(4 * (7 - position))) & 0xF)]
            }
            return 28
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
