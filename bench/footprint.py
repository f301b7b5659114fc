#!/usr/bin/env python3
"""Redis bytes per case, by kind of key (bench/footprint.sh).

Talks RESP to the Redis on a unix socket (standard library only), scans
every key, sums MEMORY USAGE (SAMPLES 0: every element counted) by kind,
and divides by the cases reported (the members of every {s:N}:idx:all:cases).

  footprint.py SOCKET --used-memory
      prints used_memory (bytes)
  footprint.py SOCKET [--used-memory-before=N] [--json=FILE]
      prints the table; with --used-memory-before also used_memory's growth
      per case
"""
import argparse
import json
import re
import socket
import sys


class Redis:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RuntimeError(f"unexpected reply {line!r}")

    def pipeline(self, commands):
        out = bytearray()
        for args in commands:
            out += b"*%d\r\n" % len(args)
            for a in args:
                a = a if isinstance(a, bytes) else str(a).encode()
                out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(bytes(out))
        return [self._reply() for _ in commands]

    def command(self, *args):
        return self.pipeline([args])[0]


# (kind, pattern on the key, per case?) in the order they are tried.
KINDS = [
    ("case hash", rb"^\{s:\d+\}:case:", True),
    ("timeline", rb"^\{s:\d+\}:timeline:", True),
    ("followers", rb"^\{s:\d+\}:followers:", True),
    ("archives", rb"^\{s:\d+\}:arc:", True),
    ("archiver list", rb"^\{s:\d+\}:closed(:backfilled)?$", True),
    ("indexes", rb"^\{s:\d+\}:idx:", True),
    ("geo sets", rb"^\{s:\d+\}:geo:", True),
    ("work queues and alarms", rb"^\{s:\d+\}:(q:|alarms$)", True),
    ("idempotency", rb"^\{s:\d+\}:idem:", True),
    ("external references", rb"^\{s:\d+\}:ext:", True),
    ("event streams", rb"^\{s:\d+\}:events$", True),
    ("dead letters", rb"^\{s:\d+\}:events:dead$", True),
    ("stats case records", rb"^\{s:\d+\}:st:\d+:cases$", True),
    ("stats dedup sets", rb"^\{s:\d+\}:st:\d+:seen:", True),
    ("stats aggregates (per day and region)", rb"^\{s:\d+\}:st:", False),
    ("counters (open, overdue, sequences)",
     rb"^\{s:\d+\}:(open|overdue|seq:|seqrun:)", False),
    ("registry, routing, audit", rb"^(\{reg\}|\{disp\}|stats:)", False),
    ("archive dictionary", rb"^\{arc\}:", False),
    ("rate limits and report quotas (expiring)", rb"^\{r[lq]:", False),
    ("other", rb"", False),
]


def kind_of(key):
    for name, pattern, _ in KINDS:
        if re.search(pattern, key):
            return name
    return "other"


def used_memory(r):
    info = r.command("INFO", "memory").decode()
    return int(re.search(r"used_memory:(\d+)", info).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("--used-memory", action="store_true")
    ap.add_argument("--used-memory-before", type=int)
    ap.add_argument("--json")
    opts = ap.parse_args()
    r = Redis(opts.socket)
    if opts.used_memory:
        print(used_memory(r))
        return 0

    keys, cursor = [], b"0"
    while True:
        cursor, batch = r.command("SCAN", cursor, "COUNT", 1000)
        keys += batch
        if cursor == b"0":
            break
    sizes = {}
    counts = {}
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        usage = r.pipeline([("MEMORY", "USAGE", k, "SAMPLES", 0) for k in chunk])
        for k, u in zip(chunk, usage):
            kind = kind_of(k)
            sizes[kind] = sizes.get(kind, 0) + (u or 0)
            counts[kind] = counts.get(kind, 0) + 1

    all_cases = [k for k in keys if re.search(rb"^\{s:\d+\}:idx:all:cases$", k)]
    cases = sum(r.pipeline([("ZCARD", k) for k in all_cases])) if all_cases else 0
    states = {}
    for k in keys:
        m = re.search(rb"^\{s:\d+\}:idx:state:(\d+)$", k)
        if m:
            states[int(m.group(1))] = states.get(int(m.group(1)), 0) + r.command("ZCARD", k)
    archived = sum(1 for k in keys if re.search(rb"^\{s:\d+\}:arc:", k))
    if cases == 0:
        print("footprint: no cases found", file=sys.stderr)
        return 1

    rows = []
    per_case_total = 0
    for name, _, per_case in KINDS:
        if name not in sizes:
            continue
        row = {"kind": name, "keys": counts[name], "bytes": sizes[name],
               "per_case": per_case,
               "bytes_per_case": round(sizes[name] / cases, 1)}
        if per_case:
            per_case_total += sizes[name]
        rows.append(row)
    result = {"cases": cases, "cases_by_state": states, "kinds": rows,
              "bytes_per_case": round(per_case_total / cases, 1),
              "archived_cases": archived}
    if archived:
        result["bytes_per_archive"] = round(sizes["archives"] / archived, 1)
    if opts.used_memory_before is not None:
        grown = used_memory(r) - opts.used_memory_before
        result["used_memory_growth_per_case"] = round(grown / cases, 1)

    print(f"cases: {cases} (by state number: "
          + ", ".join(f"{s}: {n}" for s, n in sorted(states.items())) + ")")
    print(f"{'kind':40} {'keys':>8} {'bytes':>12} {'per case':>9}")
    for row in rows:
        mark = "" if row["per_case"] else "  (not per case)"
        print(f"{row['kind']:40} {row['keys']:8} {row['bytes']:12} "
              f"{row['bytes_per_case']:9.1f}{mark}")
    print(f"bytes per case (the per-case kinds): {result['bytes_per_case']:.1f}")
    if archived:
        print(f"archived cases: {archived}, bytes per archive (the {{s:N}}:arc: "
              f"key): {result['bytes_per_archive']:.1f}")
    if "used_memory_growth_per_case" in result:
        print("used_memory growth per case: "
              f"{result['used_memory_growth_per_case']:.1f}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
