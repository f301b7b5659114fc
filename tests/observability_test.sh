#!/usr/bin/env bash
# The dashboard and the alert rules against the real thing: tools/run-local
# starts the four services and plays a short simulated day; a real
# Prometheus scrapes them with deploy/prometheus/rules loaded. Then
# tools/deploy/live-check.mjs checks that every metric name the dashboard and
# the rules read is in a live /metrics scrape, that every dashboard query
# evaluates (with data, but for the panels listed below), and that every rule
# evaluates healthy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
var=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-observe-XXXXXX")
runner= prom=
cleanup() {
  if [[ -n $prom ]]; then kill "$prom" 2>/dev/null; wait "$prom" 2>/dev/null || true; fi
  if [[ -n $runner ]]; then kill -TERM "$runner" 2>/dev/null; wait "$runner" 2>/dev/null || true; fi
  rm -rf "$var"
}
trap cleanup EXIT
export GRIDCASE_SKIP_BUILD=1 GRIDCASE_BUILD_DIR="${GRIDCASE_BUILD_DIR:-build}"
build=$GRIDCASE_BUILD_DIR
[[ $build == /* ]] || build=$root/$build
export GRIDCASE_VAR_DIR="$var/stack"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$root/tools/run-local" --reports=30 --window=5s --drain=30s >"$var/run-local.out" 2>&1 &
runner=$!
for _ in $(seq 600); do
  grep -q "Press Ctrl-C to stop." "$var/run-local.out" && break
  kill -0 "$runner" 2>/dev/null || { cat "$var/run-local.out"; fail "run-local ended"; }
  sleep 0.5
done
grep -q "Press Ctrl-C to stop." "$var/run-local.out" || {
  cat "$var/run-local.out"
  fail "run-local did not finish its simulated day in 300 s"
}

# One rejected report, so the rejections-by-field panel has a series.
# shellcheck disable=SC1091
source "$GRIDCASE_VAR_DIR/run/env"
if out=$("$build/tools/gridctl/gridctl" report --category=E0106 \
    --lat=95 --lng=120.5 --description="bad latitude" --source=wechat \
    --actor="subject=c-1; roles=citizen" 2>&1); then
  fail "a report at latitude 95 was accepted: $out"
fi
grep -q "INVALID_ARGUMENT.*latitude" <<<"$out" || fail "unexpected answer: $out"


# A real Prometheus: the four services as static targets, with the labels the
# Kubernetes scrape config gives them (namespace, pod, component).
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
prom_port=$(port)
{
  echo "global: {scrape_interval: 1s, evaluation_interval: 1s}"
  echo "rule_files: ['$root/deploy/prometheus/rules/*.yml']"
  echo "scrape_configs:"
  echo "  - job_name: gridcase"
  echo "    static_configs:"
  for svc in registry intake dispatch stats; do
    admin=$(sed -E 's/.*"admin_port":([0-9]+).*/\1/' "$GRIDCASE_VAR_DIR/run/$svc.json")
    echo "      - targets: ['127.0.0.1:$admin']"
    echo "        labels: {namespace: gridcase-test, pod: $svc-0, component: $svc}"
    scrapes+=("http://127.0.0.1:$admin/metrics")
  done
} >"$var/prometheus.yml"
prometheus --config.file="$var/prometheus.yml" --storage.tsdb.path="$var/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$var/prometheus.log" 2>&1 &
prom=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

# Panels that may show nothing on a short healthy day: no WatchCases stream
# was opened, and no stream ended.
node "$root/tools/deploy/live-check.mjs" --deploy="$root/deploy" \
  --prometheus="http://127.0.0.1:$prom_port" --namespace=gridcase-test \
  --may-be-empty='WatchCases' "${scrapes[@]}" || {
  tail -20 "$var/prometheus.log"
  fail "the dashboard or the rules do not match the live services"
}
echo "PASS"
