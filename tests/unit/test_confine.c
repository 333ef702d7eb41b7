/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's self-confinement. Each test forks, confines the child and
 * has it try things; the child's exit status says which check failed (0:
 * none), so a filter installed here never touches the test runner.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "launch/confine.h"

/* Fails the child with the line number of the first broken expectation. */
#define EXPECT(cond)                                                                               \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        dprintf(STDERR_FILENO, "%s:%d: expected %s (errno %d)\n", __FILE__,        \
                                __LINE__, #cond, errno);                                           \
                        _exit(1);                                                                  \
                }                                                                                  \
        } while (0)

static char tmpdir[64];

static int run_in_child(void (*body)(void))
{
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                body();
                _exit(0);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static int seccomp_mode(void)
{
        char line[128];
        int mode = -1;
        FILE *f = fopen("/proc/self/status", "re");

        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "Seccomp: %d", &mode) == 1)
                        break;
        fclose(f);
        return mode;
}

static void *thread_body(void *arg)
{
        return arg;
}

/* What serving targets needs keeps working. */
static void check_serving_works(void)
{
        char buf[64];
        pthread_t t;
        void *ret;

        int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
        EXPECT(fd >= 0);
        EXPECT(read(fd, buf, sizeof(buf)) > 0);
        close(fd);
        EXPECT(readlink("/proc/self/exe", buf, sizeof(buf)) > 0);
        EXPECT(seccomp_mode() == 2);
        EXPECT(pthread_create(&t, NULL, thread_body, buf) == 0);
        EXPECT(pthread_join(t, &ret) == 0 && ret == buf);
        int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
        EXPECT(pidfd >= 0);
        close(pidfd);
}

/* What an attacker inside the supervisor would want, refused. */
static void check_attacks_refused(void)
{
        char path[128];
        char *argv[] = {"/bin/true", NULL};

        errno = 0;
        EXPECT(execve("/bin/true", argv, NULL) < 0 && errno == EPERM);
        EXPECT(syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL, 0) < 0 && errno == EPERM);
        EXPECT(fork() < 0 && errno == EPERM);
        EXPECT(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) < 0 && errno == EPERM);
        EXPECT(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) < 0 && errno == EPERM);
        EXPECT(ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 && errno == EPERM);
        snprintf(path, sizeof(path), "%s/created", tmpdir);
        EXPECT(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600) < 0 && errno == EPERM);
        EXPECT(open("/proc/self/status", O_RDWR | O_CLOEXEC) < 0 && errno == EPERM);
        EXPECT(mkdir(path, 0700) < 0 && errno == EPERM);
        EXPECT(unlink("/nonexistent") < 0 && errno == EPERM);
        EXPECT(chroot("/") < 0 && errno == EPERM);
        EXPECT(setuid(getuid()) < 0 && errno == EPERM);
        EXPECT(syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0) < 0 && errno == ENOSYS);
        struct rlimit lim;
        EXPECT(prlimit(0, RLIMIT_NOFILE, NULL, &lim) == 0);
        EXPECT(prlimit(0, RLIMIT_NOFILE, &lim, NULL) < 0 && errno == EPERM);
}

static void confined_default(void)
{
        EXPECT(supervisor_confine(0) == 0);
        check_serving_works();
        check_attacks_refused();
}

static void test_confined_supervisor_serves_and_refuses_the_rest(void **state)
{
        assert_int_equal(run_in_child(confined_default), 0);
}

static void confined_write(void)
{
        char path[128], renamed[128];
        char *argv[] = {"/bin/true", NULL};

        EXPECT(supervisor_confine(SUPERVISOR_CONFINE_WRITE) == 0);
        snprintf(path, sizeof(path), "%s/profile.tmp", tmpdir);
        snprintf(renamed, sizeof(renamed), "%s/profile.json", tmpdir);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        EXPECT(fd >= 0);
        EXPECT(write(fd, "{}", 2) == 2);
        EXPECT(fsync(fd) == 0);
        close(fd);
        EXPECT(rename(path, renamed) == 0);
        EXPECT(unlink(renamed) == 0);
        /* Writing files is not running programs or making connections. */
        EXPECT(execve("/bin/true", argv, NULL) < 0 && errno == EPERM);
        EXPECT(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) < 0 && errno == EPERM);
}

static void test_write_feature_allows_writing_files_only(void **state)
{
        assert_int_equal(run_in_child(confined_write), 0);
}

static void confined_sockets(void)
{
        int sv[2];
        char *argv[] = {"/bin/true", NULL};

        EXPECT(supervisor_confine(SUPERVISOR_CONFINE_SOCKETS) == 0);
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        EXPECT(s >= 0);
        close(s);
        EXPECT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
        EXPECT(send(sv[0], "x", 1, MSG_NOSIGNAL) == 1);
        close(sv[0]);
        close(sv[1]);
        EXPECT(execve("/bin/true", argv, NULL) < 0 && errno == EPERM);
}

static void test_sockets_feature_allows_sockets(void **state)
{
        assert_int_equal(run_in_child(confined_sockets), 0);
}

static int pty[2] = {-1, -1}; /* master, slave */

static void open_pty(void)
{
        pty[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        assert_true(pty[0] >= 0);
        assert_int_equal(grantpt(pty[0]), 0);
        assert_int_equal(unlockpt(pty[0]), 0);
        pty[1] = ioctl(pty[0], TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        assert_true(pty[1] >= 0);
}

static void confined_with_pty(void)
{
        struct winsize ws = {.ws_row = 24, .ws_col = 80};

        EXPECT(supervisor_confine_with_pty(0, pty[0]) == 0);
        check_serving_works();
        check_attacks_refused();
        EXPECT(ioctl(pty[0], TIOCSWINSZ, &ws) == 0);
        /* On any other terminal, the size stays as it is. */
        EXPECT(ioctl(pty[1], TIOCSWINSZ, &ws) < 0 && errno == EPERM);
        EXPECT(ioctl(STDIN_FILENO, TIOCSWINSZ, &ws) < 0 && errno == EPERM);
}

static void confined_without_pty(void)
{
        struct winsize ws = {.ws_row = 24, .ws_col = 80};

        EXPECT(supervisor_confine(SUPERVISOR_CONFINE_WRITE | SUPERVISOR_CONFINE_SOCKETS) == 0);
        EXPECT(ioctl(pty[0], TIOCSWINSZ, &ws) < 0 && errno == EPERM);
}

static void test_the_pty_master_alone_may_have_its_window_size_set(void **state)
{
        open_pty();
        assert_int_equal(run_in_child(confined_with_pty), 0);
        assert_int_equal(run_in_child(confined_without_pty), 0);
        close(pty[0]);
        close(pty[1]);
}

static void not_confined(void)
{
        EXPECT(setenv("SCMP_SUPER_NO_CONFINE", "1", 1) == 0);
        EXPECT(supervisor_confine(0) == 1);
        EXPECT(seccomp_mode() == 0);
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        EXPECT(s >= 0);
        close(s);
}

static void test_no_confine_variable_skips_the_filter(void **state)
{
        assert_int_equal(run_in_child(not_confined), 0);
}

static int pipe_fds[2];

static void confined_reporting(void)
{
        char *argv[] = {"/bin/true", NULL};

        EXPECT(dup2(pipe_fds[1], STDERR_FILENO) == STDERR_FILENO);
        EXPECT(setenv("SCMP_SUPER_CONFINE_REPORT", "1", 1) == 0);
        EXPECT(supervisor_confine(0) == 0);
        EXPECT(execve("/bin/true", argv, NULL) < 0 && errno == EPERM);
}

static void test_report_variable_names_the_refused_call(void **state)
{
        char out[256] = "", expected[64];

        assert_int_equal(pipe2(pipe_fds, O_CLOEXEC), 0);
        assert_int_equal(run_in_child(confined_reporting), 0);
        close(pipe_fds[1]);
        assert_true(read(pipe_fds[0], out, sizeof(out) - 1) > 0);
        close(pipe_fds[0]);
        snprintf(expected, sizeof(expected), "confinement refused syscall %d (0x", SYS_execve);
        assert_non_null(strstr(out, expected));
}

static int make_tmpdir(void **state)
{
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_confine.XXXXXX");
        return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
        return rmdir(tmpdir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_confined_supervisor_serves_and_refuses_the_rest),
            cmocka_unit_test(test_write_feature_allows_writing_files_only),
            cmocka_unit_test(test_sockets_feature_allows_sockets),
            cmocka_unit_test(test_the_pty_master_alone_may_have_its_window_size_set),
            cmocka_unit_test(test_no_confine_variable_skips_the_filter),
            cmocka_unit_test(test_report_variable_names_the_refused_call),
        };
        return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
