/* SPDX-License-Identifier: MIT */
/*
 * The daemon's named profiles: which names metadata may use, where the
 * default comes from, and what a reload does with changed, broken, new and
 * removed files while targets still hold the old versions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/profile_store.h"

#define PROFILE_DENY                                                                               \
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"              \
        "\"action\":\"SCMP_ACT_NOTIFY\"}],\"supervisor\":{\"defaultAction\":\"deny\"}}"
#define PROFILE_ALLOW                                                                              \
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"              \
        "\"action\":\"SCMP_ACT_NOTIFY\"}],\"supervisor\":{\"defaultAction\":\"allow\"}}"
#define PROFILE_BROKEN "{\"defaultAction\":\"SCMP_ACT_ALOW\"}"

static char dir[64];

static void write_file(const char *name, const char *text)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        assert_int_equal(fputs(text, f) >= 0, 1);
        assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *name)
{
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        assert_int_equal(unlink(path), 0);
}

static int make_dir(void **state)
{
        snprintf(dir, sizeof(dir), "/tmp/test_profile_store.XXXXXX");
        assert_non_null(mkdtemp(dir));
        return 0;
}

static int remove_dir(void **state)
{
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        return system(cmd);
}

struct reports {
        char text[4096];
        int count;
};

static void collect(void *ctx, const char *message)
{
        struct reports *r = ctx;
        size_t len = strlen(r->text);
        snprintf(r->text + len, sizeof(r->text) - len, "%s\n", message);
        r->count++;
}

static void names_cannot_be_paths(void **state)
{
        assert_true(profile_name_valid("web"));
        assert_true(profile_name_valid("db.v2_strict-1"));
        assert_false(profile_name_valid(""));
        assert_false(profile_name_valid("."));
        assert_false(profile_name_valid(".."));
        assert_false(profile_name_valid("../etc/passwd"));
        assert_false(profile_name_valid("a/b"));
        assert_false(profile_name_valid(".hidden"));
        assert_false(profile_name_valid("with space"));
        assert_false(profile_name_valid("semi;colon"));
        char long_name[PROFILE_NAME_MAX + 2];
        memset(long_name, 'a', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        assert_false(profile_name_valid(long_name));
        long_name[PROFILE_NAME_MAX] = '\0';
        assert_true(profile_name_valid(long_name));
}

static void without_options_the_default_is_built_in(void **state)
{
        struct profile_store store;
        struct policy_error err;

        assert_int_equal(profile_store_open(&store, NULL, NULL, &err), 0);
        assert_int_equal(store.n_profiles, 1);
        struct stored_profile *p = profile_store_find(&store, NULL);
        assert_non_null(p);
        assert_string_equal(p->name, "default");
        assert_string_equal(p->source, "<built-in default>");
        assert_ptr_equal(profile_store_find(&store, "default"), p);
        assert_null(profile_store_find(&store, "web"));
        profile_store_close(&store);
}

static void directory_profiles_are_found_by_name(void **state)
{
        struct profile_store store;
        struct policy_error err;

        write_file("default.json", PROFILE_DENY);
        write_file("web.json", PROFILE_ALLOW);
        write_file("bad name.json", PROFILE_BROKEN); /* no metadata could name it */
        write_file(".hidden.json", PROFILE_BROKEN);
        write_file("notes.txt", "not a profile");
        assert_int_equal(profile_store_open(&store, NULL, dir, &err), 0);
        assert_int_equal(store.n_profiles, 2);
        assert_int_equal(profile_store_find(&store, NULL)->policy->default_verdict, VERDICT_DENY);
        assert_int_equal(profile_store_find(&store, "web")->policy->default_verdict, VERDICT_ALLOW);
        assert_null(profile_store_find(&store, "bad name"));
        assert_null(profile_store_find(&store, "notes"));
        profile_store_close(&store);
}

static void policy_option_overrides_the_directory_default(void **state)
{
        struct profile_store store;
        struct policy_error err;
        char path[128];

        write_file("default.json", PROFILE_DENY);
        write_file("other.json", PROFILE_ALLOW);
        snprintf(path, sizeof(path), "%s/other.json", dir);
        assert_int_equal(profile_store_open(&store, path, dir, &err), 0);
        struct stored_profile *p = profile_store_find(&store, NULL);
        assert_string_equal(p->source, path);
        assert_int_equal(p->policy->default_verdict, VERDICT_ALLOW);
        profile_store_close(&store);
}

static void a_broken_profile_stops_the_start(void **state)
{
        struct profile_store store;
        struct policy_error err;

        write_file("default.json", PROFILE_DENY);
        write_file("web.json", PROFILE_BROKEN);
        assert_true(profile_store_open(&store, NULL, dir, &err) < 0);
        assert_non_null(strstr(err.message, "web.json"));
        remove_file("web.json");
}

static void a_missing_directory_stops_the_start(void **state)
{
        struct profile_store store;
        struct policy_error err;

        assert_int_equal(profile_store_open(&store, NULL, "/nonexistent/profiles", &err), -ENOENT);
        assert_non_null(strstr(err.message, "/nonexistent/profiles"));
}

static void reload_applies_changes_and_keeps_what_broke(void **state)
{
        struct profile_store store;
        struct policy_error err;
        struct reports reports = {.count = 0};

        write_file("default.json", PROFILE_DENY);
        write_file("web.json", PROFILE_DENY);
        write_file("db.json", PROFILE_DENY);
        assert_int_equal(profile_store_open(&store, NULL, dir, &err), 0);
        /* A target deciding with each. */
        struct stored_profile *held_web = stored_profile_ref(profile_store_find(&store, "web"));
        struct stored_profile *held_db = stored_profile_ref(profile_store_find(&store, "db"));
        struct stored_profile *old_default = profile_store_find(&store, NULL);

        write_file("default.json", PROFILE_BROKEN);
        write_file("web.json", PROFILE_ALLOW);
        remove_file("db.json");
        write_file("new.json", PROFILE_ALLOW);
        assert_int_equal(profile_store_reload(&store, collect, &reports), 1);

        /* Broken: the old version stays, and the report says which and why. */
        assert_ptr_equal(profile_store_find(&store, NULL), old_default);
        assert_non_null(strstr(reports.text, "profile \"default\""));
        assert_non_null(strstr(reports.text, "keeping the version loaded before"));
        /* Changed: a new version for new lookups; the holder's stays alive. */
        struct stored_profile *web = profile_store_find(&store, "web");
        assert_ptr_not_equal(web, held_web);
        assert_int_equal(web->policy->default_verdict, VERDICT_ALLOW);
        assert_int_equal(held_web->policy->default_verdict, VERDICT_DENY);
        /* Gone and new. */
        assert_null(profile_store_find(&store, "db"));
        assert_non_null(strstr(reports.text, "profile \"db\" is gone"));
        assert_int_equal(held_db->refs, 1);
        assert_int_equal(held_db->policy->default_verdict, VERDICT_DENY);
        assert_non_null(profile_store_find(&store, "new"));

        stored_profile_unref(held_web);
        stored_profile_unref(held_db);
        profile_store_close(&store);
        remove_file("new.json");
        remove_file("web.json");
        remove_file("default.json");
}

static void reload_without_the_directory_changes_nothing(void **state)
{
        struct profile_store store;
        struct policy_error err;
        struct reports reports = {.count = 0};
        char moved[80];

        write_file("default.json", PROFILE_DENY);
        assert_int_equal(profile_store_open(&store, NULL, dir, &err), 0);
        struct stored_profile *before = profile_store_find(&store, NULL);
        snprintf(moved, sizeof(moved), "%s.moved", dir);
        assert_int_equal(rename(dir, moved), 0);
        assert_int_equal(profile_store_reload(&store, collect, &reports), -ENOENT);
        assert_int_equal(rename(moved, dir), 0);
        assert_ptr_equal(profile_store_find(&store, NULL), before);
        assert_non_null(strstr(reports.text, "every profile stays as it was"));
        profile_store_close(&store);
        remove_file("default.json");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(names_cannot_be_paths),
            cmocka_unit_test(without_options_the_default_is_built_in),
            cmocka_unit_test(directory_profiles_are_found_by_name),
            cmocka_unit_test(policy_option_overrides_the_directory_default),
            cmocka_unit_test(a_broken_profile_stops_the_start),
            cmocka_unit_test(a_missing_directory_stops_the_start),
            cmocka_unit_test(reload_applies_changes_and_keeps_what_broke),
            cmocka_unit_test(reload_without_the_directory_changes_nothing),
        };
        return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
