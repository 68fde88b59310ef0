#!/usr/bin/env python3
"""A misbehaving Docker engine for Tests/e2e/sources.sh: the Engine API on a Unix socket, one fault
per image name.

    fake_engine.py SOCKET ARCHIVE

  GET /images/trickle:1/get   the archive, one byte a second
  GET /images/silent:1/get    nothing for 10 minutes
  GET /images/escape:1/get    500 with an error message full of escape sequences
  GET /images/good:1/get      ARCHIVE as it is
"""
import http.server, json, os, socket, socketserver, sys, time

SOCKET, ARCHIVE = sys.argv[1], sys.argv[2]

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
            elif name in ("trickle:1", "good:1"):
                data = open(ARCHIVE, "rb").read()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-tar")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if name == "good:1":
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
