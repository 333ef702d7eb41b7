/* SPDX-License-Identifier: MIT */
/* proc_tree: telling a control client the supervised command started from
 * a person's, by its line of descent read from /proc/PID/status. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/proc_tree.h"

static const char status_text[] = "Name:\tPPid:\\t1\n"
                                  "Umask:\t0022\n"
                                  "Tgid:\t4242\n"
                                  "PPid:\t17\n"
                                  "NSpid:\t4242\t7\n";

static void test_a_field_is_read_from_its_own_line(void **state)
{
        char buf[32];
        (void)state;
        assert_int_equal(
            proc_status_value(status_text, strlen(status_text), "PPid:", buf, sizeof(buf)), 0);
        /* Not the escaped "PPid:" a process put in its name. */
        assert_string_equal(buf, "17");
        assert_int_equal(
            proc_status_value(status_text, strlen(status_text), "NSpid:", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "4242\t7");
}

static void test_a_missing_or_oversized_field_is_an_error(void **state)
{
        char buf[3];
        (void)state;
        assert_int_equal(
            proc_status_value(status_text, strlen(status_text), "Uid:", buf, sizeof(buf)),
            -ENODATA);
        assert_int_equal(
            proc_status_value(status_text, strlen(status_text), "Tgid:", buf, sizeof(buf)),
            -EBADMSG);
        assert_string_equal(buf, "");
        /* A line cut short at the end of the text still counts. */
        assert_int_equal(proc_status_value("PPid:\t9", 7, "PPid:", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "9");
        /* A NUL inside a value is no value. */
        assert_int_equal(proc_status_value("PPid:\t1\0002\n", 10, "PPid:", buf, sizeof(buf)),
                         -EBADMSG);
}

static void test_pids_are_decimal_digits_that_fit(void **state)
{
        pid_t pid;
        (void)state;
        assert_int_equal(proc_status_pid("0", &pid), 0);
        assert_int_equal(pid, 0);
        assert_int_equal(proc_status_pid("4194304", &pid), 0);
        assert_int_equal(pid, 4194304);
        assert_int_equal(proc_status_pid("", &pid), -EBADMSG);
        assert_int_equal(proc_status_pid("-1", &pid), -EBADMSG);
        assert_int_equal(proc_status_pid("12 ", &pid), -EBADMSG);
        assert_int_equal(proc_status_pid("99999999999", &pid), -EBADMSG);
}

static void test_a_namespace_depth_counts_the_pids(void **state)
{
        (void)state;
        assert_int_equal(proc_status_ns_depth("4242"), 1);
        assert_int_equal(proc_status_ns_depth("4242\t7\t1"), 3);
        assert_int_equal(proc_status_ns_depth(""), -EBADMSG);
        assert_int_equal(proc_pid_ns_depth(getpid()) >= 1, 1);
}

/* A child that waits for a byte on a pipe (or its end of file). */
static pid_t start_waiting_child(int *ret_write_end)
{
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                char c;
                close(p[1]);
                (void)!read(p[0], &c, 1);
                _exit(0);
        }
        close(p[0]);
        *ret_write_end = p[1];
        return pid;
}

static void test_a_child_descends_from_us_and_we_do_not_from_it(void **state)
{
        int release;
        (void)state;
        pid_t child = start_waiting_child(&release);
        assert_int_equal(proc_tree_descends(child, -1, getpid()), 1);
        assert_int_equal(proc_tree_descends(getpid(), -1, child), 0);
        /* Our parent is no descendant of ours, and pid 0 (a peer in a pid
         * namespace we cannot see) descends from nothing of ours. */
        assert_int_equal(proc_tree_descends(getppid(), -1, getpid()), 0);
        assert_int_equal(proc_tree_descends(0, -1, getpid()), 0);
        close(release);
        assert_int_equal(waitpid(child, NULL, 0), child);
}

static void test_an_orphan_stays_below_a_subreaper(void **state)
{
        int report[2];
        (void)state;
        /* The subreaper is a child of ours, so this process is unchanged. */
        assert_int_equal(pipe2(report, O_CLOEXEC), 0);
        pid_t reaper = fork();
        assert_true(reaper >= 0);
        if (reaper == 0) {
                int hold[2], told[2];
                pid_t orphan = -1;
                int ok = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 &&
                         pipe2(hold, O_CLOEXEC) == 0 && pipe2(told, O_CLOEXEC) == 0;
                pid_t middle = ok ? fork() : -1;
                if (middle == 0) {
                        /* The orphan-to-be waits until the reaper lets go;
                         * its parent, this process, exits at once. */
                        pid_t o = fork();
                        if (o == 0) {
                                char c;
                                close(hold[1]);
                                (void)!read(hold[0], &c, 1);
                                _exit(0);
                        }
                        (void)!write(told[1], &o, sizeof(o));
                        _exit(0);
                }
                ok = middle > 0 && read(told[0], &orphan, sizeof(orphan)) == sizeof(orphan) &&
                     orphan > 0 && waitpid(middle, NULL, 0) == middle;
                /* Reparented to us, the subreaper (before the middle one's
                 * exit was reported): it still descends. */
                int r = ok ? proc_tree_descends(orphan, -1, getpid()) : -100;
                (void)!write(report[1], &r, sizeof(r));
                close(hold[1]);
                while (wait(NULL) > 0)
                        ;
                _exit(0);
        }
        int r = -200;
        assert_int_equal(read(report[0], &r, sizeof(r)), (ssize_t)sizeof(r));
        assert_int_equal(r, 1);
        assert_int_equal(waitpid(reaper, NULL, 0), reaper);
        close(report[0]);
        close(report[1]);
}

static void test_a_dead_process_cannot_be_placed(void **state)
{
        int release;
        (void)state;
        pid_t child = start_waiting_child(&release);
        close(release);
        /* A zombie now: its pidfd says it exited, so nothing it claims is
         * believed. */
        siginfo_t info;
        assert_int_equal(waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT), 0);
        assert_true(proc_tree_descends(child, -1, getpid()) < 0);
        assert_int_equal(waitpid(child, NULL, 0), child);
        /* Reaped: there is no such process. */
        assert_true(proc_tree_descends(child, -1, getpid()) < 0);
}

static void test_the_chain_runs_from_the_process_upwards(void **state)
{
        pid_t chain[PROC_TREE_MAX_DEPTH];
        size_t n = 0;
        int release;
        (void)state;
        pid_t child = start_waiting_child(&release);
        assert_int_equal(proc_tree_ancestors(child, -1, chain, PROC_TREE_MAX_DEPTH, &n), 0);
        assert_true(n >= 3);
        assert_int_equal(chain[0], child);
        assert_int_equal(chain[1], getpid());
        assert_int_equal(chain[2], getppid());
        /* Too short a chain is an error, not a shorter answer. */
        assert_int_equal(proc_tree_ancestors(child, -1, chain, 2, &n), -ELOOP);
        close(release);
        assert_int_equal(waitpid(child, NULL, 0), child);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_a_field_is_read_from_its_own_line),
            cmocka_unit_test(test_a_missing_or_oversized_field_is_an_error),
            cmocka_unit_test(test_pids_are_decimal_digits_that_fit),
            cmocka_unit_test(test_a_namespace_depth_counts_the_pids),
            cmocka_unit_test(test_a_child_descends_from_us_and_we_do_not_from_it),
            cmocka_unit_test(test_an_orphan_stays_below_a_subreaper),
            cmocka_unit_test(test_a_dead_process_cannot_be_placed),
            cmocka_unit_test(test_the_chain_runs_from_the_process_upwards),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
