/// In-process sentence embeddings.
