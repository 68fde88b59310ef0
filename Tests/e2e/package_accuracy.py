#!/usr/bin/env python3
"""Issue 21's accuracy check on the scorecard's engine-built images: every package that the image's own
package managers list inside a container of it (dpkg-query -W; each Python interpreter's
importlib.metadata, i.e. what pip list shows) must be in fathom's `fathom.packages.final` with the same
version (deb by name and architecture, pypi by normalised name), and fathom must list no deb package
dpkg does not. The packages' bytes plus the unowned bytes must equal the final filesystem's.

    package_accuracy.py FATHOM IMAGE.tar=IMAGE.packages ...
"""
import json, re, subprocess, sys


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def main():
    fathom, pairs = sys.argv[1], sys.argv[2:]
    failed = 0
    print(f"{'image':<22} {'dpkg':>5} {'found':>6} {'pypi':>5} {'found':>6}  bytes add up")
    for pair in pairs:
        tar, listing = pair.split("=", 1)
        want_deb, want_py = {}, {}
        for line in open(listing):
            w = line.split()
            if w[:1] == ["deb"] and len(w) >= 5 and w[4] == "installed":
                want_deb[(w[1], w[3])] = w[2]
            elif w[:1] == ["pypi"] and len(w) >= 3:
                want_py.setdefault(norm(w[1]), set()).add(w[2])
        out = subprocess.run([fathom, tar, "--json", "-"], capture_output=True, text=True, check=True).stdout
        report = json.loads(out)["fathom"]
        packages = report.get("packages") or {}
        final = packages.get("final", [])
        got_deb = {(p["name"], p["architecture"]): p["version"] for p in final if p["ecosystem"] == "deb"}
        got_py = {}
        for p in final:
            if p["ecosystem"] == "pypi":
                got_py.setdefault(norm(p["name"]), set()).add(p["version"])
        problems = []
        for key, version in sorted(want_deb.items()):
            if got_deb.get(key) != version:
                problems.append(f"deb {key[0]}:{key[1]} {version}: fathom has {got_deb.get(key)}")
        for key in sorted(set(got_deb) - set(want_deb)):
            problems.append(f"deb {key[0]}:{key[1]}: fathom lists it, dpkg does not")
        for name, versions in sorted(want_py.items()):
            if not versions <= got_py.get(name, set()):
                problems.append(f"pypi {name} {sorted(versions)}: fathom has {sorted(got_py.get(name, set()))}")
        owned = sum(p["bytes"] for p in final) + sum(u["bytes"] for u in packages.get("unowned", []))
        final_bytes = report["summary"]["finalBytes"] if final else None
        adds_up = final_bytes is None or owned == final_bytes
        if not adds_up:
            problems.append(f"packages + unowned = {owned} bytes, the final filesystem {final_bytes}")
        name = tar.rsplit("/", 1)[-1].rsplit("-", 1)[0]
        found_deb = sum(1 for k, v in want_deb.items() if got_deb.get(k) == v)
        found_py = sum(1 for k, v in want_py.items() if v <= got_py.get(k, set()))
        print(f"{name:<22} {len(want_deb):>5} {found_deb:>6} {len(want_py):>5} {found_py:>6}  {'yes' if adds_up else 'NO'}")
        for p in problems[:20]:
            print(f"    FAIL {p}")
        failed += bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
