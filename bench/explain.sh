#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/explain.sh: what `run --explain` costs a command that makes many
# refused calls. The test helper `try getppid-loop N` calls getppid N times
# under a profile that refuses getppid (SCMP_ACT_ERRNO, EPERM), run:
#
#   kernel    scmp-super run: the kernel refuses each call itself
#   explain   scmp-super run --explain: each refusal is a round trip to
#             scmp-super, which answers EPERM and counts it
#   notified  for comparison, getppid SCMP_ACT_NOTIFY and a supervisor rule
#             that denies it: the round trip of any supervisor decision
#
# plus the loop with no filter at all (bare). Repetitions are interleaved,
# and every ratio is of medians from the same run, so the load of a shared
# machine falls on every row alike. Each explain run must list exactly N
# refusals of getppid, and every run must exit 0, or the script fails.
#
#   bench/explain.sh [--build-dir DIR] [--reps K] [--calls N] [--check]
#
#   --build-dir DIR  the CMake build directory holding scmp-super and
#                    tests/try (default: SOURCE/build).
#   --reps K         repetitions of every row (default 7).
#   --calls N        refused calls per run (default 200000).
#   --check          one repetition of 1000 calls: does every row run?

set -u -o pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench_lib.sh
. "$SOURCE_DIR/bench/bench_lib.sh"
BUILD_DIR=$SOURCE_DIR/build
REPS=7
CALLS=200000

usage() {
        sed -n '19,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($#)); do
        case $1 in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --calls) CALLS=$2; shift 2 ;;
        --check) REPS=1; CALLS=1000; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
        esac
done

SUPER=$BUILD_DIR/scmp-super
TRY=$BUILD_DIR/tests/try
for f in "$SUPER" "$TRY"; do
        if [ ! -x "$f" ]; then
                echo "bench/explain.sh: $f is not built (cmake --build $BUILD_DIR)" >&2
                exit 2
        fi
done

WORK=$(mktemp -d /tmp/scmp-super-explain.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/refuse.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 } ] }
JSON
cat >"$WORK/notify.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["getppid"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "defaultAction": "deny" } }
JSON

ROWS=(bare kernel explain notified)
command_for() {
        case $1 in
        bare) echo "$TRY getppid-loop $CALLS" ;;
        kernel) echo "$SUPER run --policy $WORK/refuse.json -- $TRY getppid-loop $CALLS" ;;
        explain) echo "$SUPER run --explain --policy $WORK/refuse.json -- $TRY getppid-loop $CALLS" ;;
        notified) echo "$SUPER run --policy $WORK/notify.json -- $TRY getppid-loop $CALLS" ;;
        esac
}

# One run of a row: its wall time in ns appended to $WORK/ROW.
run_row() {
        local row=$1 start end
        local -a cmd
        read -r -a cmd <<<"$(command_for "$row")"
        start=$(date +%s%N)
        "${cmd[@]}" >"$WORK/out" 2>"$WORK/err" </dev/null
        local status=$?
        end=$(date +%s%N)
        if [ "$status" != 0 ]; then
                echo "bench/explain.sh: row $row: exit status $status" >&2
                cat "$WORK/err" >&2
                exit 1
        fi
        if [ "$row" = explain ] &&
                ! grep -Eq "^  getppid +EPERM +$CALLS  " "$WORK/err"; then
                echo "bench/explain.sh: row explain: the list does not show $CALLS refusals" >&2
                cat "$WORK/err" >&2
                exit 1
        fi
        echo $((end - start)) >>"$WORK/$row"
}


for ((rep = 0; rep < REPS; rep++)); do
        for row in "${ROWS[@]}"; do
                run_row "$row"
        done
done

declare -A MED
for row in "${ROWS[@]}"; do
        MED[$row]=$(median "$WORK/$row")
done

echo "bench/explain.sh: $CALLS refused getppid calls per run, median of $REPS, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %12s %12s %12s\n' row ms ns/call "vs kernel"
for row in "${ROWS[@]}"; do
        awk -v row="$row" -v m="${MED[$row]}" -v k="${MED[kernel]}" -v n="$CALLS" \
                'BEGIN {printf "%-10s %12.1f %12.0f %12.2f\n", row, m / 1e6, m / n, m / k}'
done
awk -v e="${MED[explain]}" -v k="${MED[kernel]}" -v n="$CALLS" \
        'BEGIN {printf "--explain adds %.0f ns per refused call\n", (e - k) / n}'
