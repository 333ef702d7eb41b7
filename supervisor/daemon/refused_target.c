/* SPDX-License-Identifier: MIT */
/* daemon/refused_target.c: a refused container's listener, kept to kill each caller. */
/*
 * Closing a refused container's listener is not enough to end it: crun's
 * container process keeps a copy of the listener of its own until it execs,
 * and under a recording profile (trace=NAME) its execve is notified, so the
 * call waits for an answer that never comes and the container hangs. So the
 * daemon keeps the listener of a refused container, answers nothing but a
 * kill (SIGKILL to the caller's process, then an errno that it never sees)
 * and lets go once no task uses the filter any more (POLLHUP). Nothing a
 * refused container asks for is ever allowed.
 */
#include "daemon/daemon_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/macros.h"
#include "core/notif.h"
#include "core/target.h"

struct refused_target {
        uv_poll_t poll; /* first: the memory is freed in its close callback */
        struct daemon *daemon;
        struct refused_target *next;
        int listener;
        struct notif_buffers bufs;
        unsigned long long killed;
        char who[256];
};

static void on_refused_closed(uv_handle_t *handle)
{
        struct refused_target *rt = handle->data;
        if (rt->listener >= 0)
                close(rt->listener);
        notif_buffers_free(&rt->bufs);
        free(rt);
}

static void refused_close(struct refused_target *rt)
{
        struct daemon *d = rt->daemon;

        for (struct refused_target **p = &d->refused_targets; *p; p = &(*p)->next)
                if (*p == rt) {
                        *p = rt->next;
                        break;
                }
        d->n_refused_targets--;
        uv_close((uv_handle_t *)&rt->poll, on_refused_closed);
}

/* SIGKILL to the process of thread tid, whose call id is pending: the
 * pidfd is checked against the call (notif_id_valid()) before the signal,
 * so a recycled pid is never signalled. True when the signal was sent. */
static bool kill_caller(int listener, pid_t tid, uint64_t id)
{
        pid_t tgid;
        bool sent = false;

        if (tid < 1)
                return false; /* not in our pid namespace: nothing to signal */
        if (target_read_tgid(tid, &tgid) < 0)
                tgid = tid;
        int pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
        if (pidfd < 0)
                return false;
        if (notif_id_valid(listener, id) == 0)
                sent = syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0;
        close(pidfd);
        return sent;
}

static void on_refused_event(uv_poll_t *handle, int status, int events)
{
        struct refused_target *rt = container_of(handle, struct refused_target, poll);
        struct daemon *d = rt->daemon;

        /* POLLHUP: no task uses the filter any more (and RECV would block). */
        if (status < 0 || (events & UV_DISCONNECT)) {
                daemon_log_line(&d->events,
                                "refused %s: its last process is gone (%llu killed for a "
                                "notified call)",
                                rt->who, rt->killed);
                refused_close(rt);
                return;
        }
        int r = notif_receive(rt->listener, &rt->bufs);
        if (r == -ENOENT || r == -EINTR)
                return; /* the caller went away first */
        if (r < 0) {
                daemon_log_line(&d->events,
                                "refused %s: receiving its calls: %s; its listener is closed, "
                                "so its notified calls fail with ENOSYS",
                                rt->who, strerror(-r));
                refused_close(rt);
                return;
        }
        const struct seccomp_notif *req = rt->bufs.req;
        if (kill_caller(rt->listener, (pid_t)req->pid, req->id))
                rt->killed++;
        /* Never an allow: the caller is being killed, or (not signalled:
         * gone, or outside our pid namespace) its call fails. */
        (void)notif_respond_errno(rt->listener, &rt->bufs, req->id, EPERM);
}

int daemon_refused_keep(struct daemon *d, int listener, const char *who)
{
        if (d->stopping || d->n_refused_targets >= DAEMON_MAX_REFUSED_TARGETS)
                return -EBUSY;
        struct refused_target *rt = calloc(1, sizeof(*rt));
        if (!rt)
                return -ENOMEM;
        int r = notif_buffers_init(&rt->bufs);
        if (r < 0) {
                free(rt);
                return r;
        }
        r = uv_poll_init(&d->sup.loop, &rt->poll, listener);
        if (r < 0) {
                notif_buffers_free(&rt->bufs);
                free(rt);
                return r;
        }
        rt->poll.data = rt;
        rt->daemon = d;
        rt->listener = listener;
        snprintf(rt->who, sizeof(rt->who), "%s", who);
        rt->next = d->refused_targets;
        d->refused_targets = rt;
        d->n_refused_targets++;
        r = uv_poll_start(&rt->poll, UV_READABLE | UV_DISCONNECT, on_refused_event);
        if (r < 0) {
                /* The caller closes the listener: it is not ours after all. */
                rt->listener = -1;
                refused_close(rt);
                return r;
        }
        return 0;
}

void daemon_refused_close_all(struct daemon *d)
{
        while (d->refused_targets)
                refused_close(d->refused_targets);
}
