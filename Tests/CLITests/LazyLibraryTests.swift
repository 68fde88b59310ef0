import Foundation
import Testing

/// libcurl and SQLite are loaded on first use (Sources/CCurl, Sources/CSQLite): an analysis of an image
/// without an RPM database maps neither, and a machine without libcurl gets one line saying what to install.
@Suite struct LazyLibraryTests {
    @Test func theBinaryDoesNotLinkLibcurlOrSQLite() throws {
        let ldd = try CLI.run(executable: "/usr/bin/ldd", [CLI.binary])
        #expect(ldd.status == 0)
        #expect(ldd.stdout.contains("libarchive"))   // the listing is real
        #expect(!ldd.stdout.contains("libcurl"))
        #expect(!ldd.stdout.contains("libsqlite3"))
    }

    @Test func aMissingLibcurlIsOneLine() throws {
        let r = try CLI.run(["registry://127.0.0.1:1/x:1"], environment: ["FATHOM_LIBCURL": "/nonexistent/libcurl.so.4"])
        #expect(r.status == 2)
        #expect(r.errorLines.count == 1)
        #expect(r.stderr.contains("registry://127.0.0.1:1/x:1"))
        #expect(r.stderr.contains("libcurl is not installed (/nonexistent/libcurl.so.4: cannot open shared object file"))
        #expect(r.stderr.contains("apt install libcurl4"))
    }

    @Test func aLibraryThatIsNotLibcurlIsRefused() throws {
        let r = try CLI.run(["registry://127.0.0.1:1/x:1"], environment: ["FATHOM_LIBCURL": "libz.so.1"])
        #expect(r.status == 2)
        #expect(r.errorLines.count == 1)
        #expect(r.stderr.contains("libz.so.1 has no curl_global_init"))
    }
}
