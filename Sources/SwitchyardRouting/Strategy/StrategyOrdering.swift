import Foundation
import SwitchyardCore

/// The strategies' orderings of eligible deployments, and their one-line explanations.
enum StrategyOrdering {
    typealias Entry = (Deployment, DeploymentHealth)

    static func order(
        _ entries: [Entry], strategy: RoutingStrategyKind, features: RequestFeatures, now: Double,
        roundRobinTicket: Int
    ) -> [Entry] {
        switch strategy {
        case .priority:
            return entries
        case .roundRobin:
            let shift = roundRobinTicket % entries.count
            return Array(entries[shift...] + entries[..<shift])
        case .leastInflight:
            return stableSorted(entries) { $0.1.inflight < $1.1.inflight }
        case .lowestLatency:
            return stableSorted(entries) {
                $0.1.effectiveLatency(now: now, streaming: features.streaming)
                    < $1.1.effectiveLatency(now: now, streaming: features.streaming)
            }
        case .lowestCost:
            return stableSorted(entries) {
                (features.estimatedCost(on: $0.0) ?? .infinity) < (features.estimatedCost(on: $1.0) ?? .infinity)
            }
        case .weighted:
            return weightedShuffle(entries)
        }
    }

    /// Random order without replacement, each pick proportional to weight.
    static func weightedShuffle(_ entries: [Entry]) -> [Entry] {
        var remaining = entries
        var result: [Entry] = []
        while !remaining.isEmpty {
            let total = remaining.reduce(0) { $0 + max(0, $1.0.weight) }
            guard total > 0 else {
                result += remaining
                break
            }
            var random = FastRandom()
            var target = Double.random(in: 0..<total, using: &random)
            var index = remaining.count - 1
            for (position, entry) in remaining.enumerated() {
                target -= max(0, entry.0.weight)
                if target < 0 {
                    index = position
                    break
                }
            }
            result.append(remaining.remove(at: index))
        }
        return result
    }

    static func stableSorted(_ entries: [Entry], by less: (Entry, Entry) -> Bool) -> [Entry] {
        entries.enumerated().sorted { lhs, rhs in
            if less(lhs.element, rhs.element) { return true }
            if less(rhs.element, lhs.element) { return false }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// E.g. `lowest_latency: eu-anthropic 212ms < us-anthropic 340ms`.
    ///
    /// Written part by part into one string with room for them all: an interpolation grows its buffer as it goes
    /// (this was 3,600 instructions of every routed request under callgrind).
    static func explain(_ entries: [Entry], strategy: RoutingStrategyKind, features: RequestFeatures, now: Double)
        -> String
    {
        let name = strategy.rawValue
        guard let first = entries.first else { return name + ": no eligible deployment" }
        let pick = first.0.id
        let runnerUp = entries.dropFirst().first
        var reason = String()
        reason.reserveCapacity(name.utf8.count + 2 * pick.utf8.count + 40)
        reason += name
        reason += ": "
        reason += pick
        switch strategy {
        case .lowestLatency:
            appendComparison(to: &reason, first, runnerUp) { entry in
                guard entry.1.latency != nil else { return "untried" }
                return String(Int(entry.1.effectiveLatency(now: now, streaming: features.streaming) * 1000)) + "ms"
            }
        case .lowestCost:
            appendComparison(to: &reason, first, runnerUp) { entry in
                features.estimatedCost(on: entry.0).map { String(format: "$%.6f", $0) } ?? "unpriced"
            }
        case .leastInflight:
            reason += " with "
            reason += String(first.1.inflight)
            reason += " in flight"
        case .weighted:
            let total = entries.reduce(0) { $0 + $1.0.weight }
            let share = total > 0 ? Int((first.0.weight / total * 100).rounded()) : 0
            reason += " (weight share "
            reason += String(share)
            reason += "%)"
        case .roundRobin:
            reason += " next in turn of "
            reason += String(entries.count)
        case .priority:
            reason += " first healthy of "
            reason += String(entries.count)
        }
        return reason
    }

    /// Appends ` 212ms < us-anthropic 340ms`, or ` 212ms (only eligible)`, by `measure`.
    private static func appendComparison(
        to reason: inout String, _ first: Entry, _ runnerUp: Entry?, by measure: (Entry) -> String
    ) {
        reason += " "
        reason += measure(first)
        guard let runnerUp else {
            reason += " (only eligible)"
            return
        }
        reason += " < "
        reason += runnerUp.0.id
        reason += " "
        reason += measure(runnerUp)
    }
}
