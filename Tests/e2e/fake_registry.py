#!/usr/bin/env python3
"""A misbehaving registry for Tests/e2e/sources.sh: a proxy in front of a real registry
(the CNCF distribution server) that breaks one thing per repository-name prefix.

    fake_registry.py PORT UPSTREAM_PORT

  /v2/html/...        200 text/html for everything (not a registry at all)
  /v2/baddigest/R/... the manifest of R with a wrong Docker-Content-Digest header
  /v2/short/R/...     layer blobs of R cut short (Content-Length stated in full, half the bytes sent)
  /v2/corrupt/R/...   layer blobs of R with one byte changed (same length, wrong digest)
  /v2/bearer/R/...    R behind a Bearer token: 401 + WWW-Authenticate Bearer realm=/token; the token
                      service wants Basic fathom:s3cret and hands out a token the proxy then accepts
"""
import base64, http.server, json, sys, urllib.request, urllib.error

PORT, UPSTREAM = int(sys.argv[1]), int(sys.argv[2])
TOKEN = "fathom-test-token"

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

    def do_GET(self):
        path = self.path
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
        if mode == "bearer" and self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="fake",scope="repository:%s:pull"' % (
                PORT, "/".join(parts[3:-2]))
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                             [("Content-Type", "application/json"), ("WWW-Authenticate", challenge)])
        upstream = "http://127.0.0.1:%d/v2/%s" % (UPSTREAM, "/".join(parts[3:]))
        request = urllib.request.Request(upstream, headers={"Accept": self.headers.get("Accept", "*/*")})
        try:
            with urllib.request.urlopen(request) as r:
                body, status, headers = r.read(), r.status, r.headers
        except urllib.error.HTTPError as e:
            body, status, headers = e.read(), e.code, e.headers
        out = [("Content-Type", headers.get("Content-Type", "application/octet-stream"))]
        digest = headers.get("Docker-Content-Digest")
        is_layer = parts[-2] == "blobs" and not body.lstrip().startswith(b"{")
        if mode == "baddigest" and parts[-2] == "manifests":
            digest = "sha256:" + "0" * 64
        if digest:
            out.append(("Docker-Content-Digest", digest))
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

class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

Server(("127.0.0.1", PORT), Handler).serve_forever()
