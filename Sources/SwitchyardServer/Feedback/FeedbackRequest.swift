/// The body of `POST /v1/feedback`.
///
/// `score` is a number in 0…1, `"thumbs_up"` (1) or `"thumbs_down"` (0), or `{"value": x, "metric": "name"}` for a
/// named metric (x in 0…1). Plain scores and thumbs are recorded under the metric `score`, and only they train the
/// routers' bandit and count as the experiment's feedback; named metrics are stored for analysis.
struct FeedbackRequest: Decodable, Sendable {
    var requestID: String
    var metric: String
    var score: Double

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case score
    }

    enum NamedKeys: String, CodingKey { case value, metric }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try? container.decode(String.self, forKey: .requestID), !id.isEmpty, id.count <= 200 else {
            throw FeedbackError.invalid("'request_id' must be a non-empty string.", param: "request_id")
        }
        requestID = id
        guard container.contains(.score) else { throw FeedbackError.invalid("'score' is required.") }
        if let number = try? container.decode(Double.self, forKey: .score) {
            metric = "score"
            score = number
        } else if let word = try? container.decode(String.self, forKey: .score) {
            guard word == "thumbs_up" || word == "thumbs_down" else {
                throw FeedbackError.invalid("A text score must be 'thumbs_up' or 'thumbs_down'.")
            }
            metric = "score"
            score = word == "thumbs_up" ? 1 : 0
        } else if let named = try? container.nestedContainer(keyedBy: NamedKeys.self, forKey: .score),
            let value = try? named.decode(Double.self, forKey: .value),
            let name = try? named.decode(String.self, forKey: .metric)
        {
            guard !name.isEmpty, name.count <= 64,
                name.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.isAlphabetic || "0123456789_-.".unicodeScalars.contains($0))
                })
            else {
                throw FeedbackError.invalid(
                    "'metric' must be 1–64 letters, digits, '_', '-' or '.'.", param: "score.metric")
            }
            metric = name
            score = value
        } else {
            throw FeedbackError.invalid(
                "'score' must be a number in 0…1, 'thumbs_up', 'thumbs_down' or {\"value\": x, \"metric\": \"name\"}.")
        }
        guard score.isFinite, (0...1).contains(score) else {
            throw FeedbackError.invalid("'score' must be between 0 and 1.")
        }
    }
}
