#!/usr/bin/env python3
"""Checks that every key a Lua script touches is one of its KEYS.

Redis Cluster routes a script by its KEYS; a key the script builds itself
may live in another slot, and on one node nothing notices. This checker
reads what `redis-cli monitor` printed while the services ran: each
EVAL/EVALSHA line is followed, atomically, by the commands its script ran
(source "lua"). For each of those it asks Redis which arguments are keys
(COMMAND GETKEYS) and fails when one is not among the script's KEYS.

  lua_keys.py check SOCKET MONITOR_LOG LUA_GEN_DIR [--require=name,...]
      the check; LUA_GEN_DIR is the build tree's lua_gen, whose generated
      sources name each script (gridcase-lua-embed), so the report says
      which script broke the rule; --require lists scripts the run must
      have exercised
  lua_keys.py self-test SOCKET
      runs the check on made-up monitor lines, one script that declares its
      key and one that does not, and fails unless exactly the second is
      reported (so the check itself can fail)
"""
import argparse
import hashlib
import pathlib
import re
import socket
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "bench"))
from footprint import Redis  # noqa: E402  (RESP over a unix socket)

_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "a": b"\a", "b": b"\b",
            "\\": b"\\", '"': b'"'}


def parse_tokens(text):
    """The quoted arguments of one monitor line (sdscatrepr's escapes)."""
    out, i = [], 0
    while True:
        i = text.find('"', i)
        if i < 0:
            return out
        i += 1
        arg = bytearray()
        while text[i] != '"':
            c = text[i]
            if c == "\\":
                nxt = text[i + 1]
                if nxt == "x":
                    arg.append(int(text[i + 2:i + 4], 16))
                    i += 4
                    continue
                arg += _ESCAPES.get(nxt, nxt.encode())
                i += 2
                continue
            arg += c.encode("latin-1", errors="ignore") if ord(c) < 256 else c.encode()
            i += 1
        out.append(bytes(arg))
        i += 1


_LINE = re.compile(r'^\d+\.\d+ \[\d+ ([^\]]*)\] (.*)$')


def parse_monitor(lines):
    """[(source, [args])] for each command line."""
    out = []
    for line in lines:
        m = _LINE.match(line.rstrip("\n"))
        if m:
            out.append((m.group(1), parse_tokens(m.group(2))))
    return out


def script_names(lua_gen_dir):
    """sha1 → script name, from the generated sources."""
    names = {}
    if not lua_gen_dir:
        return names
    body = re.compile(r'new redis::Script\("([a-z_]+)", R"gridcase_lua\((.*?)\)gridcase_lua"\)',
                      re.S)
    for path in pathlib.Path(lua_gen_dir).rglob("*.cc"):
        for name, text in body.findall(path.read_text()):
            names[hashlib.sha1(text.encode()).hexdigest()] = name
    return names


def command_keys(redis, args, cache):
    try:
        keys = redis.command(b"COMMAND", b"GETKEYS", *args)
    except RuntimeError:  # a command without keys
        keys = []
    return [bytes(k) for k in keys]


def check(redis, commands, names):
    """(violations, scripts seen): each violation a message."""
    violations, seen = [], {}
    script, declared = None, set()
    for source, args in commands:
        if source == "lua":
            if script is None:
                continue
            for key in command_keys(redis, args, None):
                if key not in declared:
                    violations.append(
                        f"{script}: {args[0].decode()} touches {key!r}, "
                        f"not in KEYS {sorted(declared)!r}")
            continue
        if not args:
            continue
        verb = args[0].upper()
        if verb in (b"EVAL", b"EVALSHA", b"EVAL_RO", b"EVALSHA_RO") and len(args) >= 3:
            if verb.startswith(b"EVALSHA"):
                sha = args[1].decode()
                script = names.get(sha, f"script {sha[:12]}")
            else:
                first = args[1].split(b"\n", 1)[0].decode(errors="replace")
                m = re.match(r"-- ([a-z_]+) ", first)
                script = m.group(1) if m else "an inline script"
            numkeys = int(args[2])
            declared = set(args[3:3 + numkeys])
            seen[script] = seen.get(script, 0) + 1
        else:
            script, declared = None, set()
    return violations, seen


def main_check(a):
    redis = Redis(a.socket)
    with open(a.monitor_log, encoding="utf-8", errors="surrogateescape") as f:
        commands = parse_monitor(f)
    violations, seen = check(redis, commands, script_names(a.lua_gen_dir))
    print(f"lua_keys: {len(commands)} commands read, scripts run:")
    for name in sorted(seen):
        print(f"  {name:28} {seen[name]:7} calls")
    missing = [n for n in a.require.split(",") if n and n not in seen]
    for n in missing:
        print(f"lua_keys: FAIL: script {n} never ran")
    for v in violations[:50]:
        print(f"lua_keys: FAIL: {v}")
    if violations:
        print(f"lua_keys: {len(violations)} undeclared key access(es)")
    return 1 if violations or missing else 0


def main_self_test(a):
    redis = Redis(a.socket)
    lines = [
        '1.000001 [0 unix:/x] "EVAL" "-- good (x)\\nreturn 1" "1" "{s:1}:case:a" "v"',
        '1.000002 [0 lua] "HGET" "{s:1}:case:a" "pb"',
        '1.000003 [0 unix:/x] "EVAL" "-- bad (x)\\nreturn 1" "1" "{s:1}:case:a"',
        '1.000004 [0 lua] "HSET" "{s:1}:case:a" "f" "\\x00\\xff"',
        '1.000005 [0 lua] "SET" "{s:1}:case:b" "1"',
        '1.000006 [0 lua] "TIME"',
    ]
    violations, seen = check(redis, parse_monitor(lines), {})
    ok = (seen == {"good": 1, "bad": 1} and len(violations) == 1
          and violations[0].startswith("bad: SET touches b'{s:1}:case:b'"))
    print("lua_keys self-test:", "passed" if ok else f"FAILED {violations} {seen}")
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("socket")
    c.add_argument("monitor_log")
    c.add_argument("lua_gen_dir")
    c.add_argument("--require", default="")
    s = sub.add_parser("self-test")
    s.add_argument("socket")
    a = p.parse_args()
    return main_check(a) if a.cmd == "check" else main_self_test(a)


if __name__ == "__main__":
    sys.exit(main())
