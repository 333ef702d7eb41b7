#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh: build the benchmark programs, run every measurement of issue
# 6 K times, interleaved, and print one table of medians, each with its ratio
# against a reference measured in the same run. See docs/PERFORMANCE.md for
# the method and what each row means.
#
#   bench/run.sh [--build-dir DIR] [--reps K] [--scale F] [--threads T]
#                [--pin CPUS] [--no-trace] [--quick] [--markdown]
#                [--keep WORKDIR] [--check] [--compare DIR]
#                [--ci-trace] [--fairness]
#
#   --build-dir DIR  use this CMake build directory (bench programs in
#                    DIR/bench, scmp-super in DIR); default: configure and
#                    build SOURCE/build-bench.
#   --reps K         repetitions of every row (default 7). Repetitions are
#                    interleaved (row 1..n, then again), so slow drift of a
#                    shared machine hits every row alike.
#   --scale F        multiply the calls per run (default 1).
#   --threads T      threads in the target for the per-call rows of sections
#                    1 and 1b (default 1; section 2 sets its own).
#   --pin CPUS       run every command under taskset -c CPUS (e.g. 0: the
#                    supervisor and the target share one CPU).
#   --no-trace       leave out section 5 (trace mode on gcc and python3).
#   --quick          3 repetitions at --scale 0.3: a rough table in about a
#                    minute.
#   --markdown       print the table as Markdown.
#   --keep WORKDIR   keep raw values and logs in WORKDIR.
#   --check          one quick repetition with few calls: does every row run?
#                    Exits 1 if a row fails. Used by ctest; it times nothing
#                    worth reading.
#   --compare DIR    also run the rows of scmp-super calls (b, d, c, served
#                    by the daemon, y as z in 1b and 1c, concurrency) with
#                    DIR/scmp-super, another build (say, of the commit
#                    before a change), interleaved with the rest: before
#                    and after against the same references, from one run.
#   --ci-trace       then run bench/ci_trace.sh (issue 16: configure, build
#                    and unit-test a copy of this tree untraced, under
#                    trace with and without a base and under strace -f;
#                    minutes per repetition) with this --reps, --check,
#                    --compare and --markdown, and print its table too.
#   --fairness       then run bench/fairness.sh likewise (issue 16: a quiet
#                    daemon target's p50 and p99 while one of 100 floods;
#                    run with 64 threads).
#
# Exit status: 0, or 1 if any row FAILED (a call was refused, a supervisor
# did not answer every call, a command failed); 2 on bad usage or build.
# Rows that need scmp-super print "n/a (...)" while DIR/scmp-super is missing
# or cannot run /bin/true.

set -u -o pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROFILES=$SOURCE_DIR/bench/profiles
DOCKER_PROFILE=${DOCKER_PROFILE:-/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json}
COMMAND_LINE="bench/run.sh${*:+ $*}"

BUILD_DIR=
REPS=7
SCALE=1
THREADS=1
PIN=
TRACE=1
MARKDOWN=0
KEEP=
CHECK=0
COMPARE=
CI_TRACE=0
FAIRNESS=0

usage() {
        # The header from the usage line to the blank line before "Exit".
        awk 'NR >= 9 && /^# Exit status/ { exit } NR >= 9 { sub(/^# ?/, ""); print }' \
                "${BASH_SOURCE[0]}"
}

while (($#)); do
        case $1 in
        --build-dir) BUILD_DIR=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        --threads) THREADS=$2; shift 2 ;;
        --pin) PIN=$2; shift 2 ;;
        --no-trace) TRACE=0; shift ;;
        --quick) REPS=3; SCALE=0.3; shift ;;
        --markdown) MARKDOWN=1; shift ;;
        --keep) KEEP=$2; shift 2 ;;
        --check) CHECK=1; shift ;;
        --compare) COMPARE=$2; shift 2 ;;
        --ci-trace) CI_TRACE=1; shift ;;
        --fairness) FAIRNESS=1; shift ;;
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
        rm -rf "$WORK"/*.vals "$WORK"/*.log "$WORK"/*.failed "$WORK"/cache
else
        WORK=$(mktemp -d /tmp/scmp-bench.XXXXXX)
        trap 'rm -rf "$WORK"' EXIT
fi
WORK=$(cd "$WORK" && pwd)
chmod 700 "$WORK"

# scmp-super caches compiled filters (supervisor/launch/bpf_cache.c). A cache of
# this run's own keeps the user's ~/.cache out of it and makes the warm
# start-up row warm for the right reason: hyperfine's warm-up runs fill it.
mkdir -m 700 "$WORK/cache"
export XDG_CACHE_HOME=$WORK/cache

# ---------------------------------------------------------------- building

BENCH_PROGRAMS=(loop_target ref_supervisor filter_exec)

have_programs() {
        local p
        for p in "${BENCH_PROGRAMS[@]}"; do
                [[ -x $1/$p ]] || return 1
        done
}

# Compiles what can be compiled without CMake, for when the tree as a whole
# does not configure (other parts mid-edit). filter_exec needs the policy
# library, so its rows then say FAILED.
build_standalone() {
        local out=$1 p
        mkdir -p "$out"
        for p in loop_target ref_supervisor; do
                # shellcheck disable=SC2046
                cc -std=gnu11 -O2 -D_GNU_SOURCE -Wall -Wextra -o "$out/$p" \
                        "$SOURCE_DIR/bench/$p.c" \
                        $(pkg-config --cflags --libs libseccomp) -pthread || return 1
        done
}

if [[ -n $BUILD_DIR ]]; then
        if [[ ! -d $BUILD_DIR ]]; then
                say "bench/run.sh: --build-dir $BUILD_DIR: no such directory (configure one with cmake -S . -B DIR, or leave the option out)"
                exit 2
        fi
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
[[ -x $BENCH_BIN/loop_target && -x $BENCH_BIN/ref_supervisor ]] ||
        { say "benchmark programs missing in $BENCH_BIN"; exit 2; }

LOOP=$BENCH_BIN/loop_target
REF=$BENCH_BIN/ref_supervisor
FEXEC=$BENCH_BIN/filter_exec
SCMP_SUPER=$BUILD_DIR/scmp-super
TRUE_BIN=$(command -v true)
[[ $TRUE_BIN == /* ]] || TRUE_BIN=/bin/true
GETPPID_PROFILE=$PROFILES/notify-getppid.json
OPENAT_PROFILE=$PROFILES/notify-openat-path.json
# Section 1b opens a regular file: one that exists everywhere, is not a
# symbolic link and is readable by anyone. notify-openat-file.json's first
# glob names it.
OPEN_FILE=/etc/passwd
OPENAT_FILE_PROFILE=$PROFILES/notify-openat-file.json
OPENAT_ANY_PROFILE=$PROFILES/notify-openat-any.json
NET_ANY_PROFILE=$PROFILES/notify-net-any.json
NET_LOOPBACK_PROFILE=$PROFILES/notify-net-loopback.json

SCMP_OK=0
SCMP_WHY="n/a (scmp-super run not built)"
if [[ -x $SCMP_SUPER ]] &&
        timeout 20 "$SCMP_SUPER" run --policy "$GETPPID_PROFILE" -- "$TRUE_BIN" \
                >"$WORK/scmp-probe.log" 2>&1; then
        SCMP_OK=1
elif [[ -x $SCMP_SUPER ]]; then
        say "scmp-super exists but 'run' failed on /bin/true: $(tail -1 "$WORK/scmp-probe.log")"
        SCMP_WHY="n/a (scmp-super run fails on /bin/true)"
fi
CMP_OK=0
CMP_SUPER=
if [[ -n $COMPARE ]]; then
        CMP_SUPER=$(cd "$COMPARE" 2>/dev/null && pwd)/scmp-super
        if [[ -x $CMP_SUPER ]] && timeout 20 "$CMP_SUPER" run --policy "$GETPPID_PROFILE" -- \
                "$TRUE_BIN" >"$WORK/cmp-probe.log" 2>&1; then
                CMP_OK=1
        else
                say "--compare $COMPARE: no scmp-super there that runs /bin/true"
                exit 2
        fi
fi
DOCKER_OK=0
[[ -r $DOCKER_PROFILE ]] && DOCKER_OK=1
TRACE_OK=0
TRACE_WHY="n/a (--no-trace)"
if ((TRACE)); then
        TRACE_OK=1
        for tool in gcc python3 strace; do
                command -v "$tool" >/dev/null ||
                        { TRACE_OK=0; TRACE_WHY="n/a ($tool is not installed)"; }
        done
fi

# ---------------------------------------------------------------- the rows
#
# row ID KIND REF GOAL NEEDS CALLS LABEL -- COMMAND...
#   KIND   ns     loop_target's ns_per_call (latency of one call)
#          tput   loop_target's wall_ns_per_call, shown as calls/s and the
#                 wall time of all calls; the ratio is calls/s over the
#                 reference's calls/s
#          ms     start-up, wall time of the whole command (hyperfine)
#          wall   a workload's wall time, timed here
#          share  (trace - untraced) / (strace - untraced), from the medians
#                 of the rows named in DERIVED: the share of strace's
#                 overhead that trace costs (in section 4: run's added
#                 start-up time over the least launcher's)
#          mem    the parent_vmhwm_kib loop_target --parent-status reports
#          daemon peak RSS of a daemon serving DAEMON_TARGETS targets
#   REF    the row this one is divided by; "b|a" means b, or a if b is n/a
#          (the goal is then not judged)
#   GOAL   le:X (ratio <= X), ge:X (ratio >= X), addms:X (added ms <= X),
#          mib:X (at most X MiB, absolute), or -
#   NEEDS  - or scmp (scmp-super run works), cmp (so does --compare's),
#          docker (the Docker profile is there), fexec (filter_exec was
#          built), trace (scmp and the tools)
#   CALLS  calls per thread at --scale 1 ("-" where there are none); chosen
#          so a run takes 0.1-0.5 s here
# The command may use @CALLS@, replaced by the scaled number. Set after
# row(): VERIFY[id] (see verify_answered), ENVS[id] (NAME=VALUE words for
# the command's environment), DERIVED[id], WARMUP_OF[id] (the command's
# loop_target --warmup, if not loop_target's default).

ROWS=()
declare -A KIND REFOF GOAL NEEDS CALLS LABEL CMD VERIFY ENVS DERIVED THREADS_OF WARMUP_OF SECTION
LOOP_WARMUP=1000 # loop_target's default --warmup

PIN_PREFIX=()
[[ -n $PIN ]] && PIN_PREFIX=(taskset -c "$PIN")

row() {
        local id=$1
        KIND[$id]=$2 REFOF[$id]=$3 GOAL[$id]=$4 NEEDS[$id]=$5 CALLS[$id]=$6 LABEL[$id]=$7
        THREADS_OF[$id]=1 WARMUP_OF[$id]=$LOOP_WARMUP
        shift 8 # the seven fields and "--"
        CMD[$id]=$(printf '%q ' "${PIN_PREFIX[@]}" "$@")
        ROWS+=("$id")
}

section() {
        local id="#${#ROWS[@]}"
        SECTION[$id]=$1
        ROWS+=("$id")
}

T="--threads $THREADS --calls @CALLS@"
OPEN_GLOBS=(--path-glob /dev/null --path-glob /etc/ld.so.cache --path-glob '/lib/*' --path-glob '/usr/lib/*')

section "1. Notified round trip (latency per call)"
row bare ns - - - 1000000 "bare getppid, no filter (floor)" -- $LOOP $T
row allow ns bare - fexec 1000000 "getppid under an allow filter (kernel only)" -- \
        $FEXEC --allow-one getppid -- $LOOP $T
row a ns bare - - 100000 "a: ref supervisor, getppid, CONTINUE" -- $REF -- $LOOP $T
row a_plain ns a - - 10000 "ref supervisor without SYNC_WAKE_UP" -- $REF --plain -- $LOOP $T
row b ns a le:1.15 scmp 50000 "b: scmp-super, allow rule on getppid" -- \
        $SCMP_SUPER run --policy "$GETPPID_PROFILE" -- $LOOP $T
row d ns a le:1.3 scmp 50000 "d: b with --log FILE" -- \
        $SCMP_SUPER run --policy "$GETPPID_PROFILE" --log "$WORK/scmp.log" -- $LOOP $T
# d's target never executes another program, so one look at /proc names
# every caller's executable (supervisor/core/exe_cache.h). Here sh executes the
# same loop first: the exec is noted, and each call asks the kernel whether
# its thread's cached entry still stands (an epoll_wait): the cost of --log
# for programs that run others.
row d_exec ns a - scmp 50000 "d after an exec (sh -c 'exec ...'): per-thread check" -- \
        $SCMP_SUPER run --policy "$GETPPID_PROFILE" --log "$WORK/scmp.log" -- \
        /bin/sh -c 'exec "$0" "$@"' $LOOP $T
# Where d's time goes: the same lines built and thrown away, so d minus this
# is the file's page cache, and this minus b what deciding to log costs.
row d_null ns b - scmp 50000 "d with --log /dev/null (no file)" -- \
        $SCMP_SUPER run --policy "$GETPPID_PROFILE" --log /dev/null -- $LOOP $T
# Where b's time goes, in the same run: the floor of any supervisor that
# waits in epoll (as a libuv loop does), b served from the loop instead of
# its lane thread, and b without its own seccomp filter (its RECV and SEND
# ioctls then run no filter).
row a_epoll ns a - - 100000 "ref supervisor waiting in epoll_wait first" -- \
        $REF --epoll -- $LOOP $T
row b_loop ns a - scmp 50000 "b on the libuv loop (SCMP_SUPER_LANE=0)" -- \
        env SCMP_SUPER_LANE=0 $SCMP_SUPER run --policy "$GETPPID_PROFILE" -- $LOOP $T
row b_noconf ns a - scmp 50000 "b unconfined (SCMP_SUPER_NO_CONFINE=1)" -- \
        env SCMP_SUPER_NO_CONFINE=1 $SCMP_SUPER run --policy "$GETPPID_PROFILE" -- $LOOP $T
row strace ns "b|a" ge:15 - 5000 "e: strace -f -e trace=getppid (vs b)" -- \
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
        $SCMP_SUPER run --policy "$OPENAT_PROFILE" -- $LOOP $T --syscall openat-path
# b and c again, served by a daemon: `run --connect` hands the listener to
# it, and the daemon answers with the profile as run would.
row b_daemon ns a - scmp 50000 "b served by the daemon (run --connect)" -- \
        "$SOURCE_DIR/bench/with_daemon.sh" $SCMP_SUPER "$GETPPID_PROFILE" -- \
        $SCMP_SUPER run --connect @SOCK@ --policy "$GETPPID_PROFILE" -- $LOOP $T
row c_daemon ns a_open - scmp 20000 "c served by the daemon (run --connect)" -- \
        "$SOURCE_DIR/bench/with_daemon.sh" $SCMP_SUPER "$OPENAT_PROFILE" -- \
        $SCMP_SUPER run --connect @SOCK@ --policy "$OPENAT_PROFILE" -- $LOOP $T --syscall openat-path
# The daemon as it was before it had a lane per target: on its loop.
row b_daemon_loop ns a - scmp 50000 "b served by the daemon on its loop (SCMP_SUPER_LANE=0)" -- \
        env SCMP_SUPER_LANE=0 "$SOURCE_DIR/bench/with_daemon.sh" $SCMP_SUPER \
        "$GETPPID_PROFILE" -- $SCMP_SUPER run --connect @SOCK@ --policy "$GETPPID_PROFILE" -- $LOOP $T
if ((CMP_OK)); then
        row b_cmp ns a - cmp 50000 "b, compared build" -- \
                $CMP_SUPER run --policy "$GETPPID_PROFILE" -- $LOOP $T
        row d_cmp ns a - cmp 50000 "d, compared build" -- \
                $CMP_SUPER run --policy "$GETPPID_PROFILE" --log "$WORK/scmp.log" -- $LOOP $T
        row c_cmp ns a_open - cmp 20000 "c, compared build" -- \
                $CMP_SUPER run --policy "$OPENAT_PROFILE" -- $LOOP $T --syscall openat-path
        row b_daemon_cmp ns a - cmp 50000 "b served by the daemon, compared build" -- \
                "$SOURCE_DIR/bench/with_daemon.sh" $CMP_SUPER "$GETPPID_PROFILE" -- \
                $CMP_SUPER run --connect @SOCK@ --policy "$GETPPID_PROFILE" -- $LOOP $T
        row c_daemon_cmp ns a_open - cmp 20000 "c served by the daemon, compared build" -- \
                "$SOURCE_DIR/bench/with_daemon.sh" $CMP_SUPER "$OPENAT_PROFILE" -- \
                $CMP_SUPER run --connect @SOCK@ --policy "$OPENAT_PROFILE" -- $LOOP $T \
                --syscall openat-path
fi

# Issue 13: an open that a path rule allows is performed by the supervisor
# (openat2, then SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SEND)
# instead of CONTINUEd, which let the kernel read the path again after the
# check. All rows open the same regular file and close it. x is the floor of
# any emulating supervisor; y is scmp-super's path rule (emulated from issue
# 13 on, CONTINUEd before), judged against x; z is y with --compare's build
# (a build from before issue 13: the CONTINUE it replaces, same references).
# An openat rule without a path reads nothing from the target, so it stays
# CONTINUE: the floor of a notified open in scmp-super. Every row checks
# that each call went through its supervisor and (loop_target) that each
# open succeeded and returned the file, with FD_CLOEXEC.
section "1b. Emulated open (issue 13): openat $OPEN_FILE + close"
TF="$T --syscall openat-path --path $OPEN_FILE"
FILE_GLOBS=(--path-glob "$OPEN_FILE" --path-glob /etc/ld.so.cache --path-glob '/lib/*' --path-glob '/usr/lib/*')
row bare_file ns - - - 200000 "bare openat of the file + close, no filter" -- $LOOP $TF
row a_file ns bare_file - - 50000 "ref supervisor, openat of the file, CONTINUE" -- \
        $REF --syscall openat -- $LOOP $TF
row x ns a_file - - 50000 "x: ref supervisor, openat emulated (openat2 + ADDFD)" -- \
        $REF --syscall openat --emulate-open -- $LOOP $TF
row x_glob ns x - - 50000 "x with path check (ID_VALID + glob) before the open" -- \
        $REF --syscall openat --emulate-open "${FILE_GLOBS[@]}" -- $LOOP $TF
row y ns x le:1.15 scmp 20000 "y: scmp-super, path rule allows openat of the file" -- \
        $SCMP_SUPER run --summary --policy "$OPENAT_FILE_PROFILE" -- $LOOP $TF
row y_any ns a_file - scmp 20000 "scmp-super, openat rule without path (CONTINUE floor)" -- \
        $SCMP_SUPER run --summary --policy "$OPENAT_ANY_PROFILE" -- $LOOP $TF
if ((CMP_OK)); then
        row z ns x - cmp 20000 "z: y with the compared build" -- \
                $CMP_SUPER run --summary --policy "$OPENAT_FILE_PROFILE" -- $LOOP $TF
fi
for id in a_file x x_glob; do VERIFY[$id]=ref_open; done
for id in y y_any z; do VERIFY[$id]=summary_open; done

# Issue 14: a connect or a sendto that an address rule allows is performed
# by the supervisor on the caller's socket (pidfd_getfd, then the call with
# the address it checked) instead of CONTINUEd, which let the kernel read
# the sockaddr again after the check. The target's UDP socket is bound to
# 127.0.0.1 and connects, or sends one byte, to its own address: no
# handshake, no peer to wait for. x is a rule without an address, which
# reads nothing from the target and stays CONTINUE: the floor of a
# notified call in scmp-super. y is the rule on 127.0.0.0/8 (performed on
# the caller's behalf from issue 14 on, CONTINUEd before), judged against
# x; z is y with --compare's build. Every row checks that each call went
# through its supervisor, and (loop_target, untimed, once per thread) that
# the first one connected the socket to, or delivered the byte at, the
# address asked for.
section "1c. Connect and UDP sendto on the caller's behalf (issue 14), 127.0.0.1"
for call in connect sendto; do
        TN="$T --syscall $call-udp"
        row "bare_$call" ns - - - 100000 "bare UDP $call to 127.0.0.1, no filter" -- $LOOP $TN
        row "a_$call" ns "bare_$call" - - 20000 "ref supervisor, $call, CONTINUE" -- \
                $REF --syscall "$call" -- $LOOP $TN
        row "${call}_x" ns "a_$call" - scmp 10000 "x: scmp-super, $call rule without address" -- \
                $SCMP_SUPER run --summary --policy "$NET_ANY_PROFILE" -- $LOOP $TN
        row "${call}_y" ns "${call}_x" - scmp 10000 "y: scmp-super, $call rule on 127.0.0.0/8" -- \
                $SCMP_SUPER run --summary --policy "$NET_LOOPBACK_PROFILE" -- $LOOP $TN
        VERIFY[a_$call]=ref_net
        VERIFY[${call}_x]=summary_$call VERIFY[${call}_y]=summary_$call
        if ((CMP_OK)); then
                row "${call}_z" ns "${call}_x" - cmp 10000 "z: y with the compared build" -- \
                        $CMP_SUPER run --summary --policy "$NET_LOOPBACK_PROFILE" -- $LOOP $TN
                VERIFY[${call}_z]=summary_$call
        fi
done

# T target threads against one supervisor: the same number of calls in all,
# split between the threads, so every row takes about as long. Each run
# must answer every call: loop_target fails if one call failed, and the
# supervisor's own count must equal the calls made (verify_answered).
section "2. Concurrency: T target threads, getppid, throughput"
CC_TOTAL=100000
CC_WARMUP=200
for t in 1 2 8 64; do
        per=$((CC_TOTAL / t))
        TC="--threads $t --calls @CALLS@ --warmup $CC_WARMUP"
        row "cc_a_$t" tput - - - "$per" "ref supervisor, $t target thread(s)" -- $REF -- $LOOP $TC
        VERIFY[cc_a_$t]=ref THREADS_OF[cc_a_$t]=$t WARMUP_OF[cc_a_$t]=$CC_WARMUP
        row "cc_b_$t" tput "cc_a_$t" - scmp "$per" "scmp-super, $t target thread(s)" -- \
                $SCMP_SUPER run --summary --policy "$GETPPID_PROFILE" -- $LOOP $TC
        VERIFY[cc_b_$t]=summary THREADS_OF[cc_b_$t]=$t WARMUP_OF[cc_b_$t]=$CC_WARMUP
        if ((CMP_OK)); then
                row "cc_cmp_$t" tput "cc_a_$t" - cmp "$per" "compared build, $t target thread(s)" -- \
                        $CMP_SUPER run --summary --policy "$GETPPID_PROFILE" -- $LOOP $TC
                VERIFY[cc_cmp_$t]=summary THREADS_OF[cc_cmp_$t]=$t WARMUP_OF[cc_cmp_$t]=$CC_WARMUP
        fi
done

# Docker's default profile, kernel only, compiled by the policy library.
# faccessat2 sits early in the linear filter, getpid late; both are allowed
# unconditionally, which the kernel caches per syscall (Linux 5.11), so
# neither runs the filter. personality has argument rules and comes last:
# every call runs the whole filter.
section "3. Kernel only: Docker's default profile compiled by scmp-super"
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
# The least any filter that must run costs: seven instructions that read an
# argument, so that the kernel cannot skip them.
row worst_floor ns bare_worst - fexec 1000000 "personality-query, 7-insn filter reading an argument" -- \
        $FEXEC --allow-one personality --read-arg -- $LOOP $T --syscall personality-query

section "4. Start-up: Docker's default profile, /bin/true"
row true_bare ms - - - - "/bin/true" -- "$TRUE_BIN"
row true_docker ms true_bare - docker - "kernel filter compiled at start + /bin/true" -- \
        $FEXEC --profile "$DOCKER_PROFILE" -- "$TRUE_BIN"
row true_docker_native ms true_bare - docker - "same, x86-64 section only" -- \
        $FEXEC --profile "$DOCKER_PROFILE" --native-only -- "$TRUE_BIN"
row true_ref ms true_bare - - - "ref supervisor + /bin/true" -- $REF -- "$TRUE_BIN"
row true_scmp_cold ms true_bare addms:3 scmp - "scmp-super run, cold (SCMP_SUPER_CACHE=0)" -- \
        $SCMP_SUPER run --policy "$DOCKER_PROFILE" -- "$TRUE_BIN"
ENVS[true_scmp_cold]=SCMP_SUPER_CACHE=0
row true_scmp_warm ms true_bare addms:3 scmp - "scmp-super run, warm (filter cached)" -- \
        $SCMP_SUPER run --policy "$DOCKER_PROFILE" -- "$TRUE_BIN"
# What run's own confinement (launch/confine.h) costs at start-up: the
# same, with SCMP_SUPER_NO_CONFINE=1 (a debugging switch, never a way to
# run).
row true_scmp_noconf ms true_bare - scmp - "scmp-super run, warm, not confined (measure only)" -- \
        $SCMP_SUPER run --policy "$DOCKER_PROFILE" -- "$TRUE_BIN"
ENVS[true_scmp_noconf]=SCMP_SUPER_NO_CONFINE=1
# What run costs whatever the profile: a profile of one rule (tiny to
# parse, a filter of a few instructions), warm.
row true_scmp_small ms true_bare - scmp - "scmp-super run, warm, one-rule profile" -- \
        $SCMP_SUPER run --policy "$GETPPID_PROFILE" -- "$TRUE_BIN"
# Issue 16: what run adds against what the least launcher adds, from the
# medians of the same run. The least launcher forks, loads a one-rule
# filter notifying execve, passes the listener over a socketpair and
# CONTINUEs the exec, as run's launcher has its exec CONTINUEd.
row true_ref_exec ms true_bare - - - "least launcher: ref, execve CONTINUEd, + /bin/true" -- \
        $REF --syscall execve -- "$TRUE_BIN"
# The least launcher given the very filter run loads (Docker's default with
# execve and the calls that change the root routed, as filter_exec
# --write-bpf compiles it): what loading that filter adds at start-up,
# apart from anything run does. The 1.2x goal has it inside.
if ((DOCKER_OK)) && [[ -x $FEXEC ]]; then
        $FEXEC --profile "$DOCKER_PROFILE" --write-bpf "$WORK/run_filter.bpf" 2>"$WORK/run_filter.log" ||
                rm -f "$WORK/run_filter.bpf"
fi
row true_ref_bpf ms true_bare - runbpf - "least launcher + run's filter (Docker's), + /bin/true" -- \
        $REF --bpf "$WORK/run_filter.bpf" --syscall execve -- "$TRUE_BIN"
if ((CMP_OK)); then
        row true_cmp_warm ms true_bare - cmp - "run warm, compared build" -- \
                $CMP_SUPER run --policy "$DOCKER_PROFILE" -- "$TRUE_BIN"
fi
# The same from the CPU time (user + system) of the whole process tree,
# which a busy machine disturbs far less than wall time: on two CPUs shared
# with other work, wall time is mostly waiting for a CPU. Written by
# run_ms_row for the row named before "_cpu".
for what in bare ref_exec ref_bpf scmp_small scmp_warm scmp_noconf scmp_cold cmp_warm; do
        [[ -n ${LABEL[true_$what]:-} ]] || continue
        row "true_${what}_cpu" ms - - "${NEEDS[true_$what]}" - "CPU time: ${LABEL[true_$what]}" -- :
        DERIVED[true_${what}_cpu]="cpu_of true_$what"
done
# A row of (true_SRC - true_bare) / (true_ref_exec - true_bare), of wall
# time, or with UNIT _cpu of CPU time: ID NEEDS LABEL GOAL SRC [UNIT].
startup_share() {
        local id=$1 needs=$2 label=$3 goal=$4 src=$5 unit=${6:-}
        row "$id" share "true_ref_exec$unit" "$goal" "$needs" - "$label" -- :
        DERIVED[$id]="true_$src$unit true_bare$unit true_ref_exec$unit"
}
startup_share startup_ref_bpf runbpf "launcher + run's filter: added time / least launcher's" \
        - ref_bpf
startup_share startup_ref_bpf_cpu runbpf \
        "launcher + run's filter: added CPU / least launcher's" - ref_bpf _cpu
startup_share startup_small scmp "run warm, one-rule profile: added time / least launcher's" - \
        scmp_small
startup_share startup_small_cpu scmp "run warm, one-rule profile: added CPU / least launcher's" - \
        scmp_small _cpu
startup_share startup_noconf scmp "run warm, not confined: added time / least launcher's" - \
        scmp_noconf
startup_share startup_noconf_cpu scmp "run warm, not confined: added CPU / least launcher's" - \
        scmp_noconf _cpu
startup_share startup_warm scmp "run warm: added time / least launcher's" le:1.2 scmp_warm
startup_share startup_cold scmp "run cold: added time / least launcher's" - scmp_cold
startup_share startup_warm_cpu scmp "run warm: added CPU time / least launcher's" - \
        scmp_warm _cpu
startup_share startup_cold_cpu scmp "run cold: added CPU time / least launcher's" - \
        scmp_cold _cpu
if ((CMP_OK)); then
        startup_share startup_cmp_warm cmp "compared build, warm: added time / least launcher's" - cmp_warm
        startup_share startup_cmp_warm_cpu cmp \
                "compared build, warm: added CPU time / least launcher's" - cmp_warm _cpu
fi

# Real workloads: untraced, under `scmp-super trace` with no base profile
# (every syscall of the whole tree notified: the worst case) and under
# `strace -f`. bench/trace.sh has more workloads and the enforcing run.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)
PY_IMPORTS="import json, ssl, sqlite3, asyncio, decimal, email.mime.multipart, http.client, xml.etree.ElementTree, unittest, argparse, logging, subprocess, tarfile, zipfile, csv, urllib.request"
GCC_CMD=(gcc -O2 -D_GNU_SOURCE -I"$SOURCE_DIR/policy" -c "$SOURCE_DIR/policy/profile_oci.c" -o "$WORK/profile.o")
PY_CMD=("$PY" -c "$PY_IMPORTS")
section "5. Trace mode: scmp-super trace on real workloads"
for w in gcc py; do
        if [[ $w == gcc ]]; then
                cmd=("${GCC_CMD[@]}") what="gcc -O2 -c profile_oci.c"
        else
                cmd=("${PY_CMD[@]}") what="python3, 16 imports"
        fi
        row "tr_${w}_un" wall - - trace - "$what, untraced" -- "${cmd[@]}"
        row "tr_${w}_strace" wall "tr_${w}_un" - trace - "$what, strace -f -o /dev/null" -- \
                strace -f -o /dev/null "${cmd[@]}"
        row "tr_${w}_trace" wall "tr_${w}_un" le:1.6 trace - "$what, scmp-super trace" -- \
                $SCMP_SUPER trace -q -o "$WORK/traced.json" -- "${cmd[@]}"
        # Supervisor and target on one CPU: what trace costs without the
        # cross-CPU wake-ups its event loop is exposed to (see row b_loop).
        row "tr_${w}_trace_1cpu" wall "tr_${w}_un" - trace - "$what, scmp-super trace on CPU 0" -- \
                taskset -c 0 $SCMP_SUPER trace -q -o "$WORK/traced.json" -- "${cmd[@]}"
        row "tr_${w}_vs_strace" wall "tr_${w}_strace" le:0.5 trace - \
                "$what, scmp-super trace (vs strace)" -- :
        DERIVED[tr_${w}_vs_strace]="copy tr_${w}_trace"
        row "tr_${w}_added" share "tr_${w}_strace" le:0.5 trace - \
                "$what, trace: share of strace's overhead" -- :
        DERIVED[tr_${w}_added]="tr_${w}_trace tr_${w}_un tr_${w}_strace"
done

section "6. Memory: supervisor peak RSS (VmHWM)"
DAEMON_TARGETS=$((CHECK ? 10 : 100))
row mem_ref mem - - - 20000 "ref supervisor, one target" -- \
        $REF -- $LOOP --calls @CALLS@ --parent-status
row mem_one mem mem_ref mib:8 scmp 20000 "scmp-super run, one target, allow rule" -- \
        $SCMP_SUPER run --policy "$GETPPID_PROFILE" -- $LOOP --calls @CALLS@ --parent-status
row mem_one_busy mem mem_ref mib:8 scmp 2000 \
        "scmp-super run, one target, 8 threads, path rule, --log" -- \
        $SCMP_SUPER run --policy "$OPENAT_PROFILE" --log "$WORK/scmp.log" -- \
        $LOOP --threads 8 --calls @CALLS@ --syscall openat-path --parent-status
row mem_daemon daemon mem_one mib:16 scmp 1000 \
        "scmp-super daemon, $DAEMON_TARGETS targets connected at once" -- :

# ---------------------------------------------------------------- running

available() { # id -> 0 if the row can run
        case ${NEEDS[$1]} in
        scmp) ((SCMP_OK)) ;;
        cmp) ((SCMP_OK && CMP_OK)) ;;
        docker) ((DOCKER_OK)) && [[ -x $FEXEC ]] ;;
        fexec) [[ -x $FEXEC ]] ;;
        runbpf) [[ -s $WORK/run_filter.bpf ]] ;;
        trace) ((SCMP_OK && TRACE_OK)) ;;
        *) true ;;
        esac
}

why_not() {
        case ${NEEDS[$1]} in
        scmp | cmp) echo "$SCMP_WHY" ;;
        docker) if ((DOCKER_OK)); then echo "n/a (filter_exec not built)"; else
                echo "n/a (no $DOCKER_PROFILE)"; fi ;;
        fexec) echo "n/a (filter_exec not built)" ;;
        runbpf) echo "n/a (filter_exec --write-bpf made no filter)" ;;
        trace) if ((SCMP_OK)); then echo "$TRACE_WHY"; else echo "$SCMP_WHY"; fi ;;
        esac
}

scaled_calls() {
        awk -v c="$1" -v s="$SCALE" 'BEGIN { n = int(c * s); if (n < 100) n = 100; print n }'
}

# Marks a row failed, with the reason shown in the table.
fail_row() {
        local id=$1 why=$2
        [[ -e $WORK/$id.failed ]] || printf '%s\n' "$why" >"$WORK/$id.failed"
        printf 'FAILED: %s\n' "$why" >>"$WORK/$id.log"
}

# Every call answered: the supervisor's own count of the calls it answered
# must be what the target made (warm-up included). loop_target has already
# checked that every call returned success. $1 row, $2 expected, $3 stderr.
# For openat the dynamic loader's own opens come on top, so the count must
# be at least the calls made; under --emulate-open, every notification
# must have been answered by ADDFD. connect-udp and sendto-udp make one
# checked call per thread on top (loop_target.c).
verify_answered() {
        local id=$1 want=$2 err=$3 got emulated at_least=0
        case ${VERIFY[$id]:-} in
        ref) got=$(sed -n 's/^ref_supervisor .*notifications=\([0-9]*\).*/\1/p' "$err") ;;
        ref_net)
                want=$((want + THREADS_OF[$id]))
                got=$(sed -n 's/^ref_supervisor .*notifications=\([0-9]*\).*/\1/p' "$err")
                ;;
        summary_connect | summary_sendto)
                want=$((want + THREADS_OF[$id]))
                got=$(awk -v call="${VERIFY[$id]#summary_}" \
                        '$1 == call && $4 == 0 && $5 == 0 { print $2 }' "$err")
                ;;
        summary)
                # "  getppid   ALLOW LOG DENY KILL": every call allowed, none denied.
                got=$(awk '$1 == "getppid" && $4 == 0 && $5 == 0 { print $2 }' "$err")
                ;;
        ref_open)
                at_least=1
                got=$(sed -n 's/^ref_supervisor .*notifications=\([0-9]*\).*/\1/p' "$err")
                emulated=$(sed -n 's/^ref_supervisor .* emulated=\([0-9]*\).*/\1/p' "$err")
                if [[ ${CMD[$id]} == *--emulate-open* && $emulated != "$got" ]]; then
                        fail_row "$id" "ADDFD answered ${emulated:-?} of ${got:-?} openat calls"
                        return 1
                fi
                ;;
        summary_open)
                at_least=1
                got=$(awk '$1 == "openat" && $4 == 0 && $5 == 0 { print $2 }' "$err")
                ;;
        *) return 0 ;;
        esac
        if ((at_least)); then
                [[ $got =~ ^[0-9]+$ ]] && ((got >= want)) && return 0
                fail_row "$id" "supervisor answered ${got:-?} openat calls, not all $want made"
                return 1
        fi
        if [[ $got != "$want" ]]; then
                fail_row "$id" "supervisor answered ${got:-?} of $want calls"
                return 1
        fi
}

# Runs a loop_target row once; appends the value its KIND asks for.
run_loop_row() {
        local id=$1 calls cmd out value field want
        calls=$(scaled_calls "${CALLS[$id]}")
        cmd=${CMD[$id]//@CALLS@/$calls}
        # Rows with --log append a line per call; a fresh file keeps every
        # repetition alike and /tmp small.
        rm -f "$WORK/scmp.log"
        if ! out=$(eval "timeout -k 5 120 $cmd" 2>"$WORK/$id.err"); then
                cat "$WORK/$id.err" >>"$WORK/$id.log"
                # The first error a program of ours gave; a warning (scmp-super
                # warns of a profile the command could rewrite) says nothing
                # of why the row failed.
                fail_row "$id" "$(awk '/loop_target:|scmp-super:|ref_supervisor:|filter_exec:/ &&
                        !/: warning: / { print; found = 1; exit } END { exit !found }' "$WORK/$id.err" ||
                        tail -1 "$WORK/$id.err")"
                return
        fi
        cat "$WORK/$id.err" >>"$WORK/$id.log"
        case ${KIND[$id]} in
        ns) field=ns_per_call ;;
        tput) field=wall_ns_per_call ;;
        mem) field=parent_vmhwm_kib ;;
        esac
        value=$(sed -n "s/^loop_target .* $field=\\([0-9.]*\\).*/\\1/p" <<<"$out")
        if [[ -z $value ]]; then
                fail_row "$id" "no $field in: $out"
                return
        fi
        want=$((THREADS_OF[$id] * (calls + WARMUP_OF[$id])))
        verify_answered "$id" "$want" "$WORK/$id.err" || return
        echo "$value" >>"$WORK/$id.vals"
}

# One timed execution of a workload, in milliseconds. $EPOCHREALTIME costs
# no process.
run_wall_row() {
        local id=$1 start end us
        start=$EPOCHREALTIME
        if ! eval "timeout -k 5 300 ${CMD[$id]}" >/dev/null 2>"$WORK/$id.err"; then
                cat "$WORK/$id.err" >>"$WORK/$id.log"
                fail_row "$id" "$(tail -1 "$WORK/$id.err")"
                return
        fi
        end=$EPOCHREALTIME
        us=$((10#${end/./} - 10#${start/./}))
        printf '%d.%03d\n' $((us / 1000)) $((us % 1000)) >>"$WORK/$id.vals"
}

# The daemon row: one daemon, DAEMON_TARGETS `run --connect` at once, each
# target making its calls and then holding its listener open until the
# pipe it reads is closed. The daemon's VmHWM is read once all of them
# have exited, which covers the whole time they were connected.
run_daemon_row() {
        local id=$1 sock=$WORK/daemon.sock fifo=$WORK/hold calls dpid i k n pid hwm
        local pids=() failed=0
        calls=$(scaled_calls "${CALLS[$id]}")
        rm -f "$sock" "$fifo" "$WORK"/hold.*.out
        "${PIN_PREFIX[@]}" "$SCMP_SUPER" daemon --socket "$sock" --policy "$GETPPID_PROFILE" \
                </dev/null >>"$WORK/$id.log" 2>&1 &
        dpid=$!
        for ((k = 0; k < 250; k++)); do
                [[ -S $sock ]] && break
                sleep 0.02
        done
        if [[ ! -S $sock ]]; then
                kill "$dpid" 2>/dev/null
                wait "$dpid" 2>/dev/null
                fail_row "$id" "the daemon did not create $sock"
                return
        fi
        # Read-write, so that opening it neither blocks here nor in the
        # targets, and the targets see end of file only when this end closes.
        mkfifo "$fifo"
        exec 9<>"$fifo"
        for ((i = 0; i < DAEMON_TARGETS; i++)); do
                "${PIN_PREFIX[@]}" "$SCMP_SUPER" run --connect "$sock" --policy "$GETPPID_PROFILE" -- \
                        "$LOOP" --calls "$calls" --warmup 0 --hold \
                        <"$fifo" >"$WORK/hold.$i.out" 2>>"$WORK/$id.log" 9>&- &
                pids+=($!)
        done
        # Until every target has made its calls, or one has given up.
        for ((k = 0; k < 3000; k++)); do
                n=$(cat "$WORK"/hold.*.out 2>/dev/null | grep -c '^loop_target')
                ((n == DAEMON_TARGETS)) && break
                for pid in "${pids[@]}"; do
                        kill -0 "$pid" 2>/dev/null || { failed=1; break 2; }
                done
                sleep 0.02
        done
        exec 9>&-
        for pid in "${pids[@]}"; do
                wait "$pid" || failed=1
        done
        hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$dpid/status" 2>/dev/null)
        kill -TERM "$dpid" 2>/dev/null
        wait "$dpid" 2>/dev/null
        rm -f "$fifo"
        if ((failed)) || [[ $n != "$DAEMON_TARGETS" ]]; then
                fail_row "$id" "only $n of $DAEMON_TARGETS targets ran to the end"
        elif [[ -z $hwm ]]; then
                fail_row "$id" "no VmHWM for the daemon (pid $dpid)"
        else
                echo "$hwm" >>"$WORK/$id.vals"
        fi
}

# Start-up rows: one hyperfine call per row and repetition, so they are
# interleaved with the other rows like everything else; the value kept is
# hyperfine's median.
STARTUP_RUNS=$((CHECK ? 3 : 20))
run_ms_row() {
        local id=$1 csv=$WORK/startup.csv t0 t1 k samples=() cpu_samples=() c0 c1 CHILD_MS=0
        local envs=()
        read -r -a envs <<<"${ENVS[$id]:-}"
        if command -v hyperfine >/dev/null; then
                # Columns: command,mean,stddev,median,user,system,min,max
                # (seconds). The command may contain commas: count from the end.
                if env "${envs[@]}" hyperfine -N --style none --warmup 3 --runs "$STARTUP_RUNS" \
                        --export-csv "$csv" "${CMD[$id]}" >>"$WORK/$id.log" 2>&1; then
                        tail -n +2 "$csv" | awk -F, '{ printf "%.4f\n", $(NF-4) * 1000 }' \
                                >>"$WORK/$id.vals"
                        # user + system, means over the runs
                        tail -n +2 "$csv" |
                                awk -F, '{ printf "%.4f\n", ($(NF-3) + $(NF-2)) * 1000 }' \
                                        >>"$WORK/${id}_cpu.vals"
                else
                        fail_row "$id" "hyperfine: the command failed"
                fi
                return
        fi
        # Without hyperfine: one fork (the subshell, which execs the
        # command) per sample, timed with bash's own clock, so that what
        # the timing adds is the same small amount for every row (date and
        # env would add two more processes and dominate a /bin/true).
        # k = -1: a warm-up run, not counted, as hyperfine's. The CPU time
        # of each run: what `times` says this shell's reaped children used,
        # before and after (written to a file: a command substitution would
        # ask a subshell, whose children these are not).
        for ((k = -1; k < STARTUP_RUNS; k++)); do
                children_cpu_ms
                c0=$CHILD_MS
                t0=$EPOCHREALTIME
                if ! (
                        ((${#envs[@]})) && export "${envs[@]}"
                        eval "exec ${CMD[$id]}"
                ) >/dev/null 2>>"$WORK/$id.log"; then
                        fail_row "$id" "the command failed"
                        return
                fi
                t1=$EPOCHREALTIME
                children_cpu_ms
                c1=$CHILD_MS
                ((k < 0)) || samples+=($((10#${t1/./} - 10#${t0/./})))
                ((k < 0)) || cpu_samples+=($((c1 - c0)))
        done
        printf '%s\n' "${samples[@]}" | sort -n |
                awk '{ v[NR] = $1 } END { printf "%.4f\n", v[int((NR + 1) / 2)] / 1000 }' \
                        >>"$WORK/$id.vals"
        printf '%s\n' "${cpu_samples[@]}" | sort -n |
                awk '{ v[NR] = $1 } END { printf "%.4f\n", v[int((NR + 1) / 2)] }' \
                        >>"$WORK/${id}_cpu.vals"
}

# CHILD_MS: CPU milliseconds (user + system) of this shell's reaped
# children so far. Builtins only, so that nothing it runs is counted.
children_cpu_ms() {
        local fields ms=0 min rest
        times >"$WORK/times.txt"
        { read -r _ && read -r -a fields; } <"$WORK/times.txt"
        for rest in "${fields[@]}"; do # 0m0.004s
                min=${rest%%m*} rest=${rest#*m} rest=${rest%s}
                ms=$((ms + 10#$min * 60000 + 10#${rest%.*} * 1000 + 10#${rest#*.}))
        done
        CHILD_MS=$ms
}

run_row() {
        case ${KIND[$1]} in
        ns | tput | mem) run_loop_row "$1" ;;
        wall) run_wall_row "$1" ;;
        ms) run_ms_row "$1" ;;
        daemon) run_daemon_row "$1" ;;
        esac
}

# Warm-up: the page cache, Python's bytecode files, scmp-super's filter
# cache for the profiles the rows use.
if ((SCMP_OK && TRACE_OK)); then
        "${GCC_CMD[@]}" >/dev/null 2>&1
        "${PY_CMD[@]}" >/dev/null 2>&1
fi

n_rows=0
for id in "${ROWS[@]}"; do
        [[ $id == \#* ]] || n_rows=$((n_rows + 1))
done
# How busy the machine was with other work: CPU time of every process
# (/proc/stat) less this script's and its children's (/proc/$$/stat),
# both in clock ticks, over the run.
cpu_ticks() { # -> "busy total" for the whole machine
        awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i
                           print t - $5 - $6, t; exit }' /proc/stat
}
own_ticks() { # -> CPU ticks of this shell and its reaped children
        awk '{ print $14 + $15 + $16 + $17 }' "/proc/$$/stat"
}
say "running $n_rows rows x $REPS repetitions (threads=$THREADS, scale=$SCALE${PIN:+, pinned to CPU $PIN})"
read -r busy0 total0 < <(cpu_ticks)
own0=$(own_ticks)
load_start=$(cut -d' ' -f1 /proc/loadavg)
started=$SECONDS
for ((rep = 1; rep <= REPS; rep++)); do
        for id in "${ROWS[@]}"; do
                [[ $id == \#* ]] && continue
                [[ -n ${DERIVED[$id]:-} ]] && continue
                available "$id" || continue
                [[ -e $WORK/$id.failed ]] && continue
                run_row "$id"
        done
        say "  repetition $rep/$REPS done ($((SECONDS - started)) s)"
done
read -r busy1 total1 < <(cpu_ticks)
own1=$(own_ticks)
others=$(awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) -v o=$((own1 - own0)) \
        'BEGIN { x = t > 0 ? (b - o) / t * 100 : 0; printf "%.0f%%", x < 0 ? 0 : x }')

# Derived rows take their sources' values; a failed source fails them.
for id in "${ROWS[@]}"; do
        [[ -n ${DERIVED[$id]:-} ]] || continue
        read -r -a src <<<"${DERIVED[$id]}"
        [[ ${src[0]} == copy ]] && src=("${src[@]:1}")
        for s in "${src[@]}"; do
                [[ -e $WORK/$s.failed ]] && fail_row "$id" "row $s failed"
        done
        [[ ${DERIVED[$id]} == copy\ * && -s $WORK/${src[0]}.vals ]] &&
                cp "$WORK/${src[0]}.vals" "$WORK/$id.vals"
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
                      if (m == 0) { print "-"; exit }
                      printf "%.0f%%", (v[NR + 1 - lo] - v[lo]) / (m < 0 ? -m : m) * 100 }'
}

declare -A MED SPREAD ADDED
for id in "${ROWS[@]}"; do
        [[ $id == \#* ]] && continue
        if [[ -s $WORK/$id.vals && ! -e $WORK/$id.failed ]]; then
                MED[$id]=$(median "$WORK/$id.vals")
                SPREAD[$id]=$(spread "$WORK/$id.vals" "${MED[$id]}")
        fi
done
# The share of strace's overhead, from the medians: per repetition it would
# divide by a difference that noise can make zero or negative. Left without
# a value when strace was not slower than the untraced run: noise on a busy
# machine, not a failure of anything measured.
for id in "${ROWS[@]}"; do
        [[ ${KIND[$id]:-} == share && ! -e $WORK/$id.failed ]] || continue
        read -r -a src <<<"${DERIVED[$id]}"
        t=${MED[${src[0]}]:-} u=${MED[${src[1]}]:-} st=${MED[${src[2]}]:-}
        [[ -n $t && -n $u && -n $st ]] || continue
        ADDED[$id]=$(awk -v t="$t" -v u="$u" 'BEGIN { print t - u }')
        if awk -v u="$u" -v s="$st" 'BEGIN { exit !(s > u) }'; then
                MED[$id]=$(awk -v t="$t" -v u="$u" -v s="$st" 'BEGIN { print (t - u) / (s - u) }')
        else
                printf '%s\n' "no value: ${LABEL[${src[2]}]} was not slower than ${LABEL[${src[1]}]} (noise; try more --reps)" \
                        >"$WORK/$id.undefined"
        fi
done

ref_mode=$(sed -n 's/^ref_supervisor mode=\([a-z-]*\).*/\1/p' "$WORK/a.log" 2>/dev/null | head -1)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="$(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)"
versions="libseccomp $(pkg-config --modversion libseccomp 2>/dev/null || echo '?')"
versions+=", $(strace -V 2>/dev/null | head -1 | sed 's/ -- version//')"
versions+=", $(gcc --version 2>/dev/null | head -1), Python $("$PY" -c 'import platform; print(platform.python_version())' 2>/dev/null)"
source=$(git -C "$SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)
versions+=", source $source"
settings="reps=$REPS threads=$THREADS scale=$SCALE pin=${PIN:-none} trace=$TRACE"
settings+=", reference supervisor mode: ${ref_mode:-?}, $((SECONDS - started)) s"
load="$load_start at the start, $(cut -d' ' -f1 /proc/loadavg) at the end; other processes used $others of the CPUs"
if ((MARKDOWN)); then
        printf -- '- command: `%s`\n- machine: %s\n- software: %s\n- run: %s\n- load: %s\n\n' \
                "$COMMAND_LINE" "$machine" "$versions" "$settings" "$load"
else
        printf 'command: %s\nmachine: %s\nsoftware: %s\nrun: %s\nload: %s\n\n' \
                "$COMMAND_LINE" "$machine" "$versions" "$settings" "$load"
fi

FMT='%-58s %22s %6s  %-16s %8s  %-10s %s\n'
if ((MARKDOWN)); then
        printf '| row | median | IQR | ref | vs ref | goal | result |\n'
        printf '|---|---:|---:|---|---:|---|---|\n'
else
        # shellcheck disable=SC2059
        printf "$FMT" row median IQR ref "vs ref" goal result
fi

# The median as shown: $1 row.
show_median() {
        local id=$1 m=${MED[$1]} calls
        case ${KIND[$id]} in
        ns) awk -v m="$m" 'BEGIN { printf "%.0f ns", m }' ;;
        tput)
                calls=$(($(scaled_calls "${CALLS[$id]}") * THREADS_OF[$id]))
                awk -v m="$m" -v n="$calls" \
                        'BEGIN { printf "%.0fk calls/s, %.0f ms", 1e6 / m, m * n / 1e6 }'
                ;;
        ms | wall) awk -v m="$m" 'BEGIN { printf(m < 100 ? "%.2f ms" : "%.0f ms", m) }' ;;
        share) awk -v m="${ADDED[$id]}" 'BEGIN { printf "%+.1f ms", m }' ;;
        mem | daemon) awk -v m="$m" 'BEGIN { printf "%.1f MiB", m / 1024 }' ;;
        esac
}

status=0
failed_ids=()
for id in "${ROWS[@]}"; do
        if [[ $id == \#* ]]; then
                if ((MARKDOWN)); then
                        printf '| **%s** | | | | | | |\n' "${SECTION[$id]}"
                else
                        printf '%s\n' "${SECTION[$id]}"
                fi
                continue
        fi
        label=${LABEL[$id]} unit=${KIND[$id]}
        median='' ref='' ratio='' goal='' verdict='' note=''
        if ! available "$id"; then
                median=n/a note=$(why_not "$id")
        elif [[ -e $WORK/$id.undefined ]]; then
                median=n/a note=$(cat "$WORK/$id.undefined")
        elif [[ -e $WORK/$id.failed || -z ${MED[$id]:-} ]]; then
                median=FAILED
                note="FAILED: $(head -1 "$WORK/$id.failed" 2>/dev/null || echo 'no value')"
                status=1
                failed_ids+=("$id")
        else
                median=$(show_median "$id")
        fi

        # The reference: the first of "x|y" that has a value.
        primary=${REFOF[$id]%%|*}
        for r in ${REFOF[$id]//|/ }; do
                [[ $r != - && -n ${MED[$r]:-} ]] && { ref=$r; break; }
        done
        value=${MED[$id]:-}
        if [[ -n $ref && -n $value ]]; then
                case $unit in
                ms) ratio=$(awk -v a="$value" -v b="${MED[$ref]}" 'BEGIN { printf "%+.2f ms", a - b }') ;;
                share) ratio=$(awk -v a="$value" 'BEGIN { printf "%.2fx", a }') ;;
                # Throughput: calls/s over the reference's, so the inverse of
                # the ratio of wall times per call.
                tput) ratio=$(awk -v a="$value" -v b="${MED[$ref]}" 'BEGIN { printf "%.2fx", b / a }') ;;
                *) ratio=$(awk -v a="$value" -v b="${MED[$ref]}" 'BEGIN { printf "%.2fx", a / b }') ;;
                esac
        fi
        case ${GOAL[$id]} in
        le:*) goal="<= ${GOAL[$id]#le:}x" ;;
        ge:*) goal=">= ${GOAL[$id]#ge:}x" ;;
        addms:*) goal="<= +${GOAL[$id]#addms:} ms" ;;
        mib:*) goal="<= ${GOAL[$id]#mib:} MiB" ;;
        esac
        if [[ -n $goal && -n $value ]]; then
                if [[ ${GOAL[$id]} == mib:* ]]; then
                        verdict=$(awk -v a="$value" -v x="${GOAL[$id]#mib:}" \
                                'BEGIN { print a / 1024 <= x ? "pass" : "FAIL" }')
                elif [[ -z $ratio || $ref != "$primary" ]]; then
                        verdict=n/a
                else
                        verdict=$(awk -v a="$value" -v b="${MED[$ref]}" -v g="${GOAL[$id]}" -v u="$unit" 'BEGIN {
                                split(g, p, ":"); x = p[2] + 0
                                r = (u == "share") ? a : a / b
                                if (p[1] == "le") ok = r <= x
                                else if (p[1] == "ge") ok = r >= x
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
                # shellcheck disable=SC2059
                printf "$FMT" "$label" "$median" "${SPREAD[$id]:-}" "$refcell" "$ratio" "$goal" \
                        "$verdict"
        fi
done

# A failed row is never a number in the table; say it once more, loudly,
# with what its log says.
if ((${#failed_ids[@]})); then
        say ""
        say "*** ${#failed_ids[@]} row(s) FAILED: ${failed_ids[*]}"
        for id in "${failed_ids[@]}"; do
                say "--- row $id (${LABEL[$id]}), the end of its log:"
                tail -5 "$WORK/$id.log" >&2
        done
        [[ -n $KEEP ]] || say "(run with --keep DIR to keep every log)"
fi

# ---------------------------------------------------------------- issue 16
#
# The CI-sized trace job and the tails under load, each a script of its own
# (bench/ci_trace.sh, bench/fairness.sh) with its own table: their rows take
# seconds to minutes each, so they run only when asked for.
extra_bench() { # script -> runs it with this run's settings
        local args=(--build-dir "$BUILD_DIR" --reps "$REPS")
        ((CHECK)) && args+=(--check)
        ((MARKDOWN)) && args+=(--markdown)
        [[ -n $COMPARE ]] && args+=(--compare "$COMPARE")
        [[ -n $KEEP ]] && args+=(--keep "$WORK/$(basename "$1" .sh)")
        printf '\n'
        bash "$SOURCE_DIR/bench/$1" "${args[@]}"
}
if ((CI_TRACE)); then
        extra_bench ci_trace.sh || status=1
fi
if ((FAIRNESS)); then
        extra_bench fairness.sh || status=1
fi
exit $status
