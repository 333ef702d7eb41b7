/* SPDX-License-Identifier: MIT */
/* core/supervisor.c: the loop and its targets: add, watch, close, run. */
#include "core/supervisor_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/macros.h"
#include "base/zeroed.h"
#include "core/decision_log.h"

/* Frees what supervisor_init() made (each is NULL or zero until made):
 * when it fails, and at supervisor_close(). */
static void supervisor_init_undo(struct supervisor *sup)
{
        supervisor_refusals_free(sup);
        supervisor_free_names(sup);
        zeroed_free(sup->counts, supervisor_counts_size(sup->counts_max_nr));
        sup->counts = NULL;
        target_scratch_destroy(sup->scratch);
        sup->scratch = NULL;
        notif_buffers_free(&sup->bufs);
}

int supervisor_init(struct supervisor *sup, const struct policy *policy,
                    const struct supervisor_options *opts)
{
        int r;

        memset(sup, 0, sizeof(*sup));
        sup->policy = policy;
        sup->opts = *opts;
        sup->sigfd = -1;
        sup->child = -1;
        sup->counts_max_nr = policy->max_nr;
        r = notif_buffers_init(&sup->bufs);
        if (r < 0)
                return r;
        sup->scratch = target_scratch_new();
        /* Indexed by syscall number up to max_nr (1023 for most profiles):
         * only the pages of calls counted or named are ever touched. */
        sup->counts = zeroed_alloc(supervisor_counts_size(policy->max_nr));
        sup->names = zeroed_alloc(supervisor_names_size(policy->max_nr));
        if (!sup->scratch || !sup->counts || !sup->names ||
            (sup->opts.routing.notify_refused && supervisor_refusals_init(sup) < 0)) {
                supervisor_init_undo(sup);
                return -ENOMEM;
        }
        sup->native_audit_arch = AUDIT_ARCH_X86_64;
#if !defined(__x86_64__)
        sup->native_audit_arch = 0; /* only native calls are translated as is */
#endif
        if (!sup->opts.decision_timeout_ms)
                sup->opts.decision_timeout_ms = SUPERVISOR_DECISION_TIMEOUT_MS;
        r = uv_loop_init(&sup->loop);
        if (r < 0) {
                supervisor_init_undo(sup);
                return r;
        }
        /* Started with the first lane; it never keeps the loop alive. */
        uv_timer_init(&sup->loop, &sup->watchdog);
        uv_unref((uv_handle_t *)&sup->watchdog);
        sup->watchdog_open = true;
        return 0;
}

static void target_free(struct target *t)
{
        serve_waiting_share_release(t->waiting);
        free(t->id);
        free(t);
}

static void on_target_closed(uv_handle_t *handle)
{
        struct target *t = container_of((uv_poll_t *)handle, struct target, poll);
        close(t->listener);
        target_free(t);
}

void target_close(struct target *t)
{
        struct supervisor *sup = t->sup;
        if (t->closing)
                return;
        t->closing = true;
        if (t->lane) {
                lane_stop(t->lane);
                t->lane = NULL;
        }
        /* Their callers will see ENOSYS once the listener is closed, or are
         * already gone; the deciders just have to forget them. */
        while (t->pending) {
                struct pending_call *pc = t->pending;
                t->pending = pc->next;
                if (sup->decider.cancel)
                        sup->decider.cancel(sup->decider.ctx, pc);
                pending_free(pc);
        }
        if (sup->target_closed)
                sup->target_closed(t);
        for (struct target **p = &sup->targets; *p; p = &(*p)->next)
                if (*p == t) {
                        *p = t->next;
                        break;
                }
        sup->n_targets--;
        uv_close((uv_handle_t *)&t->poll, on_target_closed);
}

static void handle_notification(struct target *t)
{
        struct supervisor *sup = t->sup;
        int r = notif_receive(t->listener, &sup->bufs);
        if (r == -ENOENT || r == -EINTR)
                return;
        if (r < 0) {
                supervisor_say(sup, "receiving a notification: %s", strerror(-r));
                target_close(t);
                return;
        }
        serve_notification(t, &sup->bufs, sup->scratch, NULL);
}

static void on_listener(uv_poll_t *handle, int status, int events)
{
        struct target *t = container_of(handle, struct target, poll);

        if (status < 0 || (events & UV_DISCONNECT)) {
                /* POLLHUP: no task uses the filter any more. RECV would block,
                 * so stop without calling it. */
                target_close(t);
                return;
        }
        if (events & UV_READABLE)
                handle_notification(t);
}

int supervisor_add_target(struct supervisor *sup, struct agent_message *msg, bool launcher,
                          const struct policy *policy)
{
        return supervisor_add_target_owned(sup, msg, launcher, policy, NULL, NULL, NULL, NULL);
}

int supervisor_add_target_owned(struct supervisor *sup, struct agent_message *msg, bool launcher,
                                const struct policy *policy, void *owner,
                                struct supervisor_counts *counts,
                                const struct supervisor_observer *observer,
                                struct target **ret_target)
{
        struct target *t = calloc(1, sizeof(*t));
        int r;

        if (!t)
                return -ENOMEM;
        t->sup = sup;
        t->policy = policy ? policy : sup->policy;
        t->listener = msg->seccomp_fd;
        t->pid = msg->pid;
        t->launcher_exec_pending = launcher;
        t->observer = observer ? *observer : sup->observer;
        /* Before its lane starts: the lane counts in it. */
        t->counts = counts;
        t->root_is_ours = launcher && sup->opts.routing.notify_root_changes;
        t->waiting = serve_waiting_share_new();
        if (!t->waiting) {
                free(t);
                return -ENOMEM;
        }
        if (msg->id && msg->id[0]) {
                t->id = strdup(msg->id);
                if (!t->id) {
                        target_free(t);
                        return -ENOMEM;
                }
        }
        r = uv_poll_init(&sup->loop, &t->poll, t->listener);
        if (r < 0) {
                target_free(t);
                return r;
        }
        msg->seccomp_fd = -1;
        sup->sync_wakeup = notif_set_sync_wakeup(t->listener);
        t->next = sup->targets;
        sup->targets = t;
        sup->n_targets++;
        r = 0;
        if (sup->opts.fast_lane && (!t->observer.observe || t->observer.any_thread))
                r = lane_start(t);
        /* With a lane, the loop watches only for the hang-up. */
        if (r == 0 || !sup->opts.lane_required)
                r = uv_poll_start(&t->poll, t->lane ? UV_DISCONNECT : UV_READABLE | UV_DISCONNECT,
                                  on_listener);
        if (r < 0) {
                /* Its listener is closed with it: the target's notified
                 * calls fail with ENOSYS, as for any target refused. */
                target_close(t);
                return r;
        }
        t->owner = owner;
        if (ret_target)
                *ret_target = t;
        return 0;
}

void supervisor_stop_all(struct supervisor *sup)
{
        if (sup->stopping)
                return;
        sup->stopping = true;
        while (sup->targets)
                target_close(sup->targets);
        if (sup->watchdog_open) {
                sup->watchdog_open = false;
                uv_close((uv_handle_t *)&sup->watchdog, NULL);
        }
        if (sup->signal_poll_open) {
                sup->signal_poll_open = false;
                uv_close((uv_handle_t *)&sup->signal_poll, NULL);
        }
        if (sup->flush_timer_open) {
                sup->flush_timer_open = false;
                uv_close((uv_handle_t *)&sup->flush_timer, NULL);
        }
}

int supervisor_run(struct supervisor *sup)
{
        return uv_run(&sup->loop, UV_RUN_DEFAULT);
}

void supervisor_close(struct supervisor *sup)
{
        supervisor_stop_all(sup);
        uv_run(&sup->loop, UV_RUN_DEFAULT);
        int r = uv_loop_close(&sup->loop);
        if (r != 0)
                supervisor_say(sup, "internal error: event loop did not close: %s", uv_strerror(r));
        if (sup->opts.log)
                log_file_flush(sup->opts.log);
        supervisor_init_undo(sup);
}

void supervisor_set_observer(struct supervisor *sup, const struct supervisor_observer *observer)
{
        sup->observer = *observer;
}

void supervisor_set_decider(struct supervisor *sup, const struct supervisor_decider *decider)
{
        if (!decider) {
                /* prompt first: a lane reads it without the loop's order. */
                __atomic_store_n(&sup->decider.prompt, NULL, __ATOMIC_RELAXED);
                sup->decider.cancel = NULL;
                sup->decider.ctx = NULL;
                return;
        }
        sup->decider.ctx = decider->ctx;
        sup->decider.cancel = decider->cancel;
        __atomic_store_n(&sup->decider.prompt, decider->prompt, __ATOMIC_RELAXED);
}

void supervisor_set_default_policy(struct supervisor *sup, const struct policy *policy)
{
        sup->policy = policy;
}

void supervisor_on_target_closed(struct supervisor *sup, void (*target_closed)(struct target *t))
{
        sup->target_closed = target_closed;
}

struct target *supervisor_first_target(const struct supervisor *sup)
{
        return sup->targets;
}

struct target *supervisor_next_target(const struct target *t)
{
        return t->next;
}

size_t supervisor_target_count(const struct supervisor *sup)
{
        return sup->n_targets;
}

void supervisor_say(const struct supervisor *sup, const char *fmt, ...)
{
        char line[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        if (sup->opts.say)
                sup->opts.say(sup->opts.say_ctx, line);
        else
                fprintf(stderr, "scmp-super: %s\n", line);
}
