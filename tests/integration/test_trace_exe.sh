#!/bin/bash
# SPDX-License-Identifier: MIT
# trace --exe GLOB: only the calls of programs whose executable (the
# caller's /proc/PID/exe at the time of the call, symlinks resolved)
# matches are recorded; the others are let through as always, counted and
# left out of the report and the profile.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/trace_lib.sh"

require_cmd python3 readlink
TRY_REAL=$(readlink -f "$TRY")
SH_REAL=$(readlink -f /bin/sh)

# sh starts the helper, which makes a socket; only sh waits for it (wait4).
run_sup trace -q -r "$TMP/all.json" -- /bin/sh -c "$TRY socket inet stream; true"
expect "sh and the helper, traced whole" 0 "socket: OK"
assert_eq "without --exe, sh's wait4 is recorded" "true" \
        "$(json_query "$TMP/all.json" "any(s['name'] == 'wait4' for s in r['syscalls'])")"

run_sup trace -q --exe "$TRY_REAL" -r "$TMP/try.json" -o "$TMP/try-profile.json" \
        -- /bin/sh -c "$TRY socket inet stream; true"
expect "with --exe the helper, the run is the same" 0 "socket: OK"
assert_eq "the helper's socket is recorded" "true" \
        "$(json_query "$TMP/try.json" "any(s['name'] == 'socket' for s in r['syscalls'])")"
assert_eq "every recorded call's caller is the helper" "[\"$TRY_REAL\"]" \
        "$(json_query "$TMP/try.json" "sorted(set(c['exe'] for s in r['syscalls'] for c in (s['first'], s['last'])))")"
assert_eq "sh's wait4 is not" "false" \
        "$(json_query "$TMP/try.json" "any(s['name'] == 'wait4' for s in r['syscalls'])")"
assert_eq "the report names the glob" "[\"$TRY_REAL\"]" "$(json_query "$TMP/try.json" "r['exe']")"
assert_eq "and counts the calls of other programs" "true" \
        "$(json_query "$TMP/try.json" "r['totals']['otherCalls'] > 0")"
assert_eq "the profile has no wait4 either: it is for the helper, not the tree" "" \
        "$(profile_names "$TMP/try-profile.json" | grep -x wait4)"
run_sup run --policy "$TMP/try-profile.json" -- "$TRY" socket inet stream
expect "the helper alone runs under it" 0 "socket: OK"

run_sup trace --exe "$TRY_REAL" -- /bin/sh -c "$TRY syscall getpid"
assert_contains "the summary says what was left out" \
        "scmp-super trace: recorded only the calls of $TRY_REAL; " "$ERR"
assert_contains "and what that means" "calls of other programs were allowed but not recorded" "$ERR"

# The executable is the resolved file: a symlink's own name matches nothing.
ln -s "$TRY_REAL" "$TMP/try-link"
run_sup trace -q --exe "$TMP/try-link" -r "$TMP/link.json" -- "$TMP/try-link" syscall getpid
expect "the helper through a symlink" 0 "syscall: OK"
assert_eq "nothing is recorded under the symlink's name" "[]" \
        "$(json_query "$TMP/link.json" "r['syscalls']")"
run_sup trace -q --exe "${TRY_REAL%/*}/*" -r "$TMP/glob.json" -- "$TMP/try-link" syscall getpid
assert_eq "a glob over the real directory matches it, the launcher's execve included" "true" \
        "$(json_query "$TMP/glob.json" "any(s['name'] == 'execve' for s in r['syscalls']) and any(s['name'] == 'getpid' for s in r['syscalls'])")"

# Several globs: either matches; sh's own calls now count too.
run_sup trace -q --exe "$TRY_REAL" --exe "$SH_REAL" -r "$TMP/both.json" \
        -- /bin/sh -c "$TRY socket inet stream; true"
assert_eq "with sh's executable as well, wait4 is recorded" "true" \
        "$(json_query "$TMP/both.json" "any(s['name'] == 'wait4' for s in r['syscalls'])")"

run_sup trace -q --exe 'relative/*' -- "$TRY" syscall getpid
assert_exit "a glob that is not absolute is refused" 125
assert_contains "saying what is wanted" "an absolute path glob" "$ERR"
assert_eq "and the command did not run" "" "$OUT"

finish
