/// Byte amounts written as text, parsed like go-humanize `ParseBytes` (the parser dive uses
/// for `highestWastedBytes`): `20MB` = 20,000,000, `20MiB` = 20,971,520, `1.5 kB` = 1,500.
public enum ByteAmount {
    /// Why a byte amount was rejected.
    public struct ParseError: Error, Equatable { public let message: String }

    private static let units: [String: Double] = [
        "": 1, "b": 1,
        "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
        "p": 1e15, "pb": 1e15, "e": 1e18, "eb": 1e18,
        "ki": 1024, "kib": 1024, "mi": 1_048_576, "mib": 1_048_576, "gi": 1_073_741_824, "gib": 1_073_741_824,
        "ti": 1_099_511_627_776, "tib": 1_099_511_627_776, "pi": 1_125_899_906_842_624, "pib": 1_125_899_906_842_624,
        "ei": 1_152_921_504_606_846_976, "eib": 1_152_921_504_606_846_976,
    ]

    /// - Returns: The amount in bytes (fractions truncated, as `uint64(f * m)`).
    /// - Throws: `ParseError` for a missing number, a negative number or an unknown unit.
    public static func parse(_ text: String) throws(ParseError) -> UInt64 {
        var numberEnd = text.startIndex
        while numberEnd < text.endIndex, text[numberEnd].isASCII, text[numberEnd].isNumber || text[numberEnd] == "." || text[numberEnd] == "," {
            numberEnd = text.index(after: numberEnd)
        }
        let number = text[..<numberEnd].replacingOccurrences(of: ",", with: "")
        guard let value = Double(number) else { throw ParseError(message: "expected a number of bytes, e.g. 20MB or 20MiB") }
        let unit = text[numberEnd...].trimmingCharacters(in: .whitespaces).lowercased()
        guard let factor = units[unit] else { throw ParseError(message: "unhandled size name: \(unit)") }
        let bytes = value * factor
        guard bytes < 0x1p64 else { throw ParseError(message: "too large") }
        return UInt64(bytes)
    }
}

import Foundation
