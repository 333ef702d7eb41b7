/* SPDX-License-Identifier: MIT */
/*
 * A battery of broken profiles: tests/profiles/bad/NAME.json, each with the
 * one message its load must fail with in NAME.expect, on one line:
 *
 *   NAME.json:LINE:COLUMN: json.path: what is wrong
 *
 * The files are loaded from inside that directory under their bare names, so
 * the expected messages do not depend on where the source tree is. Each
 * profile is its own cmocka test, named after the file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

#define BAD_DIR SOURCE_DIR "/tests/profiles/bad"

/* Fewer would mean the directory was not found or lost its files. */
#define MIN_BAD_PROFILES 40

static const struct policy_env env = {.caps_bounding = (UINT64_C(1) << 41) - 1,
                                      .kernel_major = 6,
                                      .kernel_minor = 18,
                                      .go_arch = "amd64"};

static bool has_suffix(const char *name, const char *suffix)
{
        size_t n = strlen(name), s = strlen(suffix);

        return n > s && strcmp(name + n - s, suffix) == 0;
}

/* The first line of path, without its newline, in a malloc'ed string. */
static char *read_first_line(const char *path)
{
        FILE *f = fopen(path, "re");
        char *line = NULL;
        size_t size = 0;
        ssize_t n;

        if (!f)
                fail_msg("%s: %s", path, strerror(errno));
        n = getline(&line, &size, f);
        fclose(f);
        if (n <= 0)
                fail_msg("%s: empty; it should hold the expected message", path);
        if (line[n - 1] == '\n')
                line[n - 1] = '\0';
        return line;
}

static void test_bad_profile(void **state)
{
        const char *json_name = *state;
        char expect_name[NAME_MAX + 1];
        struct policy *p = NULL;
        struct policy_error err = {{0}};
        size_t stem = strlen(json_name) - strlen(".json");

        snprintf(expect_name, sizeof(expect_name), "%.*s.expect", (int)stem, json_name);
        char *expected = read_first_line(expect_name);
        int r = policy_load_file(json_name, &env, &p, &err);
        if (r == 0) {
                policy_free(p);
                print_error("%s loaded, expected: %s\n", json_name, expected);
                free(expected);
                fail();
        }
        assert_int_equal(r, -EINVAL);
        assert_null(p);
        assert_string_equal(err.message, expected);
        free(expected);
}

/* Every NAME.json has a NAME.expect and every NAME.expect a NAME.json, so a
 * profile without an expectation cannot pass unnoticed. */
static void test_every_bad_profile_has_an_expectation(void **state)
{
        DIR *dir = opendir(".");
        struct dirent *d;
        size_t pairs = 0;

        assert_non_null(dir);
        while ((d = readdir(dir))) {
                const char *other_suffix;
                size_t stem;
                if (has_suffix(d->d_name, ".json")) {
                        other_suffix = ".expect";
                        stem = strlen(d->d_name) - strlen(".json");
                        pairs++;
                } else if (has_suffix(d->d_name, ".expect")) {
                        other_suffix = ".json";
                        stem = strlen(d->d_name) - strlen(".expect");
                } else {
                        continue;
                }
                char other[NAME_MAX + 1];
                snprintf(other, sizeof(other), "%.*s%s", (int)stem, d->d_name, other_suffix);
                if (access(other, R_OK) != 0)
                        fail_msg("%s has no %s", d->d_name, other);
        }
        closedir(dir);
        assert_true(pairs >= MIN_BAD_PROFILES);
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
        struct CMUnitTest *tests = NULL;
        char **names = NULL;
        size_t n = 0;
        DIR *dir;
        struct dirent *d;
        int failed;

        if (chdir(BAD_DIR) < 0) {
                fprintf(stderr, "%s: %s\n", BAD_DIR, strerror(errno));
                return 1;
        }
        dir = opendir(".");
        if (!dir) {
                fprintf(stderr, "%s: %s\n", BAD_DIR, strerror(errno));
                return 1;
        }
        while ((d = readdir(dir))) {
                if (!has_suffix(d->d_name, ".json"))
                        continue;
                char **grown = realloc(names, (n + 1) * sizeof(*names));
                if (!grown || !(grown[n] = strdup(d->d_name))) {
                        fprintf(stderr, "out of memory\n");
                        return 1;
                }
                names = grown;
                n++;
        }
        closedir(dir);
        /* readdir's order is the file system's; sort for stable output. */
        qsort(names, n, sizeof(*names), compare_names);

        tests = calloc(n + 1, sizeof(*tests));
        if (!tests) {
                fprintf(stderr, "out of memory\n");
                return 1;
        }
        tests[0] = (struct CMUnitTest)cmocka_unit_test(test_every_bad_profile_has_an_expectation);
        for (size_t i = 0; i < n; i++)
                tests[i + 1] = (struct CMUnitTest){
                    .name = names[i], .test_func = test_bad_profile, .initial_state = names[i]};

        failed = _cmocka_run_group_tests("bad_profiles", tests, n + 1, NULL, NULL);
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        free(tests);
        return failed;
}
