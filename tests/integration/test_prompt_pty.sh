#!/bin/bash
# SPDX-License-Identifier: MIT
# The command on a pseudo-terminal of its own, when scmp-super prompts on
# the terminal and stdin is one, driven for real in tmux: a hostile
# command can neither answer a prompt with TIOCSTI nor paint over it,
# nor hide it with what it leaves set on the terminal; interactive
# programs keep working (a shell with ^C, ^Z and fg, window size changes,
# vi, less, a prompt over a full-screen program, ^Z of the whole run);
# the person's terminal settings come back as they were; and without a
# terminal on stdin, or without prompting on the terminal, nothing
# changes.
# Some functions run only through wait_until.
# shellcheck disable=SC2317
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt_lib.sh"

require_cmd tmux jq stty pgrep vi less
. "$(dirname "$0")/tmux_lib.sh"
require_built "$HOSTILE"

# log_decision LOG PATH: the decision the --log file LOG records for the
# openat of PATH.
log_decision()
{
        jq -r --arg p "$2" 'select(.syscall == "openat" and .paths[0] == $p) | .decision' "$1"
}

# --- TIOCSTI reaches only the command's own terminal ----------------------
# The command pushes "A" (allow for the session) into its terminal's input
# every 10 ms while its open waits for the prompt. On a shared terminal
# that answers the prompt; on its own pty nobody answers, and the prompt
# times out.
start_tty --prompt-timeout 3 --log "$TMP/tiocsti.log" -- "$HOSTILE" tiocsti "$TMP/ask/a"
wait_pane "needs a decision"
end_tty
assert_contains "TIOCSTI: the command's pushes were taken (by its own terminal)" \
        "tiocsti: pushed" "$OUT"
assert_contains "TIOCSTI: the pushed keys did not answer: the open was refused" \
        "open: EACCES" "$OUT"
assert_contains "TIOCSTI: the prompt timed out, nobody answered" \
        "=> request 1: denied once with EACCES: nobody answered in time" "$(pane)"
assert_not_contains "TIOCSTI: the terminal never says the person answered" "by tty" "$(pane)"
assert_eq "TIOCSTI: the log records the timeout's deny" deny \
        "$(log_decision "$TMP/tiocsti.log" "$TMP/ask/a")"

# The same attack, and the person answers: only their key counts.
start_tty -- "$HOSTILE" tiocsti "$TMP/ask/b"
wait_pane "s)> "
keys d
end_tty
assert_contains "TIOCSTI: the person's own answer is taken" "open: EACCES" "$OUT"
assert_contains "TIOCSTI: and said to be theirs" "=> request 1: denied once with EACCES, by tty" \
        "$(pane)"

# --- nothing the command writes can paint over a prompt -------------------
# While its open waits, the command moves the cursor up onto the prompt's
# caller and path lines and writes fake ones, every 10 ms.
painted()
{
        local n
        n=$(cat "$TMP/painted" 2>/dev/null)
        echo "${n:-0}"
}

painted_at_least()
{
        [ "$(painted)" -ge "$1" ]
}

rm -f "$TMP/painted"
TTY_STDOUT=terminal start_tty -- "$HOSTILE" repaint "$TMP/ask/c" "$TMP/painted"
wait_pane "needs a decision"
wait_until "repaint: the command paints over the prompt 5 more times" \
        painted_at_least $(($(painted) + 5))
wait_pane "s)> "
# What it painted before the prompt appeared stays above it.
p=$(screen | sed -n '/needs a decision/,$p')
assert_contains "repaint: the prompt's path line is intact" "path      $TMP/ask/c" "$p"
assert_contains "repaint: its caller line is intact" "$HOSTILE" "$(grep "caller    pid" <<<"$p")"
assert_not_contains "repaint: no fake path in the prompt while asking" "FAKE-PATH" "$p"
assert_not_contains "repaint: no fake caller in the prompt while asking" "FAKE-CALLER" "$p"
keys d
wait_pane "FAKE-PATH"
pass "repaint: what the command wrote is shown after the answer, not lost"
end_tty
assert_contains "repaint: the answer was the person's" \
        "=> request 1: denied once with EACCES, by tty" "$(pane)"
assert_contains "repaint: the command saw the deny" "open: EACCES" "$(pane)"

# --- what the command leaves set on the terminal cannot hide a prompt -----
# Before its call, the command switches to the line-drawing character
# set, turns on conceal and insert mode, sets a two-line scroll region,
# and leaves a window title open, which would swallow what follows.
# shellcheck disable=SC2016 # expanded by the inner sh
start_tty -- sh -c 'printf "\033(0\033[8m\033[4h\033[3;4r\033]2;" >/dev/tty; exec "$0" open "$1"' \
        "$TRY" "$TMP/ask/d"
wait_pane "needs a decision"
p=$(screen)
assert_contains "leftovers: the caller line is on screen" "caller    pid" "$p"
assert_contains "leftovers: the path is on screen" "path      $TMP/ask/d" "$p"
assert_contains "leftovers: and the rule" "asked by  supervisor.rules[0] (ask about ask/)" "$p"
assert_contains "leftovers: the choices are on screen" "[a]llow [A]llow session" "$p"
attrs=$(SCREEN_ATTRS=1 screen | grep -F "$TMP/ask/d")
assert_not_contains "leftovers: the path is not concealed" $'\e[8m' "$attrs"
assert_not_contains "leftovers: nor drawn in line-drawing characters" $'\x0e' "$attrs"
wait_pane "s)> "
keys a
end_tty
expect "leftovers: answered" 0 "open: OK"

# --- keys are keys, not the letters of escape sequences ------------------
# Up is ESC [ A and Left ESC [ D: read byte by byte, allow and deny for
# the session.
start_tty -- "$TRY" open "$TMP/ask/e"
wait_pane "s)> "
key Up
key Left
keys d
end_tty
expect "arrows: not answers, the d after them is" 0 "open: EACCES"
assert_contains "arrows: said so" "=> request 1: denied once with EACCES, by tty" "$(pane)"

# A report the command provokes from the terminal: tmux answers a version
# query with ESC P > | tmux 3.3a ESC \, and its 'a' would allow. Asked
# every 50 ms while the call waits, on a terminal shared with the command
# (stdin not a terminal: no pty, the command writes to the terminal when
# it likes). Nobody answers, and the prompt times out.
# shellcheck disable=SC2016 # expanded by the inner sh
TTY_STDIN=/dev/null start_tty --prompt-timeout 2 -- sh -c \
        '(while :; do printf "\033[>0q" >/dev/tty; sleep 0.05; done) & "$0" open "$1"; kill $!' \
        "$TRY" "$TMP/ask/f"
end_tty
expect "reports: a terminal's report does not answer" 0 "open: EACCES"
assert_contains "reports: the prompt timed out" \
        "=> request 1: denied once with EACCES: nobody answered in time" "$(pane)"

# --- whose terminal the command has --------------------------------------
# tty_of PID: the controlling terminal ps names for PID ("pts/3").
# shellcheck disable=SC2016 # expanded by the inner sh
WHICH_TTY=(sh -c 'tty; ps -o tty= -p $$')
start_tty -- "${WHICH_TTY[@]}"
end_tty
real=$(pane_tty)
mine=$(head -n 1 <<<"$OUT")
assert_contains "own pty: stdin is a terminal" "/dev/pts/" "$mine"
assert_not_contains "own pty: not the person's terminal" "$real" "$mine"
assert_eq "own pty: and it is the command's controlling terminal" "${mine#/dev/}" \
        "$(sed -n 2p <<<"$OUT" | tr -d ' ')"
assert_exit "own pty: exit status" 0

# Each session has a pane of its own, whose pts number another test's
# terminals may have moved: compared with this session's pane.
TTY_STDIN=/dev/null start_tty -- "${WHICH_TTY[@]}"
end_tty
real=$(pane_tty)
assert_eq "stdin not a terminal: no pty, stdin stays as it was" "not a tty" "$(head -n 1 <<<"$OUT")"
assert_eq "stdin not a terminal: the terminal is shared, as before" "${real#/dev/}" \
        "$(sed -n 2p <<<"$OUT" | tr -d ' ')"

PROMPT_MODE=socket start_tty -- "${WHICH_TTY[@]}"
end_tty
real=$(pane_tty)
assert_eq "prompting by socket: no pty" "$real" "$(head -n 1 <<<"$OUT")"

# --- the command's end, through its pty -----------------------------------
start_tty -- "$TRY" exit 3
end_tty
assert_exit "own pty: the command's exit status is run's" 3
start_tty -- "$TRY" kill-self TERM
end_tty
assert_exit "own pty: killed by signal N, run ends with 128+N" 143
# Everything it wrote, up to the last line, before run ends.
TTY_STDOUT=terminal start_tty -- seq 1 20000
end_tty
assert_eq "own pty: the last of its output is shown" 20000 \
        "$(screen | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -n 1)"

# --- signals sent to scmp-super still reach the command -------------------
start_tty -- "$TRY" wait-signal
wait_until "wait-signal is ready" grep -qx ready "$TMP/run.out"
sup_pid=$(pgrep -o -f -- "--control $CTL")
kill -TERM "$sup_pid"
end_tty
expect "SIGTERM to scmp-super reaches the command on its pty" 0 "ready
wait-signal: SIGTERM"

# --- interactive programs, in a shell of the person's own -----------------
# screen_has TEXT: the person's screen shows TEXT now.
screen_has()
{
        screen sh | grep -qF -- "$1"
}

# wait_screen TEXT: waits until the person's screen shows TEXT now (not
# in lines scrolled off it, which hold what earlier steps showed).
wait_screen()
{
        wait_until "the person's screen shows \"$1\"" screen_has "$1" || {
                printf '    screen:\n'
                screen sh | sed 's/^/    | /'
        }
}

# The person's shell: bash with job control, in its own tmux session.
"${TMUX_CMD[@]}" new-session -d -s sh -x 100 -y 50 \
        "env -i PATH=$PATH HOME=$TMP TERM=screen PS1='outer$ ' bash --norc --noprofile -i"
wait_screen 'outer$ ' sh
person=$(pane_tty sh)
before=$(stty -g -F "$person")
SUP=$(printf '%q ' "$SCMP_SUPER" run --policy "$ASK_PROFILE" --prompt tty --control "$CTL" --)

# shown_twice TEXT: on two lines of the person's screen (typed, echoed by
# the pty, and written back by cat).
shown_twice()
{
        [ "$(screen sh | grep -cF -- "$1")" -ge 2 ]
}

# settings_changed: the person's terminal is not as it was before the run.
settings_changed()
{
        [ "$(stty -g -F "$person")" != "$before" ]
}

# line TEXT: types TEXT and Enter into the person's shell.
line()
{
        keys "$1" sh
        key Enter sh
}

first_line_is()
{
        [ "$(screen sh | head -n 1 | sed 's/[[:space:]]*$//')" = "$1" ]
}

# running PATTERN: a process whose command line matches PATTERN runs.
running()
{
        pgrep -f -- "$1" >/dev/null
}

# last_line_is TEXT: the last non-empty line on the person's screen.
last_line_is()
{
        [ "$(screen sh | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -n 1)" = "$1" ]
}

line "$SUP env PS1='inner$ ' bash --norc --noprofile -i"
wait_screen 'inner$ ' sh
line 'stty size'
wait_screen '50 100' sh
"${TMUX_CMD[@]}" resize-window -t sh -x 120 -y 40
line 'clear; stty size'
wait_screen '40 120' sh
pass "shell: a window size change reaches the command's pty"

line 'sleep 1234'
wait_until "shell: sleep runs" running "^sleep 1234$"
key C-c sh
line 'echo "rc=$?"'
wait_screen 'rc=130' sh
pass "shell: ^C interrupts a command in the shell on the pty"

line 'clear; sleep 1235'
wait_until "shell: the second sleep runs" running "^sleep 1235$"
key C-z sh
wait_screen 'Stopped' sh
line 'fg'
wait_until "shell: fg shows the job" screen_has 'sleep 1235' 
key C-c sh
line 'echo "after fg rc=$?"'
wait_screen 'after fg rc=130' sh
pass "shell: ^Z and fg in the shell on the pty"

line 'exit'
wait_until "shell: the inner shell ends" last_line_is 'outer$'
line 'echo "inner status=$?"'
wait_screen 'inner status=0' sh
assert_eq "shell: the person's terminal settings are as they were" "$before" \
        "$(stty -g -F "$person")"

# ^Z of the whole run: the command is scmp-super's child, so scmp-super
# stops too, and the person's shell says the job stopped.
# cat under a name of this test's, so no other cat on the machine counts.
ln -s "$(command -v cat)" "$TMP/cat"
line 'clear'
line "$SUP $TMP/cat"
wait_until "cat runs" running "^$TMP/cat$"
key C-z sh
wait_screen 'Stopped' sh
assert_contains "^Z: the person's shell has the job stopped" "$SCMP_SUPER" "$(screen sh)"
assert_eq "^Z: the terminal is given back while stopped" "$before" "$(stty -g -F "$person")"
line 'fg'
wait_until "fg: the terminal is the relay's again" settings_changed
line 'hello after fg'
wait_until "fg: cat echoes what is typed" shown_twice 'hello after fg'
key C-d sh
line 'echo "cat status=$?"'
wait_screen 'cat status=0' sh
pass "^Z, fg: the command goes on, keys reach it, it ends normally"
assert_eq "^Z, fg: the person's terminal settings are as they were" "$before" \
        "$(stty -g -F "$person")"

# SIGTSTP sent to scmp-super: as ^Z typed on the command's terminal.
line 'clear'
line "$SUP $TMP/cat"
wait_until "cat runs again" running "^$TMP/cat$"
shell_pid=$("${TMUX_CMD[@]}" display-message -p -t sh '#{pane_pid}')
kill -TSTP "$(pgrep -P "$shell_pid" -x scmp-super)"
wait_screen 'Stopped' sh
assert_eq "SIGTSTP to scmp-super: the terminal is given back" "$before" \
        "$(stty -g -F "$person")"
line 'fg'
line 'hello after SIGTSTP'
wait_until "SIGTSTP, fg: cat echoes what is typed" shown_twice 'hello after SIGTSTP'
key C-d sh
line 'echo "cat status after SIGTSTP=$?"'
wait_screen 'cat status after SIGTSTP=0' sh
pass "SIGTSTP to scmp-super suspends the run, fg resumes it"

# vi: raw mode, keys, a window size change.
line 'clear'
line "$SUP vi -u NONE -i NONE -N -n $TMP/vi.txt"
wait_until "vi runs" running "^vi -u NONE -i NONE -N -n $TMP/vi.txt$"
wait_screen '~' sh
keys 'ihello from vi' sh
key Escape sh
"${TMUX_CMD[@]}" resize-window -t sh -x 90 -y 30
keys ":call writefile([&columns . 'x' . &lines], '$TMP/vi.size')" sh
key Enter sh
wait_until "vi: the size is known" test -s "$TMP/vi.size"
assert_eq "vi: sees the new window size" "90x30" "$(cat "$TMP/vi.size")"
keys ':wq' sh
key Enter sh
wait_until "vi: ends" last_line_is 'outer$'
assert_eq "vi: wrote what was typed" "hello from vi" "$(cat "$TMP/vi.txt")"

# A prompt over a full-screen program, then back to it.
echo "asked about" >"$TMP/ask/v"
line 'clear'
line "$SUP vi -u NONE -i NONE -N -n $TMP/vi.txt"
wait_screen 'hello from vi' sh
keys ":e $TMP/ask/v" sh
key Enter sh
# The line of choices is drawn last, after what was typed before the
# prompt was discarded.
wait_screen 's)> ' sh
# vi opens it twice: allowed for the session.
keys A sh
wait_screen 'asked about' sh
pass "vi: a prompt over it, answered, and vi shows the file"
keys ':q' sh
key Enter sh
wait_until "vi: ends after the prompt" last_line_is 'outer$'

# less: pages, searches, quits.
seq -f 'line %g' 1 300 >"$TMP/long.txt"
line 'clear'
line "$SUP less $TMP/long.txt"
wait_screen 'line 1' sh
keys 'G' sh
wait_screen 'line 300' sh
keys 'g/line 150' sh
key Enter sh
wait_until "less: found what was searched for" first_line_is 'line 150' 
keys q sh
wait_until "less: ends" last_line_is 'outer$'
line 'echo "less status=$?"'
wait_screen 'less status=0' sh
assert_eq "after vi and less, the person's terminal settings are as they were" "$before" \
        "$(stty -g -F "$person")"

finish
