# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the tests that drive a terminal for real, after lib.sh and
# prompt_lib.sh: scmp-super, or a shell, in a tmux session of our own
# (send-keys types, capture-pane shows what the terminal shows).
# Some functions run only through wait_until or the exit trap, and the
# variables set here (STATUS, OUT, ...) are for the scripts.
# shellcheck disable=SC2317,SC2034

require_cmd tmux

# Our own tmux server, so nothing else's sessions are touched.
TMUX_CMD=(tmux -L "scmp-$TEST_NAME-$$")
on_exit()
{
        local st=$?
        "${TMUX_CMD[@]}" kill-server 2>/dev/null
        (exit "$st")
        cleanup
}
trap on_exit EXIT
# A tmux server exits with its last session; one that never ends keeps it
# up between the sessions the tests start and kill.
"${TMUX_CMD[@]}" new-session -d -s keep "exec sleep 3600"

# start_tty [RUN OPTIONS...] -- COMMAND...: 'scmp-super run --prompt tty'
# in a fresh 100x50 tmux session; the command's stdout goes to run.out
# (to the terminal with TTY_STDOUT=terminal), its stdin is the terminal
# (the file TTY_STDIN names, if set), and scmp-super's exit status goes to
# $TMP/status when it ends. PROMPT_MODE replaces tty.
start_tty()
{
        local opts=()
        while [ $# -gt 0 ] && [ "$1" != "--" ]; do
                opts+=("$1")
                shift
        done
        shift
        rm -f "$CTL" "$TMP/run.out" "$TMP/run.err" "$TMP/status"
        "${TMUX_CMD[@]}" kill-session -t sup 2>/dev/null
        {
                printf '%q ' "$SCMP_SUPER" run --policy "${PROFILE:-$ASK_PROFILE}" \
                        --prompt "${PROMPT_MODE:-tty}" --control "$CTL" "${opts[@]}" -- "$@"
                if [ "${TTY_STDOUT:-}" != terminal ]; then
                        printf '>%q ' "$TMP/run.out"
                fi
                if [ -n "${TTY_STDIN:-}" ]; then
                        printf '<%q ' "$TTY_STDIN"
                fi
                printf '2>%q\n' "$TMP/run.err"
                printf 'echo $? >%q\n' "$TMP/status"
                # The pane stays open, so what it showed can still be read.
                printf 'exec sleep 3600\n'
        } >"$TMP/tty-run.sh"
        LAST_CMD="(in tmux) $(head -n 1 "$TMP/tty-run.sh")"
        "${TMUX_CMD[@]}" new-session -d -s sup -x 100 -y 50 "bash $TMP/tty-run.sh"
}

pane()
{
        "${TMUX_CMD[@]}" capture-pane -p -J -t "${1:-sup}" -S -300
}

# screen [SESSION]: what the terminal shows now, without the lines that
# scrolled off it; with SCREEN_ATTRS=1 with attributes and character sets
# as escape sequences (SGR, SO/SI).
screen()
{
        "${TMUX_CMD[@]}" capture-pane -p -J ${SCREEN_ATTRS:+-e} -t "${1:-sup}"
}

pane_has()
{
        pane "${2:-sup}" | grep -qF -- "$1"
}

# wait_pane TEXT [SESSION]
wait_pane()
{
        wait_until "the terminal shows \"$1\"" pane_has "$1" "${2:-sup}" || {
                printf '    terminal:\n'
                pane "${2:-sup}" | sed 's/^/    | /' | tail -n 30
        }
}

# keys TEXT [SESSION]: types TEXT literally.
keys()
{
        "${TMUX_CMD[@]}" send-keys -t "${2:-sup}" -l "$1"
}

# key NAME [SESSION]: one key by tmux's name for it (C-c, Enter, Escape).
key()
{
        "${TMUX_CMD[@]}" send-keys -t "${2:-sup}" "$1"
}

# pane_tty [SESSION]: the terminal device the session's pane runs on.
pane_tty()
{
        "${TMUX_CMD[@]}" display-message -p -t "${1:-sup}" '#{pane_tty}'
}

# terminal_output off|on [SESSION]: suspends or resumes the output of the
# session's terminal (tcflow), as ^S and ^Q do where the terminal, not a
# program, reads them.
terminal_output()
{
        python3 -c '
import os, sys, termios
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
termios.tcflow(fd, termios.TCOOFF if sys.argv[2] == "off" else termios.TCOON)
' "$(pane_tty "${2:-sup}")" "$1"
}

headers()
{
        pane | grep -c "needs a decision"
}

headers_at_least()
{
        [ "$(headers)" -ge "$1" ]
}

# What the terminal showed, when a wait fails.
extra_details()
{
        printf 'terminal (last 40 lines):\n'
        pane | grep -v "^$" | tail -n 40 | sed 's/^/    | /'
}

# end_tty: waits for scmp-super to end; sets STATUS and OUT.
end_tty()
{
        wait_until "scmp-super ends" test -s "$TMP/status"
        STATUS=$(cat "$TMP/status")
        OUT=$(cat "$TMP/run.out" 2>/dev/null)
        ERR=$(cat "$TMP/run.err")
}
