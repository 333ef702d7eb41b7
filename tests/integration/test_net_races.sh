#!/bin/bash
# SPDX-License-Identifier: MIT
# Issue 14, the address checked is the address used: a second thread of the
# target keeps rewriting the sockaddr between 127.0.0.1 (allowed) and
# 10.0.0.1 (denied) while the main thread makes 10000 allowed calls with
# it: a UDP connect (a win: getpeername() says 10.0.0.1 afterwards), a UDP
# sendto and a sendmsg (a win: a datagram reached the program's own socket
# on 10.0.0.1). And a unix socket name in an allowed directory that a
# thread keeps swapping between a real socket and a symlink to a denied
# one (a win: the denied listener got a connection). Every race must end
# "wins: 0 of 10000", and must have seen both an allowed call and the
# rule's refusal, or it proved nothing. In a network namespace of the
# test's own; as root, as nobody under a root supervisor, and as nobody
# for both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

TRIES=${RACE_TRIES:-10000}

RACE_PROFILE=$(write_profile net-race <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [
		{ "names": ["connect", "sendto", "sendmsg", "sendmmsg"], "action": "SCMP_ACT_NOTIFY" }
	],
	"supervisor": {
		"defaultAction": "deny",
		"rules": [
			{ "syscalls": ["connect", "sendto", "sendmsg", "sendmmsg"],
			  "address": { "cidr": "127.0.0.0/8" }, "action": "allow" }
		]
	}
}
JSON
)
UNIX_DENY=$(write_profile unix-race <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["connect", "sendto"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "syscalls": ["connect", "sendto"], "address": { "unix": "@TMP@/secret/*" },
			  "action": "deny", "errno": "EKEYREJECTED" }
		]
	}
}
JSON
)
chmod 644 "$RACE_PROFILE" "$UNIX_DENY"
mkdir -m 777 "$TMP/secret" "$TMP/allowed"

# race NAME REFUSAL POLICY ARGS...: one race verb; no win, and both an
# allowed call and the errno REFUSAL seen.
race()
{
        local name="[$MODE] $1" refusal=$2 seen allowed denied
        shift 2
        attack "$@"
        seen=$(sed -n 's/^seen: //p' <<<"$OUT")
        echo "# $name: $(head -n 1 <<<"$OUT"); $seen"
        assert_contains "$name: no call reached the denied peer" \
                "$(printf 'wins: 0 of %s\nseen: ' "$TRIES")" "$OUT"
        assert_exit "$name: net_attack ran to the end" 0
        allowed=$(sed -n 's/.*\<allowed=\([0-9]*\).*/\1/p' <<<"$seen")
        denied=$(sed -n "s/.*\\<$refusal=\\([0-9]*\\).*/\\1/p" <<<"$seen")
        if [ "${allowed:-0}" -gt 0 ] && [ "${denied:-0}" -gt 0 ]; then
                pass "$name: it raced (allowed $allowed, $refusal $denied)"
        else
                fail "$name: it raced: an allowed call and the rule's $refusal both seen" \
                        "seen: ${seen:-nothing}" "$(last_run_details)"
        fi
}

for MODE in $NET_MODES; do
        race "UDP connect, sockaddr flipped 127.0.0.1:7400 <-> $FAR:7401" EPERM \
                "$RACE_PROFILE" race-connect "$TRIES" 127.0.0.1:7400 "$FAR:7401"
        race "UDP sendto, sockaddr flipped 127.0.0.1:7402 <-> $FAR:7403" EPERM \
                "$RACE_PROFILE" race-sendto "$TRIES" 127.0.0.1:7402 "$FAR:7403"
        race "UDP sendmsg, msg_name flipped 127.0.0.1:7404 <-> $FAR:7405" EPERM \
                "$RACE_PROFILE" race-sendmsg "$TRIES" 127.0.0.1:7404 "$FAR:7405"
        race "unix connect, allowed/x swapped with a symlink to secret/r.sock" EKEYREJECTED \
                "$UNIX_DENY" race-unix "$TRIES" "$TMP/allowed" "$TMP/secret/r.sock"
done

finish
