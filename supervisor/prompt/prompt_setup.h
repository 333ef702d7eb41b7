/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Prompting for `scmp-super run`: which front ends to start for
 * --prompt tty|socket|none, and their life cycle around the supervisor's.
 *
 * - auto (the default): when the profile can prompt, the control socket,
 *   and the terminal too when one is attached (/dev/tty opens and stdin or
 *   stderr is a terminal). Prompting on the terminal with stdin the
 *   terminal, run gives the command a pty of its own (pty_relay.h).
 * - tty: the terminal (an error without one) and the control socket.
 * - socket: the control socket only.
 * - none: nothing; a prompt is denied once with its rule's errno, as a
 *   timeout would be.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/supervisor.h"

enum prompt_mode {
        PROMPT_MODE_AUTO,
        PROMPT_MODE_TTY,
        PROMPT_MODE_SOCKET,
        PROMPT_MODE_NONE,
};

struct prompt_config {
        enum prompt_mode mode;
        const char *control_path; /* --control, or NULL for the default */
        unsigned timeout_ms;      /* --prompt-timeout, or 0 for the profile's */
        const char *profile_path; /* --policy FILE; NULL: the built-in profile */
};

struct prompting;

/* "tty", "socket", "none" (and "auto"); -EINVAL for anything else. */
int prompt_mode_parse(const char *name, enum prompt_mode *ret_mode);

/* Whether any decision of the profile can be "prompt". */
bool policy_can_prompt(const struct policy *policy);

/*
 * Starts the broker and the front ends cfg asks for on sup's loop and says
 * on stderr where the control socket is. Must run after the signals run
 * blocks are blocked and before the launcher forks (it blocks SIGPIPE,
 * SIGTTIN and SIGTTOU in this process, which the launcher's restored mask
 * does not pass on). Returns 0 and *ret_prompting (NULL when nothing is
 * needed), or a negative errno with a message in err.
 */
int prompting_start(struct supervisor *sup, const struct policy *policy,
                    const struct prompt_config *cfg, struct prompting **ret_prompting, char *reterr,
                    size_t reterr_size);

/* The name the control socket listens on ("@..." for an abstract one), or
 * NULL when there is none: for the front end to tell the person. */
const char *prompting_control_name(const struct prompting *p);

/* Stops everything prompting_start() started; call before
 * supervisor_close(), which runs the close callbacks. NULL is fine. */
void prompting_stop(struct prompting *p);

/* Whether prompts are shown on the terminal (NULL: no). */
bool prompting_on_terminal(const struct prompting *p);

/* The command runs on relay's pty (pty_relay.h): the terminal prompt goes
 * through it. relay must outlive p. */
struct pty_relay;
void prompting_use_relay(struct prompting *p, struct pty_relay *relay);
