/// Interned path components: every distinct name's bytes stored once, named by a `NameID`.
public struct NameTable: Sendable {
    /// Index of a name in the table.
    public typealias NameID = UInt32
    private var ids: [[UInt8]: NameID] = [:]
    private var bytes: ContiguousArray<UInt8> = []
    private var ends: ContiguousArray<UInt32> = []

    public init() {}

    /// The ID of `name`, adding it when new.
    mutating func intern<C: Collection>(_ name: C) -> NameID where C.Element == UInt8 {
        let key = Array(name)
        if let id = ids[key] { return id }
        let id = NameID(ends.count)
        bytes.append(contentsOf: key)
        ends.append(UInt32(bytes.count))
        ids[key] = id
        return id
    }

    /// The ID of `name` if it was interned.
    func lookup<C: Collection>(_ name: C) -> NameID? where C.Element == UInt8 { ids[Array(name)] }

    /// The bytes of name `id`.
    public func bytes(_ id: NameID) -> ArraySlice<UInt8> {
        let start = id == 0 ? 0 : Int(ends[Int(id) - 1])
        return ArraySlice(bytes[start..<Int(ends[Int(id)])])
    }

    /// Name `id` as text (invalid UTF-8 replaced by U+FFFD).
    public func string(_ id: NameID) -> String { String(decoding: bytes(id), as: UTF8.self) }
}
