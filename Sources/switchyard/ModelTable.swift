import SwitchyardConfiguration
import SwitchyardCore

/// A plain-text table of models and their deployments. Never shows secrets.
struct ModelTable {
    let configuration: GatewayConfiguration

    func render() -> String {
        var rows = [["MODEL", "DEPLOYMENT", "PROVIDER", "KIND", "UPSTREAM MODEL", "REGION", "PRICE IN/OUT $/MTok"]]
        for model in configuration.models {
            for deployment in model.deployments {
                let price = deployment.pricing.map { "\(format($0.inputPerMTok)) / \(format($0.outputPerMTok))" } ?? "-"
                rows.append([
                    model.name, deployment.id, deployment.provider.name, deployment.provider.kind.rawValue,
                    deployment.upstreamModel, deployment.region ?? "-", price,
                ])
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").trimmingSuffixSpaces()
        }.joined(separator: "\n")
    }

    private func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
