#!/bin/bash
# SPDX-License-Identifier: MIT
# The terminal prompt, driven for real in tmux (send-keys, capture-pane):
# what it shows, a live countdown, allow, deny for the session, kill, a
# flood with its count, a rule saved for good with a chosen scope and
# honoured by the next run, a caller dying, a timeout, an answer from a
# client shown on the terminal, hostile file names made harmless, the
# terminal given back as it was, and 'scmp-super prompt' on its own
# terminal.
# Some functions run only through wait_until.
# shellcheck disable=SC2317
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt_lib.sh"

require_cmd tmux jq mkfifo stty
. "$(dirname "$0")/tmux_lib.sh"

seconds_left()
{
        pane | grep -o '([0-9]*s[,)]' | tail -n 1 | tr -dc 0-9
}

countdown_below()
{
        local now
        now=$(seconds_left)
        [ -n "$now" ] && [ "$now" -lt "$1" ]
}

# --- what the prompt shows; a live countdown; allow once ------------------
start_tty -- "$TRY" open "$TMP/ask/a"
wait_pane "needs a decision"
p=$(pane)
assert_contains "tty: the caller's executable" "$TRY" "$p"
assert_contains "tty: the caller's command line" "command   $TRY open $TMP/ask/a" "$p"
assert_contains "tty: the syscall" "call      openat" "$p"
assert_contains "tty: the path" "path      $TMP/ask/a" "$p"
assert_contains "tty: open flags by name" "flags     O_RDONLY|O_CLOEXEC" "$p"
assert_contains "tty: the rule that asked" "asked by  supervisor.rules[0] (ask about ask/)" "$p"
assert_contains "tty: what a timeout does" "timeout   deny with EACCES once" "$p"
assert_contains "tty: the keys" "[a]llow [A]llow session [d]eny [D]eny session [k]ill [s]ession scope [f]orever" "$p"
wait_pane "s)> "
first=$(seconds_left)
wait_until "tty: the countdown goes down" countdown_below "$first" &&
        pass "tty: the countdown goes down"
pane_tty=$("${TMUX_CMD[@]}" display-message -p -t sup '#{pane_tty}')
assert_contains "tty: single keys while asking" " -icanon " "$(stty -F "$pane_tty" -a)"
assert_contains "tty: no echo while asking" " -echo " "$(stty -F "$pane_tty" -a)"
keys a
end_tty
expect "tty: allow once" 0 "open: OK"
assert_contains "tty: says what was decided" "=> request 1: allowed once, by tty" "$(pane)"
assert_contains "tty: the terminal is given back as it was" " icanon " "$(stty -F "$pane_tty" -a)"
assert_contains "tty: echo is back on" " echo " "$(stty -F "$pane_tty" -a)"

# --- deny for the session: asked once for three calls ---------------------
start_tty -- "$TRY" open "$TMP/ask/s" -- open "$TMP/ask/s" -- open "$TMP/ask/s"
wait_pane "needs a decision"
keys D
end_tty
expect "tty: deny for the session" 0 "$(repeat_line 3 "open: EACCES")"
assert_eq "tty: asked only once" 1 "$(headers)"
assert_contains "tty: says so" "denied for the session with EACCES, by tty" "$(pane)"

# --- kill -------------------------------------------------------------------
start_tty -- "$TRY" open "$TMP/ask/k" -- ids
wait_pane "needs a decision"
keys k
end_tty
expect "tty: kill" 137 ""

# --- a flood: one prompt at a time, with the count of those waiting -------
# shellcheck disable=SC2016 # expanded by the inner sh
start_tty -- sh -c 'for i in 1 2 3; do "$0" open "$1/ask/$i" & done; wait' "$TRY" "$TMP"
wait_pane "s, 2 more)>"
for n in 1 2 3; do
        wait_until "tty: prompt $n of the flood is shown" headers_at_least "$n"
        keys a
done
end_tty
expect "tty: a flood answered one by one" 0 "$(repeat_line 3 "open: OK")"

# --- output stopped while the next prompt is drawn: drawn again ----------
# Stopped as ^S would on a terminal whose own line discipline reads it;
# with the command on a pty of its own the terminal is raw, and ^S and ^Q
# go to the command's pty instead.
# shellcheck disable=SC2016 # expanded by the inner sh
start_tty -- sh -c 'for i in 1 2; do "$0" open "$1/ask/$i" & done; wait' "$TRY" "$TMP"
wait_pane "s, 1 more)>"
terminal_output off
keys a
# The first is answered; the second was drawn into a stopped terminal.
wait_until "tty: the first of two answered while output is stopped" \
        grep -q "open: OK" "$TMP/run.out"
terminal_output on
wait_until "tty: the second prompt is drawn once output resumes" headers_at_least 2
assert_contains "tty: with the answer to the first that was cut" \
        "=> request 1: allowed once, by tty" "$(pane)"
keys a
end_tty
expect "tty: both answered" 0 "$(repeat_line 2 "open: OK")"

# --- forever: a rule with a chosen scope, saved and honoured next time ----
cp "$ASK_PROFILE" "$TMP/forever.json"
PROFILE=$TMP/forever.json
start_tty -- "$TRY" open "$TMP/ask/keep.txt"
wait_pane "needs a decision"
keys f
wait_pane "save a rule for good: [a]llow [d]eny [k]ill"
keys a
wait_pane "which scope?"
assert_contains "tty: scopes offered" "[2] this directory: $TMP/ask/*" "$(pane)"
assert_contains "tty: by extension too" "[5] *.txt anywhere: /**/*.txt" "$(pane)"
keys 2
end_tty
expect "tty: allowed forever" 0 "open: OK"
diff "$ASK_PROFILE" "$TMP/forever.json" >"$TMP/forever.diff"
assert_eq "tty: the profile only gained lines" "" "$(grep '^[<-]' "$TMP/forever.diff")"
assert_contains "tty: the saved rule names the directory" "\"path\": \"$TMP/ask/*\"" \
        "$(cat "$TMP/forever.diff")"
assert_contains "tty: and allows" '"action": "allow"' "$(cat "$TMP/forever.diff")"
run_sup run --policy "$TMP/forever.json" --prompt none -- "$TRY" open "$TMP/ask/other.txt"
expect "tty: the next run allows without asking" 0 "open: OK"
unset PROFILE

# --- a caller that dies takes its prompt off the terminal -----------------
start_tty -- "$TRY" ids -- open "$TMP/ask/d"
wait_pane "needs a decision"
kill -KILL "$(sed -n 's/^ids: pid=\([0-9]*\) .*/\1/p' "$TMP/run.out")"
wait_pane "=> request 1: gone: the caller died"
end_tty
assert_exit "tty: caller died" 137

# --- a timeout --------------------------------------------------------------
start_tty --prompt-timeout 1 -- "$TRY" open "$TMP/ask/t"
wait_pane "needs a decision"
end_tty
expect "tty: nobody answered" 0 "open: EACCES"
assert_contains "tty: says the time ran out" "denied once with EACCES: nobody answered in time" \
        "$(pane)"

# --- an answer from a client is shown on the terminal ---------------------
start_tty -- "$TRY" open "$TMP/ask/x"
wait_pane "needs a decision"
start_client one
wait_request one "$TMP/ask/x"
answer one "$REQ_ID" allow
stop_client one
end_tty
expect "tty: a client answered" 0 "open: OK"
assert_contains "tty: the terminal says who" "allowed once, by client" "$(pane)"

# --- a hostile file name cannot drive the terminal ------------------------
evil=$TMP/ask/$'evil\e[2J\e]0;pwned\a\xe2\x80\xaename'
echo x >"$evil"
start_tty -- "$TRY" open "$evil"
wait_pane "needs a decision"
assert_contains "tty: escapes are shown, not obeyed" \
        'path      '"$TMP"'/ask/evil\x1b[2J\x1b]0;pwned\x07\u{202e}name' "$(pane)"
assert_contains "tty: the screen was not cleared" "caller    pid" "$(pane)"
keys d
end_tty
expect "tty: hostile name denied" 0 "open: EACCES"

# --- 'scmp-super prompt' answering on its own terminal --------------------
start_sup -- "$TRY" open "$TMP/ask/y" -- open "$TMP/ask/y" -- open "$TMP/ask/z"
"${TMUX_CMD[@]}" new-session -d -s cli -x 100 -y 50 \
        "$(printf '%q ' "$SCMP_SUPER" prompt --socket "$CTL"); echo client-exit=\$?; exec sleep 3600"
wait_pane "needs a decision" cli
assert_contains "prompt: shows the path" "path      $TMP/ask/y" "$(pane cli)"
# Arrow keys send "ESC [ A" and "ESC [ D": letters that are answers ('A'
# allow for the session) when taken byte by byte. Only the 'd' answers.
key Up cli
key Left cli
keys d cli
wait_pane "denied once with EACCES, by client" cli
assert_not_contains "prompt: an arrow key is no answer" "allowed for the session" "$(pane cli)"
keys A cli
wait_pane "allowed for the session, by client" cli
wait_pane "path      $TMP/ask/z" cli
keys d cli
wait_pane "client-exit=0" cli
end_sup
expect "prompt: answered from its own terminal" 0 "open: EACCES
open: OK
open: EACCES"
assert_contains "prompt: says when the supervisor is done" "the supervisor has finished" \
        "$(pane cli)"

finish
