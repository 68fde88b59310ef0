#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target from the shared fixtures (and a few hand-written
seeds), one file per seed:

    Fuzz/make_corpus.py FIXTURES OUT      -> OUT/FuzzArchive/..., OUT/FuzzLayer/..., ...

FuzzArchive: the small fixture archives as they are (tar, tar.gz, tar.zst); FuzzLayer: their layer
blobs; FuzzDocuments: their JSON documents, each behind the byte that says which document it is;
FuzzConfig, FuzzRegistry, FuzzRegex: configuration files, registry answers and patterns."""
import gzip, hashlib, io, json, os, subprocess, sys, tarfile

FIXTURES, OUT = sys.argv[1], sys.argv[2]
MAX_ARCHIVE = 120 * 1024
count = {}

def seed(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
    count[target] = count.get(target, 0) + 1

def plain(data):
    """The archive as an uncompressed tar (zstd and gzip undone), or None."""
    if data[:4] == b"\x28\xb5\x2f\xfd":
        r = subprocess.run(["zstd", "-dc"], input=data, capture_output=True)
        return r.stdout if r.returncode == 0 else None
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except OSError:
            return None
    return data

archives = []
for root, _, files in os.walk(FIXTURES):
    for name in sorted(files):
        if name.endswith((".tar", ".tar.gz", ".tar.zst")):
            path = os.path.join(root, name)
            if os.path.getsize(path) <= MAX_ARCHIVE:
                archives.append(path)

for path in sorted(archives):
    data = open(path, "rb").read()
    seed("FuzzArchive", data)
    tar = plain(data)
    if not tar:
        continue
    try:
        members = tarfile.open(fileobj=io.BytesIO(tar))
        for m in members.getmembers():
            if not m.isfile():
                continue
            body = members.extractfile(m).read()
            if body[:1] in (b"{", b"["):
                doc = json.loads(body) if body.strip() else None
                if m.name.endswith("manifest.json"):
                    kind = 0
                elif m.name.endswith("index.json") or (isinstance(doc, dict) and "manifests" in doc):
                    kind = 1
                elif isinstance(doc, dict) and "layers" in doc:
                    kind = 2
                else:
                    kind = 3
                seed("FuzzDocuments", bytes([kind]) + body)
            elif len(body) <= 64 * 1024:
                seed("FuzzLayer", body)
    except (tarfile.TarError, ValueError, OSError, UnicodeDecodeError):
        pass

for text in [
    "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.2\n",
    "rules:\n  highestReclaimableBytes: disabled\n  highestAdviceSeverity: medium\ndiff:\n  highestGrowthBytes: 20MiB\n",
    "rules: ~\n", "keybinding:\n  quit: ctrl+c,q\n  toggle-view: tab\n  filter-files: ctrl+f,/\n",
    "a: &a [x, y]\nb: [*a, *a]\n", "rules:\n  lowestEfficiency: !!null\n", "- [[[[]]]]\n",
]:
    seed("FuzzConfig", text.encode())

for text in [
    'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
    'Basic realm="registry"', 'Bearer realm="http+unix://%2Ftmp%2Fs.sock/token"', "HTTP/1.1 200 OK\r\n", "HTTP/2 401\r\n",
    "Content-Length: 7422\r\n", "\r\n",
    '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}}]}',
    '{"message":"No such image: nope:1"}', '{"token":"abc","access_token":"abc","expires_in":300}',
    '{"auths":{"127.0.0.1:5000":{"auth":"ZmF0aG9tOnMzY3JldA=="}},"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud"}}',
    "registry://127.0.0.1:5000/app:1", "ghcr.io/org/app@sha256:" + "a" * 64, "nginx",
    '{"schemaVersion":1,"name":"x"}',
    # package databases: a dpkg status paragraph, a .list, an md5sums
    "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\nDepends: libgcc-s1, a (>= 1) | b:any\n"
    "Description: GNU C Library\n continued\n\n",
    "/.\n/usr\n/usr/bin\n/usr/bin/bash\n/bin/sh\n", "d41d8cd98f00b204e9800998ecf8427e  usr/lib/os-release\n",
]:
    seed("FuzzRegistry", text.encode())
for path in archives:
    tar = plain(open(path, "rb").read()) or b""
    try:
        for m in tarfile.open(fileobj=io.BytesIO(tar)).getmembers():
            if m.isfile() and m.size < 8192:
                body = tarfile.open(fileobj=io.BytesIO(tar)).extractfile(m.name).read()
                if body[:1] == b"{" and (b'"manifests"' in body or b'"layers"' in body):
                    seed("FuzzRegistry", body)
    except (tarfile.TarError, ValueError, KeyError):
        pass

for pattern in ["etc", "^/etc/pass", "lib.*\\.so$", "\\.(py|pyc)$", "[0-9]+\n/x/123", "(?i)readme\n/README.md", "a{2,3}\naaaa",
                "\\bbin\\b\n/usr/bin/env", "(.*)*z\n/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "[^/]+\\.tar\\.gz$", "(?:foo|bar)+baz\nfoobarbaz"]:
    seed("FuzzRegex", pattern.encode())

print("seeds: " + ", ".join("%s %d" % kv for kv in sorted(count.items())))
