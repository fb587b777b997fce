import Foundation

/// Writes a quality–cost plot as a standalone SVG document: the router's frontier, the per-prompt oracle, random
/// routing (the single models' hull) and each single model as a labelled dot.
public struct QualityCostPlot: Sendable {
    /// The plot title.
    public var title: String
    /// The router's curve.
    public var router: [CurvePoint]
    /// The oracle's curve.
    public var oracle: [CurvePoint]
    /// Single models, by name.
    public var singles: [(name: String, point: CurvePoint)]

    /// Creates a plot.
    public init(title: String, router: [CurvePoint], oracle: [CurvePoint], singles: [(name: String, point: CurvePoint)])
    {
        self.title = title
        self.router = router
        self.oracle = oracle
        self.singles = singles
    }

    /// The SVG text (720 × 480 px).
    public var svg: String {
        let width = 720.0
        let height = 480.0
        let left = 64.0
        let right = 180.0
        let top = 40.0
        let bottom = 52.0
        let maxCost = max(1.05, (singles.map(\.point.cost) + router.map(\.cost)).filter { $0 < 3 }.max() ?? 1)
        let qualities = singles.map(\.point.quality) + router.map(\.quality) + oracle.map(\.quality)
        let minQuality = max(0, ((qualities.min() ?? 0) * 10).rounded(.down) / 10)
        let maxQuality = min(1, ((qualities.max() ?? 1) * 10).rounded(.up) / 10)
        func x(_ cost: Double) -> Double { left + min(cost, maxCost) / maxCost * (width - left - right) }
        func y(_ quality: Double) -> Double {
            top + (1 - (quality - minQuality) / max(maxQuality - minQuality, 1e-9)) * (height - top - bottom)
        }
        func fixed(_ value: Double) -> String { String(Double((value * 10).rounded()) / 10) }
        func path(_ points: [CurvePoint], colour: String, dash: String = "") -> String {
            let coordinates = RouterEvaluation.frontier(points).map { "\(fixed(x($0.cost))),\(fixed(y($0.quality)))" }
            return "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) points=\""
                + coordinates.joined(separator: " ") + "\"/>"
        }
        var lines = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\""
                + " font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(fixed(left))\" y=\"22\" font-size=\"14\">\(Self.escape(title))</text>",
            "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\""
                + " stroke=\"black\"/>",
            "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(height - bottom)\" stroke=\"black\"/>",
        ]
        for tick in stride(from: 0.0, through: maxCost, by: 0.2) {
            lines.append(
                "<text x=\"\(fixed(x(tick)))\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">"
                    + "\(fixed(tick))</text>")
        }
        for tick in stride(from: minQuality, through: maxQuality + 1e-9, by: 0.1) {
            lines.append(
                "<text x=\"\(left - 6)\" y=\"\(fixed(y(tick) + 4))\" text-anchor=\"end\">\(fixed(tick))</text>")
        }
        lines.append(
            "<text x=\"\(fixed((left + width - right) / 2))\" y=\"\(height - 12)\" text-anchor=\"middle\">"
                + "cost (fraction of the strongest model's)</text>")
        lines.append(
            "<text x=\"16\" y=\"\(fixed((top + height - bottom) / 2))\" transform=\"rotate(-90 16 "
                + "\(fixed((top + height - bottom) / 2)))\" text-anchor=\"middle\">mean quality</text>")
        lines.append(path(oracle, colour: "#2ca02c", dash: " stroke-dasharray=\"4 3\""))
        lines.append(
            path(RouterEvaluation.upperHull(singles.map(\.point)), colour: "#7f7f7f", dash: " stroke-dasharray=\"2 3\"")
        )
        lines.append(path(router, colour: "#1f77b4"))
        for (name, point) in singles {
            lines.append(
                "<circle cx=\"\(fixed(x(point.cost)))\" cy=\"\(fixed(y(point.quality)))\" r=\"3\" fill=\"#d62728\"/>")
            lines.append(
                "<text x=\"\(fixed(x(point.cost) + 5))\" y=\"\(fixed(y(point.quality) - 4))\" font-size=\"9\">"
                    + "\(Self.escape(name))</text>")
        }
        let legend = [
            ("router", "#1f77b4"), ("oracle", "#2ca02c"), ("random (hull)", "#7f7f7f"), ("single model", "#d62728"),
        ]
        for (index, (label, colour)) in legend.enumerated() {
            let ly = top + 16 * Double(index)
            lines.append(
                "<rect x=\"\(width - right + 20)\" y=\"\(ly - 8)\" width=\"12\" height=\"8\" fill=\"\(colour)\"/>")
            lines.append("<text x=\"\(width - right + 38)\" y=\"\(ly)\">\(label)</text>")
        }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
