import Foundation

/// glibc malloc's tunables, declared in `<malloc.h>` (which the Glibc module does not import).
public enum Malloc {
    /// Caps glibc's malloc arenas at the number of layers decoded at once (`LayerDecodePool.defaultWorkers`),
    /// unless `MALLOC_ARENA_MAX` is set. glibc's default, 8 per core, gives most new threads an arena of
    /// their own whose freed pages stay resident: on a small image (35,384 entries) that was 5 MB of a
    /// 41 MB peak (`mallopt(3)`, `M_ARENA_MAX`). Call it before any thread starts.
    public static func limitArenas() {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }   // not ProcessInfo's copy of the whole environment
        _ = mallopt(-8 /* M_ARENA_MAX */, Int32(LayerDecodePool.defaultWorkers))
    }

    /// Returns the free memory of every arena to the system (`malloc_trim(3)`).
    static func trim() { _ = malloc_trim(0) }
}

@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

@_silgen_name("malloc_trim")
private func malloc_trim(_ pad: Int) -> Int32
