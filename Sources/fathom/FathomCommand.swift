import ArgumentParser
import FathomCore
import Foundation

/// `fathom IMAGE`: the command line.
struct FathomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fathom",
        abstract: "Explore a container image layer by layer, and find the bytes it ships for nothing.",
        discussion: """
        IMAGE is an image archive: a `docker save` tarball (any Docker version), an OCI image
        layout (buildx, skopeo, podman, kaniko), either one gzip- or zstd-compressed, an
        extracted layout given as a directory, or `-` to read the archive from standard input.

        Examples:
          fathom wasteful.tar                       summary of the image in wasteful.tar
          docker save app:1 | fathom -              read the archive from a pipe, in one pass
          fathom --image b:2 multi.tar              choose one image of several
          fathom --platform linux/arm64 oci.tar     choose one platform of a multi-platform index
          fathom --verify app.tar                   recompute every diff ID and check it

        Exit codes: 0 success; 2 the input cannot be read or holds no usable image.
        """,
        version: "0.1.0"
    )

    @Argument(help: ArgumentHelp("The image archive, directory, or - for standard input.", valueName: "IMAGE"))
    var imagePath: String

    @Option(name: .customLong("image"),
            help: ArgumentHelp("Choose one image of several: NAME[:TAG] (:latest implied) or a digest (sha256:…).",
                               valueName: "NAME[:TAG]"))
    var imageName: String?

    @Option(help: ArgumentHelp("Choose one platform of a multi-platform index, e.g. linux/arm64/v8. Default: the only one, else the host's.",
                               valueName: "os/arch[/variant]"))
    var platform: String?

    @Option(name: [.customShort("j"), .customLong("json")],
            help: ArgumentHelp("Write the JSON report (dive's `layer` and `image`, plus fathom's `fathom` object) to PATH, or - for standard output.",
                               valueName: "PATH"))
    var jsonPath: String?

    @Flag(help: "Recompute every layer's diff ID (SHA-256 of the uncompressed layer) and fail if it differs from the config's rootfs.diff_ids.")
    var verify = false

    func run() throws {
        var wantedPlatform: Platform? = nil
        if let platform {
            guard let p = Platform(parsing: platform) else {
                fail("--platform: '\(platform)' is not os/arch[/variant]")
            }
            wantedPlatform = p
        }
        let options = LoadOptions(imageName: imageName, platform: wantedPlatform, verify: verify)
        let image: Image
        do {
            image = try ImageLoader.load(path: imagePath, options: options)
        } catch let e as ArchiveError {
            fail(e.description)
        } catch let e as ImageError {
            fail(e.description)
        } catch {
            fail("\(imagePath): \(error)")
        }
        let analysis = Analysis(image: image)
        if let jsonPath {
            let bytes = JSONReport.render(analysis) + [0x0A]
            if jsonPath == "-" {
                FileHandle.standardOutput.write(Data(bytes))
                return
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: jsonPath))
            } catch {
                fail("\(jsonPath): cannot write the JSON report: \(error.localizedDescription)")
            }
            return
        }
        FileHandle.standardOutput.write(Data(TextSummary.render(image).utf8))
    }

    /// Prints `fathom: MESSAGE` on one line of standard error and exits 2.
    func fail(_ message: String) -> Never {
        let oneLine = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("fathom: \(oneLine)\n".utf8))
        Foundation.exit(2)
    }
}
