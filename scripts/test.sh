#!/bin/sh
# Builds scmp-super and runs every test: unit tests (cmocka) and integration
# tests that run real programs under the real binary. Exits non-zero if any
# test fails.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCMP_SUPER_WERROR=ON \
        ${CMAKE_ARGS:-} >/dev/null
cmake --build build -j"$(nproc)"
sh scripts/ctest-run.sh build
