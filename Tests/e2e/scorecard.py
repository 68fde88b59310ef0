#!/usr/bin/env python3
"""The advice scorecard's scorer (issue 18), called by scorecard.sh.

    scorecard.py FATHOM DEFINITIONS NAME=IMAGE.tar ...

For each image (a `docker save` tar) it runs `fathom IMAGE --json -` and checks every mistake of
DEFINITIONS/NAME/mistakes.json: a finding of the mistake's rule names its layer (layers numbered
from 0 as fathom's JSON and the manifest number them), its bytes are within 1 % of the truth, and
its fix fits the instruction that made the mistake. The truth is measured here, from the image's own
layer tars, never taken from fathom:
  {"files": {"layer": L, "paths": [GLOB...], "final": true}}  the regular files of layer L whose
      paths match (hardlinks once); with "final", only those still in the final filesystem
  {"apt-recommends": L}  the files layer L installed for packages that the packages its apt-get
      install names only recommend (the dpkg database of that layer: reachable through Recommends,
      not through Depends/Pre-Depends)
  absent: the rule has no bytes to check (runs-as-root, cache-busting-order)
"measure" says which bytes of the finding are compared: "reclaimable" (reclaimableBytes, the
default) or "paths" (its listed paths that match the truth's globs: a secret has no bytes to reclaim).
A medium or high finding that no mistake accounts for is a false alarm. Exit 1 on any miss.
"""
import json
import re
import subprocess
import sys
import tarfile

# The fix kinds: what the finding's fix and snippet must say (all of `need`) and must not (any of `never`).
FIX_KINDS = {
    "dockerignore": {"need": [".dockerignore"], "never": ["in one RUN step"]},
    "same-step-cleanup": {"need": ["RUN", "rm -rf"], "never": [".dockerignore"]},
    "no-cache-flag": {"need": ["--no-cache-dir"], "never": [".dockerignore"]},
    "multi-stage": {"need": ["stage", "COPY --from="], "never": []},
    "no-install-recommends": {"need": ["--no-install-recommends"], "never": []},
    "non-root-user": {"need": ["USER "], "never": []},
    "manifests-first": {"need": ["then copy the rest"], "never": []},
    "copy-with-mode": {"need": ["COPY --chmod", "--chown"], "never": ["in one RUN step"]},
    "secret-out-of-context": {"need": [".dockerignore", "--mount=type=secret", "rotate"], "never": []},
}


def glob_regex(glob):
    """`**` any run of characters, `*` any within one path component, `?` one character."""
    out = ""
    i = 0
    while i < len(glob):
        if glob.startswith("**", i):
            out += ".*"
            i += 2
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    return re.compile(out + r"\Z")


def norm(name):
    name = name[2:] if name.startswith("./") else name
    return name.lstrip("/").rstrip("/")


class Image:
    """The layers of a `docker save` tar: each layer's entries, the final filesystem, dpkg files' text."""

    def __init__(self, path):
        self.layers = []       # per layer: {path: (type, size)}, type "f" file, "h" hardlink, "d", "l", "o" other
        self.whiteouts = []    # per layer: [(path, opaque)]
        self.texts = []        # per layer: {path: text} of dpkg's status and file lists
        with tarfile.open(path) as outer:
            manifest = json.load(outer.extractfile("manifest.json"))[0]
            self.config = json.load(outer.extractfile(manifest["Config"]))
            for layer in manifest["Layers"]:
                entries, whiteouts, texts = {}, [], {}
                with tarfile.open(fileobj=outer.extractfile(layer), mode="r|*") as inner:
                    for m in inner:
                        p = norm(m.name)
                        base = p.rsplit("/", 1)[-1]
                        if base.startswith(".wh."):
                            parent = p.rsplit("/", 1)[0] if "/" in p else ""
                            if base == ".wh..wh..opq":
                                whiteouts.append((parent, True))
                            else:
                                whiteouts.append(((parent + "/" if parent else "") + base[4:], False))
                            continue
                        kind = "f" if m.isreg() else "h" if m.islnk() else "d" if m.isdir() else "l" if m.issym() else "o"
                        entries[p] = (kind, m.size if m.isreg() else 0)
                        if m.isreg() and (p == "var/lib/dpkg/status" or (p.startswith("var/lib/dpkg/info/") and p.endswith(".list"))):
                            texts[p] = inner.extractfile(m).read().decode("utf-8", "replace")
                self.layers.append(entries)
                self.whiteouts.append(whiteouts)
                self.texts.append(texts)
        self.history = [h for h in self.config.get("history", []) if not h.get("empty_layer")]

    def state(self, upto):
        """The filesystem after layers 0..upto: {path: layer}."""
        fs = {}
        for i in range(upto + 1):
            for path, opaque in self.whiteouts[i]:
                prefix = path + "/" if path else ""
                for p in [p for p in fs if p.startswith(prefix) or (not opaque and p == path)]:
                    del fs[p]
            for p in self.layers[i]:
                fs[p] = i
        return fs

    def command(self, layer):
        return self.history[layer].get("created_by", "") if layer < len(self.history) else ""

    def text_before(self, path, layer):
        """The text of `path` as the layers before `layer` left it."""
        for i in range(layer - 1, -1, -1):
            if path in self.texts[i]:
                return self.texts[i][path]
        return ""


def dpkg_packages(status):
    """{name: {"depends": [[alternatives]], "recommends": [[...]], "provides": [...]}} of installed packages."""
    out = {}
    for stanza in status.split("\n\n"):
        fields, key = {}, None
        for line in stanza.split("\n"):
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Package" not in fields or "installed" not in fields.get("Status", "").split()[-1:]:
            continue

        def rel(text):
            return [[re.split(r"[\s(:]", alt.strip())[0] for alt in group.split("|")] for group in text.split(",") if group.strip()]
        out[fields["Package"]] = {
            "depends": rel(fields.get("Depends", "")) + rel(fields.get("Pre-Depends", "")),
            "recommends": rel(fields.get("Recommends", "")),
            "provides": [g[0] for g in rel(fields.get("Provides", ""))],
        }
    return out


def apt_requested(command):
    """The packages an `apt-get install` of the command names."""
    words = re.split(r"[\s;&|]+", command)
    for i, w in enumerate(words):
        if w in ("apt-get", "apt") and "install" in words[i + 1:i + 4]:
            start = words.index("install", i) + 1
            names = []
            for w2 in words[start:]:
                if w2 in ("rm", "apt-get", "apt", "useradd", "#"):
                    break
                if w2 and w2 != "\\" and not w2.startswith("-"):
                    names.append(w2)
            return names
    return []


def recommends_truth(img, layer):
    after = dpkg_packages(img.texts[layer].get("var/lib/dpkg/status", ""))
    before = dpkg_packages(img.text_before("var/lib/dpkg/status", layer))
    providers = {}
    for name, p in after.items():
        providers.setdefault(name, set()).add(name)
        for v in p["provides"]:
            providers.setdefault(v, set()).add(name)

    def closure(start, with_recommends):
        seen, stack = set(start), list(start)
        while stack:
            p = after.get(stack.pop())
            if not p:
                continue
            for group in p["depends"] + (p["recommends"] if with_recommends else []):
                for alt in group:
                    for q in providers.get(alt, ()):
                        if q not in seen:
                            seen.add(q)
                            stack.append(q)
        return seen
    requested = set(apt_requested(img.command(layer)))
    new = set(after) - set(before)
    recommended = (new & closure(requested, True)) - closure(requested, False)
    files = set()
    for name in recommended:
        for key in ("var/lib/dpkg/info/%s.list" % name, "var/lib/dpkg/info/%s:amd64.list" % name):
            for line in img.texts[layer].get(key, "").splitlines():
                files.add(norm(line))
    return sum(img.layers[layer][p][1] for p in files if p in img.layers[layer] and img.layers[layer][p][0] == "f"), sorted(recommended)


def files_truth(img, spec, final):
    layer = spec["layer"]
    regexes = [glob_regex(g) for g in spec["paths"]]
    return sum(size for p, (kind, size) in img.layers[layer].items()
               if kind == "f" and any(r.match(p) for r in regexes) and (final is None or p in final))


def fix_problems(finding, mistake):
    text = finding["fix"] + "\n" + finding["snippet"]
    kind = FIX_KINDS[mistake["fix"]]
    problems = ["fix lacks %r" % s for s in kind["need"] + mistake.get("fix_mentions", []) if s not in text]
    problems += ["fix says %r" % s for s in kind["never"] + mistake.get("fix_never", []) if s in text]
    return problems


def score(fathom, definitions, name, tar):
    mistakes = json.load(open("%s/%s/mistakes.json" % (definitions, name)))["mistakes"]
    run = subprocess.run([fathom, tar, "--json", "-"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    if run.returncode != 0:
        return {"found": 0, "bytes": 0, "fix": 0, "alarms": [], "misses": ["fathom exit %d: %s" % (run.returncode, run.stderr.strip()[:300])]}
    advice = json.loads(run.stdout)["fathom"]["advice"]
    img = Image(tar)
    final = None
    row = {"found": 0, "bytes": 0, "fix": 0, "alarms": [], "misses": []}
    used = set()
    for m in mistakes:
        label = "%s %s (layer %s)" % (m["id"], m["rule"], m.get("layer"))
        if m.get("layer") is not None and m.get("step") and m["step"] not in img.command(m["layer"]):
            row["misses"].append("%s: the definition is stale, layer %d is `%s`" % (label, m["layer"], img.command(m["layer"])[:80]))
            continue
        truth, detail = None, ""
        t = m.get("truth")
        if t and "files" in t:
            if t["files"].get("final") and final is None:
                final = img.state(len(img.layers) - 1)
            truth = files_truth(img, t["files"], final if t["files"].get("final") else None)
        elif t and "apt-recommends" in t:
            truth, packages = recommends_truth(img, t["apt-recommends"])
            detail = " (%d recommended packages)" % len(packages)
        if truth == 0:
            row["misses"].append("%s: the image does not hold this mistake (its truth is 0 B): the definition is stale" % label)
            continue
        candidates = [(i, f) for i, f in enumerate(advice) if f["rule"] == m["rule"]
                      and (m.get("layer") is None or m["layer"] in f["layers"])
                      and (not m.get("path") or any(glob_regex(m["path"]).match(p["path"].lstrip("/")) for p in f["paths"]))]
        if not candidates:
            row["misses"].append("%s: not reported%s" % (label, "" if truth is None else ", truth %d B%s" % (truth, detail)))
            continue

        def measured(f):
            if m.get("measure") == "paths":
                regexes = [glob_regex(g) for g in t["files"]["paths"]]
                return sum(p["bytes"] for p in f["paths"] if any(r.match(p["path"].lstrip("/")) for r in regexes))
            return f["reclaimableBytes"]
        i, f = min(candidates, key=lambda c: abs(measured(c[1]) - truth) if truth is not None else 0)
        used.add(i)
        row["found"] += 1
        if truth is None or abs(measured(f) - truth) <= truth / 100:
            row["bytes"] += 1
        else:
            row["misses"].append("%s: %d B reported, truth %d B%s (%s)" % (label, measured(f), truth, detail, f["title"][:100]))
        problems = fix_problems(f, m)
        if problems:
            row["misses"].append("%s: the fix does not fit (%s): %s" % (label, "; ".join(problems), f["fix"][:160]))
        else:
            row["fix"] += 1
    for i, f in enumerate(advice):
        if i not in used and f["severity"] in ("high", "medium"):
            row["alarms"].append("%s %s %s: %s" % (f["severity"], f["rule"], f["layers"], f["title"][:120]))
    row["total"] = len(mistakes)
    return row


def main():
    fathom, definitions, images = sys.argv[1], sys.argv[2], [a.split("=", 1) for a in sys.argv[3:]]
    rows, failed = [], False
    for name, tar in images:
        row = score(fathom, definitions, name, tar)
        rows.append((name, row))
        failed |= bool(row["misses"] or row["alarms"])
    header = ("image", "mistakes", "found", "bytes ok", "fix ok", "false alarms")
    lines = [header] + [(n, str(r.get("total", "?")), str(r["found"]), str(r["bytes"]), str(r["fix"]), str(len(r["alarms"]))) for n, r in rows]
    widths = [max(len(l[c]) for l in lines) for c in range(len(header))]
    for l in lines:
        print("  ".join(v.ljust(w) if c == 0 else v.rjust(w) for c, (v, w) in enumerate(zip(l, widths))))
    total = sum(r.get("total", 0) for _, r in rows)
    found = sum(r["found"] for _, r in rows)
    alarms = sum(len(r["alarms"]) for _, r in rows)
    print("recall %d/%d, %d false alarm%s (medium or high)" % (found, total, alarms, "" if alarms == 1 else "s"))
    for name, r in rows:
        for miss in r["misses"]:
            print("MISS  %s: %s" % (name, miss))
        for alarm in r["alarms"]:
            print("ALARM %s: %s" % (name, alarm))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
