import Foundation

/// `fathom diff OLD NEW`: what changed between two images, what it costs, from two analyses.
public struct ImageDiff: Sendable {
    public let old: Analysis
    public let new: Analysis
    public let layers: LayerComparison
    public let files: FileComparison
    public let totals: DiffTotals
    public let config: ConfigComparison

    /// Compares two analysed images.
    public init(old: Analysis, new: Analysis) {
        self.old = old
        self.new = new
        layers = LayerComparison(old: old.image, new: new.image)
        files = FileComparison(old: old.replay, new: new.replay)
        totals = DiffTotals(old: old, new: new)
        config = ConfigComparison(old: old.image.config, new: new.image.config)
    }

    /// Loads and analyses both images at the same time (two threads), then compares them.
    /// - Throws: `ImageDiff.LoadError` for OLD's error if it has one, else NEW's.
    /// - Parameter loader: reads one image (default: an archive path; the CLI passes its sources: engine, registry).
    public static func load(old oldPath: String, new newPath: String, oldOptions: LoadOptions = LoadOptions(),
                            newOptions: LoadOptions = LoadOptions(),
                            loader: @escaping @Sendable (String, LoadOptions) throws -> Image = { try ImageLoader.load(path: $0, options: $1) })
        throws -> ImageDiff {
        let results = ResultPair()
        let group = DispatchGroup()
        for (slot, path, options) in [(0, oldPath, oldOptions), (1, newPath, newOptions)] {
            DispatchQueue.global().async(group: group) {
                results.set(slot, Result {
                    // no advice: the comparison never shows it, and it costs as much as the replay
                    do { return Analysis(image: try loader(path, options), advice: false) } catch {
                        throw LoadError(path: path, underlying: error)
                    }
                })
            }
        }
        group.wait()
        let (old, new) = results.both()
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

/// The two analyses as their threads finish them.
private final class ResultPair: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Analysis, any Error>?] = [nil, nil]

    func set(_ slot: Int, _ result: Result<Analysis, any Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[slot] = result
    }

    func both() -> (Result<Analysis, any Error>, Result<Analysis, any Error>) {
        lock.lock(); defer { lock.unlock() }
        return (slots[0]!, slots[1]!)
    }
}
