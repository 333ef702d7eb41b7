/* SPDX-License-Identifier: MIT */
/*
 * Kernel-side conditions that high bits in an int argument get around
 * (policy/profile_highbits.c): one warning per entry and condition whose
 * way around reaches an action that lets the call through, none when the
 * profile compares the bits the kernel reads ("intArgs": "kernel").
 *
 * Profiles are written with single quotes, turned into JSON by load().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

#define DOCKER_DEFAULT                                                                             \
        "/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json"
#define PODMAN_DEFAULT "/usr/share/gocode/src/github.com/containers/common/pkg/seccomp/seccomp.json"

static const struct policy_env root_env = {.caps_bounding = (UINT64_C(1) << 41) - 1,
                                           .kernel_major = 6,
                                           .kernel_minor = 18,
                                           .go_arch = "amd64"};
static const struct policy_env no_caps_env = {
    .caps_bounding = 0, .kernel_major = 6, .kernel_minor = 18, .go_arch = "amd64"};

static struct policy *load(const char *text)
{
        char *doc = strdup(text);
        struct policy *p = NULL;
        struct policy_error err;

        assert_non_null(doc);
        for (char *c = doc; *c; c++)
                if (*c == '\'')
                        *c = '"';
        if (policy_load_buffer(doc, strlen(doc), "p.json", &root_env, &p, &err) < 0)
                fail_msg("%s", err.message);
        free(doc);
        return p;
}

/* An entry: names, action, one condition. */
#define ENTRY(names, action, index, value, op)                                                     \
        "{'names': [" names "], 'action': '" action "', 'args': [{'index': " #index                \
        ", 'value': " #value ", 'op': '" op "'}]}"
#define PROFILE(default_action, entries)                                                           \
        "{'defaultAction': '" default_action "', 'syscalls': [" entries "]}"

struct row {
        const char *what;
        const char *profile;
        size_t n;           /* warnings expected */
        const char *has[3]; /* substrings of the first */
};

static void test_high_bit_dodges_table(void **state)
{
        static const struct row rows[] = {
            {"a refusing EQ on an int, falling to an allowing default",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'socket'", "SCMP_ACT_ERRNO", 0, 2, "SCMP_CMP_EQ")),
             1,
             {"p.json:1:",
              "syscalls[0].args[0]: socket: argument 0 is an int, of which the kernel "
              "reads the low 32 bits, but this SCMP_CMP_EQ condition",
              "goes on to SCMP_ACT_ALLOW, which lets it through; add \"intArgs\": \"kernel\""}},
            {"the same falling to a refusing default",
             PROFILE("SCMP_ACT_ERRNO", ENTRY("'socket'", "SCMP_ACT_ERRNO", 0, 2, "SCMP_CMP_EQ")),
             0,
             {NULL}},
            {"an allowing EQ (Docker's personality): high bits only get the call refused",
             PROFILE("SCMP_ACT_ERRNO",
                     ENTRY("'personality'", "SCMP_ACT_ALLOW", 0, 8, "SCMP_CMP_EQ")),
             0,
             {NULL}},
            {"an allowing NE over a refusing default (Podman's socket)",
             PROFILE("SCMP_ACT_ERRNO", ENTRY("'socket'", "SCMP_ACT_ALLOW", 2, 9, "SCMP_CMP_NE")),
             1,
             {"socket: argument 2 is an int", "SCMP_CMP_NE",
              "meets it and gets this entry's SCMP_ACT_ALLOW"}},
            {"an allowing NE over an allowing default",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'socket'", "SCMP_ACT_ALLOW", 2, 9, "SCMP_CMP_NE")),
             0,
             {NULL}},
            {"a 64-bit argument (clone's flags)",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'clone'", "SCMP_ACT_ERRNO", 0, 2, "SCMP_CMP_EQ")),
             0,
             {NULL}},
            {"a call the table does not know is compared whole",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'getppid'", "SCMP_ACT_ERRNO", 0, 2, "SCMP_CMP_EQ")),
             0,
             {NULL}},
            {"a mask within the low half",
             PROFILE("SCMP_ACT_ALLOW",
                     "{'names': ['socket'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 1, "
                     "'value': 15, 'valueTwo': 3, 'op': 'SCMP_CMP_MASKED_EQ'}]}"),
             0,
             {NULL}},
            {"a mask with high bits",
             PROFILE("SCMP_ACT_ALLOW",
                     "{'names': ['socket'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 1, "
                     "'value': 4294967311, 'valueTwo': 3, 'op': 'SCMP_CMP_MASKED_EQ'}]}"),
             1,
             {"socket: argument 1 is an int", "SCMP_CMP_MASKED_EQ"}},
            {"opted in: nothing to say",
             "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [" ENTRY(
                 "'socket'", "SCMP_ACT_ERRNO", 0, 2,
                 "SCMP_CMP_EQ") "], 'supervisor': {'intArgs': 'kernel'}}",
             0,
             {NULL}},
            {"a notifying entry skipped for an allowing default",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'socket'", "SCMP_ACT_NOTIFY", 0, 2, "SCMP_CMP_EQ")),
             1,
             {"socket: argument 0", "goes on to SCMP_ACT_ALLOW"}},
            {"a refusing entry missed on the way to a later allowing entry",
             PROFILE("SCMP_ACT_ERRNO",
                     ENTRY("'socket'", "SCMP_ACT_KILL_PROCESS", 0, 2,
                           "SCMP_CMP_EQ") ","
                                          "{'names': ['socket'], 'action': 'SCMP_ACT_ALLOW', "
                                          "'args': [{'index': 1, 'value': 1, 'op': "
                                          "'SCMP_CMP_EQ'}]}"),
             1,
             {"syscalls[0].args[0]", "goes on to SCMP_ACT_ALLOW"}},
            {"missed on the way to a supervisor that never allows",
             "{'defaultAction': 'SCMP_ACT_NOTIFY', 'syscalls': [" ENTRY(
                 "'socket'", "SCMP_ACT_ERRNO", 0, 2,
                 "SCMP_CMP_EQ") "], 'supervisor': {'defaultAction': 'deny'}}",
             0,
             {NULL}},
            {"missed on the way to a supervisor that may allow",
             "{'defaultAction': 'SCMP_ACT_NOTIFY', 'syscalls': [" ENTRY(
                 "'socket'", "SCMP_ACT_ERRNO", 0, 2,
                 "SCMP_CMP_EQ") "], 'supervisor': {'defaultAction': 'deny', 'rules': "
                                "[{'syscalls': ['socket'], 'action': 'allow'}]}}",
             1,
             {"goes on to SCMP_ACT_NOTIFY"}},
            {"a umode_t",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'fchmod'", "SCMP_ACT_ERRNO", 1, 2559, "SCMP_CMP_EQ")),
             1,
             {"fchmod: argument 1 is a umode_t, of which the kernel reads the low 16 bits"}},
            {"only the calls whose argument is an int are named",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'getppid', 'socket', 'socketpair', 'clone'",
                                             "SCMP_ACT_ERRNO", 0, 2, "SCMP_CMP_EQ")),
             1,
             {"syscalls[0].args[0]: socket and socketpair: argument 0"}},
            {"LT 0 never holds, high bits or not",
             PROFILE("SCMP_ACT_ALLOW", ENTRY("'socket'", "SCMP_ACT_ERRNO", 0, 0, "SCMP_CMP_LT")),
             0,
             {NULL}},
            {"GE with a high value lets high bits in",
             PROFILE("SCMP_ACT_ERRNO",
                     ENTRY("'socket'", "SCMP_ACT_ALLOW", 0, 4294967299, "SCMP_CMP_GE")),
             1,
             {"SCMP_CMP_GE", "meets it"}},
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                const struct row *row = &rows[i];
                struct policy *p = load(row->profile);
                if (p->n_arg_dodges != row->n) {
                        for (size_t k = 0; k < p->n_arg_dodges; k++)
                                print_message("%s\n", p->arg_dodges[k]);
                        fail_msg("%s: %zu warnings, expected %zu", row->what, p->n_arg_dodges,
                                 row->n);
                }
                for (size_t k = 0; row->n && k < 3 && row->has[k]; k++) {
                        if (!strstr(p->arg_dodges[0], row->has[k]))
                                fail_msg("%s: \"%s\" not in \"%s\"", row->what, row->has[k],
                                         p->arg_dodges[0]);
                }
                /* Nothing here is a path rule's way around. */
                assert_int_equal(p->n_walkarounds, 0);
                policy_free(p);
        }
}

/* Docker's default has none: its conditions on int arguments allow exact
 * values over a refusing default, so high bits only get a call refused.
 * Podman's, without CAP_AUDIT_WRITE, refuses audit sockets with EQ and
 * allows the rest with NE: each of those conditions is a way around. */
static void test_docker_and_podman_defaults(void **state)
{
        static const struct {
                const char *path;
                const struct policy_env *env;
                size_t n;
        } cases[] = {
            {DOCKER_DEFAULT, &root_env, 0},
            {DOCKER_DEFAULT, &no_caps_env, 0},
            {PODMAN_DEFAULT, &root_env, 0},
            {PODMAN_DEFAULT, &no_caps_env, 5},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct policy *p = NULL;
                struct policy_error err;
                if (policy_load_file(cases[i].path, cases[i].env, &p, &err) < 0)
                        fail_msg("%s", err.message);
                if (p->n_arg_dodges != cases[i].n)
                        fail_msg("%s (case %zu): %zu warnings, expected %zu", cases[i].path, i,
                                 p->n_arg_dodges, cases[i].n);
                for (size_t k = 0; k < p->n_arg_dodges; k++)
                        assert_non_null(strstr(p->arg_dodges[k], "socket: argument "));
                policy_free(p);
        }
}

static void test_int_args_takes_full_or_kernel(void **state)
{
        struct policy *p = NULL;
        struct policy_error err;
        const char *text = "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
                           " \"supervisor\": {\"intArgs\": \"low32\"}}";

        assert_true(policy_load_buffer(text, strlen(text), "p.json", &root_env, &p, &err) < 0);
        assert_null(p);
        if (!strstr(err.message, "p.json:2:28: supervisor.intArgs: unknown intArgs mode") ||
            !strstr(err.message, "full") || !strstr(err.message, "kernel"))
                fail_msg("%s", err.message);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_high_bit_dodges_table),
            cmocka_unit_test(test_docker_and_podman_defaults),
            cmocka_unit_test(test_int_args_takes_full_or_kernel),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
