/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * What each calling thread runs, so that a rule on the executable or a
 * --log line need not read /proc/TID/exe on every call (a readlink that
 * walks /proc and d_paths the file: a third of a logged round trip,
 * bench/, row d).
 *
 * An entry is trusted only while two things hold:
 *
 *  - its thread is the caller. Each entry keeps a pidfd of its thread
 *    (PIDFD_THREAD, Linux 6.9), opened before its executable was read
 *    from /proc while the call was pending (exe_cache_prepare; the call
 *    found still pending after the read proves the id was the caller's
 *    all along), and the pidfds sit in one epoll set. The
 *    kernel marks a thread's pidfd readable as the thread exits, before
 *    its id can be given to another thread, whose calls reach us only
 *    after the mark; each lookup first drops the entries whose pidfd is
 *    ready (one epoll_wait that does not wait: ~80 ns here, half
 *    of asking about one thread with pidfd_send_signal). An entry still
 *    there is a live thread; the caller is alive too (its notification is
 *    pending), and two live threads never share an id: the entry is the
 *    caller's.
 *  - the thread runs the same program. A task changes its executable only
 *    by execve or execveat, and the filter routes both to the supervisor
 *    (execve always; execveat when the cache is used), which tells the
 *    cache before answering (exe_cache_exec): everything is forgotten.
 *    The exec'ing thread cannot call again before its exec is over; but a
 *    thread other than the leader that execs takes over the leader's id
 *    (and its pidfd's identity), while the old leader may still call under
 *    it until the exec kills it, with the old executable. The leader's id
 *    is never cached again.
 *
 * Until the first exec after the command's own, every task that can call
 * runs the same program: the launcher executed the command, and a task
 * made by clone or fork runs what its parent runs. Once a caller's
 * executable, read from /proc, is the command's, that answer holds for
 * every caller without asking the kernel about anyone, until an exec is
 * noted. run passes the command only when it is an ELF file of this
 * machine's kind, which /proc names as itself (a script would show its
 * interpreter): a child that renamed itself to the command's name before
 * its first call then names nobody falsely.
 *
 * A task can also rename its executable without exec, once nothing of the
 * old file is mapped: prctl PR_SET_MM_EXE_FILE (CAP_SYS_RESOURCE), or
 * PR_SET_MM_MAP with an exe_fd (CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in
 * its own user namespace: any task that creates one). It is not routed;
 * the cache keeps the executable the task ran, or had at its first
 * notified call (before an exec, the command's), where /proc would show
 * the name it gave itself. Neither proves what code runs.
 *
 * Clone and fork are not routed for this: a notified call can fail with
 * EINTR when a signal handler runs while it waits, and fork must not.
 *
 * The owner calls these from one thread; nothing here is locked. Nothing
 * allocates after exe_cache_new; a miss costs a pidfd_open and an
 * epoll_ctl, a hit an epoll_wait. Without PIDFD_THREAD (before Linux 6.9)
 * the cache turns itself off.
 */
struct exe_cache;

/* command: what the launcher executed, as /proc/PID/exe names it (the
 * resolved path), or NULL if not known. */
struct exe_cache *exe_cache_new(const char *command);
void exe_cache_free(struct exe_cache *c);

/* The executable tid runs, or NULL if not known. */
const char *exe_cache_lookup(struct exe_cache *c, pid_t tid);

/* Before reading tid's executable from /proc: opens the pidfd an entry
 * for tid will keep (the only way it is surely the caller's). */
void exe_cache_prepare(struct exe_cache *c, pid_t tid);

/* Remembers exe for tid: read after exe_cache_prepare(c, tid), and tid's
 * call found still pending after the read. */
void exe_cache_store(struct exe_cache *c, pid_t tid, const char *exe);

/*
 * tid, of thread group tgid (0 if it could not be read: the cache then
 * turns itself off), made an execve or execveat about to be decided.
 */
void exe_cache_exec(struct exe_cache *c, pid_t tid, pid_t tgid);

/* For good: an exec is being answered by another thread (a prompt), so
 * the cache cannot know when the program changes. */
void exe_cache_disable(struct exe_cache *c);

bool exe_cache_enabled(const struct exe_cache *c);
