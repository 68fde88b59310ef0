/// Advice from the package databases: an `apt-get install` (or `apt install`) without
/// `--no-install-recommends` whose layer installed packages that the requested ones only recommend
/// (Debian policy 7.2: Recommends are "found together with this one in all but unusual installations",
/// not required). Measured: the recommended packages' bytes in that layer. Not flagged when the command
/// or the image's apt configuration (`APT::Install-Recommends "false"` in `/etc/apt/apt.conf.d/`) turns
/// recommends off, or when nothing was installed only as a recommendation.
enum RecommendsRule {
    /// A layer's apt install that brought recommended packages.
    struct Hit: Sendable {
        var layer: Int
        /// The recommended-only packages with their bytes in that layer, largest first.
        var packages: [(name: String, bytes: Int64, files: Int)]
        /// Their largest files written in that layer (leading `/`), largest first.
        var largestFiles: [(path: String, bytes: Int64)] = []
        var bytes: Int64 { packages.reduce(0) { $0 + $1.bytes } }
    }

    /// True when `command` installs with apt and does not turn recommends off.
    static func installsRecommends(_ command: String) -> Bool {
        let words = command.split(whereSeparator: { " \t\n;&|".contains($0) }).map(String.init)
        guard let i = words.firstIndex(where: { $0 == "apt-get" || $0 == "apt" || $0.hasSuffix("/apt-get") || $0.hasSuffix("/apt") }),
              words[i...].contains("install") else { return false }
        let off = ["--no-install-recommends", "APT::Install-Recommends=false", "APT::Install-Recommends=0",
                   "Apt::Install-Recommends=false", "APT::Install-Recommends=no"]
        return !words.contains { w in off.contains { w.contains($0) } }
    }

    /// True when an apt.conf text sets `APT::Install-Recommends` to false.
    static func configTurnsOff(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard let r = lower.range(of: "apt::install-recommends") else { return false }
        let rest = lower[r.upperBound...].prefix(40)
        return rest.contains("\"false\"") || rest.contains("\"0\"") || rest.contains("\"no\"") || rest.contains(" false")
    }

    /// The packages that layer `layer` installed only because something recommends them: not reachable
    /// from the requested packages through Depends/Pre-Depends, reachable through Recommends.
    static func recommendedOnly(installed: [InstalledPackage], all: [InstalledPackage], requested: Set<String>) -> Set<String> {
        let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func closure(_ start: Set<String>, recommends: Bool) -> Set<String> {
            var seen = start
            var stack = Array(start)
            while let n = stack.popLast() {
                guard let p = byName[n] else { continue }
                for d in p.depends + (recommends ? p.recommends : []) where !seen.contains(d) {
                    seen.insert(d)
                    stack.append(d)
                }
            }
            return seen
        }
        let needed = closure(requested, recommends: false)
        let wanted = closure(requested, recommends: true)
        let here = Set(installed.map(\.name))
        return here.intersection(wanted).subtracting(needed)
    }
}
