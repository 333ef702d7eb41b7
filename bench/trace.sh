#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/trace.sh: what recording costs. Real workloads run untraced, under
# `scmp-super trace` (no base profile, so every syscall of the whole tree
# goes to the supervisor: the worst case) and under `strace -f -o /dev/null`,
# the tool people reach for otherwise; plus `scmp-super run` enforcing the
# profile the trace wrote. Prints the median of every row and the ratios,
# all measured in the same run, with repetitions interleaved so drift of a
# shared machine hits every row alike. bench/run.sh measures the gcc -O2 and
# python3 rows too (its section 5), next to every other benchmark; this
# script adds the other workloads and the enforcing run.
#
#   bench/trace.sh [--build-dir DIR] [--reps K] [--pin CPUS] [--markdown] [--check]
#
#   --build-dir DIR  the CMake build directory holding scmp-super (default:
#                    SOURCE/build; built there if missing).
#   --reps K         repetitions of every row (default 9).
#   --pin CPUS       run every command under taskset -c CPUS (0: supervisor,
#                    target and strace share one CPU, which on a VM avoids
#                    costly wake-ups of an idle virtual CPU).
#   --markdown       print the table as Markdown.
#   --check          one repetition, to see that every row runs.
#
# Columns: the medians; trace/un and trace/st, the ratios of the medians;
# added/st, the time trace adds over untraced as a share of what strace -f
# adds, which is the fair comparison where a workload's own CPU time
# dominates both. Goals (docs/TRACE.md): trace/untraced <= 1.6,
# trace/strace <= 0.5.

set -u -o pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$SOURCE_DIR/build
REPS=9
PIN=
MARKDOWN=0
CHECK=0

usage() {
        sed -n '14,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($#)); do
        case $1 in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --pin) PIN=$2; shift 2 ;;
        --markdown) MARKDOWN=1; shift ;;
        --check) CHECK=1; REPS=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
        esac
done

say() { printf '%s\n' "$*" >&2; }

SCMP_SUPER=$BUILD_DIR/scmp-super
if [[ ! -x $SCMP_SUPER ]]; then
        say "building scmp-super in $BUILD_DIR"
        if ! cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ||
                ! cmake --build "$BUILD_DIR" -j"$(nproc)" --target scmp-super >/dev/null; then
                say "bench/trace.sh: building scmp-super failed"
                exit 1
        fi
fi
for tool in gcc python3 strace; do
        command -v "$tool" >/dev/null || { say "bench/trace.sh: $tool is not installed"; exit 1; }
done

WORK=$(mktemp -d /tmp/scmp-trace-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The interpreter itself, not a wrapper script (pyenv's shim) around it.
PY=$(python3 -c 'import sys; print(sys.executable)')
cat >"$WORK/hello.c" <<'EOF'
#include <stdio.h>
int main(void)
{
        puts("hello");
        return 0;
}
EOF

# name|command, run by bash -c with $WORK, $PY and $SOURCE_DIR exported.
# shellcheck disable=SC2016 # expanded by that bash
WORKLOADS=(
        'gcc -O2 -c (policy/profile_oci.c)|gcc -O2 -D_GNU_SOURCE -I"$SOURCE_DIR/policy" -c "$SOURCE_DIR/policy/profile_oci.c" -o "$WORK/profile.o"'
        'gcc hello.c (compile and link)|gcc -o "$WORK/hello" "$WORK/hello.c"'
        'python3 import-heavy|"$PY" -c "import json, ssl, sqlite3, asyncio, decimal, email.mime.multipart, http.client, xml.etree.ElementTree, unittest, argparse, logging, subprocess, tarfile, zipfile, csv, urllib.request"'
        'shell loop, 100 processes|for i in $(seq 100); do sed -n 1p /etc/passwd; done'
)
N_REAL=${#WORKLOADS[@]}
# The cost of one call, where nothing else costs anything: the benchmark
# target from bench/ (built by the same CMake build) making getppid.
if [[ -x $BUILD_DIR/bench/loop_target ]]; then
        LOOP_TARGET=$BUILD_DIR/bench/loop_target
        export LOOP_TARGET
        # shellcheck disable=SC2016 # expanded by bash -c
        WORKLOADS+=('100000 getppid calls|"$LOOP_TARGET" --calls 100000 --syscall getppid')
else
        say "bench/trace.sh: $BUILD_DIR/bench/loop_target not built; no per-call row"
fi
MODES=(untraced trace strace run)
export WORK PY SOURCE_DIR

# One timed execution; prints milliseconds. $EPOCHREALTIME costs no process.
time_one() {
        local mode=$1 cmd=$2 start end
        local pin=()
        [[ -n $PIN ]] && pin=(taskset -c "$PIN")
        start=$EPOCHREALTIME
        case $mode in
        untraced) "${pin[@]}" bash -c "$cmd" ;;
        trace) "${pin[@]}" "$SCMP_SUPER" trace -q -o "$WORK/recorded.json" -- bash -c "$cmd" ;;
        strace) "${pin[@]}" strace -f -o /dev/null bash -c "$cmd" ;;
        run) "${pin[@]}" "$SCMP_SUPER" run --policy "$WORK/profile.$3.json" -- bash -c "$cmd" ;;
        esac >/dev/null 2>"$WORK/stderr" || {
                say "bench/trace.sh: $mode: $cmd failed:"
                cat "$WORK/stderr" >&2
                return 1
        }
        end=$EPOCHREALTIME
        # Microseconds from the two decimal timestamps, then milliseconds.
        local us=$((10#${end/./} - 10#${start/./}))
        printf '%d.%03d\n' $((us / 1000)) $((us % 1000))
}

median() {
        sort -n | awk '{ v[NR] = $1 } END {
                if (NR == 0) { print "nan"; exit }
                if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Warm-up: caches, Python's bytecode files, and the profile each workload's
# enforcing row runs under (recorded here, once).
for i in "${!WORKLOADS[@]}"; do
        cmd=${WORKLOADS[$i]#*|}
        bash -c "$cmd" >/dev/null 2>&1 || { say "bench/trace.sh: workload failed: $cmd"; exit 1; }
        "$SCMP_SUPER" trace -q -o "$WORK/profile.$i.json" -- bash -c "$cmd" >/dev/null 2>&1 ||
                { say "bench/trace.sh: tracing failed: $cmd"; exit 1; }
done

say "bench/trace.sh: $REPS repetitions of ${#WORKLOADS[@]} workloads x ${#MODES[@]} modes"
for ((rep = 1; rep <= REPS; rep++)); do
        for i in "${!WORKLOADS[@]}"; do
                cmd=${WORKLOADS[$i]#*|}
                for mode in "${MODES[@]}"; do
                        ms=$(time_one "$mode" "$cmd" "$i") || exit 1
                        echo "$ms" >>"$WORK/$i.$mode"
                done
        done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
# (trace - untraced) / (strace - untraced)
added() {
        awk -v t="$1" -v u="$2" -v s="$3" \
                'BEGIN { if (s - u > 0) printf "%.2fx", (t - u) / (s - u); else print "n/a" }'
}
verdict() { awk -v r="${1%x}" -v g="$2" 'BEGIN { print (r <= g) ? "ok" : "MISSED" }'; }

printf '# scmp-super trace: medians of %d runs; %s, %d CPUs, Linux %s, %s%s\n' "$REPS" \
        "$(uname -m)" "$(nproc)" "$(uname -r)" "${PIN:+pinned to CPU $PIN, }" \
        "$(git -C "$SOURCE_DIR" rev-parse --short HEAD 2>/dev/null || echo 'no git')"
if ((MARKDOWN)); then
        echo "| workload | untraced | trace | strace -f | run (recorded) | trace/untraced | trace/strace | added/strace's |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
else
        printf '%-34s %10s %10s %10s %10s %9s %9s %9s\n' workload untraced trace "strace -f" \
                "run" "trace/un" "trace/st" "added/st"
fi
worst_untraced=0
worst_strace=0
for i in "${!WORKLOADS[@]}"; do
        name=${WORKLOADS[$i]%%|*}
        m_untraced=$(median <"$WORK/$i.untraced")
        m_trace=$(median <"$WORK/$i.trace")
        m_strace=$(median <"$WORK/$i.strace")
        m_run=$(median <"$WORK/$i.run")
        r_untraced=$(ratio "$m_trace" "$m_untraced")
        r_strace=$(ratio "$m_trace" "$m_strace")
        r_added=$(added "$m_trace" "$m_untraced" "$m_strace")
        # The per-call row is a microbenchmark, not a workload: it says what
        # one call costs, and the goals are about workloads.
        if ((i < N_REAL)); then
                worst_untraced=$(awk -v a="$worst_untraced" -v b="${r_untraced%x}" \
                        'BEGIN { print (b > a) ? b : a }')
                worst_strace=$(awk -v a="$worst_strace" -v b="${r_strace%x}" \
                        'BEGIN { print (b > a) ? b : a }')
        else
                per_call=$(awk -v t="$m_trace" -v u="$m_untraced" -v s="$m_strace" \
                        'BEGIN { printf "%.2f us traced, %.2f us under strace -f", (t - u) * 10 / 1000, (s - u) * 10 / 1000 }')
        fi
        if ((MARKDOWN)); then
                printf '| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %s | %s |\n' "$name" \
                        "$m_untraced" "$m_trace" "$m_strace" "$m_run" "$r_untraced" "$r_strace" \
                        "$r_added"
        else
                printf '%-34s %7.1f ms %7.1f ms %7.1f ms %7.1f ms %9s %9s %9s\n' "$name" \
                        "$m_untraced" "$m_trace" "$m_strace" "$m_run" "$r_untraced" "$r_strace" \
                        "$r_added"
        fi
done
if [[ -n ${per_call:-} ]]; then
        echo "# one call costs $per_call"
fi
printf '# workloads: worst trace/untraced %sx (goal <= 1.6: %s), worst trace/strace %sx (goal <= 0.5: %s)\n' \
        "$worst_untraced" "$(verdict "$worst_untraced" 1.6)" \
        "$worst_strace" "$(verdict "$worst_strace" 0.5)"
if ((CHECK)); then
        echo "# --check: one repetition; the numbers mean nothing"
fi
