#!/bin/bash
# SPDX-License-Identifier: MIT
# Memory rewritten between the supervisor's read and the kernel's: one
# thread flips a path buffer between a denied file and an allowed name
# while another opens it 20000 times. Checked: every call is decided (none
# lost, none answered twice), every call the supervisor denied failed with
# the rule's errno, and the denied file was never opened: an allowed open
# is made by the supervisor on the file it decided on (supervisor/act/),
# never continued for the kernel to read the buffer again.
. "$(dirname "$0")/lib.sh"

require_built "$HOSTILE"
P=$(write_profile flip <<'EOF2'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [{ "names": ["openat"], "action": "SCMP_ACT_NOTIFY" }],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "path": "@TMP@/secret", "action": "deny", "errno": "EACCES" }
		]
	}
}
EOF2
)
echo secret >"$TMP/secret"
CALLS=20000

run_sup run --policy "$P" --log "$TMP/log" --summary -- \
        "$HOSTILE" flip "$CALLS" "$TMP/secret" "$TMP/nonexistent"
assert_exit "the supervisor survives the flipping buffer" 0
line=$(grep '^flip:' <<<"$OUT")
denied=$(sed -n 's/.* denied=\([0-9]*\) .*/\1/p' <<<"$line")
other=$(sed -n 's/.* other=\([0-9]*\)$/\1/p' <<<"$line")
opened=$(sed -n 's/.* opened_denied=\([0-9]*\) .*/\1/p' <<<"$line")
echo "# $line"
assert_eq "the denied file was never opened, however the buffer flipped" 0 "$opened"

# Every call the target made on the buffer is in the log exactly once. The
# buffer's prefix never changes, so a torn read still starts with $TMP/.
logged=$(grep -c "\"paths\":\[\"$TMP/" "$TMP/log")
assert_eq "every call on the flipping buffer was decided and logged once" "$CALLS" "$logged"
deny_logged=$(grep "\"paths\":\[\"$TMP/" "$TMP/log" | grep -c '"decision":"deny"')
assert_eq "every deny decision reached the target as EACCES" "$deny_logged" "$denied"
assert_eq "the summary counts the same denials" "$denied" \
        "$(awk '$1 == "openat" { print $4 }' <<<"$ERR")"
if [ "$denied" -gt 0 ] && [ "$other" -gt 0 ]; then
        pass "both paths were seen (denied $denied, allowed and failed in the kernel $other)"
else
        fail "both paths were seen" "$line"
fi
assert_eq "the calls add up" "$CALLS" "$((denied + other + opened + $(sed -n 's/.* opened_other=\([0-9]*\) .*/\1/p' <<<"$line")))"

finish
