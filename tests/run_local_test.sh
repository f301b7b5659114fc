#!/usr/bin/env bash
# tools/run-local on an existing build, both ways it ends:
#  1. --once: every service reaches SERVING, the endpoints are printed, and
#     every process it started is gone afterwards;
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

expect_all_stopped() {
  local pids
  pids=$(cat "$var/run/pids")
  [[ $(wc -w <<<"$pids") -eq 5 ]] || { echo "FAIL: expected 5 pids, got: $pids" >&2; exit 1; }
  for pid in $pids; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "FAIL: process $pid is still running" >&2
      exit 1
    fi
  done
}

# 1. --once
out=$("$root/tools/run-local" --once 2>&1) || {
  echo "$out"
  echo "FAIL: run-local --once exited non-zero" >&2
  exit 1
}
echo "$out"
grep -q "all four services SERVING, /metrics answering" <<<"$out" ||
  { echo "FAIL: not SERVING" >&2; exit 1; }
for svc in registry intake dispatch stats; do
  grep -qE "^  $svc +127\.0\.0\.1:[0-9]+ +http://127\.0\.0\.1:[0-9]+/metrics" <<<"$out" ||
    { echo "FAIL: no endpoint line for $svc" >&2; exit 1; }
done
grep -qE "^  rules +145 from" <<<"$out" || { echo "FAIL: sample rules not loaded" >&2; exit 1; }
grep -qE "^  GRID +3304831010" <<<"$out" ||
  { echo "FAIL: the Puyuan point was not located in a 濮院镇 grid" >&2; exit 1; }
grep -qE "^  330483-[0-9]{8}-[0-9]{6} REPORTED in grid 3304831010" <<<"$out" ||
  { echo "FAIL: the demo report was not created" >&2; exit 1; }
grep -qE "MERGED into 330483-[0-9]{8}-[0-9]{6}: already reported by 2 people" <<<"$out" ||
  { echo "FAIL: the duplicate report was not merged" >&2; exit 1; }
expect_all_stopped
echo "PASS: --once started, loaded the sample registry, and stopped 5 processes"

# 2. Ctrl-C
"$root/tools/run-local" >"$var/interactive.log" 2>&1 &
runner=$!
for _ in $(seq 600); do
  grep -q "Press Ctrl-C to stop" "$var/interactive.log" && break
  sleep 0.1
done
grep -q "Press Ctrl-C to stop" "$var/interactive.log" ||
  { cat "$var/interactive.log"; echo "FAIL: stack did not come up" >&2; exit 1; }
kill -INT "$runner"
status=0
wait "$runner" || status=$?
runner=
cat "$var/interactive.log"
[[ $status -eq 130 ]] || { echo "FAIL: exit status $status after Ctrl-C, want 130" >&2; exit 1; }
expect_all_stopped
echo "PASS: Ctrl-C stopped 5 processes"
