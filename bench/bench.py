#!/usr/bin/env python3
"""fathom's benchmark: wall time, CPU time, peak RSS, entries/s and MB/s of `fathom IMAGE --ci` (all rules
disabled) and `fathom IMAGE --json /dev/null` on generated and real images, beside the limit on the same
machine in the same run (`tar -tvf` over each layer for uncompressed layers; `gzip -dc` / `zstd -dc` to
/dev/null for compressed ones) and, when $DIVE names a dive binary, dive's figures and the ratio.
Each measurement is the median of --runs runs. Writes a Markdown report (default docs/benchmarks.md).

usage: bench.py FATHOM [--cases 1,2,3,4,5 | --cases tui] [--runs 3] [--work DIR] [--out docs/benchmarks.md] [--fixtures DIR]
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
}
REAL = ["real/debian-apt.oci-zstd.tar", "real/many-files.docker20.tar.zst"]


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


def shell_limit(runs, script):
    results = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(["bash", "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        results.append(time.monotonic() - start)
    return statistics.median(results)


def real_limit(archive, work):
    """The limit for a real archive: its layer blobs extracted once, then `tar -tvf` (plain) or
    `gzip -dc` / `zstd -dc` (compressed) over each."""
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
                cmds.append(f"gzip -dc '{p}'"); kinds.add("gzip -dc")
            elif head[:4] == b"\x28\xb5\x2f\xfd":
                cmds.append(f"zstd -dc '{p}'"); kinds.add("zstd -dc")
            elif len(head) == 512 and head[257:262] == b"ustar":
                cmds.append(f"tar -tvf '{p}'"); kinds.add("tar -tvf")
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


def frame_line(frame):
    """The report's TUI line."""
    loading, layers, ready = frame
    if ready is None:
        return "TUI: the explorer did not appear within 120 s."
    streaming = (f"the layer list (the streaming explorer) after {layers:.2f} s" if layers is not None
                 else "the layer list not seen before the explorer")
    return (f"TUI on case (1), in tmux 120×40: first frame (the loading screen) after {loading:.2f} s, "
            f"{streaming}, the complete explorer after {ready:.2f} s.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fathom")
    ap.add_argument("--cases", default="1,2,3,4,5")
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
        line = frame_line(first_frame(fathom, os.path.join(a.work, "case1.tar"), env))
        print(line)
        if a.out != "-" and os.path.exists(a.out):
            text = re.sub(r"^TUI on case \(1\).*$", line, open(a.out).read(), flags=re.M)
            open(a.out, "w").write(text)
        return
    rows = []
    for case in a.cases.split(","):
        images = []
        if case in CASES:
            c = CASES[case]
            path = os.path.join(a.work, f"case{case}.tar")
            if not os.path.exists(path):
                print(f"generating case {case}: {c['title']} …", file=sys.stderr)
                subprocess.run([sys.executable, os.path.join(HERE, "gen_image.py"), path, "--entries", str(c["entries"]),
                                "--layers", str(c["layers"]), "--bytes", str(c["bytes"]), "--layout", c["layout"],
                                "--compression", c["compression"]], check=True)
            layers = sorted(os.listdir(path + ".layers")) if os.path.isdir(path + ".layers") else []
            blobs = [os.path.join(path + ".layers", l) for l in layers]
            if not blobs:
                limit_cmd, limit_name = real_limit(path, a.work)
            elif c["compression"] == "none":
                limit_cmd = " && ".join(f"tar -tvf {b}" for b in blobs)
                limit_name = "tar -tvf per layer"
            else:
                tool = "gzip -dc" if c["compression"] == "gzip" else "zstd -dc"
                limit_cmd = " && ".join(f"{tool} {b}" for b in blobs)
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
                images.append((f"(5) {rel}", path, limit_cmd, limit_name))
        for title, path, limit_cmd, limit_name in images:
            report = json.loads(subprocess.run([fathom, "--json", "-", path], capture_output=True, env=env, check=True).stdout)
            entries = sum(l["entries"] for l in report["fathom"]["layers"])
            mb = os.path.getsize(path) / 1e6
            ci = median_of(a.runs, [fathom, "--ci", "--lowestEfficiency", "disabled", "--highestWastedBytes", "disabled",
                                    "--highestUserWastedPercent", "disabled", path], env)
            js = median_of(a.runs, [fathom, "--json", "/dev/null", path], env)
            limit = shell_limit(a.runs, limit_cmd) if limit_cmd else None
            row = dict(title=title, entries=entries, mb=mb, ci=ci, json=js, limit=limit, limit_name=limit_name)
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
        frame = first_frame(fathom, os.path.join(a.work, "case1.tar"), env)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
    out = ["# fathom benchmark", "",
           f"Machine: {os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GiB memory, Linux {platform.release()}. "
           f"Medians of {a.runs} runs; wall and CPU in seconds, peak RSS in MB.", "",
           "Reproduce: `make bench` (generated images are cached in /tmp/fathom-bench; `DIVE=/path/to/dive make bench` adds dive, stopped after `DIVE_TIMEOUT` seconds, 600 by default).", "",
           "| case | entries | MB | `--ci` wall | `--ci` CPU | `--ci` peak MB | `--json` wall | `--json` peak MB | entries/s | MB/s | limit | limit wall | fathom / limit |"
           + (" dive wall | dive peak MB | dive / fathom |" if dive else ""),
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|---|---|" if dive else "")]
    for r in rows:
        ci, js = r["ci"], r["json"]
        line = (f"| {r['title']} | {r['entries']:,} | {r['mb']:.0f} | {ci[0]:.2f} | {ci[1]:.2f} | {ci[2]:.0f} | {js[0]:.2f} | {js[2]:.0f} | "
                f"{r['entries'] / ci[0]:,.0f} | {r['mb'] / ci[0]:.0f} | {r['limit_name'] or '-'} | "
                f"{'%.2f' % r['limit'] if r['limit'] else '-'} | {'%.1f×' % (ci[0] / r['limit']) if r['limit'] else '-'} |")
        if dive:
            d = r["dive"]
            if d[3] == 124:  # stopped by timeout(1)
                line += f" > {dive_timeout} (stopped) | ≥ {d[2]:.0f} | > {dive_timeout / ci[0]:.0f}× |"
            else:
                line += f" {d[0]:.2f} | {d[2]:.0f} | {d[0] / ci[0]:.1f}× |"
        out.append(line)
    if frame:
        out += ["", frame_line(frame)]
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
