/* SPDX-License-Identifier: MIT */
/*
 * hostile: a target that attacks its supervisor. Each verb makes calls a
 * well-behaved program never would, or makes ordinary calls in numbers and
 * at moments meant to break bookkeeping, and prints one line per outcome
 * ("VERB: ENAME", or counts), so a test compares what the target saw with
 * what the supervisor says it decided.
 *
 *   hostile longpath                     openat on a path 3 * PATH_MAX long
 *   hostile unterminated                 openat on a string that runs into an
 *                                        unmapped page without a NUL
 *   hostile unmapped                     openat on NULL, a PROT_NONE page and
 *                                        a kernel address
 *   hostile flip N DENIED OTHER          N openat calls on a buffer another
 *                                        thread flips between two paths
 *   hostile listener                     counts the seccomp listeners we hold
 *   hostile storm-threads T N            T threads, N notified calls each
 *   hostile storm-until T                T threads making notified calls in
 *                                        pairs until standard input ends
 *   hostile storm-fork P N               P processes, N notified calls each
 *   hostile storm-kill P                 P processes calling in a loop, each
 *                                        SIGKILLed mid-call, then N calls of
 *                                        our own
 *   hostile wait-fifo FIFO DENIED        waits for a line on FIFO, then makes
 *                                        a notified getppid and openat DENIED
 *   hostile pending PATH                 a thread blocks in mkdir(PATH) (a
 *                                        prompted call) while the main thread
 *                                        waits for SIGTERM
 *   hostile pending-kill PATH            a child blocks in mkdir(PATH); once
 *                                        it is killed, the parent carries on
 *   hostile fork-sigchld N               forks N children that exit at once,
 *                                        with a SIGCHLD handler installed
 *                                        without SA_RESTART, and counts the
 *                                        forks that failed (EINTR if fork
 *                                        were a notified call)
 *   hostile second-listener              tries to install a filter with a
 *                                        listener of its own
 *   hostile exec-race PATH PROG ARG      the main thread calls mkdir(PATH)
 *                                        without end while another thread
 *                                        execs "PROG mkdir ARG" (PROG: try),
 *                                        taking over the main thread's id
 *   hostile tiocsti PATH                 while the main thread's open(PATH)
 *                                        waits for a prompt, another thread
 *                                        pushes "A" (allow for the session)
 *                                        into the terminal's input with
 *                                        TIOCSTI, on stdin and on /dev/tty,
 *                                        every 10 ms
 *   hostile repaint PATH COUNTFILE       while open(PATH) waits for a prompt,
 *                                        another thread writes over the
 *                                        prompt's caller and path lines with
 *                                        cursor movements and fake text, every
 *                                        10 ms, and keeps how many writes it
 *                                        made in COUNTFILE
 *   hostile uffd-mkdir HOLDER            mkdir on a path in a page guarded
 *                                        by a userfaultfd nobody serves, so
 *                                        a supervisor reading it waits;
 *                                        prints how long the call took.
 *                                        HOLDER "probe": only say whether
 *                                        such a userfaultfd can be made
 *                                        (exit 3 if not); "-": keep it to
 *                                        ourselves; else a unix socket to
 *                                        send it to before the call, whose
 *                                        owner sees the fault and decides
 *                                        when the page stops being guarded
 *                                        (after we are gone, if it likes)
 *
 * The "notified call" of the storms is getppid, made raw with its first
 * argument alternating 0 and 1, so a profile can allow one half and deny
 * the other and the test can check every single answer. Built without
 * sanitizers (tests/CMakeLists.txt), and every attacking call is a raw
 * syscall, so nothing between us and the kernel changes what is asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HELPER_NAME "hostile"
#include "helper.h"

/* Prints "what: OK" or "what: ENAME" for a raw call's result. */
static void report(const char *what, long r)
{
        if (r >= 0)
                say("%s: OK", what);
        else
                say("%s: %s", what, errno_name(errno));
}

static long count_arg(const char *s)
{
        char *end;
        long v = strtol(s, &end, 10);
        if (*s == '\0' || *end != '\0' || v < 0 || v > 1000000)
                usage_error("not a count: \"%s\"", s);
        return v;
}

static long raw_openat(const void *path)
{
        long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
                close((int)fd);
        return fd;
}

static int verb_longpath(char **argv)
{
        size_t len = 3 * (size_t)PATH_MAX;
        char *path = malloc(len + 1);

        if (!path)
                usage_error("out of memory");
        /* "/tmp/a/a/a/...": a plausible path, just far too long. */
        path[0] = '/';
        memcpy(path + 1, "tmp", 3);
        for (size_t i = 4; i < len; i += 2)
                memcpy(path + i, "/a", 2);
        path[len] = '\0';
        report("longpath", raw_openat(path));
        free(path);
        return 0;
}

/* Two pages, the second PROT_NONE: returns the start of the second. */
static char *guarded_page(void)
{
        long page = sysconf(_SC_PAGESIZE);
        char *p = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);

        if (p == MAP_FAILED || mprotect(p + page, (size_t)page, PROT_NONE) < 0)
                usage_error("mmap: %s", strerror(errno));
        return p + page;
}

static int verb_unterminated(char **argv)
{
        char *guard = guarded_page();
        long page = sysconf(_SC_PAGESIZE);
        char *start = guard - page;

        /* "/tmp/xxxx...x" up to the last byte before the guard, no NUL. */
        memset(start, 'x', (size_t)page);
        memcpy(start, "/tmp/", 5);
        report("unterminated", raw_openat(start));
        /* The same, a short string whose NUL is the last readable byte. */
        char *tail = guard - 8;
        memcpy(tail, "/tmp/ok", 8);
        report("terminated-at-edge", raw_openat(tail));
        return 0;
}

static int verb_unmapped(char **argv)
{
        report("unmapped-null", raw_openat(NULL));
        report("unmapped-guard", raw_openat(guarded_page()));
        report("unmapped-kernel", raw_openat((const void *)0xffff888000000000ul));
        return 0;
}

static struct {
        char buf[PATH_MAX];
        const char *a, *b;
        atomic_bool stop;
} flip;

static void *flipper(void *unused)
{
        size_t la = strlen(flip.a) + 1, lb = strlen(flip.b) + 1;
        while (!atomic_load_explicit(&flip.stop, memory_order_relaxed)) {
                memcpy(flip.buf, flip.a, la);
                memcpy(flip.buf, flip.b, lb);
        }
        return NULL;
}

/* The race the supervisor cannot win for an allow (documented), and must
 * not lose for a deny: every call it denies fails. The counts let the test
 * compare the target's view with the supervisor's log. */
static int verb_flip(char **argv)
{
        long n = count_arg(argv[0]);
        struct stat denied_st;
        long denied = 0, opened_denied = 0, opened_other = 0, other = 0;
        pthread_t t;

        flip.a = argv[1];
        flip.b = argv[2];
        if (strlen(flip.a) >= PATH_MAX || strlen(flip.b) >= PATH_MAX)
                usage_error("flip: paths too long");
        if (stat(flip.a, &denied_st) < 0)
                usage_error("flip: %s: %s", flip.a, strerror(errno));
        strcpy(flip.buf, flip.a);
        if (pthread_create(&t, NULL, flipper, NULL) != 0)
                usage_error("flip: pthread_create failed");
        for (long i = 0; i < n; i++) {
                long fd = syscall(SYS_openat, AT_FDCWD, flip.buf, O_RDONLY | O_CLOEXEC);
                struct stat st;
                if (fd < 0) {
                        if (errno == EACCES)
                                denied++;
                        else
                                other++;
                        continue;
                }
                if (fstat((int)fd, &st) == 0 && st.st_ino == denied_st.st_ino &&
                    st.st_dev == denied_st.st_dev)
                        opened_denied++;
                else
                        opened_other++;
                close((int)fd);
        }
        atomic_store(&flip.stop, true);
        pthread_join(t, NULL);
        say("flip: calls=%ld denied=%ld opened_denied=%ld opened_other=%ld other=%ld", n, denied,
            opened_denied, opened_other, other);
        return 0;
}

/* n raw getppid calls, odd ones with argument 1: returns how many came
 * back as expected for a profile that allows 0 and denies 1 with EACCES,
 * and counts the two kinds of answer. */
struct storm_counts {
        long allowed, denied, wrong;
};

/* getppid is the notified call, so even our own question is asked with an
 * explicit argument of 0 (libc's getppid() leaves the register as it was). */
static pid_t parent_pid(void)
{
        return (pid_t)syscall(SYS_getppid, 0);
}

static void storm_calls(long n, pid_t ppid, struct storm_counts *c)
{
        for (long i = 0; i < n; i++) {
                long arg = i & 1;
                long r = syscall(SYS_getppid, arg);
                if (arg == 0 && r == ppid)
                        c->allowed++;
                else if (arg == 1 && r < 0 && errno == EACCES)
                        c->denied++;
                else
                        c->wrong++;
        }
}

struct storm_thread {
        pthread_t thread;
        long n;
        struct storm_counts counts;
};

static void *storm_thread_main(void *arg)
{
        struct storm_thread *st = arg;
        storm_calls(st->n, parent_pid(), &st->counts);
        return NULL;
}

static int verb_storm_threads(char **argv)
{
        long t = count_arg(argv[0]), n = count_arg(argv[1]), started = 0;
        struct storm_thread *threads = calloc((size_t)t, sizeof(*threads));
        struct storm_counts total = {0};

        if (!threads)
                usage_error("out of memory");
        for (long i = 0; i < t; i++) {
                threads[i].n = n;
                if (pthread_create(&threads[i].thread, NULL, storm_thread_main, &threads[i]) != 0)
                        break;
                started++;
        }
        for (long i = 0; i < started; i++) {
                pthread_join(threads[i].thread, NULL);
                total.allowed += threads[i].counts.allowed;
                total.denied += threads[i].counts.denied;
                total.wrong += threads[i].counts.wrong;
        }
        say("storm-threads: threads=%ld calls=%ld allowed=%ld denied=%ld wrong=%ld", started,
            started * n, total.allowed, total.denied, total.wrong);
        free(threads);
        return 0;
}

/* Threads that keep calling until told to stop: a test that must act while
 * calls are in flight ends the storm itself, by closing our standard input,
 * instead of racing a fixed number of calls. Calls go in pairs (argument 0,
 * then 1), so a storm that stopped anywhere has allowed == denied. */
static atomic_int storm_stop;

struct storm_until_thread {
        pthread_t thread;
        long calls;
        struct storm_counts counts;
};

static void *storm_until_main(void *arg)
{
        struct storm_until_thread *st = arg;
        pid_t ppid = parent_pid();

        while (!atomic_load_explicit(&storm_stop, memory_order_relaxed)) {
                storm_calls(2, ppid, &st->counts);
                st->calls += 2;
        }
        return NULL;
}

static int verb_storm_until(char **argv)
{
        long t = count_arg(argv[0]), started = 0, calls = 0;
        struct storm_until_thread *threads = calloc((size_t)t, sizeof(*threads));
        struct storm_counts total = {0};
        char buf[256];

        if (!threads)
                usage_error("out of memory");
        for (long i = 0; i < t; i++) {
                if (pthread_create(&threads[i].thread, NULL, storm_until_main, &threads[i]) != 0)
                        break;
                started++;
        }
        for (;;) {
                ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));
                if (r == 0 || (r < 0 && errno != EINTR))
                        break;
        }
        atomic_store(&storm_stop, 1);
        for (long i = 0; i < started; i++) {
                pthread_join(threads[i].thread, NULL);
                calls += threads[i].calls;
                total.allowed += threads[i].counts.allowed;
                total.denied += threads[i].counts.denied;
                total.wrong += threads[i].counts.wrong;
        }
        say("storm-until: threads=%ld calls=%ld allowed=%ld denied=%ld wrong=%ld", started, calls,
            total.allowed, total.denied, total.wrong);
        free(threads);
        return 0;
}

/* Each child reports its counts through a pipe, as one fixed-size record. */
static int verb_storm_fork(char **argv)
{
        long p = count_arg(argv[0]), n = count_arg(argv[1]), started = 0, bad_exits = 0;
        struct storm_counts total = {0}, c;
        int fds[2];

        if (pipe2(fds, O_CLOEXEC) < 0)
                usage_error("pipe: %s", strerror(errno));
        for (long i = 0; i < p; i++) {
                pid_t pid = fork();
                if (pid < 0) {
                        say("storm-fork: fork: %s", errno_name(errno));
                        break;
                }
                if (pid == 0) {
                        struct storm_counts mine = {0};
                        close(fds[0]);
                        storm_calls(n, parent_pid(), &mine);
                        /* Under PIPE_BUF bytes: the write is atomic. */
                        _exit(write(fds[1], &mine, sizeof(mine)) == sizeof(mine) ? 0 : 1);
                }
                started++;
        }
        close(fds[1]);
        while (read(fds[0], &c, sizeof(c)) == sizeof(c)) {
                total.allowed += c.allowed;
                total.denied += c.denied;
                total.wrong += c.wrong;
        }
        for (long i = 0; i < started; i++) {
                int status;
                if (wait(&status) < 0)
                        break;
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                        bad_exits++;
        }
        say("storm-fork: processes=%ld calls=%ld allowed=%ld denied=%ld wrong=%ld bad_exits=%ld",
            started, started * n, total.allowed, total.denied, total.wrong, bad_exits);
        return 0;
}

/* Children call forever; each is SIGKILLed once it has made 50 calls, so
 * most die with a call waiting for, or being given, its answer. Then the
 * parent checks that the supervisor still answers, correctly. */
static int verb_storm_kill(char **argv)
{
        long p = count_arg(argv[0]), killed = 0;
        struct storm_counts after = {0};

        for (long i = 0; i < p; i++) {
                int ready[2];
                char byte;
                if (pipe2(ready, O_CLOEXEC) < 0)
                        usage_error("pipe: %s", strerror(errno));
                pid_t pid = fork();
                if (pid < 0)
                        usage_error("fork: %s", strerror(errno));
                if (pid == 0) {
                        struct storm_counts mine = {0};
                        pid_t ppid = parent_pid();
                        close(ready[0]);
                        storm_calls(50, ppid, &mine);
                        (void)!write(ready[1], "x", 1);
                        for (;;)
                                storm_calls(1000, ppid, &mine);
                }
                close(ready[1]);
                if (read(ready[0], &byte, 1) == 1 && kill(pid, SIGKILL) == 0)
                        killed++;
                close(ready[0]);
                waitpid(pid, NULL, 0);
        }
        storm_calls(1000, parent_pid(), &after);
        say("storm-kill: killed=%ld then calls=1000 allowed=%ld denied=%ld wrong=%ld", killed,
            after.allowed, after.denied, after.wrong);
        return 0;
}

static int verb_wait_fifo(char **argv)
{
        char line[64];

        /* Opened for reading and writing, which never waits, before
         * "ready": the wait is in read(), which no filter sees, until the
         * test writes a line. (An open that waits for the other end is
         * made by the supervisor, and would fail with it.) */
        int fd = open(argv[0], O_RDWR | O_CLOEXEC);
        if (fd < 0)
                usage_error("%s: %s", argv[0], strerror(errno));
        say("ready");
        (void)!read(fd, line, sizeof(line));
        close(fd);
        long r = syscall(SYS_getppid, 0);
        report("getppid", r);
        report("open-denied", raw_openat(argv[1]));
        return 0;
}

static const char *pending_path;

static void *pending_thread(void *unused)
{
        report("mkdir", syscall(SYS_mkdir, pending_path, 0700));
        return NULL;
}

static int verb_pending(char **argv)
{
        sigset_t set;
        pthread_t t;
        int sig;

        pending_path = argv[0];
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        /* Blocked before the thread starts, so it inherits the mask and
         * sigwait below is the only taker. */
        sigprocmask(SIG_BLOCK, &set, NULL);
        if (pthread_create(&t, NULL, pending_thread, NULL) != 0)
                usage_error("pthread_create failed");
        say("ready");
        if (sigwait(&set, &sig) == 0)
                say("got SIGTERM");
        pthread_join(t, NULL);
        return 0;
}

static int verb_pending_kill(char **argv)
{
        int status;
        pid_t pid = fork();

        if (pid < 0)
                usage_error("fork: %s", strerror(errno));
        if (pid == 0) {
                say("child: %d", (int)getpid());
                report("child mkdir", syscall(SYS_mkdir, argv[0], 0700));
                _exit(0);
        }
        if (waitpid(pid, &status, 0) != pid)
                usage_error("waitpid: %s", strerror(errno));
        if (WIFSIGNALED(status))
                say("child: killed by SIG%s", sigabbrev_np(WTERMSIG(status)));
        else
                say("child: exited %d", WEXITSTATUS(status));
        report("getppid", syscall(SYS_getppid, 0));
        report("getppid(1)", syscall(SYS_getppid, 1));
        return 0;
}

static const char *race_path;
static char **race_exec_argv;
static atomic_int race_calls;

static void *exec_race_thread(void *arg)
{
        (void)arg;
        /* Not before the main thread's calls are flowing. */
        while (atomic_load(&race_calls) < 50)
                ;
        syscall(SYS_execve, race_exec_argv[0], race_exec_argv, environ);
        report("execve", -1);
        _exit(1);
}

/* A thread's exec hands the main thread's id to the new program, while the
 * old main thread may still be calling under that id until the exec kills
 * it: what the supervisor learnt of the old one must not stick. */
static int verb_exec_race(char **argv)
{
        static char *exec_argv[4];
        pthread_t t;

        race_path = argv[0];
        exec_argv[0] = argv[1];
        exec_argv[1] = "mkdir";
        exec_argv[2] = argv[2];
        race_exec_argv = exec_argv;
        if (pthread_create(&t, NULL, exec_race_thread, NULL) != 0)
                usage_error("pthread_create failed");
        for (;;) {
                syscall(SYS_mkdir, race_path, 0700);
                atomic_fetch_add(&race_calls, 1);
        }
}

/* A thread that attacks the terminal while the main thread's call waits
 * for a prompt: the attack runs every 10 ms, so whenever the prompt
 * appears, an attempt follows within one tick. */
static struct {
        atomic_bool done;
        void (*attack)(long round);
} terminal_attack;

static void *terminal_attack_thread(void *unused)
{
        struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};

        for (long round = 0; !atomic_load(&terminal_attack.done); round++) {
                terminal_attack.attack(round);
                nanosleep(&tick, NULL);
        }
        return NULL;
}

/* Opens path (a prompted call) while attack runs in another thread. */
static void open_under_attack(const char *path, void (*attack)(long round))
{
        pthread_t t;

        terminal_attack.attack = attack;
        if (pthread_create(&t, NULL, terminal_attack_thread, NULL) != 0)
                usage_error("pthread_create failed");
        report("open", raw_openat(path));
        atomic_store(&terminal_attack.done, true);
        pthread_join(t, NULL);
}

static struct {
        int tty;        /* /dev/tty, or -1 */
        long result[2]; /* of the first push through stdin and /dev/tty */
        int error[2];   /* its errno */
        long pushed;    /* pushes the kernel took */
} tiocsti;

static void push_key(long round)
{
        char key = 'A';
        int fds[2] = {STDIN_FILENO, tiocsti.tty};

        for (int i = 0; i < 2; i++) {
                long r = fds[i] < 0 ? -1 : syscall(SYS_ioctl, fds[i], TIOCSTI, &key);
                if (round == 0) {
                        tiocsti.result[i] = r;
                        tiocsti.error[i] = fds[i] < 0 ? ENXIO : errno;
                }
                if (r == 0)
                        tiocsti.pushed++;
        }
}

/* On a shared terminal, the pushed "A" answers the prompt: "allowed for
 * the session, by tty". */
static int verb_tiocsti(char **argv)
{
        tiocsti.tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
        open_under_attack(argv[0], push_key);
        for (int i = 0; i < 2; i++) {
                errno = tiocsti.error[i];
                report(i == 0 ? "tiocsti stdin" : "tiocsti /dev/tty", tiocsti.result[i]);
        }
        say("tiocsti: %s", tiocsti.pushed ? "pushed" : "nothing pushed");
        return 0;
}

static const char *repaint_count_path;

/* From the line of choices, up to the prompt's caller line and over it,
 * down to its path line and over that, and back: what the person reads
 * is no longer what they are asked about. */
static void paint_over_prompt(long round)
{
        static const char paint[] = "\033[7A\r\033[2K  caller    pid 1  /usr/lib/FAKE-CALLER"
                                    "\033[3B\r\033[2K  path      /tmp/FAKE-PATH"
                                    "\033[4B\r";
        char count[32];

        if (write(STDOUT_FILENO, paint, sizeof(paint) - 1) < 0)
                return;
        int fd = open(repaint_count_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        int n = snprintf(count, sizeof(count), "%ld\n", round + 1);
        (void)!write(fd, count, (size_t)n);
        close(fd);
}

static int verb_repaint(char **argv)
{
        repaint_count_path = argv[1];
        open_under_attack(argv[0], paint_over_prompt);
        return 0;
}

/* Sends fd to the unix socket at path and waits for one byte back, so the
 * receiver holds it before we go on. */
static void send_fd(const char *path, int fd)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        char byte = 'u';
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (strlen(path) >= sizeof(addr.sun_path))
                usage_error("%s: too long for a socket path", path);
        strcpy(addr.sun_path, path);
        if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                usage_error("%s: %s", path, strerror(errno));
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        if (sendmsg(s, &msg, 0) != 1 || read(s, &byte, 1) != 1)
                usage_error("%s: sending the userfaultfd: %s", path, strerror(errno));
        close(s);
}

/*
 * A page registered with a userfaultfd that handles faults from the kernel
 * too (no UFFD_USER_MODE_ONLY, which takes CAP_SYS_PTRACE while
 * vm.unprivileged_userfaultfd is 0), and never served: whoever reads it,
 * process_vm_readv included, waits until the fault is resolved or the
 * userfaultfd closes, killably but not interruptibly.
 */
static int verb_uffd_mkdir(char **argv)
{
        struct uffdio_api api = {.api = UFFD_API};
        long page = sysconf(_SC_PAGESIZE);
        struct timespec start, end;
        int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

        if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api) < 0) {
                say("uffd-mkdir: no userfaultfd for kernel faults: %s", errno_name(errno));
                return 3;
        }
        char *p =
            mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        struct uffdio_register reg = {.range = {.start = (uintptr_t)p, .len = (uint64_t)page},
                                      .mode = UFFDIO_REGISTER_MODE_MISSING};
        if (p == MAP_FAILED || ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
                usage_error("uffd-mkdir: registering the page: %s", strerror(errno));
        if (strcmp(argv[0], "probe") == 0) {
                say("uffd-mkdir: available");
                return 0;
        }
        if (strcmp(argv[0], "-") != 0)
                send_fd(argv[0], uffd);
        say("uffd-mkdir: calling");
        clock_gettime(CLOCK_MONOTONIC, &start);
        long r = syscall(SYS_mkdir, p, 0700);
        int e = errno;
        clock_gettime(CLOCK_MONOTONIC, &end);
        long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
        say("uffd-mkdir: %s after %ld ms", r == 0 ? "OK" : errno_name(e), ms);
        return 0;
}

static void on_sigchld(int sig)
{
        (void)sig;
}

/* fork never fails with EINTR; a notified call can, when a handler runs
 * while it waits. So fork must never be routed to the supervisor. */
static int verb_fork_sigchld(char **argv)
{
        long n = count_arg(argv[0]);
        struct sigaction sa = {.sa_handler = on_sigchld};
        long failed = 0;
        int first_errno = 0;

        sigemptyset(&sa.sa_mask);
        sigaction(SIGCHLD, &sa, NULL);
        for (long i = 0; i < n; i++) {
                pid_t pid = fork();
                if (pid == 0)
                        _exit(0);
                if (pid < 0 && failed++ == 0)
                        first_errno = errno;
        }
        while (wait(NULL) > 0 || errno == EINTR)
                ;
        if (failed)
                say("fork-sigchld: forks=%ld failed=%ld (first: %s)", n, failed,
                    errno_name(first_errno));
        else
                say("fork-sigchld: forks=%ld failed=0", n);
        return 0;
}

/* A listener of the target's own, on a filter stacked on ours, could
 * answer the calls ours routes to the supervisor (its execs, say). */
static int verb_second_listener(char **argv)
{
        struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
        struct sock_fprog prog = {.len = 1, .filter = allow};

        (void)argv;
        report("second-listener", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                          SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog));
        return 0;
}

/* A target holding its own listener could answer its own notifications. */
static int verb_listener(char **argv)
{
        char path[64], target[128];
        int n = 0;

        for (int fd = 0; fd < 1024; fd++) {
                snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
                ssize_t len = readlink(path, target, sizeof(target) - 1);
                if (len < 0)
                        continue;
                target[len] = '\0';
                if (strstr(target, "seccomp"))
                        n++;
        }
        say("listener fds: %d", n);
        return 0;
}

static const struct {
        const char *name;
        int n_args;
        int (*run)(char **argv);
} verbs[] = {
    {"longpath", 0, verb_longpath},
    {"unterminated", 0, verb_unterminated},
    {"unmapped", 0, verb_unmapped},
    {"listener", 0, verb_listener},
    {"flip", 3, verb_flip},
    {"storm-threads", 2, verb_storm_threads},
    {"storm-until", 1, verb_storm_until},
    {"storm-fork", 2, verb_storm_fork},
    {"storm-kill", 1, verb_storm_kill},
    {"wait-fifo", 2, verb_wait_fifo},
    {"pending", 1, verb_pending},
    {"pending-kill", 1, verb_pending_kill},
    {"exec-race", 3, verb_exec_race},
    {"second-listener", 0, verb_second_listener},
    {"fork-sigchld", 1, verb_fork_sigchld},
    {"tiocsti", 1, verb_tiocsti},
    {"repaint", 2, verb_repaint},
    {"uffd-mkdir", 1, verb_uffd_mkdir},
};

int main(int argc, char **argv)
{
        if (argc < 2)
                usage_error("usage: hostile VERB [ARGS...] (see tests/helper/hostile.c)");
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
                if (strcmp(argv[1], verbs[i].name) != 0)
                        continue;
                if (argc - 2 != verbs[i].n_args)
                        usage_error("%s takes %d arguments", verbs[i].name, verbs[i].n_args);
                return verbs[i].run(argv + 2);
        }
        usage_error("unknown verb \"%s\"", argv[1]);
}
