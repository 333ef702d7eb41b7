#!/bin/sh
# Builds scmp-super with AddressSanitizer and UndefinedBehaviorSanitizer into
# build-asan and runs the whole test suite against that build: the unit
# tests, the replayed fuzz corpora, and the integration tests, where the
# supervisor under test is the sanitized binary. The helper programs run as
# targets are built without sanitizers (tests/CMakeLists.txt), so what they
# report is what the kernel did. Exits non-zero if any test fails or any
# sanitizer reports anything.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh test
build=${SANITIZE_BUILD_DIR:-build-asan}
# shellcheck disable=SC2086
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCMP_SUPER_ASAN=ON \
        -DSCMP_SUPER_UBSAN=ON -DSCMP_SUPER_WERROR=ON ${CMAKE_ARGS:-} >/dev/null # CMAKE_ARGS: several words
cmake --build "$build" -j"$(nproc)"
# A report is a failure, never a warning: abort with a distinct exit status,
# and keep the stack for the log.
ASAN_OPTIONS="abort_on_error=0:exitcode=86:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# Leaks inside libseccomp itself are not ours to fix (fuzz/lsan.supp).
LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
sh scripts/ctest-run.sh "$build"
