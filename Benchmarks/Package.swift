// swift-tools-version: 6.1
// Micro-benchmarks of logwarden's hot stages (issue 7), with ordo-one/package-benchmark.
// A separate package so the main build and `make test` never fetch or build the benchmark
// tooling. Run: `make bench-micro` (or `cd Benchmarks && swift package benchmark`).
import PackageDescription

let package = Package(
    name: "LogwardenBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "logwarden", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LogwardenBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "LogwardenKit", package: "logwarden"),
            ],
            path: "Benchmarks/LogwardenBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
