#!/bin/sh
# Static analysis: clang-tidy's clang-analyzer and bugprone checks over
# policy/, supervisor/, client/ and fuzz/, using the compile commands of a
# clang build in build-analyze (which also proves the tree builds cleanly
# with clang's warnings). Prints each finding and exits non-zero if there is
# any. ANALYZE_FILES="supervisor/launch/confine.c ..." limits it to some files.
#
# Left out, as noise rather than findings: swappable parameters, reserved
# identifiers, narrowing conversions; sizeof(*p) on a pointer-to-pointer
# (how this code sizes arrays of pointers); the va_list check, which flags
# every va_start under _FORTIFY_SOURCE with clang-tidy 14; the "insecure API"
# warnings on strcpy/memcpy, whose lengths this code checks before the call;
# and struct padding.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh fuzz
build=${ANALYZE_BUILD_DIR:-build-analyze}
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
        -DSCMP_SUPER_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"

checks='-*,clang-analyzer-*,bugprone-*'
checks="$checks,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier"
checks="$checks,-bugprone-narrowing-conversions,-bugprone-assignment-in-if-condition"
checks="$checks,-bugprone-sizeof-expression,-clang-analyzer-valist.Uninitialized"
checks="$checks,-clang-analyzer-security.insecureAPI.*,-clang-analyzer-optin.performance.Padding"

files=${ANALYZE_FILES:-$(ls policy/*.c supervisor/*.c supervisor/*/*.c client/*.c fuzz/*.c 2>/dev/null)}
out=$build/clang-tidy.txt
# shellcheck disable=SC2086
echo $files | xargs -n 4 -P "$(nproc)" clang-tidy -p "$build" --quiet --checks="$checks" \
        >"$out" 2>/dev/null || true
findings=$(grep -c ': warning: ' "$out" || true)
grep -E ': (warning|note): ' "$out" | grep -v ': note: ' || true
echo "analyze: $findings findings (details with the analyser's path in $out)" >&2
[ "$findings" -eq 0 ]
