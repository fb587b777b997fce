import NIOCore
@testable import SwitchyardServer
import Testing

/// The receive buffer sizes of client connections: 1 KB, 8 KB while reads fill their buffer, 1 KB again after.
@Suite struct ClientReceiveAllocatorTests {
    @Test func theFirstReadIsOneKilobyte() {
        let sizes = ClientReceiveAllocator()
        #expect(sizes.nextBufferSize() == 1024)
        #expect(sizes.buffer(allocator: ByteBufferAllocator()).capacity >= 1024)
    }

    @Test func aFullReadGrowsTheNextToEightKilobytes() {
        var sizes = ClientReceiveAllocator()
        let grew = sizes.record(actualReadBytes: 1024)
        #expect(grew)  // the next buffer is larger
        #expect(sizes.nextBufferSize() == 8192)
        #expect(sizes.buffer(allocator: ByteBufferAllocator()).capacity >= 8192)
        let grewAgain = sizes.record(actualReadBytes: 8192)
        #expect(!grewAgain)  // full again: stays at the largest
        #expect(sizes.nextBufferSize() == 8192)
    }

    @Test(arguments: [0, 1, 300, 1023])
    func aReadThatDoesNotFillItsBufferKeepsOneKilobyte(_ bytes: Int) {
        var sizes = ClientReceiveAllocator()
        let grew = sizes.record(actualReadBytes: bytes)
        #expect(!grew)
        #expect(sizes.nextBufferSize() == 1024)
    }

    /// After the last, partial read of a large request, the next request starts small again.
    @Test func afterALargeRequestTheNextReadIsSmallAgain() {
        var sizes = ClientReceiveAllocator()
        _ = sizes.record(actualReadBytes: 1024)
        _ = sizes.record(actualReadBytes: 8192)
        let grew = sizes.record(actualReadBytes: 500)
        #expect(!grew)
        #expect(sizes.nextBufferSize() == 1024)
    }
}
