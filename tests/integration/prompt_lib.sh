# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# The variables set here (STATUS, OUT, REQ_ID, ...) are for the scripts.
# shellcheck disable=SC2034
# Sourced by the test_prompt_*.sh scripts, after lib.sh. Runs scmp-super in
# the background with a profile that asks about $TMP/ask/**, and talks to
# its control socket with 'scmp-super prompt --json' clients (through
# fifos) or, for what no well-behaved client would send, a few lines of
# Python. Nothing waits a fixed time: every wait polls for its condition
# and gives up after WAIT_LIMIT seconds.

WAIT_LIMIT=${WAIT_LIMIT:-20}
# A client that has already gone must fail a send, not kill the test.
trap '' PIPE
CTL=$TMP/ctl.sock

# The profile: openat and open go to the supervisor; paths under $TMP/ask
# are asked about (EACCES on a timeout), everything else is allowed.
ASK_PROFILE=$(write_profile ask <<'EOF'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [
		{ "names": ["openat", "open"], "action": "SCMP_ACT_NOTIFY" }
	],
	"supervisor": {
		"defaultAction": "allow",
		"promptTimeout": 30,
		"rules": [
			{
				"comment": "ask about ask/",
				"path": "@TMP@/ask/**",
				"action": "prompt",
				"errno": "EACCES"
			}
		]
	}
}
EOF
)
mkdir -p "$TMP/ask" "$TMP/free"
for f in a b c d k t s x y z keep.txt other.txt 1 2 3 4 5; do
        echo "$f" >"$TMP/ask/$f"
done
echo free >"$TMP/free/file"

# wait_until DESCRIPTION COMMAND...: polls COMMAND until it succeeds; fails
# the check named DESCRIPTION (and returns 1) after WAIT_LIMIT seconds.
# COMMAND's words are expanded once, by the caller: a "$(...)" among them
# is read before the first poll and never again, so anything that must be
# read anew each time goes in a function that COMMAND names.
wait_until()
{
        local what=$1 i
        shift
        for ((i = 0; i < WAIT_LIMIT * 20; i++)); do
                if "$@"; then
                        return 0
                fi
                sleep 0.05
        done
        fail "$what (waited ${WAIT_LIMIT}s)" "$(sup_details)"
        return 1
}

# start_sup [RUN OPTIONS...] -- COMMAND...: starts 'scmp-super run' with
# the ask profile (or PROFILE if set) and the control socket at $CTL in the
# background, and waits for the socket. Sets SUP_PID.
start_sup()
{
        local opts=()
        while [ $# -gt 0 ] && [ "$1" != "--" ]; do
                opts+=("$1")
                shift
        done
        shift
        rm -f "$CTL" "$TMP/run.out" "$TMP/run.err"
        LAST_CMD="scmp-super run --policy ${PROFILE:-$ASK_PROFILE} --prompt socket --control $CTL ${opts[*]} -- $*"
        timeout -k 5 "$HANG_LIMIT" "$SCMP_SUPER" run --policy "${PROFILE:-$ASK_PROFILE}" \
                --prompt socket --control "$CTL" "${opts[@]}" -- "$@" \
                >"$TMP/run.out" 2>"$TMP/run.err" </dev/null &
        SUP_PID=$!
        wait_until "the control socket appears" test -S "$CTL"
}

# end_sup: waits for scmp-super; sets STATUS, OUT and ERR.
end_sup()
{
        wait "$SUP_PID"
        STATUS=$?
        OUT=$(cat "$TMP/run.out")
        ERR=$(cat "$TMP/run.err")
}

sup_details()
{
        printf 'command: %s\n' "${LAST_CMD:-?}"
        printf 'stdout: %s\n' "$(cat "$TMP/run.out" 2>/dev/null)"
        printf 'stderr: %s\n' "$(cat "$TMP/run.err" 2>/dev/null)"
        local f
        for f in "$TMP"/client-*.out; do
                [ -e "$f" ] && printf '%s: %s\n' "$(basename "$f")" "$(cat "$f")"
        done
        # A test that knows more (what a terminal shows) says it too.
        if declare -F extra_details >/dev/null; then
                extra_details
        fi
}

# start_client NAME: 'scmp-super prompt --json' reading replies from a fifo
# and writing messages to $TMP/client-NAME.out. Sets CLIENT_PID_NAME and
# keeps the fifo's write end open on fd CLIENT_FD_NAME.
start_client()
{
        local name=$1 fd
        rm -f "$TMP/client-$name.in" "$TMP/client-$name.out"
        mkfifo "$TMP/client-$name.in"
        "$SCMP_SUPER" prompt --socket "$CTL" --json <"$TMP/client-$name.in" \
                >"$TMP/client-$name.out" 2>"$TMP/client-$name.err" &
        printf -v "CLIENT_PID_$name" '%s' $!
        exec {fd}>"$TMP/client-$name.in"
        printf -v "CLIENT_FD_$name" '%s' "$fd"
        wait_until "client $name is greeted" grep -q '"type":"hello"' "$TMP/client-$name.out"
}

# stop_client NAME: closes its stdin and kills it (a client that vanishes).
stop_client()
{
        local pid_var=CLIENT_PID_$1 fd_var=CLIENT_FD_$1
        local fd=${!fd_var}
        exec {fd}>&-
        kill -KILL "${!pid_var}" 2>/dev/null
        wait "${!pid_var}" 2>/dev/null
}

# send NAME JSON: a line from client NAME to the supervisor.
send()
{
        local fd_var=CLIENT_FD_$1
        printf '%s\n' "$2" >&"${!fd_var}"
}

# messages NAME JQ_FILTER: what client NAME received, filtered by jq.
messages()
{
        jq -c "$2" "$TMP/client-$1.out" 2>/dev/null
}

# count_messages NAME JQ_CONDITION: how many received messages satisfy it.
count_messages()
{
        messages "$1" "select($2)" | wc -l
}

has_message()
{
        [ "$(count_messages "$1" "$2")" -gt 0 ]
}

# wait_request NAME PATH: waits for a request about PATH; sets REQ_ID to
# the newest one's id and REQ to the message.
wait_request()
{
        local cond=".type == \"request\" and .decoded.paths[0] == \"$2\""
        wait_until "client $1 is asked about $2" has_message "$1" "$cond" || return 1
        REQ=$(messages "$1" "select($cond)" | tail -n 1)
        REQ_ID=$(jq -r .id <<<"$REQ")
}

# reply NAME ID DECISION [SCOPE [EXTRA_JSON_MEMBERS]]
reply()
{
        send "$1" "{\"type\":\"reply\",\"id\":$2,\"decision\":\"$3\",\"scope\":\"${4:-once}\"${5:+,$5}}"
}

# answer NAME ID DECISION [SCOPE [EXTRA_JSON_MEMBERS]]: reply, then wait
# until the supervisor says the request is resolved (so the client may go).
answer()
{
        reply "$@"
        wait_resolved "$1" "$2"
}

# wait_resolved NAME ID: waits until client NAME hears that ID is resolved;
# sets RESOLVED to the message.
wait_resolved()
{
        local cond=".type == \"resolved\" and .id == $2"
        wait_until "client $1 hears request $2 resolved" has_message "$1" "$cond" || return 1
        RESOLVED=$(messages "$1" "select($cond)" | tail -n 1)
}

# wait_output TEXT: waits until the command printed a line equal to TEXT.
wait_output()
{
        wait_until "the command prints \"$1\"" grep -qxF -- "$1" "$TMP/run.out"
}

# snapshot: connects once, and prints the hello and each waiting request as
# JSON lines; what a client sees on connecting.
snapshot()
{
        python3 - "$CTL" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
f = s.makefile("r")
hello = json.loads(f.readline())
print(json.dumps(hello))
for _ in range(hello["pending"]):
    print(f.readline().strip())
EOF
}

# pending_waiting PATH: the "waiting" count of the request about PATH now.
pending_waiting()
{
        snapshot | jq -r "select(.type == \"request\" and .decoded.paths[0] == \"$1\") | .waiting"
}

# waiting_is PATH N: the request about PATH has N calls waiting on it now.
waiting_is()
{
        [ "$(pending_waiting "$1")" = "$2" ]
}

# pending_is N: N prompts are pending now.
pending_is()
{
        [ "$(snapshot | jq -s '.[0].pending')" = "$1" ]
}
