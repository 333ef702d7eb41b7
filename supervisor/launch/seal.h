/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Sealing the supervisor off from the command it supervises. The command
 * runs with our uid, and without an LSM saying otherwise the kernel lets one
 * process of a uid read and write another's memory (ptrace,
 * process_vm_writev, /proc/PID/mem) and signal it (SIGSTOP freezes every
 * decision). Two locks close that:
 *
 * - Every supervisor process (run, trace, daemon, and the prompt client) is
 *   non-dumpable before any command runs (PR_SET_DUMPABLE 0): ptrace access
 *   to it then needs CAP_SYS_PTRACE, and its /proc/PID files belong to root.
 *
 * - The command runs in a Landlock domain scoped for signals and abstract
 *   unix sockets (LANDLOCK_SCOPE_SIGNAL, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET:
 *   Landlock ABI 6, Linux 6.12), with no file access handled, so its files
 *   are untouched. Inside it the command, and everything it starts, can
 *   neither signal nor ptrace a process outside the domain (its supervisor,
 *   the person's shell), whatever its capabilities, nor connect to an
 *   abstract socket made outside. On an older kernel there is no such
 *   domain: non-dumpable still guards memory, but same-uid signals reach
 *   the supervisor (SECURITY.md).
 *
 * run and trace also make themselves child subreapers, so that everything
 * the command starts stays below them even when its parent exits: "is this
 * process part of the supervised tree?" is then "does it descend from us?"
 * (proc_tree.h), which the control socket asks of every client.
 */

#include <stdbool.h>
#include <stdio.h>

/* The Landlock scopes we ask for. */
#define SEAL_LANDLOCK_MIN_ABI 6

/* The supervisor's own side: non-dumpable, and with subreaper a child
 * subreaper. 0 or a negative errno. */
int seal_supervisor(bool subreaper);

/* The Landlock ABI this kernel offers (1, 2, ...), or a negative errno:
 * -ENOSYS (no Landlock in this kernel), -EOPNOTSUPP (built in, but off). */
int seal_landlock_abi(void);

/*
 * The command's side, in the launcher child after no_new_privs and before
 * its seccomp filter: enters a Landlock domain scoped for signals and
 * abstract unix sockets, restricting nothing else. Async-signal-safe (the
 * child of a multithreaded fork). 0 or a negative errno.
 */
int seal_command(void);

/* Says on out what holds for a command started now, given abi (from
 * seal_landlock_abi()): one line, for run --verbose and trace --verbose. */
void seal_report(FILE *out, int abi);
