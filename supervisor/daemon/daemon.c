/* SPDX-License-Identifier: MIT */
/* daemon/daemon.c: the daemon's life cycle: new, run, stop, free. */
#include "daemon/daemon_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/macros.h"
#include "base/text.h"

static void on_target_closed(struct target *t)
{
        struct daemon_target *rec = t->owner;
        char who[256];

        if (!rec)
                return;
        struct daemon *d = rec->daemon;
        daemon_log_line(
            &d->events, "%s %s after %llu decision%s (allow %llu, log %llu, deny %llu, kill %llu)",
            text_describe_target(t->id, t->pid, who, sizeof(who)),
            d->stopping ? "released at shutdown" : "gone",
            (unsigned long long)target_decided_total(t), target_decided_total(t) == 1 ? "" : "s",
            (unsigned long long)target_decided(t, VERDICT_ALLOW),
            (unsigned long long)target_decided(t, VERDICT_LOG),
            (unsigned long long)target_decided(t, VERDICT_DENY),
            (unsigned long long)target_decided(t, VERDICT_KILL));
        if (rec->tracer)
                daemon_trace_finish(d, rec);
        daemon_release_retained(d, rec);
        stored_profile_unref(rec->profile);
        if (rec->peer_pidfd >= 0)
                close(rec->peer_pidfd);
        free(rec);
        t->owner = NULL;
}

static void on_signal(uv_signal_t *handle, int signum)
{
        struct daemon *d = handle->data;
        if (signum == SIGHUP) {
                daemon_log_line(&d->events, "SIGHUP: reloading profiles");
                daemon_reload(d);
                return;
        }
        daemon_log_line(&d->events, "%s: stopping", strsignal(signum));
        daemon_stop(d);
}

/* Closes the daemon's own handles; the targets are the supervisor's. */
static void close_handles(struct daemon *d)
{
        daemon_control_stop(d);
        agent_server_close(d);
        daemon_refused_close_all(d);
        daemon_metrics_close(d);
        daemon_log_close(&d->events);
        for (; d->n_signals_open > 0; d->n_signals_open--)
                uv_close((uv_handle_t *)&d->signals[d->n_signals_open - 1], NULL);
        if (d->flush_timer_open) {
                d->flush_timer_open = false;
                uv_close((uv_handle_t *)&d->flush_timer, NULL);
        }
        daemon_reload_close(d);
}

void daemon_stop(struct daemon *d)
{
        if (d->stopping)
                return;
        d->stopping = true;
        daemon_log_line(
            &d->events, "closing %zu target%s; their notified calls fail with ENOSYS from now on",
            supervisor_target_count(&d->sup), supervisor_target_count(&d->sup) == 1 ? "" : "s");
        close_handles(d);
        uv_stop(&d->sup.loop);
}

int daemon_new(const struct daemon_options *opts, struct daemon **ret_daemon, char *reterr,
               size_t reterr_size)
{
        static const int signums[] = {SIGHUP, SIGINT, SIGTERM};
        /* Every target gets a lane, which alone reads its memory: reading
         * on the loop, one target could stall all the others. */
        struct supervisor_options sopts = {
            .verbose = opts->verbose,
            .fast_lane = !opts->no_lanes,
            .lane_required = !opts->no_lanes,
            .lane_short_slice = true,
            .decision_timeout_ms = opts->decision_timeout_ms,
            /* The runtime compiled the container's filter, not us; an
             * execve it hands over is still decided on the kernel rules
             * of the profile the daemon chose, as run decides its own. */
            .routing = {.notify_execve = true},
            /* What the loop and the lanes report goes to the same sink as
             * the daemon's own lines. */
            .say = opts->log_line,
            .say_ctx = opts->log_ctx,
            /* The metrics' histogram; without it, nothing is timed. */
            .measure_latency = opts->metrics_path != NULL,
        };
        struct policy_error err;
        struct daemon *d = calloc(1, sizeof(*d));
        int r;

        if (!d) {
                snprintf(reterr, reterr_size, "out of memory");
                return -ENOMEM;
        }
        d->opts = *opts;
        daemon_log_init(&d->events, opts->log_line, opts->log_ctx);
        if (!d->opts.message_timeout_ms)
                d->opts.message_timeout_ms = DAEMON_MESSAGE_TIMEOUT_MS;
        d->listen_fd = -1;
        d->started = time(NULL);

        r = profile_store_open(&d->store, opts->policy_path, opts->policy_dir, &err);
        if (r < 0) {
                snprintf(reterr, reterr_size, "%s", err.message);
                goto fail;
        }
        for (size_t i = 0; i < d->store.n_profiles; i++) {
                const struct stored_profile *p = d->store.profiles[i];
                for (size_t w = 0; w < p->policy->n_warnings; w++)
                        daemon_log_line(&d->events, "warning: %s", p->policy->warnings[w]);
        }
        if (opts->log_path) {
                d->log = log_file_open(opts->log_path);
                if (!d->log) {
                        snprintf(reterr, reterr_size, "--log %s: %s", opts->log_path,
                                 strerror(errno));
                        goto fail;
                }
                sopts.log = d->log;
        }
        r = supervisor_init(&d->sup, profile_store_find(&d->store, NULL)->policy, &sopts);
        if (r < 0) {
                snprintf(reterr, reterr_size, "starting the supervisor: %s", strerror(-r));
                goto fail;
        }
        d->sup_ready = true;
        supervisor_on_target_closed(&d->sup, on_target_closed);

        r = agent_server_open(d, reterr, reterr_size);
        if (r < 0)
                goto fail;
        daemon_log_start(&d->events, &d->sup.loop);
        for (size_t i = 0; i < sizeof(signums) / sizeof(signums[0]); i++) {
                uv_signal_init(&d->sup.loop, &d->signals[i]);
                d->signals[i].data = d;
                d->n_signals_open++;
                r = uv_signal_start(&d->signals[i], on_signal, signums[i]);
                if (r < 0) {
                        snprintf(reterr, reterr_size, "signal %d: %s", signums[i], uv_strerror(r));
                        goto fail;
                }
        }
        if (opts->watch) {
                r = daemon_watch_start(d, reterr, reterr_size);
                if (r < 0)
                        goto fail;
        }
        daemon_sweep_start(d);
        if (d->log && log_file_flush_every_second(d->log, &d->sup.loop, &d->flush_timer) == 0)
                d->flush_timer_open = true;
        if (opts->control_path) {
                r = daemon_control_start(d, reterr, reterr_size);
                if (r < 0)
                        goto fail;
        }
        if (opts->metrics_path) {
                r = daemon_metrics_start(d, reterr, reterr_size);
                if (r < 0)
                        goto fail;
        }
        r = agent_server_start(d, reterr, reterr_size);
        if (r < 0)
                goto fail;
        *ret_daemon = d;
        return 0;
fail:
        daemon_free(d);
        return r < 0 ? r : -EINVAL;
}

int daemon_run(struct daemon *d)
{
        char profiles[512] = "";
        size_t used = 0;

        for (size_t i = 0; i < d->store.n_profiles && used < sizeof(profiles); i++)
                used += (size_t)snprintf(profiles + used, sizeof(profiles) - used, "%s%s",
                                         i ? ", " : "", d->store.profiles[i]->name);
        daemon_log_line(&d->events, "listening on %s with profiles %s (default: %s)",
                        d->opts.socket_path ? d->opts.socket_path : "an inherited socket", profiles,
                        profile_store_find(&d->store, NULL)->source);
        uv_run(&d->sup.loop, UV_RUN_DEFAULT);
        return 0;
}

void daemon_free(struct daemon *d)
{
        if (!d)
                return;
        if (!d->stopping) {
                d->stopping = true;
                close_handles(d);
        }
        if (d->sup_ready) {
                /* Closes every target (on_target_closed drops what we kept
                 * for each) and runs the loop until every handle is gone. */
                supervisor_close(&d->sup);
        } else if (d->listen_fd >= 0) {
                close(d->listen_fd);
        }
        daemon_metrics_free(d);
        log_file_close(d->log);
        profile_store_close(&d->store);
        free(d->socket_path);
        free(d);
}
