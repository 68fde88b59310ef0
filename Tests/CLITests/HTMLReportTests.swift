import FathomTestSupport
import Foundation
import Testing

/// `--html`: one self-contained page. The data it draws equals the JSON report's figures; its
/// Content-Security-Policy allows only its own inline script and style (by SHA-256) and no fetch;
/// strings from a hostile image (markup in a file name and a command) stay text. Headless Chromium
/// (Debian's `chromium`, installed by `make deps-test`) renders the page and takes a screenshot.
@Suite struct HTMLReportTests {
    static let wasteful = CLI.repositoryRoot.appendingPathComponent("SampleImages/wasteful.docker.tar").path

    /// Python that reads a page (argv[1]): its `style`, its last inline `script`, its `csp`, its `data`
    /// JSON, and `csp_ok`: no fetch allowed, the style and script allowed by their SHA-256, nothing unsafe.
    static let pagePrelude = """
        import sys, re, json, hashlib, base64
        html = open(sys.argv[1], encoding="utf-8").read()
        style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
        script = re.findall(r"<script>(.*?)</script>", html, re.S)[-1]
        csp = re.search(r'Content-Security-Policy" content="([^"]*)"', html).group(1)
        h = lambda s: "sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
        data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S).group(1))
        csp_ok = "default-src 'none'" in csp and h(style) in csp and h(script) in csp and "unsafe" not in csp

        """

    /// The page's data JSON, CSP hashes checked, and the counts of `<script` and URL-like strings.
    func inspect(_ page: URL) throws -> [String: String] {
        let r = try CLI.run(executable: "/usr/bin/env", ["python3", "-c", Self.pagePrelude + """
            print("csp-ok" if csp_ok else "csp-bad " + csp)
            print("scripts", html.count("<script"))
            print("urls", len(re.findall(r"(?i)(https?:|//[a-z0-9]|@import|url\\()", html)))
            print("img", html.count("<img"))
            print("finalBytes", data["image"]["finalBytes"])
            print("reclaimableBytes", data["image"]["reclaimableBytes"])
            print("layers", len(data["layers"]))
            print("layerBytes", sum(l["bytes"] for l in data["layers"]))
            print("treeBytes", data["tree"]["b"])
            print("names", json.dumps([c["n"] for c in data["tree"]["c"]]))
            print("commands", json.dumps([l["command"] for l in data["layers"]]))
            """, page.path])
        #expect(r.status == 0, "\(r.stderr)")
        var out: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            out[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return out
    }

    @Test func pageDataEqualsTheJSONReportAndAllowsNoFetch() throws {
        let dir = try CLI.temporaryDirectory()
        let page = dir.appendingPathComponent("report.html"), json = dir.appendingPathComponent("report.json")
        let r = try CLI.run([Self.wasteful, "--html", page.path, "--json", json.path])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let summary = (report["fathom"] as! [String: Any])["summary"] as! [String: Any]
        let facts = try inspect(page)
        #expect(facts["csp-ok"] != nil, "\(facts)")
        #expect(facts["scripts"] == "2" && facts["urls"] == "0" && facts["img"] == "0")
        #expect(facts["finalBytes"] == "\(summary["finalBytes"] as! Int)" && facts["reclaimableBytes"] == "\(summary["reclaimableBytes"] as! Int)")
        #expect(facts["layers"] == "13")
        #expect(facts["layerBytes"] == "\(summary["shippedBytes"] as! Int)", "the bars add up to what the image ships (layer 8's chmod too)")
        #expect(facts["treeBytes"] == facts["finalBytes"], "the treemap's root is the final filesystem, each inode once")
        // CI mode puts the verdict on the page too
        let ci = try CLI.run([Self.wasteful, "--ci", "--html", page.path])
        let ciPage = try String(contentsOf: page, encoding: .utf8)
        #expect(ci.status == 1 && ciPage.contains("\"passed\":false"))
    }

    /// Markup and script in a file name and a layer command are data, not page.
    static func hostileImage() throws -> URL {
        let layer = DockerArchiveBuilder.layer { t in
            t.add("<img src=x onerror=alert(1)>.txt", data: Array("boom".utf8))
            t.add("app/\"><svg onload=alert(2)>", data: Array(repeating: 7, count: 2000))
        }
        var builder = DockerArchiveBuilder(layers: [layer])
        builder.commands = ["/bin/sh -c echo '</script><script>alert(3)</script>'"]
        let url = try CLI.temporaryDirectory().appendingPathComponent("hostile.tar")
        try Data(builder.build()).write(to: url)
        return url
    }

    @Test func hostileNamesStayText() throws {
        let page = try CLI.temporaryDirectory().appendingPathComponent("hostile.html")
        let r = try CLI.run([try Self.hostileImage().path, "--html", page.path])
        #expect(r.status == 0, "\(r.stderr)")
        let facts = try inspect(page)
        #expect(facts["scripts"] == "2" && facts["img"] == "0", "\(facts)")
        #expect(facts["names"]?.contains("<img src=x onerror=alert(1)>.txt") == true, "the name survives as data: \(facts)")
        #expect(facts["commands"]?.contains("</script><script>alert(3)</script>") == true)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("<svg") && !html.contains("</script><script>alert"))
    }

    /// Headless Chromium draws the page: the figures, a bar per layer, the treemap's tiles; the hostile
    /// page's names as text; a screenshot at 1280×800 is kept beside the page (the log names it).
    @Test func chromiumRendersThePage() throws {
        let chromium = "/usr/bin/chromium"
        try #require(FileManager.default.isExecutableFile(atPath: chromium), "chromium is installed by make deps-test")
        let dir = try CLI.temporaryDirectory()
        let page = dir.appendingPathComponent("report.html")
        let made = try CLI.run([Self.wasteful, "--html", page.path])
        #expect(made.status == 0)
        func dom(_ url: URL) throws -> String {
            let r = try CLI.run(executable: chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                                                      "--dump-dom", url.absoluteString])
            return r.stdout
        }
        let text = try dom(page)
        #expect(text.contains("data-figure=\"finalBytes\"><b>2.3 MB</b>"), "\(text.prefix(2000))")
        #expect(text.contains("data-figure=\"reclaimableBytes\"><b>188 kB</b>"))
        #expect(text.components(separatedBy: "data-layer=").count - 1 == 13)
        #expect(text.components(separatedBy: "class=\"tile").count - 1 >= 10, "the treemap has tiles")
        let shot = dir.appendingPathComponent("report.png")
        _ = try CLI.run(executable: chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                                               "--screenshot=\(shot.path)", page.absoluteString])
        let size = (try? FileManager.default.attributesOfItem(atPath: shot.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "a screenshot of the page: \(shot.path)")
        print("HTML report screenshot: \(shot.path)")
        let hostile = dir.appendingPathComponent("hostile.html")
        let hostileRun = try CLI.run([try Self.hostileImage().path, "--html", hostile.path])
        #expect(hostileRun.status == 0)
        let hostileDOM = try dom(hostile)
        #expect(hostileDOM.contains("&lt;img src=x onerror=alert(1)&gt;.txt") && !hostileDOM.contains("<img"), "names rendered as text")
        #expect(hostileDOM.contains("&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;"))
    }

    /// `fathom diff --html`: the same rules (CSP by hash, data as JSON), the totals equal the JSON's, and
    /// Chromium draws the layer strip and the largest changes.
    @Test func diffPage() throws {
        let dir = try CLI.temporaryDirectory()
        let page = dir.appendingPathComponent("diff.html"), json = dir.appendingPathComponent("diff.json")
        let good = CLI.repositoryRoot.appendingPathComponent("SampleImages/good.docker.tar.zst").path
        let r = try CLI.run(["diff", "--html", page.path, "--json", json.path, Self.wasteful, good])
        #expect(r.status == 0, "\(r.stderr)")
        let facts = try CLI.run(executable: "/usr/bin/env", ["python3", "-c", Self.pagePrelude + """
            report = json.load(open(sys.argv[2]))["diff"]
            print(csp_ok, data["totals"]["finalBytes"]["new"] - data["totals"]["finalBytes"]["old"] == report["totals"]["finalBytes"]["delta"],
                  len(data["layers"]), len(data["dropped"]), len(data["advice"]), html.count("<script"))
            """, page.path, json.path])
        #expect(facts.stdout == "True True 9 10 9 2\n", "\(facts.stdout)\(facts.stderr)")
        let chromium = "/usr/bin/chromium"
        try #require(FileManager.default.isExecutableFile(atPath: chromium), "chromium is installed by make deps-test")
        let dom = try CLI.run(executable: chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.absoluteString]).stdout
        #expect(dom.contains("data-figure=\"finalBytes\"><b>2.3 MB → 2.1 MB</b>"), "\(dom.prefix(1500))")
        #expect(dom.components(separatedBy: "class=\"shared\"").count - 1 == 3 && dom.components(separatedBy: "class=\"dropped\"").count - 1 == 10)
        #expect(dom.contains("usr/local/fake-gcc/libexec/gcc/cc1"))
    }
}
