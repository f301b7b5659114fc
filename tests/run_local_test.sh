#!/usr/bin/env bash
# tools/run-local --once on an existing build: every service reaches SERVING,
# the endpoints are printed, and every process it started is gone afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
var=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-runlocal-XXXXXX")
trap 'rm -rf "$var"' EXIT

out=$(GRIDCASE_SKIP_BUILD=1 GRIDCASE_BUILD_DIR="${GRIDCASE_BUILD_DIR:-build}" \
  GRIDCASE_VAR_DIR="$var" "$root/tools/run-local" --once 2>&1) || {
  echo "$out"
  echo "FAIL: run-local --once exited non-zero" >&2
  exit 1
}
echo "$out"
grep -q "all four services SERVING" <<<"$out" || { echo "FAIL: not SERVING" >&2; exit 1; }
for svc in registry intake dispatch stats; do
  grep -qE "^  $svc +127\.0\.0\.1:[0-9]+ +http://127\.0\.0\.1:[0-9]+/metrics" <<<"$out" ||
    { echo "FAIL: no endpoint line for $svc" >&2; exit 1; }
done

pids=$(cat "$var/run/pids")
[[ $(wc -w <<<"$pids") -eq 5 ]] || { echo "FAIL: expected 5 pids, got: $pids" >&2; exit 1; }
for pid in $pids; do
  if kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: process $pid is still running" >&2
    exit 1
  fi
done
echo "PASS: 5 processes started and stopped"
