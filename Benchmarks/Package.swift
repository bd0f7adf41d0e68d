// swift-tools-version:6.0
// Benchmarks for flux-logscan: a deterministic corpus generator (`corpus-gen`) and, beside this
// file, a script harness (run.sh) that measures flux-logscan against ripgrep and grep -P.
// A package of its own so that nothing here builds or runs under the root package's `swift test`;
// it needs nothing from `..` (the harness runs the built flux-logscan binary).
import PackageDescription

let package = Package(
    name: "flux-logscan-benchmarks",
    products: [
        .executable(name: "corpus-gen", targets: ["corpus-gen"]),
    ],
    targets: [
        .executableTarget(name: "corpus-gen"),
    ]
)
