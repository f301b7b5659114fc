#!/usr/bin/env bash
# The Python client example against a real stack: redis-server, registry
# (sample data loaded with gridctl) and intake.
# Usage: python_client_test.sh REGISTRY_BIN INTAKE_BIN GRIDCTL STUBS_DIR
set -euo pipefail
registry_bin=$1 intake_bin=$2 gridctl=$3 stubs=$4
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib/stack.sh"

stack_redis
stack_service registry "$registry_bin"
"$gridctl" registry load "$root/tools/sample-data/tongxiang" \
  --catalogue="$root/services/registry/data/catalogue.json" \
  --target="$(stack_target registry)" --actor="subject=test; roles=admin" >/dev/null
stack_service intake "$intake_bin" --registry="$(stack_target registry)"

# The example is a WeChat backend: its own token, naming its users.
backend_token=$("$gridctl" token --channel=wechat --subject=svc:wechat-python)
out=$(/usr/bin/python3 "$root/tools/python/report_and_watch.py" \
  --target="$(stack_target intake)" --stubs="$stubs" --token="$backend_token")
echo "$out"
grep -q "^reported 330483-" <<<"$out"
grep -q "(replayed)" <<<"$out"
grep -q "CASE_EVENT_TYPE_FOLLOWED_UP '今天早上还在'" <<<"$out"
grep -qx "ok" <<<"$out"
