/// An image-wide figure in OLD and NEW.
public struct Compared<Value: Sendable & Numeric>: Sendable {
    public var old: Value
    public var new: Value
    /// `new − old`.
    public var delta: Value { new - old }
}

/// The image-wide figures of OLD and NEW side by side (the same figures as one image's analysis).
public struct DiffTotals: Sendable {
    /// Regular-file bytes visible in the final filesystem.
    public var finalBytes: Compared<Int64>
    /// Regular-file bytes shipped by all layers.
    public var shippedBytes: Compared<Int64>
    /// Bytes shipped that the final filesystem does not show.
    public var reclaimableBytes: Compared<Int64>
    /// dive's efficiency score (0…1).
    public var efficiency: Compared<Double>
    /// dive's wasted bytes.
    public var wastedBytes: Compared<Int64>
    /// Number of layers.
    public var layers: Compared<Int>

    /// Growth of the final bytes relative to OLD (0.1 = 10 %); nil when OLD's final bytes are 0.
    public var growthRatio: Double? {
        finalBytes.old == 0 ? nil : Double(finalBytes.delta) / Double(finalBytes.old)
    }

    public init(old: Analysis, new: Analysis) {
        finalBytes = Compared(old: old.finalBytes, new: new.finalBytes)
        shippedBytes = Compared(old: old.shippedBytes, new: new.shippedBytes)
        reclaimableBytes = Compared(old: old.reclaimableBytes, new: new.reclaimableBytes)
        efficiency = Compared(old: old.dive.metrics.efficiency, new: new.dive.metrics.efficiency)
        wastedBytes = Compared(old: old.dive.metrics.wastedBytes, new: new.dive.metrics.wastedBytes)
        layers = Compared(old: old.image.layers.count, new: new.image.layers.count)
    }
}
