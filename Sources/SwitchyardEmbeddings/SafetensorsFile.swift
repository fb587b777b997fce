import Foundation

/// A parsed `.safetensors` file: an index of named tensors over the file's bytes.
///
/// The format is an 8-byte little-endian header length `N`, `N` bytes of JSON mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the end of the header), then the data.
/// Parsing checks every entry: a known dtype, a non-negative shape whose byte size equals `end - begin`, offsets
/// inside the data section, and no two tensors overlapping. Tensor bytes are only read by ``floats(_:)``.
///
/// ```swift
/// let file = try SafetensorsFile(contentsOf: modelDirectory.appendingPathComponent("model.safetensors"))
/// let bias = try file.floats("pooler.dense.bias", shape: [384])
/// ```
public struct SafetensorsFile: Sendable {
    /// The header entry of one tensor.
    public struct TensorInfo: Sendable, Hashable {
        /// The tensor's name, e.g. `encoder.layer.0.attention.self.query.weight`.
        public var name: String
        /// The element type as stored in the file.
        public var dataType: SafetensorsDataType
        /// The dimensions, outermost first; `[]` is a scalar.
        public var shape: [Int]
        /// The byte range within the data section (after the header).
        public var byteRange: Range<Int>

        /// The number of elements: the product of ``shape``.
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The largest header accepted, as in the reference implementation (100 MB).
    public static let maximumHeaderSize = 100_000_000

    /// Every tensor in the file, by name.
    public let tensors: [String: TensorInfo]
    /// The free-form `__metadata__` entries of the header, e.g. `["format": "pt"]`.
    public let metadata: [String: String]
    /// The name used in error messages (the file's last path component).
    public let fileName: String

    private let bytes: Data
    private let dataStart: Int

    /// Opens and parses a file, memory-mapping it when the platform allows.
    ///
    /// - Parameter url: The `.safetensors` file.
    /// - Throws: ``EmbeddingModelError`` with code `file_not_found`, `truncated_file`, `invalid_header` or
    ///   `invalid_tensor`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw EmbeddingModelError(.fileNotFound, file: url.lastPathComponent, "cannot read \(url.path): \(error)")
        }
        try self.init(data: data, fileName: url.lastPathComponent)
    }

    /// Parses a file held in memory.
    ///
    /// - Parameters:
    ///   - data: The whole file.
    ///   - fileName: The name to use in error messages.
    /// - Throws: ``EmbeddingModelError`` with code `truncated_file`, `invalid_header` or `invalid_tensor`.
    public init(data: Data, fileName: String = "model.safetensors") throws {
        func fail(_ code: EmbeddingModelError.Code, _ message: String) -> EmbeddingModelError {
            EmbeddingModelError(code, file: fileName, message)
        }
        guard data.count >= 8 else {
            throw fail(.truncatedFile, "file is \(data.count) bytes, shorter than the 8-byte header length")
        }
        let headerLength = data.withUnsafeBytes { raw in
            Int(clamping: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        }
        guard headerLength <= Self.maximumHeaderSize else {
            throw fail(.invalidHeader, "header length \(headerLength) exceeds \(Self.maximumHeaderSize) bytes")
        }
        guard headerLength <= data.count - 8 else {
            throw fail(.truncatedFile, "header claims \(headerLength) bytes but only \(data.count - 8) follow")
        }
        let start = data.startIndex
        let headerBytes = data[(start + 8)..<(start + 8 + headerLength)]
        guard headerBytes.first == UInt8(ascii: "{"),
            let object = try? JSONSerialization.jsonObject(with: headerBytes),
            let entries = object as? [String: Any]
        else {
            throw fail(.invalidHeader, "header is not a JSON object (is this a safetensors file?)")
        }
        let dataSize = data.count - 8 - headerLength
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                guard let values = value as? [String: String] else {
                    throw fail(.invalidHeader, "__metadata__ must map strings to strings")
                }
                metadata = values
                continue
            }
            tensors[name] = try Self.parseEntry(name: name, value: value, dataSize: dataSize, fail: fail)
        }
        try Self.checkNoOverlap(tensors.values, fail: fail)
        self.tensors = tensors
        self.metadata = metadata
        self.fileName = fileName
        self.bytes = data
        self.dataStart = 8 + headerLength
    }

    /// The tensor's elements converted to `Float`, in row-major order.
    ///
    /// `F32` is copied; `F16`, `BF16` and `F64` are converted.
    ///
    /// - Parameter name: The tensor's name.
    /// - Returns: ``TensorInfo/elementCount`` values.
    /// - Throws: ``EmbeddingModelError`` with code `missing_tensor` or `unsupported_data_type`.
    public func floats(_ name: String) throws -> [Float] {
        guard let info = tensors[name] else {
            throw EmbeddingModelError(.missingTensor, file: fileName, "no tensor named '\(name)'")
        }
        return try bytes.withUnsafeBytes { raw in
            let slice = UnsafeRawBufferPointer(
                rebasing: raw[(dataStart + info.byteRange.lowerBound)...]
                    .prefix(info.byteRange.count))
            guard let values = SafetensorsDataType.convertToFloat(slice, from: info.dataType) else {
                throw EmbeddingModelError(
                    .unsupportedDataType, file: fileName,
                    "tensor '\(name)' holds \(info.dataType), which cannot be read as floats")
            }
            return values
        }
    }

    /// The tensor's elements converted to `Float`, after checking its shape.
    ///
    /// - Parameters:
    ///   - name: The tensor's name.
    ///   - shape: The shape the caller expects.
    /// - Returns: The product of `shape` values, row-major.
    /// - Throws: ``EmbeddingModelError`` with code `missing_tensor`, `shape_mismatch` or `unsupported_data_type`.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let info = tensors[name] else {
            throw EmbeddingModelError(.missingTensor, file: fileName, "no tensor named '\(name)'")
        }
        guard info.shape == shape else {
            throw EmbeddingModelError(
                .shapeMismatch, file: fileName, "tensor '\(name)' has shape \(info.shape), expected \(shape)")
        }
        return try floats(name)
    }

    private static func parseEntry(
        name: String, value: Any, dataSize: Int, fail: (EmbeddingModelError.Code, String) -> EmbeddingModelError
    ) throws -> TensorInfo {
        guard let entry = value as? [String: Any],
            let dtypeName = entry["dtype"] as? String,
            let shapeValues = entry["shape"] as? [Any],
            let offsetValues = entry["data_offsets"] as? [Any]
        else {
            throw fail(.invalidHeader, "entry '\(name)' lacks dtype, shape or data_offsets")
        }
        guard let dataType = SafetensorsDataType(rawValue: dtypeName) else {
            throw fail(.invalidHeader, "tensor '\(name)' has unknown dtype '\(dtypeName)'")
        }
        let shape = shapeValues.compactMap(Self.integer)
        let offsets = offsetValues.compactMap(Self.integer)
        guard shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw fail(.invalidTensor, "tensor '\(name)' has an invalid shape \(shapeValues)")
        }
        guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
            throw fail(.invalidTensor, "tensor '\(name)' has invalid data_offsets \(offsetValues)")
        }
        let (elements, overflow) = shape.reduce((1, false)) { partial, dimension in
            let product = partial.0.multipliedReportingOverflow(by: dimension)
            return (product.partialValue, partial.1 || product.overflow)
        }
        let byteCount = elements.multipliedReportingOverflow(by: dataType.byteSize)
        guard !overflow, !byteCount.overflow, byteCount.partialValue == offsets[1] - offsets[0] else {
            throw fail(
                .invalidTensor,
                "tensor '\(name)' of \(dtypeName)\(shape) needs \(overflow ? "too many" : "\(byteCount.partialValue)") "
                    + "bytes but data_offsets span \(offsets[1] - offsets[0])")
        }
        guard offsets[1] <= dataSize else {
            throw fail(.truncatedFile, "tensor '\(name)' ends at byte \(offsets[1]) but the data holds \(dataSize)")
        }
        return TensorInfo(name: name, dataType: dataType, shape: shape, byteRange: offsets[0]..<offsets[1])
    }

    private static func checkNoOverlap(
        _ tensors: some Collection<TensorInfo>, fail: (EmbeddingModelError.Code, String) -> EmbeddingModelError
    ) throws {
        let sorted = tensors.filter { !$0.byteRange.isEmpty }.sorted {
            $0.byteRange.lowerBound < $1.byteRange.lowerBound
        }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.byteRange.overlaps(next.byteRange) {
            throw fail(.invalidTensor, "tensors '\(previous.name)' and '\(next.name)' overlap")
        }
    }

    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9e15 else { return nil }
        return number.intValue
    }
}
