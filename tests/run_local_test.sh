#!/usr/bin/env bash
# tools/run-local on an existing build, both ways it ends:
#  1. --once with a small simulated day: every service reaches SERVING, the
#     sample registry loads, the simulated cases reach every path it aims at
#     (closed, reworked, returned, extended, overdue, merged) by the stats
#     service's own count, the printed town ranking agrees row by row with
#     `gridctl stats ranking --json` (saved by run-local from the live
#     service), and every process it started is gone afterwards;
#  2. Ctrl-C (SIGINT) while it keeps the stack up: the same clean stop.
set -euo pipefail
# Job control: a background job of a non-interactive shell would otherwise
# start with SIGINT ignored, and Ctrl-C could not be simulated.
set -m
root=$(cd "$(dirname "$0")/.." && pwd)
var=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-runlocal-XXXXXX")
runner=
cleanup() {
  [[ -n $runner ]] && kill -INT "$runner" 2>/dev/null || true
  rm -rf "$var"
}
trap cleanup EXIT
export GRIDCASE_SKIP_BUILD=1 GRIDCASE_BUILD_DIR="${GRIDCASE_BUILD_DIR:-build}"
export GRIDCASE_VAR_DIR="$var"
fail() { echo "FAIL: $*" >&2; exit 1; }

expect_all_stopped() {
  local pids
  pids=$(cat "$var/run/pids")
  [[ $(wc -w <<<"$pids") -eq 7 ]] || fail "expected 7 pids, got: $pids"
  for pid in $pids; do
    if kill -0 "$pid" 2>/dev/null; then fail "process $pid is still running"; fi
  done
}

# 1. --once with a small simulation; a drain long enough for every case to
# close, so that nothing changes between the printed table and the JSON.
out=$("$root/tools/run-local" --once --reports=40 --window=10s --drain=150s 2>&1) || {
  echo "$out"
  fail "run-local --once exited non-zero"
}
echo "$out"
grep -q "all five services SERVING, /metrics answering" <<<"$out" || fail "not SERVING"
for svc in registry intake dispatch stats notify; do
  grep -qE "^  $svc +127\.0\.0\.1:[0-9]+ +http://127\.0\.0\.1:[0-9]+/metrics" <<<"$out" ||
    fail "no endpoint line for $svc"
done
grep -q "Callers authenticate with JWTs signed by" <<<"$out" || fail "run-local is not in jwt mode"
grep -qE "^  error: UNAUTHENTICATED: authorization: missing" <<<"$out" ||
  fail "run-local did not show a forged x-gridcase-actor header refused"
grep -q "^export GRIDCASE_SIGNING_KEY=" "$var/run/env" || fail "var/run/env has no signing key"
for svc in registry intake dispatch stats notify; do
  grep -q '"auth_mode":"insecure-dev"' "$var/log/$svc.log" &&
    fail "gridcase-$svc runs insecure-dev"
done
grep -qE "^  rules +145 from" <<<"$out" || fail "sample rules not loaded"
grep -qE "^  categories +127 from .*demo-catalogue.json" <<<"$out" ||
  fail "the demo catalogue was not loaded"
grep -qE "^  GRID +3304831010" <<<"$out" ||
  fail "the Puyuan point was not located in a 濮院镇 grid"
grep -qE "^  330483-[0-9]{8}-[0-9]{6,12} REPORTED in grid 3304831010" <<<"$out" ||
  fail "the demo report was not created"
grep -qE "MERGED into 330483-[0-9]{8}-[0-9]{6,12}: already reported by 2 people" <<<"$out" ||
  fail "the duplicate report was not merged"
grep -qE "Simulated day done in [0-9]+ s: 40 reports, [0-9]+ calls \([0-9]+ lost races retried, 0 errors\)" <<<"$out" ||
  fail "the simulation did not finish its 40 reports without errors"
grep -qE "^  webhook=[1-9][0-9]* wechat=[1-9][0-9]* sms=[0-9]+ total=[1-9][0-9]*$" <<<"$out" ||
  fail "run-local did not show notifications delivered by channel"
python3 - "$var/notify/deliveries.jsonl" <<'PY' || fail "a notification was unsigned or repeated"
import json, sys
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    if not e["signature_ok"]:
        sys.exit("bad signature: " + line)
    if e["status"] == 200 and not e["duplicate"]:
        if e["delivery"] in seen:
            sys.exit("accepted twice: " + e["delivery"])
        seen.add(e["delivery"])
print("notifications accepted:", len(seen))
PY
grep -q "reached:        closed yes · reworked yes · returned yes · extended yes · overdue yes · merged yes" <<<"$out" ||
  fail "the simulation did not reach every path"
grep -qE "staff merges:   [1-9][0-9]* " <<<"$out" ||
  fail "the simulation made no staff merge"

# The stats service's own count of today, as run-local saved it.
python3 - "$var/report/summary.json" <<'PY' || fail "stats does not show every path"
import json, sys
x = json.load(open(sys.argv[1]))["indicators"]
n = lambda k: int(x.get(k, 0))
paths = {"closed": n("closed"), "reworked": n("reworked"),
         "returned": n("returned"), "extended": n("extended"),
         "overdue": n("closed_overdue") + n("open_overdue_now"),
         "merged": n("merged")}
print("stats today:", paths)
missing = [k for k, v in paths.items() if v <= 0]
if missing:
    sys.exit("no %s case in the stats summary" % ", ".join(missing))
PY

# The printed town ranking, row by row, against the JSON of the same query.
town_table=$(awk '/^Town ranking today/{on=1; next} on && /^$/{exit} on' <<<"$out")
python3 - "$var/report/town-ranking.json" <<PY || fail "the printed ranking disagrees with --json"
import json, re, sys
table = """$town_table""".strip("\n").split("\n")
entries = json.load(open(sys.argv[1]))["entries"]
header, rows = table[0].split(), table[1:]
assert header[:4] == ["rank", "key", "name", "on_time_close_rate"], header
assert len(rows) == len(entries) == 12, (len(rows), len(entries))
for row, e in zip(rows, entries):
    cells = row.split()
    assert int(cells[0]) == e["rank"], (row, e["rank"])
    assert cells[1] == e["key"] and cells[2] == e["name"], (row, e["key"])
    if e.get("defined"):
        r = e["ratio"]
        want = "%.1f%% (%s/%s)" % (100 * r.get("value", 0), r.get("numerator", "0"),
                                  r["denominator"])
        assert want in row, (row, want)
        score = e["indicators"].get("composite_score", 0)
        assert cells[-1] == "%.2f" % score, (row, score)
    else:
        assert cells[3] == "—", row
print("town ranking: %d rows agree with --json" % len(rows))
PY
expect_all_stopped
echo "PASS: --once simulated a day, reached every path, printed the ranking and the notifications, stopped 7 processes"

# 2. Ctrl-C
"$root/tools/run-local" --no-sim >"$var/interactive.log" 2>&1 &
runner=$!
for _ in $(seq 600); do
  grep -q "Press Ctrl-C to stop" "$var/interactive.log" && break
  sleep 0.1
done
grep -q "Press Ctrl-C to stop" "$var/interactive.log" ||
  { cat "$var/interactive.log"; fail "stack did not come up"; }
kill -INT "$runner"
status=0
wait "$runner" || status=$?
runner=
cat "$var/interactive.log"
[[ $status -eq 130 ]] || fail "exit status $status after Ctrl-C, want 130"
expect_all_stopped
echo "PASS: Ctrl-C stopped 7 processes"
