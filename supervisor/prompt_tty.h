/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The terminal front end: prompts on the controlling terminal (/dev/tty),
 * one at a time, oldest first, answered with single keys (client/prompt_ui.h)
 * while a live countdown and the number of queued prompts are shown.
 *
 * The terminal is shared with the supervised command. It is switched to
 * non-canonical, no-echo input only while a prompt is shown, and restored
 * as it was as soon as none is; input typed before a prompt appeared is
 * discarded so that a keystroke meant for the command cannot answer it.
 * When scmp-super is not in the terminal's foreground process group the
 * prompt is shown but not read (answer from a client, or let the deadline
 * pass). Writes never block the loop: what the terminal will not take is
 * dropped.
 */

#include <stddef.h>
#include <uv.h>

#include "prompt.h"

struct prompt_tty;

/*
 * Opens /dev/tty and joins b as a front end. -ENXIO (or another open
 * error) with a message in err when there is no terminal.
 */
int prompt_tty_start(struct prompt_broker *b, uv_loop_t *loop, struct prompt_tty **ret_tty,
                     char *err, size_t err_size);

/* Leaves the broker, restores the terminal and closes it; memory is freed
 * in the close callback. */
void prompt_tty_stop(struct prompt_tty *t);
