/// What one layer did to the filesystem below it (truth.py rule 4; DESIGN.md "Union rules").
///
/// Lists hold nodes of the replay's `PathTable`, in no particular order.
public struct LayerDiff: Sendable {
    /// Paths the layer created (absent below).
    public var added: [PathTable.NodeID] = []
    /// Paths whose type, content digest, link target or device numbers changed.
    public var modified: [PathTable.NodeID] = []
    /// Paths rewritten with the same content but another mode, uid or gid.
    public var metadataOnly: [PathTable.NodeID] = []
    /// Paths rewritten identically.
    public var unchanged: [PathTable.NodeID] = []
    /// Every path of the filesystem below that this layer removed (subtrees listed in full).
    public var removed: [PathTable.NodeID] = []
    /// The state each removed path had below, parallel to `removed`.
    public var removedStates: [NodeState] = []
    /// Bytes of the regular files this layer added, and wrote over other content.
    public var addedBytes: Int64 = 0
    public var modifiedBytes: Int64 = 0
    /// Regular files rewritten with the same content and another mode or owner, and their bytes.
    public var metadataOnlyFiles = 0
    public var metadataOnlyBytes: Int64 = 0
}
