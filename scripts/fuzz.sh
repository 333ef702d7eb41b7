#!/bin/sh
# Builds the libFuzzer targets in fuzz/ with clang, ASan and UBSan into
# build-fuzz, and runs each for FUZZ_SECONDS (default 20, enough for CI to
# catch a regression; FUZZ_SECONDS=600 scripts/fuzz.sh for a real session).
# FUZZ_TARGETS="fuzz_decide" limits the run to some targets.
#
# Seeds come from fuzz/corpus/<target>/ (examples/, Docker's and Podman's
# default profiles, real agent messages); what the fuzzer learns goes to
# build-fuzz/corpus/<target>/, so the source tree is never written. A crash
# leaves its input in build-fuzz/artifacts/ and fails the script; copy it
# into fuzz/regressions/<target>/ once fixed, where every fuzz run starts
# from it and the unit tests replay it.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh fuzz

seconds=${FUZZ_SECONDS:-20}
build=${FUZZ_BUILD_DIR:-build-fuzz}
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSCMP_SUPER_FUZZ=ON -DSCMP_SUPER_ASAN=ON -DSCMP_SUPER_UBSAN=ON \
        -DSCMP_SUPER_WERROR=ON >/dev/null
targets=${FUZZ_TARGETS:-$(cd fuzz && for f in fuzz_*.c; do echo "${f%.c}"; done)}
# shellcheck disable=SC2086
cmake --build "$build" -j"$(nproc)" --target $targets

# Leaks inside libseccomp itself are not ours to fix (fuzz/lsan.supp).
LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

failed=""
total_runs=0
for t in $targets; do
        mkdir -p "$build/corpus/$t" "$build/artifacts"
        log="$build/$t.log"
        echo "== $t: ${seconds}s" >&2
        # -timeout: an input that takes 10 s is a hang, and a supervisor that
        # hangs on a hostile input is as broken as one that crashes.
        if "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
                -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
                "$build/corpus/$t" "fuzz/corpus/$t" "fuzz/regressions/$t" >"$log" 2>&1; then
                runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
                echo "   $t: ${runs:-?} executions, no crash" >&2
                total_runs=$((total_runs + ${runs:-0}))
        else
                echo "   $t: FAILED, see $log and $build/artifacts/" >&2
                grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed)' "$log" | head -n 5 >&2 || true
                failed="$failed $t"
        fi
done
n_failed=$(echo "$failed" | wc -w)
n_targets=$(echo "$targets" | wc -w)
echo "fuzz: $total_runs executions in total" >&2
echo "fuzz: $((n_targets - n_failed)) passed, $n_failed failed"
if [ -n "$failed" ]; then
        echo "fuzz: crashes in:$failed" >&2
        exit 1
fi
