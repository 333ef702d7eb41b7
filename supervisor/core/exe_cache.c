/* SPDX-License-Identifier: MIT */
/* core/exe_cache.c: which program each caller runs, kept until it execs. */
#include "core/exe_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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
        /* A caller was seen to run command before any exec was noted:
         * every caller runs it (exe_cache.h), until one is. */
        bool all_run_command;
        int pending_fd; /* exe_cache_prepare's pidfd for pending_tid, or -1 */
        pid_t pending_tid;
        size_t command_len;     /* 0: not known */
        char command[PATH_MAX]; /* what the launcher executed, resolved */
        int epfd;               /* every slot's pidfd, ready once its thread has exited */
        uint64_t generation;    /* bumped to forget every slot at once */
        size_t n_never;
        pid_t never[NEVER_MAX];
        struct slot slots[SLOTS];
};

struct exe_cache *exe_cache_new(const char *command)
{
        struct exe_cache *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        c->generation = 1;
        if (command && strlen(command) < sizeof(c->command)) {
                c->command_len = strlen(command);
                memcpy(c->command, command, c->command_len);
        }
        for (size_t i = 0; i < SLOTS; i++)
                c->slots[i].pidfd = -1;
        c->pending_fd = -1;
        c->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (c->epfd < 0)
                c->disabled = true;
        return c;
}

static void slot_clear(struct exe_cache *c, struct slot *s)
{
        if (s->pidfd >= 0) {
                /* Closing is not enough: a child forked meanwhile may hold
                 * the file, and keep it in the set, ready for good. */
                (void)epoll_ctl(c->epfd, EPOLL_CTL_DEL, s->pidfd, NULL);
                close(s->pidfd);
        }
        s->pidfd = -1;
        s->tid = 0;
}

void exe_cache_free(struct exe_cache *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < SLOTS; i++)
                slot_clear(c, &c->slots[i]);
        if (c->epfd >= 0)
                close(c->epfd);
        if (c->pending_fd >= 0)
                close(c->pending_fd);
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

/* Drops the entries whose thread has exited. False if the kernel could not
 * say: then no entry may be trusted. */
static bool forget_exited(struct exe_cache *c)
{
        struct epoll_event ev[SLOTS];
        int n = epoll_wait(c->epfd, ev, SLOTS, 0);
        if (n < 0)
                return false;
        for (int i = 0; i < n; i++)
                slot_clear(c, &c->slots[ev[i].data.u32]);
        return true;
}

const char *exe_cache_lookup(struct exe_cache *c, pid_t tid)
{
        if (!c || c->disabled || tid <= 0)
                return NULL;
        if (c->all_run_command)
                return c->command;
        struct slot *s = slot_of(c, tid);
        if (s->pidfd < 0 || s->tid != tid || s->generation != c->generation)
                return NULL;
        if (!forget_exited(c))
                return NULL;
        return s->pidfd >= 0 ? s->exe : NULL;
}

void exe_cache_prepare(struct exe_cache *c, pid_t tid)
{
        if (!c || c->disabled || tid <= 0)
                return;
        if (c->pending_fd >= 0)
                close(c->pending_fd);
        c->pending_fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
        c->pending_tid = tid;
        /* EINVAL: a kernel without PIDFD_THREAD, which cannot tell us a
         * thread is the one we saw. (ESRCH: the caller is gone.) */
        if (c->pending_fd < 0 && errno == EINVAL)
                c->disabled = true;
}

void exe_cache_store(struct exe_cache *c, pid_t tid, const char *exe)
{
        size_t len;

        if (!c || c->disabled || tid <= 0 || !exe || never_cached(c, tid))
                return;
        len = strlen(exe);
        if (c->generation == 1 /* no exec noted */ && c->command_len > 0 && c->command_len == len &&
            memcmp(exe, c->command, len) == 0) {
                c->all_run_command = true;
                return;
        }
        /* Only a pidfd opened before the read, while the call was pending,
         * is the caller's: one opened after could name a task that took
         * the id of a caller that died meanwhile. */
        if (c->pending_fd < 0 || c->pending_tid != tid || len >= sizeof(c->slots[0].exe))
                return;
        int fd = c->pending_fd;
        c->pending_fd = -1;
        struct slot *s = slot_of(c, tid);
        slot_clear(c, s);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)(s - c->slots)};
        if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                close(fd);
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
        c->all_run_command = false;
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
