#!/bin/bash
# SPDX-License-Identifier: MIT
# A target that hands the supervisor paths it cannot read: longer than
# PATH_MAX, running into an unmapped page without a NUL, NULL, a PROT_NONE
# page, a kernel address. Every such path fails closed: a deny rule applies
# to a path the supervisor could not read, so the call is refused with the
# rule's errno, and the supervisor carries on. Without a deny rule the call
# continues and the kernel gives its own answer. The log stays valid JSON.
# Also: the target never holds the listener, so it cannot answer for itself.
. "$(dirname "$0")/lib.sh"

require_built "$HOSTILE"

DENY=$(write_profile deny <<'EOF2'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [{ "names": ["openat", "getppid"], "action": "SCMP_ACT_NOTIFY" }],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "syscalls": ["openat"], "path": ["@TMP@/secret", "/tmp/ok"],
			  "action": "deny", "errno": "EACCES" }
		]
	}
}
EOF2
)
ALLOW=$(write_profile allow <<'EOF2'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [{ "names": ["openat"], "action": "SCMP_ACT_NOTIFY" }],
	"supervisor": { "defaultAction": "allow" }
}
EOF2
)

run_sup run --policy "$DENY" --log "$TMP/log" -- "$HOSTILE" longpath
expect "a path 3 * PATH_MAX long is unreadable, so the deny rule applies" 0 "longpath: EACCES"
run_sup run --policy "$ALLOW" -- "$HOSTILE" longpath
expect "without a deny rule the kernel refuses it itself" 0 "longpath: ENAMETOOLONG"

run_sup run --policy "$DENY" --log "$TMP/log" -- "$HOSTILE" unterminated
expect "a string running into an unmapped page is refused; one ending at the edge is read" 0 \
        "unterminated: EACCES
terminated-at-edge: EACCES"
run_sup run --policy "$ALLOW" -- "$HOSTILE" unterminated
expect "without a deny rule the kernel answers both" 0 "unterminated: ENAMETOOLONG
terminated-at-edge: ENOENT"

run_sup run --policy "$DENY" --log "$TMP/log" -- "$HOSTILE" unmapped
expect "NULL, PROT_NONE and kernel pointers fail closed under a deny rule" 0 \
        "unmapped-null: EACCES
unmapped-guard: EACCES
unmapped-kernel: EACCES"
assert_eq "the supervisor said nothing about them" "" "$(err_but_rewrite_warning)"
run_sup run --policy "$ALLOW" -- "$HOSTILE" unmapped
expect "without a deny rule the kernel says EFAULT" 0 "unmapped-null: EFAULT
unmapped-guard: EFAULT
unmapped-kernel: EFAULT"

if json_lines_valid "$TMP/log" >"$TMP/json.err" 2>&1; then
        pass "the log of every hostile call is valid JSON"
else
        fail "the log of every hostile call is valid JSON" "$(cat "$TMP/json.err")"
fi
assert_eq "unreadable paths are logged as null" 5 "$(grep -c '"paths":\[null\]' "$TMP/log")"

run_sup run --policy "$DENY" -- "$HOSTILE" listener
expect "the target holds no seccomp listener of its own" 0 "listener fds: 0"

finish
