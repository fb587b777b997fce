extension ChatRequest {
    /// A cheap estimate of the prompt's tokens, the same everywhere it is needed (routing by context window and
    /// cost, budget reservations): four UTF-8 bytes of text or tool-call arguments a token, 85 an image, 4 a message.
    ///
    /// Deliberately not a tokenizer: it runs on every request before the provider's own count is known, and the
    /// budget is settled with the real usage afterwards.
    public var estimatedPromptTokens: Int {
        var characters = 0
        var images = 0
        for message in messages {
            switch message.content {
            case .text(let text):
                characters += text.utf8.count
            case .parts(let parts):
                for part in parts {
                    switch part {
                    case .text(let text): characters += text.utf8.count
                    case .imageURL: images += 1
                    case .inputAudio(let audio): characters += audio.data.utf8.count / 8
                    }
                }
            case nil:
                break
            }
            characters += message.toolCalls?.reduce(0) { $0 + $1.function.arguments.utf8.count } ?? 0
        }
        return characters / 4 + images * 85 + messages.count * 4
    }
}
