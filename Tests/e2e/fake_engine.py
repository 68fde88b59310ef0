#!/usr/bin/env python3
"""A misbehaving Docker engine for Tests/e2e/sources.sh: the Engine API on a Unix socket, one fault
per image name.

    fake_engine.py SOCKET ARCHIVE

  GET /images/trickle:1/get   the archive, one byte a second
  GET /images/silent:1/get    nothing for 10 minutes
  GET /images/escape:1/get    500 with an error message full of escape sequences
  GET /images/good:1/get      ARCHIVE as it is
  GET /images/swap:1/get      ARCHIVE the first time; later, ARCHIVE with one byte of each layer member
                              changed (as if the tag had moved between the analysis and `fathom cat`)
"""
import http.server, io, json, os, socket, socketserver, sys, tarfile, time

SOCKET, ARCHIVE = sys.argv[1], sys.argv[2]
SWAPPED = []   # requests for swap:1 so far

def swapped_archive():
    """ARCHIVE with the last byte of every layer member flipped (same sizes)."""
    out = io.BytesIO()
    with tarfile.open(ARCHIVE) as source, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if data and member.name.endswith("layer.tar"):
                data = data[:-1] + bytes([data[-1] ^ 0xFF])
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    return out.getvalue()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def address_string(self):
        return "unix"

    def do_GET(self):
        name = self.path.split("/")[2] if self.path.startswith("/images/") else ""
        try:
            if name == "escape:1":
                body = json.dumps({"message": "\x1b[2J\x1b]0;owned\x07image is fine\r\x1b[32mPASS"}).encode()
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif name == "silent:1":
                time.sleep(600)
            elif name in ("trickle:1", "good:1", "swap:1"):
                data = open(ARCHIVE, "rb").read()
                if name == "swap:1":
                    SWAPPED.append(1)
                    if len(SWAPPED) > 1:
                        data = swapped_archive()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-tar")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if name != "trickle:1":
                    self.wfile.write(data)
                else:
                    for b in data:
                        self.wfile.write(bytes([b]))
                        self.wfile.flush()
                        time.sleep(1)
            else:
                body = b'{"message":"No such image"}'
                self.send_response(404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

class Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

if os.path.exists(SOCKET):
    os.unlink(SOCKET)
Server(SOCKET, Handler).serve_forever()
