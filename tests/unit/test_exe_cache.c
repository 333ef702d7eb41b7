/* SPDX-License-Identifier: MIT */
/* The executable cache's rules: what it remembers, for which live thread,
 * and every event that makes it forget. Entries hold pidfds of real
 * threads, so the tests use this process's threads. */
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/exe_cache.h"

/* A second thread that waits until told to end. */
struct helper {
        pthread_t thread;
        pid_t tid;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        bool started, stop;
};

static void *helper_main(void *arg)
{
        struct helper *h = arg;
        pthread_mutex_lock(&h->lock);
        h->tid = gettid();
        h->started = true;
        pthread_cond_broadcast(&h->cond);
        while (!h->stop)
                pthread_cond_wait(&h->cond, &h->lock);
        pthread_mutex_unlock(&h->lock);
        return NULL;
}

/* The helper a test has running, ended by teardown if a failed assertion
 * left the test before it could: a helper left waiting would hang the
 * program instead of letting it report the failure. */
static struct helper *running;

static struct helper *helper_start(void)
{
        struct helper *h = calloc(1, sizeof(*h));
        assert_non_null(h);
        pthread_mutex_init(&h->lock, NULL);
        pthread_cond_init(&h->cond, NULL);
        assert_int_equal(pthread_create(&h->thread, NULL, helper_main, h), 0);
        pthread_mutex_lock(&h->lock);
        while (!h->started)
                pthread_cond_wait(&h->cond, &h->lock);
        pthread_mutex_unlock(&h->lock);
        running = h;
        return h;
}

static void helper_end(struct helper *h)
{
        pthread_mutex_lock(&h->lock);
        h->stop = true;
        pthread_cond_broadcast(&h->cond);
        pthread_mutex_unlock(&h->lock);
        pthread_join(h->thread, NULL);
        pthread_cond_destroy(&h->cond);
        pthread_mutex_destroy(&h->lock);
        free(h);
        running = NULL;
}

static int setup(void **state)
{
        *state = exe_cache_new(NULL);
        return *state ? 0 : -1;
}

/* As the launcher would: the command is /usr/bin/cmd. */
static int setup_with_command(void **state)
{
        *state = exe_cache_new("/usr/bin/cmd");
        return *state ? 0 : -1;
}

static int teardown(void **state)
{
        if (running)
                helper_end(running);
        exe_cache_free(*state);
        return 0;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* Ends the thread and returns its id once the kernel has let the id go
 * (its pidfd turns readable then); joining alone does not wait for that. */
static pid_t helper_end_and_reap(struct helper *h)
{
        pid_t tid = h->tid;
        int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
        assert_true(fd >= 0);
        helper_end(h);
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        assert_int_equal(poll(&pfd, 1, -1), 1);
        close(fd);
        return tid;
}

/* What target_decode_call does: the pidfd first, then the read, then the
 * store. */
static void remember(struct exe_cache *c, pid_t tid, const char *exe)
{
        exe_cache_prepare(c, tid);
        exe_cache_store(c, tid, exe);
}

/* An entry keeps the pidfd opened before the read, for the same id; a
 * store without one is not kept. */
static void test_a_store_needs_its_pidfd(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_store(c, gettid(), "/usr/bin/a");
        assert_null(exe_cache_lookup(c, gettid()));
        exe_cache_prepare(c, getppid());
        exe_cache_store(c, gettid(), "/usr/bin/a");
        assert_null(exe_cache_lookup(c, gettid()));
        exe_cache_prepare(c, gettid());
        exe_cache_store(c, gettid(), "/usr/bin/a");
        assert_string_equal(exe_cache_lookup(c, gettid()), "/usr/bin/a");
        /* Used once. */
        exe_cache_store(c, gettid(), "/usr/bin/b");
        assert_string_equal(exe_cache_lookup(c, gettid()), "/usr/bin/a");
}

static void test_remembers_what_it_was_told(void **state)
{
        struct exe_cache *c = *state;
        struct helper *h;

        h = helper_start();
        assert_null(exe_cache_lookup(c, gettid()));
        remember(c, gettid(), "/usr/bin/a");
        remember(c, h->tid, "/usr/bin/b");
        assert_string_equal(exe_cache_lookup(c, gettid()), "/usr/bin/a");
        assert_string_equal(exe_cache_lookup(c, h->tid), "/usr/bin/b");
        remember(c, gettid(), "/usr/bin/c");
        assert_string_equal(exe_cache_lookup(c, gettid()), "/usr/bin/c");
        assert_null(exe_cache_lookup(c, 0));
        assert_null(exe_cache_lookup(NULL, gettid()));
        assert_true(exe_cache_enabled(c));
        helper_end(h);
}

/* Its id may be reused by anything: a dead thread's entry goes. */
static void test_a_thread_that_ended_is_forgotten(void **state)
{
        struct exe_cache *c = *state;
        struct helper *h;

        h = helper_start();
        remember(c, h->tid, "/usr/bin/b");
        assert_string_equal(exe_cache_lookup(c, h->tid), "/usr/bin/b");
        pid_t tid = helper_end_and_reap(h);
        assert_null(exe_cache_lookup(c, tid));
}

static void test_a_thread_that_does_not_exist_is_not_kept(void **state)
{
        struct exe_cache *c = *state;
        struct helper *h;

        h = helper_start();
        pid_t tid = helper_end_and_reap(h);
        remember(c, tid, "/usr/bin/b");
        assert_null(exe_cache_lookup(c, tid));
        assert_true(exe_cache_enabled(c));
}

/* A child that waits for its pipe to close; its pid, or -1. With set_tid,
 * the pid it must have (clone3). */
static pid_t sleeper(pid_t set_tid, int *pipe_w)
{
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -1;
        struct clone_args args = {.exit_signal = SIGCHLD};
        if (set_tid > 0) {
                args.set_tid = (uint64_t)(uintptr_t)&set_tid;
                args.set_tid_size = 1;
        }
        pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
        if (pid == 0) {
                char b;
                close(p[1]);
                (void)!read(p[0], &b, 1);
                _exit(0);
        }
        close(p[0]);
        *pipe_w = p[1];
        return pid;
}

static int sleeper_end(pid_t pid, int pipe_w)
{
        int status;
        close(pipe_w);
        return waitpid(pid, &status, 0) == pid ? 0 : -1;
}

/* What test_an_id_given_to_a_new_task_is_not_trusted checks, in a process
 * that may choose the ids of its children: 0, or the number of the check
 * that failed. */
static int id_reuse_checks(void)
{
        struct exe_cache *c = exe_cache_new(NULL);
        int w1, w2;

        if (!c)
                return 1;
        pid_t first = sleeper(0, &w1);
        if (first < 0)
                return 2;
        remember(c, first, "/first");
        const char *e = exe_cache_lookup(c, first);
        if (!e || strcmp(e, "/first") != 0)
                return 3;
        if (sleeper_end(first, w1) < 0)
                return 4;
        /* The id is free again: give it to a new task at once. */
        pid_t second = sleeper(first, &w2);
        if (second != first)
                return 5;
        if (exe_cache_lookup(c, second) != NULL)
                return 6; /* the dead task's executable, for a live one */
        remember(c, second, "/second");
        e = exe_cache_lookup(c, second);
        if (!e || strcmp(e, "/second") != 0)
                return 7;
        if (sleeper_end(second, w2) < 0)
                return 8;

        /* The caller dies between the pidfd and the store, and its id goes
         * to a new task: the entry must hold the dead caller's pidfd, not
         * one opened for whoever has the id by then. */
        pid_t third = sleeper(0, &w1);
        if (third < 0)
                return 9;
        exe_cache_prepare(c, third);
        if (sleeper_end(third, w1) < 0)
                return 10;
        pid_t fourth = sleeper(third, &w2);
        if (fourth != third)
                return 11;
        exe_cache_store(c, third, "/third");
        if (exe_cache_lookup(c, fourth) != NULL)
                return 12;
        if (sleeper_end(fourth, w2) < 0)
                return 13;
        exe_cache_free(c);
        return 0;
}

/* The case the pidfds are for: an id reused while its old entry would
 * still match. New user and pid namespaces let the test hand a dead
 * task's id to a new one (clone3 set_tid) without being root. */
static void test_an_id_given_to_a_new_task_is_not_trusted(void **state)
{
        (void)state;
        int status;
        pid_t outer = fork();
        assert_true(outer >= 0);
        if (outer == 0) {
                if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0)
                        _exit(100);
                pid_t inner = fork(); /* pid 1 of the new namespace */
                if (inner < 0)
                        _exit(101);
                if (inner == 0)
                        _exit(id_reuse_checks());
                if (waitpid(inner, &status, 0) != inner || !WIFEXITED(status))
                        _exit(102);
                _exit(WEXITSTATUS(status));
        }
        assert_int_equal(waitpid(outer, &status, 0), outer);
        assert_true(WIFEXITED(status));
        if (WEXITSTATUS(status) != 0)
                fprintf(stderr, "id reuse: check %d failed (100+: namespaces)\n",
                        WEXITSTATUS(status));
        assert_int_equal(WEXITSTATUS(status), 0);
}

/* Until an exec, every caller runs the command: once one is seen to, the
 * answer holds for all, even ids never stored. */
static void test_one_program_answers_for_every_caller(void **state)
{
        struct exe_cache *c = *state;
        struct helper *h;

        h = helper_start();
        assert_null(exe_cache_lookup(c, gettid()));
        /* Another executable (a script's interpreter, say): only its own
         * thread is known. */
        remember(c, gettid(), "/usr/bin/cmdx");
        assert_string_equal(exe_cache_lookup(c, gettid()), "/usr/bin/cmdx");
        assert_null(exe_cache_lookup(c, h->tid));
        remember(c, h->tid, "/usr/bin/cmd");
        assert_string_equal(exe_cache_lookup(c, h->tid), "/usr/bin/cmd");
        assert_string_equal(exe_cache_lookup(c, 4194000), "/usr/bin/cmd");
        /* An exec ends it: each caller is looked up again. */
        exe_cache_exec(c, getpid(), getpid());
        assert_null(exe_cache_lookup(c, 4194000));
        assert_null(exe_cache_lookup(c, h->tid));
        remember(c, h->tid, "/usr/bin/cmd");
        assert_string_equal(exe_cache_lookup(c, h->tid), "/usr/bin/cmd");
        assert_null(exe_cache_lookup(c, 4194000));
        helper_end(h);
}

static void test_one_program_ends_with_an_exec_before_it_is_seen(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_exec(c, getpid(), getpid());
        remember(c, gettid(), "/usr/bin/cmd");
        assert_string_equal(exe_cache_lookup(c, gettid()), "/usr/bin/cmd");
        assert_null(exe_cache_lookup(c, 4194000));
}

static void test_an_exec_forgets_everything(void **state)
{
        struct exe_cache *c = *state;
        struct helper *h;

        h = helper_start();
        remember(c, gettid(), "/old");
        remember(c, h->tid, "/old");
        /* The leader execs: its id may be cached again afterwards. */
        exe_cache_exec(c, getpid(), getpid());
        assert_null(exe_cache_lookup(c, gettid()));
        assert_null(exe_cache_lookup(c, h->tid));
        remember(c, getpid(), "/new");
        assert_string_equal(exe_cache_lookup(c, getpid()), "/new");
        assert_true(exe_cache_enabled(c));
        helper_end(h);
}

/* A non-leader's exec takes over the leader's id; the old leader may call
 * under it, with the old program, until the exec kills it. */
static void test_a_thread_exec_keeps_the_leader_out(void **state)
{
        struct exe_cache *c = *state;
        struct helper *h;

        h = helper_start();
        remember(c, getpid(), "/old");
        exe_cache_exec(c, h->tid, getpid());
        assert_null(exe_cache_lookup(c, getpid()));
        remember(c, getpid(), "/old");
        assert_null(exe_cache_lookup(c, getpid()));
        exe_cache_exec(c, getpid(), getpid());
        remember(c, getpid(), "/new");
        assert_null(exe_cache_lookup(c, getpid()));
        /* Other threads are cached as before. */
        remember(c, h->tid, "/other");
        assert_string_equal(exe_cache_lookup(c, h->tid), "/other");
        assert_true(exe_cache_enabled(c));
        helper_end(h);
}

static void test_an_exec_of_unknown_group_turns_it_off(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_exec(c, gettid(), 0);
        assert_false(exe_cache_enabled(c));
        remember(c, gettid(), "/x");
        assert_null(exe_cache_lookup(c, gettid()));
}

static void test_too_many_leaders_kept_out_turn_it_off(void **state)
{
        struct exe_cache *c = *state;
        int i;

        for (i = 0; i < 64 && exe_cache_enabled(c); i++)
                exe_cache_exec(c, 100000 + i, 1000 + i);
        assert_false(exe_cache_enabled(c));
        assert_true(i > 1);
        remember(c, gettid(), "/x");
        assert_null(exe_cache_lookup(c, gettid()));
}

static void test_disabled_for_good(void **state)
{
        struct exe_cache *c = *state;

        remember(c, gettid(), "/a");
        exe_cache_disable(c);
        assert_false(exe_cache_enabled(c));
        assert_null(exe_cache_lookup(c, gettid()));
        exe_cache_exec(c, gettid(), gettid());
        remember(c, gettid(), "/a");
        assert_null(exe_cache_lookup(c, gettid()));
}

static void test_a_path_too_long_is_not_kept(void **state)
{
        struct exe_cache *c = *state;
        static char longest[PATH_MAX + 1];

        memset(longest, 'x', PATH_MAX);
        longest[0] = '/';
        remember(c, gettid(), longest);
        assert_null(exe_cache_lookup(c, gettid()));
        longest[PATH_MAX - 1] = '\0';
        remember(c, gettid(), longest);
        assert_string_equal(exe_cache_lookup(c, gettid()), longest);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_remembers_what_it_was_told, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_store_needs_its_pidfd, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_thread_that_ended_is_forgotten, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_thread_that_does_not_exist_is_not_kept, setup,
                                            teardown),
            cmocka_unit_test(test_an_id_given_to_a_new_task_is_not_trusted),
            cmocka_unit_test_setup_teardown(test_one_program_answers_for_every_caller,
                                            setup_with_command, teardown),
            cmocka_unit_test_setup_teardown(test_one_program_ends_with_an_exec_before_it_is_seen,
                                            setup_with_command, teardown),
            cmocka_unit_test_setup_teardown(test_an_exec_forgets_everything, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_thread_exec_keeps_the_leader_out, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_an_exec_of_unknown_group_turns_it_off, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_too_many_leaders_kept_out_turn_it_off, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_disabled_for_good, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_path_too_long_is_not_kept, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
