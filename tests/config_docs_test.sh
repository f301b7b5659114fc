#!/usr/bin/env bash
# docs/operations.md is the configuration reference: every flag that a
# service's --help lists has a table row there with its flag and its
# GRIDCASE_* environment variable.
# Usage: config_docs_test.sh OPERATIONS_MD BINARY...
set -euo pipefail
doc=$1
shift
missing=0
for binary in "$@"; do
  flags=$({ "$binary" --help 2>&1 || true; } | sed -nE 's/^    --([a-z0-9_]+) .*/\1/p' | sort -u)
  [[ -n $flags ]] || { echo "FAIL: $binary --help lists no flags" >&2; exit 1; }
  for flag in $flags; do
    env=GRIDCASE_$(tr a-z A-Z <<<"$flag")
    if ! grep -qE "^\| \`--$flag\` \| \`$env\` \|" "$doc"; then
      echo "FAIL: $(basename "$binary") --$flag ($env) has no row in $doc" >&2
      missing=$((missing + 1))
    fi
  done
  echo "$(basename "$binary"): $(wc -w <<<"$flags") flags"
done
((missing == 0)) || exit 1
echo PASS
