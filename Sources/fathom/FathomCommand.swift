import ArgumentParser
import FathomCore
import FathomSources
import FathomTUI
import Foundation

/// `fathom IMAGE`: the command line.
struct FathomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Explore a container image layer by layer, and find the bytes it ships for nothing.",
        usage: "fathom IMAGE [--source KIND] [--insecure] [--pull] [--image NAME[:TAG]]\n  [--platform os/arch[/variant]] [--verify] [--json PATH|-] [--top N]\n  [--ci [--ci-config FILE] [RULE FLAGS]] [--ci-top N]\nfathom diff OLD NEW [OPTIONS]          compare two images\nfathom cat IMAGE PATH [--layer N]      print a file's bytes\nfathom ls IMAGE [PATH] [-l] [--json]   list a directory\nfathom extract IMAGE [PATH…] -o DIR    write files and subtrees\nfathom init [--flavour F]              write a starter .dive-ci\nfathom help [diff|cat|ls|extract|init]",
        discussion: """
        IMAGE is an image archive: a `docker save` tarball (any Docker version), an OCI image layout (buildx, skopeo, podman, kaniko), either one gzip- or zstd-compressed, an extracted layout given as a directory, or `-` to read the archive from standard input. IMAGE that is not an existing path is an image name the Docker engine is asked for (as dive does). The prefixes docker://NAME, podman://NAME, containerd://NAME (--namespace, --containerd-address), registry://HOST[:PORT]/REPO[:TAG][@sha256:…], docker-archive:PATH, oci-archive:PATH and oci:DIR (or --source) choose explicitly; a registry is read with no engine at all, its layers streamed for the analysis.

        On a terminal, fathom opens the explorer: dive's panes and keys (Tab, arrows, Ctrl+L/Ctrl+A compare modes, Space collapse, Ctrl+A/R/M/U hide statuses, Ctrl+B, Ctrl+O, Ctrl+F or / filter, q), plus ? for every key, a the advice (Enter on a finding jumps to its layer and path), s a size filter, w wasted-only, Enter in the inefficient-files table to jump to the layer that wastes a file, v to view the selected file (text or hex, / searches; not with -: standard input is read once, so give the archive's path or docker://NAME), y and Y to copy its path or its text (OSC 52), and x to extract it or its folder. Key bindings can be changed in $XDG_CONFIG_HOME/fathom/config.yaml (keybinding: quit: "ctrl+c,q", with dive's key names).

        When standard output is not a terminal (a pipe, a file), fathom prints the analysis as text instead: the layers, dive's figures (efficiency, wasted bytes, user wasted percent, inefficient files) and fathom's exact ones (reclaimable bytes, the bytes later layers hide; duplicate content).

        Examples:
          fathom wasteful.tar                 analyse the image in wasteful.tar
          fathom nginx:latest                 ask the Docker engine (DOCKER_HOST)
          fathom registry://ghcr.io/org/app:1 fetch it from a registry
          fathom --insecure registry://127.0.0.1:5000/app:1
                                              a plain-HTTP registry
          docker save app:1 | fathom -        read a pipe, in one pass
          fathom --image b:2 multi.tar        one image of several
          fathom --platform linux/arm64 x.tar one platform of an index
          fathom --verify app.tar             check every layer's diff ID
          fathom --json report.json app.tar   write the JSON report
          fathom --ci --highestWastedBytes 20MB app.tar
                                              gate a pipeline
          fathom diff app-1.0.tar app-1.1.tar what changed between two images
          fathom cat app.tar /etc/os-release  print a file of the image
          fathom ls -l app.tar /usr/bin       list a directory of the image
          fathom extract app.tar /app -o out  write /app under out/

        CI rules: thresholds come from the flags, else the --ci-config file (dive's .dive-ci YAML: `rules:` then one `name: value` line per rule), else the defaults. A value of disabled, off, false or "" turns a rule off.
          lowestEfficiency          fail if efficiency < value
                                    (ratio 0-1; default 0.9)
          highestWastedBytes        fail if wasted bytes > value (20MB is
                                    20,000,000; 20MiB is 20,971,520; default
                                    disabled)
          highestUserWastedPercent  fail if wasted bytes / bytes above the
                                    base layer > value (ratio; default 0.1)
          highestReclaimableBytes   fail if the bytes later layers hide >
                                    value (fathom's; default disabled)
          highestAdviceSeverity     fail if the advice has a finding of this
                                    severity or higher: high, medium, low
                                    (fathom's; --fail-on-advice; default
                                    disabled)
        CI mode is on with --ci, or when the environment variable CI is true, 1 or yes (with --json, only --ci turns it on).

        Exit codes: 0 success (every CI rule passed); 1 a CI rule failed; 2 the input cannot be read or holds no usable image, the command line or the CI configuration is invalid.
        """,
        version: FathomVersion.current,
        // parsed by hand in main.swift (they would clash with IMAGE); listed here for --help and the completions
        subcommands: [DiffCommand.self, CatCommand.self, LsCommand.self, ExtractCommand.self, InitCommand.self]
    )

    @Argument(help: ArgumentHelp("The image: an archive, a layout directory, - for standard input, an image name (the Docker engine), or a prefixed source (docker://, podman://, containerd://, registry://, docker-archive:, oci-archive:, oci:).", valueName: "IMAGE"), completion: .file())
    var imagePath: String

    @OptionGroup var imageOptions: ImageOptions

    @Option(name: [.customShort("j"), .customLong("json")],
            help: ArgumentHelp("Write the JSON report (dive's `layer` and `image`, plus fathom's `fathom` object) to PATH, or - for standard output.",
                               valueName: "PATH"), completion: .file())
    var jsonPath: String?

    @Option(name: .customLong("sbom"),
            help: ArgumentHelp("Write the packages (dpkg, apk) as a CycloneDX 1.5 JSON SBOM to PATH, or - for standard output.", valueName: "PATH|-"),
            completion: .file())
    var sbomPath: String?

    @Option(name: .customLong("html"),
            help: ArgumentHelp("Write a self-contained HTML report (layers as bars, a treemap of the final filesystem, the advice; no network) to PATH, or - for standard output.", valueName: "PATH|-"),
            completion: .file())
    var htmlPath: String?

    @Option(name: .customLong("theme"),
            help: ArgumentHelp("The explorer's colours: default, light, high-contrast, dracula, gruvbox, nord, or a theme file's name (themes/NAME.yaml in the config directory) or path (default: theme: in config.yaml, else default).", valueName: "NAME"),
            completion: .list(Theme.builtIns.map(\.name)))
    var themeName: String?

    @Flag(help: "Run the CI gate: print the analysis and the rule results; exit 1 when a rule fails.")
    var ci = false

    @Option(name: .customLong("ci-config"), help: ArgumentHelp("The CI rules file (YAML, dive's .dive-ci format).", valueName: "FILE"), completion: .file())
    var ciConfigPath: String = ".dive-ci"

    @Option(name: .customLong("ci-top"), help: ArgumentHelp("How many inefficient files the text analysis lists.", valueName: "N"))
    var ciTop: Int = 20

    @Option(help: ArgumentHelp("How many of the final filesystem's largest files and directories the text analysis lists (0: none).", valueName: "N"))
    var top: Int = 10

    @Option(name: .customLong("lowestEfficiency"), help: ArgumentHelp("CI rule: lowest allowed efficiency (ratio 0-1, or disabled).", valueName: "RATIO"))
    var lowestEfficiency: String?

    @Option(name: .customLong("highestWastedBytes"), help: ArgumentHelp("CI rule: highest allowed wasted bytes (e.g. 20MB, 20MiB, or disabled).", valueName: "BYTES"))
    var highestWastedBytes: String?

    @Option(name: .customLong("highestUserWastedPercent"),
            help: ArgumentHelp("CI rule: highest allowed wasted bytes / bytes above the base layer (ratio 0-1, or disabled).", valueName: "RATIO"))
    var highestUserWastedPercent: String?

    @Option(name: [.customLong("highest-reclaimable-bytes"), .customLong("highestReclaimableBytes")],
            help: ArgumentHelp("CI rule (fathom's): highest allowed bytes that later layers hide (e.g. 50MB, or disabled).", valueName: "BYTES"))
    var highestReclaimableBytes: String?

    @Option(name: [.customLong("fail-on-advice"), .customLong("highestAdviceSeverity")],
            help: ArgumentHelp("CI rule (fathom's): fail when the advice has a finding of this severity or higher (high, medium, low, or disabled).", valueName: "SEVERITY"),
            completion: .list(["high", "medium", "low", "disabled"]))
    var failOnAdvice: String?

    /// The image picker: the choice, or nil when the user left it.
    static func pick(_ choices: [ImageChoice], archive: String, theme: Theme) -> ImageChoice? {
        final class Box: @unchecked Sendable { var chosen: ImageChoice? }
        let box = Box()
        let outcome = CursesTerminal.run(title: archive, theme: theme, load: { _ in choices }, makeScreen: { choices, width, height in
            ImagePicker(archive: archive, choices: choices, width: width, height: height)
        }, finished: { box.chosen = $0.chosen })
        if case let .failed(e) = outcome { CommandSupport.fail("\(e)") }
        return box.chosen
    }

    func validate() throws {
        if [jsonPath, sbomPath, htmlPath].filter({ $0 == "-" }).count > 1 {
            throw ValidationError("only one of --json, --sbom and --html can write to standard output (-)")
        }
        if ciTop < 0 { throw ValidationError("--ci-top: \(ciTop) is negative; give how many inefficient files to list (0 or more)") }
        if top < 0 { throw ValidationError("--top: \(top) is negative; give how many of the largest files to list (0 or more)") }
    }

    func run() throws {
        let wantedPlatform = imageOptions.wantedPlatform()
        let ciMode = ci || (jsonPath == nil && Self.environmentEnablesCI())
        var ciConfig = CIConfig()
        var ciConfigLine = "  Using default CI config"
        if ciMode {
            do {
                ciConfigLine = try CommandSupport.applyCIConfigFile(ciConfigPath, to: &ciConfig)
                let flags: [(String, String?, CIRule)] = [
                    ("--lowestEfficiency", lowestEfficiency, .lowestEfficiency),
                    ("--highestWastedBytes", highestWastedBytes, .highestWastedBytes),
                    ("--highestUserWastedPercent", highestUserWastedPercent, .highestUserWastedPercent),
                    ("--highest-reclaimable-bytes", highestReclaimableBytes, .highestReclaimableBytes),
                    ("--fail-on-advice", failOnAdvice, .highestAdviceSeverity),
                ]
                for (flag, value, rule) in flags {
                    if let value { try ciConfig.apply(flag: flag, value: value, rule: rule) }
                }
            } catch let e as CIConfigError {
                fail(e.description)
            }
        }

        let interactive = CommandSupport.wantsTerminalUI(ciMode: ciMode, jsonPath: jsonPath ?? sbomPath ?? htmlPath)
        var bindings = KeyBindings()
        if interactive, let file = CommandSupport.configFile() {
            do { try bindings.apply(yaml: (try? String(contentsOfFile: file, encoding: .utf8)) ?? "", file: file) } catch {
                fail("\(error)")
            }
        }

        let spec = imageOptions.spec(imagePath)
        let theme = interactive || themeName != nil ? CommandSupport.theme(flag: themeName) : .standard   // a bad --theme is an error anywhere
        if interactive {
            var options = LoadOptions(imageName: imageOptions.imageName, platform: wantedPlatform, verify: imageOptions.verify)
            let sourceOptions = imageOptions.sourceOptions()
            while true {
                let chosenOptions = options
                let outcome = CursesTerminal.run(title: imagePath == "-" ? "standard input" : imagePath, bindings: bindings,
                                                 theme: theme) { events in
                    var s = sourceOptions
                    s.progress = { events.progress($0) }
                    var a = Analysis(image: try ImageSources.load(spec, options: events.attach(to: chosenOptions), source: s))
                    a.readPackages()
                    return a
                }
                switch outcome {
                case .quit: return
                case .cancelled: throw ExitCode(130)
                case let .failed(ImageError.severalImages(_, _, choices)) where !choices.isEmpty && imagePath != "-":
                    // several images: a picker, then the explorer on the chosen one (the archive is read again)
                    guard let choice = Self.pick(choices, archive: imagePath, theme: theme) else { throw ExitCode(130) }
                    options.imageName = choice.name
                    if let platform = choice.platform { options.platform = Platform(parsing: platform) }
                case let .failed(e): fail(CommandSupport.describe(e, input: imagePath))
                }
            }
        }

        let image = imageOptions.load(imagePath)
        var analysis = Analysis(image: image)
        // the package databases (only their files) are read once, for every face that shows them
        analysis.readPackages()
        let packages = analysis.packages!
        if let sbomPath {
            PhaseTimer.measure("sbom") { CommandSupport.streamJSON(to: sbomPath) { CycloneDX.write(packages, analysis: analysis, to: $0) } }
        }

        if let jsonPath {
            PhaseTimer.measure("json") { CommandSupport.streamJSON(to: jsonPath) { JSONReport.write(analysis, packages: packages, to: $0) } }
        }
        let gate = ciMode ? CIGate(analysis: analysis, config: ciConfig) : nil
        if let htmlPath {
            let page = PhaseTimer.measure("html") { HTMLReport.render(analysis, gate: gate) }
            CommandSupport.streamJSON(to: htmlPath) { sink in page.withUnsafeBytes { sink($0) } }
        }
        if let gate {
            // With `--json -` the JSON owns standard output; the gate's text goes to standard error.
            let toStderr = jsonPath == "-" || sbomPath == "-" || htmlPath == "-"
            let color = Self.useColor(fd: toStderr ? 2 : 1)
            var text = ciConfigLine + "\n" + TextReport.render(analysis, top: ciTop, largest: top, color: color, packages: packages)
            text += gate.render(color: color)
            CommandSupport.printOut(TerminalText.forTerminal(text), fd: toStderr ? 2 : 1)
            if !gate.passed { throw ExitCode(1) }
            return
        }
        if jsonPath == nil && sbomPath != "-" && htmlPath != "-" {
            CommandSupport.printOut(TerminalText.forTerminal(TextReport.render(analysis, top: ciTop, largest: top, color: Self.useColor(fd: 1),
                                                                               packages: packages)))
        }
    }

    /// The key-binding file: `$XDG_CONFIG_HOME/fathom/config.yaml`, else `~/.config/fathom/config.yaml`, when it exists.
    /// `CI` set to a true value (Go `strconv.ParseBool` true forms, as dive, plus `yes`).
    static func environmentEnablesCI() -> Bool {
        guard let v = ProcessInfo.processInfo.environment["CI"] else { return false }
        return ["1", "t", "true", "yes", "y"].contains(v.lowercased())
    }

    /// Colour only on a terminal and without `NO_COLOR` (no-color.org).
    static func useColor(fd: Int32) -> Bool {
        isatty(fd) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// Prints `fathom: MESSAGE` on one line of standard error and exits 2.
    func fail(_ message: String) -> Never { CommandSupport.fail(message) }
}

/// A one-line progress display on standard error, only when it is a terminal.
final class Progress: @unchecked Sendable {
    let isEnabled = isatty(2) == 1
    private var count = 0
    private let lock = NSLock()

    func show(_ member: String) {
        lock.lock(); defer { lock.unlock() }
        count += 1
        let name = TerminalText.escape(member)
        let short = name.count > 50 ? "…" + name.suffix(49) : name
        CommandSupport.printError("\r\u{1B}[Kfathom: reading blob \(count): \(short)")
    }

    /// A whole status line (a network source: bytes and layers fetched).
    func status(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        count += 1
        CommandSupport.printError("\r\u{1B}[Kfathom: \(TerminalText.escape(line))")
    }

    func clear() {
        guard isEnabled, count > 0 else { return }
        CommandSupport.printError("\r\u{1B}[K")
    }
}
