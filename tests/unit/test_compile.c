/* SPDX-License-Identifier: MIT */
/*
 * Compiling profiles into kernel filters, judged by what the kernel then
 * does: each filter is installed in a forked child, which makes a list of
 * system calls and reports every result through a pipe. Calls that the
 * filter notifies are answered by the parent through the listener.
 *
 * The probed calls are harmless even if a filter failed to stop them
 * (getppid, uname with a NULL buffer, ...), in the spirit of bubblewrap's
 * try-syscall: a filtered call is told apart by the errno the profile chose.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

#define DOCKER_DEFAULT                                                                             \
        "/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json"
#define PODMAN_DEFAULT "/usr/share/gocode/src/github.com/containers/common/pkg/seccomp/seccomp.json"

#define MAX_PROBES        64
#define MAX_NOTIFICATIONS 16
/* A guard against a hung child, not a synchronisation: nothing waits for it
 * to pass when the test works. */
#define CHILD_TIMEOUT_MS 20000

static const struct policy_env root_env = {.caps_bounding = (UINT64_C(1) << 41) - 1,
                                           .kernel_major = 6,
                                           .kernel_minor = 18,
                                           .go_arch = "amd64"};
static const struct policy_env no_caps_env = {
    .caps_bounding = 0, .kernel_major = 6, .kernel_minor = 18, .go_arch = "amd64"};

struct probe {
        long nr;
        uint64_t args[6];
};

struct outcome {
        long ret;
        int err; /* errno when ret is -1, else 0 */
};

struct run {
        int status; /* from waitpid */
        size_t n;   /* outcomes reported before the child ended */
        struct outcome out[MAX_PROBES];
        size_t n_notified;
        int notified[MAX_NOTIFICATIONS]; /* syscall numbers, in order */
};

#define PROBE(nr_, ...)                                                                            \
        {                                                                                          \
                .nr = (nr_), .args = { __VA_ARGS__ }                                               \
        }

/* Profiles are written with single quotes; this makes them JSON. */
static struct policy *load_env(const char *text, const struct policy_env *env)
{
        char *doc = strdup(text);
        struct policy *p = NULL;
        struct policy_error err;

        assert_non_null(doc);
        for (char *c = doc; *c; c++)
                if (*c == '\'')
                        *c = '"';
        if (policy_load_buffer(doc, strlen(doc), "p.json", env, &p, &err) < 0)
                fail_msg("%s", err.message);
        free(doc);
        return p;
}

static struct policy *load(const char *text)
{
        return load_env(text, &root_env);
}

static struct policy_bpf compile_with(const struct policy *p,
                                      const struct policy_compile_opts *opts)
{
        struct policy_error err;
        struct policy_bpf bpf = {0};
        scmp_filter_ctx ctx = NULL;

        if (policy_compile(p, opts, &ctx, &err) < 0)
                fail_msg("compile: %s", err.message);
        if (policy_export_bpf(ctx, &bpf, &err) < 0)
                fail_msg("export: %s", err.message);
        seccomp_release(ctx);
        assert_non_null(bpf.insns);
        assert_true(bpf.len > 0);
        return bpf;
}

static struct policy_bpf compile(const struct policy *p)
{
        const struct policy_compile_opts opts = {.binary_tree = -1};

        return compile_with(p, &opts);
}

/* In the child: sends fd over sock, as the launcher does. */
static int send_fd(int sock, int fd)
{
        char byte = 0;
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

        memset(&control, 0, sizeof(control));
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        return syscall(SYS_sendmsg, sock, &msg, 0) == 1 ? 0 : -1;
}

static int receive_fd(int sock)
{
        char byte;
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        int fd = -1;

        if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
                return -1;
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
                return -1;
        memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
        return fd;
}

/*
 * Once its filter is in, the child makes only the system calls it means to:
 * raw ones, past any sanitizer interceptor that would mmap or sigaltstack
 * under a filter that forbids it.
 */
static __attribute__((noreturn)) void exit_now(int status)
{
        syscall(SYS_exit_group, status);
        __builtin_unreachable();
}

/* Exit codes of a child that could not get as far as its probes. */
enum { CHILD_NO_NEW_PRIVS_FAILED = 90, CHILD_SECCOMP_FAILED, CHILD_SEND_FAILED };

static __attribute__((noreturn)) void child(const struct policy_bpf *bpf, unsigned flags,
                                            const struct probe *probes, size_t n, int result_fd,
                                            int fd_sock)
{
        struct sock_fprog prog = {.len = bpf->len, .filter = bpf->insns};
        const struct rlimit no_core = {0, 0};

        /* cmocka catches SIGSYS and friends and jumps back into its test
         * runner, which in this child would run the rest of the suite under
         * the filter: the kernel's default action is what is being tested. */
        static const int caught[] = {SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE};
        for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
                signal(caught[i], SIG_DFL);
        /* A SIGSYS death should not leave a core file behind. */
        setrlimit(RLIMIT_CORE, &no_core);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                _exit(CHILD_NO_NEW_PRIVS_FAILED);
        long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        if (listener < 0)
                _exit(CHILD_SECCOMP_FAILED);
        if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
                if (send_fd(fd_sock, (int)listener) < 0)
                        exit_now(CHILD_SEND_FAILED);
                syscall(SYS_close, listener);
        }
        for (size_t i = 0; i < n; i++) {
                const uint64_t *a = probes[i].args;
                errno = 0;
                long r = syscall(probes[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
                struct outcome o = {.ret = r, .err = r == -1 ? errno : 0};
                if (syscall(SYS_write, result_fd, &o, sizeof(o)) != (long)sizeof(o))
                        exit_now(1);
        }
        exit_now(0);
}

/* Answers one notification with error -notify_errno and records its nr. */
static void answer_notification(int listener, int notify_errno, struct run *run)
{
        struct seccomp_notif req;
        struct seccomp_notif_resp resp;

        memset(&req, 0, sizeof(req));
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return; /* the caller went away meanwhile */
        if (run->n_notified < MAX_NOTIFICATIONS)
                run->notified[run->n_notified] = req.data.nr;
        run->n_notified++;
        memset(&resp, 0, sizeof(resp));
        resp.id = req.id;
        resp.error = -notify_errno;
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/*
 * Runs probes in a child under bpf, installed with flags. With
 * SECCOMP_FILTER_FLAG_NEW_LISTENER, every notification is answered with
 * -notify_errno.
 */
static void run_filtered(const struct policy_bpf *bpf, unsigned flags, const struct probe *probes,
                         size_t n, int notify_errno, struct run *run)
{
        int result_pipe[2], socks[2] = {-1, -1}, listener = -1;
        bool done = false;
        pid_t pid;

        assert_true(n <= MAX_PROBES);
        memset(run, 0, sizeof(*run));
        assert_int_equal(pipe2(result_pipe, O_CLOEXEC), 0);
        if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
                assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, socks), 0);

        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                close(result_pipe[0]);
                child(bpf, flags, probes, n, result_pipe[1], socks[1]);
        }
        close(result_pipe[1]);
        if (socks[1] >= 0) {
                close(socks[1]);
                /* -1 if the child died before sending it. */
                listener = receive_fd(socks[0]);
                close(socks[0]);
        }

        size_t got = 0;
        while (!done) {
                struct pollfd fds[2] = {{.fd = result_pipe[0], .events = POLLIN},
                                        {.fd = listener, .events = POLLIN}};
                int r = poll(fds, 2, CHILD_TIMEOUT_MS);
                if (r == 0) {
                        kill(pid, SIGKILL);
                        waitpid(pid, NULL, 0);
                        fail_msg("the filtered child hung");
                }
                assert_true(r > 0 || errno == EINTR);
                if (listener >= 0 && (fds[1].revents & POLLIN))
                        answer_notification(listener, notify_errno, run);
                else if (listener >= 0 && (fds[1].revents & (POLLHUP | POLLERR))) {
                        close(listener);
                        listener = -1;
                }
                if (fds[0].revents & (POLLIN | POLLHUP)) {
                        ssize_t k =
                            read(result_pipe[0], (char *)run->out + got, sizeof(run->out) - got);
                        assert_true(k >= 0);
                        if (k == 0)
                                done = true;
                        got += (size_t)k;
                }
        }
        close(result_pipe[0]);
        if (listener >= 0)
                close(listener);
        assert_int_equal(waitpid(pid, &run->status, 0), pid);
        assert_int_equal(got % sizeof(struct outcome), 0);
        run->n = got / sizeof(struct outcome);
}

static void assert_exited_cleanly(const struct run *run, size_t n)
{
        if (!WIFEXITED(run->status) || WEXITSTATUS(run->status) != 0)
                fail_msg("child status %#x (exit %d, signal %d)", run->status,
                         WIFEXITED(run->status) ? WEXITSTATUS(run->status) : -1,
                         WIFSIGNALED(run->status) ? WTERMSIG(run->status) : 0);
        assert_int_equal(run->n, n);
}

static void assert_failed_with(const struct run *run, size_t i, int err)
{
        assert_true(i < run->n);
        if (run->out[i].ret != -1 || run->out[i].err != err)
                fail_msg("probe %zu: got %ld (errno %d), expected -1 with errno %d", i,
                         run->out[i].ret, run->out[i].err, err);
}

static void assert_succeeded(const struct run *run, size_t i)
{
        assert_true(i < run->n);
        if (run->out[i].ret < 0)
                fail_msg("probe %zu: got %ld (errno %d), expected success", i, run->out[i].ret,
                         run->out[i].err);
}

/* Actions */

static void test_errno_action_returns_the_chosen_errno(void **state)
{
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
                 "{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42},"
                 "{'names': ['uname'], 'action': 'SCMP_ACT_ERRNO'}]}");
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {PROBE(__NR_getppid), PROBE(__NR_getpid), PROBE(__NR_uname)};
        struct run run;

        run_filtered(&bpf, 0, probes, 3, 0, &run);
        assert_exited_cleanly(&run, 3);
        assert_failed_with(&run, 0, 42);
        assert_succeeded(&run, 1);
        /* Without errnoRet, EPERM as runc gives. */
        assert_failed_with(&run, 2, EPERM);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_default_action_applies_to_unnamed_calls(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, "
                                "'syscalls': [{'names': ['write', 'exit_group', 'getppid'], "
                                "'action': 'SCMP_ACT_ALLOW'}]}");
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {PROBE(__NR_getppid), PROBE(__NR_uname), PROBE(__NR_getpid)};
        struct run run;

        run_filtered(&bpf, 0, probes, 3, 0, &run);
        assert_exited_cleanly(&run, 3);
        assert_succeeded(&run, 0);
        assert_failed_with(&run, 1, ENOSYS);
        assert_failed_with(&run, 2, ENOSYS);
        policy_bpf_free(&bpf);
        policy_free(p);
}

/* Runs getpid then getppid under a profile that gives getppid action. */
static void run_getppid_with(const char *action, struct run *run)
{
        char text[256];

        snprintf(text, sizeof(text),
                 "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], "
                 "'action': '%s'}]}",
                 action);
        struct policy *p = load(text);
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {PROBE(__NR_getpid), PROBE(__NR_getppid), PROBE(__NR_getpid)};

        run_filtered(&bpf, 0, probes, 3, 0, run);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_kill_process_kills_with_sigsys(void **state)
{
        struct run run;

        run_getppid_with("SCMP_ACT_KILL_PROCESS", &run);
        assert_true(WIFSIGNALED(run.status));
        assert_int_equal(WTERMSIG(run.status), SIGSYS);
        /* The call before it ran, nothing after it did. */
        assert_int_equal(run.n, 1);
        assert_succeeded(&run, 0);
}

static void test_kill_and_kill_thread_end_a_single_threaded_child(void **state)
{
        static const char *const actions[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD"};

        for (size_t i = 0; i < 2; i++) {
                struct run run;
                run_getppid_with(actions[i], &run);
                assert_true(WIFSIGNALED(run.status));
                assert_int_equal(WTERMSIG(run.status), SIGSYS);
                assert_int_equal(run.n, 1);
        }
}

static void test_trap_delivers_sigsys(void **state)
{
        struct run run;

        run_getppid_with("SCMP_ACT_TRAP", &run);
        /* No handler is installed, so SIGSYS ends the child. */
        assert_true(WIFSIGNALED(run.status));
        assert_int_equal(WTERMSIG(run.status), SIGSYS);
        assert_int_equal(run.n, 1);
}

static void test_trace_without_a_tracer_fails_with_enosys(void **state)
{
        struct run run;

        run_getppid_with("SCMP_ACT_TRACE", &run);
        assert_exited_cleanly(&run, 3);
        assert_failed_with(&run, 1, ENOSYS);
}

static void test_log_and_allow_let_the_call_run(void **state)
{
        static const char *const actions[] = {"SCMP_ACT_LOG", "SCMP_ACT_ALLOW"};

        for (size_t i = 0; i < 2; i++) {
                struct run run;
                run_getppid_with(actions[i], &run);
                assert_exited_cleanly(&run, 3);
                assert_succeeded(&run, 1);
                assert_int_equal(run.out[1].ret, getpid());
        }
}

/* Argument conditions */

static void test_masked_eq_condition_in_the_kernel(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                                "['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42, 'args': "
                                "[{'index': 0, 'value': 65280, 'valueTwo': 4608, 'op': "
                                "'SCMP_CMP_MASKED_EQ'}]}]}");
        struct policy_bpf bpf = compile(p);
        /* Bits outside the mask do not matter, in either 32-bit half. */
        const struct probe probes[] = {PROBE(__NR_getppid, 0x1234), PROBE(__NR_getppid, 0x3412),
                                       PROBE(__NR_getppid, UINT64_C(0xffffffff000012ff)),
                                       PROBE(__NR_getppid, 0x12)};
        struct run run;

        run_filtered(&bpf, 0, probes, 4, 0, &run);
        assert_exited_cleanly(&run, 4);
        assert_failed_with(&run, 0, 42);
        assert_succeeded(&run, 1);
        assert_failed_with(&run, 2, 42);
        assert_succeeded(&run, 3);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_64_bit_values_reach_the_kernel_exactly(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                                "['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 7, 'args': ["
                                "{'index': 0, 'value': 18446744073709551615, 'op': 'SCMP_CMP_EQ'},"
                                "{'index': 1, 'value': 9007199254740993, 'op': 'SCMP_CMP_EQ'}]}]}");
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {
            PROBE(__NR_getppid, UINT64_MAX, UINT64_C(9007199254740993)),
            /* 2^53, which a double would have made of 2^53 + 1 */
            PROBE(__NR_getppid, UINT64_MAX, UINT64_C(9007199254740992)),
            PROBE(__NR_getppid, 0xffffffff, UINT64_C(9007199254740993)),
            PROBE(__NR_getppid, UINT64_C(0xffffffff00000000), UINT64_C(9007199254740993)),
        };
        struct run run;

        run_filtered(&bpf, 0, probes, 4, 0, &run);
        assert_exited_cleanly(&run, 4);
        assert_failed_with(&run, 0, 7);
        assert_succeeded(&run, 1);
        assert_succeeded(&run, 2);
        assert_succeeded(&run, 3);
        policy_bpf_free(&bpf);
        policy_free(p);
}

struct op_case {
        const char *op;
        uint64_t value;
        uint64_t probes[3];
        bool filtered[3];
};

static void test_each_operator_in_the_kernel(void **state)
{
        static const struct op_case cases[] = {
            {"SCMP_CMP_NE", 10, {9, 10, 11}, {true, false, true}},
            {"SCMP_CMP_LT", 10, {9, 10, 11}, {true, false, false}},
            {"SCMP_CMP_LE", 10, {9, 10, 11}, {true, true, false}},
            {"SCMP_CMP_EQ", 10, {9, 10, 11}, {false, true, false}},
            {"SCMP_CMP_GE", 10, {9, 10, 11}, {false, true, true}},
            {"SCMP_CMP_GT", 10, {9, 10, 11}, {false, false, true}},
            /* Unsigned, across the 32-bit halves libseccomp splits into. */
            {"SCMP_CMP_GT",
             0xffffffff,
             {0xffffffff, UINT64_C(0x100000000), UINT64_MAX},
             {false, true, true}},
            {"SCMP_CMP_LT",
             UINT64_C(0x100000000),
             {0xffffffff, UINT64_C(0x100000000), 0},
             {true, false, true}},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct op_case *oc = &cases[i];
                char text[512];
                snprintf(text, sizeof(text),
                         "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                         "['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 33, 'args': "
                         "[{'index': 2, 'value': %llu, 'op': '%s'}]}]}",
                         (unsigned long long)oc->value, oc->op);
                struct policy *p = load(text);
                struct policy_bpf bpf = compile(p);
                struct probe probes[3];
                struct run run;
                for (size_t k = 0; k < 3; k++)
                        probes[k] =
                            (struct probe){.nr = __NR_getppid, .args = {0, 0, oc->probes[k]}};
                run_filtered(&bpf, 0, probes, 3, 0, &run);
                assert_exited_cleanly(&run, 3);
                for (size_t k = 0; k < 3; k++) {
                        bool filtered = run.out[k].ret == -1 && run.out[k].err == 33;
                        if (filtered != oc->filtered[k])
                                fail_msg("%s %llu with %#llx: %s", oc->op,
                                         (unsigned long long)oc->value,
                                         (unsigned long long)oc->probes[k],
                                         filtered ? "filtered, should not be" : "not filtered");
                }
                policy_bpf_free(&bpf);
                policy_free(p);
        }
}

static void test_conditions_on_one_index_are_alternatives_in_the_kernel(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                                "['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 22, 'args': ["
                                "{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'},"
                                "{'index': 0, 'value': 2, 'op': 'SCMP_CMP_EQ'}]}]}");
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {PROBE(__NR_getppid, 1), PROBE(__NR_getppid, 2),
                                       PROBE(__NR_getppid, 3)};
        struct run run;

        run_filtered(&bpf, 0, probes, 3, 0, &run);
        assert_exited_cleanly(&run, 3);
        assert_failed_with(&run, 0, 22);
        assert_failed_with(&run, 1, 22);
        assert_succeeded(&run, 2);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_conditions_on_distinct_indexes_all_hold_in_the_kernel(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                                "['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 22, 'args': ["
                                "{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'},"
                                "{'index': 4, 'value': 5, 'op': 'SCMP_CMP_EQ'}]}]}");
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {PROBE(__NR_getppid, 1, 0, 0, 0, 5),
                                       PROBE(__NR_getppid, 1, 0, 0, 0, 4),
                                       PROBE(__NR_getppid, 0, 0, 0, 0, 5)};
        struct run run;

        run_filtered(&bpf, 0, probes, 3, 0, &run);
        assert_exited_cleanly(&run, 3);
        assert_failed_with(&run, 0, 22);
        assert_succeeded(&run, 1);
        assert_succeeded(&run, 2);
        policy_bpf_free(&bpf);
        policy_free(p);
}

/* Conditions on int arguments: "intArgs" */

/* What a probe of fcntl(-1, CMD) or fchmod(-1, MODE) gives when the filter
 * lets it run: the kernel finds no such descriptor. */
#define UNFILTERED_ERRNO EBADF

struct width_case {
        const char *op;
        uint64_t value, value_two;
};

/*
 * With "intArgs": "kernel" the filter compares what the kernel reads: the
 * low 32 bits of fcntl's cmd, the low 16 of fchmod's mode. Each operator,
 * around its edges, with and without high bits, in the kernel, against
 * policy_kernel_decide(), which must agree with the filter it models; and
 * without "intArgs" the same filter compares all 64 bits, as runc does.
 */
static void test_int_args_kernel_compares_the_bits_the_kernel_reads(void **state)
{
        static const struct width_case cases[] = {
            {"SCMP_CMP_EQ", 2, 0},
            {"SCMP_CMP_EQ", UINT64_C(0xfffffffffffffff0), 0}, /* an int -16, sign-extended */
            {"SCMP_CMP_NE", 2, 0},
            {"SCMP_CMP_LT", 5, 0},
            {"SCMP_CMP_LT", 0, 0},
            {"SCMP_CMP_LE", 5, 0},
            {"SCMP_CMP_LE", 0xffffffff, 0},
            {"SCMP_CMP_GT", 5, 0},
            {"SCMP_CMP_GT", 0xfffffffe, 0},
            {"SCMP_CMP_GE", 5, 0},
            {"SCMP_CMP_GE", 0, 0},
            {"SCMP_CMP_GE", UINT64_C(0x100000003), 0},
            {"SCMP_CMP_MASKED_EQ", 0xf0, 0x20},
            {"SCMP_CMP_MASKED_EQ", UINT64_C(0x1000000f0), UINT64_C(0x100000020)},
        };
        static const uint64_t args[] = {
            0,
            2,
            4,
            5,
            6,
            0x20,
            0x25,
            0xfffffff0,
            0xfffffffe,
            0xffffffff,
            UINT64_C(0x100000002),
            UINT64_C(0x100000005),
            UINT64_C(0xffffffff00000004),
            UINT64_C(0xfffffffffffffff0),
            UINT64_C(0x7fffffff00000025),
            UINT64_MAX,
        };
        const size_t n_args = sizeof(args) / sizeof(args[0]);
        struct {
                int nr;
                unsigned bits;
        } calls[] = {{__NR_fcntl, 32}, {__NR_fchmod, 16}};

        for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
                for (size_t k = 0; k < 2; k++) {
                        const struct width_case *wc = &cases[c];
                        const char *name = calls[k].nr == __NR_fcntl ? "fcntl" : "fchmod";
                        uint64_t bits = (UINT64_C(1) << calls[k].bits) - 1;
                        char text[512];
                        snprintf(text, sizeof(text),
                                 "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                                 "['%s'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 33, 'args': "
                                 "[{'index': 1, 'value': %llu, 'valueTwo': %llu, 'op': '%s'}]}], "
                                 "'supervisor': {'intArgs': 'kernel'}}",
                                 name, (unsigned long long)wc->value,
                                 (unsigned long long)wc->value_two, wc->op);
                        struct policy *p = load(text);
                        struct policy_bpf bpf = compile(p);
                        struct probe probes[MAX_PROBES];
                        struct run run;
                        for (size_t a = 0; a < n_args; a++)
                                probes[a] = (struct probe){.nr = calls[k].nr,
                                                           .args = {UINT64_MAX, args[a]}};
                        run_filtered(&bpf, 0, probes, n_args, 0, &run);
                        assert_exited_cleanly(&run, n_args);
                        for (size_t a = 0; a < n_args; a++) {
                                uint64_t v = args[a] & bits, x = wc->value & bits;
                                bool expected;
                                if (strcmp(wc->op, "SCMP_CMP_EQ") == 0)
                                        expected = v == x;
                                else if (strcmp(wc->op, "SCMP_CMP_NE") == 0)
                                        expected = v != x;
                                else if (strcmp(wc->op, "SCMP_CMP_LT") == 0)
                                        expected = v < x;
                                else if (strcmp(wc->op, "SCMP_CMP_LE") == 0)
                                        expected = v <= x;
                                else if (strcmp(wc->op, "SCMP_CMP_GT") == 0)
                                        expected = v > x;
                                else if (strcmp(wc->op, "SCMP_CMP_GE") == 0)
                                        expected = v >= x;
                                else
                                        expected = (v & x) == (wc->value_two & bits);
                                bool filtered = run.out[a].ret == -1 && run.out[a].err == 33;
                                if (!filtered &&
                                    (run.out[a].ret != -1 || run.out[a].err != UNFILTERED_ERRNO))
                                        fail_msg("%s(-1, %#llx): %ld, errno %d", name,
                                                 (unsigned long long)args[a], run.out[a].ret,
                                                 run.out[a].err);
                                if (filtered != expected)
                                        fail_msg("%s %s %#llx on the low %u bits, with %#llx: "
                                                 "%s",
                                                 name, wc->op, (unsigned long long)wc->value,
                                                 calls[k].bits, (unsigned long long)args[a],
                                                 filtered ? "filtered, should not be"
                                                          : "not filtered");
                                const uint64_t call_args[6] = {UINT64_MAX, args[a]};
                                uint32_t data = 0;
                                enum policy_kernel_action modelled =
                                    policy_kernel_decide(p, calls[k].nr, call_args, &data);
                                if ((modelled == KACT_ERRNO) != filtered)
                                        fail_msg("%s %s %#llx with %#llx: the kernel %s, "
                                                 "policy_kernel_decide() says %s",
                                                 name, wc->op, (unsigned long long)wc->value,
                                                 (unsigned long long)args[a],
                                                 filtered ? "filters" : "does not filter",
                                                 policy_kernel_action_name(modelled));
                        }
                        policy_bpf_free(&bpf);
                        policy_free(p);
                }
        }
}

/* Without "intArgs", as under runc and crun: the high half of fcntl's cmd
 * gets around "cmd == 2", and policy_kernel_decide() says so too. */
static void test_int_args_default_compares_all_64_bits(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                                "['fcntl'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 33, 'args': "
                                "[{'index': 1, 'value': 2, 'op': 'SCMP_CMP_EQ'}]}]}");
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {PROBE(__NR_fcntl, UINT64_MAX, 2),
                                       PROBE(__NR_fcntl, UINT64_MAX, UINT64_C(0x100000002))};
        const uint64_t high[6] = {UINT64_MAX, UINT64_C(0x100000002)};
        uint32_t data = 0;
        struct run run;

        assert_false(p->int_args_as_kernel);
        run_filtered(&bpf, 0, probes, 2, 0, &run);
        assert_exited_cleanly(&run, 2);
        assert_failed_with(&run, 0, 33);
        assert_failed_with(&run, 1, EBADF);
        assert_int_equal(policy_kernel_decide(p, __NR_fcntl, high, &data), KACT_ALLOW);
        policy_bpf_free(&bpf);
        policy_free(p);
}

/* Podman's default without CAP_AUDIT_WRITE refuses audit netlink sockets
 * (family 16, protocol 9) and allows the rest with SCMP_CMP_NE entries:
 * protocol 0x100000009 gets one. With "intArgs": "kernel" it does not, and
 * the other sockets stay allowed. */
static void test_podman_audit_socket_with_int_args_kernel(void **state)
{
        FILE *f = fopen(PODMAN_DEFAULT, "re");
        char *text = NULL;
        size_t size = 0;

        assert_non_null(f);
        assert_int_equal(getdelim(&text, &size, '\0', f) > 0, 1);
        fclose(f);
        /* The profile's last closing brace takes the supervisor object. */
        char *end = strrchr(text, '}');
        assert_non_null(end);
        *end = '\0';
        char *opted = NULL;
        assert_true(asprintf(&opted, "%s, \"supervisor\": {\"intArgs\": \"kernel\"}}", text) > 0);
        free(text);

        const struct probe probes[] = {
            PROBE(__NR_socket, 16, SOCK_RAW | SOCK_CLOEXEC, 9),
            PROBE(__NR_socket, UINT64_C(0x100000010), SOCK_RAW | SOCK_CLOEXEC, 9),
            PROBE(__NR_socket, 16, SOCK_RAW | SOCK_CLOEXEC, UINT64_C(0x100000009)),
            PROBE(__NR_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0),
            PROBE(__NR_socket, 16, SOCK_RAW | SOCK_CLOEXEC, 0),
        };
        for (int opt_in = 0; opt_in < 2; opt_in++) {
                struct policy *p = NULL;
                struct policy_error err;
                int r = opt_in ? policy_load_buffer(opted, strlen(opted), "podman.json",
                                                    &no_caps_env, &p, &err)
                               : policy_load_file(PODMAN_DEFAULT, &no_caps_env, &p, &err);
                if (r < 0)
                        fail_msg("%s", err.message);
                assert_int_equal(p->int_args_as_kernel, opt_in);
                /* check warns of the way around, unless opted in. */
                assert_int_equal(p->n_arg_dodges == 0, opt_in);
                struct policy_bpf bpf = compile(p);
                struct run run;
                run_filtered(&bpf, 0, probes, 5, 0, &run);
                assert_exited_cleanly(&run, 5);
                assert_failed_with(&run, 0, EINVAL);
                if (opt_in) {
                        assert_failed_with(&run, 1, EINVAL);
                        assert_failed_with(&run, 2, EINVAL);
                } else {
                        /* The high half misses the refusing entry. Where
                         * the call goes then is libseccomp's choice among
                         * the allowing entries (here its default, for the
                         * family); for the protocol it is allowed, and the
                         * kernel makes an audit socket. */
                        assert_true(run.out[1].ret != -1 || run.out[1].err != EINVAL);
                        assert_succeeded(&run, 2);
                }
                assert_succeeded(&run, 3);
                assert_succeeded(&run, 4);
                policy_bpf_free(&bpf);
                policy_free(p);
        }
        free(opted);
}

/* The binary tree */

/* Forty-two calls that do nothing harmful with all-zero arguments. */
static const int harmless[] = {
    __NR_getpid,
    __NR_getuid,
    __NR_geteuid,
    __NR_getgid,
    __NR_getegid,
    __NR_gettid,
    __NR_getpgrp,
    __NR_getsid,
    __NR_sched_yield,
    __NR_uname,
    __NR_getcwd,
    __NR_getrlimit,
    __NR_getrusage,
    __NR_times,
    __NR_sysinfo,
    __NR_time,
    __NR_gettimeofday,
    __NR_clock_gettime,
    __NR_clock_getres,
    __NR_getpriority,
    __NR_sched_getscheduler,
    __NR_sched_getparam,
    __NR_sched_getaffinity,
    __NR_getgroups,
    __NR_getresuid,
    __NR_getresgid,
    __NR_capget,
    __NR_getitimer,
    __NR_rt_sigpending,
    __NR_getpgid,
    __NR_fstat,
    __NR_access,
    __NR_readlink,
    __NR_lseek,
    __NR_dup,
    __NR_alarm,
    __NR_sched_get_priority_max,
    __NR_sched_get_priority_min,
    __NR_sched_rr_get_interval,
    __NR_getcpu,
    __NR_ioprio_get,
    __NR_statfs,
};
#define N_HARMLESS (sizeof(harmless) / sizeof(harmless[0]))

/* A profile giving harmless[i] errno 100 + i, written into buf. */
static void many_rules_profile(char *buf, size_t size)
{
        size_t used = (size_t)snprintf(buf, size,
                                       "{'defaultAction': 'SCMP_ACT_ALLOW', "
                                       "'syscalls': [");
        for (size_t i = 0; i < N_HARMLESS; i++) {
                const char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, harmless[i]);
                assert_non_null(name);
                used += (size_t)snprintf(buf + used, size - used,
                                         "%s{'names': ['%s'], 'action': 'SCMP_ACT_ERRNO', "
                                         "'errnoRet': %zu}",
                                         i ? ", " : "", name, 100 + i);
                free((void *)name);
                assert_true(used < size);
        }
        snprintf(buf + used, size - used, "]}");
}

static void test_binary_tree_on_and_off_give_the_same_results(void **state)
{
        char text[8192];
        struct probe probes[N_HARMLESS + 1];
        struct run runs[2];

        many_rules_profile(text, sizeof(text));
        struct policy *p = load(text);
        const struct policy_compile_opts off = {.binary_tree = 0}, on = {.binary_tree = 1};
        struct policy_bpf bpf_off = compile_with(p, &off), bpf_on = compile_with(p, &on);

        /* The option changed the program, or the comparison proves nothing. */
        assert_true(bpf_off.len != bpf_on.len ||
                    memcmp(bpf_off.insns, bpf_on.insns, bpf_on.len * sizeof(struct sock_filter)));

        for (size_t i = 0; i < N_HARMLESS; i++)
                probes[i] = (struct probe){.nr = harmless[i]};
        probes[N_HARMLESS] = (struct probe){.nr = __NR_getppid};
        run_filtered(&bpf_off, 0, probes, N_HARMLESS + 1, 0, &runs[0]);
        run_filtered(&bpf_on, 0, probes, N_HARMLESS + 1, 0, &runs[1]);
        for (size_t r = 0; r < 2; r++) {
                assert_exited_cleanly(&runs[r], N_HARMLESS + 1);
                for (size_t i = 0; i < N_HARMLESS; i++)
                        assert_failed_with(&runs[r], i, (int)(100 + i));
                assert_succeeded(&runs[r], N_HARMLESS);
        }
        policy_bpf_free(&bpf_off);
        policy_bpf_free(&bpf_on);
        policy_free(p);
}

/* Notification */

static void test_notify_action_reaches_the_listener(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                                "['getppid'], 'action': 'SCMP_ACT_NOTIFY'}]}");
        struct policy_bpf bpf = compile(p);
        const struct probe probes[] = {PROBE(__NR_getpid), PROBE(__NR_getppid)};
        struct run run;

        run_filtered(&bpf, SECCOMP_FILTER_FLAG_NEW_LISTENER, probes, 2, EHOSTDOWN, &run);
        assert_exited_cleanly(&run, 2);
        assert_succeeded(&run, 0);
        assert_failed_with(&run, 1, EHOSTDOWN);
        assert_int_equal(run.n_notified, 1);
        assert_int_equal(run.notified[0], __NR_getppid);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_notify_execve_routes_execve_to_the_listener(void **state)
{
        /* The profile's own answer for execve is errno 5... */
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                 "['execve', 'getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 5}]}");
        const struct policy_compile_opts opts = {.notify_execve = true, .binary_tree = -1};
        struct policy_bpf bpf = compile_with(p, &opts);
        /* execve(NULL, NULL, NULL) would fail with EFAULT if it ran. */
        const struct probe probes[] = {PROBE(__NR_execve), PROBE(__NR_getppid)};
        struct run run;

        /* ...but with notify_execve the supervisor decides it. */
        run_filtered(&bpf, SECCOMP_FILTER_FLAG_NEW_LISTENER, probes, 2, EACCES, &run);
        assert_exited_cleanly(&run, 2);
        assert_failed_with(&run, 0, EACCES);
        assert_failed_with(&run, 1, 5);
        assert_int_equal(run.n_notified, 1);
        assert_int_equal(run.notified[0], __NR_execve);
        policy_bpf_free(&bpf);

        /* Without it, the profile's answer stands. */
        bpf = compile(p);
        run_filtered(&bpf, 0, probes, 2, 0, &run);
        assert_exited_cleanly(&run, 2);
        assert_failed_with(&run, 0, 5);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_notify_execve_with_a_default_allow_profile(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW'}");
        const struct policy_compile_opts opts = {.notify_execve = true, .binary_tree = -1};
        struct policy_bpf bpf = compile_with(p, &opts);
        const struct probe probes[] = {PROBE(__NR_getppid), PROBE(__NR_execve)};
        struct run run;

        run_filtered(&bpf, SECCOMP_FILTER_FLAG_NEW_LISTENER, probes, 2, ENOEXEC, &run);
        assert_exited_cleanly(&run, 2);
        assert_succeeded(&run, 0);
        assert_failed_with(&run, 1, ENOEXEC);
        assert_int_equal(run.n_notified, 1);
        assert_int_equal(run.notified[0], __NR_execve);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_notify_unlisted_notifies_only_calls_no_entry_names(void **state)
{
        /* The child itself needs sendmsg and close (to hand over the
         * listener), write (results) and exit_group. */
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, "
                                "'syscalls': [{'names': ['sendmsg', 'close', 'write', "
                                "'exit_group', 'getppid'], 'action': 'SCMP_ACT_ALLOW'},"
                                "{'names': ['getpid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 5},"
                                "{'names': ['gettid'], 'action': 'SCMP_ACT_ALLOW', 'args': "
                                "[{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}");
        const struct policy_compile_opts opts = {.notify_unlisted = true, .binary_tree = -1};
        struct policy_bpf bpf = compile_with(p, &opts);
        const struct probe probes[] = {PROBE(__NR_getppid), PROBE(__NR_getpid), PROBE(__NR_uname),
                                       PROBE(__NR_sched_yield), PROBE(__NR_gettid, 0)};
        struct run run;

        run_filtered(&bpf, SECCOMP_FILTER_FLAG_NEW_LISTENER, probes, 5, ENOTNAM, &run);
        assert_exited_cleanly(&run, 5);
        assert_succeeded(&run, 0);
        assert_failed_with(&run, 1, 5);
        assert_failed_with(&run, 2, ENOTNAM);
        assert_failed_with(&run, 3, ENOTNAM);
        /* Named with a condition that does not hold: the default, not the
         * supervisor. */
        assert_failed_with(&run, 4, ENOSYS);
        assert_int_equal(run.n_notified, 2);
        assert_int_equal(run.notified[0], __NR_uname);
        assert_int_equal(run.notified[1], __NR_sched_yield);
        policy_bpf_free(&bpf);
        policy_free(p);
}

static void test_notify_refused_routes_only_errno_actions_to_the_listener(void **state)
{
        /* The child needs sendmsg and close (to hand over the listener),
         * write (results) and exit_group. */
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, "
                                "'syscalls': [{'names': ['sendmsg', 'close', 'write', "
                                "'exit_group', 'getppid'], 'action': 'SCMP_ACT_ALLOW'},"
                                "{'names': ['getpid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 5},"
                                "{'names': ['sched_yield'], 'action': 'SCMP_ACT_TRACE'}]}");
        const struct policy_compile_opts opts = {.notify_refused = true, .binary_tree = -1};
        struct policy_bpf bpf = compile_with(p, &opts);
        const struct probe probes[] = {PROBE(__NR_getppid), PROBE(__NR_getpid), PROBE(__NR_uname),
                                       PROBE(__NR_sched_yield)};
        struct run run;

        run_filtered(&bpf, SECCOMP_FILTER_FLAG_NEW_LISTENER, probes, 4, ENOTNAM, &run);
        assert_exited_cleanly(&run, 4);
        assert_succeeded(&run, 0);
        /* The ERRNO entry and the ERRNO default come to the listener... */
        assert_failed_with(&run, 1, ENOTNAM);
        assert_failed_with(&run, 2, ENOTNAM);
        /* ...what the kernel alone applies (TRACE: ENOSYS without a
         * tracer) stays there. */
        assert_failed_with(&run, 3, ENOSYS);
        assert_int_equal(run.n_notified, 2);
        assert_int_equal(run.notified[0], __NR_getpid);
        assert_int_equal(run.notified[1], __NR_uname);
        policy_bpf_free(&bpf);

        /* Without it, the kernel answers them itself. */
        bpf = compile(p);
        run_filtered(&bpf, 0, probes, 4, 0, &run);
        assert_exited_cleanly(&run, 4);
        assert_failed_with(&run, 1, 5);
        assert_failed_with(&run, 2, 38);
        policy_bpf_free(&bpf);
        policy_free(p);
}

/* Architectures */

static void test_arch_map_adds_the_compat_architectures_to_the_filter(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'archMap': [{'architecture': "
                                "'SCMP_ARCH_X86_64', 'subArchitectures': ['SCMP_ARCH_X86', "
                                "'SCMP_ARCH_X32']}]}");
        struct policy *native = load("{'defaultAction': 'SCMP_ACT_ERRNO'}");
        const struct policy_compile_opts opts = {.binary_tree = -1};
        struct policy_error err;
        scmp_filter_ctx ctx, native_ctx;

        assert_int_equal(policy_compile(p, &opts, &ctx, &err), 0);
        assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X86), 0);
        assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X32), 0);
        assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_NATIVE), 0);
        assert_int_equal(policy_compile(native, &opts, &native_ctx, &err), 0);
        assert_int_equal(seccomp_arch_exist(native_ctx, SCMP_ARCH_X86), -EEXIST);
        seccomp_release(ctx);
        seccomp_release(native_ctx);
        policy_free(p);
        policy_free(native);
}

/* The runtimes' default profiles */

static void test_docker_default_compiles_and_behaves(void **state)
{
        static const struct policy_env *const envs[] = {&root_env, &no_caps_env};
        /* clone3 with no arguments fails with EINVAL in the kernel, unless
         * the filter answers first; keyctl is not in Docker's list. */
        const struct probe probes[] = {PROBE(__NR_getppid), PROBE(__NR_clone3),
                                       PROBE(__NR_keyctl, 0)};

        for (size_t e = 0; e < 2; e++) {
                struct policy *p = NULL;
                struct policy_error err;
                if (policy_load_file(DOCKER_DEFAULT, envs[e], &p, &err) < 0)
                        fail_msg("%s", err.message);
                struct policy_bpf bpf = compile(p);
                struct run run;
                assert_true(bpf.len > 100);
                run_filtered(&bpf, 0, probes, 3, 0, &run);
                assert_exited_cleanly(&run, 3);
                assert_succeeded(&run, 0);
                /* With CAP_SYS_ADMIN clone3 is allowed; without it Docker
                 * answers ENOSYS so that libc falls back to clone. */
                assert_failed_with(&run, 1, e == 0 ? EINVAL : ENOSYS);
                assert_failed_with(&run, 2, EPERM);
                policy_bpf_free(&bpf);
                policy_free(p);
        }
}

static void test_podman_default_compiles(void **state)
{
        struct policy *p = NULL;
        struct policy_error err;

        if (policy_load_file(PODMAN_DEFAULT, &root_env, &p, &err) < 0)
                fail_msg("%s", err.message);
        struct policy_bpf bpf = compile(p);
        /* add_key is not in Podman's list; run, it would fail with EFAULT. */
        const struct probe probes[] = {PROBE(__NR_getppid), PROBE(__NR_add_key)};
        struct run run;

        assert_true(bpf.len > 100);
        run_filtered(&bpf, 0, probes, 2, 0, &run);
        assert_exited_cleanly(&run, 2);
        assert_succeeded(&run, 0);
        /* Podman's default errno is ENOSYS. */
        assert_failed_with(&run, 1, ENOSYS);
        policy_bpf_free(&bpf);
        policy_free(p);
}

/*
 * Verdicts as crun gives them. crun (src/libcrun/seccomp.c) skips entries
 * with the default action and adds the others in order, one rule per name,
 * stopping at any error libseccomp returns; runc does the same. A filter
 * built that way from the loaded entries, our compiled filter and
 * policy_kernel_decide() must agree on every syscall: the overlaps the
 * loader refuses are exactly where they would not.
 */

/* Runs a classic BPF program on data as the kernel does for seccomp,
 * for the instructions libseccomp emits; fails the test on any other. */
static uint32_t bpf_run(const struct policy_bpf *bpf, const struct seccomp_data *data)
{
        uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
        const unsigned char *bytes = (const unsigned char *)data;

        for (unsigned pc = 0; pc < bpf->len; pc++) {
                const struct sock_filter *in = (const struct sock_filter *)bpf->insns + pc;
                switch (in->code) {
                case BPF_LD | BPF_W | BPF_ABS:
                        assert_true(in->k + 4 <= sizeof(*data));
                        memcpy(&a, bytes + in->k, 4);
                        break;
                case BPF_LD | BPF_MEM:
                        a = mem[in->k % BPF_MEMWORDS];
                        break;
                case BPF_LDX | BPF_MEM:
                        x = mem[in->k % BPF_MEMWORDS];
                        break;
                case BPF_ST:
                        mem[in->k % BPF_MEMWORDS] = a;
                        break;
                case BPF_STX:
                        mem[in->k % BPF_MEMWORDS] = x;
                        break;
                case BPF_ALU | BPF_AND | BPF_K:
                        a &= in->k;
                        break;
                case BPF_MISC | BPF_TAX:
                        x = a;
                        break;
                case BPF_MISC | BPF_TXA:
                        a = x;
                        break;
                case BPF_JMP | BPF_JA:
                        pc += in->k;
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                        pc += a == in->k ? in->jt : in->jf;
                        break;
                case BPF_JMP | BPF_JGT | BPF_K:
                        pc += a > in->k ? in->jt : in->jf;
                        break;
                case BPF_JMP | BPF_JGE | BPF_K:
                        pc += a >= in->k ? in->jt : in->jf;
                        break;
                case BPF_JMP | BPF_JSET | BPF_K:
                        pc += (a & in->k) ? in->jt : in->jf;
                        break;
                case BPF_RET | BPF_K:
                        return in->k;
                case BPF_RET | BPF_A:
                        return a;
                default:
                        fail_msg("instruction %#x at %u: not interpreted", in->code, pc);
                }
        }
        fail_msg("the program ran off its end");
        return 0;
}

static uint32_t crun_action(enum policy_kernel_action action, uint32_t data)
{
        switch (action) {
        case KACT_ALLOW:
                return SCMP_ACT_ALLOW;
        case KACT_ERRNO:
                return SCMP_ACT_ERRNO(data);
        case KACT_KILL_THREAD:
                return SCMP_ACT_KILL_THREAD;
        case KACT_KILL_PROCESS:
                return SCMP_ACT_KILL_PROCESS;
        case KACT_TRAP:
                return SCMP_ACT_TRAP;
        case KACT_LOG:
                return SCMP_ACT_LOG;
        case KACT_TRACE:
                return SCMP_ACT_TRACE(data);
        case KACT_NOTIFY:
                return SCMP_ACT_NOTIFY;
        }
        return SCMP_ACT_KILL_PROCESS;
}

/* The filter crun would build from p's entries (includes and excludes
 * already applied, as Podman and Docker apply them before crun sees them). */
static struct policy_bpf compile_as_crun(const struct policy *p, bool refused[POLICY_MAX_NR + 1])
{
        uint32_t def = crun_action(p->default_action, p->default_ret_data);
        scmp_filter_ctx ctx = seccomp_init(def);
        struct policy_error err;
        struct policy_bpf bpf = {0};

        assert_non_null(ctx);
        for (size_t i = 0; i < p->n_arches; i++)
                assert_int_equal(seccomp_arch_add(ctx, p->arches[i]), 0);
        for (size_t i = 0; i < p->n_entries; i++) {
                const struct policy_entry *e = &p->entries[i];
                uint32_t action = crun_action(e->action, e->ret_data);
                struct scmp_arg_cmp conds[6];

                if (action == def)
                        continue;
                assert_true(e->n_args <= 6);
                for (size_t a = 0; a < e->n_args; a++)
                        conds[a] = (struct scmp_arg_cmp){.arg = e->args[a].index,
                                                         .op = e->args[a].op,
                                                         .datum_a = e->args[a].value,
                                                         .datum_b = e->args[a].value_two};
                for (size_t k = 0; k < e->n_nrs; k++) {
                        if (!e->args_are_alternatives) {
                                int r = seccomp_rule_add_array(ctx, action, e->nrs[k],
                                                               (unsigned)e->n_args, conds);
                                /* libseccomp 2.5.4 refuses (EEXIST) one of Podman's
                                 * socket rules without CAP_AUDIT_WRITE, for its x86
                                 * (socketcall) section, and so leaves the rule out
                                 * on every architecture; crun would stop there,
                                 * policy_compile() goes on. Noted for the model. */
                                if (r == -EEXIST && e->nrs[k] >= 0 && e->nrs[k] <= POLICY_MAX_NR)
                                        refused[e->nrs[k]] = true;
                                else if (r < 0)
                                        fail_msg("syscalls[%zu], syscall %d: %s", e->source_index,
                                                 e->nrs[k], strerror(-r));
                                continue;
                        }
                        for (size_t a = 0; a < e->n_args; a++) {
                                int r =
                                    seccomp_rule_add_array(ctx, action, e->nrs[k], 1, &conds[a]);
                                if (r == -EEXIST && e->nrs[k] >= 0 && e->nrs[k] <= POLICY_MAX_NR)
                                        refused[e->nrs[k]] = true;
                                else if (r < 0)
                                        fail_msg("syscalls[%zu], syscall %d: %s", e->source_index,
                                                 e->nrs[k], strerror(-r));
                        }
                }
        }
        assert_int_equal(policy_export_bpf(ctx, &bpf, &err), 0);
        seccomp_release(ctx);
        return bpf;
}

static uint32_t model_action(const struct policy *p, int nr, const __u64 seccomp_args[6])
{
        uint64_t args[6];
        uint32_t data;

        for (int i = 0; i < 6; i++)
                args[i] = seccomp_args[i];
        enum policy_kernel_action action = policy_kernel_decide(p, nr, args, &data);
        return crun_action(action, data);
}

static void assert_verdicts_as_crun(const char *path, const struct policy_env *env)
{
        /* Argument values that meet Docker's and Podman's conditions and
         * miss them: personality's, clone's namespace flags, socket's
         * AF_NETLINK/NETLINK_AUDIT and AF_VSOCK. */
        static const uint64_t values[] = {0, 1, 8, 9, 16, 40, 0x20000, 0x10000000, 0xffffffff};
        struct policy *p = NULL;
        struct policy_error err;

        if (policy_load_file(path, env, &p, &err) < 0)
                fail_msg("%s", err.message);
        struct policy_bpf ours = compile(p);
        static bool refused[POLICY_MAX_NR + 1];
        memset(refused, 0, sizeof(refused));
        struct policy_bpf crun = compile_as_crun(p, refused);

        for (int nr = 0; nr <= POLICY_MAX_NR; nr++) {
                for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
                        struct seccomp_data data = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
                        for (int a = 0; a < 6; a++)
                                data.args[a] = a == 0 ? values[v] : values[(v + a) % 9];
                        uint32_t want = bpf_run(&crun, &data);
                        if (bpf_run(&ours, &data) != want)
                                fail_msg("%s: syscall %d, arg0 %#llx: ours %#x, crun's %#x", path,
                                         nr, (unsigned long long)data.args[0],
                                         bpf_run(&ours, &data), want);
                        if (!refused[nr] && model_action(p, nr, data.args) != want)
                                fail_msg("%s: syscall %d, arg0 %#llx: model %#x, crun's %#x", path,
                                         nr, (unsigned long long)data.args[0],
                                         model_action(p, nr, data.args), want);
                }
        }
        policy_bpf_free(&ours);
        policy_bpf_free(&crun);
        policy_free(p);
}

static void test_docker_and_podman_verdicts_are_cruns(void **state)
{
        assert_verdicts_as_crun(DOCKER_DEFAULT, &root_env);
        assert_verdicts_as_crun(DOCKER_DEFAULT, &no_caps_env);
        assert_verdicts_as_crun(PODMAN_DEFAULT, &root_env);
        /* Here Podman's errno entry for setns, for when CAP_SYS_ADMIN is
         * missing, comes after its allow entry naming setns: crun allows
         * setns, and so must the model. */
        assert_verdicts_as_crun(PODMAN_DEFAULT, &no_caps_env);
}

/*
 * policy_kernel_passes() lets the launcher make a call after loading the
 * filter: where it says yes, the compiled filter must let that call through
 * for every argument value tried; each profile below is one way to say no
 * (or yes), and the answers expected are checked too, so that a function
 * that always said no would fail as well.
 */
static void assert_passes_as_filter(const struct policy *p, const struct policy_compile_opts *opts,
                                    int nr, bool expected)
{
        static const uint64_t values[] = {0, 1, 2, 0x40, 0x4000, 0xffffffff, ~UINT64_C(0)};
        struct policy_bpf bpf = compile_with(p, opts);
        bool passes = policy_kernel_passes(p, opts, nr);

        if (passes != expected)
                fail_msg("syscall %d: policy_kernel_passes() says %d, expected %d", nr, passes,
                         expected);
        for (size_t v = 0; passes && v < sizeof(values) / sizeof(values[0]); v++) {
                struct seccomp_data data = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
                for (int a = 0; a < 6; a++)
                        data.args[a] = values[(v + (size_t)a) % 7];
                uint32_t ret = bpf_run(&bpf, &data) & SECCOMP_RET_ACTION_FULL;
                if (ret != SECCOMP_RET_ALLOW && ret != SECCOMP_RET_LOG)
                        fail_msg("syscall %d, arg0 %#llx: said to pass, the filter returns %#x", nr,
                                 (unsigned long long)data.args[0], ret);
        }
        policy_bpf_free(&bpf);
}

static void test_kernel_passes_agrees_with_the_filter(void **state)
{
        const struct policy_compile_opts plain = {.notify_execve = true, .binary_tree = -1};
        const struct policy_compile_opts unlisted = {
            .notify_execve = true, .notify_unlisted = true, .binary_tree = -1};
        const struct policy_compile_opts explain = {
            .notify_execve = true, .notify_refused = true, .binary_tree = -1};
        struct policy *p;
        struct policy_error err;

        (void)state;
        if (policy_load_file(DOCKER_DEFAULT, &root_env, &p, &err) < 0)
                fail_msg("%s", err.message);
        assert_passes_as_filter(p, &plain, __NR_sendmsg, true);
        assert_passes_as_filter(p, &plain, __NR_write, true);
        assert_passes_as_filter(p, &explain, __NR_sendmsg, true);
        /* Routed to the supervisor whatever the profile says. */
        assert_passes_as_filter(p, &plain, __NR_execve, false);
        /* Conditions on its arguments: not every call passes. */
        assert_passes_as_filter(p, &plain, __NR_personality, false);
        /* Not named: the default refuses it. */
        assert_passes_as_filter(p, &plain, __NR_afs_syscall, false);
        policy_free(p);

        p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
                 "{'names': ['sendmsg'], 'action': 'SCMP_ACT_ERRNO'}]}");
        assert_passes_as_filter(p, &plain, __NR_sendmsg, false);
        assert_passes_as_filter(p, &plain, __NR_write, true);
        policy_free(p);

        p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                 "{'names': ['sendmsg'], 'action': 'SCMP_ACT_ALLOW',"
                 " 'args': [{'index': 2, 'value': 0, 'op': 'SCMP_CMP_EQ'}]},"
                 "{'names': ['write'], 'action': 'SCMP_ACT_LOG'}]}");
        assert_passes_as_filter(p, &plain, __NR_sendmsg, false);
        assert_passes_as_filter(p, &plain, __NR_write, true);
        policy_free(p);

        p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                 "{'names': ['write', 'read'], 'action': 'SCMP_ACT_ALLOW'},"
                 "{'names': ['sendmsg'], 'action': 'SCMP_ACT_NOTIFY'}]}");
        assert_passes_as_filter(p, &plain, __NR_write, true);
        assert_passes_as_filter(p, &plain, __NR_sendmsg, false);
        /* Not named: the default refuses it, and trace notifies it. */
        assert_passes_as_filter(p, &plain, __NR_close, false);
        assert_passes_as_filter(p, &unlisted, __NR_close, false);
        assert_passes_as_filter(p, &unlisted, __NR_write, true);
        policy_free(p);

        p = load("{'defaultAction': 'SCMP_ACT_LOG', 'syscalls': []}");
        assert_passes_as_filter(p, &plain, __NR_sendmsg, true);
        policy_free(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_errno_action_returns_the_chosen_errno),
            cmocka_unit_test(test_default_action_applies_to_unnamed_calls),
            cmocka_unit_test(test_kill_process_kills_with_sigsys),
            cmocka_unit_test(test_kill_and_kill_thread_end_a_single_threaded_child),
            cmocka_unit_test(test_trap_delivers_sigsys),
            cmocka_unit_test(test_trace_without_a_tracer_fails_with_enosys),
            cmocka_unit_test(test_log_and_allow_let_the_call_run),
            cmocka_unit_test(test_masked_eq_condition_in_the_kernel),
            cmocka_unit_test(test_64_bit_values_reach_the_kernel_exactly),
            cmocka_unit_test(test_each_operator_in_the_kernel),
            cmocka_unit_test(test_conditions_on_one_index_are_alternatives_in_the_kernel),
            cmocka_unit_test(test_conditions_on_distinct_indexes_all_hold_in_the_kernel),
            cmocka_unit_test(test_binary_tree_on_and_off_give_the_same_results),
            cmocka_unit_test(test_notify_action_reaches_the_listener),
            cmocka_unit_test(test_notify_execve_routes_execve_to_the_listener),
            cmocka_unit_test(test_notify_execve_with_a_default_allow_profile),
            cmocka_unit_test(test_notify_unlisted_notifies_only_calls_no_entry_names),
            cmocka_unit_test(test_notify_refused_routes_only_errno_actions_to_the_listener),
            cmocka_unit_test(test_arch_map_adds_the_compat_architectures_to_the_filter),
            cmocka_unit_test(test_docker_default_compiles_and_behaves),
            cmocka_unit_test(test_podman_default_compiles),
            cmocka_unit_test(test_docker_and_podman_verdicts_are_cruns),
            cmocka_unit_test(test_int_args_kernel_compares_the_bits_the_kernel_reads),
            cmocka_unit_test(test_int_args_default_compares_all_64_bits),
            cmocka_unit_test(test_podman_audit_socket_with_int_args_kernel),
            cmocka_unit_test(test_kernel_passes_agrees_with_the_filter),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
