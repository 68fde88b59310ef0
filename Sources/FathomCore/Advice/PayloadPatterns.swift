// The names and folders the visible-bytes rules recognise. Sources: the Dockerfile best-practice
// guides (docs.docker.com "Building best practices", ".dockerignore"), the Debian slim image's
// excluded paths, the layout of GCC, Go, Rust and JDK installations.
extension FinalPayload {
    /// Folders of a build context that a `.dockerignore` usually keeps out (rule 5).
    static let contextJunkDirectories: Set<String> = [
        ".git", ".svn", ".hg", ".github", ".gitlab", ".circleci", ".vscode", ".idea",
        "coverage", ".nyc_output", ".pytest_cache", ".mypy_cache", ".tox", "__pycache__",
        "tests", "test", "__tests__", "spec",
    ]

    /// Files of a build context that a `.dockerignore` usually keeps out (rule 5); the label names the pattern.
    static func contextJunkPattern(_ name: String) -> String? {
        if name == "Dockerfile" || name.hasPrefix("Dockerfile.") || name.hasSuffix(".dockerfile") { return "Dockerfile*" }
        if [".dockerignore", "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"].contains(name) { return name }
        if [".gitignore", ".gitattributes", ".gitmodules", ".DS_Store", "Thumbs.db", ".editorconfig"].contains(name) { return name }
        if name.hasSuffix(".log") { return "*.log" }
        if name.hasSuffix(".tmp") { return "*.tmp" }
        if name.hasSuffix(".bak") { return "*.bak" }
        if name.hasSuffix(".swp") { return "*.swp" }
        if name.hasSuffix("~") { return "*~" }
        return nil
    }

    /// First-level folders of the operating system: context junk is not looked for below them.
    static let systemTopLevel: Set<String> = ["usr", "lib", "lib32", "lib64", "libx32", "bin", "sbin", "etc", "var", "proc", "sys", "dev", "run", "boot"]
    /// Folders of installed packages: their `test` folders belong to the packages, not the build context.
    static let packageFolders: Set<String> = ["site-packages", "dist-packages", "node_modules", "vendor", "gems", "pkg"]

    /// Compilers, linkers and build tools (rule 3), after `toolName(_:)` strips the target triple and version.
    static let toolchainTools: Set<String> = [
        "gcc", "g++", "c++", "cc", "cpp", "cc1", "cc1plus", "cc1obj", "collect2", "lto1", "lto-wrapper", "gfortran",
        "clang", "clang++", "ld", "ld.bfd", "ld.gold", "ld.lld", "make", "gmake", "cmake", "ninja", "meson",
        "rustc", "cargo", "javac", "node-gyp",
    ]

    /// binutils' and GCC's other tools, named with their target triple (`x86_64-linux-gnu-as`,
    /// `x86_64-linux-gnu-lto-dump-12`): toolchain only under such a name.
    static let targetTools: Set<String> = [
        "as", "ar", "nm", "objdump", "objcopy", "readelf", "strip", "ranlib", "addr2line", "c++filt", "elfedit", "size",
        "strings", "gprof", "gprofng", "dwp", "lto-dump", "gcov", "gcov-tool", "gcov-dump", "gcc-ar", "gcc-nm", "gcc-ranlib",
        "gp-archive", "gp-collect-app", "gp-display-html", "gp-display-src", "gp-display-text",
    ]

    /// `x86_64-linux-gnu-gcc-12` → `gcc`; `clang-16` → `clang`; other names unchanged.
    static func toolName(_ name: String) -> String {
        var parts = name.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if let linux = parts.firstIndex(of: "linux"), linux > 0, linux + 1 < parts.count {
            var next = linux + 1
            if next < parts.count - 1, parts[next].hasPrefix("gnu") || parts[next].hasPrefix("musl") { next += 1 }
            parts = Array(parts[next...])
        }
        while parts.count > 1, let last = parts.last, last.first?.isNumber == true, last.allSatisfy({ $0.isNumber || $0 == "." }) {
            parts.removeLast()
        }
        return parts.joined(separator: "-")
    }

    /// Folders that hold a whole toolchain (GCC's internals, Go with Debian's source tree, Rust, a JDK's modules, node-gyp's headers).
    static func isToolchainDirectory(path: String, name: String, parentName: String) -> Bool {
        if name == "gcc", parentName == "lib" || parentName == "libexec" { return true }
        if ["usr/local/go", "usr/lib/go", "usr/share/go", "usr/local/rustup", "root/.rustup", "root/.cache/node-gyp"].contains(path) { return true }
        // Debian's Go: GOROOT in /usr/lib/go-1.19, its standard library's sources in /usr/share/go-1.19 (GOROOT/src links there)
        for root in ["usr/lib/go-", "usr/share/go-"] where path.hasPrefix(root) && !path.dropFirst(root.count).contains("/") { return true }
        return name == "jmods" || name == "node-gyp" || name == ".node-gyp"
    }

    static let headerSuffixes = [".h", ".hh", ".hpp", ".hxx"]

    /// Documentation, man pages and locales that slim bases leave out (rule 10).
    static let documentationDirectories: Set<String> = [
        "usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "usr/share/i18n/locales",
        "usr/share/gtk-doc", "usr/share/help", "usr/local/share/man", "usr/local/share/doc",
    ]
    static let documentationFiles: Set<String> = ["usr/lib/locale/locale-archive"]

    /// Archive and package suffixes (rule 11).
    static let archiveSuffixes = [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar.zst", ".zip", ".deb", ".rpm", ".whl", ".apk"]

    /// The last extensions of `archiveSuffixes`, a quick first test.
    static let archiveExtensions: Set<Substring> = ["tar", "gz", "tgz", "xz", "txz", "bz2", "tbz2", "zst", "zip", "deb", "rpm", "whl", "apk"]

    /// Words of a command that unpack or install an archive named in it.
    static let unpackVerbs = ["tar ", "tar -", "unzip", "dpkg -i", "dpkg --install", "apt install ./", "apt-get install ./",
                              "pip install", "pip3 install", "rpm -i", "rpm -U", "bsdtar", "gunzip", "7z x", "apk add --allow-untrusted"]

    /// `core` or `core.<pid>`.
    static func isCoreDump(_ name: String) -> Bool {
        name == "core" || (name.hasPrefix("core.") && name.count > 5 && name.dropFirst(5).allSatisfy(\.isNumber))
    }
}
