/* SPDX-License-Identifier: MIT */
/*
 * loop_target: the program every benchmark row runs. It makes the same system
 * call N times in each of T threads and prints one line with the cost per
 * call, so that bare runs, kernel filters, the reference supervisor, strace
 * and scmp-super are all measured on exactly the same code.
 *
 *   loop_target [--threads T] [--calls N] [--warmup W] [--syscall NAME] [--path P]
 *               [--parent-status] [--hold] [--latencies] [--pace-us U] [--flood]
 *
 * Output (stdout, one line, key=value):
 *   loop_target syscall=getppid threads=1 calls=200000 ns_per_call=61.3 wall_ns_per_call=61.3
 *
 * ns_per_call is the latency a caller sees: each thread times its own loop
 * with CLOCK_MONOTONIC and the per-thread means are averaged. wall_ns_per_call
 * is the throughput view: wall time from the first start to the last end,
 * divided by every call made. With one thread the two are the same.
 *
 * --parent-status adds parent_vmhwm_kib=N parent_vmrss_kib=N to the line:
 * the peak and current resident set of the parent process, read from
 * /proc/PPID/status once every call is done. Under a supervisor that runs
 * the target as its child (scmp-super run, ref_supervisor) this is the
 * supervisor's memory at the end of the run, read while it is still alive.
 *
 * --latencies times every call on its own and adds p50_ns=N p99_ns=N
 * max_ns=N to the line: the percentiles over every timed call of every
 * thread, the tail a caller sees, which a mean hides.
 *
 * --pace-us U sleeps U microseconds between two timed calls of a thread
 * (not counted in any timing): a quiet caller, whose every call finds its
 * supervisor idle, as opposed to one that calls back to back.
 *
 * --flood makes every thread (all of them created threads) call without end
 * after the warm-up, until standard input reaches end of file; once all
 * have started it prints "loop_target flooding threads=T" and, at the end,
 * the usual line with calls= the calls made by each thread on average. The
 * fairness rows of bench/fairness.sh keep one target of a daemon busy with
 * it while another is measured.
 *
 * --hold keeps the process alive after the line is printed, until standard
 * input reaches end of file: the daemon benchmark starts many targets, reads
 * the daemon's memory while all of them are connected, then releases them by
 * closing the pipe they read.
 *
 * The program exits with status 1 if any call failed, because a call that is
 * denied is not the call being measured and its timing would be meaningless.
 * For openat-path each thread first checks one open, untimed: the fd must be
 * the file --path names (same device and inode as stat(2) sees) and carry
 * FD_CLOEXEC, so a supervisor that performs the open itself and hands over
 * the fd (SECCOMP_IOCTL_NOTIF_ADDFD) is seen to hand over the right one.
 *
 * connect-udp and sendto-udp name a peer: each thread binds a UDP socket to
 * 127.0.0.1 (port chosen by the kernel) and connects it to its own address
 * again and again, or sends one byte to its own address. A UDP connect has
 * no handshake, so the row measures the call and its decision, not TCP.
 * Nothing reads the datagrams: once the socket's receive buffer is full
 * (during the warm-up) the kernel drops each one, and sendto still
 * succeeds. Before the first call each thread checks one, untimed: after a
 * connect, getpeername() must give its own address; after a sendto, the
 * byte must be waiting on its own socket. So a supervisor that performs the
 * call itself is seen to do it on the caller's socket, to the address
 * asked for.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PATH "/dev/null"

/*
 * The calls the target can make. All are harmless when they really run, so
 * the same row can be measured with and without a filter. personality-query
 * asks for the current persona (0xffffffff changes nothing); Docker's profile
 * allows it only through an argument comparison, so the kernel cannot answer
 * it from its per-syscall allow cache and must run the filter.
 */
enum call_kind {
        CALL_GETPPID,
        CALL_GETPID,
        CALL_GETUID,
        CALL_GETGID,
        CALL_SCHED_YIELD,
        CALL_UNAME,
        CALL_FACCESSAT2_PATH,
        CALL_PERSONALITY_QUERY,
        CALL_OPENAT_PATH,
        CALL_CONNECT_UDP,
        CALL_SENDTO_UDP,
};

static const struct {
        const char *name;
        enum call_kind kind;
} call_names[] = {
    {"getppid", CALL_GETPPID},
    {"getpid", CALL_GETPID},
    {"getuid", CALL_GETUID},
    {"getgid", CALL_GETGID},
    {"sched_yield", CALL_SCHED_YIELD},
    {"uname", CALL_UNAME},
    {"faccessat2-path", CALL_FACCESSAT2_PATH},
    {"personality-query", CALL_PERSONALITY_QUERY},
    {"openat-path", CALL_OPENAT_PATH},
    {"connect-udp", CALL_CONNECT_UDP},
    {"sendto-udp", CALL_SENDTO_UDP},
};

struct options {
        unsigned threads;
        unsigned long calls;
        unsigned long warmup;
        enum call_kind kind;
        const char *kind_name;
        const char *path;
        bool parent_status;
        bool hold;
        bool latencies;
        bool flood;
        unsigned long pace_us;
};

/* Set by the main thread under --flood once standard input is at its end. */
static _Atomic bool flood_stop;

struct worker {
        pthread_t thread;
        const struct options *options;
        pthread_barrier_t *barrier;
        struct timespec start, end;
        unsigned long made; /* timed calls made (--flood: not known before) */
        uint32_t *lat_ns;   /* --latencies: each timed call's, capped */
        unsigned long failures;
        int first_errno;
        /* connect-udp and sendto-udp: this thread's socket, and its own
         * address, the peer every call names. */
        int sock;
        struct sockaddr_in self;
};

static void usage(FILE *out)
{
        fprintf(out, "usage: loop_target [--threads T] [--calls N] [--warmup W] "
                     "[--syscall NAME] [--path P]\n  NAME:");
        for (size_t i = 0; i < sizeof(call_names) / sizeof(call_names[0]); i++)
                fprintf(out, " %s", call_names[i].name);
        fprintf(out,
                "\n  --path is the file openat-path opens and faccessat2-path checks (default %s)\n"
                "  --parent-status  also print the parent's VmHWM and VmRSS at the end\n"
                "  --hold           after printing, wait for end of file on standard input\n"
                "  --latencies      also print p50_ns, p99_ns and max_ns over every call\n"
                "  --pace-us U      sleep U microseconds between two timed calls\n"
                "  --flood          call until end of file on standard input\n",
                DEFAULT_PATH);
}

static int parse_ulong(const char *text, unsigned long min, unsigned long max,
                       unsigned long *ret_value)
{
        char *end;
        unsigned long value;

        errno = 0;
        value = strtoul(text, &end, 10);
        if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
                return -EINVAL;
        if (value < min || value > max)
                return -ERANGE;
        *ret_value = value;
        return 0;
}

static int parse_options(int argc, char **argv, struct options *ret_options)
{
        struct options o = {
            .threads = 1,
            .calls = 100000,
            .warmup = 1000,
            .kind = CALL_GETPPID,
            .kind_name = "getppid",
            .path = DEFAULT_PATH,
        };

        for (int i = 1; i < argc; i++) {
                const char *arg = argv[i];
                const char *value = i + 1 < argc ? argv[i + 1] : NULL;
                unsigned long number;

                if (strcmp(arg, "--help") == 0) {
                        usage(stdout);
                        exit(0);
                }
                if (strcmp(arg, "--parent-status") == 0) {
                        o.parent_status = true;
                        continue;
                }
                if (strcmp(arg, "--hold") == 0) {
                        o.hold = true;
                        continue;
                }
                if (strcmp(arg, "--latencies") == 0) {
                        o.latencies = true;
                        continue;
                }
                if (strcmp(arg, "--flood") == 0) {
                        o.flood = true;
                        continue;
                }
                if (value == NULL)
                        return -EINVAL;
                i++;
                if (strcmp(arg, "--threads") == 0) {
                        if (parse_ulong(value, 1, 1024, &number) < 0)
                                return -EINVAL;
                        o.threads = (unsigned)number;
                } else if (strcmp(arg, "--calls") == 0) {
                        if (parse_ulong(value, 1, ULONG_MAX / 1024, &o.calls) < 0)
                                return -EINVAL;
                } else if (strcmp(arg, "--warmup") == 0) {
                        if (parse_ulong(value, 0, ULONG_MAX / 1024, &o.warmup) < 0)
                                return -EINVAL;
                } else if (strcmp(arg, "--syscall") == 0) {
                        size_t k;

                        for (k = 0; k < sizeof(call_names) / sizeof(call_names[0]); k++)
                                if (strcmp(value, call_names[k].name) == 0)
                                        break;
                        if (k == sizeof(call_names) / sizeof(call_names[0]))
                                return -EINVAL;
                        o.kind = call_names[k].kind;
                        o.kind_name = call_names[k].name;
                } else if (strcmp(arg, "--path") == 0) {
                        o.path = value;
                } else if (strcmp(arg, "--pace-us") == 0) {
                        if (parse_ulong(value, 0, 1000000, &o.pace_us) < 0)
                                return -EINVAL;
                } else {
                        return -EINVAL;
                }
        }
        if (o.flood && o.latencies)
                return -EINVAL; /* no room set aside for calls without end */
        *ret_options = o;
        return 0;
}

/* One call; returns 0 or the errno the kernel gave. */
static int make_call(const struct options *o, const struct worker *w)
{
        struct utsname name;
        long ret;

        switch (o->kind) {
        case CALL_GETPPID:
                ret = syscall(SYS_getppid);
                break;
        case CALL_GETPID:
                ret = syscall(SYS_getpid);
                break;
        case CALL_GETUID:
                ret = syscall(SYS_getuid);
                break;
        case CALL_GETGID:
                ret = syscall(SYS_getgid);
                break;
        case CALL_SCHED_YIELD:
                ret = syscall(SYS_sched_yield);
                break;
        case CALL_UNAME:
                ret = syscall(SYS_uname, &name);
                break;
        case CALL_FACCESSAT2_PATH:
                ret = syscall(SYS_faccessat2, AT_FDCWD, o->path, F_OK, 0);
                break;
        case CALL_PERSONALITY_QUERY:
                ret = syscall(SYS_personality, 0xffffffffUL);
                break;
        case CALL_OPENAT_PATH:
                ret = syscall(SYS_openat, AT_FDCWD, o->path, O_RDONLY | O_CLOEXEC);
                if (ret >= 0) {
                        close((int)ret);
                        ret = 0;
                }
                break;
        case CALL_CONNECT_UDP:
                ret = syscall(SYS_connect, w->sock, &w->self, sizeof(w->self));
                break;
        case CALL_SENDTO_UDP:
                ret = syscall(SYS_sendto, w->sock, "x", 1, 0, &w->self, sizeof(w->self));
                break;
        default:
                return EINVAL;
        }
        return ret < 0 ? errno : 0;
}

/* The untimed check of openat-path (see the top of the file): 0 or an errno,
 * with the reason printed. */
static int check_open(const struct options *o)
{
        struct stat want, got;
        long fd;
        int flags, err = 0;

        if (stat(o->path, &want) < 0) {
                err = errno;
                fprintf(stderr, "loop_target: stat %s: %s\n", o->path, strerror(err));
                return err;
        }
        fd = syscall(SYS_openat, AT_FDCWD, o->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno; /* counted and reported as a failed call */
        flags = fcntl((int)fd, F_GETFD);
        if (fstat((int)fd, &got) < 0 || got.st_dev != want.st_dev || got.st_ino != want.st_ino) {
                fprintf(stderr, "loop_target: openat %s gave fd %ld, which is another file\n",
                        o->path, fd);
                err = EBADF;
        } else if (flags < 0 || !(flags & FD_CLOEXEC)) {
                fprintf(stderr, "loop_target: openat %s with O_CLOEXEC gave fd %ld without it\n",
                        o->path, fd);
                err = EBADF;
        }
        close((int)fd);
        return err;
}

/* The socket of connect-udp and sendto-udp, bound to 127.0.0.1, and the
 * untimed check of one call (see the top of the file): 0 or an errno, with
 * the reason printed. bind, getsockname, getpeername and recv are not calls
 * the benchmark's profiles notify. */
static int open_udp(struct worker *w, enum call_kind kind)
{
        struct sockaddr_in peer = {0};
        socklen_t len = sizeof(w->self);
        char byte;

        w->self = (struct sockaddr_in){.sin_family = AF_INET};
        w->self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        w->sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (w->sock < 0 || bind(w->sock, (struct sockaddr *)&w->self, sizeof(w->self)) < 0 ||
            getsockname(w->sock, (struct sockaddr *)&w->self, &len) < 0) {
                int err = errno;
                fprintf(stderr, "loop_target: a UDP socket on 127.0.0.1: %s\n", strerror(err));
                return err;
        }
        if (kind == CALL_SENDTO_UDP) {
                if (syscall(SYS_sendto, w->sock, "x", 1, 0, &w->self, sizeof(w->self)) < 0)
                        return errno; /* counted and reported as a failed call */
                if (recv(w->sock, &byte, 1, MSG_DONTWAIT) != 1 || byte != 'x') {
                        fprintf(stderr,
                                "loop_target: sendto 127.0.0.1:%u succeeded, but nothing "
                                "arrived there\n",
                                ntohs(w->self.sin_port));
                        return EBADF;
                }
                return 0;
        }
        if (syscall(SYS_connect, w->sock, &w->self, sizeof(w->self)) < 0)
                return errno; /* counted and reported as a failed call */
        len = sizeof(peer);
        if (getpeername(w->sock, (struct sockaddr *)&peer, &len) < 0 ||
            peer.sin_port != w->self.sin_port || peer.sin_addr.s_addr != w->self.sin_addr.s_addr) {
                fprintf(stderr,
                        "loop_target: connect to 127.0.0.1:%u succeeded, but the socket "
                        "is not connected there\n",
                        ntohs(w->self.sin_port));
                return EBADF;
        }
        return 0;
}

static int64_t timespec_ns(const struct timespec *t);

static void *worker_run(void *data)
{
        struct worker *w = data;
        const struct options *o = w->options;

        if (o->kind == CALL_OPENAT_PATH) {
                int err = check_open(o);

                if (err != 0 && w->failures++ == 0)
                        w->first_errno = err;
        }
        if (o->kind == CALL_CONNECT_UDP || o->kind == CALL_SENDTO_UDP) {
                int err = open_udp(w, o->kind);

                if (err != 0 && w->failures++ == 0)
                        w->first_errno = err;
        }

        /* Warm-up calls fault in the code and let a supervisor settle before
         * the clock starts; their failures count like any other. */
        for (unsigned long i = 0; i < o->warmup; i++) {
                int err = make_call(o, w);

                if (err != 0 && w->failures++ == 0)
                        w->first_errno = err;
        }
        pthread_barrier_wait(w->barrier);
        clock_gettime(CLOCK_MONOTONIC, &w->start);
        if (o->flood) {
                while (!atomic_load_explicit(&flood_stop, memory_order_relaxed)) {
                        int err = make_call(o, w);

                        if (err != 0 && w->failures++ == 0)
                                w->first_errno = err;
                        w->made++;
                }
        } else if (o->latencies || o->pace_us) {
                const struct timespec pause = {.tv_sec = (time_t)(o->pace_us / 1000000),
                                               .tv_nsec = (long)(o->pace_us % 1000000) * 1000};
                int64_t busy = 0;

                for (unsigned long i = 0; i < o->calls; i++) {
                        struct timespec t0, t1;
                        int err;

                        if (o->pace_us)
                                clock_nanosleep(CLOCK_MONOTONIC, 0, &pause, NULL);
                        clock_gettime(CLOCK_MONOTONIC, &t0);
                        err = make_call(o, w);
                        clock_gettime(CLOCK_MONOTONIC, &t1);
                        if (err != 0 && w->failures++ == 0)
                                w->first_errno = err;
                        int64_t ns = timespec_ns(&t1) - timespec_ns(&t0);
                        busy += ns;
                        if (w->lat_ns)
                                w->lat_ns[i] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
                }
                w->made = o->calls;
                /* The time spent in calls, not in the pauses between them. */
                w->end = w->start;
                w->end.tv_sec += (time_t)(busy / 1000000000);
                w->end.tv_nsec += (long)(busy % 1000000000);
                if (w->end.tv_nsec >= 1000000000) {
                        w->end.tv_sec++;
                        w->end.tv_nsec -= 1000000000;
                }
                return NULL;
        } else {
                for (unsigned long i = 0; i < o->calls; i++) {
                        int err = make_call(o, w);

                        if (err != 0 && w->failures++ == 0)
                                w->first_errno = err;
                }
                w->made = o->calls;
        }
        clock_gettime(CLOCK_MONOTONIC, &w->end);
        return NULL;
}

static int compare_u32(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return (x > y) - (x < y);
}

/* Prints p50_ns, p99_ns and max_ns over every thread's timed calls. */
static int print_latencies(const struct options *o, const struct worker *workers)
{
        size_t n = (size_t)o->calls * o->threads;
        uint32_t *all = malloc(n * sizeof(*all));

        if (all == NULL) {
                perror("loop_target: malloc");
                return -1;
        }
        for (unsigned t = 0; t < o->threads; t++)
                memcpy(all + (size_t)t * o->calls, workers[t].lat_ns, o->calls * sizeof(*all));
        qsort(all, n, sizeof(*all), compare_u32);
        /* Nearest rank: the smallest value with at least p% of all at or below it. */
        printf(" p50_ns=%u p99_ns=%u max_ns=%u", all[(n * 50 + 99) / 100 - 1],
               all[(n * 99 + 99) / 100 - 1], all[n - 1]);
        free(all);
        return 0;
}

/* Reads VmHWM and VmRSS (kB) of process pid from /proc/PID/status. */
static int read_memory_kib(pid_t pid, unsigned long *ret_hwm, unsigned long *ret_rss)
{
        char path[64], line[256];
        unsigned long hwm = 0, rss = 0;
        bool have_hwm = false, have_rss = false;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        f = fopen(path, "re");
        if (f == NULL)
                return -errno;
        while (fgets(line, sizeof(line), f) != NULL) {
                if (sscanf(line, "VmHWM: %lu kB", &hwm) == 1)
                        have_hwm = true;
                else if (sscanf(line, "VmRSS: %lu kB", &rss) == 1)
                        have_rss = true;
        }
        fclose(f);
        if (!have_hwm || !have_rss)
                return -ENODATA; /* a kernel thread, or a zombie */
        *ret_hwm = hwm;
        *ret_rss = rss;
        return 0;
}

/* Blocks until standard input reaches end of file (or fails). */
static void hold_until_released(void)
{
        char buf[64];

        for (;;) {
                ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

                if (n == 0 || (n < 0 && errno != EINTR))
                        return;
        }
}

static int64_t timespec_ns(const struct timespec *t)
{
        return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

int main(int argc, char **argv)
{
        struct options o;
        struct worker *workers;
        pthread_barrier_t barrier;
        int64_t first_start = INT64_MAX, last_end = INT64_MIN;
        double latency_sum = 0, made_sum = 0;
        unsigned long failures = 0;
        int first_errno = 0;

        if (parse_options(argc, argv, &o) < 0) {
                usage(stderr);
                return 2;
        }

        workers = calloc(o.threads, sizeof(*workers));
        if (workers == NULL) {
                perror("loop_target: calloc");
                return 1;
        }
        /* Under --flood the main thread waits for the end of standard
         * input, and takes part in the barrier to know when all have
         * started. */
        pthread_barrier_init(&barrier, NULL, o.threads + (o.flood ? 1 : 0));
        for (unsigned t = 0; t < o.threads; t++) {
                workers[t].options = &o;
                workers[t].barrier = &barrier;
                if (o.latencies) {
                        workers[t].lat_ns = calloc(o.calls, sizeof(uint32_t));
                        if (workers[t].lat_ns == NULL) {
                                perror("loop_target: calloc");
                                return 1;
                        }
                }
        }

        /* Thread 0 is the main thread, so one-thread runs create no thread at
         * all and stay comparable with the simplest possible program. */
        for (unsigned t = o.flood ? 0 : 1; t < o.threads; t++) {
                int err = pthread_create(&workers[t].thread, NULL, worker_run, &workers[t]);

                if (err != 0) {
                        fprintf(stderr, "loop_target: pthread_create: %s\n", strerror(err));
                        return 1;
                }
        }
        if (o.flood) {
                pthread_barrier_wait(&barrier);
                printf("loop_target flooding threads=%u\n", o.threads);
                fflush(stdout);
                hold_until_released();
                atomic_store(&flood_stop, true);
        } else {
                worker_run(&workers[0]);
        }
        for (unsigned t = o.flood ? 0 : 1; t < o.threads; t++)
                pthread_join(workers[t].thread, NULL);

        for (unsigned t = 0; t < o.threads; t++) {
                int64_t start = timespec_ns(&workers[t].start);
                int64_t end = timespec_ns(&workers[t].end);

                if (start < first_start)
                        first_start = start;
                if (end > last_end)
                        last_end = end;
                latency_sum +=
                    workers[t].made ? (double)(end - start) / (double)workers[t].made : 0;
                made_sum += (double)workers[t].made;
                if (workers[t].failures != 0 && failures == 0)
                        first_errno = workers[t].first_errno;
                failures += workers[t].failures;
        }
        pthread_barrier_destroy(&barrier);

        if (failures != 0) {
                /* The checked call of openat-path and connect-udp counts with
                 * the others. */
                unsigned long made = o.calls + o.warmup +
                                     (o.kind == CALL_OPENAT_PATH || o.kind == CALL_CONNECT_UDP ||
                                      o.kind == CALL_SENDTO_UDP);

                if (o.flood)
                        made = (unsigned long)made_sum + o.warmup * o.threads;
                else
                        made *= o.threads;
                fprintf(stderr, "loop_target: %lu of %lu calls to %s failed, first with %s\n",
                        failures, made, o.kind_name, strerror(first_errno));
                return 1;
        }
        printf("loop_target syscall=%s threads=%u calls=%lu ns_per_call=%.1f "
               "wall_ns_per_call=%.1f",
               o.kind_name, o.threads, (unsigned long)(made_sum / o.threads),
               latency_sum / o.threads, (double)(last_end - first_start) / made_sum);
        if (o.latencies && print_latencies(&o, workers) < 0)
                return 1;
        for (unsigned t = 0; t < o.threads; t++)
                free(workers[t].lat_ns);
        free(workers);
        if (o.parent_status) {
                pid_t parent = getppid();
                unsigned long hwm = 0, rss = 0;
                int r = read_memory_kib(parent, &hwm, &rss);

                if (r < 0) {
                        printf("\n");
                        fprintf(stderr, "loop_target: /proc/%d/status: %s\n", (int)parent,
                                strerror(-r));
                        return 1;
                }
                printf(" parent_vmhwm_kib=%lu parent_vmrss_kib=%lu", hwm, rss);
        }
        printf("\n");
        if (fflush(stdout) != 0) {
                perror("loop_target: stdout");
                return 1;
        }
        if (o.hold)
                hold_until_released();
        return 0;
}
