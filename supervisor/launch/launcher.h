/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

/*
 * The launcher: the child side of `scmp-super run`. Everything that can fail
 * is done before the filter is loaded; after it, the only system call the
 * filtered thread makes is the execve of the command, which the filter
 * routes to the supervisor and the supervisor allows exactly once.
 */

#include <signal.h>
#include <sys/types.h>

#include "policy.h"

struct launch_spec {
        const char *exec_path; /* resolved absolute or relative path to execve */
        char **argv;
        char **envp;
        struct policy_bpf bpf;   /* the compiled filter */
        unsigned filter_flags;   /* SECCOMP_FILTER_FLAG_* besides NEW_LISTENER */
        int sock;                /* our end of the socketpair to the supervisor */
        const sigset_t *sigmask; /* the mask to restore before exec */
        const char *metadata;    /* listenerMetadata for the agent message */
        /* The agent message made before the fork, or NULL: the launcher
         * then makes it, with its own pid. run's own supervisor knows the
         * pid from fork() and made it with pid 0 (launch_attach()); the
         * launcher's allocations after the fork would each copy a page. */
        const char *message;
        bool seal; /* enter the Landlock domain of seal_command() */
        /* The command's own terminal (pty_relay.h), or -1: the launcher
         * starts a session with it as the controlling terminal, and puts
         * it in place of every descriptor the command would inherit that
         * refers to the device terminal (or to /dev/tty). */
        int pty_slave;
        dev_t terminal;
        /* The filter lets every sendmsg and write run: the filtered thread
         * sends the listener and says a failed exec itself, and no helper
         * thread is started. */
        bool send_after_load;
};

/* Never returns. Exits 125 on a setup failure, after writing why to stderr. */
__attribute__((noreturn)) void launcher_child(const struct launch_spec *spec);

/* PATH lookup as env(1) does. Returns 0 and the path in buf, -ENOENT when
 * nothing is found, -EACCES when something is found but not executable. */
int launcher_find_command(const char *name, char *buf, size_t size);

/* For a #! script at path: 0 when its interpreter can be executed (or
 * path is no script); else a negative errno, with the interpreter's name in
 * interp. The launcher's exec would fail after the filter is loaded, when
 * it can only exit 126 or 127 without a word. */
int launcher_check_interpreter(const char *path, char *interp, size_t size);

/* Whether /proc/PID/exe of a task running path will name path itself: an
 * ELF file of scmp-super's own kind. A script shows its interpreter, a
 * foreign binary run by binfmt_misc its emulator. */
bool launcher_runs_as_itself(const char *path);
