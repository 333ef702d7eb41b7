/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The prompt as a person sees it on a terminal, shared by the supervisor's
 * own terminal front end (`run --prompt tty`) and `scmp-super prompt`:
 * both render a protocol request (docs/PROTOCOL.md) with the same words and
 * take the same single-key answers.
 *
 *   a  allow once          A  allow exactly this for the session
 *   d  deny once           D  deny exactly this for the session
 *   k  kill the caller     s  for the session, with a scope: then a, d or
 *                             k, then a scope (1 exactly this, 2 this
 *                             directory, ... 5 this program's network)
 *                          f  save a rule for good: the same steps
 *   Esc goes back from the second and third steps. The scope step shows
 *   each scope's rule exactly as it will be applied (and saved), and the
 *   executable it is tied to, as the request gives them.
 *
 * Everything the target supplied (paths, command line, argv, executable) is
 * passed through prompt_ui_sanitize() before it reaches a terminal.
 */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Copies in to out (size bytes, always terminated when size > 0) so that it
 * is safe to print on a terminal: control characters (C0, DEL, C1), bytes
 * that are not valid UTF-8 and the Unicode controls that reorder text
 * (bidirectional overrides and isolates) are written as "\xNN" or
 * "\u{NNNN}", and '\' as "\\". Printable UTF-8 is kept. Returns the length
 * of the result; when it did not fit, the result is cut at a character
 * boundary and ends in "...".
 */
size_t prompt_ui_sanitize(const char *in, char *out, size_t size);

/*
 * Writes the request as a block of lines: caller (pid, executable, command
 * line, container), the call and its decoded arguments, the rule that asked
 * and what a timeout does. queued is how many other prompts wait behind it.
 */
void prompt_ui_render(FILE *out, const cJSON *request, size_t queued);

enum prompt_ui_step {
        PROMPT_UI_MAIN,
        PROMPT_UI_FOREVER_DECISION,
        PROMPT_UI_FOREVER_SCOPE,
};

/* The state of one person answering one request. The FOREVER steps also
 * serve "s" (lasting says which). */
struct prompt_ui {
        const cJSON *request;
        enum prompt_ui_step step;
        char decision[8]; /* chosen at the second step */
        char lasting[8];  /* "session" or "forever" */
};

/* An answer, in the protocol's words. pattern and choice point into the
 * request: choice is the name of the scope chosen (the supervisor applies
 * the rule it showed), pattern its pattern for a supervisor that names no
 * scopes. Both NULL: exactly this call. */
struct prompt_ui_answer {
        uint64_t id;
        const char *decision; /* "allow", "deny", "kill" */
        const char *scope;    /* "once", "session", "forever" */
        const char *pattern;
        const char *choice;
};

void prompt_ui_start(struct prompt_ui *ui, const cJSON *request);

/*
 * The lines a step shows above its choices, if any (the numbered scopes
 * of the last step of "forever"); call when prompt_ui_key() moved to
 * another step. The first line it writes starts a new line.
 */
void prompt_ui_render_step(FILE *out, const struct prompt_ui *ui);

/*
 * Feeds one key. Returns 1 with *ret_answer when the answer is complete, 0
 * when the key moved to another step (show the choices again), -1 when the
 * key means nothing here.
 */
int prompt_ui_key(struct prompt_ui *ui, int key, struct prompt_ui_answer *ret_answer);

/*
 * The line of choices for the current step, ending in the seconds left
 * (from the request's deadline and now_unix_ms), how many other prompts are
 * queued when any are, and "> ".
 */
void prompt_ui_choices(const struct prompt_ui *ui, int64_t now_unix_ms, size_t queued, char *buf,
                       size_t size);

/* "allowed once", "denied for the session with EACCES", "killed", ... for
 * a "resolved" message or an answer; *by is filled from the message. */
void prompt_ui_describe_resolution(const cJSON *resolved, char *buf, size_t size);

/* The width of the terminal on fd in columns (80 when it cannot say), so a
 * line of choices can be cut to fit: a line that wraps cannot be redrawn. */
size_t prompt_ui_terminal_width(int fd);

/* The current time in milliseconds since the epoch, as deadlines count. */
int64_t prompt_ui_now_ms(void);
