#!/usr/bin/env python3
"""compare_reports.py [--strict] ARCHIVE.json OTHER.json: the two fathom --json reports describe the same
image, apart from what legitimately differs between where they were read:

- fathom.source (path, layout, names): where the image came from;
- layer[].id (dive's shape): dive names a layer by its archive member's directory, which for an OCI
  layout (what a registry gives) is `blobs`;
- fathom.layers[].digest, mediaType, compression, storedBytes: a registry stores layers compressed
  (skopeo gzips the uncompressed layers of a docker-archive when it pushes), so the blob as stored
  differs; its diff ID (the uncompressed tar) does not, and is compared.

Everything else (dive's figures and inefficient files, fathom's summary, per-layer figures, diff IDs,
commands, duplicates, advice, warnings) must be equal. Prints the differing paths and exits 1 otherwise.
With --strict only fathom.source may differ (a Docker engine's `docker save` of a loaded archive
gives back the same layer tars)."""
import json, sys

args = sys.argv[1:]
strict = args[0] == "--strict"
if strict:
    args = args[1:]
a, b = (json.load(open(p)) for p in args[:2])
IGNORED_LAYER_KEYS = {"digest", "mediaType", "compression", "storedBytes"}
for r in (a, b):
    r["fathom"].pop("source", None)
    if strict:
        continue
    for layer in r.get("layer", []):
        layer.pop("id", None)
    for layer in r["fathom"].get("layers", []):
        for k in IGNORED_LAYER_KEYS:
            layer.pop(k, None)

diffs = []
def walk(x, y, path):
    if type(x) != type(y):
        diffs.append(f"{path}: {str(x)[:80]} vs {str(y)[:80]}")
    elif isinstance(x, dict):
        for k in sorted(set(x) | set(y)):
            if k not in x or k not in y:
                diffs.append(f"{path}.{k}: only in {'the first' if k in x else 'the second'}")
            else:
                walk(x[k], y[k], f"{path}.{k}")
    elif isinstance(x, list):
        if len(x) != len(y):
            diffs.append(f"{path}: {len(x)} vs {len(y)} items")
        for i, (u, v) in enumerate(zip(x, y)):
            walk(u, v, f"{path}[{i}]")
    elif x != y:
        diffs.append(f"{path}: {str(x)[:80]} vs {str(y)[:80]}")
walk(a, b, "")
if diffs:
    print("\n".join(diffs[:20]))
    sys.exit(1)
