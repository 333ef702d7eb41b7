/* SPDX-License-Identifier: MIT */
/* The executable cache's rules: what it remembers, and every event that
 * makes it forget. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exe_cache.h"

static int setup(void **state)
{
        *state = exe_cache_new();
        return *state ? 0 : -1;
}

static int teardown(void **state)
{
        exe_cache_free(*state);
        return 0;
}

static void test_remembers_what_it_was_told(void **state)
{
        struct exe_cache *c = *state;

        assert_null(exe_cache_lookup(c, 100));
        exe_cache_store(c, 100, "/usr/bin/a");
        exe_cache_store(c, 101, "/usr/bin/b");
        assert_string_equal(exe_cache_lookup(c, 100), "/usr/bin/a");
        assert_string_equal(exe_cache_lookup(c, 101), "/usr/bin/b");
        exe_cache_store(c, 100, "/usr/bin/c");
        assert_string_equal(exe_cache_lookup(c, 100), "/usr/bin/c");
        assert_null(exe_cache_lookup(c, 0));
        assert_null(exe_cache_lookup(NULL, 100));
}

static void test_a_colliding_thread_takes_the_slot(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_store(c, 7, "/a");
        exe_cache_store(c, 7 + 64, "/b");
        assert_string_equal(exe_cache_lookup(c, 7 + 64), "/b");
        /* Never the other thread's executable. */
        assert_null(exe_cache_lookup(c, 7));
}

static void test_a_clone_forgets_everything(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_store(c, 100, "/a");
        exe_cache_store(c, 200, "/b");
        exe_cache_task_event(c, 300, false, 0);
        assert_null(exe_cache_lookup(c, 100));
        assert_null(exe_cache_lookup(c, 200));
        assert_true(exe_cache_enabled(c));
        exe_cache_store(c, 100, "/a");
        assert_string_equal(exe_cache_lookup(c, 100), "/a");
}

static void test_a_leader_exec_forgets_and_is_cached_again(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_store(c, 100, "/old");
        exe_cache_task_event(c, 100, true, 100);
        assert_null(exe_cache_lookup(c, 100));
        exe_cache_store(c, 100, "/new");
        assert_string_equal(exe_cache_lookup(c, 100), "/new");
}

/* A non-leader's exec takes over the leader's id; the old leader may call
 * under it, with the old program, until the exec kills it. */
static void test_a_thread_exec_keeps_the_leader_out(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_store(c, 100, "/old");
        exe_cache_store(c, 105, "/old");
        exe_cache_task_event(c, 105, true, 100);
        assert_null(exe_cache_lookup(c, 100));
        exe_cache_store(c, 100, "/old");
        assert_null(exe_cache_lookup(c, 100));
        exe_cache_task_event(c, 1, false, 0);
        exe_cache_store(c, 100, "/new");
        assert_null(exe_cache_lookup(c, 100));
        /* Other threads are cached as before. */
        exe_cache_store(c, 101, "/other");
        assert_string_equal(exe_cache_lookup(c, 101), "/other");
        assert_true(exe_cache_enabled(c));
}

static void test_an_exec_of_unknown_group_turns_it_off(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_task_event(c, 105, true, 0);
        assert_false(exe_cache_enabled(c));
        exe_cache_store(c, 101, "/x");
        assert_null(exe_cache_lookup(c, 101));
}

static void test_too_many_leaders_kept_out_turn_it_off(void **state)
{
        struct exe_cache *c = *state;
        int i;

        for (i = 0; i < 64 && exe_cache_enabled(c); i++)
                exe_cache_task_event(c, 10000 + i, true, 1000 + i);
        assert_false(exe_cache_enabled(c));
        assert_true(i > 1);
        exe_cache_store(c, 5, "/x");
        assert_null(exe_cache_lookup(c, 5));
}

static void test_disabled_for_good(void **state)
{
        struct exe_cache *c = *state;

        exe_cache_store(c, 100, "/a");
        exe_cache_disable(c);
        assert_false(exe_cache_enabled(c));
        assert_null(exe_cache_lookup(c, 100));
        exe_cache_task_event(c, 100, false, 0);
        exe_cache_store(c, 100, "/a");
        assert_null(exe_cache_lookup(c, 100));
}

static void test_a_path_too_long_is_not_kept(void **state)
{
        struct exe_cache *c = *state;
        static char longest[PATH_MAX + 1];

        memset(longest, 'x', PATH_MAX);
        longest[0] = '/';
        exe_cache_store(c, 100, longest);
        assert_null(exe_cache_lookup(c, 100));
        longest[PATH_MAX - 1] = '\0';
        exe_cache_store(c, 100, longest);
        assert_string_equal(exe_cache_lookup(c, 100), longest);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_remembers_what_it_was_told, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_colliding_thread_takes_the_slot, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_a_clone_forgets_everything, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_leader_exec_forgets_and_is_cached_again, setup,
                                            teardown),
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
