// swift-tools-version:6.1
// The floor of the c=1 added latency for a SwiftNIO proxy on this machine (issue 8): a byte relay with no HTTP, no
// features. Not part of the gateway's package or its tests; bench/gateway/floor.sh builds and measures it.
import PackageDescription

let package = Package(
    name: "nio-relay",
    dependencies: [.package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2")],
    targets: [
        .executableTarget(
            name: "nio-relay",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        )
    ]
)
