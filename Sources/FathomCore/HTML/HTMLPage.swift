import Foundation

/// The HTML report's fixed parts: its style, its markup skeleton and its script. The script reads the
/// data (`<script type="application/json" id="data">`) and builds every element with `textContent`.
enum HTMLPage {
    /// A whole page: the CSP allows exactly this style and script (by SHA-256) and forbids every fetch;
    /// `title` and `noscript` are plain text (escaped here), `data` the JSON the script reads.
    static func document(title: String, noscript: String, style: String, body: String, data: [UInt8], script: String) -> [UInt8] {
        let csp = "default-src 'none'; style-src '\(hash(style))'; script-src '\(hash(script))'; img-src data:; base-uri 'none'; form-action 'none'"
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(csp)\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>\(HTMLReport.escape(title))</title>\n"
        page += "<style>\(style)</style>\n</head>\n<body>\n"
        page += "<noscript><p>\(HTMLReport.escape(noscript))</p></noscript>\n"
        page += body
        page += "<script type=\"application/json\" id=\"data\">\(String(decoding: data, as: UTF8.self))</script>\n"
        page += "<script>\(script)</script>\n</body>\n</html>\n"
        return Array(page.utf8)
    }

    /// `'sha256-BASE64'` of an inline script or style, for the CSP.
    static func hash(_ text: String) -> String {
        let hasher = SHA256Hasher()
        Array(text.utf8).withUnsafeBytes { hasher.update($0) }
        return "sha256-" + Data(hasher.finalize()).base64EncodedString()
    }

    static let style = """
    :root{--bg:#fff;--fg:#1f2328;--dim:#656d76;--line:#d0d7de;--card:#f6f8fa;--hide:#cf222e;--keep:#2da44e;--accent:#0969da}
    @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--dim:#8d96a0;--line:#30363d;--card:#161b22;--hide:#f85149;--keep:#3fb950;--accent:#4493f8}}
    *{box-sizing:border-box}body{margin:0;padding:16px 24px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
    h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
    .dim{color:var(--dim)}.figures{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
    .figure{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:140px}
    .figure b{display:block;font-size:18px}.pass{color:var(--keep)}.fail{color:var(--hide)}
    .layer{display:grid;grid-template-columns:3em 6em minmax(120px,2fr) 3fr;gap:8px;align-items:center;padding:3px 4px;border-radius:4px;cursor:pointer}
    .layer:hover,.layer:focus{background:var(--card);outline:none}.layer.sel{background:var(--card);box-shadow:inset 3px 0 var(--accent)}
    .bar{display:flex;height:14px;background:var(--card);border-radius:3px;overflow:hidden}.bar span{display:block;height:100%}
    .keep{background:var(--keep)}.hide{background:var(--hide)}.cmd{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
    #treemap{position:relative;width:100%;height:480px;border:1px solid var(--line);border-radius:6px;overflow:hidden;background:var(--card)}
    .tile{position:absolute;overflow:hidden;border:1px solid var(--bg);font-size:11px;padding:2px 3px;color:#111;cursor:default}
    .tile.dir,.tile.inner{cursor:zoom-in}.tile.dir{color:var(--fg)}.tile.wasted{outline:2px dashed var(--hide);outline-offset:-3px}
    #tileinfo{min-height:1.5em;margin:2px 0 4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.tile:focus{outline:2px solid var(--accent);outline-offset:-2px;z-index:1}
    #crumbs button{border:0;background:none;color:var(--accent);cursor:pointer;font:inherit;padding:0 2px}
    table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}
    th{cursor:pointer;user-select:none}td.num,th.num{text-align:right;white-space:nowrap}
    .card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:8px 0;background:var(--card)}
    .sev{font-weight:600;margin-right:6px}.sev.high{color:var(--hide)}.sev.medium{color:#bf8700}.sev.low{color:var(--dim)}
    pre{white-space:pre-wrap;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:6px;margin:6px 0 0}
    .legend{display:flex;gap:12px;font-size:12px;margin:4px 0}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
    @media (min-width:1100px){.overview{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);column-gap:28px}
    .overview .layer{grid-template-columns:2.2em 5.5em minmax(80px,1fr) 2fr}#treemap{height:440px}}
    @media (max-width:700px){.layer{grid-template-columns:2.5em 5em 1fr}.layer .cmd{grid-column:1/-1}#treemap{height:360px}}
    """

    static let body = """
    <header><h1 id="title"></h1><div class="dim" id="subtitle"></div><div class="figures" id="figures"></div><div id="ci"></div></header>
    <main>
    <div class="overview"><section>
    <h2>Layers</h2>
    <div class="legend"><span><i class="keep"></i>still in the final image</span><span><i class="hide"></i>hidden by a later layer (wasted)</span></div>
    <div id="layers" role="list" aria-label="Layers: bytes each adds, split into what the final image still shows and what later layers hide"></div>
    <div id="layerfiles"></div>
    </section><section>
    <h2>Final filesystem</h2>
    <div class="dim">Area: bytes; colour: the layer that wrote the file; dashed: bytes also hidden at that path. A click (or Enter) zooms into a directory, the path leads back.</div>
    <div id="crumbs" aria-label="Treemap path"></div>
    <div id="tileinfo" class="mono" aria-live="polite"></div>
    <div id="treemap" role="img" aria-label="Treemap of the final filesystem by bytes"></div>
    </section></div>
    <h2>Advice</h2><div id="advice"></div>
    <h2>Inefficient files</h2><div id="inefficient"></div>
    <h2>Largest files</h2><div id="largest"></div>
    </main>
    <footer class="dim" id="footer"></footer>

    """

    /// What both pages' scripts start with: the data, `el` (an element built with `textContent`, never
    /// markup), `si` (bytes as fathom prints them), `signed`, and `table` (sortable; a column's kind is
    /// false for text, true for bytes, "delta" for a signed byte delta).
    static let helpers = #"""
    "use strict";
    const D = JSON.parse(document.getElementById("data").textContent);
    function el(tag, attrs, ...kids) {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) { if (k === "text") e.textContent = v; else e.setAttribute(k, v); }
      for (const k of kids) e.append(k);
      return e;
    }
    function si(b) {
      const neg = b < 0; b = Math.abs(b);
      let s;
      if (b < 1000) s = b + " B"; else {
        const u = ["kB", "MB", "GB", "TB", "PB"]; let x = b, i = -1;
        while (x >= 1000 && i < u.length - 1) { x /= 1000; i++; }
        s = (x < 10 ? x.toFixed(1) : Math.round(x).toString()) + " " + u[i];
      }
      return (neg ? "−" : "") + s;
    }
    function signed(b) { return (b > 0 ? "+" : "") + si(b); }
    function table(headers, rows, kinds) {
      const t = el("table"), head = el("tr"), body = el("tbody");
      headers.forEach((h, i) => {
        const th = el("th", {text: h, class: kinds[i] ? "num" : "", scope: "col"}); let asc = false;
        th.addEventListener("click", () => { asc = !asc; rows.sort((a, b) => (a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0) * (asc ? 1 : -1)); fill(); });
        head.append(th);
      });
      function fill() {
        body.textContent = "";
        for (const r of rows) body.append(el("tr", {}, ...r.map((v, i) => {
          const text = kinds[i] === "delta" ? signed(v) : kinds[i] ? si(v) : String(v);
          return el("td", {class: (kinds[i] ? "num mono " : "mono ") + (kinds[i] === "delta" ? (v > 0 ? "delta-up" : v < 0 ? "delta-down" : "") : ""), text});
        })));
      }
      fill(); t.append(el("thead", {}, head), body); return t;
    }

    """#

    /// The single-image page's script (after `helpers`).
    static let script = helpers + #"""
    function hue(layer) { return `hsl(${(200 + layer * 137.508) % 360},62%,68%)`; }
    const I = D.image;
    document.getElementById("title").textContent = I.name;
    document.getElementById("subtitle").textContent = [I.platform, I.layers + " layers", I.source].filter(Boolean).join(" · ");
    const figures = document.getElementById("figures");
    for (const [label, value, id] of [["final filesystem", si(I.finalBytes), "finalBytes"], ["shipped", si(I.shippedBytes), "shippedBytes"],
        ["reclaimable", si(I.reclaimableBytes), "reclaimableBytes"], ["efficiency (dive)", (I.efficiency * 100).toFixed(2) + " %", "efficiency"],
        ["wasted (dive)", si(I.wastedBytes), "wastedBytes"],
        ["user wasted (dive)", I.userWastedPercent === null ? "n/a" : (I.userWastedPercent * 100).toFixed(2) + " %", "userWastedPercent"]]) {
      figures.append(el("div", {class: "figure", "data-figure": id}, el("b", {text: value}), el("span", {class: "dim", text: label})));
    }
    if (D.ci) {
      const ci = document.getElementById("ci");
      ci.append(el("p", {}, el("b", {class: D.ci.passed ? "pass" : "fail", text: "CI: " + (D.ci.passed ? "PASS" : "FAIL")})));
      const t = el("table");
      for (const r of D.ci.rules) t.append(el("tr", {}, el("td", {class: r.outcome === "FAIL" ? "fail" : r.outcome === "PASS" ? "pass" : "dim", text: r.outcome}),
        el("td", {class: "mono", text: r.rule}), el("td", {text: r.detail})));
      ci.append(t);
    }
    // layers: a bar per layer, the bytes still shown and the bytes hidden later
    const maxBytes = Math.max(1, ...D.layers.map(l => l.bytes));
    const layersBox = document.getElementById("layers");
    function showLayer(l, row) {
      for (const r of layersBox.children) r.classList.remove("sel");
      row.classList.add("sel");
      const box = document.getElementById("layerfiles"); box.textContent = "";
      box.append(el("p", {class: "dim", text: `Layer ${l.index}: ${l.changes} change${l.changes === 1 ? "" : "s"} (added ${si(l.added)}, modified ${si(l.modified)}, removed ${si(l.removed)})` +
        (l.files.length < l.changes ? `; the ${l.files.length} largest:` : ":")}));
      box.append(table(["Status", "Bytes", "Path"], l.files.map(f => [f.status, f.bytes, f.path]), [false, true, false]));
    }
    for (const l of D.layers) {
      const shown = Math.max(0, l.bytes - l.hidden), w = x => (100 * x / maxBytes).toFixed(3) + "%";
      const bar = el("div", {class: "bar", title: `${si(shown)} still shown, ${si(l.hidden)} hidden later`},
        el("span", {class: "keep"}), el("span", {class: "hide"}));
      bar.children[0].style.width = w(shown); bar.children[1].style.width = w(l.hidden);
      const row = el("div", {class: "layer", role: "listitem", tabindex: "0", "data-layer": String(l.index)},
        el("span", {class: "mono", text: String(l.index)}), el("span", {class: "mono", text: si(l.bytes)}), bar, el("span", {class: "cmd mono", text: l.command}));
      row.title = l.command;
      row.addEventListener("click", () => showLayer(l, row));
      row.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showLayer(l, row); } });
      layersBox.append(row);
    }
    // the treemap: squarified, one level at a time; a click on a directory zooms into it
    const map = document.getElementById("treemap"), crumbs = document.getElementById("crumbs");
    function squarify(items, x, y, w, h, out) {
      let rest = items.filter(i => i.b > 0), total = rest.reduce((s, i) => s + i.b, 0);
      while (rest.length) {
        const short = Math.min(w, h), scale = (w * h) / total;
        let row = [], best = Infinity, sum = 0;
        for (const it of rest) {
          const s2 = sum + it.b, areas = [...row, it].map(r => r.b * scale), rowArea = s2 * scale;
          const worst = Math.max(...areas.map(a => Math.max(short * short * a / (rowArea * rowArea), (rowArea * rowArea) / (short * short * a))));
          if (worst > best) break;
          best = worst; row.push(it); sum = s2;
        }
        const rowArea = sum * scale, thick = rowArea / short;
        let off = 0;
        for (const it of row) {
          const len = it.b * scale / thick;
          if (w >= h) out.push([it, x, y + off, thick, len]); else out.push([it, x + off, y, len, thick]);
          off += len;
        }
        if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
        rest = rest.slice(row.length); total -= sum;
      }
      return out;
    }
    // what a tile is, for its tooltip, its accessible name and the info line (on hover and on focus)
    function describe(it, prefix) {
      return [it.o ? `${it.n} in /${prefix.join("/")}, each too small to draw` : "/" + prefix.concat([it.n]).join("/"), si(it.b) + (it.c ? " (directory)" : ""),
        it.l !== undefined && !it.c ? "layer " + it.l : "", it.p ? "package " + it.p : "",
        it.w ? si(it.w) + " also shipped and hidden here" : ""].filter(Boolean).join(" · ");
    }
    const info = document.getElementById("tileinfo"), minArea = 36;
    let shown = [D.tree];
    function draw(path, focus) {
      shown = path;
      const node = path[path.length - 1];
      map.textContent = ""; crumbs.textContent = ""; info.textContent = "Hover over a tile (or Tab to it) for its path, bytes and layer.";
      path.forEach((n, i) => {
        const b = el("button", {text: i === 0 ? "/" : n.n, "aria-label": "zoom out to /" + path.slice(1, i + 1).map(p => p.n).join("/")});
        b.addEventListener("click", () => draw(path.slice(0, i + 1), true));
        crumbs.append(b, i > 0 && i < path.length - 1 ? "/" : "");   // "/" is the root's own button
      });
      crumbs.append(el("span", {class: "dim", text: "  " + si(node.b)}));
      // up to three levels at once: a directory's tile shows its own children under its name when it is large enough
      // tiles under minArea square pixels join the directory's "N files" tile (the files of a directory count)
      function level(items, prefix, trail, x0, y0, W, H, depth) {
        const min = items.reduce((s, i) => s + i.b, 0) * minArea / Math.max(1, W * H), keep = [], rest = {n: "", b: 0, o: 0};
        for (const it of items) {
          if (it.b > 0 && it.b >= min && !it.o) keep.push(it);
          else { rest.b += it.b; rest.o += it.o || (it.c ? it.f || 0 : 1); }
        }
        if (rest.b > 0) { rest.n = rest.o === 1 ? "1 file" : rest.o + " files"; keep.push(rest); }
        for (const [it, x, y, w, h] of squarify(keep, x0, y0, W, H, [])) {
          const full = prefix.concat([it.n]).join("/"), text = describe(it, prefix);
          const t = el("div", {class: "tile" + (it.c ? " dir" : "") + (it.w ? " wasted" : "") + (it.o ? " rest" : "") + (depth > 0 ? " inner" : ""),
            tabindex: "0", role: it.c ? "button" : "img", "aria-label": text, "data-path": it.o ? "" : "/" + full, "data-bytes": String(it.b)});
          Object.assign(t.style, {left: x + "px", top: y + "px", width: Math.max(0, w) + "px", height: Math.max(0, h) + "px",
            background: it.c ? "var(--line)" : it.o ? "repeating-linear-gradient(45deg,#bbb,#bbb 4px,#ccc 4px,#ccc 8px)" : hue(it.l || 0)});
          t.title = text.split(" · ").join("\n");
          if (w > 40 && h > 14) t.textContent = it.o ? `${it.n}, ${si(it.b)}` : it.n;
          const show = e => { e.stopPropagation(); info.textContent = text; };
          t.addEventListener("mouseover", show); t.addEventListener("focus", show);
          // a directory zooms into itself; a file drawn inside its directory's tile zooms into that directory
          const into = it.c ? trail.concat([it]) : depth > 0 ? trail : null;
          if (into) {
            t.addEventListener("click", e => { e.stopPropagation(); draw(into); });
            t.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); draw(into, true); } });
          }
          map.append(t);
          if (it.c && depth < 2 && w > 60 && h > 50) level(it.c, prefix.concat([it.n]), trail.concat([it]), x + 3, y + 16, w - 6, h - 19, depth + 1);
        }
      }
      level(node.c || [], path.slice(1).map(n => n.n), path, 0, 0, map.clientWidth, map.clientHeight, 0);
      if (focus && map.firstChild) map.firstChild.focus();
    }
    draw([D.tree]);
    window.addEventListener("resize", () => draw(shown));
    // advice cards
    const adv = document.getElementById("advice");
    if (!D.advice.length) adv.append(el("p", {text: "No advice: nothing to reclaim, no secret, not root."}));
    for (const f of D.advice) {
      const card = el("div", {class: "card"},
        el("div", {}, el("span", {class: "sev " + f.severity, text: f.severity.toUpperCase()}), el("span", {text: f.title})),
        el("div", {class: "dim", text: `${f.rule} · layers ${f.layers.join(", ") || "—"}` + (f.bytes ? ` · ${si(f.bytes)} reclaimable` : "")}));
      if (f.paths.length) card.append(el("div", {class: "mono", text: f.paths.map(p => p.path + (p.bytes ? " (" + si(p.bytes) + ")" : "")).join("\n") +
        (f.pathCount > f.paths.length ? `\n… and ${f.pathCount - f.paths.length} more` : "")}));
      card.lastChild.style.whiteSpace = "pre-wrap";
      card.append(el("p", {text: "Fix: " + f.fix}));
      if (f.snippet) card.append(el("pre", {class: "mono", text: f.snippet}));
      adv.append(card);
    }
    document.getElementById("inefficient").append(D.inefficient.length ? table(["Count", "Wasted", "Path"], D.inefficient.map(f => [f.count, f.bytes, f.path]), [false, true, false])
      : el("p", {text: "None."}));
    document.getElementById("largest").append(table(["Bytes", "Path"], D.largest.map(f => [f.bytes, f.path]), [true, false]));
    document.getElementById("footer").textContent = "fathom report, " + I.generated;
    """#
}
