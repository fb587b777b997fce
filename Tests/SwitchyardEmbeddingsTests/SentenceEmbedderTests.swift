import Foundation
import Testing

@testable import SwitchyardEmbeddings

@Suite struct SentenceEmbedderTests {
    @Test func matchesTheReferenceEmbeddingsOnEverySentence() throws {
        let embedder = try TestModel.embedder()
        let fixture = try ReferenceFixture.load()
        #expect(fixture.sentences.count >= 200)
        #expect(embedder.dimensions == fixture.dimensions)
        let embeddings = embedder.embed(batch: fixture.sentences.map(\.text))
        var lowest: Float = 1
        for (index, (sentence, embedding)) in zip(fixture.sentences, embeddings).enumerated() {
            let similarity = cosine(embedding, sentence.embedding)
            lowest = min(lowest, similarity)
            #expect(similarity >= 0.999, "sentence \(index) (\(sentence.ids.count) tokens): cosine \(similarity)")
        }
        print("lowest cosine to the reference over \(embeddings.count) sentences: \(lowest)")
    }

    @Test func singleAndBatchedEmbeddingsAgreeAndHaveUnitLength() throws {
        let embedder = try TestModel.embedder()
        let texts = ["a", "How do I reset my password?", String(repeating: "long input ", count: 200), ""]
        let batch = embedder.embed(batch: texts)
        #expect(batch.count == texts.count)
        for (text, batched) in zip(texts, batch) {
            let single = embedder.embed(text)
            #expect(single.count == 384)
            #expect(cosine(single, batched) > 0.99999)
            #expect(abs(single.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        #expect(embedder.embed(batch: []).isEmpty)
    }

    @Test func relatedSentencesAreCloserThanUnrelatedOnes() throws {
        let embedder = try TestModel.embedder()
        let vectors = embedder.embed(batch: [
            "How do I reset my password?", "I forgot my password and cannot log in.", "The cat sat on the mat.",
        ])
        #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.3)
    }

    @Test func largeBatchesRunInChunks() throws {
        let embedder = try TestModel.embedder()
        // 40 sequences of 256 tokens exceed one chunk of 2048 tokens several times over.
        let texts = (0..<40).map { "sentence \($0) " + String(repeating: "word ", count: 300) }
        let batch = embedder.embed(batch: texts)
        #expect(batch.count == 40)
        #expect(cosine(batch[39], embedder.embed(texts[39])) > 0.99999)
    }

    @Test func missingFilesAreReported() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-empty-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect {
            try SentenceEmbedder(modelDirectory: empty)
        } throws: { error in
            (error as? EmbeddingModelError)?.code == .fileNotFound
        }
    }
}
