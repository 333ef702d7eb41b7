#!/bin/bash
# shellcheck disable=SC2016 # "$..." in single quotes is for the shell under test
# SPDX-License-Identifier: MIT
# The whole process tree is recorded: the filter is inherited across fork,
# vfork, clone and threads and kept across exec, so one listener sees every
# member, however short-lived, and each call is put down to the process
# that made it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3

# 200 short-lived processes from a shell loop (dash forks with vfork).
LOOP='i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done; echo looped'
run_sup trace -q -o "$TMP/loop.json" -r "$TMP/loop.report.json" -- /bin/sh -c "$LOOP"
expect "200 children of a shell loop, traced" 0 "looped"
execs=$(report_count "$TMP/loop.report.json" execve)
exits=$(report_count "$TMP/loop.report.json" exit_group)
if [ "$execs" -ge 201 ] && [ "$exits" -ge 201 ]; then
        pass "every child is seen: $execs execve, $exits exit_group"
else
        fail "every child is seen" "execve: $execs, exit_group: $exits (want >= 201 each)"
fi
assert_eq "the last exit_group came from a /bin/true or the shell" "ok" \
        "$(json_query "$TMP/loop.report.json" \
                "'ok' if [s for s in r['syscalls'] if s['name'] == 'exit_group'][0]['last']['exe'] in ('/usr/bin/true', '/usr/bin/dash', '/bin/true', '/bin/dash') else 'no'")"
run_sup run --policy "$TMP/loop.json" -- /bin/sh -c "$LOOP"
expect "the loop runs under the profile it recorded" 0 "looped"

# A syscall only a grandchild makes is recorded, and put down to it.
run_sup trace -q -r "$TMP/grand.report.json" -- /bin/sh -c \
        '/bin/sh -c "$1 -c \"import os; print(os.getsid(0) >= 0)\""' sh "$PY"
expect "a grandchild's python3 ran" 0 "True"
assert_eq "its getsid is recorded" "1" "$(report_count "$TMP/grand.report.json" getsid)"
assert_eq "with the grandchild's executable as the caller" "$(readlink -f "$PY")" \
        "$(json_query "$TMP/grand.report.json" \
                "[s for s in r['syscalls'] if s['name'] == 'getsid'][0]['first']['exe']")"
assert_contains "and its command line" "import os" \
        "$(json_query "$TMP/grand.report.json" \
                "[s for s in r['syscalls'] if s['name'] == 'getsid'][0]['first']['cmdline']")"

# Threads: eight of them, each making one call nobody else makes.
THREADS='
import os, threading
def work():
    os.getpriority(os.PRIO_PROCESS, 0)
ts = [threading.Thread(target=work) for _ in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print("threads done")'
run_sup trace -q -o "$TMP/threads.json" -r "$TMP/threads.report.json" -- "$PY" -c "$THREADS"
expect "eight threads, traced" 0 "threads done"
assert_eq "each thread's getpriority is recorded" "8" \
        "$(report_count "$TMP/threads.report.json" getpriority)"
run_sup run --policy "$TMP/threads.json" -- "$PY" -c "$THREADS"
expect "the threads run under the profile they recorded" 0 "threads done"

# fork without exec: the child's calls are the child's.
FORK='
import os
pid = os.fork()
if pid == 0:
    os.getpgid(0)
    os._exit(7)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))'
run_sup trace -q -o "$TMP/fork.json" -r "$TMP/fork.report.json" -- "$PY" -c "$FORK"
expect "a forked child, traced" 0 "7"
assert_eq "the forked child's getpgid is recorded" "1" \
        "$(report_count "$TMP/fork.report.json" getpgid)"
assert_eq "made by another process than the parent's first call" "true" \
        "$(json_query "$TMP/fork.report.json" \
                "[s for s in r['syscalls'] if s['name'] == 'getpgid'][0]['first']['pid'] != [s for s in r['syscalls'] if s['name'] == 'execve'][0]['first']['pid']")"
run_sup run --policy "$TMP/fork.json" -- "$PY" -c "$FORK"
expect "the fork runs under the profile it recorded" 0 "7"

# A background child (waited for, so that the run is the same every time).
run_sup trace -q -r "$TMP/bg.report.json" -- /bin/sh -c '/bin/true & wait; echo waited'
expect "a background child, traced" 0 "waited"
if [ "$(report_count "$TMP/bg.report.json" execve)" -ge 2 ]; then
        pass "the background child's exec is recorded"
else
        fail "the background child's exec is recorded" "$(cat "$TMP/bg.report.json")"
fi

finish
