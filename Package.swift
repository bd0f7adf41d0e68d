// swift-tools-version:6.0
// flux-logscan: reads Flux CD controller logs, matches PCRE2 signatures, correlates events into
// incidents and ranks root-cause hypotheses. Layout follows docs/ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "flux-logscan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flux-logscan", targets: ["flux-logscan"]),
        .library(name: "LogScan", targets: ["LogScan"]),
        .executable(name: "healthy-cluster", targets: ["healthy-cluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // System library: PCRE2 (8-bit code units). apt: libpcre2-dev.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // System library: zlib, for .gz inputs (streaming inflate). apt: zlib1g-dev.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // glibc's mallopt, for the CLI (malloc.h; no library to link).
        .systemLibrary(name: "CMalloc"),
        // System library: Vectorscan, the multi-literal prefilter. apt: libvectorscan-dev.
        .systemLibrary(
            name: "CVectorscan",
            pkgConfig: "libhs",
            providers: [.apt(["libvectorscan-dev"])]
        ),
        // Safe Swift wrapper over PCRE2; knows nothing about logs.
        .target(name: "PCRE2", dependencies: ["CPCRE2"]),
        // Build tool: turns Patterns/**/*.yaml into one generated Swift source file.
        .executableTarget(name: "pattern-embed"),
        .plugin(name: "EmbedPatterns", capability: .buildTool(), dependencies: ["pattern-embed"]),
        // The pipeline: input, decoding, matching, correlation, diagnosis, reporting.
        .target(
            name: "LogScan",
            dependencies: [
                "PCRE2",
                "CZlib",
                "CVectorscan",
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            // Release builds leave out the run-time exclusivity checks (the tests run debug
            // builds, where they are on): on the per-line path they were about 2.5 % of the
            // 1 GiB benchmark (swift_beginAccess and its thread-local access set).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))],
            plugins: ["EmbedPatterns"]
        ),
        .executableTarget(
            name: "flux-logscan",
            dependencies: [
                "LogScan",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes six hours of a healthy, busy cluster's logs (deterministic), for the test that
        // flux-logscan finds no incident above info in them.
        .executableTarget(
            name: "healthy-cluster",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "PCRE2Tests", dependencies: ["PCRE2"]),
        .testTarget(name: "LogScanTests", dependencies: ["LogScan"]),
        // Runs the built binary on samples/: depends on the executable so that it is built.
        // Fixtures/: log files the tests give the binary by path (not resources of the bundle).
        .testTarget(name: "EndToEndTests", dependencies: ["flux-logscan", "healthy-cluster"], exclude: ["Fixtures"]),
    ]
)
