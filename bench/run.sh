#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh: build the benchmark programs, run every row K times and print
# one table of medians, each with its ratio against a reference measured in
# the same run. See docs/PERFORMANCE.md for the method and what each row means.
#
#   bench/run.sh [--build-dir DIR] [--reps K] [--scale F] [--threads T]
#                [--pin CPUS] [--markdown] [--keep WORKDIR] [--check]
#
#   --build-dir DIR  use this CMake build directory (bench programs in
#                    DIR/bench, scmp-super in DIR); default: configure and
#                    build SOURCE/build-bench.
#   --reps K         repetitions of every row (default 7). Repetitions are
#                    interleaved (row 1..n, then again), so slow drift of a
#                    shared machine hits every row alike.
#   --scale F        multiply the calls per run (default 1).
#   --threads T      threads in the target for the per-call rows (default 1).
#   --pin CPUS       run every command under taskset -c CPUS (e.g. 0: the
#                    supervisor and the target share one CPU).
#   --markdown       print the table as Markdown.
#   --keep WORKDIR   keep raw values and logs in WORKDIR.
#   --check          one quick repetition with few calls: does every row run?
#                    Exits 1 if a row that does not need scmp-super fails.
#                    Used by ctest; it times nothing worth reading.
#
# Rows that need `scmp-super run` print "n/a (scmp-super run not built)" as
# long as DIR/scmp-super is missing or cannot run /bin/true.

set -u -o pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROFILES=$SOURCE_DIR/bench/profiles
DOCKER_PROFILE=${DOCKER_PROFILE:-/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json}

BUILD_DIR=
REPS=7
SCALE=1
THREADS=1
PIN=
MARKDOWN=0
KEEP=
CHECK=0

usage() {
        sed -n '7,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($#)); do
        case $1 in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --pin) PIN=$2; shift 2 ;;
        --markdown) MARKDOWN=1; shift ;;
        --keep) KEEP=$2; shift 2 ;;
        --check) CHECK=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
        esac
done
if ((CHECK)); then
        REPS=1
        SCALE=0.01
fi

say() { printf '%s\n' "$*" >&2; }

if [[ -n $KEEP ]]; then
        WORK=$KEEP
        mkdir -p "$WORK"
        rm -f "$WORK"/*.vals "$WORK"/*.log "$WORK"/*.failed
else
        WORK=$(mktemp -d /tmp/scmp-bench.XXXXXX)
        trap 'rm -rf "$WORK"' EXIT
fi

# ---------------------------------------------------------------- building

BENCH_PROGRAMS=(loop_target ref_supervisor filter_exec)

have_programs() {
        local p
        for p in "${BENCH_PROGRAMS[@]}"; do
                [[ -x $1/$p ]] || return 1
        done
}

# Compiles the three programs without CMake, for when the tree as a whole does
# not configure (other parts mid-edit); they depend on nothing in the tree.
build_standalone() {
        local out=$1 p
        mkdir -p "$out"
        for p in "${BENCH_PROGRAMS[@]}"; do
                # shellcheck disable=SC2046
                cc -std=gnu11 -O2 -D_GNU_SOURCE -Wall -Wextra -o "$out/$p" \
                        "$SOURCE_DIR/bench/$p.c" \
                        $(pkg-config --cflags --libs libseccomp libcjson) -pthread || return 1
        done
}

if [[ -n $BUILD_DIR ]]; then
        BUILD_DIR=$(cd "$BUILD_DIR" && pwd) || exit 2
        BENCH_BIN=$BUILD_DIR/bench
        if ! have_programs "$BENCH_BIN"; then
                cmake --build "$BUILD_DIR" --target "${BENCH_PROGRAMS[@]}" >"$WORK/build.log" 2>&1 ||
                        { cat "$WORK/build.log" >&2; exit 2; }
        fi
else
        BUILD_DIR=$SOURCE_DIR/build-bench
        BENCH_BIN=$BUILD_DIR/bench
        say "building in $BUILD_DIR"
        if cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" >"$WORK/build.log" 2>&1 &&
                cmake --build "$BUILD_DIR" -j2 --target "${BENCH_PROGRAMS[@]}" >>"$WORK/build.log" 2>&1; then
                # scmp-super is optional: its rows say n/a when it does not build.
                cmake --build "$BUILD_DIR" -j2 --target scmp-super >>"$WORK/build.log" 2>&1 ||
                        say "scmp-super does not build (yet); its rows will say n/a"
        else
                say "the CMake build failed (see below); compiling the benchmark programs alone"
                tail -5 "$WORK/build.log" >&2
                BENCH_BIN=$BUILD_DIR/bench-standalone
                build_standalone "$BENCH_BIN" || exit 2
        fi
fi
have_programs "$BENCH_BIN" || { say "benchmark programs missing in $BENCH_BIN"; exit 2; }

LOOP=$BENCH_BIN/loop_target
REF=$BENCH_BIN/ref_supervisor
FEXEC=$BENCH_BIN/filter_exec
SCMP_SUPER=$BUILD_DIR/scmp-super
TRUE_BIN=$(command -v true)
[[ $TRUE_BIN == /* ]] || TRUE_BIN=/bin/true

SCMP_OK=0
SCMP_WHY="n/a (scmp-super run not built)"
if [[ -x $SCMP_SUPER ]] &&
        timeout 20 "$SCMP_SUPER" run --policy "$PROFILES/notify-getppid.json" -- "$TRUE_BIN" \
                >"$WORK/scmp-probe.log" 2>&1; then
        SCMP_OK=1
elif [[ -x $SCMP_SUPER ]]; then
        say "scmp-super exists but 'run' failed on /bin/true: $(tail -1 "$WORK/scmp-probe.log")"
fi
DOCKER_OK=0
[[ -r $DOCKER_PROFILE ]] && DOCKER_OK=1

# ---------------------------------------------------------------- the rows
#
# row ID KIND REF GOAL NEEDS CALLS LABEL -- COMMAND...
#   KIND   ns (loop_target's ns_per_call) or ms (start-up, wall time)
#   REF    the row this one is divided by; "b|a" means b, or a if b is n/a
#          (the goal is then not judged)
#   GOAL   le:X (ratio <= X), ge:X (ratio >= X), addms:X (added ms <= X), or -
#   NEEDS  - or scmp (needs scmp-super run) or docker (needs the Docker profile)
#   CALLS  calls per thread at --scale 1 ("-" for ms rows); chosen so a run
#          takes 0.1-0.5 s here
# The command may use @CALLS@, replaced by the scaled number.

ROWS=()
declare -A KIND REFOF GOAL NEEDS CALLS LABEL CMD

row() {
        local id=$1
        KIND[$id]=$2 REFOF[$id]=$3 GOAL[$id]=$4 NEEDS[$id]=$5 CALLS[$id]=$6 LABEL[$id]=$7
        shift 8 # the seven fields and "--"
        if [[ -n $PIN ]]; then
                CMD[$id]=$(printf '%q ' taskset -c "$PIN" "$@")
        else
                CMD[$id]=$(printf '%q ' "$@")
        fi
        ROWS+=("$id")
}

T="--threads $THREADS --calls @CALLS@"
OPEN_GLOBS=(--path-glob /dev/null --path-glob /etc/ld.so.cache --path-glob '/lib/*' --path-glob '/usr/lib/*')

row bare ns - - - 1000000 "bare getppid, no filter (floor)" -- $LOOP $T
row allow ns bare - - 1000000 "getppid under an allow filter (kernel only)" -- \
        $FEXEC --allow-one getppid -- $LOOP $T
row a ns bare - - 100000 "a: ref supervisor, getppid, CONTINUE" -- $REF -- $LOOP $T
row a_plain ns a - - 10000 "ref supervisor without SYNC_WAKE_UP" -- $REF --plain -- $LOOP $T
row b ns a le:1.15 scmp 50000 "b: scmp-super, allow rule on getppid" -- \
        $SCMP_SUPER run --policy "$PROFILES/notify-getppid.json" -- $LOOP $T
row d ns a le:1.3 scmp 50000 "d: b with --log FILE" -- \
        $SCMP_SUPER run --policy "$PROFILES/notify-getppid.json" --log "$WORK/scmp.log" -- $LOOP $T
# Two target threads against the one-threaded supervisors: calls queue up and
# the wake-up mode matters more.
T2="--threads 2 --calls @CALLS@"
row a_2t ns a - - 50000 "ref supervisor, 2 target threads" -- $REF -- $LOOP $T2
row a_plain_2t ns a_2t - - 10000 "ref supervisor, 2 target threads, no SYNC_WAKE_UP" -- \
        $REF --plain -- $LOOP $T2
row b_2t ns a_2t - scmp 20000 "scmp-super, 2 target threads" -- \
        $SCMP_SUPER run --policy "$PROFILES/notify-getppid.json" -- $LOOP $T2
row strace ns "b|a" ge:15 - 5000 "strace -f -e trace=getppid" -- \
        strace -f -e trace=getppid -o /dev/null $LOOP $T
# strace at its best: tracer and tracee on one CPU never wait for a wake-up
# on the other, which on this virtual machine can cost tens of microseconds.
row strace_1cpu ns "b|a" - - 5000 "strace -f, tracer and target on one CPU" -- \
        taskset -c 0 strace -f -e trace=getppid -o /dev/null $LOOP $T

row bare_open ns - - - 200000 "bare openat /dev/null + close, no filter" -- \
        $LOOP $T --syscall openat-path
row a_open ns bare_open - - 50000 "ref supervisor, openat, CONTINUE" -- \
        $REF --syscall openat -- $LOOP $T --syscall openat-path
row a_open_path ns a_open - - 50000 "ref supervisor, openat, read path + glob" -- \
        $REF --syscall openat "${OPEN_GLOBS[@]}" -- $LOOP $T --syscall openat-path
row c ns a_open le:1.5 scmp 20000 "c: scmp-super, path rule on openat" -- \
        $SCMP_SUPER run --policy "$PROFILES/notify-openat-path.json" -- \
        $LOOP $T --syscall openat-path

# Docker's default profile, kernel only. faccessat2 sits early in the linear
# filter, getpid late; both are allowed unconditionally, which the kernel
# caches per syscall (Linux 5.11), so neither runs the filter. personality
# has argument rules and comes last: every call runs the whole filter.
for s in faccessat2-path:early getpid:late personality-query:worst; do
        name=${s%%:*} where=${s##*:}
        row "bare_$where" ns - - - 1000000 "bare $name, no filter" -- $LOOP $T --syscall "$name"
        row "docker_${where}_linear" ns "bare_$where" le:1.2 docker 1000000 \
                "Docker default, $name ($where), linear" -- \
                $FEXEC --profile "$DOCKER_PROFILE" --binary-tree off -- $LOOP $T --syscall "$name"
        row "docker_${where}_tree" ns "bare_$where" le:1.2 docker 1000000 \
                "Docker default, $name ($where), binary tree" -- \
                $FEXEC --profile "$DOCKER_PROFILE" --binary-tree on -- $LOOP $T --syscall "$name"
done

row true_bare ms - - - - "start-up: /bin/true" -- "$TRUE_BIN"
row true_docker ms true_bare - docker - "start-up: Docker filter, no cache + /bin/true" -- \
        $FEXEC --profile "$DOCKER_PROFILE" -- "$TRUE_BIN"
row true_docker_native ms true_bare - docker - "start-up: same, x86-64 section only" -- \
        $FEXEC --profile "$DOCKER_PROFILE" --native-only -- "$TRUE_BIN"
row true_ref ms true_bare - - - "start-up: ref supervisor + /bin/true" -- $REF -- "$TRUE_BIN"
row true_scmp ms true_bare addms:3 scmp - "start-up: scmp-super run --policy default.json" -- \
        $SCMP_SUPER run --policy "$DOCKER_PROFILE" -- "$TRUE_BIN"

# ---------------------------------------------------------------- running

available() { # id -> 0 if the row can run
        case ${NEEDS[$1]} in
        scmp) ((SCMP_OK)) ;;
        docker) ((DOCKER_OK)) ;;
        *) true ;;
        esac
}

why_not() {
        case ${NEEDS[$1]} in
        scmp) echo "$SCMP_WHY" ;;
        docker) echo "n/a (no $DOCKER_PROFILE)" ;;
        esac
}

scaled_calls() {
        awk -v c="$1" -v s="$SCALE" 'BEGIN { n = int(c * s); if (n < 100) n = 100; print n }'
}

run_ns_row() {
        local id=$1 calls cmd out value
        calls=$(scaled_calls "${CALLS[$id]}")
        cmd=${CMD[$id]//@CALLS@/$calls}
        # Row d appends a line per call; a fresh file keeps every repetition
        # alike and /tmp small.
        rm -f "$WORK/scmp.log"
        if out=$(eval "timeout -k 5 120 $cmd" 2>>"$WORK/$id.log"); then
                value=$(sed -n 's/^loop_target .* ns_per_call=\([0-9.]*\) .*/\1/p' <<<"$out")
                if [[ -n $value ]]; then
                        echo "$value" >>"$WORK/$id.vals"
                        return
                fi
        fi
        echo "$out" >>"$WORK/$id.log"
        touch "$WORK/$id.failed"
}

# Start-up rows: one hyperfine call per repetition for all of them, so they
# are interleaved with the other rows like everything else.
STARTUP_RUNS=$((CHECK ? 3 : 20))
run_ms_rows() {
        local ids=("$@") cmds=() id i csv=$WORK/startup.csv
        for id in "${ids[@]}"; do
                cmds+=("${CMD[$id]}")
        done
        if command -v hyperfine >/dev/null; then
                if ! hyperfine -N --style none --warmup 3 --runs "$STARTUP_RUNS" \
                        --export-csv "$csv" "${cmds[@]}" >>"$WORK/hyperfine.log" 2>&1; then
                        for id in "${ids[@]}"; do
                                touch "$WORK/$id.failed"
                        done
                        return
                fi
                # Columns: command,mean,stddev,median,user,system,min,max (seconds).
                # The command may contain commas, so count from the end.
                i=0
                while IFS= read -r line; do
                        awk -F, '{ printf "%.4f\n", $(NF-4) * 1000 }' <<<"$line" \
                                >>"$WORK/${ids[$i]}.vals"
                        i=$((i + 1))
                done < <(tail -n +2 "$csv")
        else
                for id in "${ids[@]}"; do
                        local t0 t1 k samples=()
                        for ((k = 0; k < STARTUP_RUNS; k++)); do
                                t0=$(date +%s%N)
                                eval "${CMD[$id]}" >/dev/null 2>>"$WORK/$id.log" ||
                                        touch "$WORK/$id.failed"
                                t1=$(date +%s%N)
                                samples+=($(((t1 - t0) / 1000)))
                        done
                        printf '%s\n' "${samples[@]}" | sort -n |
                                awk '{ v[NR] = $1 } END { printf "%.4f\n", v[int((NR + 1) / 2)] / 1000 }' \
                                        >>"$WORK/$id.vals"
                done
        fi
}

say "running ${#ROWS[@]} rows x $REPS repetitions (threads=$THREADS, scale=$SCALE${PIN:+, pinned to CPU $PIN})"
for ((rep = 1; rep <= REPS; rep++)); do
        ms_ids=()
        for id in "${ROWS[@]}"; do
                available "$id" || continue
                [[ -e $WORK/$id.failed ]] && continue
                if [[ ${KIND[$id]} == ns ]]; then
                        run_ns_row "$id"
                else
                        ms_ids+=("$id")
                fi
        done
        ((${#ms_ids[@]})) && run_ms_rows "${ms_ids[@]}"
        say "  repetition $rep/$REPS done"
done

# ---------------------------------------------------------------- the table

median() { # file -> median of its numbers
        sort -g "$1" | awk '{ v[NR] = $1 }
                END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The spread, the interquartile range over the median, says how far to trust
# a median: a row whose repetitions disagree by more than the difference
# being looked at needs more repetitions or a quieter machine. Quartiles are
# the plain order statistics (2nd and 6th of 7), which is enough here.
spread() {
        sort -g "$1" | awk -v m="$2" '{ v[NR] = $1 }
                END { lo = int((NR + 1) / 4); if (lo < 1) lo = 1
                      printf "%.0f%%", (v[NR + 1 - lo] - v[lo]) / m * 100 }'
}

declare -A MED SPREAD
for id in "${ROWS[@]}"; do
        if [[ -s $WORK/$id.vals && ! -e $WORK/$id.failed ]]; then
                MED[$id]=$(median "$WORK/$id.vals")
                SPREAD[$id]=$(spread "$WORK/$id.vals" "${MED[$id]}")
        fi
done

ref_mode=$(sed -n 's/^ref_supervisor mode=\([a-z-]*\).*/\1/p' "$WORK/a.log" 2>/dev/null | head -1)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="$(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)"
versions="libseccomp $(pkg-config --modversion libseccomp 2>/dev/null || echo '?')"
versions+=", $(strace -V 2>/dev/null | head -1 | sed 's/ -- version//')"
source=$(git -C "$SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)
versions+=", source $source"
settings="reps=$REPS threads=$THREADS scale=$SCALE pin=${PIN:-none}"
settings+=", reference supervisor mode: ${ref_mode:-?}"
if ((MARKDOWN)); then
        printf -- '- machine: %s\n- software: %s\n- run: %s\n\n' "$machine" "$versions" "$settings"
else
        printf 'machine: %s\nsoftware: %s\nrun: %s\n\n' "$machine" "$versions" "$settings"
fi

if ((MARKDOWN)); then
        printf '| row | median | IQR | ref | vs ref | goal | result |\n'
        printf '|---|---:|---:|---|---:|---|---|\n'
else
        printf '%-54s %10s %6s  %-12s %9s  %-9s %s\n' row median IQR ref "vs ref" goal result
fi

status=0
for id in "${ROWS[@]}"; do
        label=${LABEL[$id]} unit=${KIND[$id]}
        median= ref= ratio= goal= verdict= note=
        if ! available "$id"; then
                median=n/a note=$(why_not "$id")
        elif [[ -z ${MED[$id]:-} ]]; then
                median=FAILED note="log in ${KEEP:-the --keep directory}"
                [[ ${NEEDS[$id]} == scmp ]] || status=1
        else
                median=$(awk -v m="${MED[$id]}" -v u="$unit" \
                        'BEGIN { printf(u == "ns" ? "%.0f ns" : "%.2f ms", m) }')
        fi

        # The reference: the first of "x|y" that has a value.
        primary=${REFOF[$id]%%|*}
        for r in ${REFOF[$id]//|/ }; do
                [[ $r != - && -n ${MED[$r]:-} ]] && { ref=$r; break; }
        done
        if [[ -n $ref && -n ${MED[$id]:-} ]]; then
                if [[ $unit == ms ]]; then
                        ratio=$(awk -v a="${MED[$id]}" -v b="${MED[$ref]}" \
                                'BEGIN { printf "%+.2f ms", a - b }')
                else
                        ratio=$(awk -v a="${MED[$id]}" -v b="${MED[$ref]}" \
                                'BEGIN { printf "%.2fx", a / b }')
                fi
        fi
        case ${GOAL[$id]} in
        le:*) goal="<= ${GOAL[$id]#le:}x" ;;
        ge:*) goal=">= ${GOAL[$id]#ge:}x" ;;
        addms:*) goal="<= +${GOAL[$id]#addms:} ms" ;;
        esac
        if [[ -n $goal ]]; then
                if [[ -z $ratio || $ref != "$primary" ]]; then
                        verdict=n/a
                else
                        verdict=$(awk -v a="${MED[$id]}" -v b="${MED[$ref]}" -v g="${GOAL[$id]}" 'BEGIN {
                                split(g, p, ":"); x = p[2] + 0
                                if (p[1] == "le") ok = a / b <= x
                                else if (p[1] == "ge") ok = a / b >= x
                                else ok = a - b <= x
                                print ok ? "pass" : "FAIL" }')
                fi
        fi
        [[ $id == a && -n $ref_mode ]] && label="$label [$ref_mode]"
        refcell=${ref:-${primary/-/}}
        [[ -n $note ]] && verdict=$note
        if ((MARKDOWN)); then
                printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$median" \
                        "${SPREAD[$id]:-}" "$refcell" "$ratio" "$goal" "$verdict"
        else
                printf '%-54s %10s %6s  %-12s %9s  %-9s %s\n' "$label" "$median" \
                        "${SPREAD[$id]:-}" "$refcell" "$ratio" "$goal" "$verdict"
        fi
done

if ((CHECK)); then
        for id in "${ROWS[@]}"; do
                [[ -e $WORK/$id.failed ]] && { say "--- $id.log"; tail -5 "$WORK/$id.log" >&2; }
        done
fi
exit $status
