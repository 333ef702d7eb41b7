/* SPDX-License-Identifier: MIT */
/* policy/groups.c: systemd's @groups of syscalls, their members and their expansion. */
#include "groups.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * The member lists follow the groups systemd documents for SystemCallFilter=
 * (as of systemd 258), name for name, so that "@system-service" means the same
 * here as in a unit file. Each list is alphabetical, nested groups first.
 *
 * Names exist for some architectures only (the *32 uid calls, _llseek,
 * fstatat64, ...) and some are newer than the libseccomp we build against
 * (fchmodat2, mseal, ...); both are kept on purpose, because the loader skips
 * what it cannot resolve and a newer libseccomp resolves more.
 */

/* Many names to a line, alphabetical: clang-format would put one per line in some lists. */
/* clang-format off */
static const char *const aio[] = {
        "io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
        "io_setup", "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup", NULL,
};

static const char *const basic_io[] = {
        "_llseek", "close", "close_range", "dup", "dup2", "dup3", "llseek", "lseek", "pread64",
        "preadv", "preadv2", "pwrite64", "pwritev", "pwritev2", "read", "readv", "write", "writev",
        NULL,
};

static const char *const chown_[] = {
        "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32", NULL,
};

static const char *const clock_[] = {
        "adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64",
        "settimeofday", NULL,
};

static const char *const cpu_emulation[] = {
        "modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old", NULL,
};

static const char *const debug[] = {
        "lookup_dcookie", "perf_event_open", "pidfd_getfd", "ptrace", "rtas", "s390_runtime_instr",
        "sys_debug_setcontext", NULL,
};

/*
 * What practically every program calls, from the dynamic loader on: process
 * and credential queries, clocks and sleeping, memory mapping, futexes, exit.
 * systemd lets a program that sandboxes itself further do so, hence @sandbox.
 */
static const char *const default_[] = {
        "@sandbox", "arch_prctl", "brk", "cacheflush", "clock_getres", "clock_getres_time64",
        "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "execve",
        "exit", "exit_group", "futex", "futex_time64", "futex_waitv", "get_robust_list",
        "get_thread_area", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32",
        "getgroups", "getgroups32", "getpgid", "getpgrp", "getpid", "getppid", "getrandom",
        "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "getsid", "gettid",
        "gettimeofday", "getuid", "getuid32", "lsm_get_self_attr", "lsm_list_modules", "membarrier",
        "mmap", "mmap2", "mprotect", "mseal", "munmap", "nanosleep", "pause", "prlimit64",
        "restart_syscall", "riscv_flush_icache", "riscv_hwprobe", "rseq", "rt_sigreturn",
        "sched_getaffinity", "sched_yield", "set_robust_list", "set_thread_area", "set_tid_address",
        "set_tls", "sigreturn", "time", "ugetrlimit", "uretprobe", NULL,
};

static const char *const file_system[] = {
        "access", "chdir", "chmod", "close", "creat", "faccessat", "faccessat2", "fallocate",
        "fchdir", "fchmod", "fchmodat", "fchmodat2", "fcntl", "fcntl64", "fgetxattr",
        "file_getattr", "file_setattr", "flistxattr", "fremovexattr", "fsetxattr", "fstat",
        "fstat64", "fstatat", "fstatat64", "fstatfs", "fstatfs64", "ftruncate", "ftruncate64",
        "futimesat", "getcwd", "getdents", "getdents64", "getxattr", "getxattrat",
        "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "lgetxattr",
        "link", "linkat", "listmount", "listxattr", "listxattrat", "llistxattr", "lremovexattr",
        "lsetxattr", "lstat", "lstat64", "mkdir", "mkdirat", "mknod", "mknodat", "newfstat",
        "newfstatat", "oldfstat", "oldlstat", "oldstat", "open", "open_tree", "openat", "openat2",
        "readlink", "readlinkat", "removexattr", "removexattrat", "rename", "renameat", "renameat2",
        "rmdir", "setxattr", "setxattrat", "stat", "stat64", "statfs", "statfs64", "statmount",
        "statx", "symlink", "symlinkat", "truncate", "truncate64", "unlink", "unlinkat", "utime",
        "utimensat", "utimensat_time64", "utimes", NULL,
};

static const char *const io_event[] = {
        "_newselect", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
        "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "poll", "ppoll",
        "ppoll_time64", "pselect6", "pselect6_time64", "select", NULL,
};

static const char *const ipc[] = {
        "ipc", "memfd_create", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
        "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "msgctl",
        "msgget", "msgrcv", "msgsnd", "pipe", "pipe2", "process_madvise", "process_vm_readv",
        "process_vm_writev", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64",
        "shmat", "shmctl", "shmdt", "shmget", NULL,
};

static const char *const keyring[] = {
        "add_key", "keyctl", "request_key", NULL,
};

static const char *const memlock[] = {
        "mlock", "mlock2", "mlockall", "munlock", "munlockall", NULL,
};

static const char *const module[] = {
        "delete_module", "finit_module", "init_module", NULL,
};

static const char *const mount_[] = {
        "chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", "move_mount",
        "open_tree_attr", "pivot_root", "umount", "umount2", NULL,
};

static const char *const network_io[] = {
        "accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt",
        "listen", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg",
        "sendmsg", "sendto", "setsockopt", "shutdown", "socket", "socketcall", "socketpair", NULL,
};

/* Mostly slots the kernel reserved but never implemented, and calls it has since removed. */
static const char *const obsolete[] = {
        "_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime", "get_kernel_syms",
        "getpmsg", "gtty", "idle", "lock", "mpx", "prof", "profil", "putpmsg", "query_module",
        "security", "sgetmask", "ssetmask", "stime", "stty", "sysfs", "tuxcall", "ulimit", "uselib",
        "ustat", "vserver", NULL,
};

static const char *const pkey[] = {
        "pkey_alloc", "pkey_free", "pkey_mprotect", NULL,
};

/*
 * setuid() and friends are listed one by one rather than as @setuid, because
 * @setuid also holds setgid() and others that an unprivileged process may use
 * within its own credentials.
 */
static const char *const privileged[] = {
        "@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap", "_sysctl", "acct", "bpf",
        "capset", "chroot", "fanotify_init", "fanotify_mark", "nfsservctl", "open_by_handle_at",
        "pivot_root", "quotactl", "quotactl_fd", "setdomainname", "setfsuid", "setfsuid32",
        "setgroups", "setgroups32", "sethostname", "setresuid", "setresuid32", "setreuid",
        "setreuid32", "setuid", "setuid32", "vhangup", NULL,
};

static const char *const process[] = {
        "capget", "clone", "clone3", "execveat", "fork", "getrusage", "kill", "pidfd_open",
        "pidfd_send_signal", "prctl", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "setns",
        "swapcontext", "tgkill", "times", "tkill", "unshare", "vfork", "wait4", "waitid", "waitpid",
        NULL,
};

static const char *const raw_io[] = {
        "ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
        "s390_pci_mmio_read", "s390_pci_mmio_write", NULL,
};

static const char *const reboot_[] = {
        "kexec_file_load", "kexec_load", "reboot", NULL,
};

static const char *const resources[] = {
        "ioprio_set", "mbind", "migrate_pages", "move_pages", "nice", "sched_setaffinity",
        "sched_setattr", "sched_setparam", "sched_setscheduler", "set_mempolicy",
        "set_mempolicy_home_node", "setpriority", "setrlimit", NULL,
};

static const char *const sandbox[] = {
        "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "seccomp", NULL,
};

static const char *const setuid_[] = {
        "setgid", "setgid32", "setgroups", "setgroups32", "setregid", "setregid32", "setresgid",
        "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setuid", "setuid32",
        NULL,
};

static const char *const signal_[] = {
        "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigsuspend", "rt_sigtimedwait",
        "rt_sigtimedwait_time64", "sigaction", "sigaltstack", "signal", "signalfd", "signalfd4",
        "sigpending", "sigprocmask", "sigsuspend", NULL,
};

static const char *const swap[] = {
        "swapoff", "swapon", NULL,
};

static const char *const sync_[] = {
        "fdatasync", "fsync", "msync", "sync", "sync_file_range", "sync_file_range2", "syncfs",
        NULL,
};

static const char *const system_service[] = {
        "@aio", "@basic-io", "@chown", "@default", "@file-system", "@io-event", "@ipc", "@keyring",
        "@memlock", "@network-io", "@process", "@resources", "@setuid", "@signal", "@sync",
        "@timer", "arm_fadvise64_64", "capget", "capset", "copy_file_range", "fadvise64",
        "fadvise64_64", "flock", "get_mempolicy", "getcpu", "getpriority", "ioctl", "ioprio_get",
        "kcmp", "madvise", "mremap", "name_to_handle_at", "oldolduname", "olduname", "personality",
        "readahead", "readdir", "remap_file_pages", "sched_get_priority_max",
        "sched_get_priority_min", "sched_getattr", "sched_getparam", "sched_getscheduler",
        "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_yield", "sendfile",
        "sendfile64", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setpgid", "setsid",
        "splice", "sysinfo", "tee", "umask", "uname", "userfaultfd", "vmsplice", NULL,
};

static const char *const timer[] = {
        "alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun",
        "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
        "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
        NULL,
};
/* clang-format on */

/* Alphabetical by name, which is also the order `scmp-super groups` lists them in. */
static const struct syscall_group groups[] = {
    {"@aio", "Asynchronous I/O: POSIX AIO contexts and io_uring", aio},
    {"@basic-io", "Read, write, seek, duplicate and close file descriptors", basic_io},
    {"@chown", "Change the owner or group of files", chown_},
    {"@clock", "Set or adjust the system clocks", clock_},
    {"@cpu-emulation", "Emulate other CPU modes: LDT, vm86, endianness switching", cpu_emulation},
    {"@debug", "Trace, debug and profile processes (ptrace, perf events)", debug},
    {"@default",
     "Calls nearly every program makes: identity, clocks, memory mapping, futexes, exit", default_},
    {"@file-system", "Open, inspect, create, rename and remove files and directories", file_system},
    {"@io-event", "Wait for events on file descriptors: poll, select, epoll, eventfd", io_event},
    {"@ipc", "Pipes, SysV IPC, POSIX message queues, memfd, cross-process memory", ipc},
    {"@keyring", "Use the kernel's key retention service", keyring},
    {"@memlock", "Lock memory into RAM", memlock},
    {"@module", "Load and unload kernel modules", module},
    {"@mount", "Mount and unmount file systems, change the root directory", mount_},
    {"@network-io", "Create, connect and use sockets, local or network", network_io},
    {"@obsolete", "Obsolete, unusual or never implemented calls", obsolete},
    {"@pkey", "Memory protection keys", pkey},
    {"@privileged", "Calls that need superuser capabilities", privileged},
    {"@process", "Create, signal, wait for and inspect processes; enter namespaces", process},
    {"@raw-io", "Raw access to I/O ports and PCI configuration space", raw_io},
    {"@reboot", "Reboot the machine or load a new kernel", reboot_},
    {"@resources", "Change scheduling, priorities, memory placement and resource limits",
     resources},
    {"@sandbox", "Restrict oneself further: seccomp filters and Landlock rulesets", sandbox},
    {"@setuid", "Change user and group credentials", setuid_},
    {"@signal", "Install handlers for, block, wait for and receive signals", signal_},
    {"@swap", "Turn swap devices on and off", swap},
    {"@sync", "Flush files and memory to storage", sync_},
    {"@system-service", "What a typical system service needs: many groups combined",
     system_service},
    {"@timer", "Interval timers, POSIX timers and timerfd", timer},
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

static const struct syscall_group *table_find(const struct syscall_group *table, size_t n,
                                              const char *name)
{
        if (!name)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (table[i].name && strcmp(table[i].name, name) == 0)
                        return &table[i];
        return NULL;
}

const struct syscall_group *syscall_group_find(const char *name)
{
        return table_find(groups, N_GROUPS, name);
}

size_t syscall_group_count(void)
{
        return N_GROUPS;
}

const struct syscall_group *syscall_group_at(size_t i)
{
        if (i >= N_GROUPS)
                return NULL;
        return &groups[i];
}

struct expansion {
        const struct syscall_group *table;
        size_t n_table;
        bool *visited;     /* per table entry: already expanded in this pass */
        const char **seen; /* syscall names already handed to the callback */
        size_t n_seen;
        size_t max_seen;
        syscall_group_expand_fn cb;
        void *userdata;
};

static bool is_group_name(const char *member)
{
        return member[0] == '@';
}

/*
 * Both passes mark a group visited before descending into it, so a group that
 * (directly or through others) includes itself is expanded once and the
 * recursion depth is bounded by the number of groups.
 */
static int check_group(struct expansion *e, const struct syscall_group *group)
{
        e->visited[group - e->table] = true;
        if (!group->members)
                return 0;
        for (const char *const *m = group->members; *m; m++) {
                const struct syscall_group *nested;
                int r;

                if (!is_group_name(*m))
                        continue;
                nested = table_find(e->table, e->n_table, *m);
                if (!nested)
                        return -ENOENT;
                if (e->visited[nested - e->table])
                        continue;
                r = check_group(e, nested);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool already_seen(const struct expansion *e, const char *syscall)
{
        for (size_t i = 0; i < e->n_seen; i++)
                if (strcmp(e->seen[i], syscall) == 0)
                        return true;
        return false;
}

static int emit_group(struct expansion *e, const struct syscall_group *group)
{
        e->visited[group - e->table] = true;
        if (!group->members)
                return 0;
        for (const char *const *m = group->members; *m; m++) {
                int r;

                if (is_group_name(*m)) {
                        /* check_group() has made sure every nested name is in the table. */
                        const struct syscall_group *nested = table_find(e->table, e->n_table, *m);

                        if (e->visited[nested - e->table])
                                continue;
                        r = emit_group(e, nested);
                        if (r != 0)
                                return r;
                        continue;
                }

                if (already_seen(e, *m))
                        continue;
                /* max_seen counts every syscall entry of the table, so this cannot overflow. */
                if (e->n_seen >= e->max_seen)
                        return -EOVERFLOW;
                e->seen[e->n_seen++] = *m;
                r = e->cb(*m, e->userdata);
                if (r != 0)
                        return r;
        }
        return 0;
}

int syscall_group_expand_table(const struct syscall_group *table, size_t n_table, const char *name,
                               syscall_group_expand_fn cb, void *userdata)
{
        const struct syscall_group *group;
        struct expansion e = {
            .table = table,
            .n_table = n_table,
            .cb = cb,
            .userdata = userdata,
        };
        int r;

        if ((!table && n_table > 0) || !name || !cb)
                return -EINVAL;

        group = table_find(table, n_table, name);
        if (!group)
                return -ENOENT;

        /* No name can be reported more often than it occurs in the whole table. */
        for (size_t i = 0; i < n_table; i++) {
                if (!table[i].members)
                        continue;
                for (const char *const *m = table[i].members; *m; m++)
                        if (!is_group_name(*m))
                                e.max_seen++;
        }

        e.visited = calloc(n_table, sizeof(*e.visited));
        e.seen = calloc(e.max_seen > 0 ? e.max_seen : 1, sizeof(*e.seen));
        if (!e.visited || !e.seen) {
                r = -ENOMEM;
                goto out;
        }

        /* Validate first, so that the callback never sees half of a broken expansion. */
        r = check_group(&e, group);
        if (r < 0)
                goto out;

        memset(e.visited, 0, n_table * sizeof(*e.visited));
        r = emit_group(&e, group);
out:
        free(e.visited);
        free(e.seen);
        return r;
}

int syscall_group_expand(const char *name, syscall_group_expand_fn cb, void *userdata)
{
        return syscall_group_expand_table(groups, N_GROUPS, name, cb, userdata);
}
