#!/bin/bash
# SPDX-License-Identifier: MIT
# The hint run prints when a command fails under a profile that refuses
# what it does not name: one line saying how the command ended, after how
# long, and the trace command that shows what it needed. Nothing for a
# profile that lets unnamed calls through, nothing on a zero exit, and the
# exit status is the command's either way.
. "$(dirname "$0")/lib.sh"

require_file "$DOCKER_PROFILE"

HINT='a needed call was probably refused: try `scmp-super trace'

# Too tight to start any dynamically linked program: the loader's first
# mmap is refused and it crashes.
TIGHT=$(write_profile tight <<'JSON'
{ "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [ { "names": ["exit_group"], "action": "SCMP_ACT_ALLOW" } ] }
JSON
)
run_sup run --policy "$TIGHT" -- /bin/true
hint=$(printf '%s\n' "$ERR" | grep '^scmp-super: /bin/true ')
case "$hint" in
"scmp-super: /bin/true killed by SIG"*" after "*" ms; $HINT --policy $TIGHT -- /bin/true\`")
        pass "a profile too tight to start /bin/true: the hint names the signal and the trace to run" ;;
*) fail "a profile too tight to start /bin/true: the hint" "$(last_run_details)" ;;
esac
# The signal the hint names is the one the exit status says.
signame=$(printf '%s\n' "$hint" | sed -n 's/.* killed by SIG\([A-Z0-9]*\) after .*/\1/p')
assert_eq "the exit status is still 128+N for the signal named" \
        "$((128 + $(kill -l "$signame")))" "$STATUS"
assert_eq "one line" "1" "$(printf '%s\n' "$ERR" | grep -c 'a needed call was probably refused')"

# Docker's profile refuses what it does not name: a command that exits 3
# under it gets the hint with its status, and arguments quoted for a shell.
run_sup run --policy "$DOCKER_PROFILE" -- /bin/sh -c 'exit 3'
assert_exit "a deny-default profile and exit 3: the status is passed on" 3
assert_contains "and the hint says how it ended" \
        "scmp-super: /bin/sh exited with status 3 after " "$ERR"
assert_contains "with the command quoted as a shell reads it" \
        "$HINT --policy $DOCKER_PROFILE -- /bin/sh -c 'exit 3'\`" "$ERR"

run_sup run --policy "$DOCKER_PROFILE" -- /bin/true
assert_exit "a deny-default profile and a zero exit" 0
assert_not_contains "says nothing" "$HINT" "$ERR"

# Profiles that let unnamed calls through: whatever the command did, it
# was not this.
ALLOW=$(write_profile allow <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW" }
JSON
)
run_sup run --policy "$ALLOW" -- /bin/sh -c 'exit 3'
assert_exit "an allow-default profile and exit 3: the status is passed on" 3
assert_eq "and nothing is said" "" "$(err_but_rewrite_warning)"
run_sup run --policy "$ALLOW" -- /bin/sh -c 'kill -SEGV $$'
assert_exit "an allow-default profile and a crash: 139" 139
assert_eq "and nothing is said either" "" "$(err_but_rewrite_warning)"

LOGGED=$(write_profile logged <<'JSON'
{ "defaultAction": "SCMP_ACT_LOG" }
JSON
)
run_sup run --policy "$LOGGED" -- /bin/sh -c 'exit 3'
assert_eq "SCMP_ACT_LOG lets them through too: nothing said" "" "$(err_but_rewrite_warning)"

# Unnamed calls notified, and the supervisor's default allows them.
NOTIFY_ALLOW=$(write_profile notify_allow <<'JSON'
{ "defaultAction": "SCMP_ACT_NOTIFY", "supervisor": { "defaultAction": "allow" } }
JSON
)
run_sup run --policy "$NOTIFY_ALLOW" -- /bin/sh -c 'exit 3'
assert_exit "notified, allowed by the supervisor's default: the status is passed on" 3
assert_not_contains "and no hint" "$HINT" "$ERR"

# The same with the supervisor's default deny is a deny-default profile.
NOTIFY_DENY=$(write_profile notify_deny <<'JSON'
{ "defaultAction": "SCMP_ACT_NOTIFY", "supervisor": { "defaultAction": "deny" } }
JSON
)
run_sup run --policy "$NOTIFY_DENY" -- /bin/true
assert_contains "notified, denied by the supervisor's default: the hint" "$HINT" "$ERR"

finish
