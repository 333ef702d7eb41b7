#!/bin/bash
# SPDX-License-Identifier: MIT
# Slowloris from many clients: 20 processes each hold 8 connections that
# never finish their message, 160 in all, beyond the 128 the daemon lets
# wait at once. A launcher from yet another process is still served (the
# client holding the most gives way), the others keep their share, every
# refusal is counted, and the log gets at most 10 lines a second of them
# plus one line summing up the rest.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3

CLIENT=$SOURCE_DIR/tests/integration/daemon_client.py
CLIENTS=20
EACH=8
mkdir -p "$TMP/profiles" "$TMP/t"
cat >"$TMP/profiles/default.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "deny", "defaultErrno": "EROFS"}
}
EOF
PROFILE=$TMP/profiles/default.json

status_field()
{
        "$SCMP_SUPER" status --control "$CONTROL" --json |
                python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# Long enough that no unfinished message times out during the test.
start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" --message-timeout 60000 ||
        finish

start=$SECONDS
python3 "$CLIENT" crowd "$SOCK" "$CLIENTS" "$EACH" "$TMP/ready" "$TMP/stop" \
        >"$TMP/crowd.out" 2>&1 &
crowd=$!
if wait_for 30 test -s "$TMP/ready"; then
        pass "$CLIENTS clients opened $((CLIENTS * EACH)) connections"
else
        fail "$CLIENTS clients opened $((CLIENTS * EACH)) connections" "$(cat "$TMP/crowd.out")"
fi
assert_eq "128 wait for their message at once" 128 "$(status_field connections)"

run_sup run --connect "$SOCK" --policy "$PROFILE" -- "$TRY" mkdir "$TMP/t/x"
expect "a launcher from another process is served meanwhile" 0 "mkdir: EROFS"
run_sup run --connect "$SOCK" --policy "$PROFILE" -- "$TRY" mkdir "$TMP/t/y"
expect "and another" 0 "mkdir: EROFS"

# 32 connections beyond 128, and one for the first launcher (the second
# found the first one's place free): each refused or closed for a
# newcomer, and counted.
refused=$(status_field refused)
if [ "$refused" -ge $((CLIENTS * EACH - 128 + 1)) ]; then
        pass "every connection refused or closed to make room is counted ($refused)"
else
        fail "every connection refused or closed to make room is counted" "refused: $refused"
fi
wait_log "more refusals in the second before were not logged" 5 || true
lines=$(($(count_lines "$DAEMON_ERR" "refused a connection from pid") +
        $(count_lines "$DAEMON_ERR" "closed the oldest unfinished message of pid")))
seconds=$((SECONDS - start + 1))
if [ "$lines" -lt "$refused" ] && [ "$lines" -le $((10 * seconds)) ]; then
        pass "at most 10 lines a second say so ($lines lines for $refused in ${seconds}s)"
else
        fail "at most 10 lines a second say so" "$lines lines for $refused in ${seconds}s" \
                "$(daemon_details)"
fi
if has_line "$DAEMON_ERR" "more refusals in the second before were not logged"; then
        pass "the rest are summed up"
else
        fail "the rest are summed up" "$(daemon_details)"
fi

touch "$TMP/stop"
wait "$crowd"
closed=$(cat "$TMP/crowd.out")
case "$closed" in
"closed "*" of $((CLIENTS * EACH))")
        n=${closed#closed }
        n=${n%% *}
        if [ "$n" -ge $((CLIENTS * EACH - 128)) ] && [ "$n" -lt $((CLIENTS * EACH)) ]; then
                pass "the clients kept a share of the places ($closed)"
        else
                fail "the clients kept a share of the places" "$closed"
        fi
        ;;
*) fail "the crowd reports what the daemon closed" "$closed" ;;
esac
assert_eq "the daemon is still running" yes "$(daemon_alive && echo yes)"
stop_daemon TERM
assert_eq "the daemon exits 0 on SIGTERM" 0 "$DAEMON_STATUS"

finish
