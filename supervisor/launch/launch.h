/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Starting a command under our own launcher and serving it: the sequence
 * run and trace share. The order matters: signals are blocked (and read
 * through a signalfd) before the fork, so none is lost between fork and the
 * loop; the launcher's message is read before the command runs, since its
 * exec waits for us.
 *
 * Functions return 0 or a negative errno and write why into reterr; the
 * front end says it (run_session.h gathers the whole sequence).
 */

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"
#include "core/supervisor.h"

struct launch {
        int sigfd;   /* SIGCHLD and the signals passed on to the command */
        int sock[2]; /* [0] ours, [1] the launcher's end */
        int go_fd;   /* to a launcher forked early, until launch_go(); or -1 */
        /* A launcher forked early that launch_attach() has not taken on:
         * launch_close() kills and reaps it. */
        bool early_unattached;
        sigset_t old_mask; /* restored in the child before it execs */
        bool mask_blocked;
        pid_t child;
        /* The kernel's Landlock ABI, or a negative errno (seal.h): with 6
         * or more the command is sealed off from us. */
        int landlock_abi;
        /* The command's own terminal, or -1 (launch_spec.pty_slave). */
        int pty_slave;
        dev_t terminal;
        /* The filter lets sendmsg and write run (policy_kernel_passes()):
         * the launcher sends its listener itself (launch_spec). */
        bool send_after_load;
};

/* Finds command on PATH, into exec_path, and checks that it can be
 * executed, interpreter included. -ENOENT when it (or its interpreter) is
 * not found, another negative errno when it cannot be executed. */
int launch_find_command(const char *command, char *exec_path, size_t exec_path_size, char *reterr,
                        size_t reterr_size);

/* Seals this process off from the command to come (seal.h: non-dumpable,
 * a child subreaper), then blocks and watches the signals; the socket pair
 * is made by launch_socketpair(), or the caller puts its own in sock[]. */
int launch_init(struct launch *l, char *reterr, size_t reterr_size);
int launch_socketpair(struct launch *l, char *reterr, size_t reterr_size);

/* Forks the launcher (supervisor/launcher.c), which loads bpf and execs
 * exec_path with argv. The caller's end of the socket stays open.
 * attach_here: launch_attach() will receive the listener (not a daemon),
 * so the agent message is made before the fork. */
int launch_fork(struct launch *l, const char *exec_path, char **argv, const struct policy_bpf *bpf,
                unsigned filter_flags, const char *metadata, bool attach_here, char *reterr,
                size_t reterr_size);

/*
 * Forks the launcher before the profile is read, so that its set-up (the
 * fork itself, no_new_privs, the seal) overlaps loading the profile; it
 * waits for launch_go(). Only without a pty (launch_spec.pty_slave) or a
 * daemon. After launch_init() and launch_socketpair(). launch_close()
 * kills and reaps it until launch_attach() takes it on, given its filter
 * or not: its exec waits for the lane launch_attach() makes, so nothing
 * runs.
 */
int launch_fork_early(struct launch *l, char **argv, char *reterr, size_t reterr_size);
/* Hands the early launcher what it loads and runs (launcher_go). It loads
 * the filter and calls execve while the caller finishes its own set-up. */
int launch_go(struct launch *l, const char *exec_path, const struct policy_bpf *bpf,
              unsigned filter_flags, const char *metadata, char *reterr, size_t reterr_size);

/* Called after the fork and before the listener is served: the last
 * moment before the command's exec can be answered. A negative return
 * (with reterr set) kills the launcher and fails launch_attach with it. */
typedef int (*launch_before_serving_fn)(void *ctx, char *reterr, size_t reterr_size);

/* Calls before_serving (if not NULL), receives the launcher's listener,
 * then serves it as the command's target, watching the child.
 * When the launcher failed before sending (it said why on stderr), serves
 * nothing, waits for the child and sets *ret_status to what the command's
 * status would be, leaving reterr empty. Returns 0 when the loop should
 * run. */
int launch_attach(struct launch *l, struct supervisor *sup, launch_before_serving_fn before_serving,
                  void *ctx, int *ret_status, char *reterr, size_t reterr_size);

void launch_close(struct launch *l);
