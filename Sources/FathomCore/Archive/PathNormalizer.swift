/// Normalises tar member names as bytes (no String, no Unicode folding).
///
/// Rules (DESIGN.md "Format rules"; truth.py rule 1): components `""` and `.`
/// are dropped, so `./x`, `/x` and `x//y` become `x` and `x/y`; a trailing `/`
/// goes; any `..` component is an error. The root (`./`, `/`) normalises to
/// an empty path.
enum PathNormalizer {
    /// Why a name was rejected.
    enum Rejection: Error { case dotDot }

    /// Appends the normalised form of `name` to `out` (which is cleared first).
    /// - Throws: `Rejection.dotDot` for a `..` component.
    static func normalize(_ name: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(Rejection) {
        out.removeAll(keepingCapacity: true)
        let n = name.count
        var i = 0
        while i < n {
            var j = i
            while j < n && name[j] != 0x2F { j += 1 }
            let len = j - i
            if len == 0 || (len == 1 && name[i] == 0x2E) {
                // empty or "." component: dropped
            } else if len == 2 && name[i] == 0x2E && name[i + 1] == 0x2E {
                throw .dotDot
            } else {
                if !out.isEmpty { out.append(0x2F) }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: name[i..<j]))
            }
            i = j + 1
        }
    }

    /// Convenience for tests and small inputs.
    static func normalize(_ name: String) throws(Rejection) -> String {
        var out: [UInt8] = []
        let bytes = Array(name.utf8)
        let result: Result<Void, Rejection> = bytes.withUnsafeBytes { raw in
            do throws(Rejection) {
                try normalize(raw, into: &out)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return String(decoding: out, as: UTF8.self)
    }
}
