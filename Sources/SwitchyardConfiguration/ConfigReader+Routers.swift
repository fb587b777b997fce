import Foundation
import SwitchyardCore
import Yams

extension ConfigReader {
    /// `routers: { NAME: { artifact, candidates, objective, budget_pressure, stickiness, exclude_providers,
    /// default } }`.
    ///
    /// The artifact is opened here so that a missing file, an unknown format version, a candidate the configuration
    /// does not map, or a mapping to an unknown model is an error naming its line.
    func readRouters(
        _ node: ConfigNode, models: Set<String>, providers: Set<String>
    ) throws -> [RouterSettings] {
        var routers: [RouterSettings] = []
        for (name, routerNode) in try node.entries() {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw routerNode.error("router names use letters, digits, '-', '_' and '.'")
            }
            for publicName in ["router/\(name)", name == "auto" ? "auto" : ""] where models.contains(publicName) {
                throw routerNode.error("router '\(name)' clashes with the model named '\(publicName)'")
            }
            routers.append(try readRouter(name: name, routerNode, models: models, providers: providers))
        }
        let defaults = routers.filter(\.isDefault)
        if defaults.count > 1 || (defaults.count == 1 && routers.contains { $0.name == "auto" && !$0.isDefault }) {
            throw node.error("only one router may answer model 'auto' (the one named auto, or one marked default)")
        }
        return routers
    }

    private func readRouter(name: String, _ node: ConfigNode, models: Set<String>, providers: Set<String>) throws
        -> RouterSettings
    {
        let keys: Set<String> = [
            "artifact", "candidates", "objective", "budget_pressure", "stickiness", "exclude_providers", "default",
        ]
        var artifactNode: ConfigNode?
        var candidatesNode: ConfigNode?
        var objective = RouterSettings.Objective.balanced
        var pressure: RouterSettings.BudgetPressure?
        var stickiness = true
        var excluded: Set<String> = []
        var isDefault = false
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "artifact": artifactNode = value
            case "candidates": candidatesNode = value
            case "objective": objective = try readObjective(value)
            case "budget_pressure": pressure = try readBudgetPressure(value)
            case "stickiness": stickiness = try value.bool()
            case "default": isDefault = try value.bool()
            default:
                for item in try value.sequence() {
                    let provider = try item.string()
                    guard providers.contains(provider) else {
                        let known = providers.sorted().joined(separator: ", ")
                        throw item.error("unknown provider '\(provider)' (configured: \(known))")
                    }
                    excluded.insert(provider)
                }
            }
        }
        guard let artifactNode else { throw node.error("router '\(name)' needs an 'artifact'") }
        guard let candidatesNode else { throw node.error("router '\(name)' needs 'candidates'") }
        let path = try artifactNode.string()
        let trained = try RouterArtifactHeader.read(path: path, node: artifactNode)
        var mapping: [String: String?] = [:]
        for (candidate, value) in try candidatesNode.entries() {
            guard trained.contains(candidate) else {
                let names = trained.joined(separator: ", ")
                throw value.error("'\(candidate)' is not a candidate of \(path) (it has: \(names))")
            }
            let model = try value.string()
            if model == "none" {
                mapping[candidate] = .some(nil)
                continue
            }
            guard models.contains(model) else {
                throw value.error("candidate '\(candidate)' maps to unknown model '\(model)'")
            }
            mapping[candidate] = model
        }
        let unmapped = trained.filter { mapping[$0] == nil }
        guard unmapped.isEmpty else {
            throw candidatesNode.error(
                "router '\(name)' leaves candidates unmapped: \(unmapped.joined(separator: ", ")) "
                    + "(map each to a configured model, or to none)")
        }
        guard mapping.values.contains(where: { $0 != nil }) else {
            throw candidatesNode.error("router '\(name)' maps no candidate to a model")
        }
        return RouterSettings(
            name: name, artifactPath: path, candidateNames: trained, candidateModels: mapping, objective: objective,
            budgetPressure: pressure, stickiness: stickiness, excludedProviders: excluded, isDefault: isDefault)
    }

    /// `quality | balanced | economy`, `{ quality_target: 0.8 }` or `{ lambda: 0.5 }`.
    func readObjective(_ node: ConfigNode) throws -> RouterSettings.Objective {
        if node.node.scalar != nil {
            switch try node.string() {
            case "quality": return .quality
            case "balanced": return .balanced
            case "economy": return .economy
            case let other:
                throw node.error(
                    "unknown objective '\(other)' (quality, balanced, economy, {quality_target: x} or {lambda: x})")
            }
        }
        let entries = try node.mapping(allowing: ["quality_target", "lambda"])
        guard entries.count == 1, let (key, value) = entries.first else {
            throw node.error("objective needs exactly one of 'quality_target' or 'lambda'")
        }
        let number = try value.double()
        if key == "quality_target" {
            guard (0...1).contains(number) else { throw value.error("quality_target must be 0...1") }
            return .qualityTarget(number)
        }
        guard number >= 0 else { throw value.error("lambda must not be negative") }
        return .costWeight(number)
    }

    /// `{ start, full, max_lambda }`.
    func readBudgetPressure(_ node: ConfigNode) throws -> RouterSettings.BudgetPressure {
        var pressure = RouterSettings.BudgetPressure()
        for (key, value) in try node.mapping(allowing: ["start", "full", "max_lambda"]) {
            let number = try value.double()
            guard number >= 0 else { throw value.error("must not be negative") }
            switch key {
            case "start": pressure.start = number
            case "full": pressure.full = number
            default: pressure.maxLambda = number
            }
        }
        guard pressure.full > pressure.start else { throw node.error("budget_pressure.full must be above start") }
        return pressure
    }
}

/// The part of a trained router's JSON that configuration checks: its format version and candidate names.
struct RouterArtifactHeader: Decodable {
    struct Candidate: Decodable {
        var name: String
    }

    var formatVersion: Int
    var candidates: [Candidate]

    /// The artifact's candidate names, in its order.
    ///
    /// - Throws: ``ConfigurationError`` at `node` when the file is missing, not a router, or of another version.
    static func read(path: String, node: ConfigNode) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw node.error("cannot read router artifact \(path)")
        }
        let header: RouterArtifactHeader
        do {
            header = try JSONDecoder().decode(RouterArtifactHeader.self, from: data)
        } catch {
            throw node.error("\(path) is not a trained router (switchyard router train writes one)")
        }
        guard header.formatVersion == RouterSettings.supportedFormatVersion else {
            throw node.error(
                "\(path) has router format version \(header.formatVersion); this build reads version "
                    + "\(RouterSettings.supportedFormatVersion) (retrain it with switchyard router train)")
        }
        guard !header.candidates.isEmpty else { throw node.error("\(path) has no candidates") }
        return header.candidates.map(\.name)
    }
}
