#!/bin/bash
# SPDX-License-Identifier: MIT
# `scmp-super status` against a real daemon: a waiting prompt shows what it
# asks (the path or the address the call names, and the program), and a
# profile the last reload could not load is listed with the error and when,
# until a reload loads it again.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_cmd python3
# The connect below stays inside a network namespace of our own.
in_own_net_namespace "$@"

mkdir -p "$TMP/profiles" "$TMP/t"
cat >"$TMP/profiles/default.json" <<EOF
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir", "connect"], "action": "SCMP_ACT_NOTIFY"}],
  "supervisor": {"defaultAction": "prompt", "promptTimeout": 120}
}
EOF
PROFILE=$TMP/profiles/default.json

status_text()
{
        "$SCMP_SUPER" status --control "$CONTROL" >"$TMP/status.txt" 2>&1
}

# Called through wait_for, which shellcheck cannot see.
# shellcheck disable=SC2317
waiting_calls_are()
{
        status_text && [ "$(sed -n '/^waiting for an answer:/,$p' "$TMP/status.txt" |
                grep -c ' pid ')" = "$1" ]
}

start_daemon --policy-dir "$TMP/profiles" --control "$CONTROL" || finish

# Two prompts nobody answers: a mkdir and a connect.
"$SCMP_SUPER" run --connect "$SOCK" --policy "$PROFILE" -- \
        "$TRY" mkdir "$TMP/t/asked" >"$TMP/out-mkdir" 2>&1 &
asking_mkdir=$!
"$SCMP_SUPER" run --connect "$SOCK" --policy "$PROFILE" -- \
        "$TRY" connect 127.0.0.1:9 >"$TMP/out-connect" 2>&1 &
asking_connect=$!
if wait_for 20 waiting_calls_are 2; then
        pass "status lists both waiting calls"
else
        fail "status lists both waiting calls" "$(cat "$TMP/status.txt")" "$(daemon_details)"
fi
assert_contains "a waiting mkdir shows its path and program" \
        ": mkdir $TMP/t/asked ($(readlink -f "$TRY"))" "$(cat "$TMP/status.txt")"
assert_contains "a waiting connect shows the address it would reach" \
        ": connect to 127.0.0.1:9 ($(readlink -f "$TRY"))" "$(cat "$TMP/status.txt")"
assert_eq "and --json has the address" "127.0.0.1:9" "$("$SCMP_SUPER" status --control "$CONTROL" \
        --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(" ".join(a for t in r["targets"] for c in t["pending"] if c["syscall"] == "connect"
               for a in c["addresses"]))')"

# A reload that cannot load a profile: the old version serves on, and
# status says so, with the place of the error and the time.
cat >"$TMP/profiles/app.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}
EOF
kill -HUP "$DAEMON_PID"
wait_log "reloaded 2 profiles (0 kept" || fail "a new profile loads" "$(daemon_details)"
status_text
assert_not_contains "with every profile loaded, no reload failure is listed" "reload failed" \
        "$(cat "$TMP/status.txt")"

printf '{"defaultAction": "SCMP_ACT_NOPE",\n "syscalls": []}\n' >"$TMP/profiles/app.json"
printf '{"defaultAction": ' >"$TMP/profiles/new.json"
kill -HUP "$DAEMON_PID"
wait_log "reloaded 2 profiles (2 kept" || fail "the reload reports two failures" "$(daemon_details)"
status_text
assert_contains "status names the profile that failed, where and why, and that it still serves" \
        "reload failed: profile app at 20" "$(cat "$TMP/status.txt")"
assert_contains "with the file, line and column of the error" \
        "$TMP/profiles/app.json:1:" "$(grep 'profile app ' "$TMP/status.txt")"
assert_contains "and that the version loaded before still serves" \
        "; serving the version loaded before" "$(grep 'profile app ' "$TMP/status.txt")"
assert_contains "a new profile that never loaded is not available" "; not available" \
        "$(grep 'profile new ' "$TMP/status.txt")"
assert_eq "--json lists both with their time" "app kept Z, new not-kept Z" \
        "$("$SCMP_SUPER" status --control "$CONTROL" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(", ".join("%s %s %s" % (f["name"], "kept" if f["kept"] else "not-kept", f["when"][-1])
                for f in r["reload_failures"]))')"

# Fixed, and reloaded: the failures are gone from status.
cat >"$TMP/profiles/app.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []}
EOF
rm "$TMP/profiles/new.json"
kill -HUP "$DAEMON_PID"
wait_for 15 at_least "$DAEMON_ERR" "reloaded 2 profiles (0 kept" 2 ||
        fail "the fixed profile loads" "$(daemon_details)"
status_text
assert_not_contains "a reload that loads everything clears the list" "reload failed" \
        "$(cat "$TMP/status.txt")"

# The prompts were never answered: stopping the daemon fails them closed.
stop_daemon
assert_eq "the daemon stops with 0" "0" "$DAEMON_STATUS"
wait "$asking_mkdir"
wait "$asking_connect"
assert_not_contains "the unanswered mkdir was not let through" "mkdir: OK" "$(cat "$TMP/out-mkdir")"
assert_not_contains "nor the connect" "connect: OK" "$(cat "$TMP/out-connect")"

finish
