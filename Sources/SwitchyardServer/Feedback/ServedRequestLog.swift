import Synchronization

/// The recent chat requests feedback may name: per request id its tenant, the model and router that served it,
/// and its experiment arm. Bounded: beyond ``capacity`` the oldest requests are forgotten (feedback on them gets
/// `404 request_not_found`), and a restart forgets all.
final class ServedRequestLog: Sendable {
    /// What feedback needs to know about a served request.
    struct Entry: Sendable, Hashable {
        var tenantID: String
        var model: String
        var router: String?
        var experiment: String?
        var arm: String?
        /// Whether a plain score was already counted in the experiment's figures.
        var scored = false
    }

    let capacity: Int
    private let storage: Mutex<(entries: [String: Entry], order: [String], next: Int)>

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage = Mutex((entries: [:], order: [], next: 0))
    }

    /// Remembers a request, forgetting the oldest one when full.
    func record(_ requestID: String, _ entry: Entry) {
        let capacity = self.capacity
        storage.withLock { storage in
            if storage.entries.updateValue(entry, forKey: requestID) != nil { return }
            if storage.order.count < capacity {
                storage.order.append(requestID)
            } else {
                storage.entries[storage.order[storage.next]] = nil
                storage.order[storage.next] = requestID
                storage.next = (storage.next + 1) % capacity
            }
        }
    }

    /// The request, if remembered.
    func entry(_ requestID: String) -> Entry? {
        storage.withLock { $0.entries[requestID] }
    }

    /// Marks the request's plain score as counted; returns `false` when it already was (or is unknown).
    func markScored(_ requestID: String) -> Bool {
        storage.withLock { storage in
            guard let entry = storage.entries[requestID], !entry.scored else { return false }
            storage.entries[requestID]?.scored = true
            return true
        }
    }
}
