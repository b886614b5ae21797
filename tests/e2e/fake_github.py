#!/usr/bin/env python3
"""A stand-in for the GitHub API's commit-status endpoint, for the e2e tests.

    fake_github.py PORT_FILE LOG_FILE [FAIL_FIRST]

Listens on 127.0.0.1 (any free port, written to PORT_FILE), answers
POST /repos/OWNER/NAME/statuses/SHA with 201 and appends one JSON line per
accepted request to LOG_FILE: {"path", "authorization", "state", "context",
"description"}. The first FAIL_FIRST requests get 502 instead (and are not
logged), so that the service's retries are exercised.
"""
import http.server
import json
import re
import sys
import threading

port_file, log_file = sys.argv[1], sys.argv[2]
fail_first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
lock = threading.Lock()
state = {"failed": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not re.fullmatch(r"/repos/[^/]+/[^/]+/statuses/[0-9a-f]{40}", self.path):
            self.send_response(404)
            self.end_headers()
            return
        with lock:
            if state["failed"] < fail_first:
                state["failed"] += 1
                self.send_response(502)
                self.end_headers()
                return
            doc = json.loads(body)
            with open(log_file, "a") as log:
                log.write(json.dumps({"path": self.path,
                                      "authorization": self.headers.get("Authorization"),
                                      "state": doc.get("state"),
                                      "context": doc.get("context"),
                                      "description": doc.get("description"),
                                      "target_url": doc.get("target_url")}) + "\n")
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": 1}')

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
