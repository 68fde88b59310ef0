// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fathom",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CXXHash",
            providers: [.apt(["libxxhash-dev"])]
        ),
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // mbrtowc's ASCII fast path for libarchive's name conversions (see its source for why).
        .target(name: "CAsciiMultibyte"),
        .target(
            name: "FathomCore",
            dependencies: [
                "CArchive",
                "CAsciiMultibyte",
                "CZlib",
                "CXXHash",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The core's state lives in value types and a few classes it owns; run-time exclusivity
            // checks (swift_beginAccess on every class property access) cost ~2 % of a load, and
            // compile-time checks stay on.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "FathomTUI",
            dependencies: ["FathomCore", "CNcursesw", .product(name: "Yams", package: "Yams")]
        ),
        // Where images come from besides archives: Docker/Podman engines and registries (the network code;
        // FathomCore stays free of NIO).
        .target(
            name: "FathomSources",
            dependencies: [
                "FathomCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "fathom",
            dependencies: [
                "FathomCore",
                "FathomTUI",
                "FathomSources",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "FathomCoreTests",
            dependencies: ["FathomCore", "CAsciiMultibyte"]
        ),
        .testTarget(
            name: "FathomTUITests",
            dependencies: ["FathomTUI", "FathomCore"]
        ),
        .testTarget(
            name: "FathomSourcesTests",
            dependencies: ["FathomSources", "FathomCore"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["FathomCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
