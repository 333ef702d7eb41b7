/* SPDX-License-Identifier: MIT */
/* Path rules proposed from recorded paths: which directories collapse, how
 * paths from a target are escaped, what is left out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "glob.h"
#include "trace/trace_rules.h"

static struct trace_rule_proposal propose(const struct trace_path_use *uses, size_t n)
{
        struct trace_rule_proposal p;
        assert_int_equal(trace_rules_propose(uses, n, &p), 0);
        return p;
}

/* "glob n_paths [c][w] nr,nr" per rule, joined by "; " */
static void describe(const struct trace_rule_proposal *p, char *buf, size_t size)
{
        buf[0] = '\0';
        for (size_t i = 0; i < p->n; i++) {
                const struct trace_proposed_rule *r = &p->rules[i];
                char one[512];
                int o = snprintf(one, sizeof(one), "%s%s %zu%s%s", i ? "; " : "", r->glob,
                                 r->n_paths, r->collapsed ? " c" : "", r->widened ? " w" : "");
                for (size_t k = 0; k < r->n_nrs; k++)
                        o += snprintf(one + o, sizeof(one) - (size_t)o, "%s%d", k ? "," : " ",
                                      r->nrs[k]);
                strncat(buf, one, size - strlen(buf) - 1);
        }
}

static void assert_proposal(const struct trace_path_use *uses, size_t n, const char *expected,
                            size_t left_out)
{
        struct trace_rule_proposal p = propose(uses, n);
        char got[4096];
        describe(&p, got, sizeof(got));
        if (strcmp(got, expected) != 0)
                fail_msg("proposed \"%s\",\n expected \"%s\"", got, expected);
        assert_int_equal(p.n_left_out, left_out);
        /* Every absolute path that is not left out is matched by a rule that
         * names its syscall. */
        for (size_t i = 0; i < n; i++) {
                bool covered = false;
                for (size_t r = 0; r < p.n && !covered; r++)
                        for (size_t k = 0; k < p.rules[r].n_nrs; k++)
                                covered |= p.rules[r].nrs[k] == uses[i].nr &&
                                           path_glob_match(p.rules[r].glob, uses[i].path);
                if (!covered && uses[i].path[0] == '/' && left_out == 0)
                        fail_msg("%s is covered by no rule", uses[i].path);
        }
        trace_rule_proposal_clear(&p);
}

static void test_a_directory_of_many_files_collapses(void **state)
{
        static const char *const libs[] = {"libc.so.6",     "libm.so.6",      "libz.so.1",
                                           "libssl.so.3",   "libcrypto.so.3", "libffi.so.8",
                                           "libexpat.so.1", "libbz2.so.1.0"};
        struct trace_path_use uses[10];
        char paths[8][128];
        for (size_t i = 0; i < 8; i++) {
                snprintf(paths[i], sizeof(paths[i]), "/usr/lib/x86_64-linux-gnu/%s", libs[i]);
                uses[i] = (struct trace_path_use){paths[i], __NR_openat};
        }
        uses[8] = (struct trace_path_use){"/etc/ld.so.cache", __NR_openat};
        uses[9] = (struct trace_path_use){"/usr/lib/x86_64-linux-gnu/libc.so.6", __NR_newfstatat};
        char expected[256];
        snprintf(expected, sizeof(expected),
                 "/etc/ld.so.cache 1 %d; /usr/lib/x86_64-linux-gnu/** 8 c %d,%d", __NR_openat,
                 __NR_openat, __NR_newfstatat);
        assert_proposal(uses, 10, expected, 0);
        (void)state;
}

static void test_few_files_stay_exact(void **state)
{
        struct trace_path_use uses[] = {
            {"/usr/lib/a/x", 1}, {"/usr/lib/a/y", 1}, {"/usr/lib/a/z", 1}};
        assert_proposal(uses, 3, "/usr/lib/a/x 1 1; /usr/lib/a/y 1 1; /usr/lib/a/z 1 1", 0);
        (void)state;
}

// "/etc/**" or "/tmp/**" would allow far more than a run shows.
static void test_top_level_directories_never_collapse(void **state)
{
        struct trace_path_use uses[] = {
            {"/etc/a", 2}, {"/etc/b", 2}, {"/etc/c", 2}, {"/etc/d", 2}, {"/etc/e", 2}};
        assert_proposal(uses, 5, "/etc/a 1 2; /etc/b 1 2; /etc/c 1 2; /etc/d 1 2; /etc/e 1 2", 0);
        (void)state;
}

/* Deepest first: the parent counts only the paths no deeper rule took. */
static void test_deeper_directories_first(void **state)
{
        struct trace_path_use uses[] = {
            {"/a/b/c/1", 1}, {"/a/b/c/2", 1}, {"/a/b/c/3", 1}, {"/a/b/c/4", 1},
            {"/a/b/5", 2},   {"/a/b/6", 2},   {"/a/b/d/7", 2}, {"/a/b/8", 3},
        };
        assert_proposal(uses, 8, "/a/b/** 4 c 2,3; /a/b/c/** 4 c 1", 0);
        (void)state;
}

// A collapsed directory inside another collapsed one, for the same
// syscalls or fewer, adds nothing: one rule, counting both.
static void test_nested_collapsed_rules_merge_into_the_outer_one(void **state)
{
        struct trace_path_use uses[] = {
            {"/p/q/r/1", 1}, {"/p/q/r/2", 1}, {"/p/q/r/3", 1}, {"/p/q/r/4", 1},
            {"/p/q/5", 1},   {"/p/q/6", 2},   {"/p/q/7", 2},   {"/p/q/8", 2},
        };
        assert_proposal(uses, 8, "/p/q/** 8 c 1,2", 0);
        (void)state;
}

// A directory named as itself is not below itself: "/d/**" does not match
// "/d" (glob.h), so the directory keeps a rule of its own.
static void test_a_directory_itself_keeps_its_rule(void **state)
{
        struct trace_path_use uses[] = {
            {"/x/d", 83}, {"/x/d/1", 2}, {"/x/d/2", 2}, {"/x/d/3", 2}, {"/x/d/4", 2}};
        assert_proposal(uses, 5, "/x/d 1 83; /x/d/** 4 c 2", 0);
        (void)state;
}

static void test_repeats_and_order_do_not_matter(void **state)
{
        struct trace_path_use a[] = {{"/p/q/r", 5}, {"/p/q/r", 2}, {"/p/q/r", 5}, {"/m/n", 1}};
        struct trace_path_use b[] = {{"/m/n", 1}, {"/p/q/r", 2}, {"/p/q/r", 5}};
        assert_proposal(a, 4, "/m/n 1 1; /p/q/r 1 2,5", 0);
        assert_proposal(b, 3, "/m/n 1 1; /p/q/r 1 2,5", 0);
        (void)state;
}

/* A target chooses its paths: wildcards must match only themselves, "${"
 * must not read as a variable, and unprintable bytes become '?'. */
static void test_paths_from_the_target_are_escaped(void **state)
{
        struct trace_path_use uses[] = {
            {"/t/a*b?[c]\\d", 1}, {"/t/${HOME}", 1}, {"/t/bell\a", 1}, {"/t/bad\xff", 1}};
        assert_proposal(
            uses, 4, "/t/$\\{HOME} 1 1; /t/a\\*b\\?\\[c]\\\\d 1 1; /t/bad? 1 w 1; /t/bell? 1 w 1",
            0);
        struct trace_rule_proposal p = propose(uses, 4);
        for (size_t i = 0; i < p.n; i++) {
                const char *reason = NULL;
                if (path_glob_validate(p.rules[i].glob, &reason) < 0)
                        fail_msg("%s: %s", p.rules[i].glob, reason);
        }
        /* The escaped glob matches the path and not what its wildcards would. */
        assert_true(path_glob_match(p.rules[1].glob, "/t/a*b?[c]\\d"));
        assert_false(path_glob_match(p.rules[1].glob, "/t/aXbY[c]\\d"));
        trace_rule_proposal_clear(&p);
        (void)state;
}

static void test_unwritable_paths_are_left_out(void **state)
{
        static char long_path[PATH_GLOB_MAX + 64];
        memset(long_path, 'a', sizeof(long_path) - 1);
        long_path[0] = '/';
        long_path[sizeof(long_path) - 1] = '\0';
        struct trace_path_use uses[] = {{"relative/x", 1}, {long_path, 1}, {"/ok/x", 1}};
        struct trace_rule_proposal p = propose(uses, 3);
        assert_int_equal(p.n, 1);
        assert_string_equal(p.rules[0].glob, "/ok/x");
        assert_int_equal(p.n_left_out, 2);
        trace_rule_proposal_clear(&p);
        (void)state;
}

static void test_nothing_proposes_nothing(void **state)
{
        struct trace_rule_proposal p = propose(NULL, 0);
        assert_int_equal(p.n, 0);
        assert_int_equal(p.n_left_out, 0);
        trace_rule_proposal_clear(&p);
        (void)state;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_a_directory_of_many_files_collapses),
            cmocka_unit_test(test_few_files_stay_exact),
            cmocka_unit_test(test_top_level_directories_never_collapse),
            cmocka_unit_test(test_deeper_directories_first),
            cmocka_unit_test(test_nested_collapsed_rules_merge_into_the_outer_one),
            cmocka_unit_test(test_a_directory_itself_keeps_its_rule),
            cmocka_unit_test(test_repeats_and_order_do_not_matter),
            cmocka_unit_test(test_paths_from_the_target_are_escaped),
            cmocka_unit_test(test_unwritable_paths_are_left_out),
            cmocka_unit_test(test_nothing_proposes_nothing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
