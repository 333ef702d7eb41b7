#!/bin/bash
# SPDX-License-Identifier: MIT
# Supervisor rules on who calls: the executable (exe glob, matched against
# the resolved /proc/PID/exe, so it follows exec) and the caller's uid.
# (Numeric argument rules are in test_rules_network.sh, on socket(2).)
. "$(dirname "$0")/lib.sh"

SH=$(readlink -f /bin/sh)
P=$(profile exe_uid)
sed -i "s|@SH@|$SH|g" "$P"
mkdir "$TMP/exe" "$TMP/sh" "$TMP/uid" "$TMP/bin"
chmod 777 "$TMP/uid"
# The same program under another name: only the exe glob tells them apart.
cp "$TRY" "$TMP/bin/other"

run_try "$P" mkdir "$TMP/exe/a"
expect "the helper, named try, matches exe /**/try" 0 "mkdir: OK"
run_sup run --policy "$P" -- "$TMP/bin/other" mkdir "$TMP/exe/b"
expect "the same helper named 'other' does not" 0 "mkdir: EXDEV"
assert_eq "its mkdir made nothing" absent "$(exists "$TMP/exe/b")"

run_sup run --policy "$P" -- /bin/sh -c "mkdir '$TMP/exe/c'"
assert_exit "/bin/sh running mkdir(1) in exe/: mkdir fails" 1
assert_eq "/bin/sh running mkdir(1) in exe/: nothing made" absent "$(exists "$TMP/exe/c")"
assert_contains "/bin/sh running mkdir(1) in exe/: mkdir(1) reports EXDEV" \
        "Invalid cross-device link" "$ERR"

# The shell opens a redirection's file itself: its exe is the shell's.
run_sup run --policy "$P" -- /bin/sh -c "echo hi >'$TMP/sh/by-sh'"
assert_exit "sh redirecting into sh/ (exe $SH): allowed" 0
assert_eq "sh redirecting into sh/: the file has the text" hi "$(cat "$TMP/sh/by-sh" 2>&1)"
run_sup run --policy "$P" -- /bin/sh -c "cat '$TMP/sh/by-sh'"
assert_exit "cat(1) started by sh opening sh/by-sh: its exe is not sh" 1
assert_contains "cat(1) started by sh: reports EXDEV" "Invalid cross-device link" "$ERR"
run_try "$P" open "$TMP/sh/by-sh"
expect "the helper opening sh/by-sh" 0 "open: EXDEV"

run_sup run --policy "$P" -- /bin/sh -c "exec '$TRY' mkdir '$TMP/exe/via-sh'"
expect "sh exec'ing the helper: the exe is the helper's again" 0 "mkdir: OK"

run_try "$P" exec "$TMP/bin/other" mkdir "$TMP/exe/d" -- exit 0
expect "the helper exec'ing its copy: the exe follows the exec" 0 "mkdir: EXDEV"

# The executable is cached (supervisor/core/exe_cache.h): for the whole tree
# until its first exec, then per thread. Every exec is routed to the
# supervisor, so a cached answer never outlives one. One process, before
# and after an exec:
run_try "$P" mkdir "$TMP/exe/e1" -- exec "$TMP/bin/other" mkdir "$TMP/exe/e2"
expect "mkdir, exec the copy, mkdir: the second is the copy's" 0 "mkdir: OK
mkdir: EXDEV"
run_sup run --policy "$P" -- "$TMP/bin/other" mkdir "$TMP/exe/e3" -- exec "$TRY" mkdir "$TMP/exe/e4"
expect "and the other way round" 0 "mkdir: EXDEV
mkdir: OK"
# A thread other than the leader execs: it takes over the leader's thread
# id, the id the first mkdir was cached under.
run_try "$P" mkdir "$TMP/exe/t1" -- threads 1 exec "$TMP/bin/other" mkdir "$TMP/exe/t2"
expect "a thread exec'ing the copy: the leader's id now runs the copy" 0 "mkdir: OK
mkdir: EXDEV"
run_sup run --policy "$P" -- "$TMP/bin/other" mkdir "$TMP/exe/t3" -- threads 1 exec "$TRY" mkdir "$TMP/exe/t4"
expect "a thread of the copy exec'ing the helper" 0 "mkdir: EXDEV
mkdir: OK"
# Children of the copy exec the helper: new thread ids, each its own.
run_sup run --policy "$P" -- "$TMP/bin/other" mkdir "$TMP/exe/k0" -- fork 4 exec "$TRY" mkdir "$TMP/exe/kids"
assert_exit "four children of the copy exec the helper" 0
assert_eq "the copy's own mkdir is the copy's" "mkdir: EXDEV" "$(head -n 1 <<<"$OUT")"
assert_eq "each child's mkdir is the helper's (one made it, three found it)" \
        "1 3 0" "$(printf '%s ' "$(grep -c 'mkdir: OK' <<<"$OUT")" "$(grep -c 'mkdir: EEXIST' <<<"$OUT")" \
        "$(tail -n +2 <<<"$OUT" | grep -c 'mkdir: EXDEV')" | sed 's/ $//')"

# The race that case is about: the old main thread calls on under its id
# until the exec kills it; the new program must not inherit its answer.
race_ok=0
for i in 1 2 3 4 5 6 7 8; do
        run_sup run --policy "$P" -- "$HOSTILE" exec-race "$TMP/exe/race" "$TRY" "$TMP/exe/after-$i"
        [ "$STATUS" = 0 ] && [ "$OUT" = "mkdir: OK" ] && race_ok=$((race_ok + 1))
done
assert_eq "a thread execs the helper while the main thread calls: 8 of 8 are the helper's" \
        8 "$race_ok"

# Nor can the target answer its own execs: the kernel refuses it a
# listener of its own while ours is there (no_new_privs is already set).
run_sup run --policy "$P" -- "$HOSTILE" second-listener
expect "a second listener under ours is refused" 0 "second-listener: EBUSY"

# uid: the caller's real uid as /proc/PID/status has it.
run_try "$P" mkdir "$TMP/uid/root"
expect "uid 0 makes a directory in uid/" 0 "mkdir: OK"
run_try "$P" setuid 65534 -- mkdir "$TMP/uid/nobody"
expect "after setuid(65534), the uid 65534 rule applies" 0 "setuid: OK
mkdir: EDQUOT"
assert_eq "nobody's mkdir made nothing" absent "$(exists "$TMP/uid/nobody")"
run_try "$P" setuid 1000 -- mkdir "$TMP/uid/other"
expect "after setuid(1000), neither uid rule applies" 0 "setuid: OK
mkdir: EMLINK"
run_try "$P" fork 1 setuid 65534 -- mkdir "$TMP/uid/parent"
expect "a child's setuid does not change its parent's uid" 0 "setuid: OK
mkdir: OK"

finish
