/// `1 file`, `2 files`, `0 directories`: a count with its noun in the number it needs (English
/// plurals: `s`, or the form given).
public func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? word : plural ?? word + "s")"
}
