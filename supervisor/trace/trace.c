/* SPDX-License-Identifier: MIT */
/* trace/trace.c: the trace recorder: counts, callers and argument values per syscall. */
/*
 * The trace recorder. Everything here runs once per notified call while the
 * caller waits in the kernel, so the common path is an array index and two
 * reference-count updates; allocation happens only the first time a syscall,
 * a value or a path is seen.
 */
#include "trace/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "netaddr.h"
#include "syscall_args.h"

static const struct trace_arg_desc socket_args[] = {
    {0, TRACE_ARG_SOCKET_FAMILY, "family"},
    {1, TRACE_ARG_SOCKET_TYPE, "type"},
};
static const struct trace_arg_desc personality_args[] = {{0, TRACE_ARG_PERSONALITY, "persona"}};
static const struct trace_arg_desc clone_args[] = {{0, TRACE_ARG_CLONE_FLAGS, "flags"}};
static const struct trace_arg_desc ioctl_args[] = {{1, TRACE_ARG_IOCTL_REQUEST, "request"}};
static const struct trace_arg_desc prctl_args[] = {{0, TRACE_ARG_PRCTL_OPTION, "option"}};

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

size_t trace_arg_descs(int nr, const struct trace_arg_desc **ret_descs)
{
        switch (nr) {
        case __NR_socket:
                *ret_descs = socket_args;
                return N_ELEMENTS(socket_args);
        case __NR_personality:
                *ret_descs = personality_args;
                return N_ELEMENTS(personality_args);
        case __NR_clone:
                *ret_descs = clone_args;
                return N_ELEMENTS(clone_args);
        case __NR_ioctl:
                *ret_descs = ioctl_args;
                return N_ELEMENTS(ioctl_args);
        case __NR_prctl:
                *ret_descs = prctl_args;
                return N_ELEMENTS(prctl_args);
        default:
                *ret_descs = NULL;
                return 0;
        }
}

struct trace_caller *trace_caller_new(pid_t pid, const char *exe, const char *cmdline)
{
        struct trace_caller *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        c->refs = 1;
        c->pid = pid;
        if (exe && !(c->exe = strdup(exe)))
                goto fail;
        if (cmdline && !(c->cmdline = strdup(cmdline)))
                goto fail;
        return c;
fail:
        free(c->exe);
        free(c);
        return NULL;
}

struct trace_caller *trace_caller_ref(struct trace_caller *caller)
{
        if (caller)
                caller->refs++;
        return caller;
}

void trace_caller_unref(struct trace_caller *caller)
{
        if (!caller || --caller->refs > 0)
                return;
        free(caller->exe);
        free(caller->cmdline);
        free(caller);
}

int trace_recorder_init(struct trace_recorder *rec, const struct policy *base, int max_nr,
                        bool record_paths)
{
        memset(rec, 0, sizeof(*rec));
        if (max_nr < 0)
                return -EINVAL;
        rec->max_nr = max_nr;
        rec->record_paths = record_paths;
        rec->calls = calloc((size_t)max_nr + 1, sizeof(*rec->calls));
        rec->names = calloc((size_t)max_nr + 1, sizeof(*rec->names));
        if (!rec->calls || !rec->names) {
                trace_recorder_free(rec);
                return -ENOMEM;
        }
        /* A base that allows whatever it does not list decides every
         * syscall: nothing can be new under it. */
        bool allows_rest =
            base && (base->default_action == KACT_ALLOW || base->default_action == KACT_LOG);
        /* Whether the base names a syscall is asked on every call; a scan of
         * a few hundred entries each time would cost more than the rest of
         * the recording, so it is answered once here. */
        for (int nr = 0; nr <= max_nr; nr++) {
                rec->names[nr] = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
                rec->calls[nr].named = base && (allows_rest || policy_names_syscall(base, nr));
        }
        return 0;
}

static void strset_free(struct trace_strset *set)
{
        for (size_t i = 0; i < set->cap; i++)
                free(set->slots[i]);
        free(set->slots);
        memset(set, 0, sizeof(*set));
}

void trace_recorder_free(struct trace_recorder *rec)
{
        if (rec->calls) {
                for (int nr = 0; nr <= rec->max_nr; nr++) {
                        trace_caller_unref(rec->calls[nr].first);
                        trace_caller_unref(rec->calls[nr].last);
                        strset_free(&rec->calls[nr].paths);
                        strset_free(&rec->calls[nr].addresses);
                }
        }
        if (rec->names)
                for (int nr = 0; nr <= rec->max_nr; nr++)
                        free(rec->names[nr]);
        free(rec->calls);
        free(rec->names);
        memset(rec, 0, sizeof(*rec));
}

bool trace_recorder_named(const struct trace_recorder *rec, int nr)
{
        return nr >= 0 && nr <= rec->max_nr && rec->calls[nr].named;
}

const char *trace_recorder_name(const struct trace_recorder *rec, int nr)
{
        if (nr < 0 || nr > rec->max_nr)
                return NULL;
        return rec->names[nr];
}

/* Inserts v keeping values sorted; a value beyond the cap marks truncation. */
static void values_add(struct trace_values *vals, uint64_t v)
{
        unsigned lo = 0, hi = vals->n;
        while (lo < hi) {
                unsigned mid = (lo + hi) / 2;
                if (vals->values[mid] == v)
                        return;
                if (vals->values[mid] < v)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (vals->n == TRACE_MAX_VALUES) {
                vals->truncated = true;
                return;
        }
        memmove(&vals->values[lo + 1], &vals->values[lo], (vals->n - lo) * sizeof(vals->values[0]));
        vals->values[lo] = v;
        vals->n++;
}

/* FNV-1a: short strings, no adversary that matters (the cap bounds the work). */
static size_t hash_string(const char *s)
{
        uint64_t h = 14695981039346656037ull;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                h ^= *p;
                h *= 1099511628211ull;
        }
        return (size_t)h;
}

static int strset_add(struct trace_strset *set, const char *s, size_t max)
{
        if (set->cap == 0 || (set->n + 1) * 2 > set->cap) {
                if (set->n >= max) {
                        /* Full; a string already in is still not "truncation". */
                        for (size_t i = hash_string(s) & (set->cap - 1); set->slots[i];
                             i = (i + 1) & (set->cap - 1))
                                if (strcmp(set->slots[i], s) == 0)
                                        return 0;
                        set->truncated = true;
                        return 0;
                }
                size_t cap = set->cap ? set->cap * 2 : 16;
                char **slots = calloc(cap, sizeof(*slots));
                if (!slots)
                        return -ENOMEM;
                for (size_t i = 0; i < set->cap; i++) {
                        char *old = set->slots[i];
                        if (!old)
                                continue;
                        size_t j = hash_string(old) & (cap - 1);
                        while (slots[j])
                                j = (j + 1) & (cap - 1);
                        slots[j] = old;
                }
                free(set->slots);
                set->slots = slots;
                set->cap = cap;
        }
        size_t i = hash_string(s) & (set->cap - 1);
        for (; set->slots[i]; i = (i + 1) & (set->cap - 1))
                if (strcmp(set->slots[i], s) == 0)
                        return 0;
        if (set->n >= max) {
                set->truncated = true;
                return 0;
        }
        set->slots[i] = strdup(s);
        if (!set->slots[i])
                return -ENOMEM;
        set->n++;
        return 0;
}

/* The addresses the call named, as text: a unix socket by the file it
 * reaches when that has a name, else as the caller wrote it. */
static int record_addresses(struct trace_syscall *s, const struct policy_call *call)
{
        char text[PATH_MAX + 16];
        unsigned n = call->addrs ? call->n_addrs : 1;
        int r = 0;

        for (unsigned i = 0; i < n; i++) {
                const char *unix_path = call->addrs ? call->addrs[i].unix_path : call->unix_path;
                if (unix_path) {
                        snprintf(text, sizeof(text), "unix:%s", unix_path);
                } else if (call->addrs) {
                        if (policy_call_addr_format(call, i, text, sizeof(text)) < 0 && !text[0])
                                continue; /* names no peer, or too short to say */
                } else {
                        if (call->addr_len == 0 ||
                            (netaddr_format((const struct sockaddr *)&call->addr, call->addr_len,
                                            text, sizeof(text)) < 0 &&
                             !text[0]))
                                continue;
                }
                if (strset_add(&s->addresses, text, TRACE_MAX_ADDRESSES) < 0)
                        r = -ENOMEM;
        }
        return r;
}

int trace_record(struct trace_recorder *rec, const struct policy_call *call,
                 struct trace_caller *caller)
{
        const struct trace_arg_desc *descs;
        int r = 0;

        if (call->nr < 0 || call->nr > rec->max_nr)
                return -EINVAL;
        struct trace_syscall *s = &rec->calls[call->nr];
        s->count++;
        rec->total++;
        if (!s->named)
                rec->total_new++;
        if (!s->first)
                s->first = trace_caller_ref(caller);
        if (s->last != caller) {
                trace_caller_unref(s->last);
                s->last = trace_caller_ref(caller);
        }

        size_t n = trace_arg_descs(call->nr, &descs);
        for (size_t i = 0; i < n && i < TRACE_MAX_ARGS; i++)
                values_add(&s->args[i], call->args[descs[i].index]);

        if (rec->record_paths && syscall_takes_path(call->nr)) {
                bool unnamed = !call->have_paths || call->n_paths == 0;
                for (unsigned i = 0;
                     call->have_paths && i < call->n_paths && i < POLICY_CALL_MAX_PATHS; i++) {
                        if (!call->paths[i])
                                unnamed = true;
                        else if (strset_add(&s->paths, call->paths[i], TRACE_MAX_PATHS) < 0)
                                r = -ENOMEM;
                }
                s->path_calls++;
                if (unnamed)
                        s->unnamed_path_calls++;
        }
        if (call->have_addr && record_addresses(s, call) < 0)
                r = -ENOMEM;
        return r;
}

size_t trace_recorder_count(const struct trace_recorder *rec, bool only_new)
{
        size_t n = 0;
        for (int nr = 0; nr <= rec->max_nr; nr++)
                if (rec->calls[nr].count && !(only_new && rec->calls[nr].named))
                        n++;
        return n;
}

static const struct trace_recorder *sort_rec;

static int compare_by_name(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;
        const char *nx = sort_rec->names[x], *ny = sort_rec->names[y];
        if (nx && ny)
                return strcmp(nx, ny);
        /* Numbers without a name sort after every name, by number. */
        if (nx || ny)
                return nx ? -1 : 1;
        return (x > y) - (x < y);
}

int trace_recorder_sorted(const struct trace_recorder *rec, bool only_new, int **ret_nrs,
                          size_t *ret_n)
{
        size_t n = trace_recorder_count(rec, only_new), k = 0;
        int *nrs = NULL;
        if (n) {
                nrs = malloc(n * sizeof(*nrs));
                if (!nrs)
                        return -ENOMEM;
                for (int nr = 0; nr <= rec->max_nr; nr++)
                        if (rec->calls[nr].count && !(only_new && rec->calls[nr].named))
                                nrs[k++] = nr;
                /* qsort has no context argument; this runs on one thread. */
                sort_rec = rec;
                qsort(nrs, n, sizeof(*nrs), compare_by_name);
                sort_rec = NULL;
        }
        *ret_nrs = nrs;
        *ret_n = n;
        return 0;
}

struct trace_caller *trace_caller_cache_get(const struct trace_caller_cache *cache, pid_t pid)
{
        struct trace_caller *c = cache->slots[(unsigned)pid % TRACE_CALLER_CACHE_SLOTS];
        return c && c->pid == pid ? c : NULL;
}

void trace_caller_cache_put(struct trace_caller_cache *cache, struct trace_caller *caller)
{
        struct trace_caller **slot =
            &cache->slots[(unsigned)caller->pid % TRACE_CALLER_CACHE_SLOTS];
        if (*slot == caller)
                return;
        trace_caller_unref(*slot);
        *slot = trace_caller_ref(caller);
}

void trace_caller_cache_forget(struct trace_caller_cache *cache, pid_t pid)
{
        struct trace_caller **slot = &cache->slots[(unsigned)pid % TRACE_CALLER_CACHE_SLOTS];
        if (*slot && (*slot)->pid == pid) {
                trace_caller_unref(*slot);
                *slot = NULL;
        }
}

void trace_caller_cache_clear(struct trace_caller_cache *cache)
{
        for (size_t i = 0; i < TRACE_CALLER_CACHE_SLOTS; i++) {
                trace_caller_unref(cache->slots[i]);
                cache->slots[i] = NULL;
        }
}
