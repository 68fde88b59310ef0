/// Counts the objects of a JSON text without parsing it, so that a document made of a million `{}`
/// (which take kilobytes each once parsed) is refused before Foundation builds it.
public enum JSONObjectCount {
    /// The number of `{` outside strings (the objects, if the text is JSON at all), counted up to `limit + 1`.
    public static func of<C: Collection>(_ bytes: C, limit: Int = Limits.documentObjects) -> Int where C.Element == UInt8 {
        var count = 0
        var inString = false, escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
            } else if b == 0x22 {
                inString = true
            } else if b == 0x7B {
                count += 1
                if count > limit { return count }
            }
        }
        return count
    }

    /// True when `bytes` holds no more than `Limits.documentObjects` objects.
    public static func isWithinLimit<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        of(bytes) <= Limits.documentObjects
    }
}
