/* SPDX-License-Identifier: MIT */
/* trace/trace_runtime.c: the calls runc and crun make after loading a container's filter. */
/*
 * Measured on Debian 12 with runc 1.1.5 (Go 1.19.8, libseccomp 2.5.4) and
 * crun 1.8.1, through the daemon: a profile that notifies every call, a
 * supervisor default that allows and logs, and the container's lines up to
 * its first execve (tests/integration/test_trace_runtime_measure.sh does it
 * again with the installed runtimes and fails on a call missing here).
 *
 * The set is the union of a container with no-new-privileges and one
 * without: a profile does not know which spec it will be used with, and
 * the calls made only without it (the user and capability changes) are the
 * ones Docker's, Podman's and Kubernetes' default (no-new-privileges off)
 * needs. Each row says when the runtime makes the call.
 *
 * The test reads this table from the source: one row a call,
 * {"RUNTIME", "SYSCALL", "why"}, one runtime's rows together.
 */
#include "trace/trace_runtime.h"

#include <stddef.h>
#include <string.h>

static const char *const names[TRACE_RUNTIMES] = {
    [TRACE_RUNTIME_RUNC] = "runc",
    [TRACE_RUNTIME_CRUN] = "crun",
};

static const char *const measured[TRACE_RUNTIMES] = {
    [TRACE_RUNTIME_RUNC] = "runc 1.1.5",
    [TRACE_RUNTIME_CRUN] = "crun 1.8.1",
};

const struct trace_runtime_call trace_runtime_calls[] = {
    /* runc loads the filter in its Go init and goes on in Go. */
    {"runc", "read", "syncing with its parent"},
    {"runc", "write", "syncing with its parent"},
    {"runc", "close", "closing its sync pipe and descriptors"},
    {"runc", "openat",
     "opening its exec fifo through /proc/self/fd/N (run and start), /proc/self/fd to close "
     "inherited descriptors; without no-new-privileges also /proc/self/status, "
     "/proc/self/setgroups, /etc/passwd and /etc/group"},
    {"runc", "getpid", "naming /proc/PID/fd"},
    {"runc", "fstatfs", "checking that /proc/self/fd is on procfs"},
    {"runc", "getdents64", "listing /proc/self/fd"},
    {"runc", "fstat", "the descriptors it lists; without no-new-privileges, 0 to 2"},
    {"runc", "newfstatat",
     "looking up process.args[0] on PATH; without no-new-privileges also /dev/null"},
    {"runc", "faccessat2", "looking up process.args[0] on PATH"},
    {"runc", "faccessat", "looking up process.args[0] on PATH (faccessat2's fallback)"},
    {"runc", "fcntl", "marking inherited descriptors close-on-exec"},
    {"runc", "epoll_ctl", "Go's poller, for the descriptors it opens"},
    {"runc", "epoll_pwait", "Go's poller"},
    {"runc", "chdir", "to process.cwd"},
    {"runc", "getcwd", "after chdir to process.cwd"},
    {"runc", "capget", "without no-new-privileges: reading its capabilities"},
    {"runc", "capset", "without no-new-privileges: setting process.capabilities"},
    {"runc", "prctl", "without no-new-privileges: the bounding set, keep-caps and the ambient set"},
    {"runc", "setgroups", "without no-new-privileges: process.user's groups"},
    {"runc", "setgid", "without no-new-privileges: process.user.gid"},
    {"runc", "setuid", "without no-new-privileges: process.user.uid"},
    {"runc", "getppid", "checking its parent is still there"},
    {"runc", "execve", "executing the container's process"},
    {"runc", "futex", "Go's threads, at any time"},
    {"runc", "rt_sigreturn", "Go's threads, at any time"},
    {"runc", "rt_sigprocmask", "Go's threads, at any time"},
    {"runc", "sigaltstack", "Go's threads, at any time"},
    {"runc", "nanosleep", "Go's threads, at any time"},
    {"runc", "sched_yield", "Go's threads, at any time"},
    {"runc", "mmap", "Go's threads, at any time"},
    {"runc", "munmap", "Go's threads, at any time"},
    {"runc", "madvise", "Go's threads, at any time"},
    {"runc", "tgkill", "Go's threads, at any time"},
    {"runc", "gettid", "Go's threads, at any time"},
    /* crun loads the filter last, just before execve. */
    {"crun", "close", "closing descriptors before execve"},
    {"crun", "munmap", "seen after loading the filter: freeing memory"},
    {"crun", "wait4", "seen after loading the filter: waiting for a child"},
    {"crun", "kill", "seen after loading the filter: signalling"},
    {"crun", "prctl", "without no-new-privileges: keep-caps and the ambient set"},
    {"crun", "setresgid", "without no-new-privileges: process.user.gid"},
    {"crun", "setresuid", "without no-new-privileges: process.user.uid"},
    {"crun", "capset", "without no-new-privileges: setting process.capabilities"},
    {"crun", "rt_sigprocmask", "without no-new-privileges: unblocking signals"},
    {"crun", "rt_sigaction", "without no-new-privileges: resetting signal handlers"},
    {"crun", "execve", "executing the container's process"},
    {NULL, NULL, NULL},
};

const char *trace_runtime_name(enum trace_runtime rt)
{
        return rt < TRACE_RUNTIMES ? names[rt] : "?";
}

const char *trace_runtime_measured(enum trace_runtime rt)
{
        return rt < TRACE_RUNTIMES ? measured[rt] : "?";
}

int trace_runtime_parse(const char *s)
{
        for (int i = 0; i < TRACE_RUNTIMES; i++)
                if (strcmp(s, names[i]) == 0)
                        return i;
        return -1;
}

bool trace_runtime_call_of(const struct trace_runtime_call *call, enum trace_runtime rt)
{
        return rt < TRACE_RUNTIMES && strcmp(call->runtime, names[rt]) == 0;
}
