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
#include <stddef.h>
#include <stdint.h>
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

/*
 * A launcher forked before the profile is loaded (launch_fork_early())
 * prepares what needs no profile, then reads from go_fd a struct
 * launcher_go and its payload: the filter's instructions, the agent
 * message and the path to execute, each string followed by a NUL. The
 * sizes are checked before anything is allocated. End of file before a
 * whole header means scmp-super failed first: exit 125 in silence.
 */
#define LAUNCHER_GO_MAGIC       0x73636731u /* "scg1" */
#define LAUNCHER_GO_MAX_INSNS   4096u       /* BPF_MAXINSNS */
#define LAUNCHER_GO_MAX_MESSAGE 65536u

struct launcher_go {
        uint32_t magic;
        uint32_t filter_flags;
        uint32_t n_insns;         /* 1..LAUNCHER_GO_MAX_INSNS */
        uint32_t message_len;     /* without its NUL; 0: the launcher makes the message */
        uint32_t path_len;        /* without its NUL; 1..PATH_MAX-1 */
        uint32_t send_after_load; /* 0 or 1 */
};

__attribute__((noreturn)) void launcher_child_early(struct launch_spec *spec, int go_fd);

/* The payload's size for header h, or 0 when h is not valid. */
size_t launcher_go_payload_size(const struct launcher_go *h);
/* Points spec's filter, flags, message and path into payload (size
 * bytes, as launcher_go_payload_size() said), after checking that each
 * string ends exactly where h says. 0, or -EPROTO. */
int launcher_go_apply(const struct launcher_go *h, char *payload, size_t size,
                      struct launch_spec *spec);

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
