/* SPDX-License-Identifier: MIT */
/*
 * The profile loader: every field of the OCI / Docker / Podman format and of
 * the "supervisor" extension, what each accepts, and the exact message for
 * what it refuses.
 *
 * Profiles are written with single quotes and turned into JSON by json(),
 * which swaps them for double quotes one for one, so columns stay the same.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define DOCKER_DEFAULT                                                                             \
        "/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json"
#define PODMAN_DEFAULT "/usr/share/gocode/src/github.com/containers/common/pkg/seccomp/seccomp.json"

/* Capabilities 0 to 40, as root has them. */
#define ALL_CAPS         ((UINT64_C(1) << 41) - 1)
#define CAP_BIT(n)       (UINT64_C(1) << (n))
#define CAP_SYS_ADMIN_NR 21
#define CAP_SYS_BOOT_NR  22

static const struct policy_env root_env = {
    .caps_bounding = ALL_CAPS, .kernel_major = 6, .kernel_minor = 18, .go_arch = "amd64"};
static const struct policy_env no_caps_env = {
    .caps_bounding = 0, .kernel_major = 6, .kernel_minor = 18, .go_arch = "amd64"};

/* The text with every single quote turned into a double quote. */
static char *json(const char *text)
{
        char *copy = strdup(text);

        assert_non_null(copy);
        for (char *p = copy; *p; p++)
                if (*p == '\'')
                        *p = '"';
        return copy;
}

static int load_env(const char *text, const struct policy_env *env, struct policy **ret_policy,
                    struct policy_error *err)
{
        char *doc = json(text);
        int r = policy_load_buffer(doc, strlen(doc), "p.json", env, ret_policy, err);

        free(doc);
        return r;
}

static struct policy *load_ok_env(const char *text, const struct policy_env *env)
{
        struct policy *p = NULL;
        struct policy_error err = {{0}};
        int r = load_env(text, env, &p, &err);

        if (r < 0)
                fail_msg("load failed (%d): %s", r, err.message);
        assert_non_null(p);
        return p;
}

static struct policy *load_ok(const char *text)
{
        return load_ok_env(text, &root_env);
}

/* Asserts that the profile is refused with exactly the message given. */
static void assert_refused_env(const char *text, const struct policy_env *env, const char *message)
{
        struct policy *p = (struct policy *)0x1;
        struct policy_error err = {{0}};

        int r = load_env(text, env, &p, &err);
        if (r == 0) {
                policy_free(p);
                fail_msg("accepted, expected \"%s\": %s", message, text);
        }
        assert_int_equal(r, -EINVAL);
        assert_string_equal(err.message, message);
        /* ret_policy is never written on failure. */
        assert_ptr_equal(p, (struct policy *)0x1);
}

static void assert_refused(const char *text, const char *message)
{
        assert_refused_env(text, &root_env, message);
}

/* Asserts that the profile is refused with a message containing every
 * fragment given (a NULL ends the list). */
static void assert_refused_with(const char *text, ...)
{
        struct policy *p = NULL;
        struct policy_error err = {{0}};
        const char *fragment;
        va_list ap;

        int r = load_env(text, &root_env, &p, &err);
        if (r == 0) {
                policy_free(p);
                fail_msg("accepted, expected an error: %s", text);
        }
        assert_int_equal(r, -EINVAL);
        assert_null(p);
        va_start(ap, text);
        while ((fragment = va_arg(ap, const char *)))
                if (!strstr(err.message, fragment))
                        fail_msg("message \"%s\" lacks \"%s\"", err.message, fragment);
        va_end(ap);
}

static bool has_nr(const int *nrs, size_t n, int nr)
{
        for (size_t i = 0; i < n; i++)
                if (nrs[i] == nr)
                        return true;
        return false;
}

static bool has_string(char **list, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], s) == 0)
                        return true;
        return false;
}

/* A profile with one syscalls[] entry, given as the inside of its object. */
#define ENTRY(fields) "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{" fields "}]}"
/* A profile with one supervisor rule. */
#define RULE(fields) "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': [{" fields "}]}}"

/* Every action name a profile may use, for the default and for entries. */
static const struct {
        const char *name;
        enum policy_kernel_action action;
} action_names[] = {
    {"SCMP_ACT_ALLOW", KACT_ALLOW},
    {"SCMP_ACT_ERRNO", KACT_ERRNO},
    {"SCMP_ACT_KILL", KACT_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", KACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", KACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", KACT_TRAP},
    {"SCMP_ACT_LOG", KACT_LOG},
    {"SCMP_ACT_TRACE", KACT_TRACE},
    {"SCMP_ACT_NOTIFY", KACT_NOTIFY},
};

/* defaultAction, defaultErrnoRet, defaultErrno */

static void test_default_action_accepts_every_action_name(void **state)
{
        for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
                char text[128];
                snprintf(text, sizeof(text), "{'defaultAction': '%s'}", action_names[i].name);
                struct policy *p = load_ok(text);
                assert_int_equal(p->default_action, action_names[i].action);
                assert_int_equal(p->n_entries, 0);
                assert_int_equal(p->n_warnings, 0);
                policy_free(p);
        }
}

static void test_kernel_action_names_print_without_the_kill_alias(void **state)
{
        assert_string_equal(policy_kernel_action_name(KACT_KILL_THREAD), "SCMP_ACT_KILL_THREAD");
        assert_string_equal(policy_kernel_action_name(KACT_NOTIFY), "SCMP_ACT_NOTIFY");
        assert_string_equal(policy_kernel_action_name(KACT_ERRNO), "SCMP_ACT_ERRNO");
}

static void test_default_action_unknown_suggests_the_nearest(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_KIL'}",
                       "p.json:1:19: defaultAction: unknown action \"SCMP_ACT_KIL\" (did you mean "
                       "\"SCMP_ACT_KILL\"?)");
        assert_refused("{'defaultAction': 5}",
                       "p.json:1:19: defaultAction: expected a string naming action, found a "
                       "number");
}

static void test_default_action_missing_is_an_error(void **state)
{
        assert_refused_with("{'syscalls': []}", "p.json:1:1:", "defaultAction: missing", NULL);
}

static void test_profile_must_be_an_object(void **state)
{
        assert_refused("[]",
                       "p.json:1:1: expected a JSON object (a seccomp profile), found an array");
}

static void test_default_errno_ret_sets_the_default_errno(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38}");
        assert_int_equal(p->default_ret_data, 38);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO'}");
        assert_int_equal(p->default_ret_data, EPERM);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_TRACE'}");
        assert_int_equal(p->default_ret_data, 0);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_TRACE', 'defaultErrnoRet': 7}");
        assert_int_equal(p->default_ret_data, 7);
        policy_free(p);

        /* A tracer's message goes to 65535, for the default as for entries. */
        p = load_ok("{'defaultAction': 'SCMP_ACT_TRACE', 'defaultErrnoRet': 65535}");
        assert_int_equal(p->default_ret_data, 65535);
        policy_free(p);
        assert_refused("{'defaultAction': 'SCMP_ACT_TRACE', 'defaultErrnoRet': 65536}",
                       "p.json:1:56: defaultErrnoRet: 65536 is out of range (0 to 65535)");
}

static void test_default_errno_ret_with_another_action_is_an_error(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW', 'defaultErrnoRet': 38}",
                       "p.json:1:56: defaultErrnoRet: defaultErrnoRet goes only with "
                       "SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
}

static void test_default_errno_ret_out_of_range_is_an_error(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 4096}",
                       "p.json:1:56: defaultErrnoRet: 4096 is out of range (0 to 4095)");
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': -1}",
                       "p.json:1:56: defaultErrnoRet: must not be negative");
}

static void test_podman_default_errno_takes_names_and_numbers(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrno': 'ENOSYS'}");
        assert_int_equal(p->default_ret_data, ENOSYS);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrno': 13}");
        assert_int_equal(p->default_ret_data, 13);
        policy_free(p);

        /* Podman writes both; the number wins, as in Podman. */
        p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'defaultErrno': "
                    "'EPERM'}");
        assert_int_equal(p->default_ret_data, 38);
        policy_free(p);
}

static void test_default_errno_unknown_name_suggests_the_nearest(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrno': 'ENOSIS'}",
                       "p.json:1:53: defaultErrno: unknown errno name \"ENOSIS\" (did you mean "
                       "ENOSYS?)");
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrno': 'EXYZZYQ'}",
                       "p.json:1:53: defaultErrno: unknown errno name \"EXYZZYQ\" (use a name "
                       "like EPERM or a number)");
}

/* architectures, archMap */

static bool has_arch(const struct policy *p, uint32_t arch)
{
        for (size_t i = 0; i < p->n_arches; i++)
                if (p->arches[i] == arch)
                        return true;
        return false;
}

static void test_architectures_keep_those_this_machine_runs(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': "
                                   "['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', "
                                   "'SCMP_ARCH_AARCH64', 'SCMP_ARCH_X86']}");

        /* The native one is implied, foreign ones cannot run here, and a
         * repeated one counts once. */
        assert_int_equal(p->n_arches, 2);
        assert_true(has_arch(p, SCMP_ARCH_X86));
        assert_true(has_arch(p, SCMP_ARCH_X32));
        policy_free(p);
}

static void test_arch_map_takes_the_native_entry_subarchitectures(void **state)
{
        struct policy *p = load_ok(
            "{'defaultAction': 'SCMP_ACT_ERRNO', 'archMap': ["
            "{'architecture': 'SCMP_ARCH_AARCH64', 'subArchitectures': ['SCMP_ARCH_ARM']},"
            "{'architecture': 'SCMP_ARCH_MIPS64', 'subArchitectures': ['SCMP_ARCH_X32']},"
            "{'architecture': 'SCMP_ARCH_X86_64', 'subArchitectures': ['SCMP_ARCH_X86']}]}");

        /* Only the x86_64 entry counts: X32 came with MIPS64's. */
        assert_int_equal(p->n_arches, 1);
        assert_true(has_arch(p, SCMP_ARCH_X86));
        policy_free(p);
}

static void test_architectures_and_arch_map_together_are_an_error(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': [], 'archMap': []}",
                       "p.json:1:58: archMap: \"architectures\" and \"archMap\" both given (keep "
                       "one)");
}

static void test_unknown_architecture_suggests_the_nearest(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': ['SCMP_ARCH_X87']}",
                       "p.json:1:55: architectures[0]: unknown architecture \"SCMP_ARCH_X87\" (did "
                       "you mean \"SCMP_ARCH_X86\"?)");
        assert_refused(
            "{'defaultAction': 'SCMP_ACT_ERRNO', 'archMap': [{'architecture': 'SCMP_ARCH_X86_64', "
            "'subArchitectures': ['SCMP_ARCH_X68']}]}",
            "p.json:1:107: archMap[0].subArchitectures[0]: unknown architecture \"SCMP_ARCH_X68\" "
            "(did you mean \"SCMP_ARCH_X86\"?)");
}

/* flags, listenerPath, listenerMetadata */

static void test_flags_accept_all_four_names(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'flags': ["
                                   "'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', "
                                   "'SECCOMP_FILTER_FLAG_SPEC_ALLOW', "
                                   "'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']}");

        assert_int_equal(p->flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                                       SECCOMP_FILTER_FLAG_SPEC_ALLOW |
                                       SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'flags': ['SECCOMP_FILTER_FLAG_LOG']}");
        assert_int_equal(p->flags, SECCOMP_FILTER_FLAG_LOG);
        policy_free(p);
}

static void test_unknown_flag_is_an_error(void **state)
{
        /* NEW_LISTENER is the supervisor's business, not the profile's. */
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'flags': "
                       "['SECCOMP_FILTER_FLAG_NEW_LISTENER']}",
                       "p.json:1:47: flags[0]: unknown filter flag "
                       "\"SECCOMP_FILTER_FLAG_NEW_LISTENER\" (one of: SECCOMP_FILTER_FLAG_TSYNC, "
                       "SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
                       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)");
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'flags': ['SECCOMP_FILTER_FLAG_LGO']}",
                       "p.json:1:47: flags[0]: unknown filter flag \"SECCOMP_FILTER_FLAG_LGO\" "
                       "(did you mean \"SECCOMP_FILTER_FLAG_LOG\"?)");
}

static void test_listener_path_and_metadata_are_kept(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'listenerPath': "
                                   "'/run/agent.sock', 'listenerMetadata': 'name=x'}");

        assert_string_equal(p->listener_path, "/run/agent.sock");
        assert_string_equal(p->listener_metadata, "name=x");
        assert_int_equal(p->n_warnings, 0);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY'}");
        assert_null(p->listener_path);
        assert_null(p->listener_metadata);
        policy_free(p);

        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY', 'listenerPath': 5}",
                       "p.json:1:54: listenerPath: expected a string, found a number");
}

/* syscalls[]: names, name, action, errnoRet */

static void test_names_resolve_to_native_numbers(void **state)
{
        struct policy *p =
            load_ok(ENTRY("'names': ['getppid', 'openat', 'getppid'], 'action': 'SCMP_ACT_ERRNO'"));

        assert_int_equal(p->n_entries, 1);
        assert_int_equal(p->entries[0].source_index, 0);
        /* A name given twice counts once. */
        assert_int_equal(p->entries[0].n_nrs, 2);
        assert_true(has_nr(p->entries[0].nrs, 2, __NR_getppid));
        assert_true(has_nr(p->entries[0].nrs, 2, __NR_openat));
        assert_int_equal(p->entries[0].action, KACT_ERRNO);
        assert_int_equal(p->entries[0].ret_data, EPERM);
        assert_true(policy_names_syscall(p, __NR_openat));
        assert_false(policy_names_syscall(p, __NR_mkdir));
        policy_free(p);
}

static void test_name_alone_is_accepted(void **state)
{
        struct policy *p = load_ok(ENTRY("'name': 'getppid', 'action': 'SCMP_ACT_ALLOW'"));

        assert_int_equal(p->n_entries, 1);
        assert_int_equal(p->entries[0].n_nrs, 1);
        assert_int_equal(p->entries[0].nrs[0], __NR_getppid);
        policy_free(p);
}

static void test_name_and_names_together_are_an_error(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'name': 'getpid', 'action': 'SCMP_ACT_ALLOW'"),
                       "p.json:1:73: syscalls[0].name: \"name\" and \"names\" both given (keep "
                       "\"names\" and move \"getpid\" into it)");
}

static void test_entry_without_names_is_an_error(void **state)
{
        assert_refused(
            ENTRY("'action': 'SCMP_ACT_ALLOW'"),
            "p.json:1:50: syscalls[0]: no \"names\" (add \"names\": [\"syscall\", ...])");
}

static void test_malformed_syscall_lists_are_errors(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': {}}",
                       "p.json:1:49: syscalls: expected an array of syscall entries, found an "
                       "object");
        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [5]}",
                       "p.json:1:50: syscalls[0]: expected an object {names, action, ...}, found a "
                       "number");
        assert_refused(ENTRY("'names': 'getpid', 'action': 'SCMP_ACT_ALLOW'"),
                       "p.json:1:60: syscalls[0].names: expected an array of syscall names, found "
                       "a string");
        assert_refused(ENTRY("'names': [''], 'action': 'SCMP_ACT_ALLOW'"),
                       "p.json:1:61: syscalls[0].names[0]: empty syscall name");
        assert_refused(ENTRY("'names': [7], 'action': 'SCMP_ACT_ALLOW'"),
                       "p.json:1:61: syscalls[0].names[0]: expected a syscall name, found a "
                       "number");
}

static void test_entry_action_accepts_every_action_name(void **state)
{
        for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
                char text[256];
                snprintf(text, sizeof(text), ENTRY("'names': ['getppid'], 'action': '%s'"),
                         action_names[i].name);
                struct policy *p = load_ok(text);
                assert_int_equal(p->n_entries, 1);
                assert_int_equal(p->entries[0].action, action_names[i].action);
                policy_free(p);
        }
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ALOW'"),
                       "p.json:1:83: syscalls[0].action: unknown action \"SCMP_ACT_ALOW\" (did you "
                       "mean \"SCMP_ACT_ALLOW\"?)");
        assert_refused_with(ENTRY("'names': ['getppid']"), "syscalls[0].action: missing (add",
                            NULL);
}

static void test_errno_ret_sets_the_entry_errno(void **state)
{
        struct policy *p =
            load_ok(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42"));
        assert_int_equal(p->entries[0].ret_data, 42);
        policy_free(p);

        p = load_ok(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 65535"));
        assert_int_equal(p->entries[0].ret_data, 65535);
        policy_free(p);

        p = load_ok(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_TRACE'"));
        assert_int_equal(p->entries[0].ret_data, 0);
        policy_free(p);

        /* Podman's errno names on entries. */
        p = load_ok(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errno': 'EACCES'"));
        assert_int_equal(p->entries[0].ret_data, EACCES);
        policy_free(p);
}

static void test_errno_ret_with_another_action_is_an_error(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ALLOW', 'errnoRet': 1"),
                       "p.json:1:113: syscalls[0].errnoRet: errnoRet goes only with SCMP_ACT_ERRNO "
                       "or SCMP_ACT_TRACE");
}

static void test_errno_ret_out_of_range_is_an_error(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 4096"),
                       "p.json:1:113: syscalls[0].errnoRet: 4096 is out of range (0 to 4095)");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 65536"),
                       "p.json:1:113: syscalls[0].errnoRet: 65536 is out of range (0 to 65535)");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 'x'"),
                       "p.json:1:113: syscalls[0].errnoRet: expected a non-negative integer, "
                       "found a string");
}

/* syscalls[].args */

static void test_args_accept_all_seven_operators(void **state)
{
        static const struct {
                const char *name;
                enum scmp_compare op;
        } cases[] = {
            {"SCMP_CMP_NE", SCMP_CMP_NE},
            {"SCMP_CMP_LT", SCMP_CMP_LT},
            {"SCMP_CMP_LE", SCMP_CMP_LE},
            {"SCMP_CMP_EQ", SCMP_CMP_EQ},
            {"SCMP_CMP_GE", SCMP_CMP_GE},
            {"SCMP_CMP_GT", SCMP_CMP_GT},
            {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char text[256];
                snprintf(text, sizeof(text),
                         ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', "
                               "'args': [{'index': %zu, 'value': %zu, 'op': '%s'}]"),
                         i % 6, i + 100, cases[i].name);
                struct policy *p = load_ok(text);
                assert_int_equal(p->entries[0].n_args, 1);
                assert_int_equal(p->entries[0].args[0].index, i % 6);
                assert_int_equal(p->entries[0].args[0].value, i + 100);
                assert_int_equal(p->entries[0].args[0].value_two, 0);
                assert_int_equal(p->entries[0].args[0].op, cases[i].op);
                assert_false(p->entries[0].args_are_alternatives);
                policy_free(p);
        }
}

static void test_args_value_two_is_kept(void **state)
{
        struct policy *p = load_ok(
            ENTRY("'names': ['clone'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 0, 'value': "
                  "2114060288, 'valueTwo': 0, 'op': 'SCMP_CMP_MASKED_EQ'}, {'index': 2, 'value': "
                  "255, 'valueTwo': 16, 'op': 'SCMP_CMP_MASKED_EQ'}]"));

        assert_int_equal(p->entries[0].n_args, 2);
        assert_int_equal(p->entries[0].args[0].value, 2114060288);
        assert_int_equal(p->entries[0].args[0].value_two, 0);
        assert_int_equal(p->entries[0].args[1].index, 2);
        assert_int_equal(p->entries[0].args[1].value, 255);
        assert_int_equal(p->entries[0].args[1].value_two, 16);
        assert_false(p->entries[0].args_are_alternatives);
        policy_free(p);
}

static void test_arg_index_above_five_is_an_error(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:120: syscalls[0].args[0].index: 6 is out of range (0 to 5)");
}

static void test_arg_negative_value_is_an_error(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': -1, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:132: syscalls[0].args[0].value: must not be negative");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 1, 'valueTwo': -5, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:147: syscalls[0].args[0].valueTwo: must not be negative");
}

static void test_arg_values_above_2_53_are_kept_exactly(void **state)
{
        struct policy *p = load_ok(
            ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': ["
                  "{'index': 0, 'value': 18446744073709551615, 'op': 'SCMP_CMP_EQ'},"
                  "{'index': 1, 'value': 9007199254740993, 'op': 'SCMP_CMP_EQ'},"
                  "{'index': 2, 'value': 18446744073709551614, 'valueTwo': 9223372036854775809, "
                  "'op': 'SCMP_CMP_MASKED_EQ'}]"));

        assert_int_equal(p->entries[0].n_args, 3);
        assert_true(p->entries[0].args[0].value == UINT64_MAX);
        assert_true(p->entries[0].args[1].value == UINT64_C(9007199254740993));
        assert_true(p->entries[0].args[2].value == UINT64_C(18446744073709551614));
        assert_true(p->entries[0].args[2].value_two == UINT64_C(9223372036854775809));
        policy_free(p);
}

static void test_arg_non_integers_are_rejected(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 1.5, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:132: syscalls[0].args[0].value: expected an integer, found 1.5");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 1e3, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:132: syscalls[0].args[0].value: expected an integer, found 1000");
        /* Whatever its size: 1e16 is refused too. */
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 1e16, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:132: syscalls[0].args[0].value: expected an integer, found 1e+16");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 2.0, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:132: syscalls[0].args[0].value: expected an integer, found 2");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': '1', 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:132: syscalls[0].args[0].value: expected a non-negative integer, "
                       "found a string");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "true, 'value': 1, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:120: syscalls[0].args[0].index: expected a non-negative integer, "
                       "found a boolean");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0.5, 'value': 1, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:120: syscalls[0].args[0].index: expected an integer, found 0.5");
}

static void test_arg_value_wider_than_64_bits_is_rejected(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 18446744073709551616, 'op': 'SCMP_CMP_EQ'}]"),
                       "p.json:1:132: syscalls[0].args[0].value: 18446744073709551616 is larger "
                       "than 64 bits");
}

static void test_arg_unknown_operator_suggests_the_nearest(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 1, 'op': 'SCMP_CMP_EQUAL'}]"),
                       "p.json:1:141: syscalls[0].args[0].op: unknown operator \"SCMP_CMP_EQUAL\" "
                       "(did you mean \"SCMP_CMP_EQ\"?)");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [{'index': "
                             "0, 'value': 1, 'op': '=='}]"),
                       "p.json:1:141: syscalls[0].args[0].op: unknown operator \"==\" (one of: "
                       "SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, "
                       "SCMP_CMP_GT, SCMP_CMP_MASKED_EQ)");
}

static void test_arg_missing_fields_are_errors(void **state)
{
        assert_refused_with(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': "
                                  "[{'value': 1, 'op': 'SCMP_CMP_EQ'}]"),
                            "syscalls[0].args[0].index: missing (add \"index\": 0 to 5)", NULL);
        assert_refused_with(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': "
                                  "[{'index': 1, 'op': 'SCMP_CMP_EQ'}]"),
                            "syscalls[0].args[0].value: missing (add \"value\"", NULL);
        assert_refused_with(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': "
                                  "[{'index': 1, 'value': 1}]"),
                            "syscalls[0].args[0].op: missing (add \"op\"", NULL);
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': {}"),
                       "p.json:1:109: syscalls[0].args: expected an array of argument conditions, "
                       "found an object");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': [0]"),
                       "p.json:1:110: syscalls[0].args[0]: expected an object {index, value, op}, "
                       "found a number");
}

static void test_args_null_or_empty_mean_no_conditions(void **state)
{
        struct policy *p =
            load_ok(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': null"));
        assert_int_equal(p->entries[0].n_args, 0);
        policy_free(p);
        p = load_ok(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': []"));
        assert_int_equal(p->entries[0].n_args, 0);
        policy_free(p);
}

static void test_several_conditions_on_one_index_are_alternatives(void **state)
{
        struct policy *p = load_ok(
            ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': ["
                  "{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}, {'index': 1, 'value': 3, 'op': "
                  "'SCMP_CMP_EQ'}, {'index': 0, 'value': 2, 'op': 'SCMP_CMP_EQ'}]"));
        assert_int_equal(p->entries[0].n_args, 3);
        assert_true(p->entries[0].args_are_alternatives);
        policy_free(p);

        /* One condition on each of six indexes is a conjunction. */
        p = load_ok(ENTRY(
            "'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'args': ["
            "{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}, {'index': 1, 'value': 1, 'op': "
            "'SCMP_CMP_EQ'}, {'index': 2, 'value': 1, 'op': 'SCMP_CMP_EQ'}, {'index': 3, 'value': "
            "1, 'op': 'SCMP_CMP_EQ'}, {'index': 4, 'value': 1, 'op': 'SCMP_CMP_EQ'}, {'index': 5, "
            "'value': 1, 'op': 'SCMP_CMP_EQ'}]"));
        assert_int_equal(p->entries[0].n_args, 6);
        assert_false(p->entries[0].args_are_alternatives);
        policy_free(p);
}

/* comment, includes, excludes */

static void test_comment_is_accepted_and_must_be_a_string(void **state)
{
        struct policy *p = load_ok("{'comment': 'top', 'defaultAction': 'SCMP_ACT_ALLOW', "
                                   "'syscalls': [{'names': ['getppid'], 'action': "
                                   "'SCMP_ACT_ERRNO', 'comment': 'why'}]}");
        assert_int_equal(p->n_entries, 1);
        assert_int_equal(p->n_warnings, 0);
        policy_free(p);

        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'comment': 5"),
                       "p.json:1:112: syscalls[0].comment: expected a string, found a number");
}

#define FILTERED ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', %s")

/* The number of entries the FILTERED profile keeps under env. */
static size_t entries_under(const char *filter, const struct policy_env *env)
{
        char text[512];
        snprintf(text, sizeof(text), FILTERED, filter);
        struct policy *p = load_ok_env(text, env);
        size_t n = p->n_entries;
        policy_free(p);
        return n;
}
static void test_includes_caps_need_every_capability(void **state)
{
        struct policy_env env = root_env;

        env.caps_bounding = CAP_BIT(CAP_SYS_ADMIN_NR);
        assert_int_equal(entries_under("'includes': {'caps': ['CAP_SYS_ADMIN']}", &env), 1);
        assert_int_equal(
            entries_under("'includes': {'caps': ['CAP_SYS_ADMIN', 'CAP_SYS_BOOT']}", &env), 0);
        assert_int_equal(entries_under("'includes': {'caps': ['CAP_SYS_BOOT']}", &env), 0);
        env.caps_bounding |= CAP_BIT(CAP_SYS_BOOT_NR);
        assert_int_equal(
            entries_under("'includes': {'caps': ['CAP_SYS_ADMIN', 'CAP_SYS_BOOT']}", &env), 1);
        /* The last capability the loader knows. */
        assert_int_equal(
            entries_under("'includes': {'caps': ['CAP_CHECKPOINT_RESTORE']}", &root_env), 1);
        assert_int_equal(entries_under("'includes': {'caps': ['CAP_CHECKPOINT_RESTORE']}", &env),
                         0);
        /* An empty list asks for nothing. */
        assert_int_equal(entries_under("'includes': {'caps': []}", &no_caps_env), 1);
}

static void test_excludes_caps_drop_the_entry_if_any_is_held(void **state)
{
        struct policy_env env = root_env;

        env.caps_bounding = CAP_BIT(CAP_SYS_BOOT_NR);
        assert_int_equal(entries_under("'excludes': {'caps': ['CAP_SYS_ADMIN']}", &env), 1);
        assert_int_equal(
            entries_under("'excludes': {'caps': ['CAP_SYS_ADMIN', 'CAP_SYS_BOOT']}", &env), 0);
        assert_int_equal(entries_under("'excludes': {'caps': ['CAP_SYS_ADMIN']}", &root_env), 0);
        assert_int_equal(entries_under("'excludes': {'caps': ['CAP_SYS_ADMIN']}", &no_caps_env), 1);
}

static void test_includes_and_excludes_arches_use_go_names(void **state)
{
        assert_int_equal(entries_under("'includes': {'arches': ['amd64']}", &root_env), 1);
        assert_int_equal(entries_under("'includes': {'arches': ['arm64', 's390x']}", &root_env), 0);
        assert_int_equal(entries_under("'includes': {'arches': ['x32', 'amd64']}", &root_env), 1);
        assert_int_equal(entries_under("'excludes': {'arches': ['amd64']}", &root_env), 0);
        assert_int_equal(entries_under("'excludes': {'arches': ['s390x']}", &root_env), 1);
        assert_int_equal(entries_under("'includes': {'arches': []}", &root_env), 1);
        assert_int_equal(entries_under("'excludes': {'arches': []}", &root_env), 1);
}

static void test_includes_and_excludes_min_kernel_compare_with_the_running_kernel(void **state)
{
        /* root_env says 6.18. */
        assert_int_equal(entries_under("'includes': {'minKernel': '4.8'}", &root_env), 1);
        assert_int_equal(entries_under("'includes': {'minKernel': '6.18'}", &root_env), 1);
        assert_int_equal(entries_under("'includes': {'minKernel': '6.19'}", &root_env), 0);
        assert_int_equal(entries_under("'includes': {'minKernel': '7.0'}", &root_env), 0);
        assert_int_equal(entries_under("'includes': {'minKernel': '5.10.2'}", &root_env), 1);
        assert_int_equal(entries_under("'excludes': {'minKernel': '6.18'}", &root_env), 0);
        assert_int_equal(entries_under("'excludes': {'minKernel': '6.20'}", &root_env), 1);
}

static void test_includes_and_excludes_combine(void **state)
{
        /* Docker's s390 clone entry: kept only where no condition objects. */
        const char *filter = "'excludes': {'caps': ['CAP_SYS_ADMIN'], 'arches': ['s390', 's390x']}";

        assert_int_equal(entries_under(filter, &no_caps_env), 1);
        assert_int_equal(entries_under(filter, &root_env), 0);
        filter = "'includes': {'arches': ['amd64'], 'caps': ['CAP_SYS_ADMIN'], 'minKernel': "
                 "'5.0'}";
        assert_int_equal(entries_under(filter, &no_caps_env), 0);
        assert_int_equal(entries_under(filter, &root_env), 1);
}

static void test_dropped_entries_keep_source_indexes_of_the_others(void **state)
{
        struct policy *p =
            load_ok_env("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                        "{'names': ['getpid'], 'action': 'SCMP_ACT_ALLOW', 'includes': {'caps': "
                        "['CAP_SYS_ADMIN']}},"
                        "{'names': ['getppid'], 'action': 'SCMP_ACT_ALLOW'}]}",
                        &no_caps_env);

        assert_int_equal(p->n_entries, 1);
        assert_int_equal(p->entries[0].source_index, 1);
        assert_int_equal(p->entries[0].nrs[0], __NR_getppid);
        policy_free(p);
}

static void test_unknown_capability_is_an_error(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'includes': "
                             "{'caps': ['CAP_SYS_ADMN']}"),
                       "p.json:1:123: syscalls[0].includes.caps[0]: unknown capability "
                       "\"CAP_SYS_ADMN\" (names look like CAP_SYS_ADMIN)");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'excludes': "
                             "{'caps': ['CAP_SYS_ADMIN', 21]}"),
                       "p.json:1:140: syscalls[0].excludes.caps[1]: unknown capability a number "
                       "(names look like CAP_SYS_ADMIN)");
}

static void test_malformed_includes_and_excludes_are_errors(void **state)
{
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'includes': "
                             "{'minKernel': '4'}"),
                       "p.json:1:127: syscalls[0].includes.minKernel: expected a kernel version "
                       "string such as \"4.8\"");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'includes': "
                             "{'minKernel': 4.8}"),
                       "p.json:1:127: syscalls[0].includes.minKernel: expected a kernel version "
                       "string such as \"4.8\"");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'excludes': "
                             "{'arches': 'amd64'}"),
                       "p.json:1:124: syscalls[0].excludes.arches: expected an array of "
                       "architecture names such as \"amd64\"");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'includes': "
                             "{'caps': 'CAP_SYS_ADMIN'}"),
                       "p.json:1:122: syscalls[0].includes.caps: expected an array of capability "
                       "names such as \"CAP_SYS_ADMIN\"");
        assert_refused(ENTRY("'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'includes': []"),
                       "p.json:1:113: syscalls[0].includes: expected an object {caps, arches, "
                       "minKernel}, found an array");
}

/* Names this architecture does not have, and groups */

static void test_syscall_names_unknown_here_are_skipped_not_errors(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                                   "{'names': ['getppid', 'chown32', 'no_such_call'], 'action': "
                                   "'SCMP_ACT_ALLOW'},"
                                   "{'names': ['chown32'], 'action': 'SCMP_ACT_ALLOW'}]}");

        assert_int_equal(p->n_entries, 2);
        assert_int_equal(p->entries[0].n_nrs, 1);
        assert_int_equal(p->entries[0].nrs[0], __NR_getppid);
        /* An entry left with no syscall of this architecture is kept, empty. */
        assert_int_equal(p->entries[1].n_nrs, 0);
        /* Each skipped name is listed once. */
        assert_int_equal(p->n_skipped, 2);
        assert_true(has_string(p->skipped, p->n_skipped, "chown32"));
        assert_true(has_string(p->skipped, p->n_skipped, "no_such_call"));
        assert_int_equal(p->n_warnings, 0);
        policy_free(p);
}

static void test_groups_expand_in_names(void **state)
{
        struct policy *p =
            load_ok(ENTRY("'names': ['@chown', 'getppid'], 'action': 'SCMP_ACT_ERRNO'"));
        const struct policy_entry *e = &p->entries[0];

        assert_int_equal(e->n_nrs, 5);
        assert_true(has_nr(e->nrs, e->n_nrs, __NR_chown));
        assert_true(has_nr(e->nrs, e->n_nrs, __NR_fchown));
        assert_true(has_nr(e->nrs, e->n_nrs, __NR_lchown));
        assert_true(has_nr(e->nrs, e->n_nrs, __NR_fchownat));
        assert_true(has_nr(e->nrs, e->n_nrs, __NR_getppid));
        /* The group's 32-bit names are not x86_64's. */
        assert_true(has_string(p->skipped, p->n_skipped, "chown32"));
        policy_free(p);

        p = load_ok(ENTRY("'name': '@chown', 'action': 'SCMP_ACT_ERRNO'"));
        assert_int_equal(p->entries[0].n_nrs, 4);
        policy_free(p);
}

static void test_unknown_group_is_an_error(void **state)
{
        assert_refused(ENTRY("'names': ['getppid', '@chwon'], 'action': 'SCMP_ACT_ERRNO'"),
                       "p.json:1:72: syscalls[0].names[1]: unknown syscall group \"@chwon\" "
                       "(scmp-super groups lists them)");
}

/* Unknown fields */

static void test_unknown_fields_are_warnings_not_errors(void **state)
{
        struct policy *p = load_ok(
            "{'defaultAction': 'SCMP_ACT_ALLOW', 'bogus': 1,\n"
            " 'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoret': 5,\n"
            "   'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ', 'valuetwo': 2}],\n"
            "   'includes': {'kernel': '4.8'}}]}");

        assert_int_equal(p->n_entries, 1);
        assert_int_equal(p->n_warnings, 4);
        assert_string_equal(p->warnings[0], "p.json:1:37: bogus: unknown field, ignored");
        assert_string_equal(p->warnings[1],
                            "p.json:2:66: syscalls[0].errnoret: unknown field, ignored");
        assert_string_equal(p->warnings[2],
                            "p.json:3:59: syscalls[0].args[0].valuetwo: unknown field, ignored");
        assert_string_equal(p->warnings[3],
                            "p.json:4:17: syscalls[0].includes.kernel: unknown field, ignored");
        policy_free(p);
}

/* The supervisor extension is ours: a field it does not know is refused,
 * since ignoring it (a misspelt "path") would let an allow rule match
 * more than it says. The nearest known name is the fix. */
static void test_unknown_supervisor_fields_are_refused(void **state)
{
        (void)state;
        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW',\n"
                       " 'supervisor': {'rules': [{'action': 'allow', 'paths': ['/x']}]}}",
                       "p.json:2:56: supervisor.rules[0].paths: unknown field (did you mean "
                       "\"path\"?)");
        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW',\n"
                       " 'supervisor': {'rule': []}}",
                       "p.json:2:25: supervisor.rule: unknown field (did you mean \"rules\"?)");
        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW',\n"
                       " 'supervisor': {'rules': [{'action': 'allow',\n"
                       "   'address': {'family': 'inet', 'ports': 80}}]}}",
                       "p.json:3:43: supervisor.rules[0].address.ports: unknown field (did you "
                       "mean \"port\"?)");
        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW',\n"
                       " 'supervisor': {'rules': [{'action': 'allow', 'unless': 1}]}}",
                       "p.json:2:57: supervisor.rules[0].unless: unknown field");
}

/* A whole OCI config.json */

static void test_oci_config_uses_its_linux_seccomp(void **state)
{
        struct policy *p = load_ok(
            "{'ociVersion': '1.0.2', 'process': {'args': ['sh']}, 'linux': {'namespaces': [], "
            "'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, "
            "'architectures': ['SCMP_ARCH_X86'], 'syscalls': [{'names': ['getppid'], 'action': "
            "'SCMP_ACT_ALLOW'}]}}}");

        assert_int_equal(p->default_action, KACT_ERRNO);
        assert_int_equal(p->default_ret_data, 38);
        assert_int_equal(p->n_arches, 1);
        assert_int_equal(p->n_entries, 1);
        assert_int_equal(p->entries[0].nrs[0], __NR_getppid);
        /* The config's other fields are none of the profile's business. */
        assert_int_equal(p->n_warnings, 0);
        policy_free(p);
}

static void test_oci_config_errors_show_paths_from_the_seccomp_object(void **state)
{
        assert_refused("{'ociVersion': '1.0.2',\n"
                       " 'linux': {\n"
                       "  'seccomp': {\n"
                       "   'defaultAction': 'SCMP_ACT_ERRNO',\n"
                       "   'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_ALOW'}]}}}",
                       "p.json:5:50: syscalls[0].action: unknown action \"SCMP_ACT_ALOW\" (did you "
                       "mean \"SCMP_ACT_ALLOW\"?)");
        assert_refused("{'linux': {'seccomp': {'defaultAction': 'SCMP_ACT_KILL_PROCES'}}}",
                       "p.json:1:41: defaultAction: unknown action \"SCMP_ACT_KILL_PROCES\" (did "
                       "you mean \"SCMP_ACT_KILL_PROCESS\"?)");
}

static void test_oci_config_without_seccomp_is_an_error(void **state)
{
        assert_refused("{'ociVersion': '1.0.2', 'linux': {'namespaces': []}}",
                       "p.json:1:1: an OCI config without linux.seccomp (nothing to enforce)");
        assert_refused("{'linux': {'seccomp': null}}",
                       "p.json:1:1: an OCI config without linux.seccomp (nothing to enforce)");
}

/* Text that is not a profile */

static void test_json_syntax_errors_give_line_and_column(void **state)
{
        assert_refused("{\n"
                       "  'defaultAction': 'SCMP_ACT_ERRNO',\n"
                       "  'syscalls': [\n"
                       "    {'names': ['getppid'] 'action': 'SCMP_ACT_ALLOW'}\n"
                       "  ]\n"
                       "}\n",
                       "p.json:4:27: not valid JSON here (check for a missing comma, quote or "
                       "bracket)");
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO',",
                       "p.json:1:35: not valid JSON here (check for a missing comma, quote or "
                       "bracket)");
        /* The comma is named, where it is, not the bracket after it. */
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', }",
                       "p.json:1:35: a comma with nothing after it (JSON allows no trailing "
                       "comma: remove it)");
        assert_refused("{'syscalls': [{'names': ['a'], 'action': 'SCMP_ACT_ALLOW'},\n  ]}",
                       "p.json:1:59: a comma with nothing after it (JSON allows no trailing "
                       "comma: remove it)");
        /* A comma inside a string is no trailing comma. */
        assert_refused("{'comment': 'a,]",
                       "p.json:1:14: not valid JSON here (check for a missing comma, quote or "
                       "bracket)");
        assert_refused("  \n\t ",
                       "p.json: the file is empty (a profile is one JSON object, such as "
                       "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [...]})");
}

static void test_trailing_text_after_the_profile_is_an_error(void **state)
{
        /* Two profiles pasted into one file must not silently become the
         * first of them. */
        assert_refused_with("{'defaultAction': 'SCMP_ACT_ALLOW'}\n"
                            "{'defaultAction': 'SCMP_ACT_KILL'}\n",
                            "p.json:2:1: text after the end of the profile", NULL);
        assert_refused_with("{'defaultAction': 'SCMP_ACT_ALLOW'} x",
                            "p.json:1:37: text after the end of the profile", NULL);
}

static void test_nul_bytes_are_refused(void **state)
{
        static const char text[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}\0\n";
        struct policy *p = NULL;
        struct policy_error err;

        assert_int_equal(policy_load_buffer(text, sizeof(text) - 1, "p.json", &root_env, &p, &err),
                         -EINVAL);
        assert_null(p);
        assert_string_equal(err.message, "p.json: not a JSON profile (it contains NUL bytes)");

        static const char inside[] = "{\"defaultAction\": \"SCMP_ACT_\0ALLOW\"}";
        assert_int_equal(
            policy_load_buffer(inside, sizeof(inside) - 1, "p.json", &root_env, &p, &err), -EINVAL);
        assert_string_equal(err.message, "p.json: not a JSON profile (it contains NUL bytes)");
}

static void test_empty_text_is_refused(void **state)
{
        assert_refused_with("", "p.json: the file is empty", NULL);
        assert_refused_with("  \n  ", "p.json: the file is empty", NULL);
}

/* "[[[...]]]" or {"a":{"a":...}} nested depth levels deep. */
static char *nested(size_t depth, bool objects)
{
        size_t open_len = objects ? 5 : 1;
        char *text = malloc(depth * (open_len + 1) + 2);
        size_t n = 0;

        assert_non_null(text);
        for (size_t i = 0; i < depth; i++) {
                memcpy(text + n, objects ? "{\"a\":" : "[", open_len);
                n += open_len;
        }
        if (objects)
                text[n++] = '1';
        for (size_t i = 0; i < depth; i++)
                text[n++] = objects ? '}' : ']';
        text[n] = '\0';
        return text;
}

static void test_deep_nesting_is_refused_without_crashing(void **state)
{
        struct policy *p = NULL;
        struct policy_error err;
        char *text = nested(2000, false);

        assert_int_equal(policy_load_buffer(text, strlen(text), "p.json", &root_env, &p, &err),
                         -EINVAL);
        assert_null(p);
        assert_non_null(strstr(err.message, "nesting deeper than 1000 levels is refused"));
        free(text);

        text = nested(2000, true);
        assert_int_equal(policy_load_buffer(text, strlen(text), "p.json", &root_env, &p, &err),
                         -EINVAL);
        assert_null(p);
        assert_non_null(strstr(err.message, "nesting deeper than 1000 levels is refused"));
        free(text);
}

/* A file in a fresh temporary directory, removed by remove_temp(). */
static char temp_dir[64];
static char temp_file[PATH_MAX];

static const char *temp_path(void)
{
        strcpy(temp_dir, "/tmp/test_profile.XXXXXX");
        assert_non_null(mkdtemp(temp_dir));
        snprintf(temp_file, sizeof(temp_file), "%s/p.json", temp_dir);
        return temp_file;
}

static void remove_temp(void)
{
        unlink(temp_file);
        rmdir(temp_dir);
}

static void write_file(const char *path, const char *text)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
}

static void test_load_file_reads_a_profile_and_names_it_by_path(void **state)
{
        const char *path = temp_path();
        struct policy *p = NULL;
        struct policy_error err;
        char expected[PATH_MAX + 128];

        write_file(path, "{\"defaultAction\": \"SCMP_ACT_LOG\"}\n");
        assert_int_equal(policy_load_file(path, &root_env, &p, &err), 0);
        assert_non_null(p);
        assert_int_equal(p->default_action, KACT_LOG);
        assert_string_equal(p->source, path);
        policy_free(p);

        p = NULL;
        write_file(path, "{\n  \"defaultAction\": \"SCMP_ACT_LGO\"\n}\n");
        assert_int_equal(policy_load_file(path, &root_env, &p, &err), -EINVAL);
        assert_null(p);
        snprintf(expected, sizeof(expected),
                 "%s:2:20: defaultAction: unknown action \"SCMP_ACT_LGO\" (did you mean "
                 "\"SCMP_ACT_LOG\"?)",
                 path);
        assert_string_equal(err.message, expected);
        remove_temp();
}

static void test_empty_file_is_refused(void **state)
{
        const char *path = temp_path();
        struct policy *p = NULL;
        struct policy_error err;
        char expected[PATH_MAX + 128];

        write_file(path, "");
        assert_int_equal(policy_load_file(path, &root_env, &p, &err), -EINVAL);
        assert_null(p);
        snprintf(expected, sizeof(expected), "%s: the file is empty", path);
        assert_memory_equal(err.message, expected, strlen(expected));
        remove_temp();
}

static void test_huge_file_is_refused_naming_the_limit(void **state)
{
        const char *path = temp_path();
        struct policy *p = NULL;
        struct policy_error err;
        char expected[PATH_MAX + 128];
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        /* Sparse: no 17 MiB are written. */
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t)17 << 20), 0);
        close(fd);
        assert_int_equal(policy_load_file(path, &root_env, &p, &err), -EFBIG);
        assert_null(p);
        snprintf(expected, sizeof(expected),
                 "%s: 17825792 bytes is too large for a profile (the limit is 16 MiB)", path);
        assert_string_equal(err.message, expected);
        remove_temp();
}

static void test_directory_is_refused(void **state)
{
        struct policy *p = NULL;
        struct policy_error err;

        assert_int_equal(policy_load_file("/tmp", &root_env, &p, &err), -EISDIR);
        assert_null(p);
        assert_string_equal(err.message, "/tmp: not a regular file");
}

static void test_missing_file_message_names_the_file(void **state)
{
        struct policy *p = NULL;
        struct policy_error err;

        assert_int_equal(policy_load_file("/nonexistent/scmp-super/p.json", &root_env, &p, &err),
                         -ENOENT);
        assert_null(p);
        assert_string_equal(err.message,
                            "/nonexistent/scmp-super/p.json: cannot open: No such file or "
                            "directory");
}

/* The supervisor extension */

static void test_supervisor_defaults_when_absent(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY'}");

        assert_false(p->have_supervisor);
        assert_int_equal(p->n_rules, 0);
        assert_int_equal(p->default_verdict, VERDICT_DENY);
        assert_int_equal(p->default_errno, EPERM);
        assert_int_equal(p->prompt_timeout_ms, 30000);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {}}");
        assert_true(p->have_supervisor);
        assert_int_equal(p->default_verdict, VERDICT_DENY);
        assert_int_equal(p->default_errno, EPERM);
        policy_free(p);
}

static void test_supervisor_default_action_and_errno(void **state)
{
        static const struct {
                const char *name;
                enum policy_verdict verdict;
        } cases[] = {
            {"allow", VERDICT_ALLOW}, {"deny", VERDICT_DENY},     {"kill", VERDICT_KILL},
            {"log", VERDICT_LOG},     {"prompt", VERDICT_PROMPT},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char text[128];
                snprintf(text, sizeof(text),
                         "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'defaultAction': "
                         "'%s'}}",
                         cases[i].name);
                struct policy *p = load_ok(text);
                assert_int_equal(p->default_verdict, cases[i].verdict);
                assert_string_equal(policy_verdict_name(cases[i].verdict), cases[i].name);
                policy_free(p);
        }

        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': "
                                   "{'defaultAction': 'deny', 'defaultErrno': 'EACCES'}}");
        assert_int_equal(p->default_verdict, VERDICT_DENY);
        assert_int_equal(p->default_errno, EACCES);
        policy_free(p);

        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'defaultAction': "
                       "'allow', 'defaultErrno': 'EACCES'}}",
                       "p.json:1:95: supervisor.defaultErrno: an errno goes only with \"deny\" (or "
                       "\"prompt\", for a timeout)");
        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'defaultAction': "
                       "'alow'}}",
                       "p.json:1:70: supervisor.defaultAction: unknown action \"alow\" (did you "
                       "mean \"allow\"?)");
}

static void test_parse_verdict_knows_the_five_names(void **state)
{
        enum policy_verdict v = VERDICT_ALLOW;

        assert_int_equal(policy_parse_verdict("prompt", &v), 0);
        assert_int_equal(v, VERDICT_PROMPT);
        assert_int_equal(policy_parse_verdict("kill", &v), 0);
        assert_int_equal(v, VERDICT_KILL);
        assert_int_equal(policy_parse_verdict("Allow", &v), -EINVAL);
        assert_int_equal(v, VERDICT_KILL);
}

static void test_prompt_timeout_is_seconds(void **state)
{
        struct policy *p =
            load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'promptTimeout': 5}}");
        assert_int_equal(p->prompt_timeout_ms, 5000);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'promptTimeout': 0.25}}");
        assert_int_equal(p->prompt_timeout_ms, 250);
        policy_free(p);

        p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'promptTimeout': 86400}}");
        assert_int_equal(p->prompt_timeout_ms, 86400000);
        policy_free(p);
}

static void test_prompt_timeout_zero_negative_or_too_large_is_an_error(void **state)
{
        static const char *const bad[] = {"0", "-1", "86401", "'30'", "null"};

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char text[128];
                snprintf(text, sizeof(text),
                         "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'promptTimeout': "
                         "%s}}",
                         bad[i]);
                assert_refused(text, "p.json:1:70: supervisor.promptTimeout: expected seconds, a "
                                     "number above 0 and at most 86400");
        }
}

static void test_supervisor_must_be_an_object_with_a_rule_array(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': []}",
                       "p.json:1:52: supervisor: expected an object {defaultAction, rules}, found "
                       "an array");
        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': {}}}",
                       "p.json:1:62: supervisor.rules: expected an array of rules, found an "
                       "object");
        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': ['allow']}}",
                       "p.json:1:63: supervisor.rules[0]: expected a rule object {syscalls, "
                       "action, ...}, found a string");
}

static void test_rule_fields_are_kept(void **state)
{
        struct policy *p = load_ok(
            "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': ["
            "{'comment': 'etc is read-only', 'syscalls': ['openat', '@chown'], 'path': '/etc/**', "
            "'action': 'deny', 'errno': 'EROFS'},"
            "{'action': 'log'}]}}");

        assert_int_equal(p->n_rules, 2);
        const struct policy_rule *r = &p->rules[0];
        assert_int_equal(r->source_index, 0);
        assert_string_equal(r->comment, "etc is read-only");
        assert_int_equal(r->n_nrs, 5);
        assert_true(has_nr(r->nrs, r->n_nrs, __NR_openat));
        assert_true(has_nr(r->nrs, r->n_nrs, __NR_fchownat));
        assert_int_equal(r->n_path_globs, 1);
        assert_string_equal(r->path_globs[0], "/etc/**");
        assert_int_equal(r->verdict, VERDICT_DENY);
        assert_int_equal(r->errno_value, EROFS);
        assert_int_equal(r->needs, POLICY_NEED_PATHS);
        assert_null(r->addr);
        assert_null(r->exe_glob);
        assert_int_equal(r->id_mask, 0);

        /* No syscalls: every notified call. */
        r = &p->rules[1];
        assert_int_equal(r->source_index, 1);
        assert_null(r->comment);
        assert_null(r->nrs);
        assert_int_equal(r->n_nrs, 0);
        assert_int_equal(r->verdict, VERDICT_LOG);
        assert_int_equal(r->needs, 0);
        policy_free(p);
}

static void test_rule_syscalls_errors(void **state)
{
        assert_refused(RULE("'syscalls': ['chown32'], 'action': 'deny'"),
                       "p.json:1:76: supervisor.rules[0].syscalls: no syscall of this architecture "
                       "listed (remove \"syscalls\" to match every notified call)");
        assert_refused(RULE("'syscalls': ['@nope'], 'action': 'deny'"),
                       "p.json:1:77: supervisor.rules[0].syscalls[0]: unknown syscall group "
                       "\"@nope\" (scmp-super groups lists them)");
        assert_refused(RULE("'syscalls': 'openat', 'action': 'deny'"),
                       "p.json:1:76: supervisor.rules[0].syscalls: expected an array of syscall "
                       "names, found a string");
}

static void test_rule_args_are_kept(void **state)
{
        struct policy *p = load_ok(RULE("'syscalls': ['socket'], 'args': [{'index': 0, 'value': 2, "
                                        "'op': 'SCMP_CMP_EQ'}, {'index': 1, 'value': 15, "
                                        "'valueTwo': 1, 'op': 'SCMP_CMP_MASKED_EQ'}], 'action': "
                                        "'deny'"));

        assert_int_equal(p->rules[0].n_args, 2);
        assert_int_equal(p->rules[0].args[1].index, 1);
        assert_int_equal(p->rules[0].args[1].value, 15);
        assert_int_equal(p->rules[0].args[1].value_two, 1);
        assert_int_equal(p->rules[0].args[1].op, SCMP_CMP_MASKED_EQ);
        policy_free(p);
}

static void test_rule_two_conditions_on_one_index_is_an_error(void **state)
{
        assert_refused(RULE("'syscalls': ['openat'], 'args': [{'index': 1, 'value': 1, 'op': "
                            "'SCMP_CMP_EQ'}, {'index': 1, 'value': 2, 'op': 'SCMP_CMP_EQ'}], "
                            "'action': 'deny'"),
                       "p.json:1:96: supervisor.rules[0].args: two conditions on one argument "
                       "index; use two rules instead");
}

static void test_rule_path_is_a_string_or_an_array(void **state)
{
        struct policy *p = load_ok(RULE("'path': ['/etc/*', '/usr/**', '/tmp/[a-z]?'], "
                                        "'action': 'allow'"));

        assert_int_equal(p->rules[0].n_path_globs, 3);
        assert_string_equal(p->rules[0].path_globs[2], "/tmp/[a-z]?");
        assert_int_equal(p->rules[0].needs, POLICY_NEED_PATHS);
        policy_free(p);
}

static void test_rule_bad_path_glob_is_an_error_with_the_reason(void **state)
{
        assert_refused(RULE("'path': 'etc/**', 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].path: bad path glob \"etc/**\": pattern "
                       "must be absolute (start with '/')");
        assert_refused(RULE("'path': ['/etc/**', '/tmp/[z-a]'], 'action': 'deny'"),
                       "p.json:1:84: supervisor.rules[0].path[1]: bad path glob \"/tmp/[z-a]\": "
                       "character class range is reversed");
        assert_refused(RULE("'path': ['/tmp/[ab'], 'action': 'deny'"),
                       "p.json:1:73: supervisor.rules[0].path[0]: bad path glob \"/tmp/[ab\": "
                       "unterminated '[' character class");
        assert_refused(RULE("'path': [], 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].path: empty list of path globs (remove "
                       "\"path\" to match any path)");
        assert_refused(RULE("'path': 5, 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].path: expected a path glob such as "
                       "\"/etc/**\" or an array of them");
        assert_refused(RULE("'path': ['/a', 5], 'action': 'deny'"),
                       "p.json:1:79: supervisor.rules[0].path[1]: expected a path glob string, "
                       "found a number");
}

static void test_rule_address_family_names(void **state)
{
        static const struct {
                const char *name;
                int family;
        } cases[] = {
            {"inet", AF_INET},  {"ipv4", AF_INET}, {"inet6", AF_INET6},
            {"ipv6", AF_INET6}, {"unix", AF_UNIX}, {"any", AF_UNSPEC},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char text[256];
                snprintf(text, sizeof(text), RULE("'address': {'family': '%s'}, 'action': 'deny'"),
                         cases[i].name);
                struct policy *p = load_ok(text);
                assert_non_null(p->rules[0].addr);
                assert_int_equal(p->rules[0].addr->family, cases[i].family);
                assert_int_equal(p->rules[0].addr->port, -1);
                assert_false(p->rules[0].addr->have_prefix);
                assert_int_equal(p->rules[0].needs, POLICY_NEED_ADDR);
                policy_free(p);
        }
        assert_refused(RULE("'address': {'family': 'ipx'}, 'action': 'deny'"),
                       "p.json:1:86: supervisor.rules[0].address.family: unknown address family "
                       "(use \"inet\", \"inet6\", \"unix\", \"any\" or \"none\")");
        assert_refused(RULE("'address': 'inet', 'action': 'deny'"),
                       "p.json:1:75: supervisor.rules[0].address: expected an object {family, "
                       "cidr, port, unix}, found a string");
}

static void test_rule_address_cidr_and_port(void **state)
{
        struct policy *p = load_ok(
            "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': ["
            "{'address': {'family': 'inet', 'cidr': '10.1.2.3/8', 'port': 80}, 'action': 'deny'},"
            "{'address': {'cidr': 'fe80::/10', 'port': 0}, 'action': 'deny'},"
            "{'address': {'address': '127.0.0.1'}, 'action': 'allow'}]}}");
        const struct netaddr_match *m = p->rules[0].addr;

        assert_int_equal(m->family, AF_INET);
        assert_true(m->have_prefix);
        assert_int_equal(m->prefix_len, 8);
        assert_int_equal(m->addr[0], 10);
        assert_int_equal(m->addr[1], 0);
        assert_int_equal(m->port, 80);

        /* The family follows from the address when not given. */
        m = p->rules[1].addr;
        assert_int_equal(m->family, AF_INET6);
        assert_int_equal(m->prefix_len, 10);
        assert_int_equal(m->addr[0], 0xfe);
        assert_int_equal(m->addr[1], 0x80);
        assert_int_equal(m->port, 0);

        m = p->rules[2].addr;
        assert_int_equal(m->family, AF_INET);
        assert_int_equal(m->prefix_len, 32);
        assert_int_equal(m->addr[3], 1);
        policy_free(p);

        assert_refused(RULE("'address': {'family': 'inet', 'cidr': '::1'}, 'action': 'deny'"),
                       "p.json:1:102: supervisor.rules[0].address.cidr: expected an IP address or "
                       "CIDR such as \"10.0.0.0/8\" or \"::1\" of the rule's family");
        assert_refused(RULE("'address': {'cidr': '10.0.0.0/33'}, 'action': 'deny'"),
                       "p.json:1:84: supervisor.rules[0].address.cidr: expected an IP address or "
                       "CIDR such as \"10.0.0.0/8\" or \"::1\"");
        assert_refused(RULE("'address': {'port': 65536}, 'action': 'deny'"),
                       "p.json:1:84: supervisor.rules[0].address.port: 65536 is out of range (0 to "
                       "65535)");
        assert_refused(RULE("'address': {'port': -80}, 'action': 'deny'"),
                       "p.json:1:84: supervisor.rules[0].address.port: must not be negative");
}

static void test_rule_address_unix_glob(void **state)
{
        struct policy *p =
            load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': ["
                    "{'address': {'unix': '/run/*.sock'}, 'action': 'deny'},"
                    "{'address': {'family': 'unix', 'unix': '@dbus-*'}, 'action': 'deny'}]}}");

        assert_int_equal(p->rules[0].addr->family, AF_UNIX);
        assert_string_equal(p->rules[0].addr->unix_glob, "/run/*.sock");
        assert_int_equal(p->rules[1].addr->family, AF_UNIX);
        assert_string_equal(p->rules[1].addr->unix_glob, "@dbus-*");
        policy_free(p);
}

static void test_rule_address_unix_with_inet_family_is_an_error(void **state)
{
        assert_refused(
            RULE("'address': {'family': 'inet', 'unix': '/run/*.sock'}, 'action': 'deny'"),
            "p.json:1:102: supervisor.rules[0].address.unix: a unix path with a non-unix family");
        assert_refused(RULE("'address': {'unix': 5}, 'action': 'deny'"),
                       "p.json:1:84: supervisor.rules[0].address.unix: expected a socket path glob "
                       "such as \"/run/*.sock\" or \"@abstract-*\"");
}

static void test_rule_address_bad_unix_glob_is_an_error(void **state)
{
        /* Path and exe globs are checked when loaded; a socket path glob
         * should be too, or a relative one silently never matches. */
        assert_refused_with(RULE("'address': {'unix': 'run/*.sock'}, 'action': 'deny'"),
                            "p.json:1:84: supervisor.rules[0].address.unix:", "run/*.sock",
                            "absolute", NULL);
        assert_refused_with(RULE("'address': {'unix': '/run/[z-a].sock'}, 'action': 'deny'"),
                            "p.json:1:84: supervisor.rules[0].address.unix:",
                            "character class range is reversed", NULL);
}

static void test_rule_path_on_a_named_call_without_paths_is_an_error(void **state)
{
        /* Alone, connect gets the rule refused as matching nothing. */
        assert_refused_with(RULE("'syscalls': ['connect'], 'path': '/etc/**', 'action': 'deny'"),
                            "supervisor.rules[0].path: none of the rule's calls (connect) takes a "
                            "path",
                            NULL);
        /* Beside openat, the rule would match openat only, and read as a
         * rule on both. */
        assert_refused(
            RULE("'syscalls': ['openat', 'connect'], 'path': '/etc/**', 'action': 'deny'"),
            "p.json:1:87: supervisor.rules[0].syscalls[1]: connect takes no path, so the rule's "
            "\"path\" never matches it; give connect a rule of its own without \"path\" (for a "
            "socket's path, \"address\": {\"unix\": ...})");
        assert_refused_with(
            RULE("'syscalls': ['openat', 'connect'], 'address': {'family': 'inet'}, "
                 "'action': 'deny'"),
            "p.json:1:77: supervisor.rules[0].syscalls[0]: openat takes no socket address, so "
            "the rule's \"address\" never matches it; give openat a rule of its own without "
            "\"address\"",
            NULL);
}

static void test_rule_path_on_a_group_with_calls_without_paths_is_accepted(void **state)
{
        /* A group is the calls of it that have the field. */
        struct policy *p =
            load_ok(RULE("'syscalls': ['@file-system'], 'path': '/etc/**', 'action': 'deny'"));
        policy_free(p);
}

static void test_rule_exe(void **state)
{
        struct policy *p = load_ok(RULE("'exe': '/usr/bin/*', 'action': 'allow'"));

        assert_string_equal(p->rules[0].exe_glob, "/usr/bin/*");
        assert_int_equal(p->rules[0].needs, POLICY_NEED_EXE);
        policy_free(p);

        assert_refused(RULE("'exe': 'bin/*', 'action': 'deny'"),
                       "p.json:1:71: supervisor.rules[0].exe: bad path glob \"bin/*\": pattern "
                       "must be absolute (start with '/')");
        assert_refused(RULE("'exe': ['/bin/sh'], 'action': 'deny'"),
                       "p.json:1:71: supervisor.rules[0].exe: expected an executable path glob "
                       "such as \"/usr/bin/*\"");
}

static void test_rule_uid(void **state)
{
        struct policy *p = load_ok(RULE("'uid': 0, 'action': 'allow'"));

        assert_int_equal(p->rules[0].id_mask, 1u << POLICY_ID_UID);
        assert_int_equal(p->rules[0].ids[POLICY_ID_UID], 0);
        assert_int_equal(p->rules[0].needs, POLICY_NEED_IDS);
        policy_free(p);

        p = load_ok(RULE("'uid': 4294967294, 'action': 'allow'"));
        assert_int_equal(p->rules[0].ids[POLICY_ID_UID], 4294967294u);
        policy_free(p);

        assert_refused(RULE("'uid': -1, 'action': 'deny'"),
                       "p.json:1:71: supervisor.rules[0].uid: must not be negative");
        /* (uid_t)-1 means "no uid" to the kernel, so no process has it. */
        assert_refused(RULE("'uid': 4294967295, 'action': 'deny'"),
                       "p.json:1:71: supervisor.rules[0].uid: 4294967295 is out of range (0 to "
                       "4294967294)");
        assert_refused(RULE("'uid': 'root', 'action': 'deny'"),
                       "p.json:1:71: supervisor.rules[0].uid: expected a number such as 0, found "
                       "a string (names are not looked up: `id -u NAME` gives the number)");
}

/* euid, fsuid, gid, egid and fsgid beside uid: each its own identity. */
static void test_rule_ids(void **state)
{
        struct policy *p = load_ok(RULE("'uid': 1, 'euid': 2, 'fsuid': 3, 'gid': 4, 'egid': 5, "
                                        "'fsgid': 6, 'action': 'deny'"));

        assert_int_equal(p->rules[0].id_mask, (1u << POLICY_ID_COUNT) - 1);
        for (unsigned id = 0; id < POLICY_ID_COUNT; id++)
                assert_int_equal(p->rules[0].ids[id], id + 1);
        assert_int_equal(p->rules[0].needs, POLICY_NEED_IDS);
        policy_free(p);

        p = load_ok(RULE("'fsgid': 0, 'action': 'deny'"));
        assert_int_equal(p->rules[0].id_mask, 1u << POLICY_ID_FSGID);
        policy_free(p);

        assert_refused(RULE("'euid': -1, 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].euid: must not be negative");
        assert_refused(RULE("'fsgid': 4294967295, 'action': 'deny'"),
                       "p.json:1:73: supervisor.rules[0].fsgid: 4294967295 is out of range (0 "
                       "to 4294967294)");
        assert_refused(RULE("'egid': 'wheel', 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].egid: expected a number such as 0, "
                       "found a string (names are not looked up: `id -g NAME` gives the number)");
        assert_refused(RULE("'fsuid': [0], 'action': 'deny'"),
                       "p.json:1:73: supervisor.rules[0].fsuid: expected a non-negative integer, "
                       "found an array");
        /* Names people reach for, each with the field to write instead. */
        assert_refused(RULE("'ruid': 0, 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].ruid: unknown field; the real uid is "
                       "\"uid\"");
        assert_refused(RULE("'suid': 0, 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].suid: unknown field; the saved "
                       "set-user-ID is not matched; use \"uid\", \"euid\" or \"fsuid\"");
        assert_refused(RULE("'sgid': 0, 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].sgid: unknown field; the saved "
                       "set-group-ID is not matched; use \"gid\", \"egid\" or \"fsgid\"");
        assert_refused(RULE("'user': 'root', 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].user: unknown field; write the number "
                       "as \"uid\" (`id -u NAME` gives it)");
        assert_refused(RULE("'fsgud': 0, 'action': 'deny'"),
                       "p.json:1:73: supervisor.rules[0].fsgud: unknown field (did you mean "
                       "\"fsgid\"?)");
}

/* A rule on an open's flags: the parts that widen what it may do. */
static void test_rule_open(void **state)
{
        (void)state;
        static const struct {
                const char *field;
                unsigned access;
        } cases[] = {
            {"['O_RDONLY']", POLICY_OPEN_READ},
            {"'O_WRONLY'", POLICY_OPEN_WRITE},
            {"['O_RDWR']", POLICY_OPEN_READ | POLICY_OPEN_WRITE},
            {"['O_RDONLY', 'O_WRONLY']", POLICY_OPEN_READ | POLICY_OPEN_WRITE},
            {"['O_WRONLY', 'O_CREAT', 'O_TRUNC']",
             POLICY_OPEN_WRITE | POLICY_OPEN_CREAT | POLICY_OPEN_TRUNC},
            {"['O_WRONLY', 'O_APPEND', 'O_APPEND']", POLICY_OPEN_WRITE | POLICY_OPEN_APPEND},
            {"['O_RDWR', 'O_TMPFILE']", POLICY_OPEN_READ | POLICY_OPEN_WRITE | POLICY_OPEN_TMPFILE},
            {"['O_PATH']", POLICY_OPEN_PATH},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char text[256];
                snprintf(text, sizeof(text),
                         RULE("'syscalls': ['open', 'openat', 'openat2', 'creat'], 'open': %s, "
                              "'action': 'allow'"),
                         cases[i].field);
                struct policy *p = load_ok(text);
                assert_int_equal(p->rules[0].open_access, cases[i].access);
                /* The flags are decoded with the paths. */
                assert_int_equal(p->rules[0].needs, POLICY_NEED_PATHS);
                assert_int_equal(policy_needs(p, __NR_openat2), POLICY_NEED_PATHS);
                policy_free(p);
        }
        struct policy *p = load_ok(RULE("'syscalls': ['openat'], 'action': 'allow'"));
        assert_int_equal(p->rules[0].open_access, 0);
        policy_free(p);
}

/* The names a lasting rule writes are the names the field reads. */
static void test_rule_open_names_round_trip(void **state)
{
        (void)state;
        for (unsigned access = 1; access < (POLICY_OPEN_PATH << 1); access++) {
                const char *names[8];
                char list[256] = "", text[512];
                size_t n = policy_open_access_names(access, names, 8);
                assert_true(n > 0 && n <= 8);
                for (size_t i = 0; i < n; i++)
                        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s'%s'",
                                 i ? ", " : "", names[i]);
                snprintf(text, sizeof(text),
                         RULE("'syscalls': ['openat'], 'open': [%s], 'action': 'allow'"), list);
                struct policy *p = load_ok(text);
                assert_int_equal(p->rules[0].open_access, access);
                policy_free(p);
        }
        const char *one[1];
        assert_int_equal(policy_open_access_names(
                             POLICY_OPEN_READ | POLICY_OPEN_WRITE | POLICY_OPEN_TRUNC, one, 1),
                         2);
        assert_string_equal(one[0], "O_RDWR");
}

static void test_rule_open_refuses_what_it_cannot_mean(void **state)
{
        (void)state;
        assert_refused(RULE("'syscalls': ['openat'], 'open': ['O_RDONY'], 'action': 'allow'"),
                       "p.json:1:97: supervisor.rules[0].open[0]: unknown open flag \"O_RDONY\" "
                       "(did you mean \"O_RDONLY\"?)");
        assert_refused(RULE("'syscalls': ['openat'], 'open': ['read'], 'action': 'allow'"),
                       "p.json:1:97: supervisor.rules[0].open[0]: unknown open flag \"read\" (one "
                       "of: O_RDWR, O_RDONLY, O_WRONLY, O_TRUNC, O_CREAT, O_APPEND, O_TMPFILE, "
                       "O_PATH)");
        assert_refused(RULE("'syscalls': ['openat'], 'open': ['O_RDONLY', 'O_NOFOLLOW'], "
                            "'action': 'allow'"),
                       "p.json:1:109: supervisor.rules[0].open[1]: \"O_NOFOLLOW\" only narrows "
                       "what an open may do, so a rule need not list it (an open with it matches "
                       "as one without)");
        assert_refused(RULE("'syscalls': ['openat'], 'open': 'O_CLOEXEC', 'action': 'allow'"),
                       "p.json:1:96: supervisor.rules[0].open: \"O_CLOEXEC\" does not change what "
                       "an open may do to the file; leave it out");
        assert_refused(RULE("'syscalls': ['openat'], 'open': 'O_WRONLY|O_CREAT', 'action': "
                            "'allow'"),
                       "p.json:1:96: supervisor.rules[0].open: one flag per element: write "
                       "\"O_WRONLY|O_CREAT\" as a list such as [\"O_WRONLY\", \"O_CREAT\"]");
        assert_refused(RULE("'syscalls': ['openat'], 'open': [], 'action': 'allow'"),
                       "p.json:1:96: supervisor.rules[0].open: empty list of open flags (remove "
                       "\"open\" to match any open)");
        assert_refused(
            RULE("'syscalls': ['openat'], 'open': 2, 'action': 'allow'"),
            "p.json:1:96: supervisor.rules[0].open: expected a list of open flags "
            "such as [\"O_RDONLY\"] or [\"O_WRONLY\", \"O_CREAT\", \"O_TRUNC\"], found a "
            "number");
        assert_refused(RULE("'syscalls': ['openat'], 'open': [0], 'action': 'allow'"),
                       "p.json:1:97: supervisor.rules[0].open[0]: expected a string naming open "
                       "flag, found a number");
        /* The field is known: a misspelling of it gets it as the hint. */
        assert_refused(RULE("'syscalls': ['openat'], 'opne': ['O_RDONLY'], 'action': 'allow'"),
                       "p.json:1:96: supervisor.rules[0].opne: unknown field (did you mean "
                       "\"open\"?)");
}

/* A rule on an open's flags is about opens: a rule for other calls too
 * would leave unsaid what it means for them. */
static void test_rule_open_is_for_open_calls_only(void **state)
{
        (void)state;
        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': [\n"
                       " {'syscalls': ['openat', 'mkdir'], 'path': '/tmp/**',\n"
                       "  'open': ['O_RDONLY'], 'action': 'allow'}]}}",
                       "p.json:3:11: supervisor.rules[0].open: applies only to open, openat, "
                       "openat2 and creat, but \"syscalls\" also names mkdir (give it a rule of "
                       "its own)");
        assert_refused(RULE("'syscalls': ['@file-system'], 'open': ['O_RDONLY'], 'action': "
                            "'deny'"),
                       "p.json:1:102: supervisor.rules[0].open: applies only to open, openat, "
                       "openat2 and creat, but \"syscalls\" also names access (give it a rule "
                       "of its own)");
        assert_refused(RULE("'open': ['O_RDONLY'], 'action': 'deny'"),
                       "p.json:1:72: supervisor.rules[0].open: a rule on an open's flags names "
                       "its calls: add \"syscalls\": [\"open\", \"openat\", \"openat2\", "
                       "\"creat\"], or those of them it is for");
}

static void test_rule_needs_combine(void **state)
{
        struct policy *p = load_ok(RULE("'path': '/x', 'address': {'port': 1}, 'exe': '/y', "
                                        "'uid': 3, 'action': 'deny'"));

        assert_int_equal(p->rules[0].needs,
                         POLICY_NEED_PATHS | POLICY_NEED_ADDR | POLICY_NEED_EXE | POLICY_NEED_IDS);
        policy_free(p);
}

static void test_rule_unknown_action_suggests_the_nearest(void **state)
{
        assert_refused(RULE("'action': 'aloow'"),
                       "p.json:1:74: supervisor.rules[0].action: unknown action \"aloow\" (did you "
                       "mean \"allow\"?)");
        assert_refused(RULE("'action': 'SCMP_ACT_ALLOW'"),
                       "p.json:1:74: supervisor.rules[0].action: unknown action "
                       "\"SCMP_ACT_ALLOW\" (one of: allow, deny, kill, log, prompt)");
        assert_refused_with(RULE("'path': '/x'"),
                            "supervisor.rules[0].action: missing (add \"action\": \"allow\", "
                            "\"deny\", \"kill\", \"log\" or \"prompt\")",
                            NULL);
}

static void test_rule_errno_with_allow_is_an_error(void **state)
{
        assert_refused(RULE("'action': 'allow', 'errno': 'EPERM'"),
                       "p.json:1:92: supervisor.rules[0].errno: an errno goes only with \"deny\" "
                       "(or \"prompt\", for a timeout)");
        assert_refused(RULE("'action': 'log', 'errno': 1"),
                       "p.json:1:90: supervisor.rules[0].errno: an errno goes only with \"deny\" "
                       "(or \"prompt\", for a timeout)");
}

static void test_rule_errno_names_and_numbers(void **state)
{
        struct policy *p =
            load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'rules': ["
                    "{'action': 'deny', 'errno': 'ENOENT'}, {'action': 'deny', 'errno': 13},"
                    "{'action': 'deny'}, {'action': 'prompt', 'errno': 'ETIMEDOUT'}]}}");

        assert_int_equal(p->rules[0].errno_value, ENOENT);
        assert_int_equal(p->rules[1].errno_value, EACCES);
        assert_int_equal(p->rules[2].errno_value, EPERM);
        assert_int_equal(p->rules[3].verdict, VERDICT_PROMPT);
        assert_int_equal(p->rules[3].errno_value, ETIMEDOUT);
        policy_free(p);
}

static void test_rule_unknown_errno_suggests_the_nearest(void **state)
{
        assert_refused(RULE("'action': 'deny', 'errno': 'EACCESS'"),
                       "p.json:1:91: supervisor.rules[0].errno: unknown errno name \"EACCESS\" "
                       "(did you mean EACCES?)");
        assert_refused(RULE("'action': 'deny', 'errno': 'permission'"),
                       "p.json:1:91: supervisor.rules[0].errno: unknown errno name \"permission\" "
                       "(use a name like EPERM or a number)");
        assert_refused(RULE("'action': 'deny', 'errno': 4096"),
                       "p.json:1:91: supervisor.rules[0].errno: 4096 is out of range (0 to 4095)");
}

/* Messages name the file, line, column and JSON path */

/* A profile whose third entry takes op, index and what follows syscalls[]. */
#define MULTI_LINE_PROFILE                                                                         \
        "{\n"                                                                                      \
        "  'defaultAction': 'SCMP_ACT_ERRNO',\n"                                                   \
        "  'syscalls': [\n"                                                                        \
        "    {\n"                                                                                  \
        "      'names': ['read', 'write'],\n"                                                      \
        "      'action': 'SCMP_ACT_ALLOW'\n"                                                       \
        "    },\n"                                                                                 \
        "    {'names': ['close'], 'action': 'SCMP_ACT_ALLOW'},\n"                                  \
        "    {\n"                                                                                  \
        "      'names': ['personality'],\n"                                                        \
        "      'action': 'SCMP_ACT_ALLOW',\n"                                                      \
        "      'args': [\n"                                                                        \
        "        {\n"                                                                              \
        "        'op': %s,\n"                                                                      \
        "          'index': %s,\n"                                                                 \
        "          'value': 8\n"                                                                   \
        "        }\n"                                                                              \
        "      ]\n"                                                                                \
        "    }\n"                                                                                  \
        "  ]%s\n"                                                                                  \
        "}\n"

static void assert_multi_line_refused(const char *op, const char *index, const char *tail,
                                      const char *message)
{
        char text[2048];

        snprintf(text, sizeof(text), MULTI_LINE_PROFILE, op, index, tail);
        assert_refused(text, message);
}

static void test_error_names_file_line_column_and_path(void **state)
{
        char text[2048];

        snprintf(text, sizeof(text), MULTI_LINE_PROFILE, "'SCMP_CMP_EQ'", "0", "");
        struct policy *p = load_ok(text);
        assert_int_equal(p->n_entries, 3);
        policy_free(p);

        assert_multi_line_refused("'SCMP_CMP_EQUAL'", "0", "",
                                  "p.json:14:15: syscalls[2].args[0].op: unknown operator "
                                  "\"SCMP_CMP_EQUAL\" (did you mean \"SCMP_CMP_EQ\"?)");
        assert_multi_line_refused("'SCMP_CMP_EQ'", "6", "",
                                  "p.json:15:20: syscalls[2].args[0].index: 6 is out of range (0 "
                                  "to 5)");
        assert_multi_line_refused("'SCMP_CMP_EQ'", "0",
                                  ",\n  'flags': ['SECCOMP_FILTER_FLAG_TSYNC', 'LOG']",
                                  "p.json:21:42: flags[1]: unknown filter flag \"LOG\" (one of: "
                                  "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, "
                                  "SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
                                  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)");
        assert_multi_line_refused("'SCMP_CMP_EQ'", "0", ",\n  'supervisor': {'promptTimeout': 0}",
                                  "p.json:21:35: supervisor.promptTimeout: expected seconds, a "
                                  "number above 0 and at most 86400");
}

static void test_missing_field_points_at_the_object_that_lacks_it(void **state)
{
        /* A missing field has no place of its own; the message should point
         * at the object it is missing from, not at the top of the file. */
        assert_refused("{\n"
                       "  'defaultAction': 'SCMP_ACT_ERRNO',\n"
                       "  'syscalls': [\n"
                       "    {'names': ['read'], 'action': 'SCMP_ACT_ALLOW'},\n"
                       "    {'names': ['close']}\n"
                       "  ]\n"
                       "}\n",
                       "p.json:5:5: syscalls[1].action: missing (add \"action\": "
                       "\"SCMP_ACT_ALLOW\" or another action)");
        assert_refused("{'defaultAction': 'SCMP_ACT_NOTIFY',\n"
                       " 'supervisor': {'rules': [\n"
                       "   {'action': 'allow'},\n"
                       "   {'path': '/tmp/**'}]}}\n",
                       "p.json:4:4: supervisor.rules[1].action: missing (add \"action\": "
                       "\"allow\", \"deny\", \"kill\", \"log\" or \"prompt\")");
}

/* The runtimes' own default profiles */

static struct policy *load_file_ok(const char *path, const struct policy_env *env)
{
        struct policy *p = NULL;
        struct policy_error err;
        int r = policy_load_file(path, env, &p, &err);

        if (r < 0)
                fail_msg("%s: %s", path, err.message);
        assert_non_null(p);
        return p;
}

static enum policy_kernel_action kernel_decide(const struct policy *p, int nr, uint64_t arg0,
                                               uint32_t *ret_data)
{
        const uint64_t args[6] = {arg0};

        return policy_kernel_decide(p, nr, args, ret_data);
}

/* Overlapping entries: the kernel filter does not read them top to bottom
 * (profile_index.c), so they are refused with the place and the fix. */

static void test_allow_then_notify_of_one_call_is_refused(void **state)
{
        assert_refused("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [\n"
                       "{'names': ['openat'], 'action': 'SCMP_ACT_ALLOW'},\n"
                       "{'names': ['openat'], 'action': 'SCMP_ACT_NOTIFY'}]}",
                       "p.json:3:12: syscalls[1].names[0]: openat is already decided by "
                       "syscalls[0] (SCMP_ACT_ALLOW, no conditions), which comes first: the "
                       "kernel filter keeps the first action, so this entry's SCMP_ACT_NOTIFY "
                       "never applies to it. Remove openat from syscalls[0], or move this entry "
                       "before it");
}

static void test_a_group_in_an_earlier_allow_entry_names_itself_in_the_message(void **state)
{
        /* The DEPLOYMENT.md scenario: the opens moved into the notify entry
         * stay allowed by @file-system before it. */
        assert_refused_with("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                            "{'names': ['read', '@file-system'], 'action': 'SCMP_ACT_ALLOW'},"
                            "{'names': ['connect', 'open', 'openat', 'openat2'], 'action': "
                            "'SCMP_ACT_NOTIFY'}]}",
                            "syscalls[1].names[1]: open, openat and openat2 are already decided "
                            "by syscalls[0] (SCMP_ACT_ALLOW through @file-system, no conditions)",
                            "Remove open, openat and openat2 from syscalls[0] (list the group's "
                            "other calls instead of it), or move this entry before it",
                            NULL);
}

static void test_notify_first_then_a_broader_allow_is_valid(void **state)
{
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                                   "{'names': ['open', 'openat', 'openat2'], 'action': "
                                   "'SCMP_ACT_NOTIFY'},"
                                   "{'names': ['@file-system', 'openat'], 'action': "
                                   "'SCMP_ACT_ALLOW'}]}");
        uint32_t data;
        const uint64_t args[6] = {0};

        assert_int_equal(policy_kernel_decide(p, __NR_openat, args, &data), KACT_NOTIFY);
        assert_int_equal(policy_kernel_decide(p, __NR_read, args, &data), KACT_ERRNO);
        assert_int_equal(policy_kernel_decide(p, __NR_mkdir, args, &data), KACT_ALLOW);
        policy_free(p);
}

static void test_a_later_refusing_entry_is_refused_even_through_a_group(void **state)
{
        assert_refused_with("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
                            "{'names': ['mount'], 'action': 'SCMP_ACT_LOG'},"
                            "{'names': ['@mount'], 'action': 'SCMP_ACT_ERRNO'}]}",
                            "syscalls[1].names[0]: mount is already decided by syscalls[0] "
                            "(SCMP_ACT_LOG, no conditions)",
                            "this entry's SCMP_ACT_ERRNO never applies to it", NULL);
}

static void test_an_entry_without_conditions_after_a_conditional_one_is_refused(void **state)
{
        assert_refused_with("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                            "{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW', 'args': "
                            "[{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}]},"
                            "{'names': ['personality'], 'action': 'SCMP_ACT_NOTIFY'}]}",
                            "syscalls[1].names[0]: personality has conditions in syscalls[0] "
                            "(SCMP_ACT_ALLOW)",
                            "a rule without conditions replaces the conditional ones before it",
                            NULL);
}

static void test_an_entry_with_the_default_action_is_left_out_and_refused(void **state)
{
        /* libseccomp refuses the rule, runc and crun skip it: the allow
         * that follows would decide openat. */
        assert_refused_with("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                            "{'names': ['openat'], 'action': 'SCMP_ACT_ERRNO'},"
                            "{'names': ['@file-system'], 'action': 'SCMP_ACT_ALLOW'}]}",
                            "openat is also named by syscalls[0] with SCMP_ACT_ERRNO, the "
                            "default action",
                            "give syscalls[0] another action or errno", NULL);
        /* Another errno is a rule of its own, kept first. */
        policy_free(load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                            "{'names': ['openat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13},"
                            "{'names': ['@file-system'], 'action': 'SCMP_ACT_ALLOW'}]}"));
}

static void test_same_conditions_with_two_actions_are_refused(void **state)
{
        assert_refused_with("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                            "{'names': ['socket'], 'action': 'SCMP_ACT_ALLOW', 'args': "
                            "[{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]},"
                            "{'names': ['socket'], 'action': 'SCMP_ACT_NOTIFY', 'args': "
                            "[{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
                            "socket has the same conditions in syscalls[0]", NULL);
}

static void test_conditional_entries_adding_cases_are_valid(void **state)
{
        /* Docker's way: several entries for one call, each with its own
         * conditions, and the same action for calls named twice. */
        struct policy *p = load_ok("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
                                   "{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW', "
                                   "'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}]},"
                                   "{'names': ['personality'], 'action': 'SCMP_ACT_NOTIFY', "
                                   "'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]},"
                                   "{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', "
                                   "'errnoRet': 5, 'args': [{'index': 0, 'value': 9, 'op': "
                                   "'SCMP_CMP_EQ'}]},"
                                   "{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'},"
                                   "{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'}]}");
        policy_free(p);
}

static void test_overlaps_are_judged_with_includes_and_excludes_applied(void **state)
{
        /* Podman's pattern: an errno entry for when a capability is
         * missing names a call the first allow entry already decides.
         * crun and runc allow it; so do we. */
        static const char text[] =
            "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'syscalls': ["
            "{'names': ['setns', 'read'], 'action': 'SCMP_ACT_ALLOW'},"
            "{'names': ['setns'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1, "
            "'excludes': {'caps': ['CAP_SYS_ADMIN']}}]}";
        struct policy *p = load_ok_env(text, &no_caps_env);
        uint32_t data;
        const uint64_t args[6] = {0};

        assert_int_equal(policy_kernel_decide(p, __NR_setns, args, &data), KACT_ALLOW);
        policy_free(p);
        /* An entry whose excludes leave it out here overlaps nothing. */
        policy_free(load_ok_env(text, &root_env));
}

static void test_a_rule_on_calls_never_notified_is_counted_as_dead(void **state)
{
        /* openat and open never reach the supervisor: one warning for the
         * rule, naming both, and counted for --strict. */
        struct policy *p =
            load_ok("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
                    "{'names': ['connect'], 'action': 'SCMP_ACT_NOTIFY'}],"
                    "'supervisor': {'defaultAction': 'allow', 'rules': ["
                    "{'syscalls': ['openat', 'open', 'connect'], 'action': 'deny'}]}}");
        assert_int_equal(p->n_dead_rules, 1);
        assert_int_equal(p->n_warnings, 1);
        assert_non_null(strstr(p->warnings[0], "supervisor.rules[0].syscalls: this rule never "
                                               "applies to openat and open: the kernel filter "
                                               "never hands them to the supervisor"));
        policy_free(p);

        /* A notifying default reaches what no entry decides; an entry
         * without conditions that allows takes the call away from it. */
        p = load_ok("{'defaultAction': 'SCMP_ACT_NOTIFY', 'syscalls': ["
                    "{'names': ['read'], 'action': 'SCMP_ACT_ALLOW'},"
                    "{'names': ['openat'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 2, "
                    "'value': 0, 'op': 'SCMP_CMP_EQ'}]}],"
                    "'supervisor': {'defaultAction': 'allow', 'rules': ["
                    "{'syscalls': ['openat', 'write'], 'action': 'deny'},"
                    "{'syscalls': ['read'], 'action': 'deny'}]}}");
        assert_int_equal(p->n_dead_rules, 1);
        assert_non_null(strstr(p->warnings[0], "supervisor.rules[1].syscalls: this rule never "
                                               "applies to read:"));
        policy_free(p);
}

/* CLONE_NEWUSER, one of the namespace flags Docker's clone rule masks. */
#define CLONE_NEWUSER_FLAG 0x10000000

static void test_docker_default_loads_with_its_caps_gated_entries(void **state)
{
        struct policy *root = load_file_ok(DOCKER_DEFAULT, &root_env);
        struct policy *none = load_file_ok(DOCKER_DEFAULT, &no_caps_env);
        uint32_t data;

        /* Counted by hand from the profile's includes and excludes. */
        assert_int_equal(root->n_entries, 21);
        assert_int_equal(none->n_entries, 11);
        assert_int_equal(root->n_warnings, 0);
        assert_int_equal(root->default_action, KACT_ERRNO);
        assert_int_equal(root->default_ret_data, EPERM);
        /* archMap's x86_64 entry: x86 and x32. */
        assert_int_equal(root->n_arches, 2);
        /* Names of other architectures are skipped, not refused. */
        assert_true(root->n_skipped > 0);
        assert_true(has_string(root->skipped, root->n_skipped, "chown32"));
        assert_true(root->entries[0].n_nrs > 250);

        /* With CAP_SYS_ADMIN, clone is allowed whatever its flags. */
        assert_int_equal(kernel_decide(root, __NR_clone, CLONE_NEWUSER_FLAG, &data), KACT_ALLOW);
        assert_int_equal(kernel_decide(root, __NR_clone3, 0, &data), KACT_ALLOW);
        /* Without it, namespace flags fall to the default and clone3 says
         * ENOSYS so that libc falls back to clone. */
        assert_int_equal(kernel_decide(none, __NR_clone, CLONE_NEWUSER_FLAG, &data), KACT_ERRNO);
        assert_int_equal(data, EPERM);
        assert_int_equal(kernel_decide(none, __NR_clone, 0x11 /* SIGCHLD */, &data), KACT_ALLOW);
        assert_int_equal(kernel_decide(none, __NR_clone3, 0, &data), KACT_ERRNO);
        assert_int_equal(data, ENOSYS);
        /* ptrace needs kernel 4.8, and it is 6.18. */
        assert_int_equal(kernel_decide(none, __NR_ptrace, 0, &data), KACT_ALLOW);
        /* Gated on CAP_SYS_BOOT. */
        assert_int_equal(kernel_decide(root, __NR_reboot, 0, &data), KACT_ALLOW);
        assert_int_equal(kernel_decide(none, __NR_reboot, 0, &data), KACT_ERRNO);
        assert_int_equal(kernel_decide(none, __NR_getppid, 0, &data), KACT_ALLOW);

        policy_free(root);
        policy_free(none);
}

static void test_podman_default_loads_with_its_caps_gated_entries(void **state)
{
        struct policy *root = load_file_ok(PODMAN_DEFAULT, &root_env);
        struct policy *none = load_file_ok(PODMAN_DEFAULT, &no_caps_env);
        uint32_t data;

        /* Counted by hand: Podman pairs each caps-gated allow with an
         * errno entry for when the capability is missing. */
        assert_int_equal(root->n_entries, 19);
        assert_int_equal(none->n_entries, 22);
        assert_int_equal(root->n_warnings, 0);
        /* defaultErrnoRet 38 and defaultErrno "ENOSYS" agree. */
        assert_int_equal(root->default_action, KACT_ERRNO);
        assert_int_equal(root->default_ret_data, ENOSYS);
        assert_int_equal(root->n_arches, 2);

        assert_int_equal(kernel_decide(root, __NR_chroot, 0, &data), KACT_ALLOW);
        assert_int_equal(kernel_decide(none, __NR_chroot, 0, &data), KACT_ERRNO);
        assert_int_equal(data, EPERM);
        /* An unknown call gets ENOSYS, so programs fall back gracefully. */
        assert_int_equal(kernel_decide(root, 1000, 0, &data), KACT_ERRNO);
        assert_int_equal(data, ENOSYS);

        policy_free(root);
        policy_free(none);
}

static void test_built_in_default_profile_loads_without_warnings(void **state)
{
        struct policy *p = NULL;
        struct policy_error err;
        int r = policy_load_buffer(policy_default_profile, strlen(policy_default_profile),
                                   "<built-in default>", &root_env, &p, &err);

        if (r < 0)
                fail_msg("%s", err.message);
        assert_non_null(p);
        assert_int_equal(p->n_warnings, 0);
        /* Nothing walks around its address rules: every call that names a
         * peer is notified, io_uring refused (profile_walkaround.c). */
        for (size_t i = 0; i < p->n_walkarounds; i++)
                print_message("%s\n", p->walkarounds[i]);
        assert_int_equal(p->n_walkarounds, 0);
        assert_true(p->n_entries > 0);
        policy_free(p);
}

/* Every profile under tests/profiles/good loads without a warning. */
static void test_good_profiles_load_without_warnings(void **state)
{
        const char *dir_path = SOURCE_DIR "/tests/profiles/good";
        DIR *dir = opendir(dir_path);
        struct dirent *d;
        size_t loaded = 0;

        assert_non_null(dir);
        while ((d = readdir(dir))) {
                size_t len = strlen(d->d_name);
                char path[PATH_MAX];
                if (len < 5 || strcmp(d->d_name + len - 5, ".json") != 0)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir_path, d->d_name);
                struct policy *p = load_file_ok(path, &root_env);
                for (size_t i = 0; i < p->n_warnings; i++)
                        print_message("%s\n", p->warnings[i]);
                assert_int_equal(p->n_warnings, 0);
                policy_free(p);
                loaded++;
        }
        closedir(dir);
        assert_true(loaded >= 2);
}

/* ${HOME} and ${CWD} at the start of a path glob: what the environment
 * says, its wildcard characters escaped; nowhere else, and refused where
 * the environment does not know them (the daemon). */
static void test_path_glob_expands_home_and_cwd(void **state)
{
        (void)state;
        struct policy_env env = root_env;
        env.home = "/home/a*b/";
        env.cwd = "/src/proj";
        struct policy *p = load_ok_env(
            "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['openat'], "
            "'action': 'SCMP_ACT_NOTIFY'}], 'supervisor': {'rules': [{'syscalls': ['openat'], "
            "'path': ['${HOME}/.ssh/**', '${HOME}', '${CWD}/**'], "
            "'action': 'deny'}]}}",
            &env);
        assert_string_equal(p->rules[0].path_globs[0], "/home/a\\*b/.ssh/**");
        assert_string_equal(p->rules[0].path_globs[1], "/home/a\\*b");
        assert_false(p->rules[0].path_is_literal[1]);
        assert_string_equal(p->rules[0].path_globs[2], "/src/proj/**");
        policy_free(p);
}

static void test_path_glob_variables_refused_where_unknown_or_misplaced(void **state)
{
        (void)state;
        struct policy_env root_home = root_env;
        root_home.home = "/";
        root_home.cwd = "/w";
        struct policy *p = load_ok_env(
            "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['openat'], "
            "'action': 'SCMP_ACT_NOTIFY'}], 'supervisor': {'rules': [{'syscalls': ['openat'], "
            "'path': ['${HOME}/x', '${HOME}'], 'action': 'deny'}]}}",
            &root_home);
        assert_string_equal(p->rules[0].path_globs[0], "/x");
        assert_string_equal(p->rules[0].path_globs[1], "/");
        policy_free(p);

        assert_refused("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['openat'], "
                       "'action': 'SCMP_ACT_NOTIFY'}], 'supervisor': {'rules': [{'syscalls': "
                       "['openat'], 'path': ['${HOME}/.ssh/**'], 'action': 'deny'}]}}",
                       "p.json:1:162: supervisor.rules[0].path[0]: ${HOME} (the invoking user's "
                       "home) is not known here: HOME is unset or not absolute, or this is the "
                       "daemon, which serves many users and expands neither");
        assert_refused_env(
            "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
            "['openat'], 'action': 'SCMP_ACT_NOTIFY'}], 'supervisor': {'rules': "
            "[{'syscalls': ['openat'], 'path': '/x/${HOME}/y', 'action': 'deny'}]}}",
            &root_home,
            "p.json:1:161: supervisor.rules[0].path: bad path glob \"/x/${HOME}/y\": "
            "only a leading ${HOME} or ${CWD}, followed by '/' or nothing, is "
            "expanded");
        assert_refused_env("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                           "['openat'], 'action': 'SCMP_ACT_NOTIFY'}], 'supervisor': {'rules': "
                           "[{'syscalls': ['openat'], 'path': ['${HOME}x'], 'action': 'deny'}]}}",
                           &root_home,
                           "p.json:1:162: supervisor.rules[0].path[0]: bad path glob \"${HOME}x\": "
                           "only a leading ${HOME} or ${CWD}, followed by '/' or nothing, is "
                           "expanded");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_default_action_accepts_every_action_name),
            cmocka_unit_test(test_kernel_action_names_print_without_the_kill_alias),
            cmocka_unit_test(test_default_action_unknown_suggests_the_nearest),
            cmocka_unit_test(test_default_action_missing_is_an_error),
            cmocka_unit_test(test_profile_must_be_an_object),
            cmocka_unit_test(test_default_errno_ret_sets_the_default_errno),
            cmocka_unit_test(test_default_errno_ret_with_another_action_is_an_error),
            cmocka_unit_test(test_default_errno_ret_out_of_range_is_an_error),
            cmocka_unit_test(test_podman_default_errno_takes_names_and_numbers),
            cmocka_unit_test(test_default_errno_unknown_name_suggests_the_nearest),
            cmocka_unit_test(test_architectures_keep_those_this_machine_runs),
            cmocka_unit_test(test_arch_map_takes_the_native_entry_subarchitectures),
            cmocka_unit_test(test_architectures_and_arch_map_together_are_an_error),
            cmocka_unit_test(test_unknown_architecture_suggests_the_nearest),
            cmocka_unit_test(test_flags_accept_all_four_names),
            cmocka_unit_test(test_unknown_flag_is_an_error),
            cmocka_unit_test(test_listener_path_and_metadata_are_kept),
            cmocka_unit_test(test_names_resolve_to_native_numbers),
            cmocka_unit_test(test_name_alone_is_accepted),
            cmocka_unit_test(test_name_and_names_together_are_an_error),
            cmocka_unit_test(test_entry_without_names_is_an_error),
            cmocka_unit_test(test_malformed_syscall_lists_are_errors),
            cmocka_unit_test(test_entry_action_accepts_every_action_name),
            cmocka_unit_test(test_errno_ret_sets_the_entry_errno),
            cmocka_unit_test(test_errno_ret_with_another_action_is_an_error),
            cmocka_unit_test(test_errno_ret_out_of_range_is_an_error),
            cmocka_unit_test(test_args_accept_all_seven_operators),
            cmocka_unit_test(test_args_value_two_is_kept),
            cmocka_unit_test(test_arg_index_above_five_is_an_error),
            cmocka_unit_test(test_arg_negative_value_is_an_error),
            cmocka_unit_test(test_arg_values_above_2_53_are_kept_exactly),
            cmocka_unit_test(test_arg_non_integers_are_rejected),
            cmocka_unit_test(test_arg_value_wider_than_64_bits_is_rejected),
            cmocka_unit_test(test_arg_unknown_operator_suggests_the_nearest),
            cmocka_unit_test(test_arg_missing_fields_are_errors),
            cmocka_unit_test(test_args_null_or_empty_mean_no_conditions),
            cmocka_unit_test(test_several_conditions_on_one_index_are_alternatives),
            cmocka_unit_test(test_comment_is_accepted_and_must_be_a_string),
            cmocka_unit_test(test_includes_caps_need_every_capability),
            cmocka_unit_test(test_excludes_caps_drop_the_entry_if_any_is_held),
            cmocka_unit_test(test_includes_and_excludes_arches_use_go_names),
            cmocka_unit_test(test_includes_and_excludes_min_kernel_compare_with_the_running_kernel),
            cmocka_unit_test(test_includes_and_excludes_combine),
            cmocka_unit_test(test_dropped_entries_keep_source_indexes_of_the_others),
            cmocka_unit_test(test_unknown_capability_is_an_error),
            cmocka_unit_test(test_malformed_includes_and_excludes_are_errors),
            cmocka_unit_test(test_syscall_names_unknown_here_are_skipped_not_errors),
            cmocka_unit_test(test_groups_expand_in_names),
            cmocka_unit_test(test_unknown_group_is_an_error),
            cmocka_unit_test(test_unknown_fields_are_warnings_not_errors),
            cmocka_unit_test(test_unknown_supervisor_fields_are_refused),
            cmocka_unit_test(test_oci_config_uses_its_linux_seccomp),
            cmocka_unit_test(test_oci_config_errors_show_paths_from_the_seccomp_object),
            cmocka_unit_test(test_oci_config_without_seccomp_is_an_error),
            cmocka_unit_test(test_json_syntax_errors_give_line_and_column),
            cmocka_unit_test(test_trailing_text_after_the_profile_is_an_error),
            cmocka_unit_test(test_nul_bytes_are_refused),
            cmocka_unit_test(test_empty_text_is_refused),
            cmocka_unit_test(test_deep_nesting_is_refused_without_crashing),
            cmocka_unit_test(test_load_file_reads_a_profile_and_names_it_by_path),
            cmocka_unit_test(test_empty_file_is_refused),
            cmocka_unit_test(test_huge_file_is_refused_naming_the_limit),
            cmocka_unit_test(test_directory_is_refused),
            cmocka_unit_test(test_missing_file_message_names_the_file),
            cmocka_unit_test(test_supervisor_defaults_when_absent),
            cmocka_unit_test(test_supervisor_default_action_and_errno),
            cmocka_unit_test(test_parse_verdict_knows_the_five_names),
            cmocka_unit_test(test_prompt_timeout_is_seconds),
            cmocka_unit_test(test_prompt_timeout_zero_negative_or_too_large_is_an_error),
            cmocka_unit_test(test_supervisor_must_be_an_object_with_a_rule_array),
            cmocka_unit_test(test_rule_fields_are_kept),
            cmocka_unit_test(test_rule_syscalls_errors),
            cmocka_unit_test(test_rule_args_are_kept),
            cmocka_unit_test(test_rule_two_conditions_on_one_index_is_an_error),
            cmocka_unit_test(test_rule_path_is_a_string_or_an_array),
            cmocka_unit_test(test_rule_bad_path_glob_is_an_error_with_the_reason),
            cmocka_unit_test(test_rule_address_family_names),
            cmocka_unit_test(test_rule_address_cidr_and_port),
            cmocka_unit_test(test_rule_address_unix_glob),
            cmocka_unit_test(test_rule_address_unix_with_inet_family_is_an_error),
            cmocka_unit_test(test_rule_address_bad_unix_glob_is_an_error),
            cmocka_unit_test(test_rule_path_on_a_named_call_without_paths_is_an_error),
            cmocka_unit_test(test_rule_path_on_a_group_with_calls_without_paths_is_accepted),
            cmocka_unit_test(test_rule_exe),
            cmocka_unit_test(test_rule_uid),
            cmocka_unit_test(test_rule_ids),
            cmocka_unit_test(test_rule_open),
            cmocka_unit_test(test_rule_open_names_round_trip),
            cmocka_unit_test(test_rule_open_refuses_what_it_cannot_mean),
            cmocka_unit_test(test_rule_open_is_for_open_calls_only),
            cmocka_unit_test(test_rule_needs_combine),
            cmocka_unit_test(test_rule_unknown_action_suggests_the_nearest),
            cmocka_unit_test(test_rule_errno_with_allow_is_an_error),
            cmocka_unit_test(test_rule_errno_names_and_numbers),
            cmocka_unit_test(test_rule_unknown_errno_suggests_the_nearest),
            cmocka_unit_test(test_error_names_file_line_column_and_path),
            cmocka_unit_test(test_missing_field_points_at_the_object_that_lacks_it),
            cmocka_unit_test(test_allow_then_notify_of_one_call_is_refused),
            cmocka_unit_test(test_a_group_in_an_earlier_allow_entry_names_itself_in_the_message),
            cmocka_unit_test(test_notify_first_then_a_broader_allow_is_valid),
            cmocka_unit_test(test_a_later_refusing_entry_is_refused_even_through_a_group),
            cmocka_unit_test(test_an_entry_without_conditions_after_a_conditional_one_is_refused),
            cmocka_unit_test(test_an_entry_with_the_default_action_is_left_out_and_refused),
            cmocka_unit_test(test_same_conditions_with_two_actions_are_refused),
            cmocka_unit_test(test_conditional_entries_adding_cases_are_valid),
            cmocka_unit_test(test_overlaps_are_judged_with_includes_and_excludes_applied),
            cmocka_unit_test(test_a_rule_on_calls_never_notified_is_counted_as_dead),
            cmocka_unit_test(test_docker_default_loads_with_its_caps_gated_entries),
            cmocka_unit_test(test_podman_default_loads_with_its_caps_gated_entries),
            cmocka_unit_test(test_built_in_default_profile_loads_without_warnings),
            cmocka_unit_test(test_good_profiles_load_without_warnings),
            cmocka_unit_test(test_path_glob_expands_home_and_cwd),
            cmocka_unit_test(test_path_glob_variables_refused_where_unknown_or_misplaced),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
