#!/usr/bin/env bash
# deploy/docker/runtime-packages, which the Dockerfile's build stage runs to
# choose the runtime stage's packages: on the binaries just built it names
# the Debian packages of gRPC, protobuf, hiredis, prometheus-cpp, spdlog,
# Abseil and libcurl (gridcase-notify) and no -dev package; on a binary
# whose library no package owns, it fails and names the library.
# Usage: docker_runtime_test.sh BINARY...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
script=$root/deploy/docker/runtime-packages
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gridcase-runtime-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

packages=$("$script" "$@")
echo "runtime packages: $(tr '\n' ' ' <<<"$packages")"
for want in 'libgrpc\+\+1\.51' 'libprotobuf32' 'libhiredis0\.14' \
    'libprometheus-cpp-pull1\.0' 'libspdlog1\.10' 'libabsl20220623' 'libc6' \
    'libcurl4'; do
  grep -qE "^$want$" <<<"$packages" || fail "no $want in the runtime packages"
done
if grep -E -- '-dev$|^(g\+\+|gcc|cmake)' <<<"$packages"; then
  fail "build packages in the runtime set"
fi

# A library of no package's: runtime-packages must refuse, naming it.
printf 'int gridcase_probe(void) { return 1; }\n' >"$tmp/probe.c"
printf 'int gridcase_probe(void);\nint main(void) { return gridcase_probe() - 1; }\n' >"$tmp/main.c"
cc -shared -fPIC -o "$tmp/libprobe.so" "$tmp/probe.c"
cc -o "$tmp/main" "$tmp/main.c" -L"$tmp" -lprobe -Wl,-rpath,"$tmp"
if out=$("$script" "$tmp/main" 2>&1); then
  fail "runtime-packages accepted a library no package owns: $out"
fi
grep -q "no Debian package owns $tmp/libprobe.so" <<<"$out" || fail "unexpected: $out"
echo PASS
