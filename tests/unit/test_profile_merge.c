/* SPDX-License-Identifier: MIT */
/* profile merge and diff: profiles as sets of per-syscall rules. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profile/profile_merge.h"

static const struct policy_env test_env = {
    .caps_bounding = ~0ull, .kernel_major = 6, .kernel_minor = 1, .go_arch = "amd64"};

static struct profile_input input(const char *name, const char *text)
{
        return (struct profile_input){.name = name, .text = text, .len = strlen(text)};
}

struct warnings {
        char text[2048];
        unsigned n;
};

static void collect(void *ctx, const char *message)
{
        struct warnings *w = ctx;
        strncat(w->text, message, sizeof(w->text) - strlen(w->text) - 2);
        strcat(w->text, "\n");
        w->n++;
}

static char *merge2(const char *a, const char *b, struct warnings *w)
{
        struct profile_input in[] = {input("a.json", a), input("b.json", b)};
        struct policy_error err;
        char *text = NULL;
        if (profile_merge(in, 2, collect, w, &text, &err) < 0)
                fail_msg("merge failed: %s", err.message);
        struct policy *p = NULL;
        if (policy_load_buffer(text, strlen(text), "merged", &test_env, &p, &err) < 0)
                fail_msg("merged profile does not load: %s\n%s", err.message, text);
        policy_free(p);
        return text;
}

static char *diff(const char *a, const char *b, bool *ret_differs)
{
        struct profile_input old_p = input("old.json", a), new_p = input("new.json", b);
        struct policy_error err;
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        assert_non_null(out);
        int r = profile_diff(&old_p, &new_p, out, ret_differs, &err);
        fclose(out);
        if (r < 0)
                fail_msg("diff failed: %s", err.message);
        return buf;
}

static const char profile_a[] = "{\n"
                                "\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                                "\t\"syscalls\": [\n"
                                "\t\t{\n"
                                "\t\t\t\"names\": [\"read\", \"write\"],\n"
                                "\t\t\t\"action\": \"SCMP_ACT_ALLOW\"\n"
                                "\t\t},\n"
                                "\t\t{\n"
                                "\t\t\t\"names\": [\"ptrace\"],\n"
                                "\t\t\t\"action\": \"SCMP_ACT_ERRNO\",\n"
                                "\t\t\t\"errnoRet\": 1\n"
                                "\t\t}\n"
                                "\t]\n"
                                "}\n";

static const char profile_b[] =
    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38, \"syscalls\": [\n"
    "  {\"names\": [\"write\", \"openat\", \"close\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
    "  {\"names\": [\"ptrace\", \"brk\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
    "  {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},\n"
    "  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"unix only\",\n"
    "   \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}\n"
    "]}\n";

static void test_merge_keeps_the_first_document_and_appends(void **state)
{
        struct warnings w = {.n = 0};
        char *text = merge2(profile_a, profile_b, &w);
        const char *end_of_a = strstr(profile_a, "\t\t}\n\t]");
        size_t kept = (size_t)(end_of_a - profile_a) + 3;
        assert_memory_equal(text, profile_a, kept);

        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);
        /* The first file's defaults win. */
        assert_null(cJSON_GetObjectItem(root, "defaultErrnoRet"));
        cJSON *syscalls = cJSON_GetObjectItem(root, "syscalls");
        assert_int_equal(cJSON_GetArraySize(syscalls), 5);

        cJSON *allow = cJSON_GetArrayItem(syscalls, 2);
        char *names = cJSON_PrintUnformatted(cJSON_GetObjectItem(allow, "names"));
        assert_string_equal(names, "[\"brk\",\"close\",\"openat\"]");
        cJSON_free(names);
        assert_string_equal(cJSON_GetObjectItem(allow, "action")->valuestring, "SCMP_ACT_ALLOW");
        assert_string_equal(cJSON_GetObjectItem(allow, "comment")->valuestring,
                            "merged from b.json");

        cJSON *deny = cJSON_GetArrayItem(syscalls, 3);
        names = cJSON_PrintUnformatted(cJSON_GetObjectItem(deny, "names"));
        assert_string_equal(names, "[\"kill\"]");
        cJSON_free(names);
        assert_int_equal(cJSON_GetObjectItem(deny, "errnoRet")->valueint, 13);

        cJSON *cond = cJSON_GetArrayItem(syscalls, 4);
        assert_string_equal(cJSON_GetObjectItem(cond, "comment")->valuestring, "unix only");
        assert_non_null(cJSON_GetObjectItem(cond, "args"));

        /* ptrace stays denied, and the user hears about it. */
        assert_int_equal(w.n, 1);
        assert_non_null(strstr(w.text, "b.json: ptrace: SCMP_ACT_ALLOW conflicts with "
                                       "SCMP_ACT_ERRNO(1)"));
        cJSON_Delete(root);
        free(text);
}

static void test_merge_is_deterministic_and_idempotent(void **state)
{
        struct warnings w = {.n = 0};
        char *once = merge2(profile_a, profile_b, &w);
        char *again = merge2(profile_a, profile_b, &w);
        assert_string_equal(once, again);
        /* Merging what is already in adds nothing. */
        char *twice = merge2(once, profile_b, &w);
        assert_string_equal(twice, once);
        char *self = merge2(profile_a, profile_a, &w);
        assert_string_equal(self, profile_a);
        free(once);
        free(again);
        free(twice);
        free(self);
}

static void test_merge_sees_through_groups_and_spellings(void **state)
{
        struct warnings w = {.n = 0};
        static const char a[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                "{\"names\": [\"@signal\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                                "{\"names\": [\"reboot\"], \"action\": \"SCMP_ACT_KILL\"},"
                                "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\"}]}\n";
        static const char b[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                "{\"names\": [\"sigaltstack\", \"rt_sigaction\"], \"action\": "
                                "\"SCMP_ACT_ALLOW\"},"
                                "{\"name\": \"reboot\", \"action\": \"SCMP_ACT_KILL_THREAD\"},"
                                "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\", "
                                "\"errnoRet\": 1}]}";
        char *text = merge2(a, b, &w);
        assert_string_equal(text, a);
        assert_int_equal(w.n, 0);
        free(text);
}

static void test_merge_refuses_what_is_not_a_profile(void **state)
{
        struct profile_input in[] = {input("a.json", profile_a), input("b.json", "{\"x\": 1}")};
        struct policy_error err;
        char *text = (char *)1;
        assert_int_equal(profile_merge(in, 2, NULL, NULL, &text, &err), -EINVAL);
        assert_string_equal(err.message, "b.json: not a seccomp profile (no \"defaultAction\")");
        in[1] = input("c.json", "{\"defaultAction\": ");
        assert_int_equal(profile_merge(in, 2, NULL, NULL, &text, &err), -EINVAL);
        assert_string_equal(err.message, "c.json: not valid JSON");
        assert_ptr_equal(text, (char *)1);
}

static void test_diff_of_equal_profiles_is_empty(void **state)
{
        bool differs = true;
        char *out = diff(profile_a, profile_a, &differs);
        assert_string_equal(out, "");
        assert_false(differs);
        free(out);

        /* Other words for the same rules are no difference either. */
        static const char spelled[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                                      "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                                      "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ERRNO\"},"
                                      "{\"name\": \"read\", \"action\": \"SCMP_ACT_ALLOW\"}]}";
        out = diff(profile_a, spelled, &differs);
        assert_string_equal(out, "");
        assert_false(differs);
        free(out);
}

static void test_diff_lists_added_removed_and_changed(void **state)
{
        bool differs = false;
        char *out = diff(profile_a, profile_b, &differs);
        assert_true(differs);
        assert_string_equal(out, "~ defaultAction: SCMP_ACT_ERRNO(1) -> SCMP_ACT_ERRNO(38)\n"
                                 "+ brk: SCMP_ACT_ALLOW\n"
                                 "+ close: SCMP_ACT_ALLOW\n"
                                 "+ kill: SCMP_ACT_ERRNO(13)\n"
                                 "+ openat: SCMP_ACT_ALLOW\n"
                                 "+ ptrace: SCMP_ACT_ALLOW\n"
                                 "- ptrace: SCMP_ACT_ERRNO(1)\n"
                                 "- read: SCMP_ACT_ALLOW\n"
                                 "+ socket: SCMP_ACT_ALLOW if arg0 == 0x1\n");
        free(out);
}

static void test_diff_shows_conditions_and_settings(void **state)
{
        bool differs = false;
        static const char a[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": null,"
                                " \"supervisor\": {\"defaultAction\": \"deny\"}, \"syscalls\": ["
                                "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\","
                                " \"args\": [{\"index\": 0, \"value\": 2114060288, \"valueTwo\": 0,"
                                " \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}";
        static const char b[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\","
                                " \"architectures\": [\"SCMP_ARCH_X86\"],"
                                " \"supervisor\": {\"defaultAction\": \"allow\"}, \"syscalls\": ["
                                "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\","
                                " \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}";
        char *out = diff(a, b, &differs);
        assert_true(differs);
        assert_string_equal(out,
                            "~ architectures: none -> [\"SCMP_ARCH_X86\"]\n"
                            "~ supervisor: the user-space rules differ\n"
                            "- clone: SCMP_ACT_ALLOW if arg0 & 0x7e020000 == 0\n"
                            "+ clone: SCMP_ACT_ALLOW if includes {\"caps\":[\"CAP_SYS_ADMIN\"]}"
                            "\n");
        free(out);
}

static void test_diff_refuses_what_is_not_a_profile(void **state)
{
        struct profile_input a = input("a.json", profile_a), b = input("b.json", "[]");
        struct policy_error err;
        bool differs = false;
        assert_int_equal(profile_diff(&a, &b, stdout, &differs, &err), -EINVAL);
        assert_string_equal(err.message, "b.json: not a seccomp profile (no \"defaultAction\")");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_merge_keeps_the_first_document_and_appends),
            cmocka_unit_test(test_merge_is_deterministic_and_idempotent),
            cmocka_unit_test(test_merge_sees_through_groups_and_spellings),
            cmocka_unit_test(test_merge_refuses_what_is_not_a_profile),
            cmocka_unit_test(test_diff_of_equal_profiles_is_empty),
            cmocka_unit_test(test_diff_lists_added_removed_and_changed),
            cmocka_unit_test(test_diff_shows_conditions_and_settings),
            cmocka_unit_test(test_diff_refuses_what_is_not_a_profile),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
