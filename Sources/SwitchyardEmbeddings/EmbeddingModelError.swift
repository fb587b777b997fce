/// A failure to load an embedding model: a stable ``Code``, the file at fault and a message saying what is wrong.
///
/// Thrown while loading ``SafetensorsFile``, ``WordPieceTokenizer`` and ``SentenceEmbedder``. Running a loaded
/// model never throws. `description` is safe to log and names the file and the problem, e.g.
/// `truncated_file: model.safetensors: tensor 'pooler.dense.weight' ends at byte 90856960 but the data holds 1000`.
public struct EmbeddingModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem was found. New codes may be added; match on the ones you handle.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String {
            case fileNotFound = "file_not_found"
            case truncatedFile = "truncated_file"
            case invalidHeader = "invalid_header"
            case invalidTensor = "invalid_tensor"
            case unsupportedDataType = "unsupported_data_type"
            case missingTensor = "missing_tensor"
            case shapeMismatch = "shape_mismatch"
            case invalidVocabulary = "invalid_vocabulary"
            case invalidConfiguration = "invalid_configuration"
        }
        private let base: Base

        /// A model file does not exist or cannot be read.
        public static let fileNotFound = Code(base: .fileNotFound)
        /// A file ends before the data its header describes.
        public static let truncatedFile = Code(base: .truncatedFile)
        /// The safetensors header is missing, too large or not the expected JSON.
        public static let invalidHeader = Code(base: .invalidHeader)
        /// A tensor's offsets, size or shape are inconsistent or overlap another tensor.
        public static let invalidTensor = Code(base: .invalidTensor)
        /// A tensor holds a data type that cannot be converted to `Float`.
        public static let unsupportedDataType = Code(base: .unsupportedDataType)
        /// A tensor the model needs is absent.
        public static let missingTensor = Code(base: .missingTensor)
        /// A tensor has a different shape from the one the configuration implies.
        public static let shapeMismatch = Code(base: .shapeMismatch)
        /// `vocab.txt` is empty, duplicated or lacks a special token.
        public static let invalidVocabulary = Code(base: .invalidVocabulary)
        /// `config.json` is unreadable or describes an architecture this encoder does not run.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)

        /// The stable snake_case name, e.g. `truncated_file`.
        public var description: String { base.rawValue }
    }

    /// What kind of problem was found.
    public var code: Code
    /// The file at fault (its last path component), when there is one.
    public var file: String?
    /// What exactly is wrong, for logs and for the person fixing the file.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What kind of problem was found.
    ///   - file: The file at fault, if any.
    ///   - message: What exactly is wrong.
    public init(_ code: Code, file: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.message = message
    }

    /// `code: file: message`.
    public var description: String {
        if let file { return "\(code): \(file): \(message)" }
        return "\(code): \(message)"
    }
}
