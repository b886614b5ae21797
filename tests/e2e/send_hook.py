#!/usr/bin/env python3
"""Sends one GitHub webhook delivery, as GitHub does, and prints the answer.

    send_hook.py URL EVENT DELIVERY BODY_FILE SECRET|-

SECRET "-" sends no signature. Prints "STATUS BODY" on one line, and how
long the answer took on stderr.
"""
import hashlib
import hmac
import sys
import time
import urllib.error
import urllib.request

url, event, delivery, body_file, secret = sys.argv[1:6]
body = open(body_file, "rb").read()
headers = {"Content-Type": "application/json", "X-GitHub-Event": event,
           "X-GitHub-Delivery": delivery, "User-Agent": "GitHub-Hookshot/test"}
if secret != "-":
    headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
request = urllib.request.Request(url, data=body, headers=headers, method="POST")
start = time.monotonic()
try:
    with urllib.request.urlopen(request, timeout=30) as r:
        print(r.status, r.read().decode().strip())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode().strip())
print(f"{event} {delivery}: answered in {(time.monotonic() - start) * 1000:.1f} ms", file=sys.stderr)
