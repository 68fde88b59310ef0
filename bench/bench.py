#!/usr/bin/env python3
"""fathom's benchmark: wall time, CPU time, peak RSS, entries/s and MB/s of `fathom IMAGE --ci` (all rules
disabled) and `fathom IMAGE --json /dev/null` on generated and real images, beside the limit on the same
machine in the same run (`tar -tvf` over each layer for uncompressed layers; `gzip -dc` / `zstd -dc` to
/dev/null for compressed ones) and, when $DIVE names a dive binary, dive's figures and the ratio.
Each measurement is the median of --runs runs. Writes a Markdown report (default docs/benchmarks.md).

With case (2), the HTML report's size and open time in headless Chromium (see html_open); `--cases html` measures
only that and replaces its section of the report.

usage: bench.py FATHOM [--cases 1,2,3,4,5,6,7 | --cases tui | --cases html] [--runs 3] [--work DIR] [--out docs/benchmarks.md] [--fixtures DIR]
"""
import argparse, json, os, platform, re, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CASES = {
    "1": dict(title="200,000 entries, 8 layers, 1.5 GB, classic, uncompressed", entries=200_000, layers=8, bytes=1_500_000_000,
              layout="classic", compression="none"),
    "2": dict(title="1,000,000 small files, 4 layers, classic, uncompressed", entries=1_000_000, layers=4, bytes=200_000_000,
              layout="classic", compression="none"),
    "3": dict(title="as (1), gzip layers (OCI)", entries=200_000, layers=8, bytes=1_500_000_000, layout="oci", compression="gzip"),
    "4": dict(title="as (1), zstd layers (OCI)", entries=200_000, layers=8, bytes=1_500_000_000, layout="oci", compression="zstd"),
    # dive #288: one 5.3 GB layer took minutes and 1.4 GB of RSS; fathom's peak must not grow with the layer
    "6": dict(title="a huge layer: 400 large files, 4 GB, one uncompressed layer", entries=400, layers=1, bytes=4_000_000_000,
              layout="classic", compression="none"),
}
REAL = ["real/debian-apt.oci-zstd.tar", "real/many-files.docker20.tar.zst"]
# Case 7: a real Debian 12 image with a few hundred packages, the scorecard's node-beginner (debootstrap
# base, apt-get install of build tools and Node, an npm install: 349 dpkg packages), built by the real
# engine (Tests/e2e/scorecard.sh builds it once into its cache), as docker save wrote it and converted by
# skopeo to OCI archives with gzip and with zstd layers.
SCORECARD = os.environ.get("FATHOM_SCORECARD_CACHE", os.path.expanduser("~/.cache/fathom-scorecard"))


def measure(cmd, env=None):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak RSS MB, exit code)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.monotonic()
        p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", t.name] + cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env)
        wall = time.monotonic() - start
        user, sys_, rss = open(t.name).read().split()[-3:]
        return wall, float(user) + float(sys_), int(rss) / 1024, p.returncode


def median_of(runs, cmd, env=None):
    results = [measure(cmd, env) for _ in range(runs)]
    return tuple(statistics.median(r[i] for r in results) for i in range(3)) + (results[-1][3],)


def percent(ratio):
    """A ratio as a percentage: one decimal below 10 %, none above."""
    return f"{100 * ratio:.1f} %" if ratio < 0.1 else f"{100 * ratio:.0f} %"


def medians(results):
    """(wall, CPU, peak) medians of several `median_of` results, with the last one's exit code."""
    return tuple(statistics.median(r[i] for r in results) for i in range(3)) + (results[-1][3],)


def packages_share(fathom, path, env):
    """The package databases' share of a `--ci` run (issue 21: within 15 %): the "packages" phase that
    FATHOM_TIMINGS prints, against the run's wall time; and the databases the JSON report names."""
    start = time.monotonic()
    p = subprocess.run([fathom, "--ci", "--lowestEfficiency", "disabled", "--highestWastedBytes", "disabled",
                        "--highestUserWastedPercent", "disabled", path], capture_output=True, text=True,
                       env=dict(env, FATHOM_TIMINGS="1"))
    wall = time.monotonic() - start
    m = re.search(r"phase packages: ([0-9.]+) s", p.stderr)
    return (float(m.group(1)) if m else None), wall


def warm(paths):
    """Reads the files once so that every measure starts from the page cache (the kernel's idle-page
    reclaim may have dropped them since they were written)."""
    for p in paths:
        subprocess.run(["cat", p], stdout=subprocess.DEVNULL, check=False)


def help_peak(fathom, runs):
    """The peak RSS of `fathom --help` in MB: what the process costs before it reads anything."""
    return median_of(runs, [fathom, "--help"])[2]


def shell_limit(runs, script):
    results = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(["bash", "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        results.append(time.monotonic() - start)
    return statistics.median(results)


# The decompression limit for gzip layers: ISA-L's igzip (Debian `isal`), as fathom decodes with ISA-L;
# GNU gzip where it is missing.
GUNZIP = "igzip -dc" if shutil.which("igzip") else "gzip -dc"


def real_limit(archive, work):
    """The limit for a real archive: its layer blobs extracted once, then `sha256sum` (plain: the diff ID
    hashes every byte) or `igzip -dc` / `zstd -dc` (compressed) over each."""
    out = os.path.join(work, os.path.basename(archive) + ".extract")
    if not os.path.isdir(out):
        os.makedirs(out)
        subprocess.run(["tar", "-xf", archive, "-C", out], check=True)
    cmds, kinds = [], set()
    for d, _, files in os.walk(out):
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.islink(p) or os.path.getsize(p) < 1024:
                continue
            head = open(p, "rb").read(512)
            if head[:2] == b"\x1f\x8b":
                cmds.append(f"{GUNZIP} '{p}' > /dev/null"); kinds.add(GUNZIP)
            elif head[:4] == b"\x28\xb5\x2f\xfd":
                cmds.append(f"zstd -dc '{p}' > /dev/null"); kinds.add("zstd -dc")
            elif len(head) == 512 and head[257:262] == b"ustar":
                cmds.append(f"sha256sum '{p}' > /dev/null"); kinds.add("sha256sum")
    return " && ".join(cmds) or "true", " / ".join(sorted(kinds)) + " per layer"


# What each stage of the explorer shows first: the loading screen, the streaming explorer (the layer list while the
# layers are read; its file-tree pane has this title until the analysis is complete), the complete explorer.
LOADING, STREAMING, EXPLORER = "Loading", "File tree  (when the analysis is complete)", "Current Layer Contents"


def first_frame(fathom, image, env):
    """Seconds from start to the loading screen, to the streaming explorer (the layer list) and to the complete
    explorer, in tmux (120x40). A stage that the 0.1 s poll never saw is None (e.g. the streaming explorer on a
    build whose loader does not report the outline early)."""
    sock = f"fathom-bench-{os.getpid()}"
    tm = ["tmux", "-L", sock]
    subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
    start = time.monotonic()
    subprocess.run(tm + ["new-session", "-d", "-s", "b", "-x", "120", "-y", "40", f"{fathom} {image}; sleep 30"], env=env, check=True)
    loading = layers = ready = None
    while time.monotonic() - start < 120:
        screen = subprocess.run(tm + ["capture-pane", "-t", "b", "-p"], capture_output=True, text=True).stdout
        now = time.monotonic() - start
        if loading is None and any(m in screen for m in (LOADING, STREAMING, EXPLORER)):
            loading = now
        if layers is None and STREAMING in screen:
            layers = now
        if EXPLORER in screen:
            ready = now
            break
        time.sleep(0.1)  # a tighter poll steals one of the two cores from the program being measured
    subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
    return loading, layers, ready


def viewer_open(fathom, image, env, entries, layers):
    """Opens the last file of layer 0 (the last member of its tar: data/l0/d…/f….bin, as gen_image.py names it)
    in the explorer's viewer, in tmux: the viewer's own measure of the key press to the first screen's bytes
    (FATHOM_TIMINGS "viewer: first screen"), the gzip index it kept (its "gzip index" notes) and the process's peak
    RSS (VmHWM) with the viewer open. None where the viewer did not open within 120 s."""
    per_layer = entries // layers
    name = f"f{per_layer - 1:07d}.bin"
    sock = f"fathom-bench-v-{os.getpid()}"
    tm = ["tmux", "-L", sock]
    log = os.path.join(tempfile.gettempdir(), f"fathom-bench-viewer-{os.getpid()}.log")
    subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
    venv = dict(env, FATHOM_TIMINGS="1")
    subprocess.run(tm + ["new-session", "-d", "-s", "b", "-x", "120", "-y", "40", f"{fathom} {image} 2>{log}; sleep 60"],
                   env=venv, check=True)
    screen = lambda: subprocess.run(tm + ["capture-pane", "-t", "b", "-p"], capture_output=True, text=True).stdout
    keys = lambda *k: subprocess.run(tm + ["send-keys", "-t", "b", *k], check=True)
    start, result = time.monotonic(), None
    while time.monotonic() - start < 120 and EXPLORER not in screen():
        time.sleep(0.2)
    keys("Tab", "Tab", "/"); keys("-l", name); keys("Enter", "Down", "Down", "Down")
    time.sleep(1)
    keys("v")
    while time.monotonic() - start < 120:
        text = open(log).read() if os.path.exists(log) else ""
        m = re.search(r"phase viewer: first screen: ([0-9.]+) s", text)
        if m:
            shell = subprocess.run(tm + ["display-message", "-p", "-t", "b", "#{pane_pid}"], capture_output=True, text=True).stdout.strip()
            pid = subprocess.run(["pgrep", "-P", shell, "-x", os.path.basename(fathom)[:15]], capture_output=True, text=True).stdout.split() if shell else []
            peak = None
            if pid:
                status = open(f"/proc/{pid[0]}/status").read()
                peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
            index = [(int(n), int(b), int(t)) for n, b, t in re.findall(r"gzip index of \S+: (\d+) checkpoints, (\d+) bytes for (\d+) bytes", text)]
            shown = name in screen()
            result = dict(seconds=float(m.group(1)), peak=peak, index=index, shown=shown)
            break
        time.sleep(0.2)
    subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
    if os.path.exists(log):
        os.remove(log)
    return result


def viewer_lines(viewers, work):
    """The report's viewer table: per case, the time to the first screen, the index and the peak; beside zstd,
    `zstd -dc` of layer 0 (the goal: no more than decoding the layer from its start)."""
    out = ["", "Viewer (issue 17): the last file of layer 0 opened in the explorer (`v`), from the key press to the bytes "
           "of its first screen, as the viewer measures it (`FATHOM_TIMINGS`); the explorer's peak RSS with the viewer open.", "",
           "| case | first screen | gzip index kept | explorer peak MB | limit |", "|---|---|---|---|---|"]
    for case, v in viewers:
        if v is None:
            out.append(f"| ({case}) | did not open within 120 s | | | |")
            continue
        index = "-"
        if v["index"]:
            n = sum(i[0] for i in v["index"]); b = sum(i[1] for i in v["index"]); t = sum(i[2] for i in v["index"])
            index = f"{n} checkpoints, {b / 1e6:.1f} MB ({100 * b / t:.2f} % of {t / 1e9:.2f} GB of tar)"
        limit = "-"
        layer0 = case_path(case, work) + ".layers"
        blobs = sorted(os.listdir(layer0)) if os.path.isdir(layer0) else []
        if case == "4" and blobs:
            first = os.path.join(layer0, blobs[0])
            t0 = time.monotonic(); subprocess.run(f"zstd -dc '{first}' > /dev/null", shell=True, check=True)
            limit = f"`zstd -dc` of layer 0: {(time.monotonic() - t0) * 1000:.0f} ms"
        shown = "" if v["shown"] else " (file name not seen on screen)"
        out.append(f"| ({case}) | {v['seconds'] * 1000:.1f} ms{shown} | {index} | {v['peak']:.0f} | {limit} |")
    return out


def frame_line(frame):
    """The report's TUI line."""
    loading, layers, ready = frame
    if ready is None:
        return "TUI: the explorer did not appear within 120 s."
    streaming = (f"the layer list (the streaming explorer) after {layers:.2f} s" if layers is not None
                 else "the layer list not seen before the explorer")
    return (f"TUI on case (1), in tmux 120×40: first frame (the loading screen) after {loading:.2f} s, "
            f"{streaming}, the complete explorer after {ready:.2f} s.")


def html_open(fathom, image, work, env, runs):
    """The --html report of image: (page bytes, seconds to write it, seconds to an interactive first screen,
    the page's own milliseconds to it, seconds for a zoom), the times medians of runs. Opening is measured in
    headless Chromium over the DevTools protocol (Tests/e2e/cdp.py): from Page.navigate until the load event
    has fired, the treemap has tiles and a frame with them has been drawn (two animation frames), on a fresh
    tab each run; the page's own figure is performance.now() at that moment (from the start of navigation).
    The zoom is a click on the largest directory's tile until the next frame shows its children."""
    sys.path.insert(0, os.path.join(ROOT, "Tests", "e2e"))
    import cdp
    page_path = os.path.join(work, os.path.basename(image) + ".html")
    start = time.monotonic()
    subprocess.run([fathom, image, "--html", page_path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    write = time.monotonic() - start
    size = os.path.getsize(page_path)
    if not cdp.available():
        return size, write, None, None, None
    drawn = ("new Promise(r => { const f = () => document.querySelector('#treemap .tile') ? requestAnimationFrame(() => "
             "requestAnimationFrame(() => r(performance.now()))) : setTimeout(f, 5); f(); })")
    opens, own, zooms = [], [], []
    with cdp.Browser() as b:
        for _ in range(runs):
            page = b.open(None)
            t0 = time.monotonic()
            page.navigate("file://" + page_path)
            own.append(page.eval(drawn))
            opens.append(time.monotonic() - t0)
            target = page.eval("(() => { const t = document.querySelector('#treemap .tile.dir'); return t && t.dataset.path; })()")
            if target:
                x, y = page.eval(f"(() => {{ const r = document.querySelector('#treemap .tile[data-path={json.dumps(target)}]')"
                                 ".getBoundingClientRect(); return [r.left + 8, r.top + 6]; })()")
                t0 = time.monotonic()
                page.mouse("mousePressed", x, y, button="left", clickCount=1)
                page.mouse("mouseReleased", x, y, button="left", clickCount=1)
                page.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                zooms.append(time.monotonic() - t0)
            page.send("Page.close")
    return size, write, statistics.median(opens), statistics.median(own), statistics.median(zooms) if zooms else None


def html_section(fathom, work, fixtures, env, runs):
    """The HTML report's lines for the report: size and open time of the samples, many-files and case (2)."""
    images = [("SampleImages/wasteful.docker.tar", os.path.join(ROOT, "SampleImages", "wasteful.docker.tar")),
              ("SampleImages/good.docker.tar.zst", os.path.join(ROOT, "SampleImages", "good.docker.tar.zst"))]
    many = os.path.join(fixtures, "real", "many-files.docker20.tar.zst")
    if os.path.exists(many):
        path = os.path.join(work, "many-files.docker20.tar")
        if not os.path.exists(path):
            subprocess.run(f"zstd -dc '{many}' > '{path}'", shell=True, check=True)
        images.append(("real/many-files.docker20.tar (35,384 entries)", path))
    case2 = ensure_case("2", work)
    images.append(("(2) " + CASES["2"]["title"], case2))
    out = ["<!-- html -->",
           f"HTML report (`fathom IMAGE --html`): the page's size, the seconds to write it, and in headless Chromium "
           f"(DevTools protocol, 1280×800, a fresh tab, medians of {runs}) the seconds from navigation to an interactive first "
           "screen (load event fired, treemap drawn and painted), the page's own `performance.now()` then, and a zoom "
           "(click on the largest directory until its children are painted). `python3 bench/bench.py FATHOM --cases html`.", "",
           "| image | page MB | write s | open s | page's own ms | zoom s |", "|---|---|---|---|---|---|"]
    for title, path in images:
        size, write, opened, own, zoom = html_open(fathom, path, work, env, runs)
        fmt = lambda v, f: f % v if v is not None else "-"
        out.append(f"| {title} | {size / 1e6:.2f} | {write:.2f} | {fmt(opened, '%.2f')} | {fmt(own, '%.0f')} | {fmt(zoom, '%.2f')} |")
        print(f"html {title}: {size / 1e6:.2f} MB, open {fmt(opened, '%.2f')} s", file=sys.stderr)
    out.append("<!-- /html -->")
    return out


# The generator's content (gen_image.py --content realistic since session 7): part of the cached images' names,
# so that a cache of the older incompressible images is not measured as if it were the new one.
CONTENT = "realistic"


def case_path(case, work):
    """Where a generated case is cached."""
    return os.path.join(work, f"case{case}-{CONTENT}.tar")


def ensure_case(case, work):
    """The generated image of a case, made once (cached in `work`)."""
    c = CASES[case]
    path = case_path(case, work)
    if not os.path.exists(path):
        print(f"generating case {case}: {c['title']} …", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_image.py"), path, "--entries", str(c["entries"]),
                        "--layers", str(c["layers"]), "--bytes", str(c["bytes"]), "--layout", c["layout"],
                        "--compression", c["compression"], "--content", CONTENT], check=True)
    return path


def real_debian(fathom, work):
    """Case 7's three archives (docker save, OCI gzip, OCI zstd), made once: the scorecard's node-beginner
    image (built by Tests/e2e/scorecard.sh when its cache lacks it), converted by skopeo."""
    def saved():
        found = sorted(f for f in os.listdir(SCORECARD) if f.startswith("node-beginner-") and f.endswith(".tar")) \
            if os.path.isdir(SCORECARD) else []
        return os.path.join(SCORECARD, found[-1]) if found else None
    source = saved()
    if source is None:
        print("building the scorecard's images (Tests/e2e/scorecard.sh) for case 7 …", file=sys.stderr)
        subprocess.run(["bash", os.path.join(ROOT, "Tests", "e2e", "scorecard.sh"), fathom], stdout=subprocess.DEVNULL)
        source = saved()
    if source is None:
        print("case 7 skipped: the scorecard could not build node-beginner (it needs Docker's engine)", file=sys.stderr)
        return []
    out = [("docker save", source)]
    for fmt in ("gzip", "zstd"):
        path = os.path.join(work, f"case7-{os.path.basename(source)[:-4]}.oci-{fmt}.tar")
        if not os.path.exists(path):
            subprocess.run(["skopeo", "copy", "-q", "--dest-compress-format", fmt, f"docker-archive:{source}",
                            f"oci-archive:{path}"], check=True)
        out.append((f"OCI, {fmt} layers", path))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fathom")
    ap.add_argument("--cases", default="1,2,3,4,5,6,7")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.environ.get("FATHOM_BENCH_DIR", "/tmp/fathom-bench"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    ap.add_argument("--fixtures", default=os.environ.get("FATHOM_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures")))
    a = ap.parse_args()
    fathom = os.path.abspath(a.fathom)
    dive = os.environ.get("DIVE")
    dive_timeout = int(os.environ.get("DIVE_TIMEOUT", "600"))
    os.makedirs(a.work, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    if a.cases == "tui":  # only the explorer's first frame, replacing that line of the report
        line = frame_line(first_frame(fathom, case_path("1", a.work), env))
        print(line)
        if a.out != "-" and os.path.exists(a.out):
            text = re.sub(r"^TUI on case \(1\).*$", line, open(a.out).read(), flags=re.M)
            open(a.out, "w").write(text)
        return
    if a.cases.startswith("viewer"):  # only the viewer's measures (--cases viewer or viewer:1,3), printed
        cases = a.cases.split(":", 1)[1].split(",") if ":" in a.cases else ["1", "3", "4"]
        for case in cases:
            ensure_case(case, a.work)
        print("\n".join(viewer_lines([(c, viewer_open(fathom, case_path(c, a.work), env, CASES[c]["entries"],
                                                     CASES[c]["layers"])) for c in cases], a.work)))
        return
    if a.cases == "html":  # only the HTML report's section, replacing that section of the report
        lines = html_section(fathom, a.work, a.fixtures, env, a.runs)
        print("\n".join(lines))
        if a.out != "-" and os.path.exists(a.out):
            text = open(a.out).read()
            block = "\n".join(lines)
            text = re.sub(r"<!-- html -->.*<!-- /html -->", lambda _: block, text, flags=re.S) if "<!-- html -->" in text \
                else text.rstrip("\n") + "\n\n" + block + "\n"
            open(a.out, "w").write(text)
        return
    rows = []
    for case in a.cases.split(","):
        images = []
        if case in CASES:
            c = CASES[case]
            path = ensure_case(case, a.work)
            layers = sorted(os.listdir(path + ".layers")) if os.path.isdir(path + ".layers") else []
            blobs = [os.path.join(path + ".layers", l) for l in layers]
            if not blobs:
                limit_cmd, limit_name = real_limit(path, a.work)
            elif c["compression"] == "none":
                # the diff ID is a SHA-256 of every byte: no correct tool reads an uncompressed layer for less
                limit_cmd = " && ".join(f"sha256sum {b} > /dev/null" for b in blobs)
                limit_name = "sha256sum per layer"
            else:
                tool = GUNZIP if c["compression"] == "gzip" else "zstd -dc"
                limit_cmd = " && ".join(f"{tool} {b} > /dev/null" for b in blobs)
                limit_name = f"{tool} per layer"
            images.append((f"({case}) {c['title']}", path, limit_cmd, limit_name))
        elif case == "5":
            for rel in REAL:
                src = os.path.join(a.fixtures, rel)
                path = src
                if src.endswith(".zst"):
                    path = os.path.join(a.work, os.path.basename(src)[:-4])
                    if not os.path.exists(path):
                        subprocess.run(f"zstd -dc '{src}' > '{path}'", shell=True, check=True)
                limit_cmd, limit_name = real_limit(path, a.work)
                # a .zst fixture is measured as the tar it holds (decompressed once into the work folder)
                images.append((f"(5) {rel[:-4] if rel.endswith('.zst') else rel}", path, limit_cmd, limit_name))
        elif case == "7":
            for form, path in real_debian(fathom, a.work):
                limit_cmd, limit_name = real_limit(path, a.work)
                images.append((f"(7) real Debian 12, 349 packages, {form}", path, limit_cmd, limit_name))
        for title, path, limit_cmd, limit_name in images:
            layer_dir = path + ".layers"
            warm([path] + ([os.path.join(layer_dir, l) for l in os.listdir(layer_dir)] if os.path.isdir(layer_dir) else []))
            report = json.loads(subprocess.run([fathom, "--json", "-", path], capture_output=True, env=env, check=True).stdout)
            entries = sum(l["entries"] for l in report["fathom"]["layers"])
            mb = os.path.getsize(path) / 1e6
            # fathom and its limit take turns, so that a ratio compares runs of the same minutes (the
            # machine's speed drifts by half within an hour)
            ci_runs, js_runs, limit_runs = [], [], []
            for _ in range(a.runs):
                ci_runs.append(median_of(1, [fathom, "--ci", "--lowestEfficiency", "disabled", "--highestWastedBytes", "disabled",
                                             "--highestUserWastedPercent", "disabled", path], env))
                js_runs.append(median_of(1, [fathom, "--json", "/dev/null", path], env))
                if limit_cmd:
                    limit_runs.append(shell_limit(1, limit_cmd))
            ci, js = medians(ci_runs), medians(js_runs)
            limit = statistics.median(limit_runs) if limit_runs else None
            row = dict(title=title, entries=entries, mb=mb, ci=ci, json=js, limit=limit, limit_name=limit_name,
                       packages=packages_share(fathom, path, env), databases=(report["fathom"].get("packages") or {}).get("databases", []))
            if dive:
                # dive is quadratic in the entries of a layer: past DIVE_TIMEOUT seconds it is stopped and
                # reported as "> timeout" (its peak memory so far is still measured)
                d = median_of(1, ["timeout", str(dive_timeout), dive, "--ci", "--ci-config", "/nonexistent",
                                  "--lowestEfficiency", "disabled", "--highestWastedBytes", "disabled",
                                  "--highestUserWastedPercent", "disabled", f"docker-archive://{path}"], env)
                row["dive"] = d
            rows.append(row)
            print(f"{title}: ci {ci[0]:.2f} s, json {js[0]:.2f} s, peak {ci[2]:.0f} MB" + (f", limit {limit:.2f} s" if limit else ""),
                  file=sys.stderr)
    frame = None
    if "1" in a.cases.split(","):
        frame = first_frame(fathom, case_path("1", a.work), env)
    viewers = [(case, viewer_open(fathom, case_path(case, a.work), env, CASES[case]["entries"], CASES[case]["layers"]))
               for case in a.cases.split(",") if case in ("1", "3", "4")]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
    out = ["# fathom benchmark", "",
           f"Machine: {os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GiB memory, Linux {platform.release()}. "
           f"Medians of {a.runs} runs; wall and CPU in seconds, peak RSS in MB.", "",
           "Reproduce: `make bench` (generated images are cached in /tmp/fathom-bench; `DIVE=/path/to/dive make bench` adds dive, stopped after `DIVE_TIMEOUT` seconds, 600 by default).", "",
           f"The limit runs one layer after another on one core: issue 22's goals compare fathom's CPU with it, and "
           f"fathom's wall with it divided by the {os.cpu_count()} cores.", "",
           "| case | entries | MB | `--ci` wall | `--ci` CPU | `--ci` peak MB | `--json` wall | `--json` peak MB | entries/s | MB/s | limit | limit | CPU / limit | wall / (limit ÷ cores) |"
           + (" dive wall | dive peak MB | fathom / dive wall | fathom / dive peak |" if dive else ""),
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|---|---|---|" if dive else "")]
    for r in rows:
        ci, js = r["ci"], r["json"]
        line = (f"| {r['title']} | {r['entries']:,} | {r['mb']:.0f} | {ci[0]:.2f} | {ci[1]:.2f} | {ci[2]:.0f} | {js[0]:.2f} | {js[2]:.0f} | "
                f"{r['entries'] / ci[0]:,.0f} | {r['mb'] / ci[0]:.0f} | {r['limit_name'] or '-'} | "
                f"{'%.2f' % r['limit'] if r['limit'] else '-'} | {'%.2f×' % (ci[1] / r['limit']) if r['limit'] else '-'} | "
                f"{'%.2f×' % (ci[0] / (r['limit'] / os.cpu_count())) if r['limit'] else '-'} |")
        if dive:
            d = r["dive"]
            if d[3] == 124:  # stopped by timeout(1)
                line += f" > {dive_timeout} (stopped) | ≥ {d[2]:.0f} | < {100 * ci[0] / dive_timeout:.1f} % | ≤ {100 * ci[2] / d[2]:.0f} % |"
            else:
                line += f" {d[0]:.2f} | {d[2]:.0f} | {percent(ci[0] / d[0])} | {percent(ci[2] / d[2])} |"
        out.append(line)
    out += ["", f"`fathom --help` peaks at {help_peak(fathom, a.runs):.1f} MB: the process before it reads anything."]
    if frame:
        out += ["", frame_line(frame)]
    out += ["", "Package databases (issue 21): the `packages` phase of one `--ci` run (`FATHOM_TIMINGS`) against the run's wall time.", "",
            "| case | databases | packages phase | whole run | share |", "|---|---|---|---|---|"]
    for r in rows:
        phase, wall = r["packages"]
        share = f"{100 * phase / wall:.1f} %" if phase is not None else "-"
        out.append(f"| {r['title']} | {', '.join(r['databases']) or 'none'} | {'%.3f s' % phase if phase is not None else '-'} | {wall:.2f} s | {share} |")
    if viewers:
        out += viewer_lines(viewers, a.work)
    if "2" in a.cases.split(","):
        out += [""] + html_section(fathom, a.work, a.fixtures, env, a.runs)
    text = "\n".join(out) + "\n"
    print(text)
    if a.out != "-":
        prev = open(a.out).read() if os.path.exists(a.out) else ""
        marker = "<!-- results -->"
        if marker in prev:
            head = prev.split(marker)[0]
            text = head + marker + "\n\n" + text
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
