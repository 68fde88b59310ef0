import FuzzDriver
import Glibc
import Foundation
@testable import FathomCore
@testable import FathomSources

/// What a registry or an engine answers: `WWW-Authenticate` headers, header lines, error bodies,
/// manifests and indexes, token answers, image references, credential files (Docker's and containers'),
/// package databases (dpkg status, apk installed, rpm header blobs, pip RECORD, package.json), and the apt commands and
/// configuration the apt-recommends rule reads.
func fuzzRegistry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    _ = AuthChallenge.parse(text)
    bytes.withUnsafeBytes { _ = HeaderLine($0) }
    _ = errorDetail(bytes, contentType: "application/json")
    _ = errorDetail(bytes, contentType: nil)
    _ = try? RegistrySource.mediaType(of: bytes, contentType: nil)
    _ = RegistrySource.token(from: bytes)
    _ = try? JSONDecoder().decode(RegistrySource.Index.self, from: Data(bytes))
    _ = try? JSONDecoder().decode(RegistrySource.Manifest.self, from: Data(bytes))
    _ = try? AuthFile.parse(Data(bytes), path: "fuzz", kind: .docker)
    _ = try? AuthFile.parse(Data(bytes), path: "fuzz", kind: .containers)
    _ = DpkgDatabase.packages(status: [bytes])
    _ = DpkgDatabase.listedPaths(bytes)   // a .list, scanned by index over the raw bytes
    _ = DpkgDatabase.md5sumsPaths(bytes)
    _ = ApkDatabase.packages(bytes)
    bytes.withUnsafeBytes { _ = RpmDatabase.package(header: $0) }   // an rpm header blob, its offsets and counts
    _ = PythonPackages.recordedPaths(bytes, sitePackages: "usr/lib/python3/site-packages")
    _ = NodePackages.identity(bytes)
    _ = RecommendsRule.installsRecommends(text)
    _ = RecommendsRule.configTurnsOff(text)
    _ = try? ImageReference.parse(text)
    _ = oneLine(text)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
Glibc.exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzRegistry(data ?? UnsafePointer(bitPattern: 1)!, size) })
