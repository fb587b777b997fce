import SwitchyardCore

extension ConfigReader {
    /// `experiments: [ { id, model, arms: [ { name, model | router | strategy, weight } ], sticky, metric,
    /// auto_promote, alpha } ]`.
    ///
    /// - Parameters:
    ///   - models: Configured public model names (model arms must name one).
    ///   - routers: Configured router names (router arms must name one).
    ///   - autoRouter: Whether a router answers `auto`.
    func readExperiments(_ node: ConfigNode, models: Set<String>, routers: Set<String>, autoRouter: Bool) throws
        -> [ExperimentConfiguration]
    {
        var result: [ExperimentConfiguration] = []
        var ids: Set<String> = []
        var targeted: Set<String> = []
        for item in try node.sequence() {
            let experiment = try readExperiment(item, models: models, routers: routers, autoRouter: autoRouter)
            guard ids.insert(experiment.id).inserted else {
                throw item.error("duplicate experiment id '\(experiment.id)'")
            }
            guard targeted.insert(experiment.model).inserted else {
                throw item.error("another experiment already applies to model '\(experiment.model)'")
            }
            result.append(experiment)
        }
        return result
    }

    private func readExperiment(_ node: ConfigNode, models: Set<String>, routers: Set<String>, autoRouter: Bool)
        throws -> ExperimentConfiguration
    {
        var id: String?
        var model: String?
        var armsNode: ConfigNode?
        var experiment = ExperimentConfiguration(id: "", model: "", arms: [])
        let keys: Set<String> = ["id", "model", "arms", "sticky", "metric", "auto_promote", "alpha"]
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "id": id = try value.string()
            case "model": model = try value.string()
            case "arms": armsNode = value
            case "sticky":
                experiment.sticky = try value.string()
                guard ExperimentConfiguration.stickinessValues.contains(experiment.sticky) else {
                    throw value.error("sticky must be key, user or conversation")
                }
            case "metric":
                experiment.metric = try value.string()
                guard ExperimentConfiguration.metricValues.contains(experiment.metric) else {
                    throw value.error("metric must be feedback, cost, latency or error_rate")
                }
            case "auto_promote": experiment.autoPromote = try value.bool()
            default:
                experiment.alpha = try value.double()
                guard experiment.alpha > 0, experiment.alpha <= 0.5 else {
                    throw value.error("alpha must be in (0, 0.5]")
                }
            }
        }
        guard let id, !id.isEmpty else { throw node.error("an experiment needs an 'id'") }
        guard let model, !model.isEmpty else { throw node.error("experiment '\(id)' needs a 'model'") }
        let isRouter =
            (model == "auto" && autoRouter)
            || (model.hasPrefix("router/") && routers.contains(String(model.dropFirst(7))))
        guard models.contains(model) || isRouter else {
            throw node.error("experiment '\(id)' applies to unknown model or router '\(model)'")
        }
        guard let armsNode else { throw node.error("experiment '\(id)' needs 'arms'") }
        var names: Set<String> = []
        for armNode in try armsNode.sequence() {
            let arm = try readArm(armNode, models: models, routers: routers)
            guard names.insert(arm.name).inserted else { throw armNode.error("duplicate arm name '\(arm.name)'") }
            if case .strategy = arm.target, !models.contains(model) {
                throw armNode.error("a strategy arm needs the experiment's model to be a configured model")
            }
            experiment.arms.append(arm)
        }
        guard experiment.arms.count >= 2 else { throw armsNode.error("an experiment needs two or more arms") }
        experiment.id = id
        experiment.model = model
        return experiment
    }

    private func readArm(_ node: ConfigNode, models: Set<String>, routers: Set<String>) throws
        -> ExperimentConfiguration.Arm
    {
        var name: String?
        var targets: [ExperimentConfiguration.Target] = []
        var weight = 1.0
        for (key, value) in try node.mapping(allowing: ["name", "model", "router", "strategy", "weight"]) {
            switch key {
            case "name": name = try value.string()
            case "model":
                let target = try value.string()
                guard models.contains(target) else { throw value.error("unknown model '\(target)'") }
                targets.append(.model(target))
            case "router":
                let target = try value.string()
                guard routers.contains(target) else { throw value.error("unknown router '\(target)'") }
                targets.append(.router(target))
            case "strategy":
                let text = try value.string()
                guard let kind = RoutingStrategyKind(rawValue: text) else {
                    let kinds = RoutingStrategyKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw value.error("unknown strategy '\(text)' (one of: \(kinds))")
                }
                targets.append(.strategy(kind))
            default:
                weight = try value.double()
                guard weight > 0 else { throw value.error("weight must be positive") }
            }
        }
        guard let name, !name.isEmpty else { throw node.error("an arm needs a 'name'") }
        guard targets.count == 1, let target = targets.first else {
            throw node.error("arm '\(name)' needs exactly one of model, router or strategy")
        }
        return ExperimentConfiguration.Arm(name: name, target: target, weight: weight)
    }

    /// `feedback: { max_exploration_share, exploration_window, discount, dimensions, pending_requests,
    /// flush_seconds }`.
    func readFeedback(_ node: ConfigNode) throws -> FeedbackConfiguration {
        var settings = FeedbackConfiguration()
        let keys: Set<String> = [
            "max_exploration_share", "exploration_window", "discount", "dimensions", "pending_requests",
            "flush_seconds",
        ]
        for (key, value) in try node.mapping(allowing: keys) {
            switch key {
            case "max_exploration_share":
                settings.maxExplorationShare = try value.double()
                guard (0...1).contains(settings.maxExplorationShare) else { throw value.error("must be 0...1") }
            case "exploration_window":
                settings.explorationWindow = try value.int()
                guard settings.explorationWindow > 0 else { throw value.error("must be positive") }
            case "discount":
                settings.discount = try value.double()
                guard settings.discount > 0, settings.discount <= 1 else { throw value.error("must be in (0, 1]") }
            case "dimensions":
                settings.dimensions = try value.int()
                guard (1...64).contains(settings.dimensions) else { throw value.error("must be 1...64") }
            case "pending_requests":
                settings.pendingRequests = try value.int()
                guard settings.pendingRequests > 0 else { throw value.error("must be positive") }
            default:
                settings.flushSeconds = try value.int()
                guard settings.flushSeconds > 0 else { throw value.error("must be positive") }
            }
        }
        return settings
    }
}
