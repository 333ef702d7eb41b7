/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * What each calling thread runs, so that a rule on the executable or a
 * --log line need not read /proc/TID/exe on every call (about half a
 * microsecond, a fifth of a notified round trip: bench/, row d).
 *
 * Sound only when the filter routes every clone, clone3, fork, vfork,
 * execve and execveat to the supervisor (policy_compile_opts.
 * notify_task_changes) and one thread receives all of a target's
 * notifications and owns the cache: then
 *
 *  - a thread id names the same task until a clone-family call is seen: a
 *    task is only ever made by a filtered task's clone, the filter passes
 *    to it, and the new task exists only after the call was answered. Each
 *    such call forgets everything (exe_cache_task_event).
 *  - a task changes its executable only by an exec, seen the same way. An
 *    exec also forgets everything. The exec'ing thread cannot call again
 *    before its exec is over; but when a thread other than the leader
 *    execs, it takes over the leader's thread id, and the old leader may
 *    still call under that id until the exec kills it, with the old
 *    executable. The leader's id is never cached again.
 *
 * The cache owner calls these from one thread; nothing here is locked.
 * Nothing allocates after exe_cache_new.
 */
struct exe_cache;

struct exe_cache *exe_cache_new(void);
void exe_cache_free(struct exe_cache *c);

/* The executable tid was last seen running, or NULL if not known. */
const char *exe_cache_lookup(const struct exe_cache *c, pid_t tid);

/* Remembers exe for tid, read while tid's call was known pending. */
void exe_cache_store(struct exe_cache *c, pid_t tid, const char *exe);

/*
 * tid made a clone-family call or an exec (policy_changes_task), about to
 * be decided. For an exec, tgid is the caller's thread group, or 0 if it
 * could not be read (the cache then turns itself off).
 */
void exe_cache_task_event(struct exe_cache *c, pid_t tid, bool exec, pid_t tgid);

/* For good: such a call is being answered by another thread (a prompt),
 * so the cache cannot know when the task changes. */
void exe_cache_disable(struct exe_cache *c);

bool exe_cache_enabled(const struct exe_cache *c);
