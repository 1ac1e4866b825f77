#!/usr/bin/env python3
"""Tiny local HTTP backend used by the corpus capture scripts.

Listens on 127.0.0.1:PORT only.
  /ok, anything else   -> 200 JSON
  /slow?s=SECONDS      -> sleeps, then 200
  /status/NNN          -> replies with status NNN (429 adds Retry-After)
  /close               -> closes the connection without answering
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if code == 429:
            self.send_header("Retry-After", "1")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        if "/slow" in u.path:
            time.sleep(float(q.get("s", ["3"])[0]))
            return self._send(200, {"ok": True, "slow": True})
        if u.path.startswith("/status/"):
            code = int(u.path.split("/")[2])
            return self._send(code, {"error": self.responses.get(code, ("?",))[0]})
        if u.path.startswith("/close"):
            self.close_connection = True
            self.connection.close()
            return
        return self._send(200, {"ok": True, "path": u.path})

    do_POST = do_GET

    def log_message(self, fmt, *args):
        sys.stderr.write("backend: " + (fmt % args) + "\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that time out and hang up are expected here


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
