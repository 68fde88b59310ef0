import Foundation

// Rule 8: the whole build context copied before the dependency install step, so every source
// change re-runs the install (Docker documentation, "Optimizing builds with cache management":
// copy the dependency manifests first, install, then copy the rest).
extension Advisor {
    struct Ecosystem {
        var name: String
        var manifests: Set<String>
        /// The tools and subcommands that install this ecosystem's dependencies: `["pip", "install"]`
        /// matches `pip3 install --break-system-packages -r requirements.txt` and `python -m pip install …`
        /// (`InstallCommand.runs`), whatever their options.
        var installs: [[String]]
        var snippet: String
    }

    static let ecosystems: [Ecosystem] = [
        Ecosystem(name: "npm", manifests: ["package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"],
                  installs: [["npm", "ci"], ["npm", "install"], ["npm", "i"], ["yarn", "install"], ["pnpm", "install"], ["pnpm", "i"]],
                  snippet: "COPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . ."),
        Ecosystem(name: "pip", manifests: ["requirements.txt", "Pipfile", "Pipfile.lock", "pyproject.toml", "poetry.lock"],
                  installs: [["pip", "install"], ["uv", "pip"], ["uv", "sync"], ["poetry", "install"], ["pipenv", "install"], ["pipenv", "sync"]],
                  snippet: "COPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . ."),
        Ecosystem(name: "Go modules", manifests: ["go.mod", "go.sum"], installs: [["go", "mod"], ["go", "build"], ["go", "install"]],
                  snippet: "COPY go.mod go.sum ./\nRUN go mod download\nCOPY . ."),
        Ecosystem(name: "Bundler", manifests: ["Gemfile", "Gemfile.lock"], installs: [["bundle", "install"]],
                  snippet: "COPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . ."),
        Ecosystem(name: "Maven", manifests: ["pom.xml"], installs: [["mvn"], ["mvnw"]],
                  snippet: "COPY pom.xml ./\nRUN mvn -B dependency:go-offline\nCOPY src ./src"),
        Ecosystem(name: "Gradle", manifests: ["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"],
                  installs: [["gradle"], ["gradlew"]],
                  snippet: "COPY build.gradle settings.gradle ./\nRUN gradle --no-daemon dependencies\nCOPY src ./src"),
        Ecosystem(name: "Composer", manifests: ["composer.json", "composer.lock"], installs: [["composer", "install"]],
                  snippet: "COPY composer.json composer.lock ./\nRUN composer install --no-dev\nCOPY . ."),
        Ecosystem(name: "Cargo", manifests: ["Cargo.toml", "Cargo.lock"], installs: [["cargo", "fetch"], ["cargo", "build"]],
                  snippet: "COPY Cargo.toml Cargo.lock ./\nRUN cargo fetch\nCOPY . ."),
    ]

    /// A RUN that installs dependencies after the COPY layer that last brought in their manifest
    /// together with other files. Claims no bytes: the cost is build time, not image size.
    static func cacheBustingOrder(_ a: AdviceInput) -> [Finding] {
        var out: [Finding] = []
        let layers = a.image.layers
        for eco in ecosystems {
            for install in layers.indices {
                guard !FinalPayload.isCopyLayer(a, install), let cmd = layers[install].createdBy,
                      eco.installs.contains(where: { InstallCommand.runs($0, in: cmd) }) else { continue }
                // the latest COPY layer before the install that brought in a manifest
                var copied: (layer: Int, manifests: [String], others: Int)?
                for layer in stride(from: install - 1, through: 0, by: -1) where FinalPayload.isCopyLayer(a, layer) {
                    let c = layers[layer].blob.changeset
                    var manifests: [String] = [], others = 0
                    for row in 0..<c.count where c.kinds[row] == .file {
                        let p = c.path(row)
                        let name = p.split(separator: "/").last.map(String.init) ?? p
                        if eco.manifests.contains(name) { manifests.append("/" + p) } else { others += 1 }
                    }
                    if !manifests.isEmpty { copied = (layer, manifests, others); break }
                }
                guard let copied, copied.others > 0 else { continue }
                let installBytes = a.layerFigures[install].addedBytes + a.layerFigures[install].modifiedBytes
                out.append(Finding(
                    rule: "cache-busting-order", severity: .low,
                    title: "Layer \(copied.layer) copies the whole build context before layer \(install) installs \(eco.name) dependencies: "
                        + "any source change re-runs the install (\(ByteFormat.si(installBytes)))",
                    layers: [copied.layer, install],
                    paths: copied.manifests.sorted().prefix(10).map { Finding.PathBytes(path: $0, bytes: 0) },
                    pathCount: copied.manifests.count, reclaimableBytes: 0,
                    fix: "Copy the dependency manifests first, install, then copy the rest (\(commands(a, [copied.layer, install]))).",
                    snippet: eco.snippet))
                break
            }
        }
        return out
    }
}

/// Commands a RUN step runs, as words: the shell's separators split it into simple commands.
enum InstallCommand {
    /// True when some simple command of `shell` runs `pattern[0]` (a tool, its name with a version suffix
    /// or a path: `pip3`, `/usr/bin/pip3.11`, `./gradlew`, or `python -m pip`) and then, among its later words
    /// that are not options, `pattern[1]` if there is one.
    static func runs(_ pattern: [String], in shell: String) -> Bool {
        guard let tool = pattern.first else { return false }
        for command in simpleCommands(shell) {
            var words = command
            // `python3 -m pip install …` runs pip
            if let py = words.first, isTool("python", py), words.count > 2, words[1] == "-m" { words = Array(words.dropFirst(2)) }
            // env VAR=value, sudo, the shell's own wrappers
            while let w = words.first, w == "sudo" || w == "env" || w == "exec" || (w.contains("=") && !w.hasPrefix("-")) { words.removeFirst() }
            guard let first = words.first, isTool(tool, first) else { continue }
            guard pattern.count > 1 else { return true }
            let sub = words.dropFirst().first { !$0.hasPrefix("-") }
            // a bare `yarn` or `bundle` installs too
            if sub == pattern[1] || (sub == nil && pattern[1] == "install") { return true }
        }
        return false
    }

    /// `name` as a command word: `pip`, `pip3`, `pip3.11`, `/usr/local/bin/pip`, `./gradlew`.
    static func isTool(_ name: String, _ word: String) -> Bool {
        let base = word.split(separator: "/").last.map(String.init) ?? word
        guard base.hasPrefix(name) else { return false }
        return base.dropFirst(name.count).allSatisfy { $0.isNumber || $0 == "." }
    }

    /// The words of each simple command of a shell line (`&&`, `||`, `;`, `|` and newlines split them;
    /// quotes are dropped, not parsed).
    static func simpleCommands(_ shell: String) -> [[String]] {
        var text = shell
        if text.hasPrefix("RUN ") { text.removeFirst(4) }
        if text.hasPrefix("|") { text = String(text.drop { $0 != " " }) }   // BuildKit's `|2 ARG=… /bin/sh -c …`
        if let shell = text.range(of: "/bin/sh -c ") { text = String(text[shell.upperBound...]) }
        if let comment = text.range(of: " # buildkit", options: .backwards) { text = String(text[..<comment.lowerBound]) }
        for separator in ["&&", "||", ";", "|", "\n", "\\\n"] { text = text.replacingOccurrences(of: separator, with: "\u{0}") }
        return text.split(separator: "\u{0}").map { part in
            part.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\"'()")) }
                .filter { !$0.isEmpty && $0 != "\\" }
        }.filter { !$0.isEmpty }
    }
}
