/* SPDX-License-Identifier: MIT */
#include "exe_cache.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Direct-mapped by thread id: a busy target has few hot threads, and a
 * collision only costs a read. The slots' buffers are touched only as
 * they are used. */
#define SLOTS 64
/* Thread groups whose leader's id must not be cached (see the header);
 * past this many the cache turns itself off. */
#define NEVER_MAX 16

struct slot {
        pid_t tid;
        uint64_t generation; /* 0: empty */
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
        if (c)
                c->generation = 1;
        return c;
}

void exe_cache_free(struct exe_cache *c)
{
        free(c);
}

static size_t slot_index(pid_t tid)
{
        return (unsigned)tid % SLOTS;
}

static bool never_cached(const struct exe_cache *c, pid_t tid)
{
        for (size_t i = 0; i < c->n_never; i++)
                if (c->never[i] == tid)
                        return true;
        return false;
}

const char *exe_cache_lookup(const struct exe_cache *c, pid_t tid)
{
        if (!c || c->disabled || tid <= 0)
                return NULL;
        const struct slot *s = &c->slots[slot_index(tid)];
        return s->tid == tid && s->generation == c->generation ? s->exe : NULL;
}

void exe_cache_store(struct exe_cache *c, pid_t tid, const char *exe)
{
        size_t len;

        if (!c || c->disabled || tid <= 0 || !exe || never_cached(c, tid))
                return;
        len = strlen(exe);
        if (len >= sizeof(c->slots[0].exe))
                return;
        struct slot *s = &c->slots[slot_index(tid)];
        memcpy(s->exe, exe, len + 1);
        s->tid = tid;
        s->generation = c->generation;
}

void exe_cache_task_event(struct exe_cache *c, pid_t tid, bool exec, pid_t tgid)
{
        if (!c || c->disabled)
                return;
        c->generation++;
        if (!exec || tgid == tid)
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
