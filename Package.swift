// swift-tools-version:6.1
import PackageDescription

/// The settings of every target of ours.
///
/// Release builds leave out the run-time exclusivity checks (`-enforce-exclusivity=unchecked`): every access to a
/// class's stored `var` and to a `ByteBuffer`'s storage (inlined into our code from NIO) called
/// `swift_beginAccess`, which looks up the thread's access set: 7% of a relayed stream's instructions and 2% of a
/// JSON request's (bench/results/gateway-2026-12-04-session12.md). Debug builds, which run the test suite, keep
/// the checks, so a conflicting access still traps in a test. Dependencies are compiled with their own settings:
/// `scripts/build-release.sh`, the release build the benchmarks measure, leaves the checks out of them too.
///
/// Release builds also optimise across our modules (`-cross-module-optimization`): the server specialises the
/// routing engine's and the providers' generic functions for its own types instead of calling them through
/// metadata and witness tables, about 5,000 instructions per proxied request (session 19).
///
/// A nonisolated `async` function runs on its caller's executor (`NonisolatedNonsendingByDefault`, Swift 6.2), as it
/// will by default in a later language mode: the request path's fifty-odd calls no longer each ask the runtime to
/// switch to the generic executor, which on the event loops' task executor changed nothing and cost about 3,400
/// instructions per JSON request and 6,700 per streamed one (session 26). Functions that must leave their caller's
/// executor, and closures handed to dependencies compiled without the setting, are marked `@concurrent`. The test
/// targets use the setting too (below): the closures they pass must have the same type.
let targetSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
        .library(name: "SwitchyardCore", targets: ["SwitchyardCore"]),
        .library(name: "SwitchyardProviders", targets: ["SwitchyardProviders"]),
        .library(name: "SwitchyardRouting", targets: ["SwitchyardRouting"]),
        .library(name: "SwitchyardConfiguration", targets: ["SwitchyardConfiguration"]),
        .library(name: "SwitchyardEmbeddings", targets: ["SwitchyardEmbeddings"]),
        .library(name: "SwitchyardServer", targets: ["SwitchyardServer"]),
        .library(name: "SwitchyardTesting", targets: ["SwitchyardTesting"]),
        .library(name: "SwitchyardStore", targets: ["SwitchyardStore"]),
        .library(name: "SwitchyardGovernance", targets: ["SwitchyardGovernance"]),
        .library(name: "SwitchyardCache", targets: ["SwitchyardCache"]),
        .library(name: "SwitchyardTelemetry", targets: ["SwitchyardTelemetry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
    ],
    targets: [
        .target(
            name: "SwitchyardCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: targetSettings
        ),
        .target(
            name: "SwitchyardProviders",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardEmbeddings",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: targetSettings
        ),
        .target(
            name: "SwitchyardRouting",
            dependencies: ["SwitchyardCore"],
            swiftSettings: targetSettings
        ),
        // Int8 matrix multiply for SwitchyardEmbeddings: AVX2 intrinsics on x86-64, a portable loop elsewhere.
        .target(
            name: "CSwitchyardKernels",
            cSettings: {
                #if arch(x86_64)
                return [.unsafeFlags(["-O3", "-mavx2", "-mfma"])]
                #else
                return [.unsafeFlags(["-O3"])]
                #endif
            }()
        ),
        // The Swift concurrency runtime's global-enqueue hook, found by the linker (see its header).
        .target(name: "CSwitchyardRuntime"),
        .target(
            name: "SwitchyardEmbeddings",
            dependencies: ["SwitchyardCore", "CSwitchyardKernels"],
            // Numeric kernels: optimised even in debug builds (a debug encoder is ~50x slower), and on x86-64
            // compiled for AVX2 + FMA (x86-64-v3, every x86 server CPU since 2013): 3.5x the SSE2 baseline.
            swiftSettings: targetSettings + {
                #if arch(x86_64)
                return [.unsafeFlags(["-O", "-target-cpu", "haswell"])]
                #else
                return [.unsafeFlags(["-O"])]
                #endif
            }()
        ),
        .target(
            name: "SwitchyardConfiguration",
            dependencies: [
                "SwitchyardCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: targetSettings
        ),
        .target(
            name: "SwitchyardTelemetry",
            dependencies: [
                "SwitchyardCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: targetSettings
        ),
        .target(
            name: "SwitchyardServer",
            dependencies: [
                "CSwitchyardRuntime",
                "SwitchyardCore",
                "SwitchyardProviders",
                "SwitchyardRouting",
                "SwitchyardConfiguration",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "SwitchyardStore",
                "SwitchyardGovernance",
                "SwitchyardCache",
                "SwitchyardTelemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            exclude: ["Dashboard/dashboard.html"],
            swiftSettings: targetSettings
        ),
        .executableTarget(
            name: "switchyard",
            dependencies: [
                "CSwitchyardRuntime",
                "SwitchyardCore",
                "SwitchyardConfiguration",
                "SwitchyardServer",
                "SwitchyardProviders",
                "SwitchyardCache",
                "SwitchyardGovernance",
                "SwitchyardStore",
                "SwitchyardTelemetry",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: targetSettings
        ),
        .target(
            name: "SwitchyardTesting",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardRouting",
                "SwitchyardProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: targetSettings
        ),
        .testTarget(
            name: "SwitchyardCoreTests",
            dependencies: ["SwitchyardCore", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "SwitchyardProvidersTests",
            dependencies: [
                "SwitchyardCore", "SwitchyardProviders", "SwitchyardTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "SwitchyardEmbeddingsTests",
            dependencies: ["SwitchyardCore", "SwitchyardEmbeddings"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SwitchyardRoutingTests",
            dependencies: ["SwitchyardCore", "SwitchyardRouting", "SwitchyardTesting"]
        ),
        .testTarget(
            name: "SwitchyardConfigurationTests",
            dependencies: ["SwitchyardCore", "SwitchyardConfiguration"]
        ),
        .testTarget(
            name: "SwitchyardEndToEndTests",
            dependencies: [
                "SwitchyardTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SwitchyardServerTests",
            dependencies: [
                "SwitchyardCore", "SwitchyardServer", "SwitchyardConfiguration", "SwitchyardProviders",
                "SwitchyardTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "SwitchyardStore",
                "SwitchyardGovernance",
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .target(
            name: "SwitchyardStore",
            dependencies: [
                "SwitchyardCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: targetSettings
        ),
        .target(
            name: "SwitchyardGovernance",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: targetSettings
        ),
        .target(
            name: "SwitchyardCache",
            dependencies: [
                "SwitchyardCore",
                "SwitchyardEmbeddings",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/verifier.json")],
            // Vector search and verifier kernels: optimised even in debug builds, like SwitchyardEmbeddings.
            swiftSettings: targetSettings + [.unsafeFlags(["-O"])]
        ),
        .testTarget(
            name: "SwitchyardCacheTests",
            dependencies: ["SwitchyardCore", "SwitchyardCache", "SwitchyardEmbeddings"]
        ),
        .testTarget(
            name: "SwitchyardTelemetryTests",
            dependencies: ["SwitchyardCore", "SwitchyardTelemetry", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "SwitchyardStoreTests",
            dependencies: ["SwitchyardStore", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
        ),
        .testTarget(
            name: "SwitchyardGovernanceTests",
            dependencies: [
                "SwitchyardCore", "SwitchyardStore", "SwitchyardGovernance",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

// The governance benchmark (bench/governance/run.sh) builds only when asked, so the test command stays fast.
if Context.environment["SWITCHYARD_BENCHMARKS"] != nil {
    package.targets.append(
        .executableTarget(
            name: "GovernanceBenchmark",
            dependencies: [
                "SwitchyardCore", "SwitchyardStore", "SwitchyardGovernance",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/governance/Sources",
            swiftSettings: targetSettings
        ))
}

// The embedding benchmark (`bench/embeddings/run.sh`) exists only when SWITCHYARD_EMBEDDING_BENCHMARK=1, so that
// test builds never compile it.
if Context.environment["SWITCHYARD_EMBEDDING_BENCHMARK"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "EmbeddingBenchmark",
            dependencies: ["SwitchyardEmbeddings"],
            path: "bench/embeddings/EmbeddingBenchmark"
        )
    )
}

// The test targets call the libraries' `async` functions with closures of the same type as theirs.
for target in package.targets where target.type == .test {
    target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
}
