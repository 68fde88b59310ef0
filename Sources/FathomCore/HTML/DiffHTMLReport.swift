import Foundation

/// `fathom diff OLD NEW --html PATH`: the comparison as one self-contained page: the totals side by
/// side, the layer reuse strip (shared, new, dropped), the advice fixed and introduced, the package
/// changes, and the largest changes of files and directories as sortable tables. The same rules as
/// `HTMLReport`: inline script and style allowed by SHA-256, no fetch, image strings as JSON → text.
public enum DiffHTMLReport {
    /// The changes and directories listed (largest absolute delta first).
    static let listed = 500

    public static func render(_ d: ImageDiff, gate: DiffGate? = nil, generated: Date = Date()) -> [UInt8] {
        HTMLPage.document(title: "fathom diff: \(name(d.old)) → \(name(d.new))",
                          noscript: "This report draws with JavaScript. Final bytes \(d.totals.finalBytes.old) → \(d.totals.finalBytes.new).",
                          style: HTMLPage.style + DiffPage.style, body: DiffPage.body, data: dataJSON(d, gate: gate, generated: generated),
                          script: DiffPage.script)
    }

    static func name(_ a: Analysis) -> String { a.image.names.first ?? a.image.archivePath }

    static func dataJSON(_ d: ImageDiff, gate: DiffGate?, generated: Date) -> [UInt8] {
        var w = JSONWriter(compact: true)
        let t = d.totals
        w.object { w in
            w.field("old", name(d.old))
            w.field("new", name(d.new))
            w.field("generated", ISO8601DateFormatter().string(from: generated))
            w.key("totals")
            w.object { w in
                for (key, v) in [("finalBytes", t.finalBytes), ("shippedBytes", t.shippedBytes), ("reclaimableBytes", t.reclaimableBytes),
                                 ("wastedBytes", t.wastedBytes)] {
                    w.key(key)
                    w.object { w in w.field("old", v.old); w.field("new", v.new) }
                }
                w.field("downloadBytes", d.layers.downloadBytes)
            }
            w.key("ci")
            if let gate {
                w.object { w in
                    w.field("passed", gate.passed)
                    w.array("rules", gate.results) { w, r in
                        w.object { w in w.field("rule", r.rule.rawValue); w.field("outcome", r.outcome.rawValue); w.field("detail", r.detail) }
                    }
                }
            } else {
                w.null()
            }
            w.array("layers", d.layers.layers) { w, l in
                w.object { w in
                    w.field("index", l.index)
                    w.field("shared", l.shared)
                    w.field("stored", l.storedBytes)
                    w.field("command", LayerCommand.display(l.command, comment: l.comment))
                }
            }
            w.array("dropped", d.layers.dropped) { w, l in
                w.object { w in w.field("index", l.index); w.field("command", LayerCommand.display(l.command, comment: l.comment)) }
            }
            w.array("advice", d.advice.entries.filter { $0.status != .unchanged }) { w, e in
                w.object { w in
                    w.field("status", e.status.rawValue)
                    w.field("severity", e.severity.rawValue)
                    w.field("rule", e.rule)
                    w.field("title", e.title)
                }
            }
            w.array("packages", d.packages.entries.prefix(listed)) { w, e in
                w.object { w in
                    w.field("kind", e.kind.rawValue)
                    w.field("name", e.name)
                    w.field("versions", e.kind == .changed ? "\(e.oldVersion ?? "") → \(e.newVersion ?? "")" : (e.newVersion ?? e.oldVersion ?? ""))
                    w.field("delta", e.deltaBytes)
                }
            }
            let changes = d.files.changes.sorted { abs($0.deltaBytes) != abs($1.deltaBytes) ? abs($0.deltaBytes) > abs($1.deltaBytes) : $0.path < $1.path }
            w.array("files", changes.prefix(listed)) { w, c in
                w.object { w in
                    w.field("path", "/" + c.path)
                    w.field("change", c.change.rawValue)
                    w.field("before", c.bytesBefore)
                    w.field("after", c.bytesAfter)
                }
            }
            w.array("directories", d.files.directories.prefix(listed)) { w, x in
                w.object { w in w.field("path", "/" + x.path + "/"); w.field("before", x.bytesBefore); w.field("after", x.bytesAfter) }
            }
        }
        return w.bytes
    }
}

/// The diff page's own parts (the style extends `HTMLPage.style`).
enum DiffPage {
    static let style = """
    .strip{display:flex;flex-wrap:wrap;gap:3px;margin:6px 0}.strip span{display:inline-block;padding:2px 6px;border-radius:3px;font-size:12px;font-family:ui-monospace,monospace}
    .shared{background:var(--card);border:1px solid var(--line)}.new{background:var(--keep);color:#fff}.dropped{background:var(--hide);color:#fff}
    .delta-up{color:var(--hide)}.delta-down{color:var(--keep)}
    """

    static let body = """
    <header><h1 id="title"></h1><div class="dim" id="subtitle"></div><div class="figures" id="figures"></div><div id="ci"></div></header>
    <main>
    <h2>Layers</h2><div class="dim">Shared with OLD (same diff ID), new in NEW, dropped from OLD.</div><div class="strip" id="strip" role="list"></div>
    <h2>Advice</h2><div id="advice"></div>
    <h2>Packages</h2><div id="packages"></div>
    <h2>Largest changes</h2><div id="files"></div>
    <h2>Directories</h2><div id="directories"></div>
    </main>
    <footer class="dim" id="footer"></footer>

    """

    static let script = HTMLPage.helpers + #"""
    document.getElementById("title").textContent = D.old + " → " + D.new;
    const T = D.totals, g = T.finalBytes.old ? (100 * (T.finalBytes.new - T.finalBytes.old) / T.finalBytes.old).toFixed(2) + " %" : "n/a";
    document.getElementById("subtitle").textContent = "growth " + signed(T.finalBytes.new - T.finalBytes.old) + " (" + g + ")";
    const figures = document.getElementById("figures");
    for (const [label, k] of [["final filesystem", "finalBytes"], ["shipped", "shippedBytes"], ["reclaimable", "reclaimableBytes"], ["wasted (dive)", "wastedBytes"]]) {
      figures.append(el("div", {class: "figure", "data-figure": k}, el("b", {text: si(T[k].old) + " → " + si(T[k].new)}), el("span", {class: "dim", text: label})));
    }
    figures.append(el("div", {class: "figure", "data-figure": "downloadBytes"}, el("b", {text: si(T.downloadBytes)}), el("span", {class: "dim", text: "to pull given OLD"})));
    if (D.ci) {
      const ci = document.getElementById("ci");
      ci.append(el("p", {}, el("b", {class: D.ci.passed ? "pass" : "fail", text: "CI: " + (D.ci.passed ? "PASS" : "FAIL")})));
      const t = el("table");
      for (const r of D.ci.rules) t.append(el("tr", {}, el("td", {text: r.outcome}), el("td", {class: "mono", text: r.rule}), el("td", {text: r.detail})));
      ci.append(t);
    }
    const strip = document.getElementById("strip");
    for (const l of D.layers) {
      const s = el("span", {class: l.shared ? "shared" : "new", role: "listitem", text: l.index + (l.shared ? " shared" : " new")});
      s.title = l.command + "\n" + si(l.stored) + " stored"; strip.append(s);
    }
    for (const l of D.dropped) { const s = el("span", {class: "dropped", role: "listitem", text: "OLD " + l.index + " dropped"}); s.title = l.command; strip.append(s); }
    const adv = document.getElementById("advice");
    if (!D.advice.length) adv.append(el("p", {text: "No finding fixed or introduced."}));
    for (const a of D.advice) adv.append(el("div", {class: "card"}, el("span", {class: "sev " + a.severity, text: a.status.toUpperCase() + " " + a.severity.toUpperCase()}),
      el("span", {class: "mono", text: a.rule + ": "}), el("span", {text: a.title})));
    document.getElementById("packages").append(D.packages.length ? table(["Change", "Package", "Version", "Delta"], D.packages.map(p => [p.kind, p.name, p.versions, p.delta]), [false, false, false, "delta"])
      : el("p", {class: "dim", text: "No package changes (or no package database)."}));
    document.getElementById("files").append(table(["Change", "Before", "After", "Delta", "Path"], D.files.map(f => [f.change, f.before, f.after, f.after - f.before, f.path]),
      [false, true, true, "delta", false]));
    document.getElementById("directories").append(table(["Before", "After", "Delta", "Path"], D.directories.map(x => [x.before, x.after, x.after - x.before, x.path]),
      [true, true, "delta", false]));
    document.getElementById("footer").textContent = "fathom diff report, " + D.generated;
    """#
}
