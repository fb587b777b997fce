import Foundation
import Testing

@testable import SwitchyardEmbeddings

@Suite struct SafetensorsFileTests {
    /// A safetensors file from a header dictionary and raw data bytes.
    static func file(_ header: [String: Any], data: [UInt8]) throws -> Data {
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var bytes = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(json)
        bytes.append(contentsOf: data)
        return bytes
    }

    static func bytes(of floats: [Float]) -> [UInt8] {
        floats.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func code(of body: () throws -> Void) -> EmbeddingModelError.Code? {
        do {
            try body()
            return nil
        } catch let error as EmbeddingModelError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test func readsF32F16AndBF16Tensors() throws {
        let f32 = Self.bytes(of: [1, -2.5, 3, 0.125])
        // 1.0, -2.0, 65504 (largest half), 2^-24 (smallest subnormal half).
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00]
        // bfloat16 of 1.0 and -0.5.
        let bf16: [UInt8] = [0x80, 0x3F, 0x00, 0xBF]
        let data = try Self.file(
            [
                "__metadata__": ["format": "pt"],
                "a": ["dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]],
                "h": ["dtype": "F16", "shape": [4], "data_offsets": [16, 24]],
                "b": ["dtype": "BF16", "shape": [2], "data_offsets": [24, 28]],
            ], data: f32 + f16 + bf16)
        let file = try SafetensorsFile(data: data)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.tensors["a"]?.shape == [2, 2])
        #expect(try file.floats("a", shape: [2, 2]) == [1, -2.5, 3, 0.125])
        #expect(try file.floats("h") == [1, -2, 65504, 0x1p-24])
        #expect(try file.floats("b") == [1, -0.5])
        #expect(Self.code { _ = try file.floats("a", shape: [4]) } == .shapeMismatch)
        #expect(Self.code { _ = try file.floats("missing") } == .missingTensor)
    }

    @Test func rejectsTruncatedFiles() throws {
        let whole = try Self.file(
            ["a": ["dtype": "F32", "shape": [4], "data_offsets": [0, 16]]], data: Self.bytes(of: [1, 2, 3, 4]))
        #expect(Self.code { _ = try SafetensorsFile(data: whole.prefix(5)) } == .truncatedFile)
        #expect(Self.code { _ = try SafetensorsFile(data: whole.prefix(20)) } == .truncatedFile)
        #expect(Self.code { _ = try SafetensorsFile(data: whole.dropLast(1)) } == .truncatedFile)
        #expect(Self.code { _ = try SafetensorsFile(data: whole) } == nil)
    }

    @Test func rejectsFilesThatAreNotSafetensors() throws {
        let text = Data("this is not a safetensors file, just some text that is long enough".utf8)
        #expect(Self.code { _ = try SafetensorsFile(data: text) } == .invalidHeader)
        var hugeLength = Data()
        withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { hugeLength.append(contentsOf: $0) }
        #expect(Self.code { _ = try SafetensorsFile(data: hugeLength + Data(count: 32)) } == .invalidHeader)
        var notJSON = Data()
        withUnsafeBytes(of: UInt64(4).littleEndian) { notJSON.append(contentsOf: $0) }
        notJSON.append(contentsOf: Array("{abc".utf8))
        #expect(Self.code { _ = try SafetensorsFile(data: notJSON) } == .invalidHeader)
    }

    @Test func rejectsInconsistentTensorEntries() throws {
        let data = Self.bytes(of: [1, 2, 3, 4])
        let wrongSize = try Self.file(["a": ["dtype": "F32", "shape": [3], "data_offsets": [0, 16]]], data: data)
        #expect(Self.code { _ = try SafetensorsFile(data: wrongSize) } == .invalidTensor)
        let overlapping = try Self.file(
            [
                "a": ["dtype": "F32", "shape": [2], "data_offsets": [0, 8]],
                "b": ["dtype": "F32", "shape": [2], "data_offsets": [4, 12]],
            ], data: data)
        #expect(Self.code { _ = try SafetensorsFile(data: overlapping) } == .invalidTensor)
        let reversed = try Self.file(["a": ["dtype": "F32", "shape": [0], "data_offsets": [8, 4]]], data: data)
        #expect(Self.code { _ = try SafetensorsFile(data: reversed) } == .invalidTensor)
        let unknown = try Self.file(["a": ["dtype": "Q4", "shape": [4], "data_offsets": [0, 16]]], data: data)
        #expect(Self.code { _ = try SafetensorsFile(data: unknown) } == .invalidHeader)
        let integers = try Self.file(["a": ["dtype": "I32", "shape": [4], "data_offsets": [0, 16]]], data: data)
        let file = try SafetensorsFile(data: integers)
        #expect(Self.code { _ = try file.floats("a") } == .unsupportedDataType)
    }

    @Test func readsTheRealModelAndRejectsATruncatedCopy() throws {
        let directory = try TestModel.directory()
        let url = directory.appendingPathComponent("model.safetensors")
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.tensors["embeddings.word_embeddings.weight"]?.shape == [30522, 384])
        #expect(file.tensors["encoder.layer.5.output.dense.weight"]?.dataType == .f32)

        // A copy cut in the middle of the last tensor: loading the embedder names the problem.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-truncated-\(UUID())")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in ["config.json", "vocab.txt"] {
            try FileManager.default.copyItem(
                at: directory.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        let whole = try Data(contentsOf: url, options: .alwaysMapped)
        try whole.prefix(whole.count - 1000).write(to: copy.appendingPathComponent("model.safetensors"))
        #expect {
            try SentenceEmbedder(modelDirectory: copy)
        } throws: { error in
            guard let error = error as? EmbeddingModelError else { return false }
            return error.code == .truncatedFile && error.file == "model.safetensors"
                && error.description.contains("pooler.dense.weight")
        }
        // A directory whose weights file is something else entirely.
        try Data("not a model".utf8).write(to: copy.appendingPathComponent("model.safetensors"))
        #expect {
            try SentenceEmbedder(modelDirectory: copy)
        } throws: { error in
            (error as? EmbeddingModelError)?.code == .invalidHeader
        }
    }
}
