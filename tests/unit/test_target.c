/* SPDX-License-Identifier: MIT */
/*
 * Reading real processes. Each test forks a child that prepares its own
 * memory, cwd or fds, reports what it did through a pipe and then blocks
 * reading another pipe until the test closes it: the child is stopped in a
 * known state while we read it, with no sleeping.
 *
 * Children never call cmocka: they report failures in their exit status or
 * in the report, and the test asserts on those.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <seccomp.h>

#include "core/target.h"

static char tmpdir[PATH_MAX]; /* canonical, as /proc shows it */
static char subdir[PATH_MAX]; /* tmpdir/sub */

/* Changed in the child after fork; the parent's copy keeps the original. */
static char long_string[64] = "written by the parent";

/* What a child tells the test once it is ready. */
struct report {
        int err; /* 0, or the errno of the step that failed */
        int dirfd;
        int other_fd;
        uint64_t spanning;      /* a string that crosses from one mapped page to the next */
        uint64_t at_page_end;   /* a string whose NUL is the last byte before an unmapped page */
        uint64_t unterminated;  /* bytes up to an unmapped page with no NUL among them */
        uint64_t unmapped;      /* an address with nothing mapped */
        uint64_t relative_path; /* "rel/./x" */
        uint64_t absolute_path; /* "/etc//passwd" */
        uint64_t sockaddr;      /* a struct sockaddr_in for 127.0.0.1:4242 */
        /* setup_sockets(): sockets of each kind, and what names peers. */
        int udp4, udp6, unix_dgram;
        uint64_t unspec;   /* AF_UNSPEC, with 10.0.0.1:53 where IPv4 has its address */
        uint64_t msg;      /* a struct msghdr naming 127.0.0.1:4242 */
        uint64_t mmsg;     /* three struct mmsghdr: 127.0.0.1:4242, no name, AF_UNSPEC */
        uint64_t sun_dots; /* a unix path address "./sub/../sub/s.sock", relative */
};

struct child {
        pid_t pid;
        int release_fd;
};

typedef int (*child_setup_fn)(struct report *report);

static void write_all(int fd, const void *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, buf, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        _exit(99);
                buf = (const char *)buf + n;
                len -= (size_t)n;
        }
}

static size_t read_all(int fd, void *buf, size_t len)
{
        size_t done = 0;

        while (done < len) {
                ssize_t n = read(fd, (char *)buf + done, len - done);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                done += (size_t)n;
        }
        return done;
}

/* Forks a child that runs setup, reports, and waits until stop_child(). */
static struct report start_child(child_setup_fn setup, struct child *ret_child)
{
        struct report report = {.dirfd = -1, .other_fd = -1};
        int ready[2], release[2];
        pid_t pid;

        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        assert_int_equal(pipe2(release, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char c;

                close(ready[0]);
                close(release[1]);
                report.err = setup(&report);
                write_all(ready[1], &report, sizeof(report));
                /* Blocks until the test closes its end (or exits). */
                while (read(release[0], &c, 1) < 0 && errno == EINTR)
                        ;
                _exit(0);
        }
        close(ready[1]);
        close(release[0]);
        assert_int_equal(read_all(ready[0], &report, sizeof(report)), sizeof(report));
        close(ready[0]);
        ret_child->pid = pid;
        ret_child->release_fd = release[1];
        if (report.err != 0)
                fail_msg("child setup failed: %s", strerror(report.err));
        return report;
}

static void stop_child(struct child *child)
{
        int status;

        close(child->release_fd);
        assert_int_equal(waitpid(child->pid, &status, 0), child->pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * Lays out five pages: 0 and 1 mapped, 2 unmapped, 3 mapped and full of
 * 'x', 4 unmapped. Used by the memory child and by the fallback test.
 */
static int lay_out_pages(struct report *report)
{
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        static const char edge[] = "at the edge";
        char *p;

        p = mmap(NULL, 5 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                return errno;
        if (munmap(p + 2 * page, page) < 0 || munmap(p + 4 * page, page) < 0)
                return errno;

        strcpy(p + page - 5, "crosses into the next page");
        memcpy(p + 2 * page - sizeof(edge), edge, sizeof(edge));
        memset(p + 3 * page, 'x', page);

        report->spanning = (uintptr_t)(p + page - 5);
        report->at_page_end = (uintptr_t)(p + 2 * page - sizeof(edge));
        report->unterminated = (uintptr_t)(p + 4 * page - 10);
        report->unmapped = (uintptr_t)(p + 2 * page);
        return 0;
}

static int setup_memory(struct report *report)
{
        strcpy(long_string, "written by the child, long enough to overflow");
        return lay_out_pages(report);
}

static void test_read_string_reads_the_childs_memory(void **state)
{
        struct child child;
        char buf[PATH_MAX];

        start_child(setup_memory, &child);
        assert_int_equal(target_read_string(child.pid, (uintptr_t)long_string, buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "written by the child, long enough to overflow");
        assert_string_equal(long_string, "written by the parent");
        stop_child(&child);
}

static void test_read_string_crossing_a_page_boundary(void **state)
{
        struct child child;
        struct report report = start_child(setup_memory, &child);
        char buf[PATH_MAX];

        assert_int_equal(target_read_string(child.pid, report.spanning, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "crosses into the next page");
        stop_child(&child);
}

static void test_read_string_ending_just_before_an_unmapped_page(void **state)
{
        struct child child;
        struct report report = start_child(setup_memory, &child);
        char buf[PATH_MAX];

        assert_int_equal(target_read_string(child.pid, report.at_page_end, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "at the edge");
        stop_child(&child);
}

static void test_read_string_faults(void **state)
{
        struct child child;
        struct report report = start_child(setup_memory, &child);
        char buf[PATH_MAX];

        assert_int_equal(target_read_string(child.pid, report.unmapped, buf, sizeof(buf)), -EFAULT);
        assert_string_equal(buf, "");
        assert_int_equal(target_read_string(child.pid, 0, buf, sizeof(buf)), -EFAULT);
        /* No NUL before the memory ends. */
        assert_int_equal(target_read_string(child.pid, report.unterminated, buf, sizeof(buf)),
                         -EFAULT);
        assert_string_equal(buf, "");
        stop_child(&child);
}

static void test_read_string_too_long(void **state)
{
        struct child child;
        char buf[16];

        start_child(setup_memory, &child);
        memset(buf, '#', sizeof(buf));
        assert_int_equal(target_read_string(child.pid, (uintptr_t)long_string, buf, sizeof(buf)),
                         -ENAMETOOLONG);
        assert_string_equal(buf, "written by the ");
        /* Even an empty string needs room for its NUL. */
        assert_int_equal(target_read_string(child.pid, (uintptr_t)long_string, buf, 1),
                         -ENAMETOOLONG);
        assert_string_equal(buf, "");
        stop_child(&child);
}

static void test_read_string_exact_fit(void **state)
{
        struct child child;
        const char *expected = "written by the child, long enough to overflow";
        char buf[PATH_MAX];

        start_child(setup_memory, &child);
        assert_int_equal(
            target_read_string(child.pid, (uintptr_t)long_string, buf, strlen(expected) + 1), 0);
        assert_string_equal(buf, expected);
        assert_int_equal(
            target_read_string(child.pid, (uintptr_t)long_string, buf, strlen(expected)),
            -ENAMETOOLONG);
        assert_int_equal(strlen(buf), strlen(expected) - 1);
        assert_int_equal(target_read_string(child.pid, (uintptr_t)long_string, buf, 0), -EINVAL);
        stop_child(&child);
}

static void test_read_memory_is_exact(void **state)
{
        struct child child;
        struct report report = start_child(setup_memory, &child);
        char buf[16];

        assert_int_equal(target_read_memory(child.pid, report.unterminated, buf, 10), 0);
        assert_memory_equal(buf, "xxxxxxxxxx", 10);
        /* One byte too many runs into the unmapped page. */
        assert_int_equal(target_read_memory(child.pid, report.unterminated, buf, 11), -EFAULT);
        assert_int_equal(target_read_memory(child.pid, report.unmapped, buf, 1), -EFAULT);
        stop_child(&child);
}

/*
 * With process_vm_readv() refused by a seccomp filter, reads go through
 * /proc/PID/mem. Runs in a child (the filter cannot be removed) that reads
 * its own memory and exits with the number of the first check that failed.
 */
static int check_fallback(void)
{
        struct report report = {0};
        char buf[PATH_MAX];
        char small[8];
        scmp_filter_ctx ctx;
        pid_t self = getpid();

        ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (ctx == NULL ||
            seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(process_vm_readv), 0) < 0 ||
            seccomp_load(ctx) < 0)
                return 1;
        seccomp_release(ctx);
        if (lay_out_pages(&report) != 0)
                return 2;
        {
                struct iovec local = {.iov_base = buf, .iov_len = 1};
                struct iovec remote = {.iov_base = (void *)(uintptr_t)report.spanning,
                                       .iov_len = 1};

                if (process_vm_readv(self, &local, 1, &remote, 1, 0) != -1 || errno != ENOSYS)
                        return 3;
        }
        if (target_read_string(self, report.spanning, buf, sizeof(buf)) != 0 ||
            strcmp(buf, "crosses into the next page") != 0)
                return 4;
        if (target_read_string(self, report.at_page_end, buf, sizeof(buf)) != 0 ||
            strcmp(buf, "at the edge") != 0)
                return 5;
        if (target_read_string(self, report.unmapped, buf, sizeof(buf)) != -EFAULT)
                return 6;
        if (target_read_string(self, report.unterminated, buf, sizeof(buf)) != -EFAULT)
                return 7;
        if (target_read_string(self, report.spanning, small, sizeof(small)) != -ENAMETOOLONG ||
            strcmp(small, "crosses") != 0)
                return 8;
        if (target_read_memory(self, report.unterminated, buf, 10) != 0 ||
            memcmp(buf, "xxxxxxxxxx", 10) != 0)
                return 9;
        if (target_read_memory(self, report.unterminated, buf, 11) != -EFAULT)
                return 10;
        return 0;
}

static void test_reads_fall_back_to_proc_pid_mem(void **state)
{
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                _exit(check_fallback());
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) != 0)
                fail_msg("fallback check %d failed", WEXITSTATUS(status));
}

static int setup_cwd_and_fds(struct report *report)
{
        if (chdir(tmpdir) < 0)
                return errno;
        report->dirfd = open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (report->dirfd < 0)
                return errno;
        report->other_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (report->other_fd < 0)
                return errno;
        return 0;
}

static void assert_resolves(pid_t pid, int dirfd, const char *path, const char *expected_in_tmp,
                            const char *expected_absolute)
{
        char buf[PATH_MAX];
        char expected[PATH_MAX];

        int n = expected_in_tmp != NULL
                    ? snprintf(expected, sizeof(expected), "%s%s", tmpdir, expected_in_tmp)
                    : snprintf(expected, sizeof(expected), "%s", expected_absolute);
        assert_true(n >= 0 && (size_t)n < sizeof(expected));
        assert_int_equal(target_resolve_path(pid, dirfd, path, buf, sizeof(buf)), 0);
        assert_string_equal(buf, expected);
}

static void test_resolve_relative_to_the_childs_cwd(void **state)
{
        struct child child;

        start_child(setup_cwd_and_fds, &child);
        assert_resolves(child.pid, AT_FDCWD, "file", "/file", NULL);
        assert_resolves(child.pid, AT_FDCWD, "a/./b//c/../d", "/a/b/d", NULL);
        assert_resolves(child.pid, AT_FDCWD, "sub/", "/sub", NULL);
        assert_resolves(child.pid, AT_FDCWD, "", "", NULL);
        assert_resolves(child.pid, AT_FDCWD, ".", "", NULL);
        stop_child(&child);
}

static void test_resolve_relative_to_a_dirfd(void **state)
{
        struct child child;
        struct report report = start_child(setup_cwd_and_fds, &child);

        assert_resolves(child.pid, report.dirfd, "x/y", "/sub/x/y", NULL);
        assert_resolves(child.pid, report.dirfd, "../sub/./z/", "/sub/z", NULL);
        /* AT_EMPTY_PATH: the dirfd's own path. */
        assert_resolves(child.pid, report.dirfd, "", "/sub", NULL);
        /* An absolute path ignores the dirfd. */
        assert_resolves(child.pid, report.dirfd, "/abs", NULL, "/abs");
        stop_child(&child);
}

static void test_resolve_folds_dots_in_absolute_paths(void **state)
{
        struct child child;

        start_child(setup_cwd_and_fds, &child);
        assert_resolves(child.pid, AT_FDCWD, "/etc/../usr//bin/", NULL, "/usr/bin");
        assert_resolves(child.pid, AT_FDCWD, "/", NULL, "/");
        assert_resolves(child.pid, AT_FDCWD, "//..//./", NULL, "/");
        assert_resolves(child.pid, AT_FDCWD, "/a/.../b/..", NULL, "/a/...");
        /* ".." stops at the root. */
        assert_resolves(child.pid, AT_FDCWD, "../../../../../../../../../../../../etc", NULL,
                        "/etc");
        stop_child(&child);
}

static void test_resolve_errors(void **state)
{
        struct child child;
        struct report report = start_child(setup_cwd_and_fds, &child);
        char buf[PATH_MAX];
        char *long_path = malloc(2 * PATH_MAX);

        assert_non_null(long_path);
        assert_int_equal(target_resolve_path(child.pid, 999, "x", buf, sizeof(buf)), -EBADF);
        assert_int_equal(target_resolve_path(child.pid, -5, "x", buf, sizeof(buf)), -EBADF);
        /* A socket has no directory path. */
        assert_int_equal(target_resolve_path(child.pid, report.other_fd, "x", buf, sizeof(buf)),
                         -ENOENT);

        /* A path the kernel itself would refuse. */
        memset(long_path, 'a', PATH_MAX);
        long_path[PATH_MAX] = '\0';
        assert_int_equal(target_resolve_path(child.pid, AT_FDCWD, long_path, buf, sizeof(buf)),
                         -ENAMETOOLONG);
        /* A path that is short enough but too long once joined to the cwd. */
        for (size_t i = 0; i < PATH_MAX - 2; i += 2)
                memcpy(long_path + i, "a/", 2);
        long_path[PATH_MAX - 2] = '\0';
        assert_int_equal(target_resolve_path(child.pid, AT_FDCWD, long_path, buf, sizeof(buf)),
                         -ENAMETOOLONG);
        /* ...unless ".." folds it back: only the result has to fit. */
        for (size_t i = 0; i < 800; i++)
                memcpy(long_path + 5 * i, "a/../", 5);
        strcpy(long_path + 5 * 800, "b");
        assert_resolves(child.pid, AT_FDCWD, long_path, "/b", NULL);
        /* A result that does not fit the caller's buffer. */
        assert_int_equal(target_resolve_path(child.pid, AT_FDCWD, "x", buf, 4), -ENAMETOOLONG);
        free(long_path);
        stop_child(&child);
}

/*
 * chroot() into tmp/sub after opening tmp: absolute paths are taken from the
 * new root and ".." stops there, but the fd opened before still names a
 * directory outside it, from which ".." climbs freely. Falls back to a new
 * user namespace when not privileged.
 */
static int setup_chroot(struct report *report)
{
        if (chdir(tmpdir) < 0)
                return errno;
        report->dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (report->dirfd < 0)
                return errno;
        if (chroot("sub") < 0) {
                if (errno != EPERM)
                        return errno;
                if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0 || chroot("sub") < 0)
                        return errno;
        }
        if (chdir("/") < 0)
                return errno;
        return 0;
}

static void test_resolve_in_a_chrooted_target(void **state)
{
        struct child child;
        struct report report = start_child(setup_chroot, &child);
        char parent_of_tmp[PATH_MAX];

        assert_resolves(child.pid, AT_FDCWD, "/etc/passwd", "/sub/etc/passwd", NULL);
        assert_resolves(child.pid, AT_FDCWD, "/../../etc", "/sub/etc", NULL);
        assert_resolves(child.pid, AT_FDCWD, "../../x", "/sub/x", NULL);
        assert_resolves(child.pid, AT_FDCWD, "", "/sub", NULL);
        assert_resolves(child.pid, report.dirfd, "y", "/y", NULL);

        snprintf(parent_of_tmp, sizeof(parent_of_tmp), "%s", tmpdir);
        *strrchr(parent_of_tmp, '/') = '\0';
        strcat(parent_of_tmp, "/z");
        assert_resolves(child.pid, report.dirfd, "../z", NULL, parent_of_tmp);
        stop_child(&child);
}

/* Runs /bin/sh with known arguments; returns once the shell is running. */
static pid_t start_shell(int *ret_stdin_fd)
{
        int in[2], out[2];
        char line[16];
        pid_t pid;

        assert_int_equal(pipe2(in, O_CLOEXEC), 0);
        assert_int_equal(pipe2(out, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
                        _exit(127);
                execl("/bin/sh", "sh", "-c", "echo ready; read line || true", "sh", "two words",
                      "esc\033[31m", (char *)NULL);
                _exit(127);
        }
        close(in[0]);
        close(out[1]);
        /* The shell's own output proves exec finished and its argv is in place. */
        assert_int_equal(read_all(out[0], line, 6), 6);
        assert_memory_equal(line, "ready\n", 6);
        close(out[0]);
        *ret_stdin_fd = in[1];
        return pid;
}

static void stop_shell(pid_t pid, int stdin_fd)
{
        int status;

        close(stdin_fd);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_cmdline_and_exe_of_another_program(void **state)
{
        char buf[PATH_MAX];
        char expected_exe[PATH_MAX];
        int stdin_fd;
        pid_t pid = start_shell(&stdin_fd);

        assert_int_equal(target_read_cmdline(pid, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "sh -c echo ready; read line || true sh two words esc?[31m");

        memset(buf, '#', sizeof(buf));
        assert_int_equal(target_read_cmdline(pid, buf, 8), -ENOSPC);
        assert_string_equal(buf, "sh -c e");
        assert_int_equal(target_read_cmdline(pid, buf, 0), -EINVAL);

        assert_non_null(realpath("/bin/sh", expected_exe));
        assert_int_equal(target_read_exe(pid, buf, sizeof(buf)), 0);
        assert_string_equal(buf, expected_exe);
        assert_int_equal(target_read_exe(pid, buf, strlen(expected_exe)), -ENAMETOOLONG);
        stop_shell(pid, stdin_fd);
}

/* With privilege, every identity unlike the others shows which field is
 * read: real, effective and filesystem ids all differ. */
static int setup_ids(struct report *report)
{
        if (geteuid() != 0)
                return 0;
        if (setresgid(4343, 0, 0) < 0 || setresuid(4242, 0, 0) < 0)
                return errno;
        syscall(SYS_setfsgid, 4545);
        syscall(SYS_setfsuid, 4444);
        return 0;
}

static void test_read_ids(void **state)
{
        struct child child;
        uint32_t ids[POLICY_ID_COUNT] = {0};
        bool root = geteuid() == 0;

        start_child(setup_ids, &child);
        assert_int_equal(target_read_ids(child.pid, ids), 0);
        assert_int_equal(ids[POLICY_ID_UID], root ? 4242 : getuid());
        assert_int_equal(ids[POLICY_ID_EUID], geteuid());
        assert_int_equal(ids[POLICY_ID_FSUID], root ? 4444 : geteuid());
        assert_int_equal(ids[POLICY_ID_GID], root ? 4343 : getgid());
        assert_int_equal(ids[POLICY_ID_EGID], getegid());
        assert_int_equal(ids[POLICY_ID_FSGID], root ? 4545 : getegid());
        stop_child(&child);
}

static void test_a_process_that_is_gone(void **state)
{
        char buf[PATH_MAX];
        uint32_t ids[POLICY_ID_COUNT] = {77};
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                _exit(0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(target_read_ids(pid, ids), -ESRCH);
        assert_int_equal(ids[POLICY_ID_UID], 77);
        assert_int_equal(target_read_string(pid, (uintptr_t)long_string, buf, sizeof(buf)), -ESRCH);
        assert_int_equal(target_resolve_path(pid, AT_FDCWD, "x", buf, sizeof(buf)), -ESRCH);
        assert_int_equal(target_read_cmdline(pid, buf, sizeof(buf)), -ESRCH);
}

/* The strings, fds and socket address a decoded call points at. */
static int setup_call(struct report *report)
{
        static char relative[] = "rel/./x";
        static char absolute[] = "/etc//passwd";
        static struct sockaddr_in sin;
        int r;

        r = setup_cwd_and_fds(report);
        if (r != 0)
                return r;
        sin.sin_family = AF_INET;
        sin.sin_port = htons(4242);
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        report->relative_path = (uintptr_t)relative;
        report->absolute_path = (uintptr_t)absolute;
        report->sockaddr = (uintptr_t)&sin;
        return lay_out_pages(report);
}

static int setup_sockets(struct report *report)
{
        static struct sockaddr_in sin, unspec;
        static struct sockaddr_un sun;
        static struct msghdr msg;
        static struct mmsghdr mmsg[3];
        int r = setup_call(report);

        if (r != 0)
                return r;
        report->udp4 = socket(AF_INET, SOCK_DGRAM, 0);
        report->udp6 = socket(AF_INET6, SOCK_DGRAM, 0);
        report->unix_dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
        if (report->udp4 < 0 || report->udp6 < 0 || report->unix_dgram < 0)
                return errno;
        sin.sin_family = AF_INET;
        sin.sin_port = htons(4242);
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        unspec.sin_family = AF_UNSPEC;
        unspec.sin_port = htons(53);
        unspec.sin_addr.s_addr = htonl(0x0a000001);
        sun.sun_family = AF_UNIX;
        strcpy(sun.sun_path, "./sub/../sub/s.sock");
        msg.msg_name = &sin;
        msg.msg_namelen = sizeof(sin);
        mmsg[0].msg_hdr = msg;
        mmsg[2].msg_hdr.msg_name = &unspec;
        mmsg[2].msg_hdr.msg_namelen = sizeof(unspec);
        report->unspec = (uintptr_t)&unspec;
        report->msg = (uintptr_t)&msg;
        report->mmsg = (uintptr_t)mmsg;
        report->sun_dots = (uintptr_t)&sun;
        return 0;
}

static struct policy_call make_call(pid_t pid, int nr, uint64_t a0, uint64_t a1, uint64_t a2,
                                    uint64_t a3, uint64_t a4, uint64_t a5)
{
        return (struct policy_call){
            .nr = nr,
            .arch = AUDIT_ARCH_X86_64,
            .args = {a0, a1, a2, a3, a4, a5},
            .pid = pid,
        };
}

static void assert_path_in_tmp(const char *path, const char *expected_in_tmp)
{
        char expected[PATH_MAX];

        assert_non_null(path);
        int n = snprintf(expected, sizeof(expected), "%s%s", tmpdir, expected_in_tmp);
        assert_true(n >= 0 && (size_t)n < sizeof(expected));
        assert_string_equal(path, expected);
}

static void test_decode_paths(void **state)
{
        static struct target_scratch scratch;
        struct child child;
        struct report report = start_child(setup_call, &child);
        struct policy_call call;

        call = make_call(child.pid, __NR_openat, (uint64_t)AT_FDCWD, report.relative_path, O_RDONLY,
                         0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_true(call.have_paths);
        assert_int_equal(call.n_paths, 1);
        assert_path_in_tmp(call.paths[0], "/rel/x");
        assert_false(call.have_addr);
        assert_false(call.have_exe);
        assert_false(call.have_ids);

        /* Two paths, each with its own dirfd; the fd's upper 32 bits are ignored as by the
         * kernel. */
        call = make_call(child.pid, __NR_renameat2, 0xffffffff00000000ull | (uint32_t)report.dirfd,
                         report.relative_path, (uint32_t)AT_FDCWD, report.absolute_path, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_int_equal(call.n_paths, 2);
        assert_path_in_tmp(call.paths[0], "/sub/rel/x");
        assert_string_equal(call.paths[1], "/etc/passwd");
        stop_child(&child);
}

static void test_decode_unreadable_paths_are_null(void **state)
{
        static struct target_scratch scratch;
        struct child child;
        struct report report = start_child(setup_call, &child);
        struct policy_call call;

        call = make_call(child.pid, __NR_rename, report.unmapped, report.absolute_path, 0, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_int_equal(call.n_paths, 2);
        assert_null(call.paths[0]);
        assert_string_equal(call.paths[1], "/etc/passwd");

        /* A dirfd the target does not have, and one that is not a directory. */
        call = make_call(child.pid, __NR_renameat, 999, report.relative_path,
                         (uint64_t)report.other_fd, report.relative_path, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_int_equal(call.n_paths, 2);
        assert_null(call.paths[0]);
        assert_null(call.paths[1]);

        /* A call without path arguments decodes to none. */
        call = make_call(child.pid, __NR_read, 0, report.relative_path, 0, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_true(call.have_paths);
        assert_int_equal(call.n_paths, 0);
        stop_child(&child);
}

/* utimensat(fd, NULL, ...) and fanotify_mark(..., dirfd, NULL) act on the fd itself. */
static void test_decode_null_path_naming_the_dirfd(void **state)
{
        static struct target_scratch scratch;
        struct child child;
        struct report report = start_child(setup_call, &child);
        struct policy_call call;

        call = make_call(child.pid, __NR_utimensat, (uint64_t)report.dirfd, 0, 0, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_int_equal(call.n_paths, 1);
        assert_path_in_tmp(call.paths[0], "/sub");

        call = make_call(child.pid, __NR_utimensat, (uint32_t)AT_FDCWD, 0, 0, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_null(call.paths[0]);

        call = make_call(child.pid, __NR_fanotify_mark, 3, 0, 0, (uint32_t)AT_FDCWD, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_path_in_tmp(call.paths[0], "");

        /* Elsewhere NULL is just a fault. */
        call = make_call(child.pid, __NR_openat, (uint64_t)report.dirfd, 0, 0, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch), 0);
        assert_int_equal(call.n_paths, 1);
        assert_null(call.paths[0]);
        stop_child(&child);
}

static void test_decode_socket_address(void **state)
{
        static struct target_scratch scratch;
        struct child child;
        struct report report = start_child(setup_call, &child);
        const struct sockaddr_in *sin;
        struct policy_call call;

        call = make_call(child.pid, __NR_connect, 3, report.sockaddr, sizeof(struct sockaddr_in), 0,
                         0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_true(call.have_addr);
        assert_int_equal(call.addr_len, sizeof(struct sockaddr_in));
        sin = (const struct sockaddr_in *)&call.addr;
        assert_int_equal(sin->sin_family, AF_INET);
        assert_int_equal(ntohs(sin->sin_port), 4242);
        assert_int_equal(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);

        /* sendto's destination is argument 4, its length argument 5. */
        call = make_call(child.pid, __NR_sendto, 3, 0, 0, 0, report.sockaddr, 8);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(call.addr_len, 8);
        assert_int_equal(ntohs(((const struct sockaddr_in *)&call.addr)->sin_port), 4242);
        stop_child(&child);
}

/* An address is read as the kernel reads it for the socket it is sent on. */
static void test_decode_address_for_the_socket(void **state)
{
        static struct target_scratch scratch;
        struct child child;
        struct report report = start_child(setup_sockets, &child);
        const struct sockaddr_in *sin;
        struct policy_call call;

        /* AF_UNSPEC on an IPv4 socket's send is IPv4 (udp_sendmsg). */
        call = make_call(child.pid, __NR_sendto, (uint64_t)report.udp4, 0, 0, 0, report.unspec,
                         sizeof(struct sockaddr_in));
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_true(call.have_addr);
        assert_int_equal(call.sock_domain, AF_INET);
        assert_int_equal(call.sock_type, SOCK_DGRAM);
        assert_int_equal(call.n_addrs, 1);
        assert_false(call.addrs[0].none);
        sin = (const struct sockaddr_in *)&call.addr;
        assert_int_equal(sin->sin_family, AF_INET);
        assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x0a000001);
        /* The socket is held for the call to be performed on. */
        assert_true(scratch.sock_held && scratch.sock_fd >= 0);

        /* On an IPv6 datagram socket it names no peer; a connect with it
         * disconnects, on any socket. */
        call = make_call(child.pid, __NR_sendto, (uint64_t)report.udp6, 0, 0, 0, report.unspec,
                         sizeof(struct sockaddr_in));
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(call.sock_domain, AF_INET6);
        assert_true(call.addrs[0].none);
        call = make_call(child.pid, __NR_connect, (uint64_t)report.udp4, report.unspec,
                         sizeof(struct sockaddr_in), 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_true(call.addrs[0].none);
        assert_int_equal(call.addr_len, 0);

        /* bind takes AF_UNSPEC as AF_INET on an IPv4 socket (inet_bind). */
        call = make_call(child.pid, __NR_bind, (uint64_t)report.udp4, report.unspec,
                         sizeof(struct sockaddr_in), 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(((const struct sockaddr *)&call.addr)->sa_family, AF_INET);

        /* sendmsg's msg_name. */
        call = make_call(child.pid, __NR_sendmsg, (uint64_t)report.udp4, report.msg, 0, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(call.addr_len, sizeof(struct sockaddr_in));
        assert_int_equal(ntohs(((const struct sockaddr_in *)&call.addr)->sin_port), 4242);

        /* sendmmsg: every message's, with vlen as the kernel takes it. */
        call = make_call(child.pid, __NR_sendmmsg, (uint64_t)report.udp4, report.mmsg, 3, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(call.n_addrs, 3);
        assert_false(call.addrs[0].none);
        assert_true(call.addrs[1].none);
        assert_false(call.addrs[2].none);
        assert_int_equal(((const struct sockaddr *)&call.addrs[2].sa)->sa_family, AF_INET);
        call =
            make_call(child.pid, __NR_sendmmsg, (uint64_t)report.udp4, report.unmapped, 3, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_false(call.have_addr);
        assert_int_equal(call.addr_error, EFAULT);

        /* A unix path is resolved for the caller, as file paths are. */
        call = make_call(child.pid, __NR_sendto, (uint64_t)report.unix_dgram, 0, 0, 0,
                         report.sun_dots, sizeof(struct sockaddr_un));
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(call.sock_domain, AF_UNIX);
        assert_non_null(call.unix_path);
        assert_path_in_tmp(call.unix_path, "/sub/s.sock");

        /* A descriptor the caller lacks: no socket to read it by. */
        call = make_call(child.pid, __NR_sendto, 999, 0, 0, 0, report.sockaddr,
                         sizeof(struct sockaddr_in));
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(call.sock_domain, 0);
        assert_true(call.have_addr);
        target_scratch_free(&scratch);
        stop_child(&child);
}

static void test_decode_socket_address_not_decoded(void **state)
{
        static struct target_scratch scratch;
        struct child child;
        struct report report = start_child(setup_call, &child);
        const uint64_t lengths[] = {0, 0xffffffff /* -1 */, sizeof(struct sockaddr_storage) + 1,
                                    0x100000010ull /* 16 in the low bits only */};
        struct policy_call call;

        for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
                call = make_call(child.pid, __NR_bind, 3, report.sockaddr, lengths[i], 0, 0, 0);
                assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
                /* A negative or too long length is the kernel's EINVAL:
                 * unreadable to the rules, and the answer if allowed. */
                assert_int_equal(call.have_addr, i == 0 || i == 3);
                assert_int_equal(call.addr_error, i == 1 || i == 2 ? EINVAL : 0);
                /* The kernel takes the length as an int, so the last one is 16. */
                assert_int_equal(call.addr_len, i == 3 ? 16 : 0);
        }
        call = make_call(child.pid, __NR_connect, 3, report.unmapped, 16, 0, 0, 0);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_false(call.have_addr);
        assert_int_equal(call.addr_error, EFAULT);
        assert_int_equal(call.addr_len, 0);
        /* sendto on a connected socket has no destination. */
        call = make_call(child.pid, __NR_sendto, 3, report.sockaddr, 16, 0, 0, 16);
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), 0);
        assert_int_equal(call.addr_len, 0);
        stop_child(&child);
}

static void test_decode_exe_and_uid(void **state)
{
        static struct target_scratch scratch;
        char expected_exe[PATH_MAX];
        struct policy_call call;
        int stdin_fd;
        pid_t pid = start_shell(&stdin_fd);

        assert_non_null(realpath("/bin/sh", expected_exe));
        call = make_call(pid, __NR_getpid, 0, 0, 0, 0, 0, 0);
        /* Neither depends on the architecture's argument layout. */
        call.arch = AUDIT_ARCH_I386;
        assert_int_equal(
            target_decode_call(-1, 0, &call, POLICY_NEED_EXE | POLICY_NEED_IDS, &scratch), 0);
        assert_true(call.have_exe);
        assert_string_equal(call.exe, expected_exe);
        assert_true(call.have_ids);
        assert_int_equal(call.ids[POLICY_ID_UID], getuid());
        assert_int_equal(call.ids[POLICY_ID_FSGID], getegid());
        stop_shell(pid, stdin_fd);
}

static void test_decode_refuses_other_architectures(void **state)
{
        static struct target_scratch scratch;
        struct policy_call call = make_call(getpid(), __NR_openat, 0, 0, 0, 0, 0, 0);

        call.arch = AUDIT_ARCH_I386;
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_PATHS, &scratch),
                         -EOPNOTSUPP);
        call.arch = AUDIT_ARCH_X86_64;
        call.nr = __NR_openat | 0x40000000; /* x32 */
        assert_int_equal(target_decode_call(-1, 0, &call, POLICY_NEED_ADDR, &scratch), -EOPNOTSUPP);
}

static int send_fd(int sock, int fd)
{
        char data = 'f';
        struct iovec iov = {.iov_base = &data, .iov_len = 1};
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {0};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
        char data;
        struct iovec iov = {.iov_base = &data, .iov_len = 1};
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {0};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        struct cmsghdr *cmsg;
        int fd;

        if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
                return -1;
        cmsg = CMSG_FIRSTHDR(&msg);
        if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
                return -1;
        memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
        return fd;
}

/* Installs a filter that notifies mkdirat, hands the listener over, and calls it. */
static int notified_child(int sock)
{
        scmp_filter_ctx ctx;
        int listener;

        if (chdir(tmpdir) < 0)
                return 1;
        ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(mkdirat), 0) < 0 ||
            seccomp_load(ctx) < 0)
                return 2;
        listener = seccomp_notify_fd(ctx);
        if (listener < 0 || send_fd(sock, listener) < 0)
                return 3;
        close(listener);
        /* Blocks until the supervisor answers, or until it is killed. */
        syscall(__NR_mkdirat, AT_FDCWD, "made/../here", 0755);
        return 4;
}

/* Forks notified_child and receives its notification: the child is then
 * blocked in mkdirat until killed. Returns its listener; *call is filled
 * from the notification. */
static int start_notified_child(pid_t *ret_pid, struct seccomp_notif **ret_req,
                                struct seccomp_notif_resp **ret_resp, struct policy_call *call)
{
        int sock[2], listener;
        pid_t pid;

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                close(sock[0]);
                _exit(notified_child(sock[1]));
        }
        close(sock[1]);
        listener = recv_fd(sock[0]);
        close(sock[0]);
        assert_true(listener >= 0);

        assert_int_equal(seccomp_notify_alloc(ret_req, ret_resp), 0);
        assert_int_equal(seccomp_notify_receive(listener, *ret_req), 0);
        assert_int_equal((*ret_req)->pid, pid);
        *call = (struct policy_call){
            .nr = (*ret_req)->data.nr, .arch = (*ret_req)->data.arch, .pid = (*ret_req)->pid};
        memcpy(call->args, (*ret_req)->data.args, sizeof(call->args));
        *ret_pid = pid;
        return listener;
}

/*
 * A real notification: decoding succeeds while the target waits in the
 * call, and reports -ENOENT once it has been killed, whatever the reads did.
 */
static void test_decode_checks_the_notification_is_still_valid(void **state)
{
        static struct target_scratch scratch;
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        struct policy_call call;
        int listener, status;
        pid_t pid;

        listener = start_notified_child(&pid, &req, &resp, &call);

        assert_int_equal(target_decode_call(listener, req->id, &call,
                                            POLICY_NEED_PATHS | POLICY_NEED_EXE | POLICY_NEED_IDS,
                                            &scratch),
                         0);
        assert_int_equal(call.n_paths, 1);
        assert_path_in_tmp(call.paths[0], "/here");
        assert_int_equal(call.ids[POLICY_ID_UID], getuid());

        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        /* Nothing read, nothing to vouch for: no check. */
        assert_int_equal(target_decode_call(listener, req->id, &call, 0, &scratch), 0);
        assert_int_equal(target_decode_call(listener, req->id, &call, POLICY_NEED_PATHS, &scratch),
                         -ENOENT);
        assert_int_equal(target_decode_call(listener, req->id, &call, POLICY_NEED_EXE, &scratch),
                         -ENOENT);
        seccomp_notify_free(req, resp);
        close(listener);
}

/*
 * With an executable cache, the first decode reads /proc and stores what
 * the check vouched for; the next one takes it from the cache.
 */
static void test_decode_caches_the_executable(void **state)
{
        static struct target_scratch scratch;
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        struct policy_call call;
        char self[PATH_MAX];
        int listener, status;
        ssize_t n;
        pid_t pid;

        (void)state;
        n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        assert_true(n > 0);
        self[n] = '\0';
        scratch.exe_cache = exe_cache_new(NULL);
        assert_non_null(scratch.exe_cache);
        listener = start_notified_child(&pid, &req, &resp, &call);

        assert_null(exe_cache_lookup(scratch.exe_cache, pid));
        assert_int_equal(target_decode_call(listener, req->id, &call, POLICY_NEED_EXE, &scratch),
                         0);
        assert_string_equal(call.exe, self);
        assert_ptr_equal(call.exe, scratch.exe);
        assert_string_equal(exe_cache_lookup(scratch.exe_cache, pid), self);

        memset(scratch.exe, 0, sizeof(scratch.exe));
        assert_int_equal(target_decode_call(listener, req->id, &call, POLICY_NEED_EXE, &scratch),
                         0);
        assert_string_equal(call.exe, self);
        assert_ptr_equal(call.exe, exe_cache_lookup(scratch.exe_cache, pid));

        /* What a check refuses is not stored. */
        exe_cache_exec(scratch.exe_cache, pid, pid);
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(target_decode_call(listener, req->id, &call, POLICY_NEED_EXE, &scratch),
                         -ENOENT);
        assert_null(exe_cache_lookup(scratch.exe_cache, pid));
        seccomp_notify_free(req, resp);
        close(listener);
        exe_cache_free(scratch.exe_cache);
        scratch.exe_cache = NULL;
}

static int make_tmpdir(void **state)
{
        char template[] = "/tmp/test_target.XXXXXX";

        if (mkdtemp(template) == NULL || realpath(template, tmpdir) == NULL)
                return -1;
        if (snprintf(subdir, sizeof(subdir), "%s/sub", tmpdir) >= (int)sizeof(subdir))
                return -1;
        return mkdir(subdir, 0755);
}

static int remove_tmpdir(void **state)
{
        return rmdir(subdir) == 0 && rmdir(tmpdir) == 0 ? 0 : -1;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_read_string_reads_the_childs_memory),
            cmocka_unit_test(test_read_string_crossing_a_page_boundary),
            cmocka_unit_test(test_read_string_ending_just_before_an_unmapped_page),
            cmocka_unit_test(test_read_string_faults),
            cmocka_unit_test(test_read_string_too_long),
            cmocka_unit_test(test_read_string_exact_fit),
            cmocka_unit_test(test_read_memory_is_exact),
            cmocka_unit_test(test_reads_fall_back_to_proc_pid_mem),
            cmocka_unit_test(test_resolve_relative_to_the_childs_cwd),
            cmocka_unit_test(test_resolve_relative_to_a_dirfd),
            cmocka_unit_test(test_resolve_folds_dots_in_absolute_paths),
            cmocka_unit_test(test_resolve_errors),
            cmocka_unit_test(test_resolve_in_a_chrooted_target),
            cmocka_unit_test(test_cmdline_and_exe_of_another_program),
            cmocka_unit_test(test_read_ids),
            cmocka_unit_test(test_a_process_that_is_gone),
            cmocka_unit_test(test_decode_paths),
            cmocka_unit_test(test_decode_unreadable_paths_are_null),
            cmocka_unit_test(test_decode_null_path_naming_the_dirfd),
            cmocka_unit_test(test_decode_socket_address),
            cmocka_unit_test(test_decode_socket_address_not_decoded),
            cmocka_unit_test(test_decode_address_for_the_socket),
            cmocka_unit_test(test_decode_exe_and_uid),
            cmocka_unit_test(test_decode_refuses_other_architectures),
            cmocka_unit_test(test_decode_checks_the_notification_is_still_valid),
            cmocka_unit_test(test_decode_caches_the_executable),
        };

        return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
