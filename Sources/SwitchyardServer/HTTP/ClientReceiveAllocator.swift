import NIOCore

/// The receive buffer sizes of a client connection: 1 KB, then 8 KB while reads fill their buffer, and 1 KB again
/// after one that does not.
///
/// NIO keeps the first buffer a connection reads into and reuses it for as long as the connection is open, so its
/// size is paid by every open connection: an idle keep-alive client, a stream that waits for its model. A chat
/// request from an SDK without a long prompt fits in 1 KB (measured: the official OpenAI Python SDK 3.57 sends 561
/// bytes of headers, 729 bytes in all with a system and a user message); one that does not takes a second read,
/// into an 8 KB buffer that is freed once the request has been read. This is half of the 2 KB that NIO's adaptive
/// allocator starts with (10 MB with 10,000 streams open), for one more read on requests of 1 to 2 KB.
struct ClientReceiveAllocator: RecvByteBufferAllocator {
    /// The size of a connection's first read, and of every read after one that did not fill its buffer.
    static let small = 1024
    /// The size of reads while they fill their buffer: a large request is read 8 KB at a time.
    static let large = 8192

    /// The size of the next read.
    private(set) var next = Self.small

    /// A buffer for the next read.
    func buffer(allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(capacity: next)
    }

    /// The size of the next read, so that NIO reuses its kept buffer when that buffer is large enough.
    func nextBufferSize() -> Int? {
        next
    }

    /// Sizes the next read from the last one; `true` when the next buffer is larger.
    mutating func record(actualReadBytes: Int) -> Bool {
        guard actualReadBytes >= next else {
            next = Self.small
            return false
        }
        defer { next = Self.large }
        return next < Self.large
    }
}
