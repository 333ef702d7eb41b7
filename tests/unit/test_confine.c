/* SPDX-License-Identifier: MIT */
/*
 * The supervisor's self-confinement. Each test forks, confines the child and
 * has it try things; the child's exit status says which check failed (0:
 * none), so a filter installed here never touches the test runner.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
#include <seccomp.h>

#include "launch/bpf_cache.h"
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

/*
 * The compiled filter is cached (launch/bpf_cache.h). A cache file is
 * trusted only when it is ours, not writable by others, well formed and
 * its key matches byte for byte; anything else is ignored and replaced.
 * Each case below plants a file whose program allows everything: were a
 * check missing, the confined child would be allowed what it must not.
 */

static char cache_home[128];

/* A fresh cache for one test; returns the directory scmp-super uses in it. */
static void fresh_cache(const char *name, char *dir, size_t size)
{
        snprintf(cache_home, sizeof(cache_home), "%s/%s", tmpdir, name);
        assert_int_equal(mkdir(cache_home, 0700), 0);
        assert_int_equal(setenv("XDG_CACHE_HOME", cache_home, 1), 0);
        snprintf(dir, size, "%s/scmp-super", cache_home);
}

/* The one confine-* file in dir, read whole. */
static char *read_confine_file(const char *dir, char *path, size_t path_size, size_t *ret_len)
{
        struct dirent *e;
        int found = 0;
        DIR *d = opendir(dir);

        assert_non_null(d);
        while ((e = readdir(d)))
                if (strncmp(e->d_name, "confine-", 8) == 0) {
                        snprintf(path, path_size, "%s/%s", dir, e->d_name);
                        found++;
                }
        closedir(d);
        assert_int_equal(found, 1);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        struct stat st;
        assert_int_equal(fstat(fd, &st), 0);
        char *buf = malloc((size_t)st.st_size + 1);
        assert_non_null(buf);
        assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
        close(fd);
        *ret_len = (size_t)st.st_size;
        return buf;
}

/* Writes the file as the cache would: magic, key length, key, then one
 * instruction that allows everything; extra bytes after it if extra. */
static void plant(const char *path, const char *genuine, const char *key_edit, bool extra,
                  size_t cut)
{
        uint32_t key_len, insns = 1;
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        char buf[1 << 16];
        size_t n = 0;

        memcpy(&key_len, genuine + 8, 4);
        assert_true(12 + key_len + 4 + sizeof(allow) + 1 <= sizeof(buf));
        memcpy(buf, genuine, 12 + key_len);
        n = 12 + key_len;
        if (key_edit)
                buf[12 + key_len - 2] = key_edit[0]; /* in its last line */
        memcpy(buf + n, &insns, 4);
        n += 4;
        memcpy(buf + n, &allow, sizeof(allow));
        n += sizeof(allow);
        if (extra)
                buf[n++] = 'x';
        n -= cut;
        unlink(path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, buf, n), (ssize_t)n);
        close(fd);
}

static void confined_takes_what_the_cache_holds(void)
{
        EXPECT(supervisor_confine(0) == 0);
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        EXPECT(s >= 0); /* the planted filter allows everything */
        close(s);
}

/* What the real filter refuses and the planted one would allow, tried
 * without execve (a successful exec of /bin/true would exit 0 too). */
static void confined_refuses(void)
{
        EXPECT(supervisor_confine(0) == 0);
        errno = 0;
        EXPECT(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) < 0 && errno == EPERM);
        EXPECT(open("/proc/self/status", O_RDWR | O_CLOEXEC) < 0 && errno == EPERM);
}

/* Confines a child with the cache as it is; it must refuse what the real
 * filter refuses, and the cache must then hold the real filter again. */
static void expect_ignored_and_rebuilt(const char *dir, const char *genuine, size_t genuine_len)
{
        char path[512];
        size_t len;

        assert_int_equal(run_in_child(confined_refuses), 0);
        char *now = read_confine_file(dir, path, sizeof(path), &len);
        assert_int_equal(len, genuine_len);
        assert_memory_equal(now, genuine, len);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_uid, geteuid());
        assert_int_equal(st.st_mode & 077, 0);
        free(now);
}

static void test_the_filter_is_cached_under_its_whole_key(void **state)
{
        char dir[256], path[512];
        size_t len;

        fresh_cache("cache-key", dir, sizeof(dir));
        assert_int_equal(run_in_child(confined_refuses), 0);
        char *genuine = read_confine_file(dir, path, sizeof(path), &len);
        /* A hit: the same filter again, from the file. */
        assert_int_equal(run_in_child(confined_refuses), 0);

        /* The control: a file with the right key is taken as it is. */
        plant(path, genuine, NULL, false, 0);
        assert_int_equal(run_in_child(confined_takes_what_the_cache_holds), 0);

        /* One byte of the key different. */
        plant(path, genuine, "~", false, 0);
        expect_ignored_and_rebuilt(dir, genuine, len);
        /* Cut short, or with bytes after the program. */
        plant(path, genuine, NULL, false, 3);
        expect_ignored_and_rebuilt(dir, genuine, len);
        plant(path, genuine, NULL, true, 0);
        expect_ignored_and_rebuilt(dir, genuine, len);
        /* Writable by others. */
        plant(path, genuine, NULL, false, 0);
        assert_int_equal(chmod(path, 0622), 0);
        expect_ignored_and_rebuilt(dir, genuine, len);
        /* The directory writable by others: nothing in it is trusted (nor
         * written). */
        plant(path, genuine, NULL, false, 0);
        assert_int_equal(chmod(dir, 0777), 0);
        assert_int_equal(run_in_child(confined_refuses), 0);
        assert_int_equal(chmod(dir, 0700), 0);
        /* Someone else's file, which only root can make here. */
        if (geteuid() == 0) {
                plant(path, genuine, NULL, false, 0);
                assert_int_equal(chown(path, 65534, 65534), 0);
                expect_ignored_and_rebuilt(dir, genuine, len);
        }
        free(genuine);
        unsetenv("XDG_CACHE_HOME");
}

static void test_cache_off_compiles_every_time(void **state)
{
        char dir[256];

        fresh_cache("cache-off", dir, sizeof(dir));
        assert_int_equal(setenv("SCMP_SUPER_CACHE", "0", 1), 0);
        assert_int_equal(run_in_child(confined_default), 0);
        assert_int_equal(unsetenv("SCMP_SUPER_CACHE"), 0);
        struct stat st;
        assert_int_equal(stat(dir, &st) < 0 && errno == ENOENT, 1);
        unsetenv("XDG_CACHE_HOME");
}

static int make_tmpdir(void **state)
{
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_confine.XXXXXX");
        if (!mkdtemp(tmpdir))
                return -1;
        /* Every test's filters go to a cache of its own, not the user's. */
        char cache[128];
        snprintf(cache, sizeof(cache), "%s/cache", tmpdir);
        if (mkdir(cache, 0700) < 0)
                return -1;
        return setenv("XDG_CACHE_HOME", cache, 1);
}

/* Every cached filter's key names this binary and the libseccomp it runs
 * with, by build id: a libseccomp patched without a new version must not
 * be handed filters another one compiled. */
static void test_cache_identity_names_the_binary_and_libseccomp(void **state)
{
        const struct scmp_version *v = seccomp_version();
        char id[BPF_CACHE_IDENTITY_MAX], want[96];
        (void)state;

        bpf_cache_identity(id, sizeof(id));
        assert_int_equal(strncmp(id, "binary ", 7), 0);
        assert_true(id[7] != '\n' && id[7] != '\0');
        snprintf(want, sizeof(want), "\nlibseccomp %u.%u.%u api %u build ", v->major, v->minor,
                 v->micro, seccomp_api_get());
        char *lib = strstr(id, want);
        assert_non_null(lib);
        /* This test links libseccomp as a shared library: its own id (or
         * its file's) is named, not left to the executable's. */
        lib += strlen(want);
        assert_true(strncmp(lib, "linked in", 9) != 0);
        assert_true(strlen(lib) > 8 && lib[strlen(lib) - 1] == '\n');
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void)st;
        (void)type;
        (void)ftw;
        return remove(path);
}

static int remove_tmpdir(void **state)
{
        return nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
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
            cmocka_unit_test(test_the_filter_is_cached_under_its_whole_key),
            cmocka_unit_test(test_cache_identity_names_the_binary_and_libseccomp),
            cmocka_unit_test(test_cache_off_compiles_every_time),
        };
        return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
