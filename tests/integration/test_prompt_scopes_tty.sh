#!/bin/bash
# SPDX-License-Identifier: MIT
# The scopes of a network prompt as a person answers them with keys, in a
# network namespace of the test's own (loopback addresses only): on
# 'scmp-super prompt' in its own terminal and on run's own terminal prompt,
# 's' (for the session with a scope), 'a', then the scope "port 8080 on any
# IPv4 address", shown with the exact rule it applies and the executable
# it is tied to before it is chosen; a connect to another address on that
# port then passes without a prompt.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt_lib.sh"
. "$(dirname "$0")/tmux_lib.sh"

require_cmd jq unshare ip
if [ "$(id -u)" != 0 ]; then
        skip "a network namespace of the test's own needs root; this runs as uid $(id -u)"
fi
in_own_net_namespace "$@"

# No rule of the profile reads addresses: only the prompt does. An allowed
# connect is then performed by the supervisor all the same (its own filter
# lets it take the caller's socket), and reaches the port (a connect the
# supervisor could not perform would fail with EPERM).
PROFILE=$(write_profile net <<'EOF'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [
		{ "names": ["connect"], "action": "SCMP_ACT_NOTIFY" }
	],
	"supervisor": {
		"defaultAction": "allow",
		"rules": [
			{ "syscalls": ["connect"], "action": "prompt", "errno": "EACCES" }
		]
	}
}
EOF
)
PORT_LINE="port 8080 on any IPv4 address, tied to executable $TRY"
PORT_RULE="{\"syscalls\":[\"connect\"],\"address\":{\"family\":\"inet\",\"port\":8080},\"exe\":\"$TRY\",\"action\":\"allow\"}"

# --- 'scmp-super prompt' on its own terminal ----------------------------
start_sup -- "$TRY" connect 127.0.0.2:8080 -- connect 127.0.0.3:8080
"${TMUX_CMD[@]}" new-session -d -s cli -x 120 -y 50 \
        "$(printf '%q ' "$SCMP_SUPER" prompt --socket "$CTL"); echo client-exit=\$?; exec sleep 3600"
wait_pane "needs a decision" cli
assert_contains "prompt: offers a session scope" "[s]ession scope" "$(pane cli)"
keys s cli
wait_pane "for the session: [a]llow [d]eny [k]ill" cli
keys a cli
wait_pane "allow for the session: which scope? [1-6]" cli
assert_contains "prompt: exactly this shows its rule" \
        "{\"syscalls\":[\"connect\"],\"address\":{\"family\":\"inet\",\"cidr\":\"127.0.0.2\",\"port\":8080},\"exe\":\"$TRY\",\"action\":\"allow\"}" \
        "$(pane cli)"
assert_contains "prompt: the port scope, tied to the executable" "[3] $PORT_LINE" "$(pane cli)"
assert_contains "prompt: the port scope's rule, as it applies" "$PORT_RULE" "$(pane cli)"
assert_contains "prompt: the scope tied to no executable says so" \
        "[6] exactly this, from any program (not tied to an executable)" "$(pane cli)"
keys 3 cli
wait_pane "allowed for the session, by client" cli
wait_pane "client-exit=0" cli
end_sup
expect "prompt: another address on that port passes unasked" 0 "connect: ECONNREFUSED
connect: ECONNREFUSED"
assert_eq "prompt: one request only" 1 "$(pane cli | grep -c "needs a decision")"

# --- run's own terminal: the same scopes, the same rules --------------------
start_tty -- "$TRY" connect 127.0.0.2:8080 -- connect 127.0.0.3:8080
wait_pane "needs a decision"
keys s
wait_pane "for the session: [a]llow [d]eny [k]ill"
keys a
wait_pane "allow for the session: which scope? [1-6]"
assert_contains "tty: the port scope, tied to the executable" "[3] $PORT_LINE" "$(pane)"
assert_contains "tty: the port scope's rule, as it applies" "$PORT_RULE" "$(pane)"
keys 3
end_tty
expect "tty: another address on that port passes unasked" 0 "connect: ECONNREFUSED
connect: ECONNREFUSED"
assert_eq "tty: one prompt only" 1 "$(headers)"

finish
