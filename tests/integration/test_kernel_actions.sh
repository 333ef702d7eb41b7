#!/bin/bash
# SPDX-License-Identifier: MIT
# The profile's kernel-side actions, which the filter applies without the
# supervisor: ERRNO with and without errnoRet, argument conditions, KILL
# (the thread), KILL_PROCESS, TRAP, LOG and ALLOW.
. "$(dirname "$0")/lib.sh"

P=$(profile kernel_actions)
SIGSYS_STATUS=$((128 + 31))

run_try "$P" syscall getgid
expect "ERRNO with errnoRet 122 fails the call with EDQUOT" 0 "syscall: EDQUOT"

run_try "$P" syscall getegid
expect "ERRNO without errnoRet fails the call with EPERM" 0 "syscall: EPERM"

run_try "$P" mkdir "$TMP/d"
expect "ERRNO errnoRet 30 on mkdir fails it with EROFS" 0 "mkdir: EROFS"
assert_eq "the refused mkdir created nothing" "absent" "$(exists "$TMP/d")"

run_try "$P" syscall getpid -- syscall getppid -- syscall getpid
expect "KILL ends the process by SIGSYS at the call" "$SIGSYS_STATUS" "syscall: OK"

run_try "$P" syscall getpgrp -- syscall getpid
expect "KILL_PROCESS ends the process by SIGSYS" "$SIGSYS_STATUS" ""

run_try "$P" syscall geteuid -- syscall getpid
expect "TRAP delivers SIGSYS, which kills a process without a handler" "$SIGSYS_STATUS" ""

run_try "$P" syscall getuid
expect "LOG lets the call through" 0 "syscall: OK"

run_try "$P" syscall sched_yield
expect "ALLOW lets the call through" 0 "syscall: OK"

run_try "$P" syscall getpid
expect "a call no entry names gets defaultAction (ALLOW)" 0 "syscall: OK"

run_try "$P" syscall gettid 7
expect "an entry whose argument condition holds applies" 0 "syscall: EINVAL"

run_try "$P" syscall gettid 8
expect "an entry whose argument condition fails does not apply" 0 "syscall: OK"

# KILL is SECCOMP_RET_KILL_THREAD: only the calling thread dies, and the
# process goes on; KILL_PROCESS takes every thread with it.
run_try "$P" threads 1 syscall getppid -- syscall getpid
expect "KILL in a second thread ends only that thread" 0 "syscall: OK"

run_try "$P" threads 1 syscall getpgrp -- syscall getpid
expect "KILL_PROCESS in a second thread ends the whole process" "$SIGSYS_STATUS" ""

run_try "$P" fork 1 syscall getppid -- syscall getpid
expect "a child killed by KILL does not take its parent along" 0 \
        "fork: child killed by SIGSYS
syscall: OK"

finish
