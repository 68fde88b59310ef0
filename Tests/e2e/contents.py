#!/usr/bin/env python3
"""The files fathom reads out of layers are byte for byte the files in them (issue 17).

    contents.py FATHOM_BINARY [FIXTURES_DIR]

For every fixture archive that has a truth file (the sample images too), and for every layer i,
the reference model of the fixtures (tools/truth.py: its own tar reader, Python's tarfile) gives the
regular files that layer writes and their SHA-256; `fathom extract ARCHIVE -o DIR --layer i` must
write each of them with that content at its path (a file a layer writes is what that layer's
filesystem shows, whatever lies below), and `fathom cat ARCHIVE PATH --layer i` must print the same
bytes for up to three files a layer. Prints one line per fixture and 'N passed, M failed'."""
import hashlib, json, os, shutil, subprocess, sys, tempfile

fathom = os.path.abspath(sys.argv[1])
root = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../../shared/fixtures"))
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(root, "tools"))
import truth  # noqa: E402
import conformance  # noqa: E402

def layers_of(archive, args):
    """Per layer, {path bytes: sha256} of the regular files it writes (the last entry of a path wins)."""
    image = args[args.index("--image") + 1] if "--image" in args else None
    platform = args[args.index("--platform") + 1] if "--platform" in args else None
    if os.path.isdir(archive):
        v = truth.VFS.from_dir(archive)
    else:
        _, data = truth.decompress(open(archive, "rb").read(), "archive")
        v = truth.VFS.from_tar(data)
    if "manifest.json" in v.m:
        _, _, _, paths, _ = truth.load_manifest_json(v, image)
    else:
        _, _, _, paths, _ = truth.load_oci(v, image, platform)
    out = []
    for i, lp in enumerate(paths):
        _, _, entries = truth.parse_layer(v.read(lp), "layer %d" % i)
        files = {}
        for e in entries:
            if e.kind != "entry" or not e.path:
                continue
            if e.type == "file":
                files[truth.pbytes(e.path)] = e.sha
            else:
                files.pop(truth.pbytes(e.path), None)
        out.append(files)
    return out

def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()

seen, passed, failed = set(), 0, 0
samples = [(os.path.join(here, "../../SampleImages", n), []) for n in ("wasteful.docker.tar", "wasteful.oci-zstd.tar", "good.docker.tar.zst")]
cases = [(a, args) for _, a, args, t in conformance.cases(root) if "error" not in t] + samples
for archive, args in cases:
    if (archive, tuple(args)) in seen:
        continue
    seen.add((archive, tuple(args)))
    name = os.path.relpath(archive, root) if archive.startswith(root) else os.path.basename(archive)
    problems = []
    try:
        expected = layers_of(archive, args)
    except truth.TruthError as e:
        print("SKIP %s: the reference model refuses it (%s)" % (name, e))
        continue
    work = tempfile.mkdtemp(prefix="fathom-contents-")
    try:
        for i, files in enumerate(expected):
            out = os.path.join(work, str(i))
            p = subprocess.run([fathom, "extract", archive] + args + ["-o", out, "--layer", str(i)],
                               capture_output=True, timeout=300)
            if p.returncode != 0:
                problems.append("extract --layer %d: exit %d: %s" % (i, p.returncode, p.stderr.decode(errors="replace").strip()[-300:]))
                continue
            for path, digest in files.items():
                target = os.path.join(os.fsencode(out), path)
                if not os.path.isfile(target):
                    problems.append("layer %d: %r not written" % (i, path))
                elif sha(target) != digest:
                    problems.append("layer %d: %r has other bytes" % (i, path))
            for path in sorted(files)[:3]:
                c = subprocess.run([fathom, "cat", archive] + args + [os.fsdecode(b"/" + path), "--layer", str(i)],
                                   capture_output=True, timeout=300)
                if c.returncode != 0 or "sha256:" + hashlib.sha256(c.stdout).hexdigest() != files[path]:
                    problems.append("cat %r --layer %d: exit %d, %s" % (path, i, c.returncode, c.stderr.decode(errors="replace").strip()[:200]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    count = sum(len(f) for f in expected)
    if problems:
        failed += 1
        print("FAIL %s (%d layers, %d files):" % (name, len(expected), count))
        for p in problems[:10]:
            print("    | " + p)
    else:
        passed += 1
        print("ok   %s: %d files in %d layers, byte for byte" % (name, count, len(expected)))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
