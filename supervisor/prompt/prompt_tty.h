/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The terminal front end: prompts on the controlling terminal (/dev/tty),
 * one at a time, oldest first, answered with single keys (client/prompt_ui.h)
 * while a live countdown and the number of queued prompts are shown. Keys
 * are read through client/term_input.h, so an escape sequence (an arrow
 * key, a report the command provoked from the terminal) never answers.
 *
 * When the command runs on a pty of its own (prompt_tty_use_relay(),
 * pty_relay.h), the terminal is the relay's: a prompt holds the
 * command's output back, is drawn whole after resetting what the command
 * may have left set on the terminal (character set, attributes, scroll
 * region, an unterminated string), and gets every key typed until it is
 * answered. Otherwise the terminal is shared with the supervised command:
 * it is switched to non-canonical, no-echo input only while a prompt is
 * shown, and restored as it was as soon as none is; a hostile command can
 * then draw over a prompt or, where TIOCSTI is allowed, type into it
 * (README, SECURITY.md). Either way, input typed before a prompt appeared
 * is discarded so that a keystroke meant for the command cannot answer it.
 * When scmp-super is not in the terminal's foreground process group the
 * prompt is shown but not read (answer from a client, or let the deadline
 * pass). Writes never block the loop: what the terminal will not take is
 * dropped, and the prompt drawn again.
 */

#include <stddef.h>
#include <uv.h>

#include "prompt/prompt.h"

struct prompt_tty;
struct pty_relay;

/*
 * Opens /dev/tty and joins b as a front end. -ENXIO (or another open
 * error) with a message in err when there is no terminal.
 */
int prompt_tty_start(struct prompt_broker *b, uv_loop_t *loop, struct prompt_tty **ret_tty,
                     char *reterr, size_t reterr_size);

/* Leaves the broker, restores the terminal and closes it; memory is freed
 * in the close callback. */
void prompt_tty_stop(struct prompt_tty *t);

/* From now on the command runs on relay's pty, and the terminal is read
 * and written through relay, which must outlive t. */
void prompt_tty_use_relay(struct prompt_tty *t, struct pty_relay *relay);
