/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The daemon's event lines (serving, refusing, reloading, stopping): every
 * one goes through these functions to the one sink the front end chose
 * (daemon_options.log_line), one call a line, without the program's name
 * or a newline. The daemon itself prints nothing. Lines about refused
 * clients are limited (daemon_limits.h): a flood of bad clients cannot
 * flood the log.
 */

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "daemon/daemon_limits.h"

/* Where each line goes: the front end's, which may prefix and print it.
 * Called from any thread, concurrently (the supervisor's lanes report
 * through it too: supervisor_options.say), so it must be thread-safe. */
typedef void daemon_log_sink(void *ctx, const char *line);

struct daemon_log {
        daemon_log_sink *sink; /* NULL: lines go nowhere */
        void *sink_ctx;
        uv_loop_t *loop; /* for the clock of the refusals' limit */
        struct log_limit refusals;
        /* Says how many refusals were left out once their second is
         * over, even when no other line follows. */
        uv_timer_t refusals_timer;
        bool refusals_timer_open;
};

/* Ready for daemon_log_line(); refusals need daemon_log_start() too. */
void daemon_log_init(struct daemon_log *log, daemon_log_sink *sink, void *sink_ctx);
/* Starts the refusals' timer on loop, which must be running by then. */
void daemon_log_start(struct daemon_log *log, uv_loop_t *loop);
void daemon_log_close(struct daemon_log *log);

/* One event line. */
__attribute__((format(printf, 2, 3))) void daemon_log_line(struct daemon_log *log, const char *fmt,
                                                           ...);
/* A line about a refused client: at most DAEMON_REFUSALS_LOGGED_PER_SECOND
 * a second, the rest counted and said in one line. */
__attribute__((format(printf, 2, 3))) void daemon_log_refusal(struct daemon_log *log,
                                                              const char *fmt, ...);
