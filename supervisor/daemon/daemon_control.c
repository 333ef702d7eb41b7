/* SPDX-License-Identifier: MIT */
/* daemon/daemon_control.c: the daemon on the control socket: prompts, status, who may ask. */
#include "daemon/daemon_internal.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/proc_tree.h"

static cJSON *status_for_control(void *ctx)
{
        return daemon_status(ctx);
}

static bool pidfd_alive(int pidfd)
{
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        return pidfd >= 0 && poll(&pfd, 1, 0) == 0;
}

/* Whether pid is in chain, the line of descent of a control client. */
static bool in_chain(const pid_t *chain, size_t n, pid_t pid)
{
        for (size_t i = 0; pid > 0 && i < n; i++)
                if (chain[i] == pid)
                        return true;
        return false;
}

/*
 * The daemon's control clients: a person's, never a target's process,
 * which could otherwise answer its own prompts (it may run as root, or as
 * our uid). Beyond what every control server refuses (control.c: a pid
 * namespace below ours, as a container's, where `runc exec` adds processes
 * that do not descend from its init; a seccomp filter, where the socket
 * does not keep sealed commands out), refused: a client that descends from
 * a target's process, or from the live `run --connect` that launched one
 * (a subreaper), and any whose descent cannot be told.
 */
static int refuse_targets(void *ctx, pid_t pid, int pidfd, char *why, size_t why_size)
{
        struct daemon *d = ctx;
        pid_t *chain = malloc(PROC_TREE_MAX_DEPTH * sizeof(*chain));
        size_t n = 0;
        int r = chain ? proc_tree_ancestors(pid, pidfd, chain, PROC_TREE_MAX_DEPTH, &n) : -ENOMEM;

        if (r < 0) {
                free(chain);
                snprintf(why, why_size,
                         "permission denied: cannot tell whether pid %d belongs to a supervised "
                         "target (%s)",
                         (int)pid, strerror(-r));
                return -EPERM;
        }
        for (struct target *t = supervisor_first_target(&d->sup); t;
             t = supervisor_next_target(t)) {
                const struct daemon_target *rec = t->owner;
                bool below = in_chain(chain, n, t->pid);
                if (!below && rec && pidfd_alive(rec->peer_pidfd))
                        below = in_chain(chain, n, rec->peer.pid);
                if (below) {
                        snprintf(why, why_size,
                                 "permission denied: pid %d belongs to a supervised target (pid "
                                 "%d), which may not answer its own prompts",
                                 (int)pid, (int)t->pid);
                        free(chain);
                        return -EPERM;
                }
        }
        free(chain);
        return 0;
}

int daemon_control_start(struct daemon *d, char *reterr, size_t reterr_size)
{
        const struct policy *fallback = profile_store_find(&d->store, NULL)->policy;
        /* One broker serves every target, so one deadline: the default
         * profile's promptTimeout. Forever answers cannot be saved: no
         * single profile file belongs to every target. */
        struct prompt_broker_options bopts = {
            .timeout_ms = fallback->prompt_timeout_ms,
            .no_forever_reason =
                "the daemon saves no rule: one broker serves every target, and no single profile "
                "file belongs to all of them. Answer for the session (which holds for every "
                "target until the daemon stops), or add the rule shown to the target's profile "
                "file and reload the daemon (SIGHUP, or --watch)",
        };
        char why[512];
        int r;

        r = prompt_broker_new(&d->sup, &bopts, &d->broker);
        if (r < 0) {
                snprintf(reterr, reterr_size, "starting the prompt broker: %s", strerror(-r));
                return r;
        }
        r = control_server_start(d->broker, &d->sup.loop, d->opts.control_path, &d->control, why,
                                 sizeof(why));
        if (r < 0) {
                d->control = NULL;
                snprintf(reterr, reterr_size, "--control: %s", why);
                return r;
        }
        control_server_set_status(d->control, status_for_control, d);
        char hint[PATH_MAX + 64];
        snprintf(hint, sizeof(hint), "scmp-super prompt --socket %s", d->opts.control_path);
        prompt_broker_set_answer_hint(d->broker, hint);
        control_server_set_peer_check(d->control, refuse_targets, d);
        return 0;
}

void daemon_control_stop(struct daemon *d)
{
        /* The front end leaves first; then the broker denies what still
         * waits, as a timeout would, and lets go of the supervisor. */
        if (d->control) {
                control_server_stop(d->control);
                d->control = NULL;
        }
        if (d->broker) {
                prompt_broker_close(d->broker);
                d->broker = NULL;
        }
}
