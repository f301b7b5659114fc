#!/usr/bin/env bash
# CI checks only that tools/loadgen runs: one second of reports against a
# real stack must all succeed. The numbers are measured by hand
# (docs/benchmarks.md), never asserted.
# Usage: loadgen_test.sh REGISTRY_BIN INTAKE_BIN GRIDCTL LOADGEN
set -euo pipefail
registry_bin=$1 intake_bin=$2 gridctl=$3 loadgen=$4
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib/stack.sh"

stack_redis
stack_service registry "$registry_bin"
"$gridctl" registry load "$root/tools/sample-data/tongxiang" \
  --catalogue="$root/services/registry/data/catalogue.json" \
  --target="$(stack_target registry)" --actor="subject=test; roles=admin" >/dev/null
stack_service intake "$intake_bin" --registry="$(stack_target registry)"
"$loadgen" --scenario=report --target="$(stack_target intake)" \
  --registry="$(stack_target registry)" --warmup=0s --duration=1s --in_flight=2
