#!/bin/bash
# SPDX-License-Identifier: MIT
# Prompts about network calls, in a network namespace of the test's own
# (loopback addresses only): a prompt nobody can be asked about is said at
# once on stderr, with how to answer and the deadline, and so is its
# timeout; the decision log says who decided (timeout, client with its uid,
# session-rule, forever-rule, rule); the scopes a request offers carry the
# rule each applies and the executable it is tied to; "port 8080 on any
# address" answered with a choice lets a connect to another address on that
# port through without a prompt; "all network calls of this program"
# denied for the session denies every later connect and sendto unasked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt_lib.sh"

require_cmd jq python3 mkfifo unshare ip
if [ "$(id -u)" != 0 ]; then
        skip "a network namespace of the test's own needs root; this runs as uid $(id -u)"
fi
in_own_net_namespace "$@"

PROFILE=$(write_profile net <<'EOF'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [
		{ "names": ["connect", "sendto"], "action": "SCMP_ACT_NOTIFY" }
	],
	"supervisor": {
		"defaultAction": "allow",
		"promptTimeout": 30,
		"rules": [
			{
				"comment": "never this one",
				"syscalls": ["connect"],
				"address": { "cidr": "127.0.0.9" },
				"action": "deny",
				"errno": "ENETUNREACH"
			},
			{
				"comment": "ask about the network",
				"syscalls": ["connect", "sendto"],
				"action": "prompt",
				"errno": "EACCES"
			}
		]
	}
}
EOF
)
LOG=$TMP/decisions.log

# wait_request_addr NAME ADDRESS: as wait_request, for a call's address.
wait_request_addr()
{
        local cond=".type == \"request\" and .decoded.address == \"$2\""
        wait_until "client $1 is asked about $2" has_message "$1" "$cond" || return 1
        REQ=$(messages "$1" "select($cond)" | tail -n 1)
        REQ_ID=$(jq -r .id <<<"$REQ")
}

# log_by ADDRESS: the "by" (and by_uid) of each log line about ADDRESS.
log_by()
{
        jq -r "select(.address == \"$1\") | .by + (if .by_uid then \" \" + (.by_uid | tostring) else \"\" end)" \
                "$LOG"
}

err_has()
{
        grep -qF -- "$1" "$TMP/run.err"
}

# --- nobody to ask: said at once, and the timeout said too ------------------
rm -f "$LOG"
start_sup --prompt-timeout 4 --log "$LOG" -- "$TRY" connect 127.0.0.2:9
wait_until "the waiting line is said" err_has "waits with nobody to ask"
line=$(grep -F "waits with nobody to ask" "$TMP/run.err")
# Said at once: the deadline has not passed yet.
assert_not_contains "unattended: said before the deadline" "timed out" "$(cat "$TMP/run.err")"
assert_contains "unattended: names the call" "connect 127.0.0.2:9 by $TRY" "$line"
assert_contains "unattended: says how to answer" "answer with: scmp-super prompt --socket $CTL" "$line"
assert_contains "unattended: says the deadline and what it does" "within 4 s, or it is denied with EACCES" "$line"
wait_until "the timeout is said" err_has "timed out"
assert_contains "timeout: says what was decided" \
        "request 1 timed out after 4 s with nobody answering: connect 127.0.0.2:9 by $TRY (pid" \
        "$(grep -F "timed out" "$TMP/run.err")"
end_sup
expect "timeout: the connect is refused with the rule's errno" 0 "connect: EACCES"
assert_eq "log: by timeout" timeout "$(log_by 127.0.0.2:9)"

# --- "port 8080 on any address", chosen by a client --------------------------
rm -f "$LOG"
start_sup --log "$LOG" -- "$TRY" connect 127.0.0.2:8080 -- connect 127.0.0.3:8080 \
        -- connect 127.0.0.3:8081 -- connect 127.0.0.9:80
start_client one
wait_request_addr one 127.0.0.2:8080
assert_eq "scopes: what a person expects of a connect, in order" \
        "exact host port any-address network exact-any-program" \
        "$(jq -r '[.scopes[].name] | join(" ")' <<<"$REQ")"
assert_eq "scopes: port, the rule it applies" \
        "{\"syscalls\":[\"connect\"],\"address\":{\"family\":\"inet\",\"port\":8080},\"exe\":\"$TRY\"}" \
        "$(jq -c '.scopes[] | select(.name == "port") | .rule' <<<"$REQ")"
assert_eq "scopes: port is tied to the executable" "$TRY" \
        "$(jq -r '.scopes[] | select(.name == "port") | .exe' <<<"$REQ")"
assert_eq "scopes: exactly this shows its rule" \
        "{\"syscalls\":[\"connect\"],\"address\":{\"family\":\"inet\",\"cidr\":\"127.0.0.2\",\"port\":8080},\"exe\":\"$TRY\"}" \
        "$(jq -c '.scopes[0].rule' <<<"$REQ")"
assert_eq "scopes: one is not tied to the executable" "null" \
        "$(jq -c '.scopes[] | select(.name == "exact-any-program") | .exe' <<<"$REQ")"
answer one "$REQ_ID" allow session '"choice":"port"'
assert_eq "port: resolved by the client" client "$(jq -r .by <<<"$RESOLVED")"
wait_request_addr one 127.0.0.3:8081
answer one "$REQ_ID" deny
stop_client one
end_sup
expect "port: another address on that port passes unasked, another port asks" 0 \
        "connect: ECONNREFUSED
connect: ECONNREFUSED
connect: EACCES
connect: ENETUNREACH"
assert_eq "port: two requests only" 2 "$(count_messages one '.type == "request"')"
assert_eq "log: by client, with its uid" "client $(id -u)" "$(log_by 127.0.0.2:8080)"
assert_eq "log: by the session rule" session-rule "$(log_by 127.0.0.3:8080)"
assert_eq "log: by the profile's rule" rule "$(log_by 127.0.0.9:80)"
assert_eq "log: the asking rule is still named" "supervisor.rules[1]" \
        "$(jq -r 'select(.address == "127.0.0.3:8080") | .rule' "$LOG")"

# --- this program's network for the session: denied, every call ----------
rm -f "$LOG"
start_sup --log "$LOG" -- "$TRY" connect 127.0.0.2:1 -- connect 127.0.0.4:2 \
        -- sendto 127.0.0.5:53 -- connect '[::1]:3'
start_client one
wait_request_addr one 127.0.0.2:1
assert_eq "network: the rule names every call that names a peer, and no address" \
        "{\"syscalls\":[\"connect\",\"bind\",\"sendto\",\"sendmsg\",\"sendmmsg\"],\"exe\":\"$TRY\"}" \
        "$(jq -c '.scopes[] | select(.name == "network") | .rule' <<<"$REQ")"
answer one "$REQ_ID" deny session '"choice":"network"'
stop_client one
end_sup
expect "network: every later call is denied" 0 "connect: EACCES
connect: EACCES
sendto: EACCES
connect: EACCES"
assert_eq "network: one request only" 1 "$(count_messages one '.type == "request"')"
assert_eq "log: the sendto, by the session rule" session-rule "$(log_by 127.0.0.5:53)"

# --- a forever answer: its later decisions are the forever rule's ------------
rm -f "$LOG"
cp "$PROFILE" "$TMP/net.orig.json"
start_sup --log "$LOG" -- "$TRY" connect 127.0.0.6:7 -- connect 127.0.0.6:7
start_client one
wait_request_addr one 127.0.0.6:7
answer one "$REQ_ID" allow forever '"choice":"exact"'
stop_client one
end_sup
expect "forever: the second connect passes unasked" 0 "connect: ECONNREFUSED
connect: ECONNREFUSED"
assert_eq "log: by the client, then by the forever rule" "client $(id -u)
forever-rule" "$(log_by 127.0.0.6:7)"
assert_eq "forever: the saved rule is the one shown, with the answer's action" \
        "{\"syscalls\":[\"connect\"],\"address\":{\"family\":\"inet\",\"cidr\":\"127.0.0.6\",\"port\":7},\"exe\":\"$TRY\",\"action\":\"allow\"}" \
        "$(jq -c '.supervisor.rules[0] | del(.comment)' "$PROFILE")"
cp "$TMP/net.orig.json" "$PROFILE"

finish
