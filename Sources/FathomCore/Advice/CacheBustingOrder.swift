// Rule 8: the whole build context copied before the dependency install step, so every source
// change re-runs the install (Docker documentation, "Optimizing builds with cache management":
// copy the dependency manifests first, install, then copy the rest).
extension Advisor {
    struct Ecosystem {
        var name: String
        var manifests: Set<String>
        /// Substrings of a RUN command that install this ecosystem's dependencies.
        var installs: [String]
        var snippet: String
    }

    static let ecosystems: [Ecosystem] = [
        Ecosystem(name: "npm", manifests: ["package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"],
                  installs: ["npm ci", "npm install", "npm i ", "yarn install", "yarn --frozen-lockfile", "pnpm install", "pnpm i "],
                  snippet: "COPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . ."),
        Ecosystem(name: "pip", manifests: ["requirements.txt", "Pipfile", "Pipfile.lock", "pyproject.toml", "poetry.lock"],
                  installs: ["pip install -r", "pip3 install -r", "pip install --no-cache-dir -r", "pip3 install --no-cache-dir -r", "poetry install", "pipenv install"],
                  snippet: "COPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . ."),
        Ecosystem(name: "Go modules", manifests: ["go.mod", "go.sum"], installs: ["go mod download"],
                  snippet: "COPY go.mod go.sum ./\nRUN go mod download\nCOPY . ."),
        Ecosystem(name: "Bundler", manifests: ["Gemfile", "Gemfile.lock"], installs: ["bundle install"],
                  snippet: "COPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . ."),
        Ecosystem(name: "Maven", manifests: ["pom.xml"], installs: ["mvn dependency:", "mvn -B dependency:", "mvn -q dependency:"],
                  snippet: "COPY pom.xml ./\nRUN mvn -B dependency:go-offline\nCOPY src ./src"),
        Ecosystem(name: "Composer", manifests: ["composer.json", "composer.lock"], installs: ["composer install"],
                  snippet: "COPY composer.json composer.lock ./\nRUN composer install --no-dev\nCOPY . ."),
        Ecosystem(name: "Cargo", manifests: ["Cargo.toml", "Cargo.lock"], installs: ["cargo fetch"],
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
                      eco.installs.contains(where: { cmd.contains($0) }) else { continue }
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
