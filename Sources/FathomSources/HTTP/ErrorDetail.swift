import FathomCore
import Foundation

/// A short text for an error answer: the registry's `errors[0].code: message`, or the first line of the body.
func errorDetail(_ body: [UInt8], contentType: String?) -> String? {
    if JSONObjectCount.isWithinLimit(body), let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
        if let errors = json["errors"] as? [[String: Any]], let first = errors.first {
            let code = first["code"] as? String ?? ""
            let message = first["message"] as? String ?? ""
            return oneLine([code, message].filter { !$0.isEmpty }.joined(separator: ": "), limit: 160)
        }
        if let message = json["message"] as? String { return oneLine(message, limit: 160) }
    }
    if contentType?.contains("html") == true { return "an HTML page" }
    let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingSpaces()
    return text.isEmpty ? nil : oneLine(text, limit: 120)
}
