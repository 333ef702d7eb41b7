/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Whether a process belongs to a supervised tree, told from /proc. Used to
 * refuse control-socket clients the supervised command started: a command
 * of our uid passes the uid check, so only its place in the process tree
 * tells it from a person's `scmp-super prompt`.
 *
 * run and trace are child subreapers (seal.h), so nothing the command
 * starts leaves their line of descent by double-forking: the tree is
 * "every descendant of the supervisor". What can still leave it is a
 * process some other same-uid service starts on the command's request
 * (systemd-run --user, a terminal multiplexer's server): SECURITY.md.
 *
 * The walk up the parent chain must not be fooled by pid reuse. Each step
 * holds a pidfd of the process it stands on and checks it is still alive
 * after reading its parent's pid; the parent's pidfd is then opened and the
 * child's parent read once more: unchanged, it was the child's parent when
 * the pidfd was opened (had it died, the child would have been reparented to
 * an older process, whose pid differs).
 */

#include <stddef.h>
#include <sys/types.h>

/* Deeper than any real process tree; a bound, so a loop in what /proc says
 * (it cannot say one, but we do not rely on that) ends. */
#define PROC_TREE_MAX_DEPTH 4096

/*
 * The line of descent of pid (with pidfd, a pidfd of it, or -1 to open
 * one): pid itself, its parent, and so on up to init or the last process
 * visible in our pid namespace, each verified as above, into ret_chain (at
 * most max entries) and their number into *ret_n. A negative errno when it
 * cannot be told: pid gone, /proc unreadable, deeper than max (-ELOOP).
 */
int proc_tree_ancestors(pid_t pid, int pidfd, pid_t *ret_chain, size_t max, size_t *ret_n);

/*
 * 1 when pid (with pidfd, a pidfd of it, or -1 to open one) is ancestor or
 * descends from it; 0 when it does not; a negative errno when that cannot
 * be told (pid gone, /proc unreadable), which callers must treat as 1.
 * pid 0 (a peer in a pid namespace we cannot see, so above ours) is not a
 * descendant of anything of ours.
 */
int proc_tree_descends(pid_t pid, int pidfd, pid_t ancestor);

/* How many pid namespaces deep pid lives, counted from ours (1: ours; 2: a
 * namespace nested in ours, as a container's), or a negative errno. */
int proc_pid_ns_depth(pid_t pid);

/* pid's seccomp mode: 0 none, 1 strict, 2 filter (every process a
 * supervisor serves, since a filter cannot be removed), or a negative
 * errno. */
int proc_seccomp_mode(pid_t pid);

/*
 * Parsing /proc/PID/status, exposed for tests and fuzz/fuzz_proc_status.c.
 * proc_status_value(): the value of the line of text (len bytes, not
 * terminated) that starts with field (say "PPid:"), blanks after the field
 * skipped, into buf: 0, -ENODATA when no line has it, -EBADMSG when the
 * value does not fit or holds a NUL. proc_status_pid(): a value as a pid
 * (decimal digits only, up to 2^31 - 1). proc_status_ns_depth(): how many
 * pids an NSpid value lists (at least 1).
 */
int proc_status_value(const char *text, size_t len, const char *field, char *buf, size_t size);
int proc_status_pid(const char *value, pid_t *ret_pid);
int proc_status_ns_depth(const char *value);
