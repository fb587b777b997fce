public import SwitchyardCore
import Synchronization

/// Remembers which deployment served a long prompt prefix, so the next request sharing that prefix goes back to it
/// while the provider still holds the prefix in its prompt cache (and bills it at the cached-input price).
///
/// The key covers a prompt's first ~1,024 tokens (its first 4,096 UTF-8 bytes, roles included) and is only made
/// for prompts of at least ``minimumPromptTokens``: the size at which providers start caching. Only deployments
/// whose configured pricing discounts cached input (`cached_input_per_mtok` below `input_per_mtok`) are
/// remembered. The planner moves the remembered deployment to the front of its tier when it is eligible; nothing
/// else changes (health, exclusions and failover still apply). Bounded in memory, entries expire after ``ttl``.
public final class PromptCacheAffinity: Sendable {
    /// Prompts shorter than this (estimated tokens) get no prefix key.
    public static let minimumPromptTokens = 1024
    /// Bytes of the prompt the key covers.
    static let prefixBytes = 4096

    private struct Key: Hashable {
        var model: String
        var prefix: Int
    }

    private struct Entry {
        var deployment: String
        var expires: Double
        var touched: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var tick: UInt64 = 0
    }

    /// How long a remembered prefix stays (seconds), about a provider's prompt-cache lifetime.
    public let ttl: Double
    /// Most prefixes remembered.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty affinity table.
    public init(ttl: Double = 300, capacity: Int = 10_000) {
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    /// The key of a request's prompt prefix, or `nil` when the prompt is too short to be cached by a provider.
    public static func prefixKey(of request: ChatRequest, promptTokens: Int) -> Int? {
        guard promptTokens >= minimumPromptTokens else { return nil }
        var hasher = Hasher()
        var remaining = prefixBytes
        for message in request.messages where remaining > 0 {
            hasher.combine(message.role.rawValue)
            for part in message.content?.parts ?? [] where remaining > 0 {
                guard case .text(let text) = part else { continue }
                let count = min(remaining, text.utf8.count)
                hasher.combine(count)
                let hashed = text.utf8.withContiguousStorageIfAvailable { buffer in
                    hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer.prefix(count))))
                }
                if hashed == nil { for byte in text.utf8.prefix(count) { hasher.combine(byte) } }
                remaining -= count
            }
        }
        return hasher.finalize()
    }

    /// Whether a deployment's provider discounts cached input, so affinity pays off.
    public static func discountsCachedInput(_ deployment: Deployment) -> Bool {
        guard let pricing = deployment.pricing, let cached = pricing.cachedInputPerMTok else { return false }
        return cached < pricing.inputPerMTok
    }

    /// The deployment that last served this prefix for a model, if remembered and not expired.
    public func deployment(forPrefix prefix: Int, model: String, now: Double) -> String? {
        state.withLock { state in
            let key = Key(model: model, prefix: prefix)
            guard var entry = state.entries[key] else { return nil }
            guard entry.expires > now else {
                state.entries[key] = nil
                return nil
            }
            state.tick &+= 1
            entry.touched = state.tick
            state.entries[key] = entry
            return entry.deployment
        }
    }

    /// Remembers that a deployment served a prefix (ignored unless it discounts cached input).
    public func remember(prefix: Int, model: String, deployment: Deployment, now: Double) {
        guard Self.discountsCachedInput(deployment) else { return }
        state.withLock { state in
            state.tick &+= 1
            state.entries[Key(model: model, prefix: prefix)] = Entry(
                deployment: deployment.id, expires: now + ttl, touched: state.tick)
            guard state.entries.count > capacity else { return }
            // Evict down to three quarters: expired first, then least recently used.
            let keep = capacity * 3 / 4
            let ordered = state.entries.sorted { lhs, rhs in
                let (l, r) = (lhs.value.expires > now, rhs.value.expires > now)
                return l != r ? l : lhs.value.touched > rhs.value.touched
            }
            state.entries = Dictionary(uniqueKeysWithValues: ordered.prefix(keep).map { ($0.key, $0.value) })
        }
    }

    /// Prefixes remembered (expired ones included until evicted).
    public var count: Int { state.withLock { $0.entries.count } }
}
