/// What a deployment can do; requests that need more are never routed to it.
public struct DeploymentCapabilities: OptionSet, Sendable, Hashable {
    /// The raw bits.
    public let rawValue: Int

    /// Creates a set from raw bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Function calling.
    public static let tools = DeploymentCapabilities(rawValue: 1 << 0)
    /// Image input.
    public static let vision = DeploymentCapabilities(rawValue: 1 << 1)
    /// `response_format: json_schema`.
    public static let jsonSchema = DeploymentCapabilities(rawValue: 1 << 2)
    /// Audio input.
    public static let audio = DeploymentCapabilities(rawValue: 1 << 3)
    /// Every capability.
    public static let all: DeploymentCapabilities = [.tools, .vision, .jsonSchema, .audio]

    /// The configuration names, in order.
    public static let names: [(String, DeploymentCapabilities)] = [
        ("tools", .tools), ("vision", .vision), ("json_schema", .jsonSchema), ("audio", .audio),
    ]

    /// The capabilities a request needs.
    public static func required(by request: ChatRequest) -> DeploymentCapabilities {
        var needed: DeploymentCapabilities = []
        if request.tools?.isEmpty == false { needed.insert(.tools) }
        if request.hasImages { needed.insert(.vision) }
        if request.hasAudio { needed.insert(.audio) }
        if case .jsonSchema = request.responseFormat { needed.insert(.jsonSchema) }
        return needed
    }

    /// Comma-separated configuration names.
    public var listing: String {
        Self.names.filter { contains($0.1) }.map(\.0).joined(separator: ",")
    }
}
