#!/bin/bash
# SPDX-License-Identifier: MIT
# One target cannot take every waiting thread of the daemon. A call that
# waits for a peer (a FIFO's other end, a blocking connect, a send with no
# room) is performed on a thread of the supervisor's own, at most 64 per
# target. Target A blocks 64 sends on full unix sockets, so its own
# blocking connects are refused with EAGAIN meanwhile (its share is full),
# while target B, served by the same daemon at the same time, connects as
# it would without us. Before the share was per target, B got EAGAIN too.

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=daemon_lib.sh
. "$(dirname "$0")/daemon_lib.sh"

require_built "$BUILD_DIR/tests/net_hostile"
NET_HOSTILE=$BUILD_DIR/tests/net_hostile

# Sends and connects are performed (their decision read an address) and
# may wait, as a blocking sendmsg on a full socket and a blocking connect do.
WAIT_PROFILE=$TMP/waiting.json
cat >"$WAIT_PROFILE" <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["connect", "sendmsg"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": {
		"defaultAction": "deny",
		"rules": [
			{ "syscalls": ["sendmsg"], "address": { "family": "none" }, "action": "allow" },
			{ "syscalls": ["connect"], "address": { "cidr": "127.0.0.0/8" }, "action": "allow" }
		]
	}
}
JSON

start_daemon --policy "$WAIT_PROFILE" || finish

"$SCMP_SUPER" run --connect "$SOCK" --policy "$WAIT_PROFILE" -- \
        "$NET_HOSTILE" hold-slots 64 >"$TMP/a.out" 2>"$TMP/a.err" &
a_pid=$!
"$SCMP_SUPER" run --connect "$SOCK" --policy "$WAIT_PROFILE" -- \
        "$NET_HOSTILE" probe >"$TMP/b.out" 2>"$TMP/b.err" &
b_pid=$!
wait "$a_pid"
wait "$b_pid"

a=$(sed 's/ after [0-9]* connects//' "$TMP/a.out")
b=$(sed 's/[0-9]* connects //' "$TMP/b.out")
assert_eq "target A holds its own share: its blocking connects get EAGAIN" \
        "hold-slots: probe: EAGAIN" "$a"
assert_eq "target B, served meanwhile by the same daemon, connects" "probe: OK" "$b"
if daemon_alive; then
        pass "the daemon is still up"
else
        fail "the daemon is still up" "$(daemon_details)"
fi
stop_daemon
finish
