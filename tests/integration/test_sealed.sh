#!/bin/bash
# SPDX-License-Identifier: MIT
# The command under supervision cannot reach its supervisor: it runs with
# the supervisor's uid and tries what such a program can (tests/helper/
# reach.c), as root and as nobody. It must not read or write the
# supervisor's memory, signal it, reach an abstract socket made outside its
# run, answer its own prompts over the control socket (directly, or from an
# orphan whose parent has exited, through run's or the daemon's socket), or
# rewrite the profile and log that govern it; while a person's client still
# answers, and a same-uid process outside the run is kept out of the
# supervisor's memory too.
# shellcheck disable=SC2317
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3 setpriv
require_built "$BUILD_DIR/tests/reach"
# Nobody may not reach a python3 under /root (pyenv): Debian's own.
PY=/usr/bin/python3
require_file "$PY"
[ "$(id -u)" = 0 ] || skip "the unprivileged half switches to nobody, which needs root"

# Without Landlock signal scoping (ABI 6, Linux 6.12) the command can
# signal its supervisor, and a root command can ptrace it, abstract
# sockets are open (SECURITY.md): those checks are then skipped, loudly.
abi=$("$PY" -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True)
print(l.syscall(444, None, 0, 1))')
SCOPED=false
[ "$abi" -ge 6 ] && SCOPED=true

# Everything nobody runs must be reachable by nobody.
mkdir -m 755 "$TMP/bin"
install -m 755 "$SCMP_SUPER" "$TMP/bin/scmp-super"
install -m 755 "$BUILD_DIR/tests/reach" "$TMP/bin/reach"
SUP=$TMP/bin/scmp-super
REACH=$TMP/bin/reach

# as WHO ARGS...: runs ARGS as root, or as nobody with no groups or
# capabilities.
as()
{
        local who=$1
        shift
        if [ "$who" = root ]; then
                "$@"
        else
                setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
                        --bounding-set=-all "$@"
        fi
}

# sup_as WHO ARGS...: "scmp-super ARGS..." as WHO, with OUT, ERR, STATUS.
sup_as()
{
        local who=$1
        shift
        LAST_CMD="(as $who) scmp-super $*"
        as "$who" timeout -k 5 "$HANG_LIMIT" "$SUP" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
        STATUS=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
        [ "$STATUS" = 124 ] && fail "$LAST_CMD finished within ${HANG_LIMIT}s" "it hung"
}

for who in root nobody; do
        dir=$TMP/$who
        mkdir -m 700 "$dir"
        mkdir "$dir/ask"
        echo secret >"$dir/ask/f"
        cat >"$dir/ask.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["openat", "open", "creat", "openat2", "truncate", "link",
                          "linkat", "unlink", "unlinkat", "rename", "renameat",
                          "renameat2", "io_uring_setup", "open_by_handle_at"],
                "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "allow",
    "promptTimeout": 2,
    "rules": [{"path": "$dir/ask/**", "action": "prompt", "errno": "EACCES"}]
  }
}
EOF
        cat >"$dir/mkdir.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "allow"}
}
EOF
        cp "$dir/ask.json" "$dir/ask.orig"
        [ "$who" = root ] || chown -R 65534:65534 "$dir"

        # Memory: ptrace, process_vm_readv/writev, /proc/PID/mem, pidfd_getfd
        # on the supervisor (our parent). Non-dumpable keeps nobody out;
        # root (CAP_SYS_PTRACE) only the Landlock domain.
        if $SCOPED || [ "$who" != root ]; then
                sup_as "$who" run --policy "$dir/mkdir.json" -- "$REACH" memory 0
                expect "$who: the command cannot reach its supervisor's memory" 0 "ptrace: EPERM
process_vm_readv: EPERM
process_vm_writev: EPERM
proc-mem: EACCES
pidfd_getfd: EPERM"
        fi

        if $SCOPED; then
                # Signals: a STOP would freeze every decision; the run must carry on.
                sup_as "$who" run --policy "$dir/mkdir.json" -- "$REACH" signal 0 STOP CONT TERM KILL
                expect "$who: the command cannot signal its supervisor" 0 "signal STOP: EPERM
signal CONT: EPERM
signal TERM: EPERM
signal KILL: EPERM"

                # An abstract socket made outside the run: reachable from outside,
                # not from the command.
                name="scmp-super-test-$who-$$"
                as "$who" "$PY" -c '
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1]); s.listen(8)
print("ready", os.getpid(), flush=True)
time.sleep(120)' "$name" >"$dir/abstract.out" &
                wait_for 10 has_line "$dir/abstract.out" ready
                assert_eq "$who: an abstract socket made outside is reachable from outside" \
                        "abstract: OK" "$(as "$who" "$REACH" abstract "$name")"
                sup_as "$who" run --policy "$dir/mkdir.json" -- "$REACH" abstract "$name"
                expect "$who: the command cannot connect to it" 0 "abstract: EPERM"
                kill "$(sed -n 's/^ready //p' "$dir/abstract.out")"
                wait
        fi

        # Answering its own prompt through run's control socket, from the
        # command itself and from an orphan reparented away from it.
        for how in child orphan; do
                cp "$dir/ask.orig" "$dir/ask.json"
                sup_as "$who" run --policy "$dir/ask.json" --prompt socket \
                        --control "$dir/ctl.sock" --log "$dir/log.jsonl" -- \
                        "$REACH" answer "$dir/ctl.sock" "$dir/ask/f" "$how"
                assert_contains "$who, $how: the command's client is refused" \
                        "answer: refused: {\"v\":1,\"type\":\"error\",\"message\":\"permission denied: pid" \
                        "$OUT"
                assert_not_contains "$who, $how: it never hears a request" "replied" "$OUT"
                assert_contains "$who, $how: the prompted open timed out, denied" \
                        "open: EACCES" "$OUT"
                assert_eq "$who, $how: nothing was written into the profile" "" \
                        "$(cmp "$dir/ask.orig" "$dir/ask.json" 2>&1)"
                assert_not_contains "$who, $how: no decision is logged as a client's" \
                        '"by":"client"' "$(cat "$dir/log.jsonl")"
        done

        # A command of another run answering this run's prompt: over the
        # default abstract socket the kernel refuses the connection; over
        # a path, the command's seccomp filter gives it away.
        for where in default path; do
                control=()
                [ "$where" = path ] && control=(--control "$dir/b.sock")
                rm -f "$dir/b.err" "$dir/b.sock"
                as "$who" timeout -k 5 "$HANG_LIMIT" "$SUP" run --policy "$dir/ask.orig" \
                        --prompt socket "${control[@]}" -- cat "$dir/ask/f" \
                        >"$dir/b.out" 2>"$dir/b.err" </dev/null &
                other=$!
                wait_for 10 has_line "$dir/b.err" "control socket: "
                name=$(sed -n 's/^scmp-super: control socket: //p' "$dir/b.err")
                sup_as "$who" run --policy "$dir/mkdir.json" -- "$REACH" answer "$name" \
                        /dev/null child
                if [ "$where" = default ]; then
                        assert_eq "$who: the default control socket is abstract" "@" "${name:0:1}"
                        assert_contains "$who: another run's command cannot even connect" \
                                "answer: connect: EPERM" "$OUT"
                else
                        assert_contains "$who: another run's command is refused on a path socket" \
                                "runs under a seccomp filter" "$OUT"
                fi
                wait "$other"
                assert_eq "$who, $where: the other run's prompt was not answered by it" "" \
                        "$(cat "$dir/b.out")"
        done

        # A person's client, outside the run, still answers: it waits for
        # the socket, then allows the first request.
        cp "$dir/ask.orig" "$dir/ask.json"
        rm -f "$dir/ctl.sock"
        as "$who" "$PY" -c '
import json, os, socket, sys, time
deadline = time.monotonic() + 30
while not os.path.exists(sys.argv[1]) and time.monotonic() < deadline:
    time.sleep(0.02)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(30)
for line in s.makefile("r"):
    msg = json.loads(line)
    if msg["type"] == "request":
        s.sendall(json.dumps({"type": "reply", "id": msg["id"],
                              "decision": "allow"}).encode() + b"\n")
        break' "$dir/ctl.sock" >"$TMP/person.out" 2>&1 &
        person=$!
        sup_as "$who" run --policy "$dir/ask.json" --prompt socket --control "$dir/ctl.sock" -- \
                "$REACH" answer "$dir/ctl.sock" "$dir/ask/f" child
        wait "$person"
        assert_contains "$who: a person's client outside the run answers" "open: OK" \
                "$OUT$(cat "$TMP/person.out")"
        assert_contains "$who: ... while the command's own is refused" "answer: refused" "$OUT"

        # The profile and the log: reads are fine, writes are refused.
        cp "$dir/ask.orig" "$dir/ask.json"
        : >"$dir/log.jsonl"
        sup_as "$who" run --policy "$dir/ask.json" --prompt none --log "$dir/log.jsonl" -- \
                sh -c "cat $dir/ask.json >/dev/null && echo read-ok
echo '{}' >$dir/ask.json || echo write-refused
echo x >>$dir/log.jsonl || echo append-refused
mv $dir/ask.json $dir/moved || echo rename-refused
ln $dir/ask.json $dir/linked || echo link-refused
rm -f $dir/log.jsonl || echo unlink-refused
mv $dir $dir.moved || echo parent-rename-refused" 2>/dev/null
        expect "$who: the command reads the profile, and cannot change it or the log" 0 \
                "read-ok
write-refused
append-refused
rename-refused
link-refused
unlink-refused
parent-rename-refused"
        assert_eq "$who: the profile is unchanged" "" "$(cmp "$dir/ask.orig" "$dir/ask.json" 2>&1)"
        assert_contains "$who: the log names the built-in rule" '"rule":"built-in"' \
                "$(cat "$dir/log.jsonl")"
        assert_not_contains "$who: no warning when opens are routed" "can rewrite" "$ERR"

        # io_uring opens files where no rule sees the path: refused whole.
        cp "$dir/ask.orig" "$dir/ask.json"
        sup_as "$who" run --policy "$dir/ask.json" --prompt none -- "$REACH" uring-write \
                "$dir/ask.json"
        expect "$who: io_uring is refused while the profile is protected" 0 "uring-setup: EPERM"
        assert_eq "$who: the profile is still unchanged" "" "$(cmp "$dir/ask.orig" "$dir/ask.json" 2>&1)"

        # Where opens are not routed, one line names the risk.
        gaps="open, openat, creat, openat2, truncate, link, linkat, unlink, unlinkat, rename, renameat, renameat2, io_uring_setup"
        [ "$who" = root ] && gaps="$gaps, open_by_handle_at"
        sup_as "$who" run --policy "$dir/mkdir.json" -- true
        assert_contains "$who: run says the command can rewrite its profile" \
                "scmp-super: warning: the command can rewrite $dir/mkdir.json: writable by uid $(as "$who" id -u), and the profile does not route $gaps to scmp-super (SCMP_ACT_NOTIFY), which would refuse that" \
                "$ERR"

        # A same-uid process outside the run (no Landlock domain): kept out
        # of the supervisor's memory by non-dumpable alone, unless root.
        if [ "$who" = nobody ]; then
                rm -f "$dir/fifo"
                as "$who" mkfifo "$dir/fifo"
                as "$who" timeout -k 5 "$HANG_LIMIT" "$SUP" run --policy "$dir/mkdir.json" -- \
                        sh -c "echo \$PPID >$dir/started; read x <$dir/fifo" >/dev/null 2>&1 &
                runner=$!
                wait_for 10 test -s "$dir/started"
                sup_pid=$(cat "$dir/started")
                assert_eq "nobody: a process outside the run cannot reach the supervisor's memory" \
                        "ptrace: EPERM
process_vm_readv: EPERM
process_vm_writev: EPERM
proc-mem: EACCES
pidfd_getfd: EPERM" "$(as nobody "$REACH" memory "$sup_pid")"
                echo >"$dir/fifo"
                wait "$runner"
        fi
done

# The daemon's control socket: a command it serves (run --connect) cannot
# answer its own prompt either, nor can an orphan of it.
mkdir -p "$TMP/d/profiles" "$TMP/d/ask"
echo secret >"$TMP/d/ask/f"
cat >"$TMP/d/profiles/default.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["openat", "open"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "allow",
    "promptTimeout": 2,
    "rules": [{"path": "$TMP/d/ask/**", "action": "prompt", "errno": "EACCES"}]
  }
}
EOF
if start_daemon --policy-dir "$TMP/d/profiles" --control "$CONTROL"; then
        for how in child orphan; do
                run_sup run --connect "$SOCK" --policy "$TMP/d/profiles/default.json" -- \
                        "$REACH" answer "$CONTROL" "$TMP/d/ask/f" "$how"
                assert_contains "daemon, $how: the command's client is refused" \
                        "answer: refused: {\"v\":1,\"type\":\"error\",\"message\":\"permission denied: pid" \
                        "$OUT"
                assert_contains "daemon, $how: the prompted open timed out, denied" \
                        "open: EACCES" "$OUT"
        done
        # An orphan of the command, once its run --connect has exited: no
        # supervised process descends from anything the daemon knows, but
        # its filter gives it away.
        run_sup run --connect "$SOCK" --policy "$TMP/d/profiles/default.json" -- \
                "$REACH" answer-late "$CONTROL" "$TMP/d/ask/f" "$TMP/late.out"
        assert_exit "daemon, late: run --connect ends with its command" 0
        if wait_for 30 has_line "$TMP/late.out" done; then
                assert_contains "daemon, late: the orphan's client is refused" \
                        "answer: refused: {\"v\":1,\"type\":\"error\",\"message\":\"permission denied: pid" \
                        "$(cat "$TMP/late.out")"
                assert_contains "daemon, late: its prompted open timed out, denied" \
                        "open: EACCES" "$(cat "$TMP/late.out")"
        else
                fail "daemon, late: the orphan finishes" "$(cat "$TMP/late.out")"
        fi
        # And a person's client is still taken.
        if "$SCMP_SUPER" status --control "$CONTROL" >"$TMP/status.out" 2>&1; then
                pass "daemon: a person's client is still served"
        else
                fail "daemon: a person's client is still served" "$(cat "$TMP/status.out")"
        fi
        stop_daemon TERM
fi

$SCOPED || skip "the signal and abstract-socket checks, and the root memory one: this" \
        "kernel's Landlock (ABI $abi) cannot scope signals (ABI 6, Linux 6.12)"
finish
