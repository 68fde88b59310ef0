#!/usr/bin/env python3
"""The --html report in a real browser: headless Debian chromium driven through the DevTools protocol
(Tests/e2e/cdp.py, --remote-debugging-pipe). Real mouse events and key presses, the page's DOM read
back and compared with fathom's own JSON report (`--json`: dive's per-layer file lists and fathom's
per-layer bytes) and `fathom ls --json`:

- clicking each layer's bar lists exactly that layer's added, modified and removed files (the files
  replayed from the layer tars themselves, the bytes in the heading from the JSON's per-layer figures,
  every path written in the JSON's file list of that layer);
- clicking a treemap tile zooms into that directory (the breadcrumb names it, the tiles are its
  children with their bytes and layers), clicking a file drawn inside a directory zooms into the
  directory, and the breadcrumb zooms back out;
- hovering or focusing a tile shows its path, bytes and layer; Tab reaches the tiles, Enter zooms;
- a hostile image (markup and script in file names and a command) shows them as text, and Chromium
  reports no request besides the page, no console error (a CSP violation is one), no exception, no
  dialog.

Skipped (exit 0, with a message) only when chromium is missing.  usage: html.py [FATHOM] [--screenshot=PNG]
"""
import io, json, math, os, subprocess, sys, tarfile, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import cdp  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--screenshot=")]
FATHOM = os.path.abspath(ARGS[0] if ARGS else os.path.join(ROOT, ".build/debug/fathom"))
# the first screen of the sample's report (1280x800) is kept for the log, or written where --screenshot= says
# (docs/html-report.png, shown in the README, is `html.py .build/debug/fathom --screenshot=docs/html-report.png`)
SHOT = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--screenshot=")), None)
SAMPLE = "SampleImages/wasteful.docker.tar"  # fathom runs in the repository: the page names it so
passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def si(b):
    """Bytes as the page prints them (si() in HTMLPage.helpers)."""
    neg, b = b < 0, abs(b)
    if b < 1000:
        s = f"{b} B"
    else:
        units, x, i = ["kB", "MB", "GB", "TB", "PB"], b, -1
        while x >= 1000 and i < len(units) - 1:
            x /= 1000
            i += 1
        s = (f"{x:.1f}" if x < 10 else str(math.floor(x + 0.5))) + " " + units[i]
    return ("−" if neg else "") + s


def fathom(*args):
    r = subprocess.run([FATHOM, *args], capture_output=True, text=True, env={**os.environ, "CI": ""}, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(f"fathom {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def layers_of(archive):
    """Each layer of a docker-save archive as [(path, kind, bytes, link target)] from its tar headers
    (kind: dir, file, link (hard), symlink; paths without "./" or a trailing "/")."""
    with tarfile.open(archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for name in manifest[0]["Layers"]:
            with tarfile.open(fileobj=io.BytesIO(outer.extractfile(name).read()), mode="r:*") as t:
                clean = lambda p: p.removeprefix("./").strip("/")
                yield [(clean(m.name), "dir" if m.isdir() else "link" if m.islnk() else "symlink" if m.issym() else "file",
                        m.size, clean(m.linkname)) for m in t.getmembers()]


def reference(archive):
    """The file changes of each layer and the filesystem after it, replayed from the layer tars
    themselves (whiteouts and opaque whiteouts applied; a hard link has its target's bytes):
    [(changes, state)], changes = {"/path": (status, bytes)} for everything but directories,
    state = {path: (is dir, bytes, is a hard link)}."""
    state, out = {}, []
    for entries in layers_of(archive):
        before = dict(state)
        for path, _, _, _ in entries:
            d, _, name = path.rpartition("/")
            if name == ".wh..wh..opq":
                for p in [p for p in state if p.startswith(d + "/")]:
                    del state[p]
            elif name.startswith(".wh."):
                gone = (d + "/" if d else "") + name[4:]
                for p in [p for p in state if p == gone or p.startswith(gone + "/")]:
                    del state[p]
        changes = {}
        for path, kind, size, target in entries:
            if path.rpartition("/")[2].startswith(".wh."):
                continue
            if kind == "link":
                size = state.get(target, before.get(target, (False, 0, False)))[1]
            state[path] = (kind == "dir", size, kind == "link")
            if kind != "dir":
                changes["/" + path] = ("added" if path not in before else "modified", size)
        for p, (is_dir, size, _) in before.items():
            if not is_dir and p not in state:
                changes["/" + p] = ("removed", size)
        out.append((changes, dict(state)))
    return out


def hostile_image(path):
    """A docker-save archive whose file names and command are markup and script."""
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in [("<img src=x onerror=alert(1)>.txt", b"boom"), ('app/"><svg onload=alert(2)>', b"\7" * 2000),
                           ("app/<script>alert(4)</script>/x.js", b"x" * 3000), ("app/<iframe src=javascript:alert(5)>", b"y" * 1500)]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            t.addfile(info, io.BytesIO(data))
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []},
                         "history": [{"created_by": "/bin/sh -c echo '</script><script>alert(3)</script><img src=//evil.invalid/p>'"}]})
    import hashlib
    blob = layer.getvalue()
    cfg = json.loads(config)
    cfg["rootfs"]["diff_ids"] = ["sha256:" + hashlib.sha256(blob).hexdigest()]
    files = {"layer.tar": blob, "config.json": json.dumps(cfg).encode(),
             "manifest.json": json.dumps([{"Config": "config.json", "RepoTags": ["hostile:<b>bold</b>"], "Layers": ["layer.tar"]}]).encode()}
    with tarfile.open(path, "w") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


TILES = """[...document.querySelectorAll('#treemap .tile:not(.inner)')].map(t => [t.dataset.path, +t.dataset.bytes, t.getAttribute('aria-label')])"""
CRUMBS = "document.getElementById('crumbs').textContent"
INFO = "document.getElementById('tileinfo').textContent"


def layers_test(page, report, ref):
    meta = {l["index"]: l for l in report["fathom"]["layers"]}
    for i, (changes, _) in enumerate(ref):
        page.click(f'#layers [data-layer="{i}"]')
        head = page.eval("document.querySelector('#layerfiles p').textContent")
        rows = page.eval("[...document.querySelectorAll('#layerfiles tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        m = meta[i]
        want_head = f"Layer {i}: {len(rows)} change{'' if len(rows) == 1 else 's'} (added {si(m['addedBytes'])}, modified {si(m['modifiedBytes'])}, removed {si(m['removedBytes'])}):"
        selected = page.eval("[...document.querySelectorAll('#layers .sel')].map(r => r.dataset.layer)")
        # the page lists directories too; the reference lists regular files and links: compare those
        before, after = ref[i - 1][1] if i else {}, ref[i][1]
        is_dir = lambda p: after.get(p[1:], before.get(p[1:], (False,)))[0]
        got = {path: ("modified" if status == "metadata" else status, size) for status, size, path in rows if not is_dir(path)}
        want = {p: (status, si(size)) for p, (status, size) in changes.items()}
        # and every path the page says this layer wrote is in the JSON's file list of the layer (dive's)
        listed = {"/" + f["path"] for f in report["layer"][i]["fileList"]}
        unlisted = [path for status, _, path in rows if status != "removed" and path not in listed]
        ok = selected == [str(i)] and head == want_head and got == want and not unlisted
        check(f"layer {i}: click lists its {len(want)} file changes", ok,
              f"selected {selected}\n  head {head!r}\n  want {want_head!r}\n  page-only {sorted(set(got.items()) - set(want.items()))[:8]}"
              f"\n  tar-only {sorted(set(want.items()) - set(got.items()))[:8]}\n  not in the JSON's fileList {unlisted[:8]}")


def tree_bytes(state, d):
    """Bytes under directory d (no leading slash; '' for /) in the reference's final state, each file's
    content once (a hard link adds nothing to its target's)."""
    prefix = d + "/" if d else ""
    return sum(size for p, (is_dir, size, link) in state.items() if not is_dir and not link and p.startswith(prefix))


def expected_tiles(state, d):
    """The children of directory d: {"/path": bytes} (a directory's bytes are the files under it)."""
    prefix = d + "/" if d else ""
    kids = {p for p in state if p.startswith(prefix) and "/" not in p[len(prefix):]}
    return {"/" + p: (tree_bytes(state, p) if state[p][0] else state[p][1]) for p in kids}


def zoom_test(page, ref, sample):
    final = ref[-1][1]
    # the top level: the root's children (or their "N files" tile)
    def view_ok(d, label):
        tiles = page.eval(TILES)
        want = expected_tiles(final, d)
        drawn = {p: b for p, b, _ in tiles if p}
        rest = [(b, a) for p, b, a in tiles if not p]
        missing = {p: b for p, b in want.items() if p not in drawn}
        ok = all(want.get(p) == b for p, b in drawn.items()) and sum(missing.values()) == sum(b for b, _ in rest)
        if rest and missing:
            n = sum(1 for p in final if not final[p][0] and any(p == m[1:] or p.startswith(m[1:] + "/") for m in missing))
            ok = ok and rest[0][1].startswith(f"{n} file" + ("" if n == 1 else "s") + " in ")
        check(f"{label}: the tiles are /{d}'s children with their bytes ({len(drawn)} drawn, {len(missing)} summed)", ok and drawn,
              f"drawn {drawn}\n  want {want}\n  rest {rest}")
        return drawn

    view_ok("", "treemap at /")
    # a click on the app directory's name strip (its top left corner) zooms into /app
    x, y = page.eval("(() => { const t = document.querySelector('#treemap .tile[data-path=\"/app\"]'); t.scrollIntoView({block: 'center'});"
                     " const r = t.getBoundingClientRect(); return [r.left + 12, r.top + 7]; })()")
    page.mouse("mouseMoved", x, y)
    page.mouse("mousePressed", x, y, button="left", clickCount=1)
    page.mouse("mouseReleased", x, y, button="left", clickCount=1)
    check("click on /app zooms: the breadcrumb shows /app", page.eval(CRUMBS).startswith("/app") and f"{si(tree_bytes(final, 'app'))}" in page.eval(CRUMBS),
          page.eval(CRUMBS))
    drawn = view_ok("app", "zoomed into /app")
    # fathom ls agrees on each file drawn: bytes and the layer that wrote it
    listing = {e["path"]: e for e in json.loads(fathom("ls", "--json", sample, "/app"))}
    bad = [(p, b, a) for p, b, a in page.eval(TILES) if p and listing.get(p, {}).get("type") == "file"
           and (b != listing[p]["size"] or f"layer {listing[p]['layer']}" not in a)]
    files = [p for p in drawn if listing.get(p, {}).get("type") == "file"]
    check(f"zoomed into /app: {len(files)} file tiles have fathom ls's bytes and layer", files and not bad, f"{bad} {listing}")
    # hover: path, bytes and layer of the tile under the mouse
    target = "/app/Dockerfile"
    page.hover(f'#treemap .tile[data-path="{target}"]')
    want = f"{target} · {si(listing[target]['size'])} · layer {listing[target]['layer']}"
    check("hover shows path, bytes and layer", page.eval(INFO) == want, f"{page.eval(INFO)!r} != {want!r}")
    # a file drawn inside a directory's tile: a click zooms into that directory
    page.click('#treemap .tile.inner[data-path="/app/assets/model.bin"]')
    check("click on a file inside /app/assets zooms into /app/assets", page.eval(CRUMBS).startswith("/app/assets"), page.eval(CRUMBS))
    view_ok("app/assets", "zoomed into /app/assets")
    # the breadcrumb: "app" goes back to /app, "/" to the top
    page.click("#crumbs button:nth-of-type(2)")
    check("breadcrumb 'app' zooms out to /app", page.eval(CRUMBS).startswith("/app") and "assets" not in page.eval(CRUMBS), page.eval(CRUMBS))
    page.click("#crumbs button:nth-of-type(1)")
    check("breadcrumb '/' zooms out to the top", page.eval("document.querySelectorAll('#crumbs button').length") == 1, page.eval(CRUMBS))
    view_ok("", "back at /")
    return final


def keyboard_test(page, final):
    page.mouse("mouseMoved", 1, 1)  # the pointer off the treemap: hover would show its tile instead
    page.eval("document.querySelector('#crumbs button').focus()")
    page.key("Tab")
    first = page.eval("[document.activeElement.className, document.activeElement.dataset.path]")
    check("Tab from the breadcrumb reaches the first tile, focus shows it", first[0].startswith("tile") and page.eval(INFO).startswith(first[1] or "?"),
          f"{first} info {page.eval(INFO)!r}")
    for _ in range(60):
        if page.eval("document.activeElement.dataset.path") == "/app":
            break
        page.key("Tab")
    want = f"/app · {si(tree_bytes(final, 'app'))} (directory)"
    check("Tab reaches /app; focus shows its path and bytes", page.eval(INFO) == want, f"{page.eval(INFO)!r} != {want!r}")
    page.key("Enter")
    check("Enter zooms into /app and focus moves to its first tile",
          page.eval(CRUMBS).startswith("/app") and page.eval("document.activeElement.dataset.path || ''").startswith("/app/"),
          f"{page.eval(CRUMBS)} {page.eval('document.activeElement.outerHTML')[:200]}")
    page.eval("document.querySelector('#crumbs button').focus()")
    page.key("Enter")
    check("Enter on the breadcrumb '/' zooms out", page.eval("document.querySelectorAll('#crumbs button').length") == 1, page.eval(CRUMBS))
    page.eval("document.querySelector('#layers [data-layer=\"4\"]').focus()")
    page.key("Enter")
    check("Enter on a layer lists its changes", page.eval("document.querySelector('#layerfiles p').textContent").startswith("Layer 4:"))


def hostile_test(browser, work):
    image, html = os.path.join(work, "hostile.tar"), os.path.join(work, "hostile.html")
    hostile_image(image)
    fathom(image, "--html", html)
    url = "file://" + html
    page = browser.open(url)
    page.click('#layers [data-layer="0"]')
    page.click('#treemap .tile[data-path="/app"]')
    for t in page.eval("[...document.querySelectorAll('#treemap .tile')].map(t => t.dataset.path)"):
        page.hover(f"#treemap .tile[data-path={json.dumps(t)}]")
    names = page.eval("[...document.querySelectorAll('#layerfiles tbody tr td:last-child')].map(c => c.textContent)")
    want = ["/<img src=x onerror=alert(1)>.txt", '/app/"><svg onload=alert(2)>', "/app/<script>alert(4)</script>/x.js", "/app/<iframe src=javascript:alert(5)>"]
    check("hostile: the layer's file names show as text", all(w in names for w in want), names)
    check("hostile: the command shows as text",
          "</script><script>alert(3)</script><img src=//evil.invalid/p>" in page.eval("document.querySelector('#layers .cmd').textContent"))
    tiles = page.eval("[...document.querySelectorAll('#treemap .tile')].map(t => [t.dataset.path, t.textContent, t.getAttribute('aria-label')])")
    check("hostile: the tiles' names and descriptions are text",
          {'/app/"><svg onload=alert(2)>', "/app/<iframe src=javascript:alert(5)>", "/app/<script>alert(4)</script>"} <= {p for p, _, _ in tiles}
          and all(a.startswith(p) and (not text or p.endswith("/" + text)) for p, text, a in tiles if p), tiles)
    check("hostile: no element from the image (img, svg, iframe, extra script)",
          page.eval("document.querySelectorAll('img,svg,iframe,object,embed').length + ',' + document.scripts.length") == "0,2")
    problems = page.problems(url) + [f"dialog {p}" for n, p in page.events if n == "Page.javascriptDialogOpening"]
    check("hostile: no request, console error, CSP violation, exception or dialog", not problems, problems)
    # the watch itself works: a fetch the CSP forbids is reported
    control = browser.open(url)
    control.eval("fetch('http://127.0.0.1:9/').catch(() => 0)")
    time.sleep(0.3)
    control.eval("1")
    check("control: a fetch from the page is seen as a CSP violation", control.problems(url), control.events[-5:])


def main():
    if not cdp.available():
        print("SKIP Tests/e2e/html.py: chromium is not installed (make deps-test installs it)")
        return 0
    start = time.monotonic()
    work = tempfile.mkdtemp(prefix="fathom-html-")
    html, js = os.path.join(work, "report.html"), os.path.join(work, "report.json")
    fathom(SAMPLE, "--html", html, "--json", js)
    report = json.load(open(js))
    ref = reference(os.path.join(ROOT, SAMPLE))
    url = "file://" + html
    with cdp.Browser() as browser:
        page = browser.open(url)
        shot = os.path.abspath(SHOT) if SHOT else os.path.join(work, "report.png")
        page.screenshot(shot)
        print(f"screenshot of the report's first screen: {shot} ({os.path.getsize(shot):,} bytes)")
        layers_test(page, report, ref)
        final = zoom_test(page, ref, SAMPLE)
        keyboard_test(page, final)
        problems = page.problems(url)
        check("wasteful: no request, console error, exception", not problems, problems)
        hostile_test(browser, work)
    print(f"html.py: {passed} passed, {failed} failed ({time.monotonic() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
