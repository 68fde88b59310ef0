/// Human-readable byte amounts.
public enum ByteFormat {
    /// SI units like go-humanize `Bytes` (dive's CI output): `6.4 kB`, `13 kB`, `1.2 MB`, `0 B`.
    /// Values under 10 units get one decimal; bases of 1000.
    public static func si(_ bytes: Int64) -> String {
        if bytes < 10 { return "\(bytes) B" }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        let e = Int((log(Double(bytes)) / log(1000.0)).rounded(.down))
        let value = Double(bytes) / pow(1000.0, Double(e))
        // go-humanize rounds twice: to a tenth (half up), then, from 10 on, to a whole number as Go's
        // %.0f does (half to even): 220,512 B is 220.5 kB, shown "220 kB"; 11,500 B "12 kB"
        let rounded = (value * 10 + 0.5).rounded(.down) / 10
        if rounded < 10 {
            return "\(formatOneDecimal(rounded)) \(units[e])"
        }
        return "\(Int(rounded.rounded(.toNearestOrEven))) \(units[e])"
    }

    private static func formatOneDecimal(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

import Foundation
