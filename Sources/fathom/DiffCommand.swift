import ArgumentParser
import FathomCore
import FathomSources
import FathomTUI
import Foundation

/// `fathom diff OLD NEW`: compares two images. Parsed on its own (main.swift dispatches on a first
/// argument `diff`) because the root command's positional IMAGE would swallow a subcommand name.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two images: what changed, what it costs, and a growth gate.",
        usage: "fathom diff OLD NEW [--top N] [--image NAME[:TAG]] [--platform os/arch[/variant]] [--verify]\n       [--json PATH|-] [--ci [--ci-config FILE] [RULE FLAGS]]",
        discussion: """
        OLD and NEW are image archives of any layout fathom reads (docker save of any Docker version, OCI layouts, compressed or not, directories, or - for standard input, for one of the two). An image file literally named `diff` is given as ./diff.

        On a terminal, a view of its own: the summary and the union of both final filesystems as a tree with bytes before, after and the delta (c: changed only / all paths, Ctrl+O: sort by delta, q quits). On a pipe, the text (or the JSON `diff` object) shows:
        - Layers: which of NEW's layers OLD already has (same diff ID); the blob bytes a host that has OLD must download (as stored: compressed, or uncompressed where the archive stores layers uncompressed); the first cache miss (the history command of NEW's first layer after the shared chain).
        - Totals: final, shipped and reclaimable bytes, dive's efficiency and wasted bytes, layer count: OLD, NEW and the delta.
        - Config: user, entrypoint, cmd, exposed ports, env keys added, removed or with a new value (values are never shown).
        - Files: the final filesystems compared (added, removed, modified by content digest, metadata-only, type changed); the largest deltas per path and per directory (--top N).

        Examples:
          fathom diff app-1.0.tar app-1.1.tar
          fathom diff --top 50 old.tar new.oci.tar
          fathom diff --json diff.json old.tar new.tar
          fathom diff --ci --highestGrowthBytes 20MB --highestDownloadBytes 50MiB old.tar new.tar

        CI rules: thresholds come from the flags, else the `diff:` key of the --ci-config file (dive's .dive-ci YAML; `rules:` there is checked but is for `fathom IMAGE --ci`), else off.
          highestGrowthBytes    fail if NEW's final bytes - OLD's > value
                                (20MB is 20,000,000; 20MiB is 20,971,520)
          highestGrowthPercent  fail if that growth / OLD's final bytes >
                                value (ratio: 0.1 means 10 %; may exceed 1)
          highestDownloadBytes  fail if the bytes to pull given OLD > value
        CI mode is on with --ci, or when the environment variable CI is true, 1 or yes (with --json, only --ci turns it on).

        Exit codes: 0 success (every rule passed); 1 a rule failed; 2 an input cannot be read, the command line or the CI configuration is invalid.
        """
    )

    @Argument(help: ArgumentHelp("The earlier image: archive, directory, -, or any source fathom IMAGE takes (docker://, registry://, …).", valueName: "OLD"), completion: .file())
    var oldPath: String

    @Argument(help: ArgumentHelp("The later image, the same forms as OLD.", valueName: "NEW"), completion: .file())
    var newPath: String

    @Flag(help: "Plain HTTP for registry:// sources (loopback test registries).")
    var insecure = false

    @OptionGroup var containerd: ContainerdOptions

    @Option(name: .customLong("theme"),
            help: ArgumentHelp("The view's colours: a built-in theme (default, light, high-contrast, dracula, gruvbox, nord) or a theme file.", valueName: "NAME"),
            completion: .list(Theme.builtIns.map(\.name)))
    var themeName: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Registry or engine: give up on a transfer that brings less than 1 KiB/s on average (nothing at all included) for this many seconds (default 30).", valueName: "SECONDS"))
    var timeout: String?

    @Option(help: ArgumentHelp("How many changed paths and directories the text lists (largest absolute delta first).", valueName: "N"))
    var top: Int = 20

    @Option(name: .customLong("image"), help: ArgumentHelp("Choose one image of several, in both archives.", valueName: "NAME[:TAG]"))
    var imageName: String?

    @Option(name: .customLong("old-image"), help: ArgumentHelp("Choose one image of several in OLD only (overrides --image for OLD).", valueName: "NAME[:TAG]"))
    var oldImageName: String?

    @Option(name: .customLong("new-image"), help: ArgumentHelp("Choose one image of several in NEW only (overrides --image for NEW).", valueName: "NAME[:TAG]"))
    var newImageName: String?

    @Option(help: ArgumentHelp("Choose one platform of a multi-platform index, in both archives.", valueName: "os/arch[/variant]"))
    var platform: String?

    @Flag(help: "Recompute every layer's diff ID in both images and fail if one differs from its config's.")
    var verify = false

    @Option(name: [.customShort("j"), .customLong("json")],
            help: ArgumentHelp("Write the comparison as JSON (a top-level `diff` object) to PATH, or - for standard output.", valueName: "PATH"), completion: .file())
    var jsonPath: String?

    @Option(name: .customLong("html"),
            help: ArgumentHelp("Write the comparison as a self-contained HTML page (totals, layer reuse, advice and package changes, the largest changes) to PATH, or - for standard output.", valueName: "PATH"),
            completion: .file())
    var htmlPath: String?

    @Flag(help: "Run the growth gate: print the comparison and the rule results; exit 1 when a rule fails.")
    var ci = false

    @Option(name: .customLong("ci-config"), help: ArgumentHelp("The CI rules file (dive's .dive-ci YAML; the diff rules under `diff:`).", valueName: "FILE"), completion: .file())
    var ciConfigPath: String = ".dive-ci"

    @Option(name: [.customLong("highestGrowthBytes"), .customLong("highest-growth-bytes")],
            help: ArgumentHelp("CI rule: highest allowed growth of the final bytes (e.g. 20MB, 20MiB, or disabled).", valueName: "BYTES"))
    var highestGrowthBytes: String?

    @Option(name: [.customLong("highestGrowthPercent"), .customLong("highest-growth-percent")],
            help: ArgumentHelp("CI rule: highest allowed growth / OLD's final bytes (ratio: 0.1 = 10 %, or disabled).", valueName: "RATIO"))
    var highestGrowthPercent: String?

    @Option(name: [.customLong("highestDownloadBytes"), .customLong("highest-download-bytes")],
            help: ArgumentHelp("CI rule: highest allowed bytes to pull given OLD (e.g. 50MB, or disabled).", valueName: "BYTES"))
    var highestDownloadBytes: String?

    func validate() throws {
        if top < 0 { throw ValidationError("--top: \(top) is negative; give how many paths to list (0 or more)") }
        if oldPath == "-" && newPath == "-" { throw ValidationError("OLD and NEW cannot both be - (standard input is read once)") }
        if jsonPath == "-" && htmlPath == "-" { throw ValidationError("--json - and --html - cannot both write to standard output") }
    }

    func run() throws {
        for path in [oldPath, newPath] { CommandSupport.refuseTerminalInput(path) }
        var options = LoadOptions(imageName: imageName, verify: verify)
        if let platform {
            guard let p = Platform(parsing: platform) else { fail("--platform: '\(platform)' is not os/arch[/variant]") }
            options.platform = p
        }
        var oldOptions = options, newOptions = options
        if let oldImageName { oldOptions.imageName = oldImageName }
        if let newImageName { newOptions.imageName = newImageName }
        let ciMode = ci || (jsonPath == nil && FathomCommand.environmentEnablesCI())
        var rules = DiffRuleConfig()
        var ciConfigLine = "  Using default CI config"
        if ciMode {
            do {
                var config = CIConfig()
                ciConfigLine = try CommandSupport.applyCIConfigFile(ciConfigPath, to: &config)
                rules = config.diff
                let flags: [(String, String?, DiffRule)] = [
                    ("--highestGrowthBytes", highestGrowthBytes, .highestGrowthBytes),
                    ("--highestGrowthPercent", highestGrowthPercent, .highestGrowthPercent),
                    ("--highestDownloadBytes", highestDownloadBytes, .highestDownloadBytes),
                ]
                for (flag, value, rule) in flags {
                    if let value { try rules.apply(flag: flag, value: value, rule: rule) }
                }
            } catch let e as CIConfigError {
                fail(e.description)
            }
        }

        if CommandSupport.wantsTerminalUI(ciMode: ciMode, jsonPath: jsonPath ?? htmlPath) {
            let (old, new, loader) = (oldPath, newPath, sourceLoader)
            let (oldLoadOptions, newLoadOptions) = (oldOptions, newOptions)
            let outcome = CursesTerminal.run(title: "\(old) and \(new)", theme: CommandSupport.theme(flag: themeName), load: { _ in
                try ImageDiff.load(old: old, new: new, oldOptions: oldLoadOptions, newOptions: newLoadOptions, loader: loader)
            }, makeScreen: { diff, width, height in DiffScreen(diff: diff, width: width, height: height) })
            switch outcome {
            case .quit: return
            case .cancelled: throw ExitCode(130)
            case let .failed(e as ImageDiff.LoadError): fail(e.description)
            case let .failed(e): fail("\(e)")
            }
        }

        let diff: ImageDiff
        do {
            diff = try ImageDiff.load(old: oldPath, new: newPath, oldOptions: oldOptions, newOptions: newOptions, loader: sourceLoader)
        } catch let e as ImageDiff.LoadError {
            fail(e.description)
        }

        if let jsonPath { CommandSupport.writeJSON(DiffJSONReport.render(diff), to: jsonPath) }
        let gate = ciMode ? DiffGate(diff: diff, config: rules) : nil
        if let htmlPath {
            let page = DiffHTMLReport.render(diff, gate: gate)
            CommandSupport.streamJSON(to: htmlPath) { sink in page.withUnsafeBytes { sink($0) } }
        }
        if let gate {
            // With `--json -` (or `--html -`) that owns standard output; the gate's text goes to standard error.
            let toStderr = jsonPath == "-" || htmlPath == "-"
            let color = FathomCommand.useColor(fd: toStderr ? 2 : 1)
            let text = ciConfigLine + "\n" + DiffTextReport.render(diff, top: top, color: color) + gate.render(color: color)
            CommandSupport.printOut(TerminalText.forTerminal(text), fd: toStderr ? 2 : 1)
            if !gate.passed { throw ExitCode(1) }
            return
        }
        if jsonPath == nil && htmlPath != "-" {
            CommandSupport.printOut(TerminalText.forTerminal(DiffTextReport.render(diff, top: top, color: FathomCommand.useColor(fd: 1))))
        }
    }

    /// Reads OLD or NEW from any source `fathom IMAGE` takes (an archive path, the engine, a registry).
    var sourceLoader: @Sendable (String, LoadOptions) throws -> Image {
        var sourceOptions = SourceOptions()
        sourceOptions.insecure = insecure
        if let timeout { sourceOptions.timeoutSeconds = CommandSupport.timeoutSeconds(timeout) }
        containerd.apply(to: &sourceOptions)
        let fixed = sourceOptions
        return { argument, options in
            try ImageSources.load(try SourceSpec.parse(argument), options: options, source: fixed)
        }
    }

    /// Prints `fathom: MESSAGE` on one line of standard error and exits 2.
    func fail(_ message: String) -> Never { CommandSupport.fail(message) }
}
