extension GatewayError {
    /// A stable, documented error code. New codes may be added; existing ones never change meaning.
    ///
    /// The code's string is the JSON `code` of error bodies and the `error_code` label of metrics.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's string.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The code's string.
        public var description: String { rawValue }

        // Client errors.
        /// The body is not valid JSON (or not UTF-8).
        public static let invalidJSON = Code("invalid_json")
        /// The body is JSON but not a valid request: a wrong type, a missing field, a bad value.
        public static let invalidRequest = Code("invalid_request")
        /// The chosen provider cannot honour a parameter and the operator did not allow dropping it.
        public static let unsupportedParameter = Code("unsupported_parameter")
        /// An image URL is neither `http(s)` nor a base64 `data:` URL.
        public static let invalidImageURL = Code("invalid_image_url")
        /// No configured model has this public name.
        public static let modelNotFound = Code("model_not_found")
        /// The request body is larger than the configured limit.
        public static let requestTooLarge = Code("request_too_large")
        /// No such route.
        public static let notFound = Code("not_found")
        /// The route exists but not for this method.
        public static let methodNotAllowed = Code("method_not_allowed")
        /// The prompt does not fit the model's context window.
        public static let contextLengthExceeded = Code("context_length_exceeded")
        /// The provider's safety system refused the request.
        public static let contentFiltered = Code("content_filtered")
        /// The client closed its connection before the answer was complete (nginx's 499). The gateway stops the
        /// upstream call, tries nothing else, and does not count it against the deployment.
        public static let clientClosedRequest = Code("client_closed_request")

        /// No deployment of the model can serve the request (capabilities, context window, region pins).
        public static let noEligibleDeployment = Code("no_eligible_deployment")
        /// Every eligible deployment is unhealthy (circuit open, cooling down, at capacity).
        public static let noHealthyDeployment = Code("no_healthy_deployment")
        /// A routing decision was asked for that is not (or no longer) kept.
        public static let decisionNotFound = Code("decision_not_found")

        // Upstream failures.
        /// The provider rejected the request as invalid.
        public static let upstreamInvalidRequest = Code("upstream_invalid_request")
        /// The provider rejected the gateway's credentials.
        public static let upstreamAuthenticationFailed = Code("upstream_authentication_failed")
        /// The provider refused access to the resource.
        public static let upstreamPermissionDenied = Code("upstream_permission_denied")
        /// The provider does not know the upstream model or path.
        public static let upstreamNotFound = Code("upstream_not_found")
        /// The provider said the request is too large.
        public static let upstreamRequestTooLarge = Code("upstream_request_too_large")
        /// The provider rate-limited the request.
        public static let rateLimited = Code("rate_limited")
        /// The provider failed (5xx).
        public static let upstreamError = Code("upstream_error")
        /// The provider is unavailable (503).
        public static let upstreamUnavailable = Code("upstream_unavailable")
        /// The provider is overloaded (Anthropic's 529).
        public static let upstreamOverloaded = Code("upstream_overloaded")
        /// The provider did not answer in time.
        public static let upstreamTimeout = Code("upstream_timeout")
        /// The provider could not be reached.
        public static let upstreamUnreachable = Code("upstream_unreachable")
        /// The provider's answer could not be parsed.
        public static let upstreamMalformedResponse = Code("upstream_malformed_response")
        /// The provider's stream broke off after it had started.
        public static let upstreamStreamInterrupted = Code("upstream_stream_interrupted")

        // Gateway failures.
        /// The configuration is invalid.
        public static let invalidConfiguration = Code("invalid_configuration")
        /// An unexpected failure inside the gateway.
        public static let internalError = Code("internal_error")
        /// The gateway is out of a resource of its own (file descriptors): neither the request's nor the provider's
        /// fault, and not counted against the deployment.
        public static let gatewayOverloaded = Code("gateway_overloaded")
    }
}
