import CCurl
import Testing
@testable import FathomSources

/// The proxy for each destination, as Go's registry clients choose it (golang.org/x/net/http/httpproxy).
@Suite struct ProxyTests {
    func proxied(_ url: String, _ env: [String: String]) -> String? { ProxySettings(environment: env).choice(for: url)?.url }

    @Test func schemeVariablesAndLowercaseFirst() {
        let env = ["HTTPS_PROXY": "http://upper:3128", "https_proxy": "http://lower:3128", "HTTP_PROXY": "http://plain:3128"]
        #expect(proxied("https://reg.example/v2/", env) == "http://lower:3128")
        #expect(proxied("http://reg.example/v2/", env) == "http://plain:3128")
        #expect(proxied("https://reg.example/v2/", ["ALL_PROXY": "socks5://s:1080"]) == "socks5://s:1080")
        #expect(proxied("https://reg.example/v2/", [:]) == nil)
    }

    @Test func loopbackIsNeverProxied() {
        let env = ["HTTPS_PROXY": "http://p:3128", "HTTP_PROXY": "http://p:3128"]
        for url in ["http://localhost:5000/v2/", "http://127.0.0.1:5000/v2/", "http://127.1.2.3/v2/", "https://[::1]:5000/v2/",
                    "http://registry.localhost/v2/"] {
            #expect(proxied(url, env) == nil, "\(url)")
        }
        #expect(proxied("http://192.0.2.2:5000/v2/", env) == "http://p:3128")
    }

    @Test(arguments: [
        // NO_PROXY, URL, reached directly
        ("*", "https://any.example/", true),
        ("example.com", "https://example.com/", true),
        ("example.com", "https://a.b.example.com/", true),
        ("example.com", "https://badexample.com/", false),
        (".example.com", "https://example.com/", false),
        (".example.com", "https://a.example.com/", true),
        ("*.example.com", "https://a.example.com/", true),
        ("*.example.com", "https://example.com/", false),
        ("example.com:5000", "https://example.com:5000/", true),
        ("example.com:5000", "https://example.com/", false),
        ("10.0.0.0/8", "http://10.20.30.40:5000/", true),
        ("10.0.0.0/8", "http://11.0.0.1/", false),
        ("192.0.2.2", "http://192.0.2.2:5000/", true),
        ("192.0.2.2:6000", "http://192.0.2.2:5000/", false),
        ("fd00::/8", "https://[fd00::2]:5000/", true),
        ("fd00::/8", "https://[fe80::1]/", false),
        (" other.example , example.com ", "https://x.example.com/", true),
    ])
    func noProxy(_ list: String, _ url: String, _ direct: Bool) {
        #expect((proxied(url, ["HTTPS_PROXY": "http://p:1", "HTTP_PROXY": "http://p:1", "NO_PROXY": list]) == nil) == direct)
    }

    /// A proxy's password never reaches a message.
    @Test func proxyPasswordsAreRedacted() {
        #expect(ProxySettings.redacted("http://user:hunter2@127.0.0.1:1") == "http://user:xxxxx@127.0.0.1:1")
        #expect(ProxySettings.redacted("http://127.0.0.1:3128") == "http://127.0.0.1:3128")
        #expect(ProxySettings.redacted("http://token@proxy:3128") == "http://token@proxy:3128")
        #expect(ProxySettings.redacted("socks5://a:b:c@p:1") == "socks5://a:xxxxx@p:1")
        let failure = TransferFailure(code: CURLE_COULDNT_CONNECT, message: "Failed to connect", osErrno: 111, proxy: "http://user:hunter2@127.0.0.1:1")
        #expect(!"\(failure)".contains("hunter2") && "\(failure)".contains("http://user:xxxxx@127.0.0.1:1"))
    }
}
