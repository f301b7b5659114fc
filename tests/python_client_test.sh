#!/usr/bin/env bash
# The Python client example against a real stack: redis-server, registry
# (sample data loaded with gridctl) and intake.
# Usage: python_client_test.sh REGISTRY_BIN INTAKE_BIN GRIDCTL STUBS_DIR
set -euo pipefail
registry_bin=$1 intake_bin=$2 gridctl=$3 stubs=$4
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-py-XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

redis-server --port 0 --unixsocket "$dir/redis.sock" --dir "$dir" --save "" \
  --appendonly no --logfile "$dir/redis.log" &
pids+=($!)
wait_ready() { for _ in $(seq 200); do [[ -s $1 ]] && return 0; sleep 0.05; done; return 1; }
port_of() { sed -E 's/.*"grpc_port":([0-9]+).*/\1/' "$1"; }

"$registry_bin" --grpc_address=127.0.0.1:0 --admin_address= \
  --redis="unix://$dir/redis.sock" --ready_file="$dir/registry.json" 2>"$dir/registry.log" &
pids+=($!)
wait_ready "$dir/registry.json"
registry="127.0.0.1:$(port_of "$dir/registry.json")"
"$gridctl" registry load "$root/tools/sample-data/tongxiang" \
  --catalogue="$root/services/registry/data/catalogue.json" \
  --target="$registry" --actor="subject=test; roles=admin" >/dev/null

"$intake_bin" --grpc_address=127.0.0.1:0 --admin_address= \
  --redis="unix://$dir/redis.sock" --ready_file="$dir/intake.json" \
  --registry="$registry" 2>"$dir/intake.log" &
pids+=($!)
wait_ready "$dir/intake.json"
intake="127.0.0.1:$(port_of "$dir/intake.json")"

out=$(/usr/bin/python3 "$root/tools/python/report_and_watch.py" \
  --target="$intake" --stubs="$stubs")
echo "$out"
grep -q "^reported 330483-" <<<"$out"
grep -q "(replayed)" <<<"$out"
grep -q "CASE_EVENT_TYPE_FOLLOWED_UP '今天早上还在'" <<<"$out"
grep -qx "ok" <<<"$out"
