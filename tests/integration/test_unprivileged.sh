#!/bin/bash
# SPDX-License-Identifier: MIT
# scmp-super run as an ordinary user (nobody, no groups, no capabilities):
# the filter loads under no_new_privs, the supervisor reads its target's
# memory and /proc entries as the same user, and every kind of rule still
# applies.
. "$(dirname "$0")/lib.sh"

require_cmd setpriv
if [ "$(id -u)" != 0 ]; then
        skip "switching to nobody needs root; this runs as uid $(id -u)"
fi
NOBODY_UID=65534 NOBODY_GID=65534

# The build directory need not be reachable by nobody: copy the binaries.
mkdir -m 755 "$TMP/bin"
install -m 755 "$SCMP_SUPER" "$TMP/bin/scmp-super"
install -m 755 "$TRY" "$TMP/bin/try"
for d in allowed denied other secret; do
        mkdir -m 777 "$TMP/$d"
        echo "$d" >"$TMP/$d/f"
        chmod 666 "$TMP/$d/f"
done
mkdir -m 777 "$TMP/logs"
PATHS=$(profile paths)
NET=$(profile network)
KERNEL=$(profile kernel_actions)
ACTIONS=$TMP/actions.json
sed -e "s|@TMP@|$TMP|g" -e "s|@DEFAULT@|deny|" -e "s|@DEFAULT_ERRNO@|ENOMEDIUM|" \
        "$PROFILES/actions.json" >"$ACTIONS"
mkdir -m 777 "$TMP/kill" "$TMP/log"
chmod 644 "$TMP"/*.json

# as_nobody ARGS...: runs the copied "scmp-super ARGS..." as nobody, with
# no groups and no capabilities, like run_sup.
as_nobody()
{
        LAST_CMD="(as nobody) scmp-super $*"
        timeout -k 5 "$HANG_LIMIT" setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups \
                --inh-caps=-all --bounding-set=-all "$TMP/bin/scmp-super" "$@" \
                >"$TMP/out" 2>"$TMP/err" </dev/null
        STATUS=$?
        OUT=$(cat "$TMP/out")
        ERR=$(cat "$TMP/err")
}

# as_nobody_try PROFILE VERB...: the helper under PROFILE, as nobody.
as_nobody_try()
{
        local p=$1
        shift
        as_nobody run --policy "$p" -- "$TMP/bin/try" "$@"
}

as_nobody_try "$PATHS" ids
assert_contains "the command runs as nobody" "uid=$NOBODY_UID" "$OUT"
assert_exit "the command runs as nobody: exit status" 0

as_nobody_try "$PATHS" open "$TMP/allowed/f" -- open "$TMP/denied/f" -- open "$TMP/other/f" \
        -- mkdir "$TMP/allowed/d" -- mkdir "$TMP/secret/d"
expect "path rules apply for nobody" 0 "open: OK
open: ENOTTY
open: EACCES
mkdir: OK
mkdir: EROFS"
as_nobody_try "$PATHS" openat "$TMP/denied" f -- rename "$TMP/allowed/d" "$TMP/secret/d"
expect "dirfd-relative and two-path rules apply for nobody" 0 "openat: ENOTTY
rename: EROFS"
as_nobody_try "$PATHS" open /etc/shadow
expect "an allowed open still meets the kernel's permission check" 0 "open: EACCES"

as_nobody_try "$NET" connect 127.0.0.1:1 -- connect 10.1.2.3:80 -- connect "[::1]:1" \
        -- socket packet raw -- socket inet stream
expect "socket rules apply for nobody" 0 "connect: ECONNREFUSED
connect: ENETUNREACH
connect: ECONNREFUSED
socket: EACCES
socket: OK"

as_nobody_try "$KERNEL" syscall getgid -- mkdir "$TMP/allowed/k"
expect "kernel-side ERRNO applies for nobody" 0 "syscall: EDQUOT
mkdir: EROFS"
as_nobody_try "$KERNEL" syscall getpgrp
expect "kernel-side KILL_PROCESS for nobody: 159" 159 ""

as_nobody_try "$ACTIONS" mkdir "$TMP/kill/x" -- exit 0
expect "the supervisor's kill works on nobody's process" 137 ""
as_nobody_try "$ACTIONS" syscall getppid -- exit 6
expect "the supervisor default, and the exit status, for nobody" 6 "syscall: ENOMEDIUM"

# The log is written by nobody, and the exe is read from nobody's process.
as_nobody run --policy "$PATHS" --log "$TMP/logs/log.jsonl" -- "$TMP/bin/try" open "$TMP/denied/f"
expect "a logged run as nobody" 0 "open: ENOTTY"
if ERRORS=$(json_lines_valid "$TMP/logs/log.jsonl" 2>&1); then
        pass "nobody's log is valid JSON lines"
else
        fail "nobody's log is valid JSON lines" "$ERRORS"
fi
assert_contains "nobody's log names the exe and the denied path" \
        "\"exe\":\"$TMP/bin/try\"" "$(grep "\"$TMP/denied/f\"" "$TMP/logs/log.jsonl")"

# A profile nobody cannot read: 125, and nothing ran.
chmod 600 "$TMP/actions.json"
as_nobody_try "$ACTIONS" open "$TMP/allowed/marker" wronly,creat
assert_exit "a profile nobody cannot read: 125" 125
assert_eq "a profile nobody cannot read: nothing ran" absent \
        "$(exists "$TMP/allowed/marker")"

finish
