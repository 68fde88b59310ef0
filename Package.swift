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
            name: "CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(
            name: "FathomCore",
            dependencies: [
                "CArchive",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "FathomTUI",
            dependencies: ["FathomCore", "CNcursesw", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "fathom",
            dependencies: [
                "FathomCore",
                "FathomTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "FathomCoreTests",
            dependencies: ["FathomCore"]
        ),
        .testTarget(
            name: "FathomTUITests",
            dependencies: ["FathomTUI", "FathomCore"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["FathomCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
