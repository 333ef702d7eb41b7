#!/bin/bash
# SPDX-License-Identifier: MIT
# The daemon's prompts as its operator meets them: a prompt that waits with
# no control client connected is said in the daemon's log at once (the
# call, how to answer, the deadline), and so is its timeout; a client's
# "forever" reply is refused with advice that applies to the daemon (no
# "run with --policy FILE"); the decision log says who decided.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3 jq

mkdir -p "$TMP/profiles" "$TMP/t"
cat >"$TMP/profiles/ask.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "prompt", "promptTimeout": 3}
}
EOF
# One deadline for every prompt: the default profile's (DAEMON.md), this one.
start_daemon --policy "$TMP/profiles/ask.json" --control "$CONTROL" --log "$DECISIONS" || finish

# --- nobody connected: said at once, and the timeout said --------------------
"$SCMP_SUPER" run --connect "$SOCK" --policy "$TMP/profiles/ask.json" -- \
        "$TRY" mkdir "$TMP/t/nobody" >"$TMP/out-nobody" 2>&1 &
asking=$!
if wait_log "waits with nobody to ask"; then
        pass "daemon: a prompt nobody can answer is said in the log"
else
        fail "daemon: a prompt nobody can answer is said in the log" "$(daemon_details)"
fi
line=$(grep -F "waits with nobody to ask" "$DAEMON_ERR")
assert_not_contains "daemon: said before the deadline" "timed out" "$(cat "$DAEMON_ERR")"
assert_contains "daemon: names the call" "mkdir $TMP/t/nobody by $TRY" "$line"
assert_contains "daemon: says how to answer, and by when" \
        "answer with: scmp-super prompt --socket $CONTROL within 3 s" "$line"
if wait_log "timed out after 3 s"; then
        pass "daemon: the timeout is said in the log"
else
        fail "daemon: the timeout is said in the log" "$(daemon_details)"
fi
wait "$asking"
assert_eq "daemon: the call is denied once" "mkdir: EPERM" "$(cat "$TMP/out-nobody")"
if wait_decision '"by":"timeout"'; then
        pass "daemon: the decision log says the timeout decided"
else
        fail "daemon: the decision log says the timeout decided" "$(cat "$DECISIONS")"
fi

# --- a forever reply: refused with the daemon's advice -------------------------
python3 - "$CONTROL" "$TMP/client-ready" >"$TMP/client.out" 2>&1 <<'EOF' &
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
f = s.makefile("rw")
open(sys.argv[2], "w").write(json.loads(f.readline())["type"] + "\n")
def send(msg):
    f.write(json.dumps(msg) + "\n")
    f.flush()
for line in f:
    m = json.loads(line)
    if m["type"] == "request":
        send({"type": "reply", "id": m["id"], "decision": "allow", "scope": "forever"})
    elif m["type"] == "error":
        print("error: " + m["message"])
        send({"type": "reply", "id": m["id"], "decision": "allow"})
    elif m["type"] == "resolved":
        print("resolved by " + m["by"])
        break
EOF
client=$!
wait_for 10 test -s "$TMP/client-ready" || fail "the client connects" "$(cat "$TMP/client.out")"
run_sup run --connect "$SOCK" --policy "$TMP/profiles/ask.json" -- "$TRY" mkdir "$TMP/t/forever"
expect "daemon: allowed once after the forever reply was refused" 0 "mkdir: OK"
wait "$client"
reply=$(cat "$TMP/client.out")
assert_contains "daemon: a forever reply is refused with what applies to the daemon" \
        "error: the daemon saves no rule" "$reply"
assert_contains "daemon: ... and what to do instead" "reload the daemon (SIGHUP, or --watch)" "$reply"
assert_not_contains "daemon: no advice that only applies to run" "--policy FILE" "$reply"
assert_contains "daemon: then the once answer applies" "resolved by client" "$reply"
if wait_decision "\"by\":\"client\",\"by_uid\":$(id -u)"; then
        pass "daemon: the decision log says which client's uid decided"
else
        fail "daemon: the decision log says which client's uid decided" "$(cat "$DECISIONS")"
fi

stop_daemon
assert_eq "daemon: ends with status 0" 0 "$DAEMON_STATUS"
finish
