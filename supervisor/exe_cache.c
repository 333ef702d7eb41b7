/* SPDX-License-Identifier: MIT */
#include "exe_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Linux 6.9; the headers of Debian 12 lack it. */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* Direct-mapped by thread id: a busy target has few hot threads, and a
 * collision only costs a read. The slots' buffers are touched only as
 * they are used. */
#define SLOTS 64
/* Thread groups whose leader's id must not be cached (see the header);
 * past this many the cache turns itself off. */
#define NEVER_MAX 16

struct slot {
        pid_t tid;
        int pidfd;           /* -1: empty */
        uint64_t generation; /* older than the cache's: forgotten */
        char exe[PATH_MAX];
};

struct exe_cache {
        bool disabled;
        uint64_t generation; /* bumped to forget every slot at once */
        size_t n_never;
        pid_t never[NEVER_MAX];
        struct slot slots[SLOTS];
};

struct exe_cache *exe_cache_new(void)
{
        struct exe_cache *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        c->generation = 1;
        for (size_t i = 0; i < SLOTS; i++)
                c->slots[i].pidfd = -1;
        return c;
}

static void slot_clear(struct slot *s)
{
        if (s->pidfd >= 0)
                close(s->pidfd);
        s->pidfd = -1;
        s->tid = 0;
}

void exe_cache_free(struct exe_cache *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < SLOTS; i++)
                slot_clear(&c->slots[i]);
        free(c);
}

static struct slot *slot_of(struct exe_cache *c, pid_t tid)
{
        return &c->slots[(unsigned)tid % SLOTS];
}

static bool never_cached(const struct exe_cache *c, pid_t tid)
{
        for (size_t i = 0; i < c->n_never; i++)
                if (c->never[i] == tid)
                        return true;
        return false;
}

const char *exe_cache_lookup(struct exe_cache *c, pid_t tid)
{
        if (!c || c->disabled || tid <= 0)
                return NULL;
        struct slot *s = slot_of(c, tid);
        if (s->pidfd < 0 || s->tid != tid || s->generation != c->generation)
                return NULL;
        if (syscall(SYS_pidfd_send_signal, s->pidfd, 0, NULL, 0) < 0) {
                /* Gone (ESRCH): the id may name another thread now. */
                slot_clear(s);
                return NULL;
        }
        return s->exe;
}

void exe_cache_store(struct exe_cache *c, pid_t tid, const char *exe)
{
        size_t len;

        if (!c || c->disabled || tid <= 0 || !exe || never_cached(c, tid))
                return;
        len = strlen(exe);
        if (len >= sizeof(c->slots[0].exe))
                return;
        struct slot *s = slot_of(c, tid);
        slot_clear(s);
        int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
        if (fd < 0) {
                /* EINVAL: a kernel without PIDFD_THREAD, which cannot
                 * tell us a thread is the one we saw; ESRCH: the caller is
                 * already gone. */
                if (errno == EINVAL)
                        c->disabled = true;
                return;
        }
        s->pidfd = fd;
        s->tid = tid;
        s->generation = c->generation;
        memcpy(s->exe, exe, len + 1);
}

void exe_cache_exec(struct exe_cache *c, pid_t tid, pid_t tgid)
{
        if (!c || c->disabled)
                return;
        c->generation++;
        if (tgid == tid)
                return;
        if (tgid <= 0 || c->n_never == NEVER_MAX) {
                c->disabled = true;
                return;
        }
        if (!never_cached(c, tgid))
                c->never[c->n_never++] = tgid;
}

void exe_cache_disable(struct exe_cache *c)
{
        if (c)
                c->disabled = true;
}

bool exe_cache_enabled(const struct exe_cache *c)
{
        return c && !c->disabled;
}
