#!/bin/bash
# SPDX-License-Identifier: MIT
# "Forever" answers over the control socket: the rule lands at the front of
# the profile's supervisor.rules and nothing else in the file changes, it
# holds for the rest of the run and for the next run without asking, and a
# forever answer that cannot be saved leaves the prompt waiting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt_lib.sh"

require_cmd jq python3 mkfifo diff

cp "$ASK_PROFILE" "$TMP/saved.json"
chmod 0640 "$TMP/saved.json"
PROFILE=$TMP/saved.json

# --- deny forever with a pattern and an errno; allow forever exactly -------
start_sup -- "$TRY" open "$TMP/ask/keep.txt" -- open "$TMP/ask/other.txt" -- open "$TMP/ask/a" \
        -- open "$TMP/ask/a"
start_client one
wait_request one "$TMP/ask/keep.txt"
answer one "$REQ_ID" deny forever "\"errno\":\"ENOENT\",\"pattern\":\"$TMP/ask/*.txt\""
assert_eq "forever: resolved for good" forever "$(jq -r .scope <<<"$RESOLVED")"
wait_request one "$TMP/ask/a"
answer one "$REQ_ID" allow forever
stop_client one
end_sup
expect "forever: the pattern held at once for other.txt" 0 "open: ENOENT
open: ENOENT
open: OK
open: OK"
assert_eq "forever: asked twice for four calls" 2 "$(count_messages one '.type == "request"')"

diff "$ASK_PROFILE" "$TMP/saved.json" >"$TMP/saved.diff"
assert_eq "forever: the profile only gained lines" "" "$(grep '^[<-]' "$TMP/saved.diff")"
assert_eq "forever: both rules went in front of the old one" "$TMP/ask/a|$TMP/ask/*.txt|$TMP/ask/**" \
        "$(jq -r '[.supervisor.rules[] | (.path | if type == "array" then .[0] else . end)] | join("|")' \
                "$TMP/saved.json")"
assert_eq "forever: the deny keeps its errno" ENOENT \
        "$(jq -r '.supervisor.rules[1].errno' "$TMP/saved.json")"
assert_eq "forever: the rule names the executable" "$TRY" \
        "$(jq -r '.supervisor.rules[0].exe' "$TMP/saved.json")"
assert_eq "forever: the file keeps its mode" 640 "$(stat -c %a "$TMP/saved.json")"
run_sup check --policy "$TMP/saved.json"
assert_exit "forever: the profile still loads" 0

# --- the next run honours the saved rules without asking -------------------
run_sup run --policy "$TMP/saved.json" --prompt none -- "$TRY" open "$TMP/ask/a" \
        -- open "$TMP/ask/keep.txt" -- open "$TMP/ask/b"
expect "forever: honoured next time; the rest still asks (none: denied)" 0 "open: OK
open: ENOENT
open: EACCES"

# --- an answer that cannot be saved leaves the prompt waiting --------------
PROFILE=$ASK_PROFILE
cp "$ASK_PROFILE" "$TMP/ask.before"
start_sup -- "$TRY" open "$TMP/ask/x"
start_client one
wait_request one "$TMP/ask/x"
# A pattern that does not cover the call is refused; the prompt keeps
# waiting for a better answer.
reply one "$REQ_ID" allow forever "\"pattern\":\"/elsewhere/*\""
wait_until "forever: a pattern that misses the call is refused" has_message one \
        ".type == \"error\" and .id == $REQ_ID and (.message | test(\"does not match\"))"
answer one "$REQ_ID" deny
stop_client one
end_sup
expect "forever: after a refused answer, another one still applies" 0 "open: EACCES"
assert_eq "forever: a refused answer changes nothing" "" "$(diff "$TMP/ask.before" "$ASK_PROFILE")"

# --- with the built-in profile there is nothing to save into --------------
# It asks about connections to the world.
start_sup_builtin()
{
        rm -f "$CTL" "$TMP/run.out" "$TMP/run.err"
        LAST_CMD="scmp-super run --prompt socket --control $CTL -- $*"
        timeout -k 5 "$HANG_LIMIT" "$SCMP_SUPER" run --prompt socket --control "$CTL" -- "$@" \
                >"$TMP/run.out" 2>"$TMP/run.err" </dev/null &
        SUP_PID=$!
        wait_until "the control socket appears" test -S "$CTL"
}
start_sup_builtin "$TRY" connect 192.0.2.1:80
start_client one
wait_until "the built-in profile asks about a connect" has_message one '.type == "request"'
REQ_ID=$(messages one 'select(.type == "request") | .id' | head -n 1)
assert_eq "built-in: nowhere to save" false "$(messages one 'select(.type == "request") | .forever')"
reply one "$REQ_ID" allow forever
wait_until "built-in: forever is refused" has_message one \
        ".type == \"error\" and .id == $REQ_ID and (.message | test(\"built-in\"))"
answer one "$REQ_ID" deny
stop_client one
end_sup
expect "built-in: denied once instead" 0 "connect: EPERM"

finish
