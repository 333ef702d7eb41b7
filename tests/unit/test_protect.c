/* SPDX-License-Identifier: MIT */
/*
 * The built-in rules that keep a command from rewriting its profile and log
 * (policy_protect_files()), and which calls they need routed
 * (policy_routes_always(), policy_protection_gaps()). Profiles are written
 * with single quotes, turned into JSON by load().
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "policy.h"

static const struct policy_env env = {.caps_bounding = (UINT64_C(1) << 41) - 1,
                                      .kernel_major = 6,
                                      .kernel_minor = 18,
                                      .go_arch = "amd64"};

static struct policy *load(const char *text)
{
        char *doc = strdup(text);
        struct policy *p = NULL;
        struct policy_error err;

        assert_non_null(doc);
        for (char *c = doc; *c; c++)
                if (*c == '\'')
                        *c = '"';
        if (policy_load_buffer(doc, strlen(doc), "p.json", &env, &p, &err) < 0)
                fail_msg("%s", err.message);
        free(doc);
        return p;
}

/* Every call that names a file is routed; the profile allows the rest of
 * its calls, and its one rule allows everything below /home/u. */
#define ROUTED                                                                                     \
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['open', 'openat', "           \
        "'creat', 'openat2', 'truncate', 'link', 'linkat', 'unlink', 'unlinkat', 'rename', "       \
        "'renameat', 'renameat2', 'io_uring_setup', 'open_by_handle_at'], 'action': "              \
        "'SCMP_ACT_NOTIFY'}], 'supervisor': "                                                      \
        "{'defaultAction': 'deny', 'rules': [{'path': '/home/u/**', 'action': 'allow'}]}}"

static const char *const files[] = {"/home/u/p.json", "/home/u/logs/run.jsonl"};

static struct policy_decision decide(const struct policy *p, int nr, uint64_t flags_arg,
                                     unsigned flags_index, const char *a, const char *b)
{
        struct policy_call c = {.nr = nr, .arch = 0xc000003e, .have_paths = true};
        struct policy_decision d;
        c.args[flags_index] = flags_arg;
        c.paths[0] = a;
        c.paths[1] = b;
        c.n_paths = b ? 2 : 1;
        policy_decide(p, &c, &d);
        return d;
}

static void assert_refused(struct policy_decision d)
{
        assert_int_equal(d.verdict, VERDICT_DENY);
        assert_int_equal(d.errno_value, EACCES);
        assert_non_null(d.rule);
        assert_true(d.rule->builtin);
}

static void test_writing_opens_are_refused_reading_ones_are_not(void **state)
{
        (void)state;
        struct policy *p = load(ROUTED);
        assert_int_equal(policy_protect_files(p, files, 2), 0);

        assert_refused(decide(p, SYS_openat, O_WRONLY, 2, files[0], NULL));
        assert_refused(decide(p, SYS_openat, O_RDWR | O_APPEND, 2, files[1], NULL));
        /* Linux truncates on O_RDONLY | O_TRUNC. */
        assert_refused(decide(p, SYS_openat, O_RDONLY | O_TRUNC, 2, files[0], NULL));
        assert_refused(decide(p, SYS_open, O_WRONLY | O_CREAT, 1, files[0], NULL));
        /* Upper bits the kernel ignores change nothing. */
        assert_refused(decide(p, SYS_openat, 0xffffffff00000000ull | O_WRONLY, 2, files[0], NULL));

        struct policy_decision d = decide(p, SYS_openat, O_RDONLY, 2, files[0], NULL);
        assert_int_equal(d.verdict, VERDICT_ALLOW);
        assert_false(d.rule->builtin);
        /* Another file below the same directory keeps the profile's rule. */
        d = decide(p, SYS_openat, O_WRONLY, 2, "/home/u/other", NULL);
        assert_int_equal(d.verdict, VERDICT_ALLOW);
        policy_free(p);
}

static void test_every_way_to_replace_the_file_is_refused(void **state)
{
        (void)state;
        struct policy *p = load(ROUTED);
        assert_int_equal(policy_protect_files(p, files, 2), 0);

        assert_refused(decide(p, SYS_creat, 0, 1, files[0], NULL));
        assert_refused(decide(p, SYS_openat2, 0, 2, files[0], NULL));
        assert_refused(decide(p, SYS_truncate, 0, 1, files[1], NULL));
        assert_refused(decide(p, SYS_unlink, 0, 1, files[0], NULL));
        assert_refused(decide(p, SYS_unlinkat, 0, 2, files[1], NULL));
        /* A hard link is the same file under another name. */
        assert_refused(decide(p, SYS_link, 0, 2, files[0], "/home/u/copy"));
        /* Renames onto it, of it, and of a directory above it. */
        assert_refused(decide(p, SYS_rename, 0, 2, "/home/u/new", files[0]));
        assert_refused(decide(p, SYS_renameat2, 0, 4, files[1], "/home/u/old"));
        assert_refused(decide(p, SYS_rename, 0, 2, "/home/u/logs", "/home/u/logs2"));
        assert_refused(decide(p, SYS_renameat, 0, 4, "/home", "/elsewhere"));
        /* A sibling directory is not above it. */
        struct policy_decision d = decide(p, SYS_rename, 0, 2, "/home/u/log", "/home/u/x");
        assert_int_equal(d.verdict, VERDICT_ALLOW);
        policy_free(p);
}

static void test_only_routed_calls_get_rules_and_the_rest_are_named(void **state)
{
        (void)state;
        /* openat is routed only for some flags, open not at all; creat
         * always (the profile's default). */
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_NOTIFY', 'syscalls': ["
                 "{'names': ['openat'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 2, 'value': "
                 "1, 'valueTwo': 0, 'op': 'SCMP_CMP_MASKED_EQ'}]},"
                 "{'names': ['open'], 'action': 'SCMP_ACT_ALLOW'}],"
                 "'supervisor': {'defaultAction': 'allow'}}");
        assert_false(policy_routes_always(p, SYS_openat));
        assert_false(policy_routes_always(p, SYS_open));
        assert_true(policy_routes_always(p, SYS_creat));

        const char *names[16];
        size_t n = 0;
        assert_int_equal(policy_protection_gaps(p, false, names, 16, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(names[0], "open");
        assert_string_equal(names[1], "openat");
        assert_int_equal(policy_protection_gaps(p, false, names, 1, &n), -ENOBUFS);
        assert_int_equal(n, 2);

        assert_int_equal(policy_protect_files(p, files, 1), 0);
        /* No rule for a call the kernel may decide alone... */
        struct policy_decision d = decide(p, SYS_openat, O_WRONLY, 2, files[0], NULL);
        assert_null(d.rule);
        /* ...and one for a call it always hands over. */
        assert_refused(decide(p, SYS_creat, 0, 1, files[0], NULL));
        policy_free(p);
}

static void test_a_profile_that_routes_everything_has_no_gaps(void **state)
{
        (void)state;
        struct policy *p = load(ROUTED);
        size_t n = 99;
        const char *names[16];
        assert_int_equal(policy_protection_gaps(p, false, names, 16, &n), 0);
        assert_int_equal(n, 0);
        /* The profile's own rule keeps its place after the built-in ones:
         * nothing protected, nothing added. */
        assert_int_equal(policy_protect_files(p, files, 0), 0);
        assert_int_equal(p->n_rules, 1);
        policy_free(p);
}

static void test_calls_that_reach_files_without_a_path_are_refused_whole(void **state)
{
        (void)state;
        struct policy *p = load(ROUTED);
        assert_int_equal(policy_protect_files(p, files, 1), 0);
        struct policy_decision d = decide(p, SYS_io_uring_setup, 0, 0, NULL, NULL);
        assert_int_equal(d.verdict, VERDICT_DENY);
        assert_int_equal(d.errno_value, EPERM);
        assert_true(d.rule->builtin);
        d = decide(p, SYS_open_by_handle_at, 0, 0, NULL, NULL);
        assert_true(d.rule->builtin);
        policy_free(p);

        /* Allowed in the kernel: a gap, the handle one only for a command
         * that may hold capabilities. Refused in the kernel: none. */
        const char *names[16];
        size_t n = 0;
        p = load("{'defaultAction': 'SCMP_ACT_NOTIFY', 'syscalls': [{'names': ['io_uring_setup', "
                 "'open_by_handle_at'], 'action': 'SCMP_ACT_ALLOW'}]}");
        assert_int_equal(policy_protection_gaps(p, false, names, 16, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(names[0], "io_uring_setup");
        assert_int_equal(policy_protection_gaps(p, true, names, 16, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(names[1], "open_by_handle_at");
        policy_free(p);
        p = load("{'defaultAction': 'SCMP_ACT_NOTIFY', 'syscalls': [{'names': ['io_uring_setup', "
                 "'open_by_handle_at'], 'action': 'SCMP_ACT_ERRNO'}]}");
        assert_int_equal(policy_protection_gaps(p, true, names, 16, &n), 0);
        assert_int_equal(n, 0);
        policy_free(p);
        /* A call refused in the kernel changes nothing either. */
        p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [{'names': ['open', 'openat'], "
                 "'action': 'SCMP_ACT_ALLOW'}]}");
        assert_int_equal(policy_protection_gaps(p, true, names, 16, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(names[0], "open");
        assert_string_equal(names[1], "openat");
        policy_free(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_writing_opens_are_refused_reading_ones_are_not),
            cmocka_unit_test(test_every_way_to_replace_the_file_is_refused),
            cmocka_unit_test(test_only_routed_calls_get_rules_and_the_rest_are_named),
            cmocka_unit_test(test_a_profile_that_routes_everything_has_no_gaps),
            cmocka_unit_test(test_calls_that_reach_files_without_a_path_are_refused_whole),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
