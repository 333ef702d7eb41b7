/* SPDX-License-Identifier: MIT */
/*
 * The ways around path and address rules (policy/profile_walkaround.c):
 * sibling calls the kernel filter lets through without notifying, and
 * calls that reach files or peers by no path or address a rule could see,
 * one warning per rule and kind of gap.
 *
 * Profiles are written with single quotes, turned into JSON by load().
 */
#include <errno.h>
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

/* Every capability, as root has them: Docker's open_by_handle_at entry
 * needs CAP_DAC_READ_SEARCH. */
static const struct policy_env env = {.caps_bounding = (UINT64_C(1) << 41) - 1,
                                      .kernel_major = 6,
                                      .kernel_minor = 18,
                                      .go_arch = "amd64"};

static struct policy *load(const char *text)
{
        char *doc = strdup(text);
        struct policy *p = NULL;
        struct policy_error err;

        assert_non_null(doc);
        for (char *c = doc; *c; c++)
                if (*c == '\'')
                        *c = '"';
        if (policy_load_buffer(doc, strlen(doc), "p.json", &env, &p, &err) < 0)
                fail_msg("%s", err.message);
        free(doc);
        return p;
}

/* Calls with no path, refused; with the default ERRNO, so that each row
 * lets through only what it names. */
#define REFUSE_NO_PATH                                                                             \
        "{'names': ['io_uring_setup', 'open_by_handle_at'], 'action': 'SCMP_ACT_ERRNO'}"
#define REFUSE_NO_PATH_ENOSYS                                                                      \
        "{'names': ['io_uring_setup', 'open_by_handle_at'], 'action': 'SCMP_ACT_ERRNO', "          \
        "'errnoRet': 38}"
/* A profile refusing what it does not name, with these entries and rules. */
#define PROFILE(entries, supervisor_default, rules)                                                \
        "{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': [" entries "], 'supervisor': "            \
        "{'defaultAction': '" supervisor_default "', 'rules': [" rules "]}}"
#define NOTIFY(names)      "{'names': [" names "], 'action': 'SCMP_ACT_NOTIFY'}"
#define ALLOW(names)       "{'names': [" names "], 'action': 'SCMP_ACT_ALLOW'}"
#define DENY_OPENAT_SECRET "{'syscalls': ['openat'], 'path': '/secret/**', 'action': 'deny'}"
/* The calls that name a peer, and io_uring refused as a kernel without it
 * would. */
#define PEER_CALLS "'connect', 'sendto', 'sendmsg', 'sendmmsg'"
/* The same but one, for rows whose own entry decides that one with
 * conditions: an entry naming it without conditions after them would
 * replace them in the kernel filter, which the loader refuses. */
#define NOT_SENDTO  "'connect', 'sendmsg', 'sendmmsg'"
#define NOT_SENDMSG "'connect', 'sendto', 'sendmmsg'"
#define REFUSE_IO_URING                                                                            \
        "{'names': ['io_uring_setup', 'io_uring_enter', 'io_uring_register'], 'action': "          \
        "'SCMP_ACT_ERRNO', 'errnoRet': 38}"
#define DENY_CONNECT_NET                                                                           \
        "{'syscalls': ['connect'], 'address': {'cidr': '10.0.0.0/8'}, 'action': 'deny'}"
/* sendto allowed in the kernel when it names no peer (dest_addr NULL),
 * notified when it does. */
#define SENDTO_NO_PEER_ALLOWED                                                                     \
        "{'names': ['sendto'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 4, 'value': 0, "     \
        "'op': 'SCMP_CMP_EQ'}]},"                                                                  \
        "{'names': ['sendto'], 'action': 'SCMP_ACT_NOTIFY', 'args': [{'index': 4, 'value': 0, "    \
        "'op': 'SCMP_CMP_NE'}]}"

/* The walk-arounds, in order: each holds every one of its substrings. */
struct expected {
        const char *has[3];
};

/* The profile is refused with a message holding what. */
static void assert_load_fails(const char *text, const char *what)
{
        char *doc = strdup(text);
        struct policy *p = NULL;
        struct policy_error err;

        assert_non_null(doc);
        for (char *c = doc; *c; c++)
                if (*c == '\'')
                        *c = '"';
        assert_int_equal(policy_load_buffer(doc, strlen(doc), "p.json", &env, &p, &err), -EINVAL);
        assert_null(p);
        if (!strstr(err.message, what))
                fail_msg("\"%s\" not in: %s", what, err.message);
        free(doc);
}

static void assert_walkarounds(const char *what, const struct policy *p, size_t n,
                               const struct expected *expected)
{
        if (p->n_walkarounds != n) {
                for (size_t i = 0; i < p->n_walkarounds; i++)
                        print_message("%s\n", p->walkarounds[i]);
                fail_msg("%s: %zu walk-arounds, expected %zu", what, p->n_walkarounds, n);
        }
        for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < 3 && expected[i].has[k]; k++)
                        if (!strstr(p->walkarounds[i], expected[i].has[k]))
                                fail_msg("%s: walk-around %zu lacks \"%s\": %s", what, i,
                                         expected[i].has[k], p->walkarounds[i]);
}

static void test_walkarounds_table(void **state)
{
        (void)state;
        static const struct {
                const char *what;
                const char *profile;
                size_t n;
                struct expected expected[4];
        } rows[] = {
            {"sends allowed beside a deny rule on connect",
             PROFILE(NOTIFY("'connect'") "," ALLOW(
                         "'sendto', 'sendmsg', 'sendmmsg'") "," REFUSE_IO_URING,
                     "allow", DENY_CONNECT_NET),
             1,
             {{{"supervisor.rules[0]: this deny rule can be walked around: the kernel filter lets "
                "sendto, sendmsg and sendmmsg through without notifying, and each of them names a "
                "peer",
                "move sendto, sendmsg and sendmmsg to the SCMP_ACT_NOTIFY entry and to this rule's "
                "syscalls",
                "(sendto may stay allowed where its argument 4, dest_addr, is 0"}}}},
            {"the calls naming a peer notified and named",
             PROFILE(NOTIFY(PEER_CALLS) "," REFUSE_IO_URING, "allow",
                     "{'syscalls': [" PEER_CALLS "], 'address': {'cidr': '10.0.0.0/8'}, 'action': "
                     "'deny'}"),
             0,
             {{{NULL}}}},
            {"sendto allowed only without an address",
             PROFILE(SENDTO_NO_PEER_ALLOWED "," NOTIFY(NOT_SENDTO) "," REFUSE_IO_URING, "allow",
                     "{'syscalls': [" PEER_CALLS "], 'address': {'cidr': '10.0.0.0/8'}, 'action': "
                     "'deny'}"),
             0,
             {{{NULL}}}},
            {"sendto allowed without an address and with other conditions",
             PROFILE("{'names': ['sendto'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 3, "
                     "'value': 64, 'op': 'SCMP_CMP_EQ'}, {'index': 4, 'value': 0, 'op': "
                     "'SCMP_CMP_EQ'}]}," NOTIFY(NOT_SENDTO) "," REFUSE_IO_URING,
                     "allow", DENY_CONNECT_NET),
             0,
             {{{NULL}}}},
            {"sendto allowed without an address or with one",
             PROFILE("{'names': ['sendto'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 4, "
                     "'value': 0, 'op': 'SCMP_CMP_EQ'}, {'index': 4, 'value': 4096, 'op': "
                     "'SCMP_CMP_EQ'}]}," NOTIFY(NOT_SENDTO) "," REFUSE_IO_URING,
                     "allow", DENY_CONNECT_NET),
             1,
             {{{"the kernel filter lets sendto (for some arguments) through",
                "move sendto to the SCMP_ACT_NOTIFY entry and to this rule's syscalls"}}}},
            {"sendto allowed when its address length is 0 names a peer all the same",
             PROFILE("{'names': ['sendto'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 5, "
                     "'value': 0, 'op': 'SCMP_CMP_EQ'}]}," NOTIFY(NOT_SENDTO) "," REFUSE_IO_URING,
                     "allow", DENY_CONNECT_NET),
             1,
             {{{"lets sendto (for some arguments) through"}}}},
            {"a condition on dest_addr counts for sendto alone",
             PROFILE("{'names': ['sendmsg'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 4, "
                     "'value': 0, 'op': 'SCMP_CMP_EQ'}]}," NOTIFY(NOT_SENDMSG) "," REFUSE_IO_URING,
                     "allow", DENY_CONNECT_NET),
             1,
             {{{"lets sendmsg (for some arguments) through"}}}},
            {"a rule on sendto is walked around by connect",
             PROFILE(NOTIFY("'sendto', 'sendmsg', 'sendmmsg'") "," ALLOW(
                         "'connect'") "," REFUSE_IO_URING,
                     "allow",
                     "{'syscalls': ['sendto', 'sendmsg', 'sendmmsg'], 'address': {'family': "
                     "'inet6'}, 'action': 'kill', 'comment': 'no IPv6'}"),
             1,
             {{{"this kill rule (\"no IPv6\") can be walked around: the kernel filter lets "
                "connect through",
                "move connect to the SCMP_ACT_NOTIFY entry and to this rule's syscalls"}}}},
            {"bind has no sibling",
             PROFILE(NOTIFY("'bind'") "," ALLOW(PEER_CALLS) "," REFUSE_IO_URING, "allow",
                     "{'syscalls': ['bind'], 'address': {'port': 22}, 'action': 'deny'}"),
             0,
             {{{NULL}}}},
            {"io_uring_setup allowed beside an address rule",
             PROFILE(NOTIFY(PEER_CALLS) "," ALLOW("'io_uring_setup'"), "allow",
                     "{'syscalls': [" PEER_CALLS "], 'address': {'cidr': '10.0.0.0/8'}, 'action': "
                     "'prompt'}"),
             1,
             {{{"this prompt rule can be walked around: io_uring_setup connects, binds and sends "
                "to addresses no rule sees, and the profile lets it through",
                "refuse io_uring_setup with SCMP_ACT_ERRNO and errnoRet 38 (ENOSYS"}}}},
            {"an address rule is not walked around by open_by_handle_at",
             PROFILE(NOTIFY("'bind'") "," ALLOW("'open_by_handle_at'") "," REFUSE_IO_URING, "allow",
                     "{'syscalls': ['bind'], 'address': {'port': 22}, 'action': 'deny'}"),
             0,
             {{{NULL}}}},
            {"an allow address rule under a refusing default",
             PROFILE(NOTIFY("'connect', 'bind'") "," ALLOW("'sendto', 'io_uring_setup'"), "deny",
                     "{'syscalls': ['connect'], 'address': {'family': 'unix'}, 'action': 'allow'}"),
             2,
             {{{"supervisor.defaultAction deny, which refuses what this allow rule does not, can "
                "be walked around: the kernel filter lets sendto through",
                "move sendto to the SCMP_ACT_NOTIFY entry (sendto may stay"}},
              {{"supervisor.defaultAction deny", "io_uring_setup connects, binds and sends"}}}},
            {"allow address rules under an allowing default",
             PROFILE(NOTIFY("'connect'") "," ALLOW("'sendto', 'io_uring_setup'"), "allow",
                     "{'syscalls': ['connect'], 'address': {'family': 'unix'}, 'action': 'allow'},"
                     "{'syscalls': ['connect'], 'address': {'family': 'inet'}, 'action': 'log'}"),
             0,
             {{{NULL}}}},
            {"an address rule without syscalls covers the notified calls that name a peer",
             PROFILE(NOTIFY("'connect'") "," ALLOW("'sendmsg', 'bind'") "," REFUSE_IO_URING,
                     "allow", "{'address': {'cidr': '192.0.2.0/24'}, 'action': 'deny'}"),
             1,
             {{{"this deny rule can be walked around: the kernel filter lets sendmsg through",
                "move sendmsg to the SCMP_ACT_NOTIFY entry"}}}},
            {"a rule with a path and an address gets both reviews",
             PROFILE(NOTIFY("'openat', 'connect'") "," ALLOW("'open', 'sendto'"), "allow",
                     "{'path': '/run/**', 'address': {'family': 'unix'}, 'action': 'deny'}"),
             2,
             {{{"lets open through"}},
              {{"lets sendto through without notifying, and it names a peer"}}}},
            {"the same with io_uring_setup allowed",
             PROFILE(NOTIFY("'openat', 'connect'") "," ALLOW("'io_uring_setup'"), "allow",
                     "{'path': '/run/**', 'address': {'family': 'unix'}, 'action': 'deny'}"),
             2,
             {{{"io_uring_setup reaches files by no path"}},
              {{"io_uring_setup connects, binds and sends"}}}},
            {"open allowed beside a rule on openat",
             PROFILE(NOTIFY("'openat'") "," ALLOW("'open'") "," REFUSE_NO_PATH, "allow",
                     DENY_OPENAT_SECRET),
             1,
             {{{"supervisor.rules[0]: this deny rule can be walked around: the kernel filter lets "
                "open through",
                "move open to the SCMP_ACT_NOTIFY entry and to this rule's syscalls"}}}},
            {"the four opens notified and named",
             PROFILE(NOTIFY("'open', 'openat', 'openat2', 'creat'") "," REFUSE_NO_PATH, "allow",
                     "{'syscalls': ['open', 'openat', 'openat2', 'creat'], 'path': '/secret/**', "
                     "'action': 'deny'}"),
             0,
             {{{NULL}}}},
            {"open_by_handle_at allowed",
             PROFILE(NOTIFY("'openat'") "," ALLOW("'open_by_handle_at'"), "allow",
                     DENY_OPENAT_SECRET),
             1,
             {{{"this deny rule can be walked around: open_by_handle_at reaches files by no path",
                "refuse open_by_handle_at with SCMP_ACT_ERRNO"}}}},
            {"io_uring_setup allowed",
             PROFILE(NOTIFY("'openat'") "," ALLOW("'io_uring_setup'"), "allow", DENY_OPENAT_SECRET),
             1,
             {{{"io_uring_setup reaches files by no path, and the profile lets it through",
                "refuse io_uring_setup with SCMP_ACT_ERRNO"}}}},
            {"siblings refused with ERRNO, KILL and TRAP under a default ALLOW",
             "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [" NOTIFY(
                 "'openat'") ","
                             "{'names': ['open', 'io_uring_setup', 'open_by_handle_at'], 'action': "
                             "'SCMP_ACT_ERRNO'},"
                             "{'names': ['openat2'], 'action': 'SCMP_ACT_KILL_PROCESS'},"
                             "{'names': ['creat'], 'action': 'SCMP_ACT_TRAP'},"
                             "{'names': ['truncate'], 'action': 'SCMP_ACT_KILL'}],"
                             " 'supervisor': {'defaultAction': 'allow', 'rules': "
                             "[" DENY_OPENAT_SECRET "]}}",
             0,
             {{{NULL}}}},
            {"open allowed for some arguments",
             PROFILE("{'names': ['open'], 'action': 'SCMP_ACT_ALLOW', 'args': [{'index': 1, "
                     "'value': 0, 'op': 'SCMP_CMP_EQ'}]}," NOTIFY("'openat'") "," REFUSE_NO_PATH,
                     "allow",
                     "{'syscalls': ['open', 'openat'], 'path': '/secret/**', 'action': 'deny'}"),
             1,
             {{{"lets open (for some arguments) through",
                "move open to the SCMP_ACT_NOTIFY entry"}}}},
            {"LOG and TRACE let calls through too",
             PROFILE(NOTIFY("'openat'") ",{'names': ['open'], 'action': 'SCMP_ACT_LOG'},"
                                        "{'names': ['creat'], 'action': 'SCMP_ACT_TRACE'},"
                                        "{'names': ['openat2'], 'action': 'SCMP_ACT_ALLOW', "
                                        "'args': [{'index': 3, 'value': 24, 'op': "
                                        "'SCMP_CMP_EQ'}]}," REFUSE_NO_PATH,
                     "allow", DENY_OPENAT_SECRET),
             1,
             {{{"lets open, openat2 (for some arguments) and creat through"}}}},
            {"a rule naming some siblings is told which to add",
             PROFILE(NOTIFY("'openat'") "," ALLOW("'open', 'creat'") "," REFUSE_NO_PATH, "prompt",
                     "{'syscalls': ['open', 'openat'], 'path': '/secret/**', 'action': 'kill', "
                     "'comment': 'no secrets'}"),
             1,
             {{{"this kill rule (\"no secrets\") can be walked around: the kernel filter lets open "
                "and creat through",
                "move open and creat to the SCMP_ACT_NOTIFY entry, and creat to this rule's "
                "syscalls"}}}},
            {"a rule without syscalls covers every notified family",
             PROFILE(NOTIFY("'mkdir', 'unlink'") "," ALLOW(
                         "'mkdirat', 'rmdir', 'open', 'io_uring_setup'"),
                     "allow", "{'path': '/secret/**', 'action': 'prompt'}"),
             2,
             {{{"this prompt rule can be walked around: the kernel filter lets mkdirat and rmdir "
                "through",
                "move mkdirat and rmdir to the SCMP_ACT_NOTIFY entry"}},
              {{"this prompt rule can be walked around: io_uring_setup reaches files by no "
                "path"}}}},
            {"an allow rule under a refusing default",
             PROFILE(NOTIFY("'mkdirat'") "," ALLOW("'mkdir'") "," REFUSE_NO_PATH, "deny",
                     "{'syscalls': ['mkdirat'], 'path': '/tmp/**', 'action': 'allow'}"),
             1,
             {{{"supervisor.defaultAction deny, which refuses what this allow rule does not, can "
                "be walked around: the kernel filter lets mkdir through",
                "move mkdir to the SCMP_ACT_NOTIFY entry"}}}},
            {"allow and log rules under an allowing default",
             PROFILE(NOTIFY("'mkdirat'") "," ALLOW("'mkdir', 'io_uring_setup'"), "allow",
                     "{'syscalls': ['mkdirat'], 'path': '/tmp/**', 'action': 'allow'},"
                     "{'syscalls': ['mkdirat'], 'path': '/var/**', 'action': 'log'}"),
             0,
             {{{NULL}}}},
            {"a deny rule without a path",
             PROFILE(NOTIFY("'mkdirat'") "," ALLOW("'mkdir', 'io_uring_setup'"), "allow",
                     "{'syscalls': ['mkdirat'], 'action': 'deny'}"),
             0,
             {{{NULL}}}},
            {"io_uring_setup notified to a supervisor that refuses it",
             PROFILE(NOTIFY("'openat', 'io_uring_setup', 'open_by_handle_at'"), "deny",
                     DENY_OPENAT_SECRET
                     ",{'syscalls': ['openat'], 'path': '/tmp/**', 'action': 'allow'}"),
             0,
             {{{NULL}}}},
            {"io_uring_setup notified to a supervisor that allows it",
             PROFILE(NOTIFY("'openat', 'io_uring_setup'"), "deny",
                     DENY_OPENAT_SECRET ",{'syscalls': ['io_uring_setup'], 'action': 'allow'}"),
             1,
             {{{"io_uring_setup reaches files by no path"}}}},
            {"every rule gets its own warnings",
             PROFILE(NOTIFY("'openat', 'unlinkat'") "," ALLOW("'open', 'unlink'"), "allow",
                     DENY_OPENAT_SECRET
                     ",{'syscalls': ['unlinkat'], 'path': '/secret/**', 'action': 'deny'}"),
             2,
             {{{"supervisor.rules[0]", "lets open through"}},
              {{"supervisor.rules[1]", "lets unlink through"}}}},
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                struct policy *p = load(rows[i].profile);
                assert_walkarounds(rows[i].what, p, rows[i].n, rows[i].expected);
                policy_free(p);
        }
}

/* The whole line: file, line and column of the rule, the rule, the calls
 * and the fix. */
static void test_walkaround_names_the_place_and_the_fix(void **state)
{
        (void)state;
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ALLOW',\n"
                 " 'syscalls': [{'names': ['openat'], 'action': 'SCMP_ACT_NOTIFY'}],\n"
                 " 'supervisor': {'rules': [\n"
                 "  {'comment': 'no secrets', 'syscalls': ['openat'], 'path': '/secret/**',"
                 " 'action': 'deny'}]}}");

        assert_int_equal(p->n_walkarounds, 2);
        assert_string_equal(
            p->walkarounds[0],
            "p.json:4:3: supervisor.rules[0]: this deny rule (\"no secrets\") can be walked "
            "around: the kernel filter lets open, openat2, creat and truncate through without "
            "notifying; add open, openat2, creat and truncate to the SCMP_ACT_NOTIFY entry and "
            "to this rule's syscalls");
        assert_string_equal(p->walkarounds[1],
                            "p.json:4:3: supervisor.rules[0]: this deny rule (\"no secrets\") can "
                            "be walked around: io_uring_setup and open_by_handle_at reach files "
                            "by no path, and the profile lets them through; refuse "
                            "io_uring_setup and open_by_handle_at with SCMP_ACT_ERRNO");
        /* They are not the profile's other warnings. */
        assert_int_equal(p->n_warnings, 0);
        policy_free(p);
}

/* The same for an address rule. */
static void test_address_walkaround_names_the_place_and_the_fix(void **state)
{
        (void)state;
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ALLOW',\n"
                 " 'syscalls': [{'names': ['connect'], 'action': 'SCMP_ACT_NOTIFY'}],\n"
                 " 'supervisor': {'rules': [\n"
                 "  {'comment': 'no LAN', 'syscalls': ['connect'], 'address': {'cidr': "
                 "'192.168.0.0/16'}, 'action': 'deny'}]}}");

        assert_int_equal(p->n_walkarounds, 2);
        assert_string_equal(
            p->walkarounds[0],
            "p.json:4:3: supervisor.rules[0]: this deny rule (\"no LAN\") can be walked around: "
            "the kernel filter lets sendto, sendmsg and sendmmsg through without notifying, and "
            "each of them names a peer (a UDP datagram, a TCP Fast Open connect); add sendto, "
            "sendmsg and sendmmsg to the SCMP_ACT_NOTIFY entry and to this rule's syscalls (sendto "
            "may stay allowed where its argument 4, dest_addr, is 0: such a send names no peer)");
        assert_string_equal(
            p->walkarounds[1],
            "p.json:4:3: supervisor.rules[0]: this deny rule (\"no LAN\") can be walked around: "
            "io_uring_setup connects, binds and sends to addresses no rule sees, and the profile "
            "lets it through; refuse io_uring_setup with SCMP_ACT_ERRNO and errnoRet 38 (ENOSYS, "
            "as a kernel without io_uring answers: libraries then fall back to ordinary calls)");
        assert_int_equal(p->n_warnings, 0);
        policy_free(p);
}

/*
 * The built-in profile, which routes every call that names a peer: connect,
 * bind, sendmsg and sendmmsg notified, sendto allowed in the kernel only
 * without an address, io_uring refused with ENOSYS, and allow rules for
 * addresses (and for no peer named) under a prompting default;
 * test_profile.c holds the real one to the same. Nothing walks around it; let
 * io_uring_setup through and it does.
 */
#define BUILT_IN_SHAPE(io_uring)                                                                   \
        "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1, 'syscalls': ["                  \
        "{'names': ['@basic-io', '@file-system', '@process', 'socket', 'recvfrom', 'recvmsg', "    \
        "'io_setup', 'io_submit'], 'action': 'SCMP_ACT_ALLOW'}," io_uring                          \
        "," SENDTO_NO_PEER_ALLOWED ","                                                             \
        "{'names': ['connect', 'bind', 'sendmsg', 'sendmmsg', '@mount', 'ptrace'], "               \
        "'action': 'SCMP_ACT_NOTIFY'}],"                                                           \
        "'supervisor': {'defaultAction': 'prompt', 'defaultErrno': 'EPERM', 'rules': ["            \
        "{'syscalls': [" PEER_CALLS ", 'bind'], 'address': {'family': 'unix'}, "                   \
        "'action': 'allow'},"                                                                      \
        "{'syscalls': [" PEER_CALLS ", 'bind'], 'address': {'cidr': '127.0.0.0/8'}, "              \
        "'action': 'allow'},"                                                                      \
        "{'syscalls': [" PEER_CALLS ", 'bind'], 'address': {'cidr': '::1/128'}, "                  \
        "'action': 'allow'},"                                                                      \
        "{'syscalls': [" PEER_CALLS "], 'address': {'family': 'none'}, 'action': 'allow'},"        \
        "{'syscalls': ['@mount'], 'action': 'deny', 'errno': 'EPERM'}]}}"

static void test_built_in_shape_is_not_walked_around(void **state)
{
        (void)state;
        struct policy *p = load(BUILT_IN_SHAPE(REFUSE_IO_URING));
        assert_walkarounds("the built-in shape", p, 0, NULL);
        policy_free(p);

        p = load(BUILT_IN_SHAPE(ALLOW("'io_uring_setup', 'io_uring_enter', 'io_uring_register'")));
        static const struct expected io_uring[] = {
            {{"supervisor.rules[0]: supervisor.defaultAction prompt, which refuses what this allow "
              "rule does not, can be walked around: io_uring_setup connects"}},
            {{"supervisor.rules[1]", "io_uring_setup connects"}},
            {{"supervisor.rules[2]", "io_uring_setup connects"}},
            {{"supervisor.rules[3]", "io_uring_setup connects"}},
        };
        assert_walkarounds("the built-in shape with io_uring allowed", p, 4, io_uring);
        policy_free(p);

        /* And one send allowed before the notify entry is refused outright:
         * the kernel filter keeps the first action (profile_index.c). */
        assert_load_fails(BUILT_IN_SHAPE(REFUSE_IO_URING "," ALLOW("'sendmmsg'")),
                          "sendmmsg is already decided by syscalls[2] (SCMP_ACT_ALLOW, no "
                          "conditions), which comes first");
}

/* Docker's default profile, with text put in at the front of its syscalls
 * and a supervisor section at its end. */
static struct policy *load_docker(const char *entries, const char *supervisor)
{
        FILE *f = fopen(DOCKER_DEFAULT, "r");
        char *text, *doc;
        struct policy *p = NULL;
        struct policy_error err;

        if (!f)
                return NULL;
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        long len = ftell(f);
        assert_true(len > 0);
        rewind(f);
        text = calloc(1, (size_t)len + 1);
        assert_non_null(text);
        assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
        fclose(f);

        char *syscalls = strstr(text, "\"syscalls\": [");
        char *end = strrchr(text, '}');
        assert_non_null(syscalls);
        assert_non_null(end);
        syscalls += strlen("\"syscalls\": [");
        assert_true(asprintf(&doc, "%.*s%s,%.*s, \"supervisor\": %s}", (int)(syscalls - text), text,
                             entries, (int)(end - syscalls), syscalls, supervisor) > 0);
        for (char *c = doc; *c; c++)
                if (*c == '\'')
                        *c = '"';
        if (policy_load_buffer(doc, strlen(doc), "docker.json", &env, &p, &err) < 0)
                fail_msg("%s", err.message);
        free(doc);
        free(text);
        return p;
}

static void test_docker_default_with_a_rule_on_openat(void **state)
{
        (void)state;
        static const char rule[] = "{'rules': [{'syscalls': ['openat'], 'path': '/secret/**', "
                                   "'action': 'deny'}]}";
        /* The first entry naming a call decides it: openat is notified. */
        struct policy *p = load_docker(NOTIFY("'openat'"), rule);
        if (!p)
                skip();
        /* Docker allows the other opens, truncate, and (with
         * CAP_DAC_READ_SEARCH) open_by_handle_at. */
        static const struct expected docker[] = {
            {{"lets open, openat2, creat and truncate through",
              "move open, openat2, creat and truncate to the SCMP_ACT_NOTIFY entry and to this "
              "rule's syscalls"}},
            {{"io_uring_setup and open_by_handle_at reach files by no path",
              "refuse io_uring_setup and open_by_handle_at with SCMP_ACT_ERRNO"}},
        };
        assert_walkarounds("Docker's default", p, 2, docker);
        policy_free(p);

        /* Notified together and named by the rule, the opens are closed;
         * refused, so are the calls with no path. */
        /* With ENOSYS, not Docker's default EPERM: an entry with the
         * default action is left out of the filter, and Docker's allow
         * entry would then decide io_uring_setup (profile_index.c). */
        p = load_docker(
            NOTIFY("'open', 'openat', 'openat2', 'creat', 'truncate'") "," REFUSE_NO_PATH_ENOSYS,
            "{'rules': [{'syscalls': ['open', 'openat', 'openat2', 'creat', "
            "'truncate'], 'path': '/secret/**', 'action': 'deny'}]}");
        assert_walkarounds("Docker's default, mended", p, 0, NULL);
        policy_free(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_walkarounds_table),
            cmocka_unit_test(test_walkaround_names_the_place_and_the_fix),
            cmocka_unit_test(test_address_walkaround_names_the_place_and_the_fix),
            cmocka_unit_test(test_built_in_shape_is_not_walked_around),
            cmocka_unit_test(test_docker_default_with_a_rule_on_openat),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
