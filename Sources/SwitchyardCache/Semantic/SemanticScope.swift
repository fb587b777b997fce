import Crypto
import Foundation
import SwitchyardCore

/// The partition of the semantic index a request may match within: same tenant, same model group, same system
/// prompt and earlier turns, same tools and response format.
///
/// Entries of different scopes are never compared, so a semantic hit can never cross tenants, tool sets or system
/// prompts.
public struct SemanticScope: Hashable, Sendable {
    /// The tenant.
    public var tenant: String
    /// The public model (or model group) name.
    public var modelGroup: String
    /// SHA-256 of the system prompt and every turn before the last user message.
    public var contextHash: String
    /// SHA-256 of the tool definitions, tool choice and response format.
    public var toolsHash: String

    /// Creates a scope from its parts.
    public init(tenant: String, modelGroup: String, contextHash: String, toolsHash: String) {
        self.tenant = tenant
        self.modelGroup = modelGroup
        self.contextHash = contextHash
        self.toolsHash = toolsHash
    }

    /// The scope of a request.
    ///
    /// - Parameters:
    ///   - tenant: The tenant.
    ///   - request: The request; everything but its last user message goes into ``contextHash``.
    public init(tenant: String, request: ChatRequest) {
        let lastUser = request.messages.lastIndex { $0.role == .user } ?? request.messages.endIndex
        let context = CanonicalRequest(ChatRequest(model: "", messages: Array(request.messages[..<lastUser])))
        var tools = ChatRequest(model: "", messages: [])
        tools.tools = request.tools
        tools.toolChoice = request.toolChoice
        tools.responseFormat = request.responseFormat
        self.init(
            tenant: tenant, modelGroup: request.model, contextHash: Self.digest(context.encoded()),
            toolsHash: Self.digest(CanonicalRequest(tools).encoded()))
    }

    static func digest(_ data: Data) -> String {
        SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
