#!/usr/bin/env python3
"""A local receiver of gridcase-notify's webhooks (Python 3 stdlib only).

It verifies every request's signature (X-Gridcase-Timestamp,
X-Gridcase-Signature: v1=HMAC-SHA256(secret, timestamp + "." + body)), drops
repeats by X-Gridcase-Delivery (answering 200, as a receiver should), and
appends one JSON line per request to --log. For tests it can misbehave per
path: always 500 (--fail), 500 for the first N attempts of each delivery
(--flaky), or answer slowly for the first N attempts (--slow).

  notify-receiver.py serve --secret-file=F --log=L --port-file=P
      [--fail=/path]... [--flaky=/path:N]... [--slow=/path:N:SECONDS]...
  notify-receiver.py count --log=L     deliveries accepted, by channel

The recipe any receiver follows is in docs/notifications.md.
"""
import argparse
import collections
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

MAX_SKEW_SECONDS = 300


def verify(secret, timestamp, body, signature):
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("v1=" + mac.hexdigest(), signature or "")


class State:
    def __init__(self, args, secret):
        self.secret = secret
        self.log_path = args.log
        self.fail = set(args.fail)
        self.flaky = {}
        for f in args.flaky:
            path, n = f.rsplit(":", 1)
            self.flaky[path] = int(n)
        self.slow = {}
        for s in args.slow:
            path, n, seconds = s.rsplit(":", 2)
            self.slow[path] = (int(n), float(seconds))
        self.lock = threading.Lock()
        self.seen = collections.Counter()  # delivery -> requests so far
        self.accepted = set()              # deliveries answered 2xx

    def record(self, entry):
        with self.lock, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet
            pass

        def answer(self, status):
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            delivery = self.headers.get("X-Gridcase-Delivery", "")
            timestamp = self.headers.get("X-Gridcase-Timestamp", "")
            ok = verify(state.secret, timestamp, body,
                        self.headers.get("X-Gridcase-Signature"))
            fresh = timestamp.isdigit() and \
                abs(time.time() - int(timestamp)) <= MAX_SKEW_SECONDS
            path = self.path
            with state.lock:
                state.seen[delivery] += 1
                n = state.seen[delivery]
            slow_n, slow_s = state.slow.get(path, (0, 0.0))
            if ok and fresh and n <= slow_n:
                time.sleep(slow_s)  # the sender gives up before this
            with state.lock:
                duplicate = delivery in state.accepted
                if not ok or not fresh:
                    status = 401
                elif duplicate:
                    status = 200
                elif path in state.fail:
                    status = 500
                elif n <= state.flaky.get(path, 0):
                    status = 500
                else:
                    status = 200
                    state.accepted.add(delivery)
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            state.record({"time": time.time(), "path": path,
                          "delivery": delivery,
                          "channel": delivery.rsplit("/", 1)[-1],
                          "attempt": self.headers.get("X-Gridcase-Attempt"),
                          "signature_ok": ok, "fresh": fresh,
                          "status": status, "duplicate": duplicate,
                          "body": parsed})
            try:
                self.answer(status)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def serve(args):
    with open(args.secret_file, "rb") as f:
        secret = f.read().rstrip()
    state = State(args, secret)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                             make_handler(state))
    server.daemon_threads = True
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(tmp, args.port_file)
    server.serve_forever()


def count(args):
    accepted = {}
    if os.path.exists(args.log):
        with open(args.log, encoding="utf-8") as f:
            for line in f:
                e = json.loads(line)
                if e["status"] == 200 and not e["duplicate"]:
                    accepted[e["delivery"]] = e["channel"]
    by_channel = collections.Counter(accepted.values())
    for channel in ("WEBHOOK", "WECHAT", "SMS"):
        print(f"{channel.lower()}={by_channel.get(channel, 0)}", end=" ")
    print(f"total={len(accepted)}")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--secret-file", required=True)
    s.add_argument("--log", required=True)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--port-file")
    s.add_argument("--fail", action="append", default=[])
    s.add_argument("--flaky", action="append", default=[])
    s.add_argument("--slow", action="append", default=[])
    c = sub.add_parser("count")
    c.add_argument("--log", required=True)
    args = p.parse_args()
    serve(args) if args.command == "serve" else count(args)


if __name__ == "__main__":
    sys.exit(main())
