#!/bin/bash
# SPDX-License-Identifier: MIT
# A lasting answer about an open is exactly as wide as the open shown (issue
# 13): a session "allow" for an O_RDONLY open does not allow O_RDONLY|O_TRUNC
# of the same file, which is asked about again and, denied, leaves the file
# whole; an openat2 prompt shows the flags, mode and resolve its open_how
# holds, and a session answer for it covers only those flags; a forever
# answer writes the "open" field into the profile, and the next run holds
# to it. Answered over the control socket.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt_lib.sh"

require_cmd jq python3 mkfifo
[ "$("$TRY" openat2 "$TMP/free/file")" = "openat2: OK" ] ||
        skip "openat2 (Linux 5.6) does not work here: $("$TRY" openat2 "$TMP/free/file")"

# Every open call goes to the supervisor; ask/ is asked about.
PROFILE=$(write_profile open-flags <<'EOF'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [
		{ "names": ["openat", "open", "openat2", "creat"], "action": "SCMP_ACT_NOTIFY" }
	],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "path": "@TMP@/ask/**", "action": "prompt", "errno": "EACCES" }
		]
	}
}
EOF
)
KEEP=$TMP/ask/keep.txt
TRY_EXE=$(readlink -f "$TRY") # as /proc/PID/exe names it
echo "precious" >"$KEEP"

# wait_request_with NAME PATH JQ_CONDITION: like wait_request, for a request
# about PATH that also satisfies JQ_CONDITION.
wait_request_with()
{
        local cond=".type == \"request\" and .decoded.paths[0] == \"$2\" and ($3)"
        wait_until "client $1 is asked about $2 where $3" has_message "$1" "$cond" || return 1
        REQ=$(messages "$1" "select($cond)" | tail -n 1)
        REQ_ID=$(jq -r .id <<<"$REQ")
}

# --- a session allow for reading does not allow truncating --------------------
start_sup -- "$TRY" open "$KEEP" rdonly -- open "$KEEP" rdonly -- open "$KEEP" "rdonly|trunc"
start_client one
wait_request one "$KEEP"
assert_eq "read: the prompt shows the flags" "O_RDONLY|O_CLOEXEC" "$(jq -r .decoded.flags <<<"$REQ")"
assert_eq "read: the prompt shows the rule a session answer adds" \
        "{\"syscalls\":[\"openat\"],\"path\":[\"$KEEP\"],\"open\":[\"O_RDONLY\"],\"exe\":\"$TRY_EXE\"}" \
        "$(jq -c '.scopes[0].rule' <<<"$REQ")"
first=$REQ_ID
answer one "$first" allow session
wait_request_with one "$KEEP" ".id != $first"
assert_eq "truncate: asked again, showing O_TRUNC" "O_RDONLY|O_TRUNC|O_CLOEXEC" \
        "$(jq -r .decoded.flags <<<"$REQ")"
answer one "$REQ_ID" deny
stop_client one
end_sup
expect "truncate: the read allowed for the session, the truncation denied" 0 "open: OK
open: OK
open: EACCES"
assert_eq "truncate: asked twice" 2 "$(count_messages one '.type == "request"')"
assert_eq "truncate: the file is whole" precious "$(cat "$KEEP")"

# --- openat2: its flags shown, a session answer as wide as them ---------------
start_sup -- "$TRY" openat2 "$KEEP" rdonly no_symlinks -- openat2 "$KEEP" rdonly no_symlinks \
        -- openat2 "$KEEP" "rdwr|trunc" no_symlinks -- openat2 "$TMP/ask/new" "wronly|creat" 0
start_client one
wait_request one "$KEEP"
assert_eq "openat2: the call" openat2 "$(jq -r .syscall <<<"$REQ")"
assert_eq "openat2: its flags, read from open_how" "O_RDONLY|O_CLOEXEC" \
        "$(jq -r .decoded.flags <<<"$REQ")"
assert_eq "openat2: its resolve" RESOLVE_NO_SYMLINKS "$(jq -r .decoded.resolve <<<"$REQ")"
assert_eq "openat2: no mode where no file is made" null "$(jq -r .decoded.mode <<<"$REQ")"
assert_eq "openat2: the lasting rule names its flags" '["O_RDONLY"]' \
        "$(jq -c '.scopes[0].rule.open' <<<"$REQ")"
first=$REQ_ID
answer one "$first" allow session
wait_request_with one "$KEEP" ".id != $first"
assert_eq "openat2: a write is asked about again" "O_RDWR|O_TRUNC|O_CLOEXEC" \
        "$(jq -r .decoded.flags <<<"$REQ")"
answer one "$REQ_ID" deny
wait_request one "$TMP/ask/new"
assert_eq "openat2: a file made shows its mode" "0644" "$(jq -r .decoded.mode <<<"$REQ")"
assert_eq "openat2: and resolve 0" "0" "$(jq -r .decoded.resolve <<<"$REQ")"
answer one "$REQ_ID" deny
stop_client one
end_sup
expect "openat2: the read allowed for the session, the write denied" 0 "openat2: OK
openat2: OK
openat2: EACCES
openat2: EACCES"
assert_eq "openat2: the file is whole" precious "$(cat "$KEEP")"

# --- forever: the open field goes into the profile, and holds next time -------
cp "$PROFILE" "$TMP/saved.json"
BASE=$PROFILE
PROFILE=$TMP/saved.json
start_sup -- "$TRY" open "$TMP/ask/out" "wronly|creat|trunc"
start_client one
wait_request one "$TMP/ask/out"
answer one "$REQ_ID" allow forever
stop_client one
end_sup
expect "forever: allowed" 0 "open: OK"
assert_eq "forever: the rule lists the open's flags" '["O_WRONLY","O_TRUNC","O_CREAT"]' \
        "$(jq -c '.supervisor.rules[0].open' "$TMP/saved.json")"
assert_eq "forever: and no argument condition on them" null \
        "$(jq -c '.supervisor.rules[0].args' "$TMP/saved.json")"
assert_eq "forever: for the path, the call and the executable" \
        "[\"$TMP/ask/out\"] [\"openat\"] $TRY_EXE" \
        "$(jq -r '.supervisor.rules[0] | "\(.path | tojson) \(.syscalls | tojson) \(.exe)"' \
                "$TMP/saved.json")"
assert_eq "forever: the old rule follows" "$TMP/ask/**" \
        "$(jq -r '.supervisor.rules[1].path' "$TMP/saved.json")"
run_sup check --policy "$TMP/saved.json"
assert_exit "forever: the profile loads" 0
assert_contains "forever: check shows the field" "open=O_WRONLY|O_TRUNC|O_CREAT" "$OUT"
# Less than the rule allows is allowed; more is asked (none here: denied).
run_sup run --policy "$TMP/saved.json" --prompt none -- "$TRY" open "$TMP/ask/out" "wronly|trunc" \
        -- open "$TMP/ask/out" "rdwr" -- open "$TMP/ask/out" "wronly|append"
expect "forever: honoured next time for no more than it names" 0 "open: OK
open: EACCES
open: EACCES"
PROFILE=$BASE

# --- --log shows openat2's flags as it shows an open's ------------------------
run_sup run --policy "$PROFILE" --log "$TMP/log.jsonl" --prompt none -- \
        "$TRY" openat2 "$TMP/free/file" "wronly|append" no_magiclinks
expect "log: the call ran" 0 "openat2: OK"
assert_eq "log: openat2's flags and resolve" "O_WRONLY|O_APPEND|O_CLOEXEC RESOLVE_NO_MAGICLINKS" \
        "$(jq -r 'select(.syscall == "openat2") | "\(.flags) \(.resolve)"' "$TMP/log.jsonl")"

finish
