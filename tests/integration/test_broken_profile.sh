#!/bin/bash
# SPDX-License-Identifier: MIT
# A profile with a mistake stops scmp-super before the command starts:
# exit status 125, a message with file:line:col and the JSON path, and the
# command never ran (it would have created a marker file). Names a kernel
# does not know are skipped, as runtimes do, and the command runs.
. "$(dirname "$0")/lib.sh"

MARKER=$TMP/marker
N=0

# refused NAME EXPECTED_IN_MESSAGE: the profile on stdin must be refused.
refused()
{
        local name=$1 needle=$2 file
        N=$((N + 1))
        file=$TMP/broken-$N.json
        cat >"$file"
        rm -f "$MARKER"
        run_sup run --policy "$file" -- "$TRY" open "$MARKER" wronly,creat
        assert_exit "$name: 125" 125
        assert_eq "$name: the command never ran" "no marker" \
                "$([ -e "$MARKER" ] && echo "marker created" || echo "no marker")"
        assert_contains "$name: the message names the file and place" "broken-$N.json:" "$ERR"
        assert_contains "$name: the message says what is wrong" "$needle" "$ERR"
        assert_contains "$name: and that the command was not started" "not started" "$ERR"
}

# The marker command does create the marker when the profile is good.
run_try "$PROFILES/allow_all.json" open "$MARKER" wronly,creat
expect "the marker command under a good profile" 0 "open: OK"
assert_eq "the marker command creates the marker" "marker created" \
        "$([ -e "$MARKER" ] && echo "marker created" || echo "no marker")"

refused "an unknown defaultAction" 'defaultAction: unknown action "SCMP_ACT_ALOW"' <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALOW"
}
JSON
assert_contains "an unknown defaultAction: line 2" "broken-$N.json:2:" "$ERR"

refused "errnoRet with SCMP_ACT_ALLOW" "syscalls[0].errnoRet" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["getpid"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1 } ] }
JSON

refused "an argument index out of range" "syscalls[0].args[0].index" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["getpid"], "action": "SCMP_ACT_ERRNO",
                  "args": [ { "index": 6, "value": 1, "op": "SCMP_CMP_EQ" } ] } ] }
JSON

refused "an unknown comparison operator" 'SCMP_CMP_EQUAL' <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["getpid"], "action": "SCMP_ACT_ERRNO",
                  "args": [ { "index": 0, "value": 1, "op": "SCMP_CMP_EQUAL" } ] } ] }
JSON

refused "a missing defaultAction" "defaultAction" <<'JSON'
{ "syscalls": [] }
JSON

# A misspelt field of a supervisor rule would drop its condition and let
# the allow rule match every path: refused, with the field to write.
refused "a misspelt supervisor rule field" \
        'supervisor.rules[0].paths: unknown field (did you mean "path"?)' <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["openat", "open"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "defaultAction": "deny",
                  "rules": [ { "syscalls": ["openat", "open"], "paths": ["/tmp/**"],
                               "action": "allow" } ] } }
JSON

refused "an array instead of an object" "object" <<'JSON'
[]
JSON

refused "a missing comma" "not valid JSON" <<'JSON'
{
  "defaultAction": "SCMP_ACT_ALLOW"
  "syscalls": []
}
JSON
assert_contains "a missing comma: points at line 3" "broken-$N.json:3:" "$ERR"

# cJSON stops at the end of the first value unless told to insist on the
# end of the text; runc and Docker refuse such a file.
refused "JSON followed by more text" "JSON" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW" } and then some
JSON

refused "an unknown errno name in a rule" "supervisor.rules[0].errno" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["mkdir"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "rules": [ { "syscalls": ["mkdir"], "action": "deny", "errno": "EPREM" } ] } }
JSON

refused "an unknown rule action" "supervisor.rules[0].action" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["openat"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "rules": [ { "syscalls": ["openat"], "action": "permit" } ] } }
JSON

refused "a path glob that is not absolute" "supervisor.rules[0].path" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["openat"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "rules": [ { "syscalls": ["openat"], "path": "relative/*", "action": "allow" } ] } }
JSON

refused "a path glob with an unterminated class" "supervisor.rules[0].path" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["openat"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "rules": [ { "syscalls": ["openat"], "path": "/etc/[ab", "action": "allow" } ] } }
JSON

refused "a CIDR prefix over 32" "supervisor.rules[0].address.cidr" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["connect"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "rules": [ { "syscalls": ["connect"], "address": { "cidr": "10.0.0.0/33" },
                               "action": "deny" } ] } }
JSON

refused "an unknown syscall group in a rule" "@no-such-group" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["connect"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "rules": [ { "syscalls": ["@no-such-group"], "action": "deny" } ] } }
JSON

refused "a negative uid" "supervisor.rules[0].uid" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["connect"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "rules": [ { "syscalls": ["connect"], "uid": -1, "action": "deny" } ] } }
JSON

refused "an unknown supervisor defaultAction" "supervisor.defaultAction" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "supervisor": { "defaultAction": "maybe" } }
JSON

# A syscall name this kernel or libseccomp does not know is skipped (as
# runc does), and --verbose says so.
cat >"$TMP/unknown-name.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["no_such_syscall_xyz", "getppid"], "action": "SCMP_ACT_ERRNO",
                  "errnoRet": 122 } ] }
JSON
run_sup run --policy "$TMP/unknown-name.json" --verbose -- "$TRY" syscall getppid
expect "an unknown syscall name is skipped; the rest of the entry applies" 0 "syscall: EDQUOT"
assert_contains "--verbose names the skipped syscall" "no_such_syscall_xyz" "$ERR"

# A path rule the kernel filter lets programs walk around (open beside a
# rule on openat, io_uring_setup) loads, with a warning from check; with
# --strict, check says the profile is invalid (1) and run refuses it as a
# bad profile (125) before the command starts.
cat >"$TMP/walkaround.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["openat"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "defaultAction": "allow",
                  "rules": [ { "comment": "no secrets", "syscalls": ["openat"],
                               "path": "/secret/**", "action": "deny" } ] } }
JSON
run_sup check --quiet --policy "$TMP/walkaround.json"
expect "check: a rule that can be walked around is a warning" 0 "policy OK"
assert_contains "check: the warning names the rule and the siblings" \
        "warning: $TMP/walkaround.json:4:30: supervisor.rules[0]: this deny rule (\"no secrets\") can be walked around: the kernel filter lets open, openat2, creat and truncate through without notifying; add open, openat2, creat and truncate to the SCMP_ACT_NOTIFY entry and to this rule's syscalls" \
        "$ERR"
assert_contains "check: and the calls with no path" \
        "io_uring_setup and open_by_handle_at reach files by no path, and the profile lets them through; refuse io_uring_setup and open_by_handle_at with SCMP_ACT_ERRNO" \
        "$ERR"
run_sup check --quiet --strict --policy "$TMP/walkaround.json"
expect "check --strict: the profile is invalid" 1 ""
assert_contains "check --strict: says why" "--strict: 2 ways around path and address rules" "$ERR"

rm -f "$MARKER"
run_sup run --policy "$TMP/walkaround.json" -- "$TRY" open "$MARKER" wronly,creat
expect "run without --strict: the command runs" 0 "open: OK"
assert_not_contains "run without --strict: not a word of it" "walked around" "$ERR"
assert_eq "run without --strict: the marker is there" "exists" "$(exists "$MARKER")"
run_sup run --verbose --policy "$TMP/walkaround.json" -- "$TRY" open "$MARKER" wronly
expect "run --verbose: the command runs" 0 "open: OK"
assert_contains "run --verbose: the ways around are shown" "can be walked around" "$ERR"
rm -f "$MARKER"
run_sup run --strict --policy "$TMP/walkaround.json" -- "$TRY" open "$MARKER" wronly,creat
assert_exit "run --strict: 125" 125
assert_eq "run --strict: the command never ran" "absent" "$(exists "$MARKER")"
assert_contains "run --strict: the ways around are shown" \
        "scmp-super: warning: $TMP/walkaround.json:4:30: supervisor.rules[0]: this deny rule" "$ERR"
assert_contains "run --strict: and that the command was not started" "not started" "$ERR"

# Mended: the opens notified together and named by the rule, the calls
# with no path refused. --strict has nothing to say.
cat >"$TMP/mended.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["open", "openat", "openat2", "creat", "truncate"],
                  "action": "SCMP_ACT_NOTIFY" },
                { "names": ["io_uring_setup", "open_by_handle_at"], "action": "SCMP_ACT_ERRNO" } ],
  "supervisor": { "defaultAction": "allow",
                  "rules": [ { "syscalls": ["open", "openat", "openat2", "creat", "truncate"],
                               "path": "/secret/**", "action": "deny" } ] } }
JSON
run_sup check --quiet --strict --policy "$TMP/mended.json"
expect "check --strict: a mended profile" 0 "policy OK"
assert_eq "check --strict: a mended profile has no warning" "" "$ERR"
rm -f "$MARKER"
run_sup run --strict --policy "$TMP/mended.json" -- "$TRY" open "$MARKER" wronly,creat
expect "run --strict: a mended profile runs the command" 0 "open: OK"
assert_eq "run --strict: the marker is there" "exists" "$(exists "$MARKER")"

# An address rule on connect is walked around by a send that names its
# peer (a UDP datagram, TCP Fast Open) and by io_uring's connect: check
# names sendto and io_uring_setup, and --strict refuses the profile.
cat >"$TMP/peer.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["connect"], "action": "SCMP_ACT_NOTIFY" } ],
  "supervisor": { "defaultAction": "allow",
                  "rules": [ { "comment": "no LAN", "syscalls": ["connect"],
                               "address": { "cidr": "192.168.0.0/16" }, "action": "deny" } ] } }
JSON
run_sup check --quiet --policy "$TMP/peer.json"
expect "check: an address rule that can be walked around is a warning" 0 "policy OK"
assert_contains "check: the warning names the rule and the sends" \
        "warning: $TMP/peer.json:4:30: supervisor.rules[0]: this deny rule (\"no LAN\") can be walked around: the kernel filter lets sendto, sendmsg and sendmmsg through without notifying, and each of them names a peer (a UDP datagram, a TCP Fast Open connect); add sendto, sendmsg and sendmmsg to the SCMP_ACT_NOTIFY entry and to this rule's syscalls (sendto may stay allowed where its argument 4, dest_addr, is 0: such a send names no peer)" \
        "$ERR"
assert_contains "check: and io_uring_setup, with ENOSYS as the fix" \
        "warning: $TMP/peer.json:4:30: supervisor.rules[0]: this deny rule (\"no LAN\") can be walked around: io_uring_setup connects, binds and sends to addresses no rule sees, and the profile lets it through; refuse io_uring_setup with SCMP_ACT_ERRNO and errnoRet 38 (ENOSYS" \
        "$ERR"
run_sup check --quiet --strict --policy "$TMP/peer.json"
expect "check --strict: an address rule walked around makes the profile invalid" 1 ""
assert_contains "check --strict: says why" "--strict: 2 ways around path and address rules" "$ERR"
run_sup run --strict --policy "$TMP/peer.json" -- "$TRY" syscall getppid
assert_exit "run --strict: an address rule walked around: 125" 125
assert_eq "run --strict: the command never ran" "" "$OUT"
assert_contains "run --strict: the sends are named" "lets sendto, sendmsg and sendmmsg through" "$ERR"

# A path rule beside io_uring_setup allowed (for some arguments: the fix
# must be whole) is named as well.
cat >"$TMP/uring-some.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["open", "openat", "openat2", "creat", "truncate"],
                  "action": "SCMP_ACT_NOTIFY" },
                { "names": ["open_by_handle_at"], "action": "SCMP_ACT_ERRNO" },
                { "names": ["io_uring_setup"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                  "args": [ { "index": 0, "value": 64, "op": "SCMP_CMP_GT" } ] } ],
  "supervisor": { "defaultAction": "allow",
                  "rules": [ { "syscalls": ["open", "openat", "openat2", "creat", "truncate"],
                               "path": "/secret/**", "action": "deny" } ] } }
JSON
run_sup check --quiet --strict --policy "$TMP/uring-some.json"
expect "check --strict: io_uring_setup refused only for some arguments" 1 ""
assert_contains "check --strict: names io_uring_setup" \
        "io_uring_setup reaches files by no path, and the profile lets it through; refuse io_uring_setup with SCMP_ACT_ERRNO" \
        "$ERR"

# Mended: every call that names a peer notified and named by the rule,
# io_uring refused with ENOSYS. --strict has nothing to say. (This profile
# once began with an allow entry for sendto without an address; the notify
# entry after it, naming sendto without conditions, replaced it in the
# kernel filter, and the loader now refuses such a pair.)
cat >"$TMP/peer-mended.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["connect", "sendto", "sendmsg", "sendmmsg"],
                  "action": "SCMP_ACT_NOTIFY" },
                { "names": ["io_uring_setup", "io_uring_enter", "io_uring_register"],
                  "action": "SCMP_ACT_ERRNO", "errnoRet": 38 } ],
  "supervisor": { "defaultAction": "allow",
                  "rules": [ { "syscalls": ["connect", "sendto", "sendmsg", "sendmmsg"],
                               "address": { "cidr": "192.168.0.0/16" }, "action": "deny" } ] } }
JSON
run_sup check --quiet --strict --policy "$TMP/peer-mended.json"
expect "check --strict: a mended address profile" 0 "policy OK"
assert_eq "check --strict: a mended address profile has no warning" "" "$ERR"
run_sup run --strict --policy "$TMP/peer-mended.json" -- "$TRY" io-uring-setup 8
expect "run --strict: a mended address profile runs the command; io_uring gets ENOSYS" 0 \
        "io-uring-setup: ENOSYS"

# The same with sendto split in two: allowed in the kernel where dest_addr
# is 0 (a send naming no peer), notified where it is not. Together they
# cover every sendto, and --strict has nothing to say (it once warned
# that sendto walks around the rule, reading only the first entry).
cat >"$TMP/peer-split.json" <<'JSON'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["sendto"], "action": "SCMP_ACT_ALLOW",
                  "args": [ { "index": 4, "value": 0, "op": "SCMP_CMP_EQ" } ] },
                { "names": ["sendto"], "action": "SCMP_ACT_NOTIFY",
                  "args": [ { "index": 4, "value": 0, "op": "SCMP_CMP_NE" } ] },
                { "names": ["connect", "sendmsg", "sendmmsg"], "action": "SCMP_ACT_NOTIFY" },
                { "names": ["io_uring_setup", "io_uring_enter", "io_uring_register"],
                  "action": "SCMP_ACT_ERRNO", "errnoRet": 38 } ],
  "supervisor": { "defaultAction": "allow",
                  "rules": [ { "syscalls": ["connect", "sendto", "sendmsg", "sendmmsg"],
                               "address": { "cidr": "192.168.0.0/16" }, "action": "deny" } ] } }
JSON
run_sup check --quiet --strict --policy "$TMP/peer-split.json"
expect "check --strict: sendto split at dest_addr 0 covers every sendto" 0 "policy OK"
assert_eq "check --strict: and says nothing of a way around" "" "$ERR"
# Only the half with an address notified is a way around again.
sed 's/"SCMP_CMP_NE"/"SCMP_CMP_GE"/; s/"value": 0, "op": "SCMP_CMP_GE"/"value": 8, "op": "SCMP_CMP_GE"/' \
        "$TMP/peer-split.json" >"$TMP/peer-half.json"
run_sup check --quiet --strict --policy "$TMP/peer-half.json"
expect "check --strict: notifying only dest_addr >= 8 leaves a way around" 1 ""
assert_contains "check --strict: which names sendto" "lets sendto (for some arguments) through" "$ERR"

finish
