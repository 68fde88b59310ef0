/// What an image is built for: `os/architecture[/variant]` (OCI image-index.md "platform").
public struct Platform: Hashable, Sendable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = (variant?.isEmpty ?? true) ? nil : variant
    }

    /// Parses `os/arch[/variant]`; nil when it has fewer than two or more than three parts.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }

    /// True when `self` (a request) selects `candidate`: equal, or the request has no variant and os/arch agree.
    public func selects(_ candidate: Platform) -> Bool {
        os == candidate.os && architecture == candidate.architecture && (variant == nil || variant == candidate.variant)
    }

    /// The platform of the machine fathom runs on (GOOS/GOARCH spelling).
    public static var host: Platform {
        #if arch(arm64)
        Platform(os: "linux", architecture: "arm64")
        #else
        Platform(os: "linux", architecture: "amd64")
        #endif
    }

    /// The index rules for choosing one platform among an index's entries (nil = unknown platform):
    /// the wanted one (exact, else without variant), else the only one, else the host's.
    /// - Returns: The position of the chosen entry.
    /// - Throws: `ImageError.platformNotFound` / `.severalPlatforms`, naming `archive`.
    public static func choose(_ candidates: [Platform?], wanted: Platform?, archive: String) throws -> Int {
        let names = candidates.map { $0?.description ?? "unknown" }
        if let wanted {
            if let exact = candidates.firstIndex(where: { $0 == wanted }) { return exact }
            if let loose = candidates.firstIndex(where: { $0.map(wanted.selects) ?? false }) { return loose }
            throw ImageError.platformNotFound(archive: archive, wanted: wanted.description, platforms: names)
        }
        if candidates.count == 1 { return 0 }
        if let host = candidates.firstIndex(where: { $0.map(Platform.host.selects) ?? false }) { return host }
        throw ImageError.severalPlatforms(archive: archive, platforms: names)
    }
}
