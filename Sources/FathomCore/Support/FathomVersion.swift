/// fathom's version, as `fathom --version`, the User-Agent and the Debian package give it.
public enum FathomVersion {
    public static let current = "0.2.0"
}
