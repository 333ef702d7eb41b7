/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The trace recorder: what `scmp-super trace` learns about a run. For every
 * syscall that reached the supervisor it keeps how often it was made, who
 * made it first and last, and, for the calls whose arguments real profiles
 * filter on, the distinct argument values seen (and on request the paths).
 *
 * Pure bookkeeping: no libuv, no printing, no reading of targets. Whoever
 * feeds it says who made each call (struct trace_caller), so it can be
 * tested on made-up calls.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

/* Distinct values kept per argument; more are counted as "truncated". */
#define TRACE_MAX_VALUES 32
/* Distinct paths kept per syscall with record_paths. */
#define TRACE_MAX_PATHS 512
/* Distinct socket addresses kept per syscall (connect, bind, sendto,
 * sendmsg, sendmmsg); more set "truncated". */
#define TRACE_MAX_ADDRESSES 64
/* Arguments recorded per syscall at most (socket: family and type). */
#define TRACE_MAX_ARGS 2

/* What a recorded argument means; decides how it is shown and turned into
 * profile conditions. */
enum trace_arg_kind {
        TRACE_ARG_SOCKET_FAMILY,
        TRACE_ARG_SOCKET_TYPE,
        TRACE_ARG_PERSONALITY,
        TRACE_ARG_CLONE_FLAGS,
        TRACE_ARG_IOCTL_REQUEST,
        TRACE_ARG_PRCTL_OPTION,
};

struct trace_arg_desc {
        unsigned index; /* argument number, 0..5 */
        enum trace_arg_kind kind;
        const char *key; /* "family", "type", "persona", "flags", "request", "option" */
};

/*
 * The arguments recorded for native syscall nr: socket's family and type,
 * personality's persona, clone's flags, ioctl's request, prctl's option.
 * Returns how many (0 for any other syscall) and the table in *ret_descs.
 */
size_t trace_arg_descs(int nr, const struct trace_arg_desc **ret_descs);

/*
 * Who made a call: reference-counted and immutable once made, because the
 * same caller is the first or last caller of many syscalls.
 */
struct trace_caller {
        unsigned refs;
        pid_t pid;
        char *exe;     /* NULL: could not be read */
        char *cmdline; /* NULL: could not be read */
};

/* exe and cmdline may be NULL. Returns NULL when out of memory. */
struct trace_caller *trace_caller_new(pid_t pid, const char *exe, const char *cmdline);
struct trace_caller *trace_caller_ref(struct trace_caller *caller);
void trace_caller_unref(struct trace_caller *caller);

/* The distinct values of one argument, kept sorted so output is stable. */
struct trace_values {
        uint64_t values[TRACE_MAX_VALUES];
        unsigned n;
        bool truncated; /* a value was seen that did not fit */
};

/* A set of strings (the paths one syscall named, the addresses). */
struct trace_strset {
        char **slots; /* open addressing; NULL = empty */
        size_t cap;   /* a power of two */
        size_t n;
        bool truncated; /* a string was seen after the set's maximum were kept */
};

struct trace_syscall {
        uint64_t count; /* 0: never seen */
        bool named;     /* the base decides it (names it, or allows all it does not
                         * name): not new */
        struct trace_caller *first, *last;
        struct trace_values args[TRACE_MAX_ARGS]; /* per trace_arg_descs() */
        struct trace_strset paths;                /* with record_paths */
        /* The calls that named a path with record_paths, and of those the
         * ones whose path could not be read or named (trace_rules.h). */
        uint64_t path_calls, unnamed_path_calls;
        /* The addresses named (connect, bind, sendto, sendmsg, sendmmsg),
         * as netaddr_format() writes them; a unix socket path as the file
         * the kernel would reach ("unix:/run/x.sock"), resolved as paths
         * are. */
        struct trace_strset addresses;
};

struct trace_recorder {
        int max_nr;
        struct trace_syscall *calls; /* indexed by native syscall number */
        char **names;                /* native names by number; NULL where unknown */
        bool record_paths;
        uint64_t total;     /* calls recorded */
        uint64_t total_new; /* of which to syscalls the base does not name */
        /* trace --exe: calls of other programs, let through as always but
         * not recorded (the tracer counts them here). */
        uint64_t total_other;
};

/*
 * base: the profile the run is measured against, or NULL (then every
 * syscall is new). A syscall is new when the base does not name it, unless
 * the base's defaultAction allows (or logs) what it does not name; then
 * nothing is. max_nr: the highest native syscall number to record.
 * Returns 0 or -ENOMEM.
 */
int trace_recorder_init(struct trace_recorder *rec, const struct policy *base, int max_nr,
                        bool record_paths);
void trace_recorder_free(struct trace_recorder *rec);

/* True if the base decides nr: an entry names it (whatever its conditions),
 * or the base allows everything it does not name. */
bool trace_recorder_named(const struct trace_recorder *rec, int nr);

/* The native name of nr, or NULL. */
const char *trace_recorder_name(const struct trace_recorder *rec, int nr);

/*
 * Records one call: call->nr (native), call->args, the decoded addresses
 * (call->have_addr) and with record_paths the decoded call->paths. caller may be NULL (unknown);
 * otherwise the recorder takes its own references. Returns 0, -EINVAL for a number out of range, or
 * -ENOMEM (the count is kept even then; only details are lost).
 */
int trace_record(struct trace_recorder *rec, const struct policy_call *call,
                 struct trace_caller *caller);

/* Syscalls seen; only_new: only those the base profile does not name. */
size_t trace_recorder_count(const struct trace_recorder *rec, bool only_new);

/*
 * The numbers of the syscalls seen (only_new: not named by the base),
 * sorted by name. Caller frees. Returns 0 or -ENOMEM; *ret_nrs is NULL when
 * *ret_n is 0.
 */
int trace_recorder_sorted(const struct trace_recorder *rec, bool only_new, int **ret_nrs,
                          size_t *ret_n);

/*
 * Callers by thread id, so that the first call of a process reads its
 * /proc entries once and its later calls reuse them. Direct-mapped: a
 * colliding tid replaces the slot. A tid's entry goes stale when it execs
 * (new exe and command line) or dies and the id is reused by a new task;
 * the owner clears the cache when it sees an exec or a new task created.
 */
#define TRACE_CALLER_CACHE_SLOTS 256

struct trace_caller_cache {
        struct trace_caller *slots[TRACE_CALLER_CACHE_SLOTS];
};

/* Borrowed: take a reference to keep it. NULL when not cached. */
struct trace_caller *trace_caller_cache_get(const struct trace_caller_cache *cache, pid_t pid);
/* Takes a reference to caller. */
void trace_caller_cache_put(struct trace_caller_cache *cache, struct trace_caller *caller);
/* Drops pid's entry, if any. */
void trace_caller_cache_forget(struct trace_caller_cache *cache, pid_t pid);
void trace_caller_cache_clear(struct trace_caller_cache *cache);
