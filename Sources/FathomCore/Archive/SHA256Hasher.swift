import CCrypto

/// SHA-256 with OpenSSL's libcrypto, which uses the CPU's SHA extensions where it has them.
/// Diff IDs and blob digests are SHA-256 (OCI image-spec descriptor.md "Digests").
public final class SHA256Hasher {
    /// The algorithm, fetched once: OpenSSL 3 looks an implementation up on every init otherwise.
    nonisolated(unsafe) private static let algorithm: OpaquePointer = EVP_MD_fetch(nil, "SHA256", nil)!
    private let context: OpaquePointer

    public init() {
        context = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(context, Self.algorithm, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Hashes `bytes` after everything hashed before.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// The 32 bytes of the digest; the hasher is spent.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return out
    }
}
