#!/usr/bin/env bash
# Starts each service binary on a private redis-server and lists its services
# through gRPC server reflection with `buf curl --list-services`, as any
# reflection-capable client (grpcurl, Postman, buf) would.
# Usage: reflection_test.sh BUF REGISTRY_BIN INTAKE_BIN DISPATCH_BIN STATS_BIN
set -euo pipefail
buf=$1
shift
dir=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-reflect-XXXXXX")
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

declare -A want=(
  [registry]=gridcase.v1.RegistryService
  [intake]=gridcase.v1.IntakeService
  [dispatch]=gridcase.v1.DispatchService
  [stats]=gridcase.v1.StatsService
)
names=(registry intake dispatch stats)
for i in 0 1 2 3; do
  name=${names[$i]}
  "$1" --grpc_address=127.0.0.1:0 --admin_address= \
    --redis="unix://$dir/redis.sock" --ready_file="$dir/$name.json" \
    2>"$dir/$name.log" &
  pids+=($!)
  shift
done

status=0
for name in "${names[@]}"; do
  for _ in $(seq 200); do [[ -s $dir/$name.json ]] && break; sleep 0.05; done
  port=$(sed -E 's/.*"grpc_port":([0-9]+).*/\1/' "$dir/$name.json")
  listed=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-services \
    "http://127.0.0.1:$port")
  echo "$name (127.0.0.1:$port):"
  sed 's/^/  /' <<<"$listed"
  for service in "${want[$name]}" grpc.health.v1.Health; do
    if ! grep -qx "$service" <<<"$listed"; then
      echo "FAIL: $name does not list $service" >&2
      status=1
    fi
  done
  methods=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-methods \
    "http://127.0.0.1:$port")
  if ! grep -q "^${want[$name]}/" <<<"$methods"; then
    echo "FAIL: $name lists no methods of ${want[$name]}" >&2
    status=1
  fi
done
exit $status
