// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "fathom",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        // gzip layers: ISA-L's inflate (SIMD Huffman decoding), with CRC-32 and length checked as zlib does.
        .systemLibrary(
            name: "CIsal",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        // RPM's package database (rpmdb.sqlite), read from memory with sqlite3_deserialize; loaded on first
        // use (dlopen, see include/CSQLite.h): the headers come from libsqlite3-dev.
        .target(name: "CSQLite"),
        .systemLibrary(
            name: "CXXHash",
            providers: [.apt(["libxxhash-dev"])]
        ),
        // HTTP for registries and the Engine API's Unix socket: TLS with the system's CA store, HTTP/2, proxies.
        // Loaded on first use (dlopen, see include/CCurl.h): the headers come from libcurl4-openssl-dev.
        .target(name: "CCurl"),
        // SHA-256 for diff IDs and blob digests (OpenSSL 3 uses the CPU's SHA extensions).
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The YAML of .dive-ci and the key bindings: libyaml's event parser, fathom builds the nodes with limits.
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
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
                "CIsal",
                "CXXHash",
                "CCrypto",
                "CYaml",
                "CSQLite",
            ],
            // The core's state lives in value types and a few classes it owns; run-time exclusivity
            // checks (swift_beginAccess on every class property access) cost ~2 % of a load, and
            // compile-time checks stay on.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "FathomTUI",
            dependencies: ["FathomCore", "CNcursesw"]
        ),
        // Where images come from besides archives: Docker/Podman engines and registries (the network code;
        // FathomCore stays free of it).
        .target(
            name: "FathomSources",
            dependencies: ["FathomCore", "CCurl"]
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
        // Writers of hostile archives for the tests (tar headers byte by byte).
        .target(
            name: "FathomTestSupport",
            dependencies: ["FathomCore"],
            path: "Tests/FathomTestSupport"
        ),
        .testTarget(
            name: "FathomCoreTests",
            dependencies: ["FathomCore", "CAsciiMultibyte", "FathomTestSupport"]
        ),
        .testTarget(
            name: "FathomTUITests",
            dependencies: ["FathomTUI", "FathomCore", "FathomTestSupport"]
        ),
        .testTarget(
            name: "FathomSourcesTests",
            dependencies: ["FathomSources", "FathomCore"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["FathomCore", "FathomTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets (Fuzz/, `make fuzz`): only when FATHOM_FUZZ is set, so that the product build and
// `swift test` never see them. Each has its own main, which hands its function to libFuzzer (LLVMFuzzerRunDriver); they are built with
// `-sanitize=fuzzer,address`.
if ProcessInfo.processInfo.environment["FATHOM_FUZZ"] != nil {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzArchive", ["FathomCore"]),
        ("FuzzLayer", ["FathomCore"]),
        ("FuzzDocuments", ["FathomCore"]),
        ("FuzzConfig", ["FathomCore", "FathomTUI"]),
        ("FuzzRegistry", ["FathomSources", "FathomCore"]),
        ("FuzzRegex", ["FathomCore"]),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"))
    for (name, dependencies) in fuzzTargets {
        // lld: gold fails with an internal error on the sanitizers' objects
        package.targets.append(.executableTarget(name: name, dependencies: dependencies + ["FuzzDriver"], path: "Fuzz/\(name)",
                                                 linkerSettings: [.unsafeFlags(["-use-ld=lld"])]))
    }
}
