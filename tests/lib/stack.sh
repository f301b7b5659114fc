# Shell helpers for tests that need a small real stack: a private
# redis-server on a unix socket and service binaries on 127.0.0.1 port 0.
# Source it, then call stack_redis and stack_service; everything started is
# stopped (by PID) and the temporary directory removed when the shell exits.
#
#   source "$(dirname "$0")/lib/stack.sh"
#   stack_redis
#   registry=$(stack_service registry "$REGISTRY_BIN")
#   intake=$(stack_service intake "$INTAKE_BIN" --registry="$registry")

stack_dir=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-stack-XXXXXX")
stack_pids=()
stack_cleanup() {
  for pid in "${stack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${stack_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$stack_dir"
}
trap stack_cleanup EXIT

stack_redis() {
  redis-server --port 0 --unixsocket "$stack_dir/redis.sock" --dir "$stack_dir" \
    --save "" --appendonly no --logfile "$stack_dir/redis.log" &
  stack_pids+=($!)
  for _ in $(seq 200); do [[ -S $stack_dir/redis.sock ]] && return 0; sleep 0.05; done
  echo "redis-server did not start" >&2
  return 1
}

# stack_service NAME BINARY [ARGS...]: starts it, waits for its ready file,
# and records "127.0.0.1:PORT" in $stack_dir/NAME.target.
stack_service() {
  local name=$1 bin=$2
  shift 2
  "$bin" --grpc_address=127.0.0.1:0 --admin_address= \
    --redis="unix://$stack_dir/redis.sock" --ready_file="$stack_dir/$name.json" \
    "$@" 2>"$stack_dir/$name.log" &
  stack_pids+=($!)
  for _ in $(seq 400); do [[ -s $stack_dir/$name.json ]] && break; sleep 0.05; done
  [[ -s $stack_dir/$name.json ]] || { echo "$name did not start" >&2; cat "$stack_dir/$name.log" >&2; return 1; }
  echo "127.0.0.1:$(sed -E 's/.*"grpc_port":([0-9]+).*/\1/' "$stack_dir/$name.json")" \
    >"$stack_dir/$name.target"
}

stack_target() { cat "$stack_dir/$1.target"; }
