/* SPDX-License-Identifier: MIT */
/* Saving a rule into a profile: a pure insertion at the front of
 * supervisor.rules, in the file's own style, replacing the file atomically. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/env.h"
#include "policy.h"
#include "profile/profile_edit.h"

static cJSON *test_rule(void)
{
        cJSON *rule = cJSON_Parse("{\"comment\":\"saved\",\"syscalls\":[\"openat\"],"
                                  "\"path\":[\"/etc/hosts\"],\"exe\":\"/usr/bin/cat\","
                                  "\"action\":\"allow\"}");
        assert_non_null(rule);
        return rule;
}

/* The edit is an insertion: original == new minus one contiguous block,
 * and that block holds the rule. Returns the inserted block. */
static char *inserted_block(const char *orig, const char *new_text)
{
        size_t lo = strlen(orig), ln = strlen(new_text), pre = 0, suf = 0;
        assert_true(ln > lo);
        while (pre < lo && orig[pre] == new_text[pre])
                pre++;
        while (suf < lo - pre && orig[lo - 1 - suf] == new_text[ln - 1 - suf])
                suf++;
        assert_int_equal(pre + suf, lo);
        return strndup(new_text + pre, ln - lo);
}

/* The first rule of the profile text, as the loader sees it. */
static void assert_first_rule_is_ours(const char *text)
{
        struct policy_env env;
        struct policy_error err;
        struct policy *p = NULL;
        env_detect(&env);
        if (policy_load_buffer(text, strlen(text), "edited", &env, &p, &err) < 0)
                fail_msg("%s", err.message);
        assert_true(p->n_rules >= 1);
        assert_string_equal(p->rules[0].comment, "saved");
        assert_string_equal(p->rules[0].path_globs[0], "/etc/hosts");
        assert_int_equal(p->rules[0].verdict, VERDICT_ALLOW);
        policy_free(p);
}

static char *insert(const char *orig)
{
        cJSON *rule = test_rule();
        char err[512] = "", *out = NULL;
        int r = profile_insert_rule_text(orig, strlen(orig), rule, &out, err, sizeof(err));
        cJSON_Delete(rule);
        if (r < 0)
                fail_msg("profile_insert_rule_text: %s", err);
        assert_first_rule_is_ours(out);
        return out;
}

static void rule_goes_before_the_first_rule_in_its_indentation(void **state)
{
        const char *orig = "{\n"
                           "\t\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                           "\t\"supervisor\": {\n"
                           "\t\t\"defaultAction\": \"prompt\",\n"
                           "\t\t\"rules\": [\n"
                           "\t\t\t{\n"
                           "\t\t\t\t\"syscalls\": [\"connect\"],\n"
                           "\t\t\t\t\"action\": \"deny\"\n"
                           "\t\t\t}\n"
                           "\t\t]\n"
                           "\t}\n"
                           "}\n";
        char *out = insert(orig);
        assert_string_equal(out, "{\n"
                                 "\t\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                                 "\t\"supervisor\": {\n"
                                 "\t\t\"defaultAction\": \"prompt\",\n"
                                 "\t\t\"rules\": [\n"
                                 "\t\t\t{\n"
                                 "\t\t\t\t\"comment\": \"saved\",\n"
                                 "\t\t\t\t\"syscalls\": [\"openat\"],\n"
                                 "\t\t\t\t\"path\": [\"/etc/hosts\"],\n"
                                 "\t\t\t\t\"exe\": \"/usr/bin/cat\",\n"
                                 "\t\t\t\t\"action\": \"allow\"\n"
                                 "\t\t\t},\n"
                                 "\t\t\t{\n"
                                 "\t\t\t\t\"syscalls\": [\"connect\"],\n"
                                 "\t\t\t\t\"action\": \"deny\"\n"
                                 "\t\t\t}\n"
                                 "\t\t]\n"
                                 "\t}\n"
                                 "}\n");
        free(inserted_block(orig, out));
        free(out);
}

static void rules_member_is_created_in_space_indented_files(void **state)
{
        const char *orig = "{\n"
                           "  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                           "  \"supervisor\": {\n"
                           "    \"defaultAction\": \"prompt\"\n"
                           "  }\n"
                           "}\n";
        char *out = insert(orig);
        assert_string_equal(out, "{\n"
                                 "  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                                 "  \"supervisor\": {\n"
                                 "    \"rules\": [\n"
                                 "      {\n"
                                 "        \"comment\": \"saved\",\n"
                                 "        \"syscalls\": [\"openat\"],\n"
                                 "        \"path\": [\"/etc/hosts\"],\n"
                                 "        \"exe\": \"/usr/bin/cat\",\n"
                                 "        \"action\": \"allow\"\n"
                                 "      }\n"
                                 "    ],\n"
                                 "    \"defaultAction\": \"prompt\"\n"
                                 "  }\n"
                                 "}\n");
        free(inserted_block(orig, out));
        free(out);
}

static void empty_rules_array_gets_the_rule(void **state)
{
        const char *orig = "{\n"
                           "\t\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                           "\t\"supervisor\": { \"defaultAction\": \"prompt\", \"rules\": [] }\n"
                           "}\n";
        char *out = insert(orig);
        free(out);
}

static void empty_supervisor_object_gets_rules(void **state)
{
        const char *orig = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"supervisor\": {}}";
        char *out = insert(orig);
        free(inserted_block(orig, out));
        free(out);
}

static void compact_profile_stays_compact(void **state)
{
        const char *orig = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"supervisor\":{"
                           "\"defaultAction\":\"prompt\",\"rules\":[{\"action\":\"deny\"}]}}";
        char *out = insert(orig);
        char *block = inserted_block(orig, out);
        assert_null(strchr(block, '\n'));
        free(block);
        free(out);
}

static void oci_config_rules_live_under_linux_seccomp(void **state)
{
        const char *orig = "{\n"
                           "\t\"ociVersion\": \"1.0.2\",\n"
                           "\t\"linux\": {\n"
                           "\t\t\"seccomp\": {\n"
                           "\t\t\t\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                           "\t\t\t\"supervisor\": {\n"
                           "\t\t\t\t\"defaultAction\": \"prompt\"\n"
                           "\t\t\t}\n"
                           "\t\t}\n"
                           "\t}\n"
                           "}\n";
        char *out = insert(orig);
        free(inserted_block(orig, out));
        free(out);
}

static void big_numbers_elsewhere_survive_textually(void **state)
{
        const char *orig =
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"personality\"],"
            "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":4294967295,"
            "\"op\":\"SCMP_CMP_EQ\"}]}],\"supervisor\":{\"rules\":[{\"action\":\"deny\"}]}}";
        char *out = insert(orig);
        assert_non_null(strstr(out, "\"value\":4294967295,"));
        free(out);
}

static void profile_without_supervisor_is_printed_again(void **state)
{
        const char *orig = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"comment\": \"kept\"}";
        char *out = insert(orig);
        cJSON *doc = cJSON_Parse(out);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "comment")),
                            "kept");
        cJSON_Delete(doc);
        free(out);
}

static void profile_that_does_not_load_is_refused(void **state)
{
        const char *orig = "{\"defaultAction\": \"SCMP_ACT_NOPE\"}";
        cJSON *rule = test_rule();
        char err[512] = "", *out = NULL;
        assert_int_equal(profile_insert_rule_text(orig, strlen(orig), rule, &out, err, sizeof(err)),
                         -EINVAL);
        assert_null(out);
        assert_non_null(strstr(err, "does not load"));
        cJSON_Delete(rule);
}

static void rule_that_would_break_the_profile_is_refused(void **state)
{
        const char *orig = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"supervisor\": {}}";
        cJSON *rule = cJSON_Parse("{\"syscalls\":[\"openat\"],\"action\":\"maybe\"}");
        char err[512] = "", *out = NULL;
        assert_int_equal(profile_insert_rule_text(orig, strlen(orig), rule, &out, err, sizeof(err)),
                         -EINVAL);
        assert_null(out);
        assert_non_null(strstr(err, "would not load"));
        cJSON_Delete(rule);
}

static char *read_all(const char *path)
{
        FILE *f = fopen(path, "re");
        assert_non_null(f);
        char *buf = calloc(1, 65536);
        size_t n = fread(buf, 1, 65535, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

static void file_is_replaced_with_mode_kept_and_symlink_followed(void **state)
{
        char dir[] = "/tmp/test_profile_edit.XXXXXX", file[256], link[256], cmd[512];
        const char *orig = "{\n\t\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                           "\t\"supervisor\": {\n\t\t\"defaultAction\": \"prompt\"\n\t}\n}\n";
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/profile.json", dir);
        snprintf(link, sizeof(link), "%s/link.json", dir);
        FILE *f = fopen(file, "we");
        fputs(orig, f);
        fclose(f);
        assert_int_equal(chmod(file, 0640), 0);
        assert_int_equal(symlink("profile.json", link), 0);

        cJSON *rule = test_rule();
        char err[512] = "";
        int r = profile_add_rule(link, rule, err, sizeof(err));
        if (r < 0)
                fail_msg("profile_add_rule: %s", err);
        cJSON_Delete(rule);

        struct stat st;
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(stat(file, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        char *text = read_all(file);
        assert_first_rule_is_ours(text);
        free(inserted_block(orig, text));
        free(text);

        /* No temporary file is left behind. */
        snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 2", dir);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

static void failed_save_leaves_the_file_alone(void **state)
{
        char dir[] = "/tmp/test_profile_edit.XXXXXX", file[256], cmd[512];
        const char *orig = "{\"defaultAction\": \"SCMP_ACT_BOGUS\"}";
        assert_non_null(mkdtemp(dir));
        snprintf(file, sizeof(file), "%s/profile.json", dir);
        FILE *f = fopen(file, "we");
        fputs(orig, f);
        fclose(f);
        cJSON *rule = test_rule();
        char err[512] = "";
        assert_true(profile_add_rule(file, rule, err, sizeof(err)) < 0);
        assert_non_null(strstr(err, file));
        cJSON_Delete(rule);
        char *text = read_all(file);
        assert_string_equal(text, orig);
        free(text);
        snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) -eq 1 && rm -rf %s", dir, dir);
        assert_int_equal(system(cmd), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(rule_goes_before_the_first_rule_in_its_indentation),
            cmocka_unit_test(rules_member_is_created_in_space_indented_files),
            cmocka_unit_test(empty_rules_array_gets_the_rule),
            cmocka_unit_test(empty_supervisor_object_gets_rules),
            cmocka_unit_test(compact_profile_stays_compact),
            cmocka_unit_test(oci_config_rules_live_under_linux_seccomp),
            cmocka_unit_test(big_numbers_elsewhere_survive_textually),
            cmocka_unit_test(profile_without_supervisor_is_printed_again),
            cmocka_unit_test(profile_that_does_not_load_is_refused),
            cmocka_unit_test(rule_that_would_break_the_profile_is_refused),
            cmocka_unit_test(file_is_replaced_with_mode_kept_and_symlink_followed),
            cmocka_unit_test(failed_save_leaves_the_file_alone),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
