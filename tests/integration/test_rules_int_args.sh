#!/bin/bash
# SPDX-License-Identifier: MIT
# Arguments as the kernel reads them: socket(2) takes int arguments, so the
# kernel reads the low 32 bits of each register and socket(0x100000002,
# SOCK_DGRAM, 0) makes an AF_INET socket. A supervisor rule on "arg 0 == 2"
# must refuse it and the log must call its family AF_INET; a kernel-side
# entry of the same shape misses it unless the profile says
# "supervisor": {"intArgs": "kernel"}, and check warns while it does not.
. "$(dirname "$0")/lib.sh"

[ "$(uname -m)" = x86_64 ] || skip "the raw syscall numbers here are x86_64's"
require_cmd python3

NR_SOCKET=41
HIGH_INET=0x100000002 # AF_INET with bit 32 set
SOCK_DGRAM=2

# The kernel itself reads only the low half: allowed, the call succeeds,
# and a high half on an unknown family does not make it known.
P=$(write_profile allow <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW"}
EOF
)
run_try "$P" syscall $NR_SOCKET $HIGH_INET $SOCK_DGRAM 0 -- syscall $NR_SOCKET 0x1000000ff $SOCK_DGRAM 0
expect "the kernel reads socket's family as an int" 0 "syscall: OK
syscall: EAFNOSUPPORT"

# A supervisor rule: arg 0 == 2 (AF_INET) is refused with EPROTONOSUPPORT.
P=$(write_profile supervisor_rule <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {
    "defaultAction": "allow",
    "rules": [
      {"syscalls": ["socket"], "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}],
       "action": "deny", "errno": "EPROTONOSUPPORT"}
    ]
  }
}
EOF
)
run_sup run --policy "$P" --log "$TMP/decisions.log" -- \
        "$TRY" syscall $NR_SOCKET 2 $SOCK_DGRAM 0 -- syscall $NR_SOCKET $HIGH_INET $SOCK_DGRAM 0 \
        -- syscall $NR_SOCKET 0x10000000a $SOCK_DGRAM 0
expect "supervisor rule arg 0 == 2: AF_INET refused, with or without high bits; AF_INET6 not" 0 \
        "syscall: EPROTONOSUPPORT
syscall: EPROTONOSUPPORT
syscall: OK"
if json_lines_valid "$TMP/decisions.log" 2>"$TMP/json-err"; then
        pass "the decision log is JSON lines"
else
        fail "the decision log is JSON lines" "$(cat "$TMP/json-err")"
fi
HIGH_LINE=$(grep -F '"0x100000002"' "$TMP/decisions.log")
assert_contains "the log keeps the raw argument" '"args":["0x100000002"' "$HIGH_LINE"
assert_contains "the log names the family the kernel reads: AF_INET" '"family":"AF_INET"' "$HIGH_LINE"
assert_contains "the log says it was denied" '"decision":"deny"' "$HIGH_LINE"
assert_not_contains "the log does not show 4294967298" 4294967298 "$(cat "$TMP/decisions.log")"

# A kernel-side entry of the same shape, in the default mode: compared on
# 64 bits as runc and crun do, the high half dodges it...
kernel_profile()
{
        local name=$1 supervisor=$2
        write_profile "$name" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 93,
     "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}
  ]$supervisor
}
EOF
}
P=$(kernel_profile kernel_full "")
run_try "$P" syscall $NR_SOCKET 2 $SOCK_DGRAM 0 -- syscall $NR_SOCKET $HIGH_INET $SOCK_DGRAM 0
expect "kernel ERRNO entry arg 0 == 2, default mode: the high half gets around it, as under crun" 0 \
        "syscall: EPROTONOSUPPORT
syscall: OK"

# ...and check says so, with the place, the argument and the fix.
run_sup check --policy "$P"
assert_exit "check: the profile is still valid" 0
assert_contains "check warns at the condition's place" \
        "kernel_full.json:5:15: syscalls[0].args[0]:" "$ERR"
assert_contains "check names the call, the argument and the fix" \
        'socket: argument 0 is an int' "$ERR"
assert_contains "check names the fix" '"intArgs": "kernel"' "$ERR"
run_sup check --strict --policy "$P"
assert_exit "check --strict refuses it: the dodge reaches SCMP_ACT_ALLOW" 1
assert_contains "check --strict says why" "way around" "$ERR"
run_sup run --strict --policy "$P" -- "$TRY" syscall getpid
assert_exit "run --strict refuses it too, the command not started" 125
assert_not_contains "run --strict: the command did not run" "syscall: OK" "$OUT"

# With the opt-in, the kernel compares the low 32 bits: refused both ways,
# and nothing else changes.
P=$(kernel_profile kernel_low ', "supervisor": {"intArgs": "kernel"}')
run_try "$P" syscall $NR_SOCKET 2 $SOCK_DGRAM 0 -- syscall $NR_SOCKET $HIGH_INET $SOCK_DGRAM 0 \
        -- syscall $NR_SOCKET 0x10000000a $SOCK_DGRAM 0 -- syscall $NR_SOCKET 0x200000000 $SOCK_DGRAM 0
expect "kernel ERRNO entry with intArgs kernel: refused with or without high bits" 0 \
        "syscall: EPROTONOSUPPORT
syscall: EPROTONOSUPPORT
syscall: OK
syscall: EAFNOSUPPORT"
run_sup check --strict --policy "$P"
assert_exit "check --strict accepts the opted-in profile" 0
assert_not_contains "check has nothing to say of its int arguments" "is an int" "$ERR"

finish
