#!/bin/bash
# SPDX-License-Identifier: MIT
# Prompts answered over the control socket: what a request says, allow,
# deny, kill, a timeout (denied once, asked again), identical calls sharing
# a prompt, a flood queuing with a count, a caller dying and a client
# vanishing mid-prompt, garbage and a 10 MB line, another uid refused, and
# the rest of the target running on while a prompt waits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt_lib.sh"

require_cmd jq python3 setpriv mkfifo

# --- a request describes the call; allow once -----------------------------
start_sup -- "$TRY" open "$TMP/ask/a"
start_client one
wait_request one "$TMP/ask/a"
assert_eq "request: protocol version" 1 "$(jq .v <<<"$REQ")"
assert_eq "request: syscall" openat "$(jq -r .syscall <<<"$REQ")"
assert_eq "request: the caller's executable" "$TRY" "$(jq -r .target.exe <<<"$REQ")"
assert_contains "request: the caller's command line" "open $TMP/ask/a" \
        "$(jq -r .target.cmdline <<<"$REQ")"
assert_eq "request: open flags by name" "O_RDONLY|O_CLOEXEC" "$(jq -r .decoded.flags <<<"$REQ")"
assert_eq "request: six raw arguments" 6 "$(jq '.args | length' <<<"$REQ")"
assert_eq "request: the rule that asked" "ask about ask/" "$(jq -r .rule.comment <<<"$REQ")"
assert_eq "request: a timeout denies with the rule's errno" EACCES \
        "$(jq -r .timeout.errno <<<"$REQ")"
now_ms=$(($(date +%s) * 1000))
deadline=$(jq .deadline <<<"$REQ")
if [ "$deadline" -gt $((now_ms + 20000)) ] && [ "$deadline" -lt $((now_ms + 40000)) ]; then
        pass "request: the deadline is the profile's 30 s away"
else
        fail "request: the deadline is the profile's 30 s away" "now $now_ms, deadline $deadline"
fi
answer one "$REQ_ID" allow
assert_eq "resolved: by the client" client "$(jq -r .by <<<"$RESOLVED")"
assert_eq "resolved: allowed" allow "$(jq -r .decision <<<"$RESOLVED")"
stop_client one
end_sup
expect "allow once" 0 "open: OK"

# --- deny once, with the rule's errno and with a chosen one ---------------
start_sup -- "$TRY" open "$TMP/ask/a" -- open "$TMP/ask/b"
start_client one
wait_request one "$TMP/ask/a"
reply one "$REQ_ID" deny
wait_request one "$TMP/ask/b"
answer one "$REQ_ID" deny once '"errno":"ENOENT"'
stop_client one
end_sup
expect "deny once: the rule's errno, then the chosen one" 0 "open: EACCES
open: ENOENT"

# --- kill the caller --------------------------------------------------------
start_sup -- "$TRY" open "$TMP/ask/k" -- ids
start_client one
wait_request one "$TMP/ask/k"
answer one "$REQ_ID" kill
stop_client one
end_sup
expect "kill: the caller dies before its next verb" 137 ""

# --- a timeout denies once and the next identical call asks again ---------
# The client must be connected before the first request times out, or it
# never sees that one: 3 s leaves room on a loaded machine (1 s did not).
start_sup --prompt-timeout 3 -- "$TRY" open "$TMP/ask/t" -- open "$TMP/ask/t"
start_client one
wait_request one "$TMP/ask/t"
first=$REQ_ID
wait_resolved one "$first"
assert_eq "timeout: resolved by the timeout" timeout "$(jq -r .by <<<"$RESOLVED")"
assert_eq "timeout: denied" deny "$(jq -r .decision <<<"$RESOLVED")"
assert_eq "timeout: once" once "$(jq -r .scope <<<"$RESOLVED")"
wait_output "open: EACCES"
wait_until "the same call is asked about again" has_message one \
        ".type == \"request\" and .id != $first"
second=$(messages one "select(.type == \"request\" and .id != $first) | .id" | head -n 1)
answer one "$second" allow
stop_client one
end_sup
expect "timeout: denied once with the rule's errno, then asked again" 0 "open: EACCES
open: OK"

# --- session answers hold for the rest of the run -------------------------
start_sup -- "$TRY" open "$TMP/ask/s" -- open "$TMP/ask/s" -- open "$TMP/ask/s"
start_client one
wait_request one "$TMP/ask/s"
answer one "$REQ_ID" allow session
stop_client one
end_sup
expect "session: three opens, one answer" 0 "$(repeat_line 3 "open: OK")"
assert_eq "session: only one request was sent" 1 "$(count_messages one '.type == "request"')"

# --- identical calls from eight threads share one prompt ------------------
start_sup -- "$TRY" threads 8 open "$TMP/ask/c"
start_client one
wait_request one "$TMP/ask/c"
wait_until "all eight threads wait on the one prompt" waiting_is "$TMP/ask/c" 8
assert_eq "coalescing: one request for eight calls" 1 "$(count_messages one '.type == "request"')"
assert_eq "coalescing: nothing else is pending" 2 "$(snapshot | wc -l)"
answer one "$REQ_ID" allow
stop_client one
end_sup
expect "coalescing: one answer releases all eight" 0 "$(repeat_line 8 "open: OK")"

# --- a flood queues, with a visible count ---------------------------------
# shellcheck disable=SC2016 # expanded by the inner sh
start_sup -- sh -c 'for i in 1 2 3 4 5; do "$0" open "$1/ask/$i" & done; wait' "$TRY" "$TMP"
wait_until "five prompts are queued" pending_is 5
snapshot >"$TMP/snap"
assert_eq "flood: the first request has 4 queued behind it" 4 \
        "$(sed -n 2p "$TMP/snap" | jq .queued)"
assert_eq "flood: the last has none behind it" 0 "$(sed -n 6p "$TMP/snap" | jq .queued)"
start_client one
for i in 1 2 3 4 5; do
        wait_request one "$TMP/ask/$i"
        answer one "$REQ_ID" allow
done
stop_client one
end_sup
assert_eq "flood: every call answered" "$(repeat_line 5 "open: OK")" "$OUT"
assert_exit "flood: exit status" 0

# --- a caller that dies takes its prompt with it --------------------------
start_sup -- "$TRY" ids -- open "$TMP/ask/d"
start_client one
wait_request one "$TMP/ask/d"
victim=$(sed -n 's/^ids: pid=\([0-9]*\) .*/\1/p' "$TMP/run.out")
kill -KILL "$victim"
wait_resolved one "$REQ_ID"
assert_eq "caller died: the prompt is resolved as gone" caller-died "$(jq -r .by <<<"$RESOLVED")"
assert_eq "caller died: no decision is reported" null "$(jq -r .decision <<<"$RESOLVED")"
stop_client one
end_sup
assert_exit "caller died: scmp-super reports the kill" 137

# --- a client that vanishes mid-prompt leaves the prompt to others --------
start_sup -- "$TRY" open "$TMP/ask/x"
start_client one
wait_request one "$TMP/ask/x"
stop_client one
start_client two
wait_request two "$TMP/ask/x"
assert_eq "vanished client: the next client gets the same request" \
        "$(messages one 'select(.type == "request") | .id')" "$REQ_ID"
answer two "$REQ_ID" allow
stop_client two
end_sup
expect "vanished client: the second client's answer applies" 0 "open: OK"

# --- the first answer wins; the second hears it was resolved --------------
start_sup -- "$TRY" open "$TMP/ask/y" -- open "$TMP/ask/z"
start_client one
start_client two
wait_request one "$TMP/ask/y"
wait_request two "$TMP/ask/y"
reply one "$REQ_ID" deny
wait_resolved two "$REQ_ID"
reply two "$REQ_ID" allow
wait_until "the late answer gets an error" has_message two ".type == \"error\" and .id == $REQ_ID"
wait_request two "$TMP/ask/z"
answer two "$REQ_ID" allow
stop_client one
stop_client two
end_sup
expect "first answer wins" 0 "open: EACCES
open: OK"

# --- garbage and a 10 MB line: an error, a disconnect, and nothing else ---
start_sup -- "$TRY" open "$TMP/ask/z"
start_client one
wait_request one "$TMP/ask/z"
python3 - "$CTL" >"$TMP/raw" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
f = s.makefile("rb")
def next_of(kind):
    while True:
        m = json.loads(f.readline())
        if m["type"] == kind:
            return m
next_of("hello")
s.sendall(b"garbage\n")
print("garbage:", next_of("error")["message"])
s.sendall(b'{"type":"reply","id":"x"}\n')
print("bad id:", next_of("error")["message"])
sent = 0
try:
    chunk = b"x" * 65536
    while sent < 10 * 1024 * 1024:
        s.sendall(chunk)
        sent += len(chunk)
except (BrokenPipeError, ConnectionResetError):
    pass
print("long line:", next_of("error")["message"])
# Closing with our bytes unread makes the kernel reset the connection.
try:
    rest = f.read()
except ConnectionResetError:
    rest = b""
print("then closed:", rest == b"")
print("all sent:", sent >= 10 * 1024 * 1024)
EOF
assert_contains "garbage: an error line" "garbage: not a JSON object" "$(cat "$TMP/raw")"
assert_contains "bad id: an error line" "bad id: a reply needs \"id\"" "$(cat "$TMP/raw")"
assert_contains "10 MB line: an error line" "long line: line longer than 65536 bytes" \
        "$(cat "$TMP/raw")"
assert_contains "10 MB line: then the connection is closed" "then closed: True" "$(cat "$TMP/raw")"
assert_contains "10 MB line: the supervisor stopped reading long before 10 MB" "all sent: False" \
        "$(cat "$TMP/raw")"
answer one "$REQ_ID" allow
stop_client one
end_sup
expect "garbage: the supervisor carries on" 0 "open: OK"

# --- another uid may not answer -------------------------------------------
start_sup -- "$TRY" open "$TMP/ask/x"
start_client one
wait_request one "$TMP/ask/x"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$SCMP_SUPER" prompt --socket "$CTL" --json </dev/null >"$TMP/nobody.out" 2>"$TMP/nobody.err"
assert_eq "other uid: the socket's mode keeps nobody out" 1 "$?"
assert_contains "other uid: says why" "Permission denied" "$(cat "$TMP/nobody.err")"
# Past the file mode, the credentials check still refuses.
chmod 0666 "$CTL"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$SCMP_SUPER" prompt --socket "$CTL" --json </dev/null >"$TMP/nobody.out" 2>"$TMP/nobody.err"
assert_eq "other uid: refused by SO_PEERCRED" 1 "$?"
assert_contains "other uid: told so" "permission denied: uid 65534 may not answer" \
        "$(cat "$TMP/nobody.out")"
assert_not_contains "other uid: never sees a request" '"type":"request"' "$(cat "$TMP/nobody.out")"
answer one "$REQ_ID" allow
stop_client one
end_sup
expect "other uid: the prompt was still ours to answer" 0 "open: OK"

# --- nothing stalls: other processes are served while a prompt waits ------
# shellcheck disable=SC2016 # expanded by the inner sh
start_sup -- sh -c '"$0" open "$1/ask/s" & "$0" open "$1/free/file" -- open "$1/free/file"
echo other-finished; wait' "$TRY" "$TMP"
start_client one
wait_request one "$TMP/ask/s"
wait_output other-finished
assert_eq "no stall: the other process finished while the prompt waits" \
        "open: OK
open: OK
other-finished" "$(cat "$TMP/run.out")"
answer one "$REQ_ID" allow
stop_client one
end_sup
assert_exit "no stall: exit status" 0

finish
