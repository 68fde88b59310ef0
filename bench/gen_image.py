#!/usr/bin/env python3
"""Writes a synthetic, well-formed container image archive of a chosen shape (deterministic from a seed).

usage: gen_image.py OUT --entries N --layers L --bytes B [--layout classic|docker25|oci]
                    [--compression none|gzip|zstd] [--rewrite F] [--delete F] [--seed S]

Layer 0 creates N/L files (plus their directories); every later layer adds its share of new files,
rewrites a fraction F (--rewrite) of the files of the layers below with other content and deletes
a fraction (--delete) of them with whiteouts. File sizes are exponentially distributed around
B/N bytes. gzip and zstd layers are compressed with the gzip / zstd command-line tools (level 1 / 3).

Besides OUT it leaves OUT.layers/, each layer blob as its own file (what the benchmark's limit
commands, `tar -tvf` / `gzip -dc` / `zstd -dc`, read); delete both when done.
"""
import argparse, gzip, hashlib, io, json, os, random, shutil, subprocess, sys, tarfile, tempfile

MTIME = 1700000000


class Content:
    """File bytes that compress like a root filesystem's (issue 22): text (words of a Zipf-like vocabulary,
    lines of code and prose), machine code (16-byte instruction patterns with varying immediates, as in an ELF
    .text section) and already-compressed assets (random bytes), 54 / 40 / 6 % of the files. Each file is a
    slice of a 48 MB pool of its kind at a random offset, so files differ while the pools are made once.
    gzip -6 compresses a layer of them 2.6 times, zstd -3 3.1 times; `--content random` gives the old
    incompressible bytes."""

    POOL = 48 << 20

    def __init__(self, rng, kind):
        self.rng, self.kind = rng, kind
        if kind == "random":
            return
        vocab = ["".join(rng.choice("etaoinshrdlcumwfgypbvkjxqz_") for _ in range(rng.randint(2, 10))) for _ in range(4000)]
        weights = [1 / (i + 1) for i in range(len(vocab))]
        words = rng.choices(vocab, weights=weights, k=self.POOL // 6)
        lines, line = [], []
        for w in words:
            line.append(w)
            if len(line) >= rng.randint(4, 14):
                lines.append((" " * rng.choice((0, 4, 8))) + " ".join(line) + rng.choice((";", ":", ".", ",", "")))
                line = []
        self.text = ("\n".join(lines).encode())[: self.POOL]
        patterns = [rng.randbytes(16) for _ in range(300)]
        chosen = rng.choices(patterns, weights=[1 / (i + 1) ** 0.7 for i in range(300)], k=self.POOL // 16)
        code = bytearray(b"".join(chosen))
        for at in range(0, len(code), 64):      # an immediate or address in one instruction of four
            code[at + 4: at + 8] = rng.randbytes(4)
        self.code = bytes(code)

    def bytes(self, size):
        if self.kind == "random" or size == 0:
            return self.rng.randbytes(size)
        r = self.rng.random()
        if r < 0.06:
            return self.rng.randbytes(size)
        pool = self.text if r < 0.6 else self.code
        out, need = [], size
        while need > 0:
            at = self.rng.randrange(0, len(pool) - min(need, len(pool) - 1))
            piece = pool[at: at + need]
            out.append(piece)
            need -= len(piece)
        return b"".join(out)


def layer_tar(path, members, rng, content=None):
    """members: list of (name, kind, size) with kind 'file' | 'dir' | 'whiteout'."""
    with open(path, "wb") as out, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, kind, size in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = MTIME
            ti.uid = ti.gid = 0
            if kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                tf.addfile(ti)
            elif kind == "whiteout":
                ti.mode, ti.size = 0o644, 0
                tf.addfile(ti, io.BytesIO(b""))
            else:
                ti.mode, ti.size = 0o644, size
                tf.addfile(ti, io.BytesIO(content.bytes(size) if content else rng.randbytes(size)))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def compress(src, kind):
    if kind == "none":
        return src
    dst = src + (".gz" if kind == "gzip" else ".zst")
    with open(dst, "wb") as out:
        cmd = ["gzip", "-1", "-n", "-c", src] if kind == "gzip" else ["zstd", "-3", "-q", "-c", src]
        subprocess.run(cmd, stdout=out, check=True)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog="Also writes OUT.layers/ (one file per layer blob) beside OUT.")
    ap.add_argument("out")
    ap.add_argument("--entries", type=int, required=True)
    ap.add_argument("--layers", type=int, required=True)
    ap.add_argument("--bytes", type=int, required=True)
    ap.add_argument("--layout", default="classic", choices=["classic", "docker25", "oci"])
    ap.add_argument("--compression", default="none", choices=["none", "gzip", "zstd"])
    ap.add_argument("--rewrite", type=float, default=0.05)
    ap.add_argument("--delete", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--content", default="realistic", choices=["realistic", "random"])
    a = ap.parse_args()
    a.out = os.path.abspath(a.out)
    rng = random.Random(a.seed)
    content = Content(random.Random(a.seed + 1), a.content)
    mean = max(1, a.bytes // max(1, a.entries))
    per_layer = a.entries // a.layers
    work = tempfile.mkdtemp(prefix="fathom-gen-", dir=os.path.dirname(os.path.abspath(a.out)) or ".")
    try:
        existing = []  # files of the layers below
        layers = []
        for i in range(a.layers):
            members, dirs = [], set()
            def add_dir(path):
                parts = path.split("/")
                for k in range(1, len(parts)):
                    d = "/".join(parts[:k])
                    if d not in dirs:
                        dirs.add(d)
                        members.append((d + "/", "dir", 0))
            new = []
            changes = 0 if i == 0 else int(per_layer * (a.rewrite + a.delete))
            for n in range(per_layer - changes):
                name = f"data/l{i}/d{n // 100:05d}/f{n:07d}.bin"
                add_dir(name)
                size = min(int(rng.expovariate(1 / mean)), 64 * mean)
                members.append((name, "file", size))
                new.append(name)
            if i > 0 and existing:
                rewrites = rng.sample(existing, min(len(existing), int(per_layer * a.rewrite)))
                for name in rewrites:
                    add_dir(name)
                    members.append((name, "file", min(int(rng.expovariate(1 / mean)), 64 * mean)))
                rewritten = set(rewrites)
                rest = [p for p in existing if p not in rewritten]
                deletes = rng.sample(rest, min(len(rest), int(per_layer * a.delete)))
                for name in deletes:
                    d, b = name.rsplit("/", 1)
                    add_dir(name)
                    members.append((f"{d}/.wh.{b}", "whiteout", 0))
                deleted = set(deletes)
                existing = [p for p in existing if p not in deleted]
            existing += new
            raw = os.path.join(work, f"layer{i}.tar")
            layer_tar(raw, members, rng, content)
            diff_id = "sha256:" + sha256_file(raw)
            blob = compress(raw, a.compression)
            layers.append({"raw": raw, "blob": blob, "diff_id": diff_id, "digest": "sha256:" + sha256_file(blob),
                           "size": os.path.getsize(blob)})
            print(f"layer {i}: {len(members)} entries, {os.path.getsize(raw) >> 20} MiB", file=sys.stderr)
        config = {
            "architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"]},
            "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in layers]},
            "history": [{"created_by": f"/bin/sh -c generated layer {i}"} for i in range(a.layers)],
        }
        config_bytes = json.dumps(config).encode()
        config_hex = hashlib.sha256(config_bytes).hexdigest()
        media = {"none": "application/vnd.oci.image.layer.v1.tar", "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
                 "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}[a.compression]
        with tarfile.open(a.out + ".partial", "w", format=tarfile.PAX_FORMAT) as out:
            def add_bytes(name, data):
                ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = MTIME; ti.mode = 0o644
                out.addfile(ti, io.BytesIO(data))
            def add_file(name, path):
                ti = out.gettarinfo(path, arcname=name); ti.mtime = MTIME; ti.uid = ti.gid = 0; ti.uname = ti.gname = ""
                with open(path, "rb") as f:
                    out.addfile(ti, f)
            if a.layout == "classic":
                names = []
                for i, l in enumerate(layers):
                    lid = hashlib.sha256(f"{l['diff_id']}{i}".encode()).hexdigest()
                    add_file(f"{lid}/layer.tar", l["blob"])
                    names.append(f"{lid}/layer.tar")
                add_bytes(f"{config_hex}.json", config_bytes)
                add_bytes("manifest.json", json.dumps([{"Config": f"{config_hex}.json", "RepoTags": ["bench:latest"],
                                                         "Layers": names}]).encode())
            else:
                add_bytes("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
                for l in layers:
                    add_file("blobs/sha256/" + l["digest"].split(":")[1], l["blob"])
                add_bytes("blobs/sha256/" + config_hex, config_bytes)
                manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                                  "digest": "sha256:" + config_hex, "size": len(config_bytes)},
                                       "layers": [{"mediaType": media, "digest": l["digest"], "size": l["size"]} for l in layers]}).encode()
                mhex = hashlib.sha256(manifest).hexdigest()
                add_bytes("blobs/sha256/" + mhex, manifest)
                add_bytes("index.json", json.dumps({"schemaVersion": 2, "manifests": [
                    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + mhex, "size": len(manifest),
                     "annotations": {"org.opencontainers.image.ref.name": "bench:latest"}}]}).encode())
                if a.layout == "docker25":
                    add_bytes("manifest.json", json.dumps([{"Config": "blobs/sha256/" + config_hex, "RepoTags": ["bench:latest"],
                                                             "Layers": ["blobs/sha256/" + l["digest"].split(":")[1] for l in layers]}]).encode())
        os.replace(a.out + ".partial", a.out)
        # keep the layer blobs beside the archive for the benchmark's limit measurements
        keep = a.out + ".layers"
        shutil.rmtree(keep, ignore_errors=True)
        os.makedirs(keep)
        for i, l in enumerate(layers):
            suffix = {"none": ".tar", "gzip": ".tar.gz", "zstd": ".tar.zst"}[a.compression]
            os.replace(l["blob"], os.path.join(keep, f"layer{i}{suffix}"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
