/* SPDX-License-Identifier: MIT */
/* seal: the supervisor non-dumpable and a subreaper; the command in a
 * Landlock domain that keeps its signals from the supervisor. Each test
 * works in a child, so this process stays as it was. */
#include <errno.h>
#include <fcntl.h>
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

#include "launch/seal.h"

/* Runs fn in a child and returns what it exited with. */
static int in_child(int (*fn)(void))
{
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                _exit(fn());
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static int sealed_supervisor(void)
{
        if (seal_supervisor(true) < 0)
                return 1;
        int subreaper = 0;
        if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
                return 2;
        if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0) < 0 || subreaper != 1)
                return 3;
        return 0;
}

static void test_the_supervisor_is_not_dumpable_and_reaps_orphans(void **state)
{
        (void)state;
        assert_int_equal(in_child(sealed_supervisor), 0);
}

/* In a grandchild: seals itself, then signals its parent (signal 0, which
 * the kernel checks like any other). 0: refused as it should be; 1: the
 * kernel has no such domain and said so; 2: the signal got through. */
static int sealed_command(void)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return 3;
        int r = seal_command();
        if (r < 0)
                return seal_landlock_abi() < SEAL_LANDLOCK_MIN_ABI ? 1 : 4;
        if (kill(getppid(), 0) == 0)
                return 2;
        return errno == EPERM ? 0 : 5;
}

static void test_a_sealed_command_cannot_signal_outside_its_domain(void **state)
{
        (void)state;
        int abi = seal_landlock_abi();
        int r = in_child(sealed_command);
        if (abi >= SEAL_LANDLOCK_MIN_ABI)
                assert_int_equal(r, 0);
        else
                /* An older kernel refuses the domain; run then starts the
                 * command unsealed, and says so with --verbose. */
                assert_int_equal(r, 1);
}

static void test_the_report_says_what_holds(void **state)
{
        char *text = NULL;
        size_t len = 0;
        (void)state;
        FILE *out = open_memstream(&text, &len);
        assert_non_null(out);
        seal_report(out, 7);
        seal_report(out, 5);
        seal_report(out, -ENOSYS);
        fclose(out);
        assert_non_null(strstr(text, "cannot signal or ptrace processes outside its run"));
        assert_non_null(strstr(text, "Landlock (ABI 5) cannot scope signals"));
        assert_non_null(strstr(text, "no Landlock here (not in this kernel)"));
        free(text);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_the_supervisor_is_not_dumpable_and_reaps_orphans),
            cmocka_unit_test(test_a_sealed_command_cannot_signal_outside_its_domain),
            cmocka_unit_test(test_the_report_says_what_holds),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
