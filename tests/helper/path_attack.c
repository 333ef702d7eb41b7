/* SPDX-License-Identifier: MIT */
/*
 * path_attack: a target that tries to reach a file a path rule denies under
 * a name the rule does not see (a symlink, "..", /proc's magic links, a
 * dirfd, a detached mount, memory or a cwd rewritten mid-call), and checks
 * that allowed opens still behave as the caller asked (flags, umask, the
 * caller's own permissions). One verb per run, one result line (two for a
 * race), so a test asserts on exactly what the kernel gave back.
 *
 * Open verbs, each a raw syscall so the call the supervisor sees is the one
 * named (FLAGS: rdonly, wronly, rdwr, creat, excl, trunc, append, directory,
 * path, nofollow, cloexec, tmpfile, joined by ',' or '|'; default rdonly,
 * and O_CLOEXEC only when asked; O_CREAT's mode is always 0666; DIR "-" is
 * AT_FDCWD; "@PID@" and "@TID@" in a path become our pid and thread id):
 *
 *   open PATH [FLAGS]                   open(2)
 *   openat DIR NAME [FLAGS]             openat(2) on a dirfd of DIR
 *   openat2 DIR NAME [FLAGS [RESOLVE]]  openat2(2); RESOLVE: beneath,
 *                                       in-root, no-symlinks, no-magiclinks,
 *                                       no-xdev, cached, or none
 *   creat PATH                          creat(2), mode 0666
 *   fdpath DIR PREFIX SUFFIX [FLAGS]    opens DIR as fd N, then
 *                                       open(PREFIX N SUFFIX), for
 *                                       /proc/self/fd/N/...
 *   detached DIR NAME [FLAGS]           open_tree(DIR, OPEN_TREE_CLONE |
 *                                       AT_RECURSIVE): a detached copy of
 *                                       the mount, then openat(tree, NAME)
 *
 * An open verb prints "VERB: ENAME" when the call failed. When it
 * succeeded: "read: BYTES" (the first 64 bytes read from the fd, one
 * trailing newline dropped, anything unprintable as \xNN; "read: ENAME" if
 * the read failed), or "VERB: OK" for an fd opened write-only or O_PATH.
 * A failure before the call under test names its step: "openat: dirfd:
 * ENAME", "fdpath: dirfd: ENAME", "detached: open_tree: ENAME".
 *
 * Prefixes, which change what a successful verb prints:
 *
 *   cloexec VERB ARGS...       "cloexec: set" or "cloexec: unset"
 *                              (F_GETFD on the fd the call returned)
 *   umask MASK VERB ARGS...    sets the umask first; prints "mode: 0NNN",
 *                              the mode of the fd's file (of the directory
 *                              for mkdir)
 *
 * Calls that change the tree, raw too ("VERB: OK" or "VERB: ENAME"):
 *
 *   mkdir PATH                 mkdir(2), mode 0777
 *   unlink PATH                unlink(2)
 *   rename FROM TO             rename(2)
 *
 * Races: a second thread keeps changing what a name means while the main
 * thread opens it N times. An open counts as a win when the fd is the
 * secret file (same device and inode as stat() says, stat not being a
 * notified call). Two lines:
 *
 *   wins: K of N
 *   seen: allowed=A secret=K other=O ENAME=C...
 *
 * (other: an fd of some other file; then one count per errno, in errno
 * order, only those that occurred)
 *
 *   race-bytes N ALLOWED SECRET    the path buffer is rewritten between
 *                                  ALLOWED and SECRET (same length)
 *   race-cwd N DIR_A DIR_B NAME    the cwd is switched between DIR_A and
 *                                  DIR_B (fchdir); NAME is opened relative
 *   race-dirfd N DIR_A DIR_B NAME  one fd number is made a dirfd of DIR_A,
 *                                  then of DIR_B (dup3); openat(fd, NAME)
 *
 * The secret of race-cwd and race-dirfd is DIR_B/NAME, the allowed file
 * DIR_A/NAME. Exit status 0 unless the usage is wrong (1). Built without
 * sanitizers (tests/CMakeLists.txt).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HELPER_NAME "path_attack"
#include "helper.h"

/* Debian 12's headers have these; older ones may not. */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef RESOLVE_CACHED
#define RESOLVE_CACHED 0x20
#endif

#define CREATE_MODE 0666
#define READ_MAX    64

/* What a successful open verb prints. */
enum show {
        SHOW_READ,
        SHOW_CLOEXEC,
        SHOW_MODE,
};

static enum show show = SHOW_READ;

static const struct {
        const char *name;
        int flag;
} open_flag_names[] = {
    {"rdonly", O_RDONLY},     {"wronly", O_WRONLY},       {"rdwr", O_RDWR},
    {"creat", O_CREAT},       {"excl", O_EXCL},           {"trunc", O_TRUNC},
    {"append", O_APPEND},     {"directory", O_DIRECTORY}, {"path", O_PATH},
    {"nofollow", O_NOFOLLOW}, {"cloexec", O_CLOEXEC},     {"tmpfile", O_TMPFILE},
};

static const struct {
        const char *name;
        uint64_t flag;
} resolve_names[] = {
    {"beneath", RESOLVE_BENEATH},
    {"in-root", RESOLVE_IN_ROOT},
    {"no-symlinks", RESOLVE_NO_SYMLINKS},
    {"no-magiclinks", RESOLVE_NO_MAGICLINKS},
    {"no-xdev", RESOLVE_NO_XDEV},
    {"cached", RESOLVE_CACHED},
    {"none", 0},
};

/* Looks up each ','- or '|'-separated word of s in a table of names. */
#define PARSE_WORDS(s, table, what, result)                                                        \
        do {                                                                                       \
                const char *p_ = (s);                                                              \
                while (*p_) {                                                                      \
                        size_t len_ = strcspn(p_, "|,"), i_;                                       \
                        for (i_ = 0; i_ < sizeof(table) / sizeof(table[0]); i_++)                  \
                                if (strlen(table[i_].name) == len_ &&                              \
                                    strncmp(table[i_].name, p_, len_) == 0)                        \
                                        break;                                                     \
                        if (i_ == sizeof(table) / sizeof(table[0]))                                \
                                usage_error("unknown %s in \"%s\"", what, s);                      \
                        (result) |= table[i_].flag;                                                \
                        p_ += len_;                                                                \
                        if (*p_)                                                                   \
                                p_++;                                                              \
                }                                                                                  \
        } while (0)

static int parse_open_flags(const char *s)
{
        int flags = O_RDONLY;

        if (s)
                PARSE_WORDS(s, open_flag_names, "open flag", flags);
        return flags;
}

static uint64_t parse_resolve(const char *s)
{
        uint64_t resolve = 0;

        if (s)
                PARSE_WORDS(s, resolve_names, "resolve flag", resolve);
        return resolve;
}

static long count_arg(const char *s)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 10000000)
                usage_error("not a count: \"%s\"", s);
        return v;
}

/* A copy of path with "@PID@" and "@TID@" replaced; static storage. */
static const char *expand(const char *path)
{
        static char out[PATH_MAX];
        char pid[24], tid[24];
        size_t n = 0;

        snprintf(pid, sizeof(pid), "%d", (int)getpid());
        snprintf(tid, sizeof(tid), "%d", (int)gettid());
        for (const char *p = path; *p;) {
                const char *piece = NULL;
                size_t skip = 1, len = 1;
                if (strncmp(p, "@PID@", 5) == 0) {
                        piece = pid;
                        skip = 5;
                } else if (strncmp(p, "@TID@", 5) == 0) {
                        piece = tid;
                        skip = 5;
                }
                if (piece)
                        len = strlen(piece);
                if (n + len >= sizeof(out))
                        usage_error("path too long: \"%s\"", path);
                memcpy(out + n, piece ? piece : p, len);
                n += len;
                p += skip;
        }
        out[n] = '\0';
        return out;
}

/* A dirfd for DIR, or AT_FDCWD for "-"; opened with openat(2), so it is a
 * notified call like any other. */
static int open_dir(const char *dir)
{
        if (strcmp(dir, "-") == 0)
                return AT_FDCWD;
        return (int)syscall(SYS_openat, AT_FDCWD, expand(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Prints the first bytes of fd, printable, on one line. */
static void print_read(int fd)
{
        char buf[READ_MAX], line[4 * READ_MAX + 1];
        ssize_t n = read(fd, buf, sizeof(buf));
        size_t used = 0;

        if (n < 0) {
                say("read: %s", errno_name(errno));
                return;
        }
        if (n > 0 && buf[n - 1] == '\n')
                n--;
        for (ssize_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)buf[i];
                if (c >= 0x20 && c < 0x7f && c != '\\')
                        line[used++] = (char)c;
                else
                        used += (size_t)snprintf(line + used, sizeof(line) - used, "\\x%02x", c);
        }
        line[used] = '\0';
        say("read: %s", line);
}

/* The line for an open verb's result: fd, or -1 with errno set. */
static void report_open(const char *verb, long fd, int flags)
{
        struct stat st;

        if (fd < 0) {
                say("%s: %s", verb, errno_name(errno));
                return;
        }
        switch (show) {
        case SHOW_CLOEXEC: {
                int fdflags = fcntl((int)fd, F_GETFD);
                if (fdflags < 0)
                        say("cloexec: F_GETFD: %s", errno_name(errno));
                else
                        say("cloexec: %s", fdflags & FD_CLOEXEC ? "set" : "unset");
                break;
        }
        case SHOW_MODE:
                if (fstat((int)fd, &st) < 0)
                        say("mode: fstat: %s", errno_name(errno));
                else
                        say("mode: %04o", (unsigned)(st.st_mode & 07777));
                break;
        case SHOW_READ:
                if ((flags & O_ACCMODE) == O_WRONLY || (flags & O_PATH))
                        say("%s: OK", verb);
                else
                        print_read((int)fd);
                break;
        }
        close((int)fd);
}

static int verb_open(int argc, char **argv)
{
        int flags = parse_open_flags(argc > 2 ? argv[2] : NULL);

        report_open("open", syscall(SYS_open, expand(argv[1]), flags, CREATE_MODE), flags);
        return 0;
}

static int verb_openat(int argc, char **argv)
{
        int flags = parse_open_flags(argc > 3 ? argv[3] : NULL);
        int dirfd = open_dir(argv[1]);

        if (dirfd == -1) {
                say("openat: dirfd: %s", errno_name(errno));
                return 0;
        }
        report_open("openat", syscall(SYS_openat, dirfd, expand(argv[2]), flags, CREATE_MODE),
                    flags);
        return 0;
}

static int verb_openat2(int argc, char **argv)
{
        int flags = parse_open_flags(argc > 3 ? argv[3] : NULL);
        struct open_how how = {
            .flags = (uint64_t)(unsigned)flags,
            /* openat2 refuses a mode that nothing will use. */
            .mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? CREATE_MODE : 0,
            .resolve = parse_resolve(argc > 4 ? argv[4] : NULL),
        };
        int dirfd = open_dir(argv[1]);

        if (dirfd == -1) {
                say("openat2: dirfd: %s", errno_name(errno));
                return 0;
        }
        report_open("openat2", syscall(SYS_openat2, dirfd, expand(argv[2]), &how, sizeof(how)),
                    flags);
        return 0;
}

static int verb_creat(int argc, char **argv)
{
        report_open("creat", syscall(SYS_creat, expand(argv[1]), CREATE_MODE), O_WRONLY);
        return 0;
}

static int verb_fdpath(int argc, char **argv)
{
        int flags = parse_open_flags(argc > 4 ? argv[4] : NULL);
        int dirfd = open_dir(argv[1]);
        char path[PATH_MAX];

        if (dirfd == -1 || dirfd == AT_FDCWD) {
                say("fdpath: dirfd: %s", dirfd == -1 ? errno_name(errno) : "not a directory");
                return 0;
        }
        if ((size_t)snprintf(path, sizeof(path), "%s%d%s", argv[2], dirfd, argv[3]) >= sizeof(path))
                usage_error("fdpath: path too long");
        report_open("open", syscall(SYS_open, expand(path), flags, CREATE_MODE), flags);
        return 0;
}

static int verb_detached(int argc, char **argv)
{
        int flags = parse_open_flags(argc > 3 ? argv[3] : NULL);
        long tree = syscall(SYS_open_tree, AT_FDCWD, expand(argv[1]),
                            OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

        if (tree < 0) {
                say("detached: open_tree: %s", errno_name(errno));
                return 0;
        }
        report_open("openat", syscall(SYS_openat, tree, expand(argv[2]), flags, CREATE_MODE),
                    flags);
        return 0;
}

static void report_change(const char *verb, long r, const char *path)
{
        struct stat st;

        if (r < 0)
                say("%s: %s", verb, errno_name(errno));
        else if (show == SHOW_MODE && path && lstat(path, &st) == 0)
                say("mode: %04o", (unsigned)(st.st_mode & 07777));
        else
                say("%s: OK", verb);
}

static int verb_mkdir(int argc, char **argv)
{
        const char *path = expand(argv[1]);

        report_change("mkdir", syscall(SYS_mkdir, path, 0777), path);
        return 0;
}

static int verb_unlink(int argc, char **argv)
{
        report_change("unlink", syscall(SYS_unlink, expand(argv[1])), NULL);
        return 0;
}

static int verb_rename(int argc, char **argv)
{
        char from[PATH_MAX];

        snprintf(from, sizeof(from), "%s", expand(argv[1]));
        report_change("rename", syscall(SYS_rename, from, expand(argv[2])), NULL);
        return 0;
}

/* The races. */

static struct {
        atomic_bool stop;
        atomic_bool started;
        /* race-bytes */
        char buf[PATH_MAX];
        const char *a, *b;
        size_t len;
        /* race-cwd and race-dirfd */
        int fd_a, fd_b, fixed;
} race;

struct race_counts {
        long allowed, secret, other_file;
        long errors[4096];
};

static void race_started(void)
{
        atomic_store_explicit(&race.started, true, memory_order_release);
}

static bool race_going(void)
{
        return !atomic_load_explicit(&race.stop, memory_order_relaxed);
}

/*
 * How long the flipper keeps one state: from nothing to about 2^16 spins,
 * log-uniformly at random. A flipper that only ever flips as fast as it can
 * mostly loses to the scheduler on a small machine; one with a fixed pace
 * fits one machine's window between the supervisor's read and the kernel's.
 * Holds of every length make the race land on any machine. A pace, not a
 * synchronisation: nothing waits for anything.
 */
static void hold(void)
{
        static __thread uint32_t x = 2463534242u;
        uint32_t spins;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        spins = 1u << (x % 17);
        for (uint32_t i = 0; i < spins; i++)
                __asm__ volatile("" ::: "memory");
}

static void *flip_bytes(void *unused)
{
        (void)unused;
        race_started();
        while (race_going()) {
                memcpy(race.buf, race.a, race.len);
                /* Both copies must happen: with equal lengths the first
                 * would otherwise be a dead store. */
                __asm__ volatile("" ::: "memory");
                hold();
                memcpy(race.buf, race.b, race.len);
                __asm__ volatile("" ::: "memory");
                hold();
        }
        return NULL;
}

static void *flip_cwd(void *unused)
{
        (void)unused;
        race_started();
        while (race_going()) {
                if (fchdir(race.fd_a) < 0)
                        break;
                hold();
                if (fchdir(race.fd_b) < 0)
                        break;
                hold();
        }
        if (race_going())
                usage_error("race-cwd: fchdir: %s", strerror(errno));
        return NULL;
}

static void *flip_dirfd(void *unused)
{
        (void)unused;
        race_started();
        while (race_going()) {
                if (dup3(race.fd_a, race.fixed, O_CLOEXEC) < 0)
                        break;
                hold();
                if (dup3(race.fd_b, race.fixed, O_CLOEXEC) < 0)
                        break;
                hold();
        }
        if (race_going())
                usage_error("race-dirfd: dup3: %s", strerror(errno));
        return NULL;
}

static void stat_or_die(const char *what, const char *path, struct stat *st)
{
        if (stat(path, st) < 0)
                usage_error("%s: %s: %s", what, path, strerror(errno));
}

static bool same_file(const struct stat *x, const struct stat *y)
{
        return x->st_dev == y->st_dev && x->st_ino == y->st_ino;
}

/* Runs the race: flipper in a thread, n opens made by open_once. */
static void run_race(const char *verb, long n, void *(*flipper)(void *), long (*open_once)(void),
                     const struct stat *allowed, const struct stat *secret)
{
        static struct race_counts c;
        pthread_t thread;
        char line[512];
        size_t used;

        if (pthread_create(&thread, NULL, flipper, NULL) != 0)
                usage_error("%s: pthread_create failed", verb);
        while (!atomic_load_explicit(&race.started, memory_order_acquire))
                ;
        for (long i = 0; i < n; i++) {
                long fd = open_once();
                struct stat st;
                if (fd < 0) {
                        c.errors[errno > 0 && errno < 4096 ? errno : 0]++;
                        continue;
                }
                if (fstat((int)fd, &st) < 0)
                        usage_error("%s: fstat: %s", verb, strerror(errno));
                if (same_file(&st, secret))
                        c.secret++;
                else if (same_file(&st, allowed))
                        c.allowed++;
                else
                        c.other_file++;
                close((int)fd);
        }
        atomic_store(&race.stop, true);
        pthread_join(thread, NULL);

        say("wins: %ld of %ld", c.secret, n);
        used = (size_t)snprintf(line, sizeof(line), "seen: allowed=%ld secret=%ld other=%ld",
                                c.allowed, c.secret, c.other_file);
        for (int e = 0; e < 4096 && used < sizeof(line); e++)
                if (c.errors[e])
                        used += (size_t)snprintf(line + used, sizeof(line) - used, " %s=%ld",
                                                 e ? errno_name(e) : "E?", c.errors[e]);
        say("%s", line);
}

static long open_bytes(void)
{
        return syscall(SYS_openat, AT_FDCWD, race.buf, O_RDONLY | O_CLOEXEC);
}

static long open_relative(void)
{
        return syscall(SYS_openat, AT_FDCWD, race.a, O_RDONLY | O_CLOEXEC);
}

static long open_fixed(void)
{
        return syscall(SYS_openat, race.fixed, race.a, O_RDONLY | O_CLOEXEC);
}

static int verb_race_bytes(int argc, char **argv)
{
        long n = count_arg(argv[1]);
        struct stat allowed, secret;

        race.a = argv[2];
        race.b = argv[3];
        race.len = strlen(race.a) + 1;
        if (race.len != strlen(race.b) + 1 || race.len > sizeof(race.buf))
                usage_error("race-bytes: the two paths must have the same length");
        stat_or_die("race-bytes", race.a, &allowed);
        stat_or_die("race-bytes", race.b, &secret);
        memcpy(race.buf, race.a, race.len);
        run_race("race-bytes", n, flip_bytes, open_bytes, &allowed, &secret);
        return 0;
}

/* Opens DIR_A and DIR_B for race-cwd and race-dirfd, and stats the files
 * NAME names in each. */
static void race_dirs(const char *verb, char **argv, struct stat *allowed, struct stat *secret)
{
        race.fd_a = open_dir(argv[2]);
        race.fd_b = open_dir(argv[3]);
        if (race.fd_a < 0 || race.fd_b < 0)
                usage_error("%s: cannot open the directories: %s", verb, strerror(errno));
        race.a = argv[4];
        if (fstatat(race.fd_a, race.a, allowed, 0) < 0 || fstatat(race.fd_b, race.a, secret, 0) < 0)
                usage_error("%s: %s: %s", verb, race.a, strerror(errno));
}

static int verb_race_cwd(int argc, char **argv)
{
        long n = count_arg(argv[1]);
        struct stat allowed, secret;

        race_dirs("race-cwd", argv, &allowed, &secret);
        run_race("race-cwd", n, flip_cwd, open_relative, &allowed, &secret);
        return 0;
}

static int verb_race_dirfd(int argc, char **argv)
{
        long n = count_arg(argv[1]);
        struct stat allowed, secret;

        race_dirs("race-dirfd", argv, &allowed, &secret);
        race.fixed = fcntl(race.fd_a, F_DUPFD_CLOEXEC, 100);
        if (race.fixed < 0)
                usage_error("race-dirfd: F_DUPFD: %s", strerror(errno));
        run_race("race-dirfd", n, flip_dirfd, open_fixed, &allowed, &secret);
        return 0;
}

struct verb {
        const char *name;
        int min_args, max_args; /* after the verb name */
        int (*run)(int argc, char **argv);
        const char *usage;
};

static const struct verb verbs[] = {
    {"open", 1, 2, verb_open, "open PATH [FLAGS]"},
    {"openat", 2, 3, verb_openat, "openat DIR|- NAME [FLAGS]"},
    {"openat2", 2, 4, verb_openat2, "openat2 DIR|- NAME [FLAGS [RESOLVE]]"},
    {"creat", 1, 1, verb_creat, "creat PATH"},
    {"fdpath", 3, 4, verb_fdpath, "fdpath DIR PREFIX SUFFIX [FLAGS]"},
    {"detached", 2, 3, verb_detached, "detached DIR NAME [FLAGS]"},
    {"mkdir", 1, 1, verb_mkdir, "mkdir PATH"},
    {"unlink", 1, 1, verb_unlink, "unlink PATH"},
    {"rename", 2, 2, verb_rename, "rename FROM TO"},
    {"race-bytes", 3, 3, verb_race_bytes, "race-bytes N ALLOWED SECRET"},
    {"race-cwd", 4, 4, verb_race_cwd, "race-cwd N DIR_A DIR_B NAME"},
    {"race-dirfd", 4, 4, verb_race_dirfd, "race-dirfd N DIR_A DIR_B NAME"},
};

static void print_usage(void)
{
        fputs("Usage: path_attack [cloexec | umask MASK] VERB [ARGS...]\n"
              "Verbs (see tests/helper/path_attack.c for what each prints):\n",
              stdout);
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                printf("  %s\n", verbs[i].usage);
}

int main(int argc, char **argv)
{
        int i = 1;

        if (argc < 2) {
                print_usage();
                return 1;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                print_usage();
                return 0;
        }
        for (;;) {
                if (i < argc && strcmp(argv[i], "cloexec") == 0) {
                        show = SHOW_CLOEXEC;
                        i++;
                } else if (i + 1 < argc && strcmp(argv[i], "umask") == 0) {
                        char *end;
                        unsigned long mask = strtoul(argv[i + 1], &end, 8);
                        if (*argv[i + 1] == '\0' || *end != '\0' || mask > 0777)
                                usage_error("umask: not an octal mask: \"%s\"", argv[i + 1]);
                        umask((mode_t)mask);
                        show = SHOW_MODE;
                        i += 2;
                } else {
                        break;
                }
        }
        if (i >= argc)
                usage_error("no verb (try --help)");
        for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
                if (strcmp(verbs[v].name, argv[i]) != 0)
                        continue;
                int n = argc - i - 1;
                if (n < verbs[v].min_args || n > verbs[v].max_args)
                        usage_error("usage: path_attack %s", verbs[v].usage);
                return verbs[v].run(n + 1, argv + i);
        }
        usage_error("unknown verb \"%s\" (try --help)", argv[i]);
}
