# Shell helpers for tests that need a small real stack: a private
# redis-server on a unix socket and service binaries on 127.0.0.1 port 0,
# in jwt mode with an HS256 test secret. Source it, then call stack_redis and
# stack_service; everything started is stopped (by PID) and the temporary
# directory removed when the shell exits. Sourcing also exports
# GRIDCASE_SIGNING_KEY, GRIDCASE_JWT_ISSUER and GRIDCASE_JWT_AUDIENCE, so
# gridctl --actor=... (and gridctl token) mint tokens the stack accepts.
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

export GRIDCASE_JWT_ISSUER=https://sso.gridcase.test GRIDCASE_JWT_AUDIENCE=gridcase
export GRIDCASE_SIGNING_KEY=$stack_dir/hs256.secret
head -c 36 /dev/urandom | base64 | tr -d '\n' >"$GRIDCASE_SIGNING_KEY"

# stack_mint SUBJECT ROLES...: an HS256 token, minted with Python's standard
# library (an implementation independent of gridcase's own).
stack_mint() {
  python3 - "$GRIDCASE_SIGNING_KEY" "$GRIDCASE_JWT_ISSUER" "$@" <<'PY'
import base64, hashlib, hmac, json, sys, time
key, iss, sub, roles = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"iss": iss, "aud": "gridcase", "sub": sub,
                       "roles": roles, "iat": now, "exp": now + 3600}).encode())
sig = hmac.new(open(key, "rb").read(), f"{head}.{body}".encode(), hashlib.sha256)
print(f"{head}.{body}.{b64(sig.digest())}")
PY
}
stack_mint system:test-services system >"$stack_dir/service.token"
stack_auth_args=(--auth_mode=jwt --jwt_issuer="$GRIDCASE_JWT_ISSUER"
  --jwt_audience="$GRIDCASE_JWT_AUDIENCE"
  --jwt_hs256_secret_file="$GRIDCASE_SIGNING_KEY"
  --service_token_file="$stack_dir/service.token")

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
    "${stack_auth_args[@]}" "$@" 2>"$stack_dir/$name.log" &
  stack_pids+=($!)
  for _ in $(seq 400); do [[ -s $stack_dir/$name.json ]] && break; sleep 0.05; done
  [[ -s $stack_dir/$name.json ]] || { echo "$name did not start" >&2; cat "$stack_dir/$name.log" >&2; return 1; }
  echo "127.0.0.1:$(sed -E 's/.*"grpc_port":([0-9]+).*/\1/' "$stack_dir/$name.json")" \
    >"$stack_dir/$name.target"
}

stack_target() { cat "$stack_dir/$1.target"; }
