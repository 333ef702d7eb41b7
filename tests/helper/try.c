/* SPDX-License-Identifier: MIT */
/*
 * try: the target the integration tests run under scmp-super. Each verb
 * performs one operation and prints one line, "VERB: OK" or "VERB: ENAME",
 * so a test can tell the profile's errno from the kernel's own answer
 * (ECONNREFUSED from a loopback connect means the call was not filtered and
 * reached the kernel). Verbs are chained with "--":
 *
 *   try open /etc/hostname -- mkdir /tmp/x -- exit 3
 *   try openat2 /tmp/f wronly|creat no_symlinks
 *
 * Every line is written with a single write(2) and no stdio buffering, so
 * lines from threads, forked children and an exec'd program come out whole
 * and in the order they happened. The exit status is 0 unless a verb says
 * otherwise (exit, kill-self, exec) or the usage is wrong (1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELPER_NAME "try"
#include "helper.h"

struct verb {
        const char *name;
        int min_args; /* arguments after the verb name */
        int max_args; /* -1: no limit */
        int (*run)(int argc, char **argv);
        const char *usage;
};

static const struct verb *find_verb(const char *name);
static int run_verb(int argc, char **argv);

/* Prints the verdict line for a verb: error is 0 or a positive errno. */
static void report(const char *verb, int error)
{
        if (error == 0)
                say("%s: OK", verb);
        else
                say("%s: %s", verb, errno_name(error));
}

static long long parse_number(const char *s, const char *what)
{
        char *end;
        long long v;

        errno = 0;
        v = strtoll(s, &end, 0);
        if (errno == ERANGE || end == s || *end != '\0') {
                /* Values above LLONG_MAX (0xffffffffffffffff) are fine as raw
                 * syscall arguments. */
                errno = 0;
                unsigned long long u = strtoull(s, &end, 0);
                if (errno != 0 || end == s || *end != '\0')
                        usage_error("%s: not a number: \"%s\"", what, s);
                v = (long long)u;
        }
        return v;
}

static const struct {
        const char *name;
        int flag;
} open_flag_names[] = {
    {"rdonly", O_RDONLY},     {"wronly", O_WRONLY},       {"rdwr", O_RDWR},
    {"creat", O_CREAT},       {"excl", O_EXCL},           {"trunc", O_TRUNC},
    {"append", O_APPEND},     {"directory", O_DIRECTORY}, {"path", O_PATH},
    {"nofollow", O_NOFOLLOW}, {"tmpfile", O_TMPFILE},
};

/* "wronly|creat" or "wronly,creat"; O_CLOEXEC is always added. */
static int parse_open_flags(const char *s)
{
        int flags = O_CLOEXEC;
        const char *p = s;

        while (*p) {
                size_t len = strcspn(p, "|,");
                size_t i;
                for (i = 0; i < sizeof(open_flag_names) / sizeof(open_flag_names[0]); i++)
                        if (strlen(open_flag_names[i].name) == len &&
                            strncmp(open_flag_names[i].name, p, len) == 0)
                                break;
                if (i == sizeof(open_flag_names) / sizeof(open_flag_names[0]))
                        usage_error("open: unknown flag in \"%s\"", s);
                flags |= open_flag_names[i].flag;
                p += len;
                if (*p)
                        p++;
        }
        return flags;
}

static int verb_open(int argc, char **argv)
{
        int flags = argc > 2 ? parse_open_flags(argv[2]) : O_RDONLY | O_CLOEXEC;
        int fd = open(argv[1], flags, 0644);
        int error = fd < 0 ? errno : 0;

        if (fd >= 0)
                close(fd);
        report("open", error);
        return 0;
}

static int verb_openat(int argc, char **argv)
{
        int flags = argc > 3 ? parse_open_flags(argv[3]) : O_RDONLY | O_CLOEXEC;
        int dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dirfd < 0) {
                /* Not "openat: E..." so a test never mistakes the failure to
                 * open the directory for the verdict on the call under test. */
                say("openat: dirfd: %s", errno_name(errno));
                return 0;
        }
        int fd = openat(dirfd, argv[2], flags, 0644);
        int error = fd < 0 ? errno : 0;
        if (fd >= 0)
                close(fd);
        close(dirfd);
        report("openat", error);
        return 0;
}

static const struct {
        const char *name;
        uint64_t flag;
} resolve_flag_names[] = {
    {"no_xdev", RESOLVE_NO_XDEV},         {"no_magiclinks", RESOLVE_NO_MAGICLINKS},
    {"no_symlinks", RESOLVE_NO_SYMLINKS}, {"beneath", RESOLVE_BENEATH},
    {"in_root", RESOLVE_IN_ROOT},         {"cached", RESOLVE_CACHED},
};

/* "no_symlinks|beneath" or "no_symlinks,beneath"; "0" for none. */
static uint64_t parse_resolve_flags(const char *s)
{
        uint64_t resolve = 0;
        const char *p = s;

        if (strcmp(s, "0") == 0)
                return 0;
        while (*p) {
                size_t len = strcspn(p, "|,");
                size_t i;
                for (i = 0; i < sizeof(resolve_flag_names) / sizeof(resolve_flag_names[0]); i++)
                        if (strlen(resolve_flag_names[i].name) == len &&
                            strncmp(resolve_flag_names[i].name, p, len) == 0)
                                break;
                if (i == sizeof(resolve_flag_names) / sizeof(resolve_flag_names[0]))
                        usage_error("openat2: unknown resolve flag in \"%s\"", s);
                resolve |= resolve_flag_names[i].flag;
                p += len;
                if (*p)
                        p++;
        }
        return resolve;
}

/* openat2(AT_FDCWD, PATH, {flags, mode 0644 where a file is made, resolve}). */
static int verb_openat2(int argc, char **argv)
{
        struct open_how how = {
            .flags = (uint64_t)(argc > 2 ? parse_open_flags(argv[2]) : O_RDONLY | O_CLOEXEC),
            .resolve = argc > 3 ? parse_resolve_flags(argv[3]) : 0,
        };
        /* The kernel refuses a mode where no file is made. */
        if ((how.flags & O_CREAT) || (how.flags & O_TMPFILE) == O_TMPFILE)
                how.mode = 0644;
        long fd = syscall(SYS_openat2, AT_FDCWD, argv[1], &how, sizeof(how));
        int error = fd < 0 ? errno : 0;

        if (fd >= 0)
                close((int)fd);
        report("openat2", error);
        return 0;
}

static int verb_mkdir(int argc, char **argv)
{
        report("mkdir", mkdir(argv[1], 0755) < 0 ? errno : 0);
        return 0;
}

static int verb_unlink(int argc, char **argv)
{
        report("unlink", unlink(argv[1]) < 0 ? errno : 0);
        return 0;
}

static int verb_rename(int argc, char **argv)
{
        report("rename", rename(argv[1], argv[2]) < 0 ? errno : 0);
        return 0;
}

static int verb_setuid(int argc, char **argv)
{
        uid_t uid = (uid_t)parse_number(argv[1], "setuid");

        /* The raw call changes only this thread, which is all the verbs
         * after it use; glibc's setresuid would signal every thread. */
        report("setuid", syscall(SYS_setresuid, uid, uid, uid) < 0 ? errno : 0);
        return 0;
}

/* setresuid R E S, setresgid R E S: raw, so this thread only, as above. */
static int verb_setresid(int argc, char **argv)
{
        bool uid = strcmp(argv[0], "setresuid") == 0;
        long r = (long)parse_number(argv[1], argv[0]);
        long e = (long)parse_number(argv[2], argv[0]);
        long s = (long)parse_number(argv[3], argv[0]);

        report(argv[0], syscall(uid ? SYS_setresuid : SYS_setresgid, r, e, s) < 0 ? errno : 0);
        return 0;
}

/* setfsuid N, setfsgid N: the call returns the old id whatever happens,
 * so success is the new id read back. */
static int verb_setfsid(int argc, char **argv)
{
        long nr = strcmp(argv[0], "setfsuid") == 0 ? SYS_setfsuid : SYS_setfsgid;
        long id = (long)parse_number(argv[1], argv[0]);

        syscall(nr, id);
        report(argv[0], syscall(nr, -1L) == id ? 0 : EPERM);
        return 0;
}

/* "127.0.0.1:80", "[::1]:80", "unix:/path", "unix:@abstract". */
static socklen_t parse_address(const char *s, struct sockaddr_storage *ss)
{
        memset(ss, 0, sizeof(*ss));
        if (strncmp(s, "unix:", 5) == 0) {
                struct sockaddr_un *un = (struct sockaddr_un *)ss;
                const char *path = s + 5;
                size_t len = strlen(path);
                if (len == 0 || len >= sizeof(un->sun_path))
                        usage_error("bad unix address \"%s\"", s);
                un->sun_family = AF_UNIX;
                memcpy(un->sun_path, path, len);
                if (path[0] == '@') {
                        /* Abstract: a leading NUL and no terminator. */
                        un->sun_path[0] = '\0';
                        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
                }
                return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
        }

        char host[INET6_ADDRSTRLEN + 2];
        const char *colon;
        bool v6 = s[0] == '[';
        if (v6) {
                const char *close_bracket = strchr(s, ']');
                if (!close_bracket || close_bracket[1] != ':')
                        usage_error("bad address \"%s\" (want [ADDR]:PORT)", s);
                colon = close_bracket + 1;
                if ((size_t)(close_bracket - s - 1) >= sizeof(host))
                        usage_error("bad address \"%s\"", s);
                memcpy(host, s + 1, (size_t)(close_bracket - s - 1));
                host[close_bracket - s - 1] = '\0';
        } else {
                colon = strrchr(s, ':');
                if (!colon || (size_t)(colon - s) >= sizeof(host))
                        usage_error("bad address \"%s\" (want ADDR:PORT)", s);
                memcpy(host, s, (size_t)(colon - s));
                host[colon - s] = '\0';
        }
        long long port = parse_number(colon + 1, "port");
        if (port < 0 || port > 65535)
                usage_error("bad port in \"%s\"", s);
        if (v6) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t)port);
                if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
                        usage_error("bad IPv6 address \"%s\"", host);
                return sizeof(*in6);
        }
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
                usage_error("bad IPv4 address \"%s\"", host);
        return sizeof(*in);
}

/* Runs one address verb: makes a socket of the address's family and the
 * given type, then calls the verb's syscall on it. */
static int address_verb(const char *verb, const char *address, int type)
{
        struct sockaddr_storage ss;
        socklen_t len = parse_address(address, &ss);
        int fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
        int r;

        if (fd < 0) {
                say("%s: socket: %s", verb, errno_name(errno));
                return 0;
        }
        if (strcmp(verb, "connect") == 0) {
                /* If a bug lets a connect to an unreachable address through,
                 * it fails with EINPROGRESS after this instead of hanging. */
                struct timeval limit = {.tv_sec = 5};
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
                r = connect(fd, (struct sockaddr *)&ss, len);
        } else if (strcmp(verb, "bind") == 0)
                r = bind(fd, (struct sockaddr *)&ss, len);
        else
                r = (int)sendto(fd, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&ss, len);
        report(verb, r < 0 ? errno : 0);
        close(fd);
        return 0;
}

static int verb_connect(int argc, char **argv)
{
        return address_verb("connect", argv[1], SOCK_STREAM);
}

static int verb_bind(int argc, char **argv)
{
        return address_verb("bind", argv[1], SOCK_STREAM);
}

static int verb_sendto(int argc, char **argv)
{
        return address_verb("sendto", argv[1], SOCK_DGRAM);
}

static int verb_socket(int argc, char **argv)
{
        static const struct {
                const char *name;
                int family;
        } families[] = {
            {"inet", AF_INET},       {"inet6", AF_INET6},   {"unix", AF_UNIX},
            {"netlink", AF_NETLINK}, {"packet", AF_PACKET},
        };
        static const struct {
                const char *name;
                int type;
        } types[] = {{"stream", SOCK_STREAM}, {"dgram", SOCK_DGRAM}, {"raw", SOCK_RAW}};
        int family = -1, type = -1, protocol = 0;

        for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
                if (strcmp(argv[1], families[i].name) == 0)
                        family = families[i].family;
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                if (strcmp(argv[2], types[i].name) == 0)
                        type = types[i].type;
        if (family < 0)
                family = (int)parse_number(argv[1], "socket family");
        if (type < 0)
                type = (int)parse_number(argv[2], "socket type");
        /* A raw IP socket needs a protocol; ICMP is always there. */
        if (type == SOCK_RAW && family == AF_INET)
                protocol = IPPROTO_ICMP;
        else if (type == SOCK_RAW && family == AF_INET6)
                protocol = IPPROTO_ICMPV6;
        else if (family == AF_NETLINK)
                protocol = NETLINK_ROUTE;

        int fd = socket(family, type | SOCK_CLOEXEC, protocol);
        report("socket", fd < 0 ? errno : 0);
        if (fd >= 0)
                close(fd);
        return 0;
}

/* Harmless calls without arguments, by name, so tests and profiles can use
 * the same words on every architecture. */
static const struct {
        const char *name;
        long nr;
} syscall_names[] = {
    {"getpid", SYS_getpid},   {"getppid", SYS_getppid}, {"getpgrp", SYS_getpgrp},
    {"getuid", SYS_getuid},   {"geteuid", SYS_geteuid}, {"getgid", SYS_getgid},
    {"getegid", SYS_getegid}, {"gettid", SYS_gettid},   {"sched_yield", SYS_sched_yield},
#ifdef SYS_dup2
    {"dup2", SYS_dup2},
#endif
    {"dup3", SYS_dup3},
};

static long parse_syscall(const char *s)
{
        for (size_t i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]); i++)
                if (strcmp(s, syscall_names[i].name) == 0)
                        return syscall_names[i].nr;
        return (long)parse_number(s, "syscall number");
}

/*
 * A syscall argument: a number, or "str:TEXT" for a pointer to a copy of
 * TEXT. The copies live below 4 GiB (MAP_32BIT) so that a 32-bit call made
 * with int $0x80 can pass them too.
 */
static long parse_syscall_arg(const char *s)
{
        static char *arena;
        static size_t used;
        const size_t arena_size = 1 << 16;

        if (strncmp(s, "str:", 4) != 0)
                return (long)parse_number(s, "syscall argument");
        if (!arena) {
                int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_32BIT
                flags |= MAP_32BIT;
#endif
                arena = mmap(NULL, arena_size, PROT_READ | PROT_WRITE, flags, -1, 0);
                if (arena == MAP_FAILED)
                        usage_error("mmap: %s", strerror(errno));
        }
        size_t len = strlen(s + 4) + 1;
        if (len > arena_size - used)
                usage_error("syscall: string arguments too long");
        char *copy = memcpy(arena + used, s + 4, len);
        used += len;
        return (long)copy;
}

static int verb_syscall(int argc, char **argv)
{
        long args[6] = {0};
        long nr = parse_syscall(argv[1]);

        for (int i = 2; i < argc; i++)
                args[i - 2] = parse_syscall_arg(argv[i]);
        long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
        report("syscall", r < 0 ? errno : 0);
        return 0;
}

/*
 * The i386 system call interface (int $0x80), which a 64-bit x86 process
 * can use too: seccomp sees AUDIT_ARCH_I386 and the i386 numbers, so a
 * profile and a supervisor must translate or refuse them. Five arguments at
 * most (the sixth would be in ebp).
 */
static int verb_syscall32(int argc, char **argv)
{
#if defined(__x86_64__)
        long args[5] = {0};
        long nr = (long)parse_number(argv[1], "syscall number"), ret;

        for (int i = 2; i < argc; i++)
                args[i - 2] = parse_syscall_arg(argv[i]);
        __asm__ volatile("int $0x80"
                         : "=a"(ret)
                         : "a"(nr), "b"(args[0]), "c"(args[1]), "d"(args[2]), "S"(args[3]),
                           "D"(args[4])
                         : "memory", "cc", "r8", "r9", "r10", "r11");
        report("syscall32", ret < 0 && ret >= -4095 ? (int)-ret : 0);
#else
        say("syscall32: not x86_64");
#endif
        return 0;
}

/*
 * A real io_uring: io_uring_setup with zeroed parameters, as liburing's
 * io_uring_queue_init starts, raw so that no library falls back on our
 * behalf. "OK" when the kernel made the ring (closed at once).
 */
static int verb_io_uring_setup(int argc, char **argv)
{
        struct io_uring_params params;
        long long entries = parse_number(argv[1], "io-uring-setup entries");

        memset(&params, 0, sizeof(params));
        long fd = syscall(SYS_io_uring_setup, (unsigned)entries, &params);
        int error = fd < 0 ? errno : 0;
        if (fd >= 0)
                close((int)fd);
        report("io-uring-setup", error);
        return 0;
}

static int verb_exec(int argc, char **argv)
{
        execv(argv[1], argv + 1);
        report("exec", errno);
        return 0;
}

static int verb_exit(int argc, char **argv)
{
        exit((int)parse_number(argv[1], "exit status"));
}

static int parse_signal(const char *s)
{
        const char *name = strncmp(s, "SIG", 3) == 0 ? s + 3 : s;

        for (int sig = 1; sig < NSIG; sig++) {
                const char *abbrev = sigabbrev_np(sig);
                if (abbrev && strcmp(abbrev, name) == 0)
                        return sig;
        }
        long long n = parse_number(s, "signal");
        if (n <= 0 || n >= NSIG)
                usage_error("bad signal \"%s\"", s);
        return (int)n;
}

static int verb_kill_self(int argc, char **argv)
{
        int sig = parse_signal(argv[1]);
        sigset_t set;

        /* The disposition and mask inherited from the shell must not save us. */
        signal(sig, SIG_DFL);
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        if (kill(getpid(), sig) < 0)
                report("kill-self", errno);
        else
                say("kill-self: survived");
        return 0;
}

struct thread_job {
        int argc;
        char **argv;
};

static void *thread_main(void *arg)
{
        const struct thread_job *job = arg;
        run_verb(job->argc, job->argv);
        return NULL;
}

static int parse_count(const char *s, const char *verb)
{
        long long n = parse_number(s, verb);
        if (n < 1 || n > 1000)
                usage_error("%s: count must be 1..1000", verb);
        return (int)n;
}

static int verb_threads(int argc, char **argv)
{
        int n = parse_count(argv[1], "threads");
        struct thread_job job = {.argc = argc - 2, .argv = argv + 2};
        pthread_t *threads = calloc((size_t)n, sizeof(*threads));

        if (!threads)
                usage_error("out of memory");
        for (int i = 0; i < n; i++) {
                int r = pthread_create(&threads[i], NULL, thread_main, &job);
                if (r != 0) {
                        say("threads: pthread_create: %s", errno_name(r));
                        n = i;
                        break;
                }
        }
        for (int i = 0; i < n; i++)
                pthread_join(threads[i], NULL);
        free(threads);
        return 0;
}

static int verb_fork(int argc, char **argv)
{
        int n = parse_count(argv[1], "fork");
        int started = 0;

        for (int i = 0; i < n; i++) {
                pid_t pid = fork();
                if (pid < 0) {
                        say("fork: %s", errno_name(errno));
                        break;
                }
                if (pid == 0)
                        _exit(run_verb(argc - 2, argv + 2));
                started++;
        }
        /* A child that did not exit 0 is reported, so a test sees a kill. */
        for (int i = 0; i < started; i++) {
                int status;
                if (wait(&status) < 0)
                        break;
                if (WIFSIGNALED(status))
                        say("fork: child killed by SIG%s", sigabbrev_np(WTERMSIG(status)));
                else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                        say("fork: child exited %d", WEXITSTATUS(status));
        }
        return 0;
}

static int verb_getppid_loop(int argc, char **argv)
{
        long long n = parse_number(argv[1], "getppid-loop");

        for (long long i = 0; i < n; i++)
                syscall(SYS_getppid);
        report("getppid-loop", 0);
        return 0;
}

static int verb_wait_signal(int argc, char **argv)
{
        sigset_t set;
        int sig;

        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGHUP);
        /* Blocked before "ready", so a signal sent right after it waits for
         * sigwait instead of killing us. A blocked signal is queued even if
         * its disposition is SIG_IGN (a background job's SIGINT). */
        sigprocmask(SIG_BLOCK, &set, NULL);
        say("ready");
        int r = sigwait(&set, &sig);
        if (r != 0)
                report("wait-signal", r);
        else
                say("wait-signal: SIG%s", sigabbrev_np(sig));
        return 0;
}

static int verb_print_ids(int argc, char **argv)
{
        say("ids: pid=%d ppid=%d uid=%d", (int)getpid(), (int)getppid(), (int)getuid());
        return 0;
}

static const struct verb verbs[] = {
    {"open", 1, 2, verb_open, "open PATH [FLAGS, e.g. wronly|creat]"},
    {"openat", 2, 3, verb_openat, "openat DIRPATH RELPATH [FLAGS]"},
    {"openat2", 1, 3, verb_openat2,
     "openat2 PATH [FLAGS [RESOLVE, e.g. no_symlinks|beneath]] (from AT_FDCWD)"},
    {"mkdir", 1, 1, verb_mkdir, "mkdir PATH"},
    {"unlink", 1, 1, verb_unlink, "unlink PATH"},
    {"rename", 2, 2, verb_rename, "rename FROM TO"},
    {"setuid", 1, 1, verb_setuid, "setuid UID"},
    {"setresuid", 3, 3, verb_setresid, "setresuid RUID EUID SUID (this thread)"},
    {"setresgid", 3, 3, verb_setresid, "setresgid RGID EGID SGID (this thread)"},
    {"setfsuid", 1, 1, verb_setfsid, "setfsuid FSUID (this thread)"},
    {"setfsgid", 1, 1, verb_setfsid, "setfsgid FSGID (this thread)"},
    {"connect", 1, 1, verb_connect, "connect ADDR (127.0.0.1:80, [::1]:80, unix:/p, unix:@n)"},
    {"bind", 1, 1, verb_bind, "bind ADDR"},
    {"sendto", 1, 1, verb_sendto, "sendto ADDR (a datagram socket)"},
    {"socket", 2, 2, verb_socket, "socket inet|inet6|unix|netlink|packet stream|dgram|raw"},
    {"syscall32", 1, 6, verb_syscall32,
     "syscall32 NR [ARG...] (int $0x80, x86_64 only; ARG str:TEXT passes a string)"},
    {"syscall", 1, 7, verb_syscall,
     "syscall NR|NAME [ARG...] (NAME: getpid, getppid, getpgrp, getuid, dup2, ...)"},
    {"io-uring-setup", 1, 1, verb_io_uring_setup, "io-uring-setup ENTRIES (raw, zeroed params)"},
    {"exec", 1, -1, verb_exec, "exec PATH [ARGS...] (takes the rest of the command line)"},
    {"exit", 1, 1, verb_exit, "exit STATUS"},
    {"kill-self", 1, 1, verb_kill_self, "kill-self SIGNAL"},
    {"threads", 2, -1, verb_threads, "threads N VERB [ARGS...]"},
    {"fork", 2, -1, verb_fork, "fork N VERB [ARGS...]"},
    {"getppid-loop", 1, 1, verb_getppid_loop, "getppid-loop N"},
    {"wait-signal", 0, 0, verb_wait_signal, "wait-signal"},
    {"ids", 0, 0, verb_print_ids, "ids"},
};

static const struct verb *find_verb(const char *name)
{
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i].name, name) == 0)
                        return &verbs[i];
        return NULL;
}

/* Runs argv[0] with argv[1..argc-1]; the caller has cut off any "--". */
static int run_verb(int argc, char **argv)
{
        const struct verb *v = find_verb(argv[0]);

        if (!v)
                usage_error("unknown verb \"%s\" (try --help)", argv[0]);
        if (argc - 1 < v->min_args || (v->max_args >= 0 && argc - 1 > v->max_args))
                usage_error("usage: try %s", v->usage);
        return v->run(argc, argv);
}

static void print_usage(void)
{
        fputs("Usage: try VERB [ARGS...] [-- VERB [ARGS...]]...\n"
              "Performs each operation and prints \"VERB: OK\" or \"VERB: ERRNO_NAME\".\n"
              "Verbs:\n",
              stdout);
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                printf("  %s\n", verbs[i].usage);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                print_usage();
                return 1;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                print_usage();
                return 0;
        }
        /* exec, threads and fork take the rest of their segment, and exec
         * the rest of the line, so "--" in an exec'd command stays its own. */
        int start = 1;
        while (start < argc) {
                int end = start;
                if (strcmp(argv[start], "exec") == 0)
                        end = argc;
                else
                        while (end < argc && strcmp(argv[end], "--") != 0)
                                end++;
                if (end == start)
                        usage_error("empty verb between \"--\"");
                argv[end] = NULL; /* argv[argc] is NULL already */
                run_verb(end - start, argv + start);
                start = end + 1;
        }
        return 0;
}
