#!/usr/bin/env bash
# tools/check-deploy passes on deploy/ as committed, and fails, naming the
# problem, on copies broken one way at a time: a misspelled field, a wrong
# type, a render error, a broken security rule, a ClusterIP Service, a
# liveness probe that follows Redis, bad PromQL, a wrong alert threshold, a
# broken dashboard query, a root Dockerfile, a bad scrape config.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-deploycheck-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$root/tools/check-deploy" >"$tmp/ok.out" 2>&1 || {
  cat "$tmp/ok.out"
  fail "tools/check-deploy fails on deploy/ as committed"
}
grep -q "check-deploy: all checks passed" "$tmp/ok.out" || fail "no success line"

# breaks FILE SED_EXPR EXPECTED_MESSAGE: a fresh copy with one sed edit, which
# must change FILE, and must make check-deploy fail with the message.
cases=0
breaks() {
  local file=$1 expr=$2 expected=$3 copy=$tmp/copy
  rm -rf "$copy"
  mkdir -p "$copy/docs"
  cp -r "$root/deploy" "$copy/deploy"
  cp "$root/docs/operations.md" "$copy/docs/"
  sed -i -E "$expr" "$copy/$file"
  if cmp -s "$root/$file" "$copy/$file"; then
    fail "the edit '$expr' did not change $file (update this test)"
  fi
  if "$root/tools/check-deploy" "$copy/deploy" "$copy/docs/operations.md" \
      >"$tmp/broken.out" 2>&1; then
    cat "$tmp/broken.out"
    fail "check-deploy passed with $file broken by '$expr'"
  fi
  grep -qF -- "$expected" "$tmp/broken.out" || {
    cat "$tmp/broken.out"
    fail "check-deploy failed on '$expr' in $file, but without: $expected"
  }
  cases=$((cases + 1))
  echo "caught: $file: $expected"
}

breaks deploy/k8s/base/intake.yaml '0,/readinessProbe:/s//readynessProbe:/' \
  'readynessProbe: unknown field'
breaks deploy/k8s/base/stats.yaml \
  's/terminationGracePeriodSeconds: [0-9]+/terminationGracePeriodSeconds: "35s"/' \
  'terminationGracePeriodSeconds: must be integer'
breaks deploy/k8s/base/report-cronjobs.yaml '0,/concurrencyPolicy: Forbid/s//concurrencyPolicy: Allow/' \
  'CronJob/gridcase-report-daily: spec.concurrencyPolicy must be Forbid'
breaks deploy/k8s/base/report-cronjobs.yaml '0,/readOnlyRootFilesystem: true/s//readOnlyRootFilesystem: false/' \
  'readOnlyRootFilesystem must be true'
breaks deploy/k8s/base/kustomization.yaml 's/- stats.yaml/- statistics.yaml/' \
  'FAILED: kustomize render overlays/'
breaks deploy/k8s/base/dispatch.yaml \
  '0,/readOnlyRootFilesystem: true/s//readOnlyRootFilesystem: false/' \
  'securityContext.readOnlyRootFilesystem must be true'
breaks deploy/k8s/base/registry.yaml 's/clusterIP: None/type: ClusterIP/' \
  'must be headless'
breaks deploy/k8s/base/intake.yaml 's/service: gridcase.liveness/service: ""/' \
  'must ask for the health name gridcase.liveness'
breaks deploy/prometheus/rules/gridcase-alerts.yml '0,/expr: /s//expr: sum(rate(/' \
  'FAILED: promtool check rules'
breaks deploy/prometheus/rules/gridcase-alerts.yml \
  '0,/for: [0-9]+m/s/for: [0-9]+m/for: 3h/' 'FAILED: promtool test rules'
breaks deploy/grafana/gridcase-overview.json \
  '0,/"expr": "sum/s//"expr": "sum((/' 'FAILED: Grafana queries parse'
breaks deploy/docker/Dockerfile 's/^USER 65532:65532/USER root/' 'DL3002'
breaks deploy/prometheus/prometheus.yml '0,/scrape_interval:/s//scrape_intervall:/' \
  'FAILED: promtool check config'
breaks deploy/k8s/base/kustomization.yaml 's/GRIDCASE_AUTH_MODE=jwt/GRIDCASE_AUTH_MODE=insecure-dev/' \
  'GRIDCASE_AUTH_MODE must be jwt (got insecure-dev)'
breaks deploy/k8s/overlays/prod/kustomization.yaml 's/^(      - GRIDCASE_REDIS=.*)$/\1\n      - GRIDCASE_AUTH_MODE=insecure-dev/' \
  'GRIDCASE_AUTH_MODE must be jwt (got insecure-dev)'
breaks deploy/k8s/base/stats.yaml 's#value: /etc/gridcase/token/token#value: /var/token#' \
  '/var/token (its service token) is not under any volumeMount'
echo "PASS: check-deploy passes as committed and caught $cases broken copies"
