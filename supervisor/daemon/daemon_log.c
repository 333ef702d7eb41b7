/* SPDX-License-Identifier: MIT */
/* daemon/daemon_log.c: the daemon's event lines, and the limit on refusals. */
#include "daemon/daemon_log.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/macros.h"

void daemon_log_init(struct daemon_log *log, daemon_log_sink *sink, void *sink_ctx)
{
        log->sink = sink;
        log->sink_ctx = sink_ctx;
        log->refusals.per_second = DAEMON_REFUSALS_LOGGED_PER_SECOND;
}

/* fmt and ap as vprintf() takes them, so the compiler checks every caller. */
__attribute__((format(printf, 2, 0))) static void emit(struct daemon_log *log, const char *fmt,
                                                       va_list ap)
{
        char line[2048];

        if (!log->sink)
                return;
        vsnprintf(line, sizeof(line), fmt, ap);
        log->sink(log->sink_ctx, line);
}

void daemon_log_line(struct daemon_log *log, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        emit(log, fmt, ap);
        va_end(ap);
}

static void say_left_out(struct daemon_log *log, uint64_t left_out)
{
        if (left_out)
                daemon_log_line(log,
                                "%llu more refusals in the second before were not logged (at "
                                "most %d a second are)",
                                (unsigned long long)left_out, DAEMON_REFUSALS_LOGGED_PER_SECOND);
}

static void on_refusals_timer(uv_timer_t *timer)
{
        struct daemon_log *log = container_of(timer, struct daemon_log, refusals_timer);
        say_left_out(log, log_limit_take_suppressed(&log->refusals, uv_now(log->loop)));
}

void daemon_log_start(struct daemon_log *log, uv_loop_t *loop)
{
        log->loop = loop;
        uv_timer_init(loop, &log->refusals_timer);
        uv_unref((uv_handle_t *)&log->refusals_timer);
        log->refusals_timer_open = true;
}

void daemon_log_close(struct daemon_log *log)
{
        if (log->refusals_timer_open) {
                log->refusals_timer_open = false;
                uv_close((uv_handle_t *)&log->refusals_timer, NULL);
        }
}

void daemon_log_refusal(struct daemon_log *log, const char *fmt, ...)
{
        uint64_t now = uv_now(log->loop), left_out;
        bool allowed = log_limit_allow(&log->refusals, now, &left_out);
        va_list ap;

        say_left_out(log, left_out);
        if (!allowed) {
                if (log->refusals_timer_open && !uv_is_active((uv_handle_t *)&log->refusals_timer))
                        uv_timer_start(&log->refusals_timer, on_refusals_timer,
                                       log_limit_window_end(&log->refusals) - now, 0);
                return;
        }
        va_start(ap, fmt);
        emit(log, fmt, ap);
        va_end(ap);
}
