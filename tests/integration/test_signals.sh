#!/bin/bash
# SPDX-License-Identifier: MIT
# SIGTERM, SIGINT and SIGHUP sent to scmp-super reach the command. The
# command says "ready" once it waits for signals, and the test reads that
# line from a fifo before it sends one: no sleeps. scmp-super runs in the
# background under setsid, so no terminal's ^C is involved.
. "$(dirname "$0")/lib.sh"

require_cmd setsid mkfifo
P=$(profile allow_all)
# How long a read waits for a line before the test calls it a hang.
READ_LIMIT=30

# start_bg VERB ARGS...: starts scmp-super running the helper in the
# background, stdout into a fifo read through fd $BG_FD. Sets BG_PID.
start_bg()
{
        rm -f "$TMP/fifo"
        mkfifo "$TMP/fifo"
        setsid "$SCMP_SUPER" run --policy "$P" -- "$TRY" "$@" >"$TMP/fifo" 2>"$TMP/err" </dev/null &
        BG_PID=$!
        exec {BG_FD}<"$TMP/fifo"
        LAST_CMD="setsid scmp-super run --policy $P -- try $*"
        OUT="" ERR="" STATUS=running
}

# read_line: the next line the command printed, in LINE ("EOF" at the
# end, "TIMEOUT" if none came within READ_LIMIT seconds).
read_line()
{
        if ! IFS= read -r -t "$READ_LIMIT" -u "$BG_FD" LINE; then
                if [ $? -gt 128 ]; then LINE=TIMEOUT; else LINE=EOF; fi
        fi
}

# end_bg: waits for scmp-super; sets STATUS and ERR, closes the fifo.
end_bg()
{
        wait "$BG_PID"
        STATUS=$?
        exec {BG_FD}<&-
        ERR=$(cat "$TMP/err")
}

# The pid we signal must be scmp-super itself, not a setsid that forked.
start_bg wait-signal
read_line
assert_eq "wait-signal says ready" "ready" "$LINE"
assert_eq "the background pid is scmp-super itself" "$(readlink -f "$SCMP_SUPER")" \
        "$(readlink "/proc/$BG_PID/exe")"
kill -TERM "$BG_PID"
read_line
assert_eq "SIGTERM to scmp-super reaches the command" "wait-signal: SIGTERM" "$LINE"
read_line
assert_eq "then the command's output ends" "EOF" "$LINE"
end_bg
assert_exit "the command handled SIGTERM and exited 0; so does scmp-super" 0

for sig in INT HUP; do
        start_bg wait-signal
        read_line
        assert_eq "SIG$sig: the command is ready" "ready" "$LINE"
        kill -"$sig" "$BG_PID"
        read_line
        assert_eq "SIG$sig to scmp-super reaches the command" "wait-signal: SIG$sig" "$LINE"
        end_bg
        assert_exit "SIG$sig: exit status 0" 0
done

# Signals are passed on, not acted on: scmp-super stays until the command
# exits, and the command's later output still arrives.
start_bg wait-signal -- wait-signal -- exit 5
read_line
kill -HUP "$BG_PID"
read_line
assert_eq "first signal of two" "wait-signal: SIGHUP" "$LINE"
read_line
assert_eq "the command waits again" "ready" "$LINE"
kill -TERM "$BG_PID"
read_line
assert_eq "second signal of two" "wait-signal: SIGTERM" "$LINE"
end_bg
assert_exit "after two signals the command's own status (5) is scmp-super's" 5

# A command that does not handle SIGTERM dies of it, and scmp-super says
# so with 128+15. The command blocks opening a fifo nobody writes to.
mkfifo "$TMP/never-written"
start_bg ids -- open "$TMP/never-written"
read_line
assert_contains "the blocking command has started" "ids: pid=" "$LINE"
kill -TERM "$BG_PID"
read_line
assert_eq "the blocking command printed nothing more" "EOF" "$LINE"
end_bg
assert_exit "SIGTERM kills a command without a handler: 143" 143

# The same with the open notified: whether SIGTERM comes while the call
# waits for the supervisor, or after it was allowed and blocks in the
# kernel, the command dies of it and scmp-super does not hang.
NOTIFY_OPEN=$(write_profile notify_open <<'JSON'
{
	"defaultAction": "SCMP_ACT_ALLOW",
	"syscalls": [ { "names": ["open", "openat"], "action": "SCMP_ACT_NOTIFY" } ],
	"supervisor": { "defaultAction": "allow" }
}
JSON
)
P=$NOTIFY_OPEN
start_bg ids -- open "$TMP/never-written"
read_line
assert_contains "notified open: the command has started" "ids: pid=" "$LINE"
kill -TERM "$BG_PID"
read_line
assert_eq "notified open: nothing more printed" "EOF" "$LINE"
end_bg
assert_exit "SIGTERM to a command in a notified, blocking open: 143" 143

finish
