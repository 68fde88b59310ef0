#!/usr/bin/env python3
"""A misbehaving registry for Tests/e2e/sources.sh: a proxy in front of a real registry
(the CNCF distribution server) that breaks one thing per repository-name prefix.

    fake_registry.py PORT UPSTREAM_PORT

  /v2/html/...        200 text/html for everything (not a registry at all)
  /v2/baddigest/R/... the manifest of R with a wrong Docker-Content-Digest header
  /v2/short/R/...     layer blobs of R cut short (Content-Length stated in full, half the bytes sent)
  /v2/corrupt/R/...   layer blobs of R with one byte changed (same length, wrong digest)
  /v2/bearer/R/...    R behind a Bearer token: 401 + WWW-Authenticate Bearer realm=/token; the token
                      service wants Basic fathom:s3cret and hands out a token the proxy then accepts;
                      POST /token exchanges the refresh token fathom-refresh-token (an identity token)

Hostile modes (issue 16):
  /v2/oversize/R/...  layer blobs of R followed by an endless stream of bytes (no Content-Length)
  /v2/trickle/R/...   layer blobs of R sent one byte a second
  /v2/silent/R/...    manifests of R answered after 10 minutes (nothing before)
  /v2/unixrealm/R/... a Bearer challenge whose realm is http+unix://… (a local socket)
  /v2/httprealm/R/... a Bearer challenge whose realm is plain http on another host
  /v2/escape/R/...    a 404 whose error message holds escape sequences and a carriage return
  /v2/negsize/R/...   R's manifest with its first layer's size -1
  /v2/redirectloop/R/... layer blobs redirect to themselves
  /v2/bearerredirect/R/... R behind a Bearer token, layer blobs redirected to http://localhost:PORT/storage/,
                      which fails with 400 when an Authorization header reaches it
  /v2/swap/R/...      layer blobs of R as they are on the first fetch, one byte changed on every later
                      one (a registry that answers something else when `fathom cat` fetches again)
  /v2/dupblob/R/...   R's first layer named 50 times (config rewritten to match); /count/DIGEST tells how
                      many times that blob was fetched through mode dupblob (/count/MODE/DIGEST)
  /v2/ranges/R/...    R as it is, Range headers passed on to the registry; /ranges/DIGEST lists the Range
                      header of every fetch of that blob ("whole" for a fetch without one)
"""
import base64, hashlib, http.server, json, sys, time, urllib.parse, urllib.request, urllib.error

PORT, UPSTREAM = int(sys.argv[1]), int(sys.argv[2])
TOKEN = "fathom-test-token"
# the identity token (OAuth2 refresh token) a credential helper hands out; POST /token exchanges it
REFRESH = "fathom-refresh-token"
MEMORY = {}     # digest -> bytes of documents this proxy rewrote
FETCHES = {}    # digest -> times a blob was fetched
RANGES = {}     # digest -> Range headers of its fetches through mode ranges

def upstream_get(path, accept="*/*"):
    request = urllib.request.Request("http://127.0.0.1:%d/v2/%s" % (UPSTREAM, path), headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request) as r:
            return r.read(), r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.read(), e.code, e.headers

def digest_of(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        """OAuth2 token endpoint (distribution spec): grant_type=refresh_token with the known refresh token."""
        length = int(self.headers.get("Content-Length", "0") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(min(length, 65536)).decode("utf-8", "replace"))
        if not self.path.startswith("/token"):
            return self.send(404, b"{}", [("Content-Type", "application/json")])
        if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [REFRESH] \
                or not form.get("scope") or not form.get("client_id") or self.headers.get("Authorization"):
            return self.send(400, b'{"error":"invalid_grant"}', [("Content-Type", "application/json")])
        return self.send(200, json.dumps({"access_token": TOKEN, "expires_in": 300}).encode(), [("Content-Type", "application/json")])

    def do_GET(self):
        path = self.path
        if path.startswith("/ranges/"):
            return self.send(200, ",".join(RANGES.get(path[len("/ranges/"):], [])).encode())
        if path.startswith("/count/"):
            return self.send(200, str(FETCHES.get(path[len("/count/"):], 0)).encode())
        if path.startswith("/storage/"):
            if self.headers.get("Authorization"):
                return self.send(400, b'{"errors":[{"code":"LEAK","message":"an Authorization header reached the storage host"}]}')
            body, status, headers = upstream_get(path[len("/storage/"):])
            return self.send(status, body, [("Content-Type", "application/octet-stream")])
        if path.startswith("/token"):
            auth = self.headers.get("Authorization", "")
            if auth != "Basic " + base64.b64encode(b"fathom:s3cret").decode():
                return self.send(401, b'{"details":"bad credentials"}', [("Content-Type", "application/json")])
            return self.send(200, json.dumps({"token": TOKEN}).encode(), [("Content-Type", "application/json")])
        parts = path.split("/")  # ['', 'v2', MODE, REPO..., 'manifests'|'blobs', REF]
        if len(parts) < 4 or parts[1] != "v2":
            return self.send(200, b"{}", [("Content-Type", "application/json")])
        mode = parts[2]
        if mode == "html":
            return self.send(200, b"<!DOCTYPE html><html><body>Welcome to nginx!</body></html>\n",
                             [("Content-Type", "text/html")])
        kind, ref = parts[-2], parts[-1]
        repo = "/".join(parts[3:-2])
        if mode in ("unixrealm", "httprealm"):
            realm = "http+unix://%2Ftmp%2Ffathom-evil.sock/token" if mode == "unixrealm" else "http://other-host.invalid:9/token"
            return self.send(401, b'{}', [("WWW-Authenticate", 'Bearer realm="%s",service="x"' % realm)])
        if mode == "escape":
            return self.send(404, json.dumps({"errors": [{"code": "MANIFEST_UNKNOWN",
                             "message": "\x1b[2J\x1b]0;owned\x07all good\r\x1b[32mPASS"}]}).encode(),
                             [("Content-Type", "application/json")])
        if mode == "silent" and kind == "manifests":
            time.sleep(600)
        if mode == "redirectloop" and kind == "blobs" and not self.is_config(repo, ref):
            return self.send(302, b"", [("Location", self.path)])
        if mode == "bearerredirect" and self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="fake",scope="repository:%s:pull"' % (PORT, repo)
            return self.send(401, b'{}', [("WWW-Authenticate", challenge)])
        if mode == "bearerredirect" and kind == "blobs" and not self.is_config(repo, ref):
            return self.send(307, b"", [("Location", "http://localhost:%d/storage/%s/blobs/%s" % (PORT, repo, ref))])
        if mode in ("negsize", "dupblob") and kind == "manifests":
            return self.rewritten_manifest(mode, repo, ref)
        if kind == "blobs" and ref in MEMORY:
            return self.send(200, MEMORY[ref], [("Content-Type", "application/octet-stream")])
        if kind == "blobs":
            FETCHES[mode + "/" + ref] = FETCHES.get(mode + "/" + ref, 0) + 1
        if mode == "ranges" and kind == "blobs":
            RANGES.setdefault(ref, []).append(self.headers.get("Range", "whole"))
        if mode in ("oversize", "trickle") and kind == "blobs" and not self.is_config(repo, ref):
            body, status, _ = upstream_get("%s/blobs/%s" % (repo, ref))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if mode == "trickle":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                if mode == "oversize":
                    self.wfile.write(body)
                    chunk = b"\0" * 65536
                    while True:
                        self.wfile.write(chunk)
                else:
                    for b in body:
                        self.wfile.write(bytes([b]))
                        self.wfile.flush()
                        time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return
        if mode == "bearer" and self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="fake",scope="repository:%s:pull"' % (
                PORT, "/".join(parts[3:-2]))
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                             [("Content-Type", "application/json"), ("WWW-Authenticate", challenge)])
        upstream = "http://127.0.0.1:%d/v2/%s" % (UPSTREAM, "/".join(parts[3:]))
        forwarded = {"Accept": self.headers.get("Accept", "*/*")}
        if mode == "ranges" and self.headers.get("Range"):
            forwarded["Range"] = self.headers["Range"]
        request = urllib.request.Request(upstream, headers=forwarded)
        try:
            with urllib.request.urlopen(request) as r:
                body, status, headers = r.read(), r.status, r.headers
        except urllib.error.HTTPError as e:
            body, status, headers = e.read(), e.code, e.headers
        out = [("Content-Type", headers.get("Content-Type", "application/octet-stream"))]
        digest = headers.get("Docker-Content-Digest")
        if headers.get("Content-Range"):
            out.append(("Content-Range", headers["Content-Range"]))
        is_layer = parts[-2] == "blobs" and not body.lstrip().startswith(b"{")
        if mode == "baddigest" and parts[-2] == "manifests":
            digest = "sha256:" + "0" * 64
        if digest:
            out.append(("Docker-Content-Digest", digest))
        if mode == "swap" and is_layer and body and FETCHES.get("swap/" + parts[-1], 0) > 1:
            body = body[:-1] + bytes([body[-1] ^ 0xFF])
        if mode == "corrupt" and is_layer and body:
            body = body[:-1] + bytes([body[-1] ^ 0xFF])
        if mode == "short" and is_layer and status == 200:
            self.send_response(200)
            for k, v in out:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(status, body, out)

    def is_config(self, repo, ref):
        manifest, _, _ = upstream_get("%s/manifests/latest" % repo, "application/vnd.docker.distribution.manifest.v2+json")
        try:
            return json.loads(manifest)["config"]["digest"] == ref
        except (ValueError, KeyError):
            return False

    def rewritten_manifest(self, mode, repo, ref):
        body, status, headers = upstream_get("%s/manifests/%s" % (repo, ref), self.headers.get("Accept", "*/*"))
        manifest = json.loads(body)
        if mode == "negsize":
            manifest["layers"][0]["size"] = -1
        else:
            config_bytes, _, _ = upstream_get("%s/blobs/%s" % (repo, manifest["config"]["digest"]))
            config = json.loads(config_bytes)
            config["rootfs"]["diff_ids"] = [config["rootfs"]["diff_ids"][0]] * 50
            config["history"] = [{"created_by": "layer %d" % i} for i in range(50)]
            config_bytes = json.dumps(config).encode()
            MEMORY[digest_of(config_bytes)] = config_bytes
            manifest["config"]["digest"], manifest["config"]["size"] = digest_of(config_bytes), len(config_bytes)
            manifest["layers"] = [manifest["layers"][0]] * 50
        out = json.dumps(manifest).encode()
        self.send(200, out, [("Content-Type", manifest.get("mediaType", headers.get("Content-Type"))),
                             ("Docker-Content-Digest", digest_of(out))])

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

Server(("127.0.0.1", PORT), Handler).serve_forever()
