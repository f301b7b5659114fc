#!/usr/bin/env bash
# What Redis durability costs ReportCase (issue #16). One stack — a
# redis-server with its AOF on this machine's disk, gridcase-registry and two
# gridcase-intake processes, one of them with --redis_wait_replicas=1 — and
# tools/loadgen against it in these modes:
#
#   everysec          appendfsync everysec, no replica
#   always            appendfsync always, no replica
#   replica           everysec, a local replica attached, no WAIT (control)
#   everysec+wait1    everysec, intake WAITs for the replica
#   always+wait1      always, intake WAITs for the replica
#
# Modes are interleaved round by round (the machine is shared and noisy),
# the ones without a replica first; the replica is attached once, then. It
# prints every run, then per mode the median of the rounds and the ratio to
# everysec. A measuring tool, not a test: CI runs it once, briefly (label
# bench); the numbers in docs/operations.md come from a full run.
#
# Usage: report_durability.sh REGISTRY_BIN INTAKE_BIN GRIDCTL LOADGEN
#          [--duration=10s] [--concurrency=8] [--rounds=3]
set -euo pipefail
registry_bin=$1 intake_bin=$2 gridctl=$3 loadgen=$4
shift 4
duration=10s
concurrency=8
rounds=3
for arg in "$@"; do
  case $arg in
    --duration=*) duration=${arg#*=} ;;
    --concurrency=*) concurrency=${arg#*=} ;;
    --rounds=*) rounds=${arg#*=} ;;
    *) echo "report_durability: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib/stack.sh"

# The primary listens on the stack's socket (for the services) and on a free
# loopback port (replicas connect over TCP). No AOF rewrites during the runs.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$stack_dir/primary" "$stack_dir/replica"
redis_args=(--save "" --appendonly yes --appendfsync everysec
  --auto-aof-rewrite-percentage 0 --repl-diskless-sync-delay 0)
redis-server --bind 127.0.0.1 --port "$port" --unixsocket "$stack_dir/redis.sock" \
  --dir "$stack_dir/primary" --logfile "$stack_dir/primary.log" "${redis_args[@]}" &
stack_pids+=($!)
primary=(redis-cli -s "$stack_dir/redis.sock")
for _ in $(seq 200); do "${primary[@]}" ping >/dev/null 2>&1 && break; sleep 0.05; done

stack_service registry "$registry_bin"
"$gridctl" registry load "$root/tools/sample-data/tongxiang" \
  --catalogue="$root/services/registry/data/catalogue.json" \
  --target="$(stack_target registry)" --actor="subject=test; roles=admin" >/dev/null
stack_service intake "$intake_bin" --registry="$(stack_target registry)"
stack_service intake_wait "$intake_bin" --registry="$(stack_target registry)" \
  --redis_wait_replicas=1 --redis_wait_timeout=500ms

results=$stack_dir/results.tsv
: >"$results"
# run MODE FSYNC INTAKE: one loadgen run, recorded as a row of $results.
run() {
  local mode=$1 fsync=$2 intake=$3 out
  "${primary[@]}" config set appendfsync "$fsync" >/dev/null
  local status=0
  local json=$stack_dir/${mode//+/_}.json
  out=$("$loadgen" --scenario=report --target="$(stack_target "$intake")" \
    --registry="$(stack_target registry)" --duration="$duration" \
    --in_flight="$concurrency" --json="$json" \
    --run_id="${mode//+/_}-$RANDOM$RANDOM") || status=$?
  while IFS= read -r line; do echo "  $mode: $line"; done <<<"$out"
  ((status == 0)) || { echo "report_durability: $mode: loadgen failed" >&2; exit 1; }
  python3 - "$mode" "$json" >>"$results" <<'PY'
import json, sys
mode, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
l = r["latency_ms"]
print(f"{mode}\t{r['calls_per_s']:.0f}\t{l['p50']:.2f}\t{l['p99']:.2f}")
PY
}

echo "ReportCase, $concurrency clients, $duration per run, $rounds rounds; AOF in $stack_dir"
for ((r = 1; r <= rounds; r++)); do
  run everysec everysec intake
  run always always intake
done

redis-server --port 0 --unixsocket "$stack_dir/replica.sock" --dir "$stack_dir/replica" \
  --logfile "$stack_dir/replica.log" --replicaof 127.0.0.1 "$port" "${redis_args[@]}" &
stack_pids+=($!)
for _ in $(seq 600); do
  redis-cli -s "$stack_dir/replica.sock" info replication 2>/dev/null |
    grep -q master_link_status:up && break
  sleep 0.1
done
redis-cli -s "$stack_dir/replica.sock" info replication | grep -q master_link_status:up || {
  echo "report_durability: the replica did not sync; see $stack_dir/replica.log" >&2
  exit 1
}
for ((r = 1; r <= rounds; r++)); do
  run replica everysec intake
  run everysec+wait1 everysec intake_wait
  run always+wait1 always intake_wait
done

echo
"${primary[@]}" info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:.*usec_per_call=\([0-9.]*\).*/Redis time per script call (EVALSHA, all runs): \1 µs/p'
echo
echo "| mode | reports/s | p50 ms | p99 ms | reports/s vs everysec | p50 vs everysec | p99 vs everysec |"
echo "|---|---|---|---|---|---|---|"
python3 - "$results" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
modes = []
for m, *_ in rows:
    if m not in modes:
        modes.append(m)
med = {m: [statistics.median(float(r[i]) for r in rows if r[0] == m) for i in (1, 2, 3)]
       for m in modes}
base = med["everysec"]
for m in modes:
    rate, p50, p99 = med[m]
    print(f"| {m} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | "
          f"{rate / base[0]:.2f} | {p50 / base[1]:.2f} | {p99 / base[2]:.2f} |")
PY
