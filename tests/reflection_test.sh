#!/usr/bin/env bash
# Starts each service binary on a private redis-server and lists its services
# through gRPC server reflection with `buf curl --list-services`, as any
# reflection-capable client (grpcurl, Postman, buf) would.
# Usage: reflection_test.sh BUF REGISTRY_BIN INTAKE_BIN DISPATCH_BIN STATS_BIN
#          NOTIFY_BIN
set -euo pipefail
buf=$1
shift
source "$(cd "$(dirname "$0")" && pwd)/lib/stack.sh"

declare -A want=(
  [registry]=gridcase.v1.RegistryService
  [intake]=gridcase.v1.IntakeService
  [dispatch]=gridcase.v1.DispatchService
  [stats]=gridcase.v1.StatsService
  [notify]=gridcase.v1.NotifyService
)
names=(registry intake dispatch stats notify)
stack_redis
# gridcase-notify signs with a secret it must be given.
echo "reflection-test-secret-0123456789" >"$stack_dir/webhook.secret"
declare -A extra=([notify]="--webhook_secret_file=$stack_dir/webhook.secret")
for name in "${names[@]}"; do
  # shellcheck disable=SC2086
  stack_service "$name" "$1" ${extra[$name]:-}
  shift
done

status=0
for name in "${names[@]}"; do
  url="http://$(stack_target "$name")"
  listed=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-services "$url")
  echo "$name ($url):"
  sed 's/^/  /' <<<"$listed"
  for service in "${want[$name]}" grpc.health.v1.Health; do
    if ! grep -qx "$service" <<<"$listed"; then
      echo "FAIL: $name does not list $service" >&2
      status=1
    fi
  done
  methods=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-methods "$url")
  if ! grep -q "^${want[$name]}/" <<<"$methods"; then
    echo "FAIL: $name lists no methods of ${want[$name]}" >&2
    status=1
  fi
done
exit $status
