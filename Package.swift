// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "logwarden",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "logwarden", targets: ["logwarden"]),
        .library(name: "LogwardenKit", targets: ["LogwardenKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // System libraries, each with a tiny C shim for the macros Swift cannot import.
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLinux"),
        // libcurl, not FoundationNetworking: on Linux URLSession cannot add a CA file. Opened
        // with dlopen on first use, so only its header is needed to build.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The pipeline: Input -> Records -> Classify -> Count -> Output, one folder per stage.
        .target(
            name: "LogwardenKit",
            dependencies: ["CPCRE2", "CZlib", "CLinux", "CCurl", .product(name: "Yams", package: "Yams"),
                           .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift")],
            // The per-record path updates class properties; their dynamic exclusivity checks
            // cost a few hundred instructions a record. Debug builds (and so every test) keep
            // the checks; release builds rely on them having passed.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "logwarden",
            dependencies: ["LogwardenKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "LogwardenKitTests", dependencies: ["LogwardenKit", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "EndToEndTests", dependencies: ["logwarden"], exclude: ["Expected"]),
    ],
    swiftLanguageModes: [.v6]
)
