#!/usr/bin/env bash
# Redis bytes per case (issue #17). One stack: redis-server, registry,
# intake, dispatch and stats, with the DEMO catalogue (time limits in
# seconds); gridcase-sim runs a compressed day through the whole lifecycle;
# once it has drained, every key is measured with MEMORY USAGE and summed by
# kind (bench/footprint.py). It prints the bytes per case of each kind, the
# total, and used_memory's growth over the day divided by the cases.
#
# A measuring tool, not a test: CI runs it once with a few reports (label
# bench); the numbers in docs/operations.md come from a full run.
#
# Usage: footprint.sh REGISTRY_BIN INTAKE_BIN DISPATCH_BIN STATS_BIN GRIDCTL SIM
#          [--reports=2000] [--window=60s] [--drain=120s] [--json=FILE]
#          [--archive_after=DURATION]
# --archive_after (compressed like the day; with --reopen_window and
# --rating_window as long)
# lets dispatch archive the cases closed that long ago: the table then shows
# the archives and the bytes per archive.
set -euo pipefail
registry_bin=$1 intake_bin=$2 dispatch_bin=$3 stats_bin=$4 gridctl=$5 sim=$6
shift 6
reports=2000
window=60s
drain=120s
json=
archive_after=
for arg in "$@"; do
  case $arg in
    --reports=*) reports=${arg#*=} ;;
    --window=*) window=${arg#*=} ;;
    --drain=*) drain=${arg#*=} ;;
    --json=*) json=${arg#*=} ;;
    --archive_after=*) archive_after=${arg#*=} ;;
    *) echo "footprint: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib/stack.sh"

stack_redis
stack_service registry "$registry_bin"
"$gridctl" registry load "$root/tools/sample-data/tongxiang" \
  --catalogue="$root/tools/sample-data/demo-catalogue.json" \
  --calendar="$root/services/registry/data/calendar.json" \
  --target="$(stack_target registry)" --actor="subject=test; roles=admin" >/dev/null
# As tools/run-local: a grid manager's own report waits 2 s, not 3 min,
# before automatic routing in the compressed day. The streams' resume window
# (--stream_keep, 10 min of a real day) is compressed as much: 1 s.
for svc in intake dispatch stats; do
  bin_var=${svc}_bin
  extra=()
  [[ $svc == dispatch ]] &&
    extra=(--self_handle_grace=2s --stream_keep=1s --stream_trim_interval=1s
      ${archive_after:+--reopen_window=$archive_after --rating_window=$archive_after --archive_after=$archive_after --archive_interval=1s})
  stack_service "$svc" "${!bin_var}" --registry="$(stack_target registry)" "${extra[@]}"
done

measure=(python3 "$root/bench/footprint.py" "$stack_dir/redis.sock")
before=$("${measure[@]}" --used-memory)
"$sim" --registry="$(stack_target registry)" --intake="$(stack_target intake)" \
  --dispatch="$(stack_target dispatch)" --stats="$(stack_target stats)" \
  --reports="$reports" --window="$window" --drain="$drain" --progress=30s |
  sed -u 's/^/  sim: /'
# Let the consumers acknowledge the last events and dispatch trim them.
sleep 3
"${measure[@]}" --used-memory-before="$before" ${json:+--json="$json"}
