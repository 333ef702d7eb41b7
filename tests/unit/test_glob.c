/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "glob.h"

static void test_literal_path_matches_only_itself(void **state)
{
        assert_true(path_glob_match("/etc/passwd", "/etc/passwd"));
        assert_false(path_glob_match("/etc/passwd", "/etc/passwd2"));
        assert_false(path_glob_match("/etc/passwd", "/etc/passw"));
        assert_false(path_glob_match("/etc/passwd", "/etc/shadow"));
}

static void test_star_stays_within_one_component(void **state)
{
        assert_true(path_glob_match("/etc/*", "/etc/passwd"));
        assert_true(path_glob_match("/etc/*.conf", "/etc/resolv.conf"));
        assert_true(path_glob_match("/etc/*.conf", "/etc/.conf"));
        assert_true(path_glob_match("/etc/*", "/etc/.hidden"));
        assert_false(path_glob_match("/etc/*", "/etc/ssl/certs"));
        assert_false(path_glob_match("/etc/*.conf", "/etc/ssl/x.conf"));
        assert_true(path_glob_match("/home/*/.ssh/*", "/home/alice/.ssh/id_rsa"));
        assert_false(path_glob_match("/home/*/.ssh/*", "/home/alice/x/.ssh/id_rsa"));
}

static void test_double_star_crosses_components(void **state)
{
        assert_true(path_glob_match("/etc/**", "/etc/a"));
        assert_true(path_glob_match("/etc/**", "/etc/a/b"));
        assert_true(path_glob_match("/etc/**", "/etc/a/b/c.d"));
        assert_true(path_glob_match("/usr/**.so", "/usr/lib/x86_64/libc.so"));
        assert_true(path_glob_match("/a***b", "/a/x/y/b"));
        assert_false(path_glob_match("/etc/**", "/etcetera"));
        assert_false(path_glob_match("/usr/**.so", "/usr/lib/libc.so.6"));
}

static void test_double_star_does_not_match_the_directory_itself(void **state)
{
        assert_false(path_glob_match("/etc/**", "/etc"));
        /* '**' may be empty, so the directory with its trailing slash does match. */
        assert_true(path_glob_match("/etc/**", "/etc/"));
}

static void test_slash_double_star_slash_matches_zero_directories(void **state)
{
        assert_true(path_glob_match("/a/**/b", "/a/b"));
        assert_true(path_glob_match("/a/**/b", "/a/x/b"));
        assert_true(path_glob_match("/a/**/b", "/a/x/y/z/b"));
        assert_true(path_glob_match("/**/b", "/b"));
        assert_true(path_glob_match("/**/b", "/x/y/b"));
        assert_true(path_glob_match("/a/**/**/b", "/a/b"));
        assert_true(path_glob_match("/a/**/**/b", "/a/x/b"));
        assert_false(path_glob_match("/a/**/b", "/a/xb"));
        assert_false(path_glob_match("/a/**/b", "/a/x/bc"));
        assert_false(path_glob_match("/a/**/b", "/ab"));
        assert_false(path_glob_match("/**/b", "/xb"));
}

static void test_question_mark_matches_one_non_slash_character(void **state)
{
        assert_true(path_glob_match("/tmp/?", "/tmp/x"));
        assert_false(path_glob_match("/tmp/?", "/tmp/"));
        assert_false(path_glob_match("/tmp/?", "/tmp/xy"));
        assert_false(path_glob_match("/tmp?x", "/tmp/x"));
}

static void test_character_classes(void **state)
{
        assert_true(path_glob_match("/dev/tty[0-9]", "/dev/tty7"));
        assert_false(path_glob_match("/dev/tty[0-9]", "/dev/ttyS"));
        assert_true(path_glob_match("/dev/[abc]x", "/dev/bx"));
        assert_false(path_glob_match("/dev/[abc]x", "/dev/dx"));
        assert_true(path_glob_match("/dev/sd[!a]", "/dev/sdb"));
        assert_false(path_glob_match("/dev/sd[!a]", "/dev/sda"));
        assert_true(path_glob_match("/dev/sd[^a]", "/dev/sdb"));
        assert_true(path_glob_match("/x/[]]", "/x/]"));
        assert_true(path_glob_match("/x/[a-]", "/x/-"));
        assert_true(path_glob_match("/x/[\\]]", "/x/]"));
        assert_true(path_glob_match("/x/[a-cx-z]", "/x/y"));
        assert_false(path_glob_match("/x/[a-cx-z]", "/x/m"));
}

static void test_classes_never_match_a_slash(void **state)
{
        assert_false(path_glob_match("/a[/]b", "/a/b"));
        assert_false(path_glob_match("/a[!x]b", "/a/b"));
        assert_false(path_glob_match("/a[+-0]b", "/a/b"));
}

static void test_backslash_escapes_the_next_character(void **state)
{
        assert_true(path_glob_match("/x/\\*", "/x/*"));
        assert_false(path_glob_match("/x/\\*", "/x/y"));
        assert_true(path_glob_match("/x/\\?", "/x/?"));
        assert_false(path_glob_match("/x/\\?", "/x/a"));
        assert_true(path_glob_match("/x/\\[a]", "/x/[a]"));
        assert_true(path_glob_match("/x/\\\\", "/x/\\"));
}

static void test_malformed_patterns_match_literally(void **state)
{
        assert_true(path_glob_match("/x/[ab", "/x/[ab"));
        assert_false(path_glob_match("/x/[ab", "/x/a"));
        assert_true(path_glob_match("/x/\\", "/x/\\"));
}

static void test_null_and_empty_arguments(void **state)
{
        assert_false(path_glob_match(NULL, "/x"));
        assert_false(path_glob_match("/x", NULL));
        assert_true(path_glob_match("", ""));
        assert_false(path_glob_match("", "/"));
        assert_true(path_glob_match("**", ""));
}

static void test_matcher_accepts_patterns_without_leading_slash(void **state)
{
        assert_true(path_glob_match("@dbus-*", "@dbus-abc"));
        assert_false(path_glob_match("@dbus-*", "@dbusx"));
}

static char *repeat(const char *prefix, char c, size_t n, const char *suffix)
{
        size_t plen = strlen(prefix), slen = strlen(suffix);
        char *s = malloc(plen + n + slen + 1);

        assert_non_null(s);
        memcpy(s, prefix, plen);
        memset(s + plen, c, n);
        memcpy(s + plen + n, suffix, slen + 1);
        return s;
}

/*
 * Eleven '**' against 4000 characters: a matcher that tries every split of
 * the path between the stars does on the order of C(4000, 11), about 10^32,
 * steps before concluding there is no 'b'.
 */
static void test_pathological_double_stars_finish(void **state)
{
        const char *pattern = "/**a**a**a**a**a**a**a**a**a**a**b";
        char *no_b = repeat("/", 'a', 4000, "");
        char *with_b = repeat("/", 'a', 4000, "b");

        assert_false(path_glob_match(pattern, no_b));
        assert_true(path_glob_match(pattern, with_b));
        free(no_b);
        free(with_b);
}

static void test_pathological_single_stars_finish(void **state)
{
        const char *pattern = "/*a*a*a*a*a*a*a*a*a*a*a*a*b";
        char *no_b = repeat("/", 'a', 4000, "");
        char *with_b = repeat("/", 'a', 4000, "b");
        char *slashed = repeat("/", 'a', 4000, "/b");

        assert_false(path_glob_match(pattern, no_b));
        assert_true(path_glob_match(pattern, with_b));
        assert_false(path_glob_match(pattern, slashed));
        free(no_b);
        free(with_b);
        free(slashed);
}

static void test_pathological_directory_stars_finish(void **state)
{
        char pattern[PATH_GLOB_MAX + 1];
        char *path = repeat("", '/', 4000, "");
        size_t n = 0;

        /* A slash and two stars, repeated, then "/b": any '/' can start or end any run. */
        while (n + 3 + 2 < PATH_GLOB_MAX) {
                memcpy(pattern + n, "/**", 3);
                n += 3;
        }
        memcpy(pattern + n, "/b", 3);

        assert_false(path_glob_match(pattern, path));
        path[3999] = 'b';
        assert_true(path_glob_match(pattern, path));
        free(path);
}

static void test_longest_pattern_is_accepted_and_longer_is_not(void **state)
{
        char *longest = repeat("/", 'x', PATH_GLOB_MAX - 1, "");
        char *too_long = repeat("/", 'x', PATH_GLOB_MAX, "");
        const char *reason = NULL;

        assert_true(path_glob_match(longest, longest));
        assert_int_equal(path_glob_validate(longest, &reason), 0);
        assert_false(path_glob_match(too_long, too_long));
        assert_int_equal(path_glob_validate(too_long, &reason), -EINVAL);
        assert_non_null(strstr(reason, "longer"));
        free(longest);
        free(too_long);
}

static void test_validate_accepts_good_patterns(void **state)
{
        const char *reason = "untouched";

        assert_int_equal(path_glob_validate("/etc/**", &reason), 0);
        assert_int_equal(path_glob_validate("/a/**/b/*.[ch]", &reason), 0);
        assert_int_equal(path_glob_validate("/x/\\[", &reason), 0);
        assert_int_equal(path_glob_validate("/x/[]]", &reason), 0);
        assert_int_equal(path_glob_validate("/", NULL), 0);
        assert_string_equal(reason, "untouched");
}

static void test_validate_rejects_unterminated_class(void **state)
{
        const char *reason = NULL;

        assert_int_equal(path_glob_validate("/x/[ab", &reason), -EINVAL);
        assert_non_null(strstr(reason, "'['"));
        assert_int_equal(path_glob_validate("/x/[]", &reason), -EINVAL);
        assert_int_equal(path_glob_validate("/x/[a\\]", &reason), -EINVAL);
}

static void test_validate_rejects_trailing_backslash(void **state)
{
        const char *reason = NULL;

        assert_int_equal(path_glob_validate("/x/\\", &reason), -EINVAL);
        assert_non_null(strstr(reason, "trailing"));
        assert_int_equal(path_glob_validate("/x/\\\\", &reason), 0);
}

static void test_validate_rejects_reversed_range(void **state)
{
        const char *reason = NULL;

        assert_int_equal(path_glob_validate("/x/[z-a]", &reason), -EINVAL);
        assert_non_null(strstr(reason, "reversed"));
}

static void test_validate_requires_absolute_pattern(void **state)
{
        const char *reason = NULL;

        assert_int_equal(path_glob_validate("etc/*", &reason), -EINVAL);
        assert_non_null(strstr(reason, "absolute"));
        assert_int_equal(path_glob_validate("", &reason), -EINVAL);
        assert_int_equal(path_glob_validate("**/x", NULL), -EINVAL);
        assert_int_equal(path_glob_validate(NULL, &reason), -EINVAL);
        assert_int_equal(path_glob_validate_syntax("@dbus-*", &reason), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_literal_path_matches_only_itself),
            cmocka_unit_test(test_star_stays_within_one_component),
            cmocka_unit_test(test_double_star_crosses_components),
            cmocka_unit_test(test_double_star_does_not_match_the_directory_itself),
            cmocka_unit_test(test_slash_double_star_slash_matches_zero_directories),
            cmocka_unit_test(test_question_mark_matches_one_non_slash_character),
            cmocka_unit_test(test_character_classes),
            cmocka_unit_test(test_classes_never_match_a_slash),
            cmocka_unit_test(test_backslash_escapes_the_next_character),
            cmocka_unit_test(test_malformed_patterns_match_literally),
            cmocka_unit_test(test_null_and_empty_arguments),
            cmocka_unit_test(test_matcher_accepts_patterns_without_leading_slash),
            cmocka_unit_test(test_pathological_double_stars_finish),
            cmocka_unit_test(test_pathological_single_stars_finish),
            cmocka_unit_test(test_pathological_directory_stars_finish),
            cmocka_unit_test(test_longest_pattern_is_accepted_and_longer_is_not),
            cmocka_unit_test(test_validate_accepts_good_patterns),
            cmocka_unit_test(test_validate_rejects_unterminated_class),
            cmocka_unit_test(test_validate_rejects_trailing_backslash),
            cmocka_unit_test(test_validate_rejects_reversed_range),
            cmocka_unit_test(test_validate_requires_absolute_pattern),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
