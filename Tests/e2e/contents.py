#!/usr/bin/env python3
"""The files fathom reads out of layers are byte for byte the files in them (issue 17).

    contents.py FATHOM_BINARY [FIXTURES_DIR]

For every fixture archive that has a truth file and for the sample images (SampleImages/), the
reference model of the fixtures (tools/truth.py: its own tar reader over Python's tarfile, and its
union of the layers) gives, after each layer i, every regular file the filesystem shows and its
SHA-256 (a hardlink shows its target's bytes). Then:

- `fathom extract ARCHIVE -o DIR --layer i` writes exactly those regular files (none missing, none
  more) with their sizes, at every layer, and their bytes where the layer wrote them, at the last
  layer, and for the sample images at every layer;
- `fathom cat ARCHIVE PATH --layer i` prints those bytes: for the uncompressed sample image every
  regular file at every layer where it exists; for the other two, each version of every file at the
  first and the last layer that shows it; for the fixtures (tens of thousands of files), up to three
  files each layer writes, and two files of lower layers that the last layer shows;
- for the sample images, GNU tar reads every layer too (`tar --to-command`, which writes nothing): each
  regular file it finds in a layer has the bytes the model (and so fathom) has for it.

Prints one line per archive and 'N passed, M failed'."""
import hashlib, os, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

fathom = os.path.abspath(sys.argv[1])
root = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../../shared/fixtures"))
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(root, "tools"))
import truth  # noqa: E402
import conformance  # noqa: E402

# truth.Union.remove_subtree scans every path of the tree; for a path that is not a directory (a whiteout
# or a rewrite of a file: 4,500 of them in many-files, 19 s) it need not, unless a later entry was kept
# under it literally (ensure_parents found it a parent that is not a directory): same result, no scan.
_remove_subtree, _ensure_parents = truth.Union.remove_subtree, truth.Union.ensure_parents

def remove_subtree(self, p, include_self=True):
    node = self.tree.get(p)
    if node is not None and node.type != "dir" and p not in self.__dict__.setdefault("literal_parents", set()):
        if include_self:
            del self.tree[p]
        return
    _remove_subtree(self, p, include_self)

def ensure_parents(self, p, created):
    _ensure_parents(self, p, created)
    parts, cur = p.split("/")[:-1], ""
    for c in parts:
        cur = cur + "/" + c if cur else c
        n = self.tree.get(cur)
        if n is not None and n.type != "dir":
            self.__dict__.setdefault("literal_parents", set()).add(cur)

truth.Union.remove_subtree, truth.Union.ensure_parents = remove_subtree, ensure_parents

def layers_of(archive, args):
    """Per layer: (shown, sizes, written, blob): shown = {path bytes: sha256} of the regular files the
    filesystem shows after the layer (none under a path that is not a directory there: extraction cannot
    place them), sizes = their sizes,
    written = {path bytes: sha256} of the regular files the layer itself writes, blob = the layer's tar."""
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
    union, out = truth.Union(), []
    for i, lp in enumerate(paths):
        _, blob, entries = truth.parse_layer(v.read(lp), "layer %d" % i)
        union.apply(i, entries)
        files = {p: n for p, n in union.tree.items() if n.type in ("file", "hardlink") and n.sha}
        others = {p for p, n in union.tree.items() if n.type != "dir"}
        shown, sizes = {}, {}
        for p, n in files.items():
            parts = p.split("/")
            if not any("/".join(parts[:k]) in others for k in range(1, len(parts))):
                shown[truth.pbytes(p)], sizes[truth.pbytes(p)] = n.sha, n.size
        written = {}
        for e in entries:
            if e.kind == "entry" and e.path:
                if e.type == "file":
                    written[truth.pbytes(e.path)] = e.sha
                else:
                    written.pop(truth.pbytes(e.path), None)
        out.append((shown, sizes, written, blob))
    return out

def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()

def regular_files(top):
    """{relative path bytes: size} of the regular files under `top` (links not followed)."""
    out, stack = {}, [b""]
    top = os.fsencode(top)
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(top, rel)) as entries:
            for e in entries:
                path = os.path.join(rel, e.name) if rel else e.name
                if e.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif e.is_file(follow_symlinks=False):
                    out[path] = e.stat(follow_symlinks=False).st_size
    return out

def tar_files(blob, work):
    """{path bytes: sha256} of the regular files of a layer tar as GNU tar reads them (the last of a name
    wins); tar hands each file to a command on its standard input and writes nothing itself."""
    layer = os.path.join(work, "layer.tar")
    with open(layer, "wb") as f:
        f.write(blob)
    hasher = 'printf "%s\\0%s\\0" "$TAR_FILENAME" "$(sha256sum | cut -d" " -f1)"'
    p = subprocess.run(["tar", "-xf", layer, "--to-command", hasher], capture_output=True, timeout=120, cwd=work)
    if p.returncode != 0:
        raise RuntimeError("tar: " + p.stderr.decode(errors="replace").strip()[-300:])
    parts = p.stdout.split(b"\0")
    out = {}
    for name, digest in zip(parts[0::2], parts[1::2]):
        if os.path.basename(name.rstrip(b"/")).startswith(b".wh."):
            continue  # whiteouts: markers, not files of the layer
        out[truth.pbytes(truth.norm_path(os.fsdecode(name), "tar"))] = "sha256:" + digest.decode()
    return out

def cat(archive, args, path, layer):
    c = subprocess.run([fathom, "cat", archive] + args + [os.fsdecode(b"/" + path), "--layer", str(layer)],
                       capture_output=True, timeout=300)
    return c.returncode, "sha256:" + hashlib.sha256(c.stdout).hexdigest(), c.stderr.decode(errors="replace").strip()[:200]

seen, passed, failed = set(), 0, 0
# the sample images: cat reads every file at every layer (uncompressed layers), or each version of each
# file at the first and the last layer that shows it (a zstd or whole-compressed archive: a cat there
# decodes the layer, and extract covers every layer between)
samples = [(os.path.join(here, "../../SampleImages", n), [], how) for n, how in
           (("wasteful.docker.tar", "all"), ("wasteful.oci-zstd.tar", "ends"), ("good.docker.tar.zst", "ends"))]
cases = [(a, args, None) for _, a, args, t in conformance.cases(root) if "error" not in t] + samples
pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2)
for archive, args, every in cases:
    if (archive, tuple(args)) in seen:
        continue
    seen.add((archive, tuple(args)))
    name = os.path.relpath(archive, root) if archive.startswith(root) else "SampleImages/" + os.path.basename(archive)
    began = time.monotonic()
    problems = []
    try:
        expected = layers_of(archive, args)
    except truth.TruthError as e:
        print("SKIP %s: the reference model refuses it (%s)" % (name, e))
        continue
    work = tempfile.mkdtemp(prefix="fathom-contents-")
    cats = []
    try:
        for i, (shown, sizes, written, blob) in enumerate(expected):
            if every:
                try:
                    by_tar = tar_files(blob, work)
                    for path, digest in written.items():
                        if by_tar.get(path) != digest:
                            problems.append("layer %d: %r: GNU tar reads %s, the model %s" % (i, path, by_tar.get(path), digest))
                    if set(by_tar) - set(written):
                        problems.append("layer %d: GNU tar reads files the model does not: %r" % (i, sorted(set(by_tar) - set(written))[:3]))
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    problems.append("layer %d: %s" % (i, e))
            out = os.path.join(work, str(i))
            p = subprocess.run([fathom, "extract", archive] + args + ["-o", out, "--layer", str(i)],
                               capture_output=True, timeout=300)
            if p.returncode != 0:
                problems.append("extract --layer %d: exit %d: %s" % (i, p.returncode, p.stderr.decode(errors="replace").strip()[-300:]))
            else:
                # every file shown has its size; the bytes are hashed where a layer wrote them, and at
                # the last layer (for the sample images: at every layer)
                got = regular_files(out)
                hashed = shown if every or i == len(expected) - 1 else written
                for path, digest in sorted(shown.items()):
                    if path not in got:
                        problems.append("extract --layer %d: %r not written" % (i, path))
                    elif got[path] != sizes[path]:
                        problems.append("extract --layer %d: %r has %d bytes, not %d" % (i, path, got[path], sizes[path]))
                    elif path in hashed and sha(os.path.join(os.fsencode(out), path)) != digest:
                        problems.append("extract --layer %d: %r has other bytes" % (i, path))
                for path in sorted(set(got) - set(shown))[:3]:
                    problems.append("extract --layer %d: %r written, but the layer shows no such regular file" % (i, path))
            shutil.rmtree(out, ignore_errors=True)
            if every == "all":
                chosen = sorted(shown)
            elif every == "ends":
                after = expected[i + 1][0] if i + 1 < len(expected) else {}
                chosen = sorted(p for p, d in shown.items() if p in written or after.get(p) != d)
            else:
                chosen = sorted(set(written) & set(shown))[:3]
                if i == len(expected) - 1:
                    chosen += sorted(set(shown) - set(written))[:2]
            cats += [(path, i, shown[path]) for path in chosen]
        for (path, i, digest), (rc, got, err) in zip(cats, pool.map(lambda c: cat(archive, args, c[0], c[1]), cats)):
            if rc != 0 or got != digest:
                problems.append("cat %r --layer %d: exit %d, %s" % (path, i, rc, err or "other bytes"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = sum(len(s) for s, _, _, _ in expected)
    if problems:
        failed += 1
        print("FAIL %s (%d layers):" % (name, len(expected)))
        for p in problems[:10]:
            print("    | " + p)
    else:
        passed += 1
        print("ok   %s: %d layers, %d files shown in all (extract), %d read by cat%s, byte for byte (%.1f s)"
              % (name, len(expected), files, len(cats), ", all read by GNU tar too" if every else "", time.monotonic() - began))
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
