import CAsciiMultibyte
import Foundation
import Testing

/// The mbrtowc fast path (Sources/CAsciiMultibyte) answers exactly as glibc's own function, in the
/// C locale the layer readers use and in a UTF-8 locale the explorer uses.
@Suite struct AsciiMultibyteTests {
    func compare(locale name: String) throws {
        let loc = try #require(newlocale(Int32(1) << LC_CTYPE, name, nil), "locale \(name)")
        defer { freelocale(loc) }
        let previous = uselocale(loc)
        defer { uselocale(previous) }
        var inputs: [[UInt8]] = (0..<256).map { [UInt8($0)] }
        inputs += [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xC3], [0x41, 0x42]]   // é, €, a cut sequence, two ASCII bytes
        for bytes in inputs {
            var oursState = mbstate_t(), libcState = mbstate_t()
            var oursChar: wchar_t = -1, libcChar: wchar_t = -1
            let (ours, libc) = bytes.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { c in
                    (mbrtowc(&oursChar, c.baseAddress, c.count, &oursState),
                     fathom_libc_mbrtowc(&libcChar, c.baseAddress, c.count, &libcState))
                }
            }
            #expect(ours == libc, "\(name) \(bytes): returned \(ours), glibc \(libc)")
            if libc != size_t.max && libc != size_t.max - 1 { #expect(oursChar == libcChar, "\(name) \(bytes)") }
        }
    }

    @Test func agreesWithGlibcInTheCLocale() throws { try compare(locale: "C") }
    @Test func agreesWithGlibcInAUTF8Locale() throws { try compare(locale: "C.UTF-8") }

    @Test func interposesOnGlibcsDefinition() throws {
        // the global lookup scope (which libarchive's calls use) finds the executable's definition, not libc's
        let global = try #require(dlsym(nil, "mbrtowc"))   // RTLD_DEFAULT
        let libc = try #require(dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD))
        let glibc = try #require(dlsym(libc, "mbrtowc"))
        #expect(global != glibc)
    }
}
