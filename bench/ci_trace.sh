#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/ci_trace.sh: what `scmp-super trace` costs on what CI runs, a job of
# many short processes rather than one compile: configure a copy of this
# source tree into a fresh build directory, build a few unit tests with -j2
# (and the libraries they link) and run them with ctest. Hundreds of
# processes and several hundred thousand system calls. The job runs
# untraced, under `scmp-super trace` without a base profile (every call of
# the whole tree is a notified round trip: the worst case), under trace
# with Docker's default profile as the base (only what Docker's profile
# does not name is notified), and under `strace -f -o /dev/null`; the
# repetitions are interleaved (every row, then again), so drift of a shared
# machine hits every row alike. Medians of the wall time and of the CPU time
# of the whole tree (tracer included; far less disturbed by other work on a
# shared machine), and ratios against the untraced medians of the same run.
# The goals are judged on the wall time. bench/run.sh --ci-trace runs it too.
#
#   bench/ci_trace.sh [--build-dir DIR] [--reps K] [--tests "A B..."]
#                     [--compare DIR] [--markdown] [--keep WORKDIR] [--check]
#
#   --build-dir DIR  the CMake build directory holding scmp-super (default:
#                    SOURCE/build; built there if missing).
#   --reps K         repetitions of every row (default 3; the untraced job
#                    takes about 25 s on 2 shared CPUs).
#   --tests "A B"    the unit tests the job builds and runs (default
#                    "glob decide text": every one links the supervisor's
#                    libraries, so the job compiles most of the tree).
#   --compare DIR    also run both trace rows with DIR/scmp-super (another
#                    build, say of the commit before a change), interleaved
#                    with the rest: before and after in one run.
#   --markdown       print the table as Markdown.
#   --keep WORKDIR   keep the copy, the logs and the values in WORKDIR.
#   --check          one repetition of a trivial job (cmake --version, the
#                    C preprocessor on an empty file): does every row run?
#                    Times nothing worth reading.
#
# Goals (issue 16): with Docker's default as the base, <= 1.3x untraced;
# without a base, the time trace adds <= 0.3x of what strace -f adds.
# Exit status: 0; 1 if a row failed (the job failed, under any tool);
# 2 on bad usage or when scmp-super cannot be built.

set -u -o pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$SOURCE_DIR/build
DOCKER_PROFILE=${DOCKER_PROFILE:-/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json}
COMMAND_LINE="bench/ci_trace.sh${*:+ $*}"
REPS=3
TESTS="glob decide text"
COMPARE=
MARKDOWN=0
KEEP=
CHECK=0

usage() {
        sed -n '17,35p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($#)); do
        case $1 in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --tests) TESTS=$2; shift 2 ;;
        --compare) COMPARE=$2; shift 2 ;;
        --markdown) MARKDOWN=1; shift ;;
        --keep) KEEP=$2; shift 2 ;;
        --check) CHECK=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
        esac
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }
((CHECK)) && REPS=1

# shellcheck source=bench_lib.sh
. "$SOURCE_DIR/bench/bench_lib.sh"

for tool in cmake ctest strace python3; do
        command -v "$tool" >/dev/null || { say "bench/ci_trace.sh: $tool is not installed"; exit 2; }
done
if [[ ! -x $BUILD_DIR/scmp-super ]]; then
        cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" >/dev/null &&
                cmake --build "$BUILD_DIR" -j2 --target scmp-super >/dev/null ||
                { say "bench/ci_trace.sh: scmp-super does not build in $BUILD_DIR"; exit 2; }
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
SCMP_SUPER=$BUILD_DIR/scmp-super
CMP_SUPER=
if [[ -n $COMPARE ]]; then
        CMP_SUPER=$(cd "$COMPARE" 2>/dev/null && pwd)/scmp-super
        [[ -x $CMP_SUPER ]] || { say "--compare $COMPARE: no scmp-super there"; exit 2; }
fi
DOCKER_OK=0
[[ -r $DOCKER_PROFILE ]] && DOCKER_OK=1

if [[ -n $KEEP ]]; then
        WORK=$KEEP
        mkdir -p "$WORK"
        rm -rf "$WORK"/*.vals "$WORK"/*.log "$WORK"/*.failed "$WORK"/src "$WORK"/job
else
        WORK=$(mktemp -d /tmp/scmp-ci-trace.XXXXXX)
        trap 'rm -rf "$WORK"' EXIT
fi
WORK=$(cd "$WORK" && pwd)

# The copy: the files git knows, as they are in the work tree, so the job
# builds what this checkout would (uncommitted edits included) and nothing
# that an earlier build left in it. --check's job needs none.
mkdir -p "$WORK/src"
if ((!CHECK)) && ! (cd "$SOURCE_DIR" && git ls-files -z | xargs -0 cp --parents -t "$WORK/src") 2>"$WORK/copy.log"; then
        say "bench/ci_trace.sh: copying the source tree failed: $(tail -1 "$WORK/copy.log")"
        exit 2
fi

# The job, as one shell command: a fresh build directory every time.
# Debug without -g: what a CI job that only tests compiles, and quicker.
targets=() regex=
for t in $TESTS; do
        targets+=("test_$t")
        regex+="${regex:+|}test_$t"
done
if ((CHECK)); then
        JOB="cmake --version >/dev/null && cc -E -x c /dev/null >/dev/null"
else
        JOB="cmake -S src -B job -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-g0 >/dev/null &&
             cmake --build job -j2 --target ${targets[*]} >/dev/null &&
             ctest --test-dir job -R 'unit/($regex)\$' >/dev/null"
fi

ROWS=()
declare -A LABEL REFOF GOAL CMD
row() { # id ref goal label -- command words
        local id=$1
        REFOF[$id]=$2 GOAL[$id]=$3 LABEL[$id]=$4
        shift 5
        CMD[$id]=$(printf '%q ' "$@")
        ROWS+=("$id")
}
row un - - "job untraced" -- bash -c "$JOB"
row strace un - "job under strace -f -o /dev/null" -- strace -f -o /dev/null bash -c "$JOB"
row trace un - "job under scmp-super trace, no base" -- \
        "$SCMP_SUPER" trace -q -o "$WORK/trace.json" -r "$WORK/report.json" -- bash -c "$JOB"
if ((DOCKER_OK)); then
        row trace_docker un le:1.3 "job under trace, Docker's default as base" -- \
                "$SCMP_SUPER" trace -q -p "$DOCKER_PROFILE" -o "$WORK/trace-docker.json" -- \
                bash -c "$JOB"
fi
if [[ -n $CMP_SUPER ]]; then
        row trace_cmp un - "trace, no base, compared build" -- \
                "$CMP_SUPER" trace -q -o "$WORK/trace-cmp.json" -- bash -c "$JOB"
        if ((DOCKER_OK)); then
                row trace_docker_cmp un - "trace, Docker's base, compared build" -- \
                        "$CMP_SUPER" trace -q -p "$DOCKER_PROFILE" -o "$WORK/trace-cmp.json" -- \
                        bash -c "$JOB"
        fi
fi

# Wall time, and the CPU time of the whole tree (user + system of every
# process reaped, the tracer's included: `times` in the subshell that ran
# it), which a machine busy with other work disturbs far less.
run_row() {
        local id=$1 t0 t1 cpu
        rm -rf "$WORK/job"
        sync -f "$WORK" 2>/dev/null
        t0=$(date +%s%N)
        if (cd "$WORK" && eval "${CMD[$id]}" && times >"$WORK/times") >>"$WORK/$id.log" 2>&1; then
                t1=$(date +%s%N)
                echo $(((t1 - t0) / 1000000)) >>"$WORK/$id.vals"
                # The second line: children's "XmY.YYYs XmY.YYYs".
                cpu=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m")
                        t += p[1] * 60 + p[2] }; printf "%d", t * 1000 }' "$WORK/times")
                echo "$cpu" >>"$WORK/$id.cpu"
        else
                echo "the job failed (see $id.log)" >"$WORK/$id.failed"
        fi
}

if ((CHECK)); then what="cmake --version, cc -E"; else what="configure, build and run test_${TESTS// / test_}"; fi
say "ci_trace: ${#ROWS[@]} rows x $REPS repetitions; job: $what"
started=$SECONDS
load_start=$(cut -d' ' -f1 /proc/loadavg)
for ((rep = 1; rep <= REPS; rep++)); do
        for id in "${ROWS[@]}"; do
                [[ -e $WORK/$id.failed ]] && continue
                run_row "$id"
        done
        say "  repetition $rep/$REPS done ($((SECONDS - started)) s)"
done

spread() { # file median -> (max - min) / median
        sort -g "$1" | awk -v m="$2" '{ v[NR] = $1 }
                END { if (m == 0) { print "-"; exit }; printf "%.0f%%", (v[NR] - v[1]) / m * 100 }'
}

declare -A MED CPU
status=0
for id in "${ROWS[@]}"; do
        if [[ -s $WORK/$id.vals && ! -e $WORK/$id.failed ]]; then
                MED[$id]=$(median "$WORK/$id.vals")
                CPU[$id]=$(median "$WORK/$id.cpu")
        else
                status=1
        fi
done

# What the job is: the trace report's count of the calls it saw (every
# call, no base) and the programs it executed.
size=$(python3 - "$WORK/report.json" <<'PYEND' 2>/dev/null
import json, sys
r = json.load(open(sys.argv[1]))
execs = sum(s["count"] for s in r["syscalls"] if s["name"] in ("execve", "execveat"))
forks = sum(s["count"] for s in r["syscalls"] if s["name"] in ("clone", "clone3", "fork", "vfork"))
print("%d calls, %d execs, %d clones (one traced run)" % (r["totals"]["calls"], execs, forks))
PYEND
)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="$(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)"
source=$(git -C "$SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)
run="reps=$REPS, tests: $TESTS, source $source, $((SECONDS - started)) s"
load="$load_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end"
if ((MARKDOWN)); then
        printf -- '- command: `%s`\n- machine: %s\n- run: %s\n- job: %s\n- load: %s\n\n' \
                "$COMMAND_LINE" "$machine" "$run" "${size:-?}" "$load"
        printf '| row | wall | range | vs untraced | goal | result | CPU | vs untraced |\n'
        printf '|---|---:|---:|---:|---|---|---:|---:|\n'
else
        printf 'command: %s\nmachine: %s\nrun: %s\njob: %s\nload: %s\n\n' \
                "$COMMAND_LINE" "$machine" "$run" "${size:-?}" "$load"
        FMT='%-62s %9s %6s %8s %8s  %-6s %9s %8s\n'
        # shellcheck disable=SC2059
        printf "$FMT" row wall range "vs un" goal result CPU "vs un"
fi
for id in "${ROWS[@]}"; do
        m=${MED[$id]:-} ratio='' goal='' verdict='' cratio=''
        if [[ -z $m ]]; then
                line "${LABEL[$id]}" FAILED "" "" "" "$(cat "$WORK/$id.failed" 2>/dev/null)" "" ""
                continue
        fi
        if [[ ${REFOF[$id]} != - && -n ${MED[${REFOF[$id]}]:-} ]]; then
                ratio=$(awk -v a="$m" -v b="${MED[${REFOF[$id]}]}" 'BEGIN { printf "%.2fx", a / b }')
                cratio=$(awk -v a="${CPU[$id]}" -v b="${CPU[${REFOF[$id]}]}" \
                        'BEGIN { printf(b > 0 ? "%.2fx" : "-", a / (b > 0 ? b : 1)) }')
        fi
        if [[ ${GOAL[$id]} == le:* ]]; then
                goal="<= ${GOAL[$id]#le:}x"
                verdict=$(awk -v r="${ratio%x}" -v g="${GOAL[$id]#le:}" \
                        'BEGIN { print (r != "" && r <= g) ? "pass" : "FAIL" }')
        fi
        line "${LABEL[$id]}" "$(awk -v m="$m" 'BEGIN { printf "%.2f s", m / 1000 }')" \
                "$(spread "$WORK/$id.vals" "$m")" "$ratio" "$goal" "$verdict" \
                "$(awk -v m="${CPU[$id]}" 'BEGIN { printf "%.2f s", m / 1000 }')" "$cratio"
done
# The share of strace's added time that trace adds, from the medians.
for id in trace trace_cmp; do
        [[ -n ${MED[$id]:-} && -n ${MED[un]:-} && -n ${MED[strace]:-} ]] || continue
        share=$(awk -v t="${MED[$id]}" -v u="${MED[un]}" -v s="${MED[strace]}" \
                'BEGIN { if (s > u) printf "%.2fx", (t - u) / (s - u); else print "n/a" }')
        cshare=$(awk -v t="${CPU[$id]}" -v u="${CPU[un]}" -v s="${CPU[strace]}" \
                'BEGIN { if (s > u) printf "%.2fx", (t - u) / (s - u); else print "n/a" }')
        added=$(awk -v t="${MED[$id]}" -v u="${MED[un]}" 'BEGIN { printf "%+.2f s", (t - u) / 1000 }')
        # Traced faster than untraced is noise, not a pass.
        verdict=$(awk -v r="${share%x}" 'BEGIN { print r == "n/a" ? "n/a" : r < 0 ? "n/a (noise)" : r <= 0.3 ? "pass" : "FAIL" }')
        [[ $id == trace_cmp ]] && goal='-' verdict='' || goal='<= 0.3x'
        line "${LABEL[$id]}: added / strace's added" "$added" "" "$share" "$goal" "$verdict" \
                "$(awk -v t="${CPU[$id]}" -v u="${CPU[un]}" 'BEGIN { printf "%+.2f s", (t - u) / 1000 }')" \
                "$cshare"
done
exit $status
