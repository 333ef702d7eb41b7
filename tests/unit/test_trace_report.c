/* SPDX-License-Identifier: MIT */
/* Reports of a trace: the JSON report, the table, GitHub annotations and
 * JUnit XML. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "trace/trace_report.h"

#define MAX_NR 1023

/* Runs fn into a memory buffer and returns what it wrote (caller frees). */
#define CAPTURE(buf, call)                                                                         \
        do {                                                                                       \
                size_t capture_len_ = 0;                                                           \
                FILE *out = open_memstream(&(buf), &capture_len_);                                 \
                assert_non_null(out);                                                              \
                call;                                                                              \
                fclose(out);                                                                       \
        } while (0)

static char *const test_argv[] = {"sh", "-c", "echo 'hi' | cat", NULL};

static struct policy *load_profile(const char *text)
{
        struct policy_env env = {
            .caps_bounding = ~0ull, .kernel_major = 6, .kernel_minor = 1, .go_arch = "amd64"};
        struct policy_error err;
        struct policy *p = NULL;
        if (policy_load_buffer(text, strlen(text), "base.json", &env, &p, &err) < 0)
                fail_msg("profile did not load: %s", err.message);
        return p;
}

static void record(struct trace_recorder *rec, int nr, uint64_t arg0, uint64_t arg1,
                   struct trace_caller *caller, unsigned times)
{
        struct policy_call call;
        memset(&call, 0, sizeof(call));
        call.nr = nr;
        call.args[0] = arg0;
        call.args[1] = arg1;
        for (unsigned i = 0; i < times; i++)
                assert_int_equal(trace_record(rec, &call, caller), 0);
}

/* A run: read (named by the base) 5 times, openat 3 times, socket twice,
 * ioctl once; callers sh and a program with a hostile name. */
static void sample(struct trace_recorder *rec, struct policy **ret_base)
{
        struct policy *base = load_profile("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": "
                                           "[{\"names\": [\"read\"], \"action\": "
                                           "\"SCMP_ACT_NOTIFY\"}]}");
        struct trace_caller *sh = trace_caller_new(100, "/usr/bin/dash", "sh -c x");
        struct trace_caller *odd =
            trace_caller_new(200, "/tmp/bad\xff\xfe<&>", "evil %0A\n::error::x, y: z");
        assert_int_equal(trace_recorder_init(rec, base, MAX_NR, false), 0);
        record(rec, __NR_read, 0, 0, sh, 5);
        record(rec, __NR_openat, 0, 0, sh, 2);
        record(rec, __NR_openat, 0, 0, odd, 1);
        record(rec, __NR_socket, AF_INET, SOCK_STREAM, odd, 1);
        record(rec, __NR_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, odd, 1);
        record(rec, __NR_ioctl, 1, TCGETS, sh, 1);
        trace_caller_unref(sh);
        trace_caller_unref(odd);
        *ret_base = base;
}

static void test_values_are_shown_by_name(void **state)
{
        char buf[128];
        assert_int_equal(trace_format_value(TRACE_ARG_SOCKET_FAMILY, AF_INET6, buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "AF_INET6");
        trace_format_value(TRACE_ARG_SOCKET_TYPE, SOCK_STREAM | SOCK_CLOEXEC, buf, sizeof(buf));
        assert_string_equal(buf, "SOCK_STREAM|SOCK_CLOEXEC");
        trace_format_value(TRACE_ARG_IOCTL_REQUEST, TIOCGWINSZ, buf, sizeof(buf));
        assert_string_equal(buf, "TIOCGWINSZ");
        /* Sign-extended, as some programs pass it: the kernel reads 32 bits. */
        trace_format_value(TRACE_ARG_IOCTL_REQUEST, 0xffffffff00005401ull, buf, sizeof(buf));
        assert_string_equal(buf, "TCGETS");
        trace_format_value(TRACE_ARG_IOCTL_REQUEST, 0xc0de, buf, sizeof(buf));
        assert_string_equal(buf, "0xc0de");
        trace_format_value(TRACE_ARG_PRCTL_OPTION, PR_SET_NAME, buf, sizeof(buf));
        assert_string_equal(buf, "PR_SET_NAME");
        trace_format_value(TRACE_ARG_PERSONALITY, 0x40000, buf, sizeof(buf));
        assert_string_equal(buf, "0x40000");
        assert_int_equal(trace_format_value(TRACE_ARG_PRCTL_OPTION, PR_SET_NAME, buf, 4), -ENOSPC);
        assert_int_equal(strlen(buf), 3);
}

static void test_command_string_quotes_for_the_shell(void **state)
{
        char *s = trace_command_string(test_argv);
        assert_string_equal(s, "sh -c 'echo '\\''hi'\\'' | cat'");
        free(s);
        char *const plain[] = {"gcc", "-O2", "-c", "a.c", "-o", "/tmp/a.o", NULL};
        s = trace_command_string(plain);
        assert_string_equal(s, "gcc -O2 -c a.c -o /tmp/a.o");
        free(s);
        char *const empty[] = {"printf", "", NULL};
        s = trace_command_string(empty);
        assert_string_equal(s, "printf ''");
        free(s);
}

static void test_json_report_follows_the_schema(void **state)
{
        struct trace_recorder rec;
        struct policy *base;
        struct trace_run run = {.argv = test_argv,
                                .base = "base.json",
                                .exit_status = 3,
                                .status = 3,
                                .fail_on_unknown = true};
        char *text = NULL;
        sample(&rec, &base);
        int r;
        CAPTURE(text, r = trace_report_json(&rec, &run, out));
        assert_int_equal(r, 0);

        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);
        assert_int_equal(cJSON_GetObjectItem(root, "schemaVersion")->valueint, 1);
        assert_string_equal(
            cJSON_GetArrayItem(cJSON_GetObjectItem(root, "command"), 2)->valuestring,
            "echo 'hi' | cat");
        assert_string_equal(cJSON_GetObjectItem(root, "base")->valuestring, "base.json");
        assert_int_equal(cJSON_GetObjectItem(root, "exitStatus")->valueint, 3);
        assert_int_equal(cJSON_GetObjectItem(root, "status")->valueint, 3);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(root, "failOnUnknown")));
        cJSON *totals = cJSON_GetObjectItem(root, "totals");
        assert_int_equal(cJSON_GetObjectItem(totals, "calls")->valueint, 11);
        assert_int_equal(cJSON_GetObjectItem(totals, "newCalls")->valueint, 6);
        assert_int_equal(cJSON_GetObjectItem(totals, "syscalls")->valueint, 4);
        assert_int_equal(cJSON_GetObjectItem(totals, "newSyscalls")->valueint, 3);

        cJSON *fresh = cJSON_GetObjectItem(root, "newSyscalls");
        assert_int_equal(cJSON_GetArraySize(fresh), 3);
        assert_string_equal(cJSON_GetArrayItem(fresh, 0)->valuestring, "ioctl");
        assert_string_equal(cJSON_GetArrayItem(fresh, 1)->valuestring, "openat");
        assert_string_equal(cJSON_GetArrayItem(fresh, 2)->valuestring, "socket");

        cJSON *syscalls = cJSON_GetObjectItem(root, "syscalls");
        assert_int_equal(cJSON_GetArraySize(syscalls), 4);
        cJSON *openat = cJSON_GetArrayItem(syscalls, 1);
        assert_string_equal(cJSON_GetObjectItem(openat, "name")->valuestring, "openat");
        assert_int_equal(cJSON_GetObjectItem(openat, "nr")->valueint, __NR_openat);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(openat, "new")));
        assert_int_equal(cJSON_GetObjectItem(openat, "count")->valueint, 3);
        cJSON *first = cJSON_GetObjectItem(openat, "first");
        assert_int_equal(cJSON_GetObjectItem(first, "pid")->valueint, 100);
        assert_string_equal(cJSON_GetObjectItem(first, "exe")->valuestring, "/usr/bin/dash");
        assert_string_equal(cJSON_GetObjectItem(first, "cmdline")->valuestring, "sh -c x");
        cJSON *last = cJSON_GetObjectItem(openat, "last");
        assert_int_equal(cJSON_GetObjectItem(last, "pid")->valueint, 200);
        /* Bytes that are not UTF-8, and control characters, become '?'. */
        assert_string_equal(cJSON_GetObjectItem(last, "exe")->valuestring, "/tmp/bad?"
                                                                           "?<&>");
        assert_string_equal(cJSON_GetObjectItem(last, "cmdline")->valuestring,
                            "evil %0A?::error::x, y: z");
        assert_null(cJSON_GetObjectItem(openat, "args"));

        cJSON *read = cJSON_GetArrayItem(syscalls, 2);
        assert_string_equal(cJSON_GetObjectItem(read, "name")->valuestring, "read");
        assert_true(cJSON_IsFalse(cJSON_GetObjectItem(read, "new")));

        cJSON *socket = cJSON_GetArrayItem(syscalls, 3);
        cJSON *args = cJSON_GetObjectItem(socket, "args");
        assert_int_equal(cJSON_GetArraySize(args), 2);
        cJSON *family = cJSON_GetArrayItem(args, 0);
        assert_int_equal(cJSON_GetObjectItem(family, "index")->valueint, 0);
        assert_string_equal(cJSON_GetObjectItem(family, "meaning")->valuestring, "family");
        assert_true(cJSON_IsFalse(cJSON_GetObjectItem(family, "truncated")));
        cJSON *values = cJSON_GetObjectItem(family, "values");
        assert_int_equal(cJSON_GetArraySize(values), 2);
        assert_string_equal(
            cJSON_GetObjectItem(cJSON_GetArrayItem(values, 0), "value")->valuestring, "0x1");
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(values, 0), "text")->valuestring,
                            "AF_UNIX");
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(values, 1), "text")->valuestring,
                            "AF_INET");
        cJSON *type = cJSON_GetArrayItem(args, 1);
        assert_int_equal(cJSON_GetObjectItem(type, "index")->valueint, 1);
        assert_string_equal(cJSON_GetObjectItem(type, "meaning")->valuestring, "type");

        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

static void test_json_report_lists_paths_when_recorded(void **state)
{
        struct trace_recorder rec;
        struct trace_run run = {.argv = test_argv};
        struct policy_call call;
        char *text = NULL;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, true), 0);
        memset(&call, 0, sizeof(call));
        call.nr = __NR_openat;
        call.have_paths = true;
        call.n_paths = 1;
        call.paths[0] = "/etc/zz";
        trace_record(&rec, &call, NULL);
        call.paths[0] = "/etc/aa";
        trace_record(&rec, &call, NULL);
        int r;
        CAPTURE(text, r = trace_report_json(&rec, &run, out));
        assert_int_equal(r, 0);
        cJSON *root = cJSON_Parse(text);
        assert_non_null(root);
        assert_true(cJSON_IsNull(cJSON_GetObjectItem(root, "base")));
        cJSON *openat = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "syscalls"), 0);
        cJSON *paths = cJSON_GetObjectItem(openat, "paths");
        cJSON *values = cJSON_GetObjectItem(paths, "values");
        assert_int_equal(cJSON_GetArraySize(values), 2);
        assert_string_equal(cJSON_GetArrayItem(values, 0)->valuestring, "/etc/aa");
        assert_string_equal(cJSON_GetArrayItem(values, 1)->valuestring, "/etc/zz");
        assert_true(cJSON_IsFalse(cJSON_GetObjectItem(paths, "truncated")));
        /* An unknown caller is null, not a made-up process. */
        cJSON *first = cJSON_GetObjectItem(openat, "first");
        assert_true(cJSON_IsNull(cJSON_GetObjectItem(first, "exe")));
        cJSON_Delete(root);
        free(text);
        trace_recorder_free(&rec);
}

static void test_table_is_sorted_by_count_and_marks_new(void **state)
{
        struct trace_recorder rec;
        struct policy *base;
        struct trace_run run = {.argv = test_argv, .base = "base.json"};
        char *text = NULL;
        sample(&rec, &base);
        CAPTURE(text, trace_report_table(&rec, &run, out));

        char *read = strstr(text, " read ");
        char *openat = strstr(text, " openat ");
        char *ioctl = strstr(text, " ioctl ");
        char *socket = strstr(text, " socket ");
        assert_non_null(read);
        assert_non_null(openat);
        assert_non_null(ioctl);
        assert_non_null(socket);
        /* 5 read, 3 openat, 2 socket, 1 ioctl. */
        assert_true(read < openat && openat < socket && socket < ioctl);
        /* read is the base's: no mark on its line; the others have one. */
        char *line = read;
        while (line > text && line[-1] != '\n')
                line--;
        assert_null(memchr(line, '+', (size_t)(read - line)));
        line = openat;
        while (line > text && line[-1] != '\n')
                line--;
        assert_non_null(memchr(line, '+', (size_t)(openat - line)));
        assert_non_null(strstr(text, "family AF_UNIX AF_INET; type SOCK_STREAM "
                                     "SOCK_DGRAM|SOCK_CLOEXEC"));
        assert_non_null(strstr(text, "request TCGETS"));
        assert_non_null(strstr(text, "11 calls to 4 syscalls; 3 not in the base profile"));
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

static size_t count_lines_starting(const char *text, const char *prefix)
{
        size_t n = 0;
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (strncmp(p, prefix, strlen(prefix)) == 0)
                        n++;
        return n;
}

static void test_github_annotations_escape_target_text(void **state)
{
        struct trace_recorder rec;
        struct policy *base;
        struct trace_run run = {.argv = test_argv, .base = "base.json"};
        char *text = NULL, *summary = NULL;
        size_t summary_len = 0;
        sample(&rec, &base);
        FILE *sum = open_memstream(&summary, &summary_len);
        int r;
        CAPTURE(text, r = trace_report_github(&rec, &run, out, sum));
        fclose(sum);
        assert_int_equal(r, 0);

        assert_int_equal(count_lines_starting(text, "::warning "), 3);
        assert_int_equal(count_lines_starting(text, "::error"), 0);
        /* A command line cannot end the annotation or start a command:
         * newlines and '%' are escaped, so every line is one of ours. */
        assert_non_null(strstr(text, "evil %250A?::error::x, y: z"));
        for (const char *p = text; *p; p = strchr(p, '\n') + 1)
                assert_int_equal(strncmp(p, "::warning ", 10), 0);
        assert_non_null(strstr(text, "::warning title=scmp-super trace%3A syscall not in the "
                                     "profile::openat: 3 calls, first called by pid 100"));

        assert_non_null(strstr(summary, "| syscall | calls | first caller |"));
        assert_non_null(strstr(summary, "| openat | 3 |"));
        assert_non_null(strstr(summary, "| socket | 2 |"));
        assert_null(strstr(summary, "| read |"));
        free(summary);
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

static void test_github_annotations_are_capped_and_errors_when_gating(void **state)
{
        struct trace_recorder rec;
        struct trace_run run = {.argv = test_argv, .fail_on_unknown = true};
        char *text = NULL;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        for (int nr = 0; nr < 25; nr++)
                record(&rec, nr, 0, 0, NULL, 1);
        int r;
        CAPTURE(text, r = trace_report_github(&rec, &run, out, NULL));
        assert_int_equal(r, 0);
        assert_int_equal(count_lines_starting(text, "::error title="), TRACE_GITHUB_ANNOTATIONS);
        assert_int_equal(count_lines_starting(text, "::error::15 more syscalls"), 1);
        free(text);
        trace_recorder_free(&rec);
}

static void test_github_says_when_nothing_is_new(void **state)
{
        struct trace_recorder rec;
        struct trace_run run = {.argv = test_argv};
        char *text = NULL;
        assert_int_equal(trace_recorder_init(&rec, NULL, MAX_NR, false), 0);
        CAPTURE(text, trace_report_github(&rec, &run, out, NULL));
        assert_string_equal(text, "::notice::scmp-super trace: no syscalls outside the profile\n");
        free(text);
        trace_recorder_free(&rec);
}

static void test_junit_has_a_case_per_new_syscall(void **state)
{
        struct trace_recorder rec;
        struct policy *base;
        struct trace_run run = {.argv = test_argv, .base = "base.json", .fail_on_unknown = true};
        char *text = NULL;
        sample(&rec, &base);
        int r;
        CAPTURE(text, r = trace_report_junit(&rec, &run, out));
        assert_int_equal(r, 0);
        assert_non_null(strstr(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert_non_null(strstr(text, "<testsuites name=\"scmp-super trace\" tests=\"4\" "
                                     "failures=\"3\">"));
        assert_non_null(strstr(text, "name=\"sh -c &apos;echo &apos;\\&apos;&apos;hi"));
        assert_non_null(strstr(text, "<testcase classname=\"scmp-super.trace.syscall\" "
                                     "name=\"openat\">"));
        assert_non_null(strstr(text, "<testcase classname=\"scmp-super.trace.syscall\" "
                                     "name=\"socket\">"));
        assert_null(strstr(text, "name=\"read\""));
        assert_non_null(strstr(text, "/tmp/bad??&lt;&amp;&gt;"));
        size_t failures = 0;
        for (const char *p = text; (p = strstr(p, "<failure ")); p++)
                failures++;
        assert_int_equal(failures, 3);
        free(text);

        /* Without the gate the cases pass, and a failed command is a failure. */
        run.fail_on_unknown = false;
        run.exit_status = 2;
        CAPTURE(text, trace_report_junit(&rec, &run, out));
        assert_non_null(strstr(text, "tests=\"4\" failures=\"1\""));
        assert_non_null(strstr(text, "the command exited with status 2"));
        assert_non_null(strstr(text, "<system-out>not in the profile: 3 calls"));
        free(text);
        trace_recorder_free(&rec);
        policy_free(base);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_values_are_shown_by_name),
            cmocka_unit_test(test_command_string_quotes_for_the_shell),
            cmocka_unit_test(test_json_report_follows_the_schema),
            cmocka_unit_test(test_json_report_lists_paths_when_recorded),
            cmocka_unit_test(test_table_is_sorted_by_count_and_marks_new),
            cmocka_unit_test(test_github_annotations_escape_target_text),
            cmocka_unit_test(test_github_annotations_are_capped_and_errors_when_gating),
            cmocka_unit_test(test_github_says_when_nothing_is_new),
            cmocka_unit_test(test_junit_has_a_case_per_new_syscall),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
