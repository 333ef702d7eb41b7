/* SPDX-License-Identifier: MIT */
/*
 * reach: a supervised command that tries to reach its supervisor instead of
 * the files it was given. It runs with the supervisor's uid, as a hostile
 * program would, and prints one line per attempt ("WHAT: OK" when the
 * attack got through, "WHAT: ENAME" when the kernel refused), so a test
 * asserts on what the kernel did.
 *
 *   reach signal PID SIG...       kill(PID, SIG) for each signal name
 *                                 (STOP, KILL, TERM, ...); PID 0 is our
 *                                 parent. A STOP that got through is
 *                                 followed by a CONT, so the test goes on.
 *   reach memory PID              ptrace(PTRACE_SEIZE), process_vm_readv,
 *                                 process_vm_writev (the byte just read,
 *                                 written back), open /proc/PID/mem for
 *                                 writing, pidfd_getfd; PID 0 is our parent
 *   reach answer SOCKET PATH HOW  a child opens PATH (a call the profile
 *                                 asks a person about) and says how it
 *                                 ended ("open: ..."), while we, or with
 *                                 HOW "orphan" a grandchild whose parent has
 *                                 exited, connect to the control socket
 *                                 SOCKET and answer every request "allow,
 *                                 forever" ("answer: ...")
 *   reach answer-late SOCKET PATH FILE
 *                                 as answer, from a process left behind:
 *                                 we exit at once, and it waits until its
 *                                 new parent (run, a subreaper) is gone
 *                                 too, then answers; it writes its lines
 *                                 to FILE, and "done" last
 *   (SOCKET may be "@NAME", an abstract name.)
 *   reach abstract NAME           connect to the abstract unix socket NAME
 *   reach uring-write PATH        open PATH for writing, truncating it,
 *                                 through io_uring (IORING_OP_OPENAT), where
 *                                 no rule sees the path: "uring-setup: ..."
 *                                 and, if that worked, "uring-openat: ..."
 *
 * Built without sanitizers (tests/CMakeLists.txt): every attempt is a raw
 * system call, so what is printed is what the kernel said.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HELPER_NAME "reach"
#include "helper.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static void report(const char *what, long r)
{
        if (r >= 0)
                say("%s: OK", what);
        else
                say("%s: %s", what, errno_name(errno));
}

static pid_t target_pid(const char *arg)
{
        char *end;
        long pid = strtol(arg, &end, 10);
        if (*arg == '\0' || *end != '\0' || pid < 0)
                usage_error("not a pid: \"%s\"", arg);
        return pid == 0 ? getppid() : (pid_t)pid;
}

static int verb_signal(int argc, char **argv)
{
        pid_t pid = target_pid(argv[0]);
        for (int i = 1; i < argc; i++) {
                char what[64];
                int sig = 0;
                for (int s = 1; s < NSIG && !sig; s++) {
                        const char *name = sigabbrev_np(s);
                        if (name && strcmp(name, argv[i]) == 0)
                                sig = s;
                }
                if (!sig)
                        usage_error("unknown signal \"%s\"", argv[i]);
                snprintf(what, sizeof(what), "signal %s", argv[i]);
                long r = syscall(SYS_kill, pid, sig);
                int e = errno;
                if (r == 0 && sig == SIGSTOP)
                        syscall(SYS_kill, pid, SIGCONT);
                errno = e;
                report(what, r);
        }
        return 0;
}

/* The start of the target's first writable mapping, when /proc lets us
 * read its maps; otherwise an address the permission check comes before. */
static uintptr_t some_address(pid_t pid)
{
        char path[64], line[512], perms[8];
        uintptr_t addr = 0x10000, start;
        snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return addr;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "%" SCNxPTR "-%*[0-9a-f] %7s", &start, perms) == 2 &&
                    perms[0] == 'r' && perms[1] == 'w') {
                        addr = start;
                        break;
                }
        fclose(f);
        return addr;
}

static int verb_memory(int argc, char **argv)
{
        pid_t pid = target_pid(argv[0]);
        uintptr_t addr = some_address(pid);
        char byte = 0, path[64];

        long r = syscall(SYS_ptrace, PTRACE_SEIZE, pid, 0, 0);
        report("ptrace", r);
        if (r == 0)
                syscall(SYS_ptrace, PTRACE_DETACH, pid, 0, 0);

        struct iovec local = {.iov_base = &byte, .iov_len = 1};
        struct iovec remote = {.iov_base = (void *)addr, .iov_len = 1};
        report("process_vm_readv", syscall(SYS_process_vm_readv, pid, &local, 1, &remote, 1, 0));
        /* The same byte back: an attack that got through, without harm. */
        report("process_vm_writev", syscall(SYS_process_vm_writev, pid, &local, 1, &remote, 1, 0));

        snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
        r = syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CLOEXEC);
        report("proc-mem", r);
        if (r >= 0)
                close((int)r);

        long pidfd = syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) {
                report("pidfd_getfd", pidfd);
                return 0;
        }
        r = syscall(SYS_pidfd_getfd, (int)pidfd, STDERR_FILENO, 0);
        report("pidfd_getfd", r);
        if (r >= 0)
                close((int)r);
        close((int)pidfd);
        return 0;
}

/* The number after "id": in a protocol line, or 0. */
static unsigned long line_id(const char *line)
{
        const char *p = strstr(line, "\"id\":");
        return p ? strtoul(p + 5, NULL, 10) : 0;
}

/* Connects to the control socket and answers every request "allow
 * forever" until the server hangs up or 20 s pass (a bound, not a wait:
 * the test ends us sooner). */
static void answer_all(const char *socket_path)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        size_t name_len = strlen(socket_path);
        char buf[65536];
        size_t len = 0;

        if (name_len >= sizeof(sa.sun_path))
                usage_error("socket path too long");
        /* "@NAME": the abstract name NAME, after a NUL. */
        memcpy(sa.sun_path, socket_path, name_len);
        if (socket_path[0] == '@')
                sa.sun_path[0] = '\0';
        socklen_t sa_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + name_len +
                                       (socket_path[0] == '@' ? 0 : 1));
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sa_len) < 0) {
                report("answer: connect", -1);
                return;
        }
        for (;;) {
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                if (poll(&pfd, 1, 20000) <= 0) {
                        say("answer: no word from the server");
                        break;
                }
                ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
                if (n <= 0) {
                        say("answer: hung up");
                        break;
                }
                len += (size_t)n;
                buf[len] = '\0';
                char *nl;
                while ((nl = strchr(buf, '\n'))) {
                        *nl = '\0';
                        if (strstr(buf, "\"type\":\"error\"")) {
                                say("answer: refused: %s", buf);
                        } else if (strstr(buf, "\"type\":\"request\"")) {
                                char reply[128];
                                int m = snprintf(reply, sizeof(reply),
                                                 "{\"type\":\"reply\",\"id\":%lu,\"decision\":"
                                                 "\"allow\",\"scope\":\"forever\"}\n",
                                                 line_id(buf));
                                if (write(fd, reply, (size_t)m) == m)
                                        say("answer: replied to request %lu", line_id(buf));
                        } else if (strstr(buf, "\"type\":\"resolved\"")) {
                                say("answer: resolved: %s", buf);
                        }
                        len -= (size_t)(nl + 1 - buf);
                        memmove(buf, nl + 1, len + 1);
                }
                if (len == sizeof(buf) - 1)
                        len = 0;
        }
        close(fd);
}

static int verb_answer(int argc, char **argv)
{
        const char *socket_path = argv[0], *ask = argv[1];
        bool orphan = strcmp(argv[2], "orphan") == 0;

        if (!orphan && strcmp(argv[2], "child") != 0)
                usage_error("HOW is \"child\" or \"orphan\"");
        pid_t opener = fork();
        if (opener < 0)
                usage_error("fork: %s", strerror(errno));
        if (opener == 0) {
                long fd = syscall(SYS_openat, AT_FDCWD, ask, O_RDONLY | O_CLOEXEC);
                report("open", fd);
                _exit(0);
        }
        if (!orphan) {
                answer_all(socket_path);
        } else {
                /* The answerer's parent exits first: it is reparented to the
                 * nearest subreaper (or init), out of our line of descent. */
                int gone[2];
                if (pipe2(gone, O_CLOEXEC) < 0)
                        usage_error("pipe2: %s", strerror(errno));
                pid_t middle = fork();
                if (middle == 0) {
                        pid_t parent = getpid();
                        if (fork() == 0) {
                                char c;
                                close(gone[1]);
                                /* EOF: the middle process is exiting; its
                                 * files close just before it is unlinked
                                 * from us, so wait for that too. */
                                while (read(gone[0], &c, 1) < 0 && errno == EINTR)
                                        ;
                                while (getppid() == parent)
                                        sched_yield();
                                answer_all(socket_path);
                                _exit(0);
                        }
                        _exit(0);
                }
                close(gone[0]);
                close(gone[1]);
                waitpid(middle, NULL, 0);
        }
        waitpid(opener, NULL, 0);
        return 0;
}

/* Waits while our parent is one of these two (at most a minute: a bound,
 * so nothing of a failed test lingers). */
static bool wait_parent_not(pid_t a, pid_t b)
{
        time_t end = time(NULL) + 60;
        for (pid_t p = getppid(); p == a || p == b; p = getppid()) {
                if (time(NULL) > end)
                        return false;
                sched_yield();
        }
        return true;
}

static int verb_answer_late(int argc, char **argv)
{
        const char *socket_path = argv[0], *ask = argv[1], *file = argv[2];
        pid_t first_parent = getpid(), run = getppid();

        pid_t left = fork();
        if (left < 0)
                usage_error("fork: %s", strerror(errno));
        if (left > 0)
                return 0; /* the command ends; so will run */
        /* Reparented to run, the subreaper; then, once run has exited, to
         * whatever reaps orphans outside it. */
        if (!wait_parent_not(first_parent, run))
                _exit(1);
        int out = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0 || dup2(out, STDOUT_FILENO) < 0)
                _exit(1);
        pid_t opener = fork();
        if (opener == 0) {
                long fd = syscall(SYS_openat, AT_FDCWD, ask, O_RDONLY | O_CLOEXEC);
                report("open", fd);
                _exit(0);
        }
        answer_all(socket_path);
        waitpid(opener, NULL, 0);
        say("done");
        _exit(0);
}

static int verb_abstract(int argc, char **argv)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        size_t len = strlen(argv[0]);

        if (len + 1 > sizeof(sa.sun_path))
                usage_error("name too long");
        memcpy(sa.sun_path + 1, argv[0], len);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                usage_error("socket: %s", strerror(errno));
        long r = connect(fd, (struct sockaddr *)&sa,
                         (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
        report("abstract", r);
        close(fd);
        return 0;
}

static int verb_uring_write(int argc, char **argv)
{
        struct io_uring_params params = {0};
        long fd = syscall(__NR_io_uring_setup, 4, &params);
        report("uring-setup", fd);
        if (fd < 0)
                return 0;
        size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(uint32_t);
        size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe);
        char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int)fd,
                        IORING_OFF_SQ_RING);
        char *cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int)fd,
                        IORING_OFF_CQ_RING);
        struct io_uring_sqe *sqes =
            mmap(NULL, params.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_POPULATE, (int)fd, IORING_OFF_SQES);
        if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
                usage_error("mmap of the io_uring rings: %s", strerror(errno));

        struct io_uring_sqe *sqe = &sqes[0];
        memset(sqe, 0, sizeof(*sqe));
        sqe->opcode = IORING_OP_OPENAT;
        sqe->fd = AT_FDCWD;
        sqe->addr = (uint64_t)(uintptr_t)argv[0];
        sqe->open_flags = O_WRONLY | O_TRUNC | O_CLOEXEC;
        uint32_t *tail = (uint32_t *)(sq + params.sq_off.tail);
        uint32_t mask = *(uint32_t *)(sq + params.sq_off.ring_mask);
        uint32_t *array = (uint32_t *)(sq + params.sq_off.array);
        array[*tail & mask] = 0;
        __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
        long r = syscall(__NR_io_uring_enter, (int)fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
        if (r < 0) {
                report("uring-openat", r);
                return 0;
        }
        uint32_t head = __atomic_load_n((uint32_t *)(cq + params.cq_off.head), __ATOMIC_ACQUIRE);
        uint32_t cq_mask = *(uint32_t *)(cq + params.cq_off.ring_mask);
        struct io_uring_cqe *cqe =
            (struct io_uring_cqe *)(cq + params.cq_off.cqes) + (head & cq_mask);
        if (cqe->res >= 0) {
                close(cqe->res);
                say("uring-openat: OK");
        } else {
                say("uring-openat: %s", errno_name(-cqe->res));
        }
        return 0;
}

static const struct {
        const char *name;
        int min_args; /* -1: exactly max_args */
        int max_args;
        int (*run)(int argc, char **argv);
} verbs[] = {
    {"signal", 2, 64, verb_signal},    {"memory", 1, 1, verb_memory},
    {"answer", 3, 3, verb_answer},     {"answer-late", 3, 3, verb_answer_late},
    {"abstract", 1, 1, verb_abstract}, {"uring-write", 1, 1, verb_uring_write},
};

int main(int argc, char **argv)
{
        if (argc < 2)
                usage_error("usage: reach VERB [ARGS...] (see tests/helper/reach.c)");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
                if (strcmp(argv[1], verbs[i].name) != 0)
                        continue;
                int n = argc - 2;
                if (n < verbs[i].min_args || n > verbs[i].max_args)
                        usage_error("%s takes %d to %d arguments", verbs[i].name, verbs[i].min_args,
                                    verbs[i].max_args);
                return verbs[i].run(n, argv + 2);
        }
        usage_error("unknown verb \"%s\"", argv[1]);
}
