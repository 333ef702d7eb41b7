#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/fairness.sh: tails under load. How long a quiet target's notified
# call waits when another target of the same daemon floods it, and what a
# call of a 64-thread target waits under `scmp-super run`: the median and
# the 99th percentile of every call's latency (loop_target --latencies),
# against a reference measured in the same run, repetitions interleaved.
# bench/run.sh --fairness runs it too.
#
#   bench/fairness.sh [--build-dir DIR] [--reps K] [--targets N]
#                     [--flood-threads F] [--compare DIR] [--markdown]
#                     [--keep WORKDIR] [--check]
#
#   --build-dir DIR     the CMake build directory with scmp-super and
#                       bench/loop_target, bench/ref_supervisor (default:
#                       SOURCE/build; built there if missing).
#   --reps K            repetitions of every row (default 5).
#   --targets N         targets of the daemon in the loaded rows (default
#                       100): the quiet one, one flooding, N-2 idle.
#   --flood-threads F   threads of the flooding target, each making
#                       notified calls back to back (default 64).
#   --compare DIR       also run the daemon rows with DIR/scmp-super (the
#                       commit before a change): before and after, one run.
#   --markdown          print the table as Markdown.
#   --keep WORKDIR      keep the logs and values in WORKDIR.
#   --check             one repetition, 10 targets, few calls: does every
#                       row run? Times nothing worth reading.
#
# The quiet target is `run --connect` of loop_target making getppid calls
# (notified, allowed by the daemon's profile) one every 200 us, each timed
# on its own. Rows, all served by one daemon started for the row:
#   alone       the quiet target is the daemon's only one (the reference)
#   idle        it and N-1 targets that are connected but make no calls
#   flood       it, N-2 idle ones and one flooding with F threads
#   flood_sep   flood, but the flooding target has a daemon of its own: the
#               same load on the CPUs without sharing a supervisor, so what
#               flood adds over it is the daemon's doing, the rest the CPU
#               scheduler's
#   flood_loop  flood with the daemon deciding on its event loop instead of
#               a lane per target (SCMP_SUPER_LANE=0), as before issue 12
# and for `run`, 64 threads calling back to back, every call timed:
#   run64_ref   bench/ref_supervisor (the least a supervisor can do)
#   run64       scmp-super run with an allow rule on getppid
# Goal (issue 16): the quiet target's p99 under flood within 2x of alone.
# Exit status: 0; 1 if a row failed; 2 on bad usage or build.

set -u -o pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$SOURCE_DIR/build
PROFILE=$SOURCE_DIR/bench/profiles/notify-getppid.json
COMMAND_LINE="bench/fairness.sh${*:+ $*}"
REPS=5
TARGETS=100
FLOOD_THREADS=64
COMPARE=
MARKDOWN=0
KEEP=
CHECK=0

usage() {
        sed -n '11,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($#)); do
        case $1 in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --targets) TARGETS=$2; shift 2 ;;
        --flood-threads) FLOOD_THREADS=$2; shift 2 ;;
        --compare) COMPARE=$2; shift 2 ;;
        --markdown) MARKDOWN=1; shift ;;
        --keep) KEEP=$2; shift 2 ;;
        --check) CHECK=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
        esac
done
for n in "$REPS" "$TARGETS" "$FLOOD_THREADS"; do
        [[ $n =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }
done
((TARGETS >= 2)) || { echo "bench/fairness.sh: --targets must be at least 2" >&2; exit 2; }
QUIET_CALLS=2000
RUN_CALLS=2000
if ((CHECK)); then
        REPS=1 TARGETS=10 QUIET_CALLS=100 RUN_CALLS=50
        ((FLOOD_THREADS > 8)) && FLOOD_THREADS=8
fi

# shellcheck source=bench_lib.sh
. "$SOURCE_DIR/bench/bench_lib.sh"

programs=(scmp-super bench/loop_target bench/ref_supervisor)
missing=0
for p in "${programs[@]}"; do [[ -x $BUILD_DIR/$p ]] || missing=1; done
if ((missing)); then
        cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" >/dev/null &&
                cmake --build "$BUILD_DIR" -j2 --target scmp-super loop_target ref_supervisor \
                        >/dev/null || { say "bench/fairness.sh: the build failed in $BUILD_DIR"; exit 2; }
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
SCMP_SUPER=$BUILD_DIR/scmp-super
LOOP=$BUILD_DIR/bench/loop_target
REF=$BUILD_DIR/bench/ref_supervisor
CMP_SUPER=
if [[ -n $COMPARE ]]; then
        CMP_SUPER=$(cd "$COMPARE" 2>/dev/null && pwd)/scmp-super
        [[ -x $CMP_SUPER ]] || { say "--compare $COMPARE: no scmp-super there"; exit 2; }
fi

if [[ -n $KEEP ]]; then
        WORK=$KEEP
        mkdir -p "$WORK"
        rm -rf "$WORK"/*.p50 "$WORK"/*.p99 "$WORK"/*.log "$WORK"/*.failed "$WORK"/*.out
else
        WORK=$(mktemp -d /tmp/scmp-fairness.XXXXXX)
        trap 'rm -rf "$WORK"' EXIT
fi
WORK=$(cd "$WORK" && pwd)
chmod 700 "$WORK"

fail_row() { # id why
        [[ -e $WORK/$1.failed ]] || printf '%s\n' "$2" >"$WORK/$1.failed"
        printf 'FAILED: %s\n' "$2" >>"$WORK/$1.log"
}

# Keeps p50 and p99 of loop_target's line in file $2 for row $1.
keep_latencies() {
        local id=$1 out=$2 p50 p99
        p50=$(sed -n 's/^loop_target .* p50_ns=\([0-9]*\).*/\1/p' "$out")
        p99=$(sed -n 's/^loop_target .* p99_ns=\([0-9]*\).*/\1/p' "$out")
        if [[ -z $p50 || -z $p99 ]]; then
                fail_row "$id" "no latencies from loop_target"
                return
        fi
        echo "$p50" >>"$WORK/$id.p50"
        echo "$p99" >>"$WORK/$id.p99"
}

# Waits until $1 files matching $2 hold a line matching $3, while every
# pid in the rest is alive; false if one died or it took 60 s.
wait_lines() {
        local want=$1 glob=$2 pattern=$3 k n pid
        shift 3
        for ((k = 0; k < 3000; k++)); do
                # shellcheck disable=SC2086
                n=$(cat $glob 2>/dev/null | grep -c "$pattern")
                ((n >= want)) && return 0
                for pid in "$@"; do
                        kill -0 "$pid" 2>/dev/null || return 1
                done
                sleep 0.02
        done
        return 1
}

# Starts a daemon on socket $3 for row $1 with scmp-super $2, then words
# for its environment; sets dpid. False if it made no socket.
start_daemon() {
        local id=$1 super=$2 sock=$3 i
        shift 3
        rm -f "$sock"
        env "$@" "$super" daemon --socket "$sock" --policy "$PROFILE" </dev/null \
                >>"$WORK/$id.log" 2>&1 &
        dpid=$!
        for ((i = 0; i < 250; i++)); do
                [[ -S $sock ]] && return 0
                sleep 0.02
        done
        kill "$dpid" 2>/dev/null
        wait "$dpid" 2>/dev/null
        fail_row "$id" "the daemon did not create $sock"
        return 1
}

# A daemon row: $1 id, $2 scmp-super, $3 idle targets, $4 flooding: 0 (no),
# 1 (a target of the same daemon), 2 (served by a daemon of its own: the
# same load on the CPUs, no sharing of a supervisor); then words for the
# daemon's environment.
run_daemon_row() {
        local id=$1 super=$2 idle=$3 flood=$4
        shift 4
        local sock=$WORK/d.sock fsock=$WORK/d.sock fifo=$WORK/hold dpid fdpid='' i pids=() failed=0
        rm -f "$fifo" "$WORK"/idle.*.out "$WORK/flood.out" "$WORK/quiet.out"
        start_daemon "$id" "$super" "$sock" "$@" || return
        if ((flood == 2)); then
                fsock=$WORK/f.sock
                fdpid=$dpid
                if ! start_daemon "$id" "$super" "$fsock" "$@"; then
                        kill -TERM "$fdpid" 2>/dev/null
                        wait "$fdpid" 2>/dev/null
                        return
                fi
                i=$dpid dpid=$fdpid fdpid=$i
        fi
        # Read-write, so that opening it blocks nobody; the targets see end
        # of file once this end is closed.
        mkfifo "$fifo"
        exec 9<>"$fifo"
        for ((i = 0; i < idle; i++)); do
                "$super" run --connect "$sock" --policy "$PROFILE" -- "$LOOP" --calls 1 \
                        --warmup 0 --hold <"$fifo" >"$WORK/idle.$i.out" 2>>"$WORK/$id.log" 9>&- &
                pids+=($!)
        done
        if ((flood)); then
                "$super" run --connect "$fsock" --policy "$PROFILE" -- "$LOOP" --flood \
                        --threads "$FLOOD_THREADS" --warmup 10 <"$fifo" >"$WORK/flood.out" \
                        2>>"$WORK/$id.log" 9>&- &
                pids+=($!)
        fi
        if ! wait_lines "$idle" "$WORK/idle.*.out" '^loop_target' "${pids[@]}" ||
                { ((flood)) && ! wait_lines 1 "$WORK/flood.out" '^loop_target flooding' "${pids[@]}"; }; then
                fail_row "$id" "the idle or flooding targets did not start"
                failed=1
        else
                "$super" run --connect "$sock" --policy "$PROFILE" -- "$LOOP" \
                        --calls "$QUIET_CALLS" --warmup 200 --pace-us 200 --latencies \
                        </dev/null >"$WORK/quiet.out" 2>>"$WORK/$id.log" ||
                        { fail_row "$id" "the quiet target failed"; failed=1; }
        fi
        exec 9>&-
        for pid in "${pids[@]}"; do
                wait "$pid" || { ((failed)) || fail_row "$id" "a target failed"; failed=1; }
        done
        if ((flood)) && ! grep -q '^loop_target syscall' "$WORK/flood.out"; then
                ((failed)) || fail_row "$id" "the flooding target did not finish"
                failed=1
        fi
        kill -TERM "$dpid" $fdpid 2>/dev/null
        wait "$dpid" $fdpid 2>/dev/null
        rm -f "$fifo"
        ((failed)) || keep_latencies "$id" "$WORK/quiet.out"
}

# A run row: $1 id, then the command before loop_target.
run_threads_row() {
        local id=$1
        shift
        if "$@" -- "$LOOP" --threads 64 --calls "$RUN_CALLS" --warmup 50 --latencies \
                </dev/null >"$WORK/run.out" 2>>"$WORK/$id.log"; then
                keep_latencies "$id" "$WORK/run.out"
        else
                fail_row "$id" "the command failed"
        fi
}

ROWS=()
declare -A LABEL REFOF GOAL RUN
row() { # id ref goal label -- function and arguments
        local id=$1
        REFOF[$id]=$2 GOAL[$id]=$3 LABEL[$id]=$4
        shift 5
        RUN[$id]=$(printf '%q ' "$@")
        ROWS+=("$id")
}
idle_n=$((TARGETS - 1)) flood_idle=$((TARGETS - 2))
row alone - - "daemon: quiet target alone" -- run_daemon_row alone "$SCMP_SUPER" 0 0
row idle alone - "daemon: quiet + $idle_n idle targets" -- \
        run_daemon_row idle "$SCMP_SUPER" "$idle_n" 0
row flood alone le:2 "daemon: quiet + $flood_idle idle + 1 x $FLOOD_THREADS threads flooding" -- \
        run_daemon_row flood "$SCMP_SUPER" "$flood_idle" 1
row flood_sep alone - "control: the flooding target on a daemon of its own" -- \
        run_daemon_row flood_sep "$SCMP_SUPER" "$flood_idle" 2
row flood_loop alone - "same, daemon on its loop (SCMP_SUPER_LANE=0)" -- \
        run_daemon_row flood_loop "$SCMP_SUPER" "$flood_idle" 1 SCMP_SUPER_LANE=0
if [[ -n $CMP_SUPER ]]; then
        row alone_cmp - - "compared build: quiet target alone" -- \
                run_daemon_row alone_cmp "$CMP_SUPER" 0 0
        row flood_cmp alone_cmp - "compared build: flood (vs its alone)" -- \
                run_daemon_row flood_cmp "$CMP_SUPER" "$flood_idle" 1
fi
row run64_ref - - "ref supervisor, 64 threads back to back" -- run_threads_row run64_ref "$REF"
row run64 run64_ref - "scmp-super run, 64 threads back to back" -- \
        run_threads_row run64 "$SCMP_SUPER" run --policy "$PROFILE"

say "fairness: ${#ROWS[@]} rows x $REPS repetitions ($TARGETS targets, $FLOOD_THREADS flooding threads)"
started=$SECONDS
load_start=$(cut -d' ' -f1 /proc/loadavg)
for ((rep = 1; rep <= REPS; rep++)); do
        for id in "${ROWS[@]}"; do
                [[ -e $WORK/$id.failed ]] && continue
                eval "${RUN[$id]}"
        done
        say "  repetition $rep/$REPS done ($((SECONDS - started)) s)"
done

declare -A P50 P99
status=0
for id in "${ROWS[@]}"; do
        if [[ -s $WORK/$id.p99 && ! -e $WORK/$id.failed ]]; then
                P50[$id]=$(median "$WORK/$id.p50")
                P99[$id]=$(median "$WORK/$id.p99")
        else
                status=1
        fi
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="$(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)"
source=$(git -C "$SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)
run="reps=$REPS targets=$TARGETS flood-threads=$FLOOD_THREADS quiet: $QUIET_CALLS calls, 1 per 200 us; run: 64 x $RUN_CALLS calls; source $source, $((SECONDS - started)) s"
load="$load_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end"
if ((MARKDOWN)); then
        printf -- '- command: `%s`\n- machine: %s\n- run: %s\n- load: %s\n\n' \
                "$COMMAND_LINE" "$machine" "$run" "$load"
        printf '| row | p50 | vs ref | p99 | vs ref | goal (p99) | result |\n'
        printf '|---|---:|---:|---:|---:|---|---|\n'
else
        printf 'command: %s\nmachine: %s\nrun: %s\nload: %s\n\n' "$COMMAND_LINE" "$machine" "$run" "$load"
        FMT='%-66s %9s %7s %9s %7s %10s  %s\n'
        # shellcheck disable=SC2059
        printf "$FMT" row p50 "vs ref" p99 "vs ref" "goal (p99)" result
fi
us() { awk -v n="$1" 'BEGIN { printf "%.1f us", n / 1000 }'; }
for id in "${ROWS[@]}"; do
        if [[ -z ${P99[$id]:-} ]]; then
                line "${LABEL[$id]}" FAILED "" "" "" "" "$(cat "$WORK/$id.failed" 2>/dev/null)"
                continue
        fi
        ref=${REFOF[$id]} r50='' r99='' goal='' verdict=''
        if [[ $ref != - && -n ${P99[$ref]:-} ]]; then
                r50=$(awk -v a="${P50[$id]}" -v b="${P50[$ref]}" 'BEGIN { printf "%.2fx", a / b }')
                r99=$(awk -v a="${P99[$id]}" -v b="${P99[$ref]}" 'BEGIN { printf "%.2fx", a / b }')
        fi
        if [[ ${GOAL[$id]} == le:* && -n $r99 ]]; then
                goal="<= ${GOAL[$id]#le:}x"
                verdict=$(awk -v r="${r99%x}" -v g="${GOAL[$id]#le:}" 'BEGIN { print r <= g ? "pass" : "FAIL" }')
        fi
        line "${LABEL[$id]}" "$(us "${P50[$id]}")" "$r50" "$(us "${P99[$id]}")" "$r99" "$goal" "$verdict"
done
if ((status)); then
        for id in "${ROWS[@]}"; do
                [[ -e $WORK/$id.failed ]] || continue
                say "--- row $id, the end of its log:"
                tail -5 "$WORK/$id.log" >&2
        done
fi
exit $status
