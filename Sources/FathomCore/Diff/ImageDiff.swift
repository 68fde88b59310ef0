import Foundation

/// `fathom diff OLD NEW`: what changed between two images, what it costs, from two analyses.
public struct ImageDiff: Sendable {
    public let old: Analysis
    public let new: Analysis
    public let layers: LayerComparison
    public let files: FileComparison
    public let totals: DiffTotals
    public let config: ConfigComparison
    /// The advice of both, rule by rule (empty when the analyses were made without advice).
    public let advice: AdviceComparison
    /// The packages of both (empty when neither analysis read its package databases).
    public let packages: PackageComparison

    /// Compares two analysed images.
    public init(old: Analysis, new: Analysis) {
        self.old = old
        self.new = new
        layers = LayerComparison(old: old.image, new: new.image)
        files = FileComparison(old: old.replay, new: new.replay)
        totals = DiffTotals(old: old, new: new)
        config = ConfigComparison(old: old.image.config, new: new.image.config)
        advice = AdviceComparison(old: old.advice, new: new.advice)
        packages = PackageComparison(old: old.packages, new: new.packages)
    }

    /// Loads and analyses both images at the same time (two threads), then compares them.
    /// - Throws: `ImageDiff.LoadError` for OLD's error if it has one, else NEW's.
    /// - Parameter loader: reads one image (default: an archive path; the CLI passes its sources: engine, registry).
    public static func load(old oldPath: String, new newPath: String, oldOptions: LoadOptions = LoadOptions(),
                            newOptions: LoadOptions = LoadOptions(),
                            loader: @escaping @Sendable (String, LoadOptions) throws -> Image = { try ImageLoader.load(path: $0, options: $1) })
        throws -> ImageDiff {
        // threads of their own (Concurrent), not the global queue: a load blocks on its layer workers
        let loads = [(oldPath, oldOptions), (newPath, newOptions)].map { path, options in
            Concurrent<Result<Analysis, any Error>> {
                Result {
                    do {
                        var a = Analysis(image: try loader(path, options))
                        a.readPackages()
                        return a
                    } catch {
                        throw LoadError(path: path, underlying: error)
                    }
                }
            }
        }
        let (old, new) = (loads[0].value, loads[1].value)
        return ImageDiff(old: try old.get(), new: try new.get())
    }

    /// Why OLD or NEW could not be loaded.
    public struct LoadError: Error, CustomStringConvertible {
        /// The archive as the user named it.
        public var path: String
        public var underlying: any Error
        /// `FILE: what is wrong` (archive and image errors already start with the file).
        public var description: String {
            switch underlying {
            case let e as ArchiveError: e.description
            case let e as ImageError: e.description
            case let e as CustomStringConvertible where "\(e)".hasPrefix(path): "\(e)"   // source errors name the reference
            default: "\(path): \(underlying)"
            }
        }
    }
}
