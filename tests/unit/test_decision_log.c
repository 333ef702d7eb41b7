/* SPDX-License-Identifier: MIT */
/* The --log line: its exact text, and that text kept from one call to the
 * next (decision_log.c keeps parts of the last line per thread) never
 * outlives what it was made from, even when a string changes in place. */
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
#include <unistd.h>

#include <cmocka.h>

#include "core/decision_log.h"
#include <seccomp.h>

struct fixture {
        const char *container;
        struct policy_call call;
        struct policy_rule rule;
        struct policy_decision decision;
        char exe[8192];
        char comment[1024];
        char path[64];
        struct log_file *log;
        size_t lines_read;
        const char *by; /* who answered a prompt, or NULL */
        long by_uid;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        f->by_uid = -1;
        f->call.nr = __NR_getppid;
        f->call.pid = 1435;
        f->call.have_exe = true;
        strcpy(f->exe, "/usr/bin/first");
        f->call.exe = f->exe;
        f->call.args[1] = 0x55b79cd3d004;
        f->call.args[5] = 0xffffffffffffffff;
        strcpy(f->comment, "rule zero");
        f->rule.comment = f->comment;
        f->decision.verdict = VERDICT_ALLOW;
        f->decision.rule = &f->rule;
        strcpy(f->path, "/tmp/test_decision_log.XXXXXX");
        int fd = mkstemp(f->path);
        if (fd < 0)
                return -1;
        close(fd);
        f->log = log_file_open(f->path);
        if (!f->log)
                return -1;
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        log_file_close(f->log);
        unlink(f->path);
        free(f);
        return 0;
}

/* Writes the fixture's call and returns its line without the time: from
 * ,"pid" to the end, without the newline. The caller frees it. */
static char *line_of(struct fixture *f)
{
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, f->call.nr);
        decision_log_write(f->log, &(struct decision_log_entry){.container = f->container,
                                                                .syscall_name = name,
                                                                .call = &f->call,
                                                                .decision = &f->decision,
                                                                .by = f->by,
                                                                .by_uid = f->by_uid});
        free(name);
        assert_int_equal(log_file_flush(f->log), 0);

        FILE *in = fopen(f->path, "r");
        assert_non_null(in);
        char *line = NULL;
        size_t cap = 0;
        ssize_t n = -1;
        for (size_t i = 0; i <= f->lines_read; i++)
                n = getline(&line, &cap, in);
        fclose(in);
        assert_true(n > 0);
        f->lines_read++;
        assert_int_equal(line[n - 1], '\n');
        line[n - 1] = '\0';
        assert_true(strncmp(line, "{\"time\":\"", 9) == 0);
        char *rest = strstr(line, "\",\"pid\":");
        assert_non_null(rest);
        char *out = strdup(rest + 2);
        free(line);
        return out;
}

static void assert_line(struct fixture *f, const char *expected)
{
        char *got = line_of(f);
        assert_string_equal(got, expected);
        free(got);
}

/* A line for a call a prompt's answer decided. */
static void assert_line_by(struct fixture *f, const char *by, long by_uid, const char *expected)
{
        f->by = by;
        f->by_uid = by_uid;
        assert_line(f, expected);
        f->by = NULL;
        f->by_uid = -1;
}

#define ARGS "\"args\":[\"0x0\",\"0x55b79cd3d004\",\"0x0\",\"0x0\",\"0x0\",\"0xffffffffffffffff\"]"

static void test_the_line(void **state)
{
        struct fixture *f = *state;
        const char *expected = "\"pid\":1435,\"exe\":\"/usr/bin/first\",\"syscall\":\"getppid\","
                               "\"nr\":110," ARGS ",\"rule\":\"supervisor.rules[0]\","
                               "\"comment\":\"rule zero\",\"decision\":\"allow\",\"by\":\"rule\"}";
        assert_line(f, expected);
        /* The same call again: the same text. */
        assert_line(f, expected);
}

/* The executable and the comment are compared by content: a string that
 * changed where it lies is not mistaken for the one before. */
static void test_strings_changed_in_place(void **state)
{
        struct fixture *f = *state;
        free(line_of(f));
        strcpy(f->exe, "/usr/bin/second");
        strcpy(f->comment, "rule \"zero\"");
        assert_line(f, "\"pid\":1435,\"exe\":\"/usr/bin/second\",\"syscall\":\"getppid\","
                       "\"nr\":110," ARGS ",\"rule\":\"supervisor.rules[0]\","
                       "\"comment\":\"rule \\\"zero\\\"\",\"decision\":\"allow\",\"by\":\"rule\"}");
        /* Shorter, and a prefix of the one before. */
        strcpy(f->exe, "/usr/bin/s");
        strcpy(f->comment, "rule");
        assert_line(f, "\"pid\":1435,\"exe\":\"/usr/bin/s\",\"syscall\":\"getppid\","
                       "\"nr\":110," ARGS ",\"rule\":\"supervisor.rules[0]\","
                       "\"comment\":\"rule\",\"decision\":\"allow\",\"by\":\"rule\"}");
}

static void test_every_input_counts(void **state)
{
        struct fixture *f = *state;
        free(line_of(f));

        f->call.pid = 7;
        f->container = "c1";
        f->call.have_exe = false;
        f->call.nr = __NR_getpid;
        f->rule.source_index = 3;
        f->rule.comment = NULL;
        f->decision.verdict = VERDICT_DENY;
        f->decision.errno_value = EACCES;
        assert_line(f, "\"pid\":7,\"container\":\"c1\",\"exe\":null,\"syscall\":\"getpid\","
                       "\"nr\":39," ARGS ",\"rule\":\"supervisor.rules[3]\","
                       "\"decision\":\"deny\",\"errno\":\"EACCES\",\"by\":\"rule\"}");
        f->decision.errno_value = ENOENT;
        assert_line(f, "\"pid\":7,\"container\":\"c1\",\"exe\":null,\"syscall\":\"getpid\","
                       "\"nr\":39," ARGS ",\"rule\":\"supervisor.rules[3]\","
                       "\"decision\":\"deny\",\"errno\":\"ENOENT\",\"by\":\"rule\"}");
        f->decision.rule = NULL;
        f->decision.verdict = VERDICT_ALLOW;
        f->container = NULL;
        assert_line(f, "\"pid\":7,\"exe\":null,\"syscall\":\"getpid\","
                       "\"nr\":39," ARGS
                       ",\"rule\":\"default\",\"decision\":\"allow\",\"by\":\"default\"}");
}

/* Identities, where the decision read them: the real ones, and the
 * effective and filesystem ones that differ from them. */
static void test_identities_where_read(void **state)
{
        struct fixture *f = *state;
        const char *who = "\"pid\":1435,\"exe\":\"/usr/bin/first\",\"syscall\":\"getppid\","
                          "\"nr\":110,";
        const char *rest = ARGS ",\"rule\":\"supervisor.rules[0]\","
                                "\"comment\":\"rule zero\",\"decision\":\"allow\",\"by\":\"rule\"}";
        char expected[512];

        f->call.have_ids = true;
        for (unsigned id = 0; id < POLICY_ID_COUNT; id++)
                f->call.ids[id] = 1000;
        snprintf(expected, sizeof(expected), "%s\"uid\":1000,\"gid\":1000,%s", who, rest);
        assert_line(f, expected);
        /* setresuid(65534, 0, 0), setfsgid(0). */
        f->call.ids[POLICY_ID_UID] = 65534;
        f->call.ids[POLICY_ID_EUID] = f->call.ids[POLICY_ID_FSUID] = 0;
        f->call.ids[POLICY_ID_FSGID] = 0;
        snprintf(expected, sizeof(expected),
                 "%s\"uid\":65534,\"euid\":0,\"fsuid\":0,\"gid\":1000,\"fsgid\":0,%s", who, rest);
        assert_line(f, expected);
        f->call.have_ids = false;
        snprintf(expected, sizeof(expected), "%s%s", who, rest);
        assert_line(f, expected);
}

/* The line of the fixture's call, whatever its executable and comment. */
static void assert_line_with(struct fixture *f)
{
        char expected[16384];
        snprintf(expected, sizeof(expected),
                 "\"pid\":1435,\"exe\":\"%s\",\"syscall\":\"getppid\",\"nr\":110," ARGS
                 ",\"rule\":\"supervisor.rules[0]\",\"comment\":\"%s\",\"decision\":\"allow\","
                 "\"by\":\"rule\"}",
                 f->exe, f->comment);
        assert_line(f, expected);
}

/* Strings too long to keep are written out in full every time. */
static void test_long_strings(void **state)
{
        struct fixture *f = *state;

        memset(f->exe, 'x', 900);
        f->exe[0] = '/';
        f->exe[900] = '\0';
        memset(f->comment, 'c', 700);
        f->comment[700] = '\0';
        assert_line_with(f);
        assert_line_with(f);
        f->exe[899] = 'y';
        f->comment[699] = 'd';
        assert_line_with(f);
}

/* Escaped at six bytes a byte, a 4 KiB name is 24 KiB of text: it is cut
 * at a whole escape, the line says so and stays JSON, and the next line,
 * with the same decision, is whole (the cut text is not kept for it). */
static void test_a_string_too_long_is_cut(void **state)
{
        struct fixture *f = *state;

        memset(f->exe, 1, 4095);
        f->exe[0] = '/';
        f->exe[4095] = '\0';
        char *got = line_of(f);
        const char *tail = ",\"rule\":\"supervisor.rules[0]\",\"comment\":\"rule zero\","
                           "\"decision\":\"allow\",\"by\":\"rule\",\"truncated\":true}";
        size_t n = strlen(got);
        assert_true(n > strlen(tail));
        assert_string_equal(got + n - strlen(tail), tail);
        /* "exe":"/\u0001...\u0001" with no escape cut in two. */
        const char *exe = strstr(got, "\"exe\":\"/");
        assert_non_null(exe);
        const char *end = strchr(exe + 7, '"');
        assert_non_null(end);
        size_t text = (size_t)(end - (exe + 7));
        assert_true(text <= 8192 && text > 8192 - 6);
        assert_int_equal((text - 1) % 6, 0);
        free(got);

        strcpy(f->exe, "/usr/bin/first");
        assert_line(f, "\"pid\":1435,\"exe\":\"/usr/bin/first\",\"syscall\":\"getppid\","
                       "\"nr\":110," ARGS ",\"rule\":\"supervisor.rules[0]\","
                       "\"comment\":\"rule zero\",\"decision\":\"allow\",\"by\":\"rule\"}");
}

/* openat2's flags live in memory its arguments only point to: the line
 * shows them as read, as an open's are shown from its arguments. */
static void test_openat2_shows_its_open_how(void **state)
{
        struct fixture *f = *state;

        f->call.nr = __NR_openat2;
        f->call.have_paths = true;
        f->call.n_paths = 1;
        f->call.paths[0] = "/tmp/f";
        f->call.have_open = true;
        f->call.open_flags = O_WRONLY | O_TRUNC | O_CLOEXEC;
        f->call.open_resolve = 0x04 | 0x02;
        assert_line(f, "\"pid\":1435,\"exe\":\"/usr/bin/first\",\"syscall\":\"openat2\","
                       "\"nr\":437," ARGS ",\"paths\":[\"/tmp/f\"],"
                       "\"flags\":\"O_WRONLY|O_TRUNC|O_CLOEXEC\","
                       "\"resolve\":\"RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS\","
                       "\"rule\":\"supervisor.rules[0]\",\"comment\":\"rule zero\","
                       "\"decision\":\"allow\",\"by\":\"rule\"}");
        /* Not read (a bad pointer, a size the kernel refuses): nothing. */
        f->call.have_open = false;
        assert_line(f, "\"pid\":1435,\"exe\":\"/usr/bin/first\",\"syscall\":\"openat2\","
                       "\"nr\":437," ARGS ",\"paths\":[\"/tmp/f\"],"
                       "\"rule\":\"supervisor.rules[0]\",\"comment\":\"rule zero\","
                       "\"decision\":\"allow\",\"by\":\"rule\"}");
}

/* Who decided: a person (which client, by uid), the deadline, a session
 * or forever rule, and for the rest the rule or the default; the asking
 * rule stays in "rule". Once said for an answer, a rule's own line says
 * "rule" again (the memo keeps no answerer). */
static void test_who_decided(void **state)
{
        struct fixture *f = *state;
        const char *head = "\"pid\":1435,\"exe\":\"/usr/bin/first\",\"syscall\":\"getppid\","
                           "\"nr\":110," ARGS ",\"rule\":\"supervisor.rules[0]\","
                           "\"comment\":\"rule zero\",";
        char expected[1024];

        snprintf(expected, sizeof(expected), "%s\"decision\":\"allow\",\"by\":\"rule\"}", head);
        assert_line(f, expected);
        snprintf(expected, sizeof(expected),
                 "%s\"decision\":\"allow\",\"by\":\"client\",\"by_uid\":1000}", head);
        assert_line_by(f, "client", 1000, expected);
        snprintf(expected, sizeof(expected), "%s\"decision\":\"allow\",\"by\":\"tty\"}", head);
        assert_line_by(f, "tty", -1, expected);
        f->decision.verdict = VERDICT_DENY;
        f->decision.errno_value = EACCES;
        snprintf(expected, sizeof(expected),
                 "%s\"decision\":\"deny\",\"errno\":\"EACCES\",\"by\":\"timeout\"}", head);
        assert_line_by(f, "timeout", -1, expected);
        snprintf(expected, sizeof(expected),
                 "%s\"decision\":\"deny\",\"errno\":\"EACCES\",\"by\":\"session-rule\"}", head);
        assert_line_by(f, "session-rule", -1, expected);
        snprintf(expected, sizeof(expected),
                 "%s\"decision\":\"deny\",\"errno\":\"EACCES\",\"by\":\"rule\"}", head);
        assert_line(f, expected);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_the_line, setup, teardown),
            cmocka_unit_test_setup_teardown(test_strings_changed_in_place, setup, teardown),
            cmocka_unit_test_setup_teardown(test_every_input_counts, setup, teardown),
            cmocka_unit_test_setup_teardown(test_identities_where_read, setup, teardown),
            cmocka_unit_test_setup_teardown(test_long_strings, setup, teardown),
            cmocka_unit_test_setup_teardown(test_a_string_too_long_is_cut, setup, teardown),
            cmocka_unit_test_setup_teardown(test_openat2_shows_its_open_how, setup, teardown),
            cmocka_unit_test_setup_teardown(test_who_decided, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
