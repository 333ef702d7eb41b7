/* SPDX-License-Identifier: MIT */
/*
 * Deciding calls: the supervisor's rules (first match wins, the default when
 * none does) and the profile's kernel-side entries evaluated in user space.
 *
 * Profiles are written with single quotes, turned into JSON by json().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cmocka.h>

#include "policy.h"

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

/* A profile whose supervisor section is {'defaultAction': 'deny', 'rules': [RULES]}. */
#define RULES(rules)                                                                               \
        "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'defaultAction': 'deny', "            \
        "'rules': [" rules "]}}"

static struct policy_call call_nr(int nr)
{
        return (struct policy_call){.nr = nr, .arch = 0xc000003e /* AUDIT_ARCH_X86_64 */};
}

static struct policy_call call_paths(int nr, const char *a, const char *b, unsigned n)
{
        struct policy_call c = call_nr(nr);

        c.have_paths = true;
        c.n_paths = n;
        c.paths[0] = a;
        c.paths[1] = b;
        return c;
}

static struct policy_call call_inet(int nr, const char *ip, uint16_t port)
{
        struct policy_call c = call_nr(nr);
        struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};

        assert_int_equal(inet_pton(AF_INET, ip, &in.sin_addr), 1);
        c.have_addr = true;
        memcpy(&c.addr, &in, sizeof(in));
        c.addr_len = sizeof(in);
        return c;
}

static struct policy_call call_inet6(int nr, const char *ip, uint16_t port)
{
        struct policy_call c = call_nr(nr);
        struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};

        assert_int_equal(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1);
        c.have_addr = true;
        memcpy(&c.addr, &in6, sizeof(in6));
        c.addr_len = sizeof(in6);
        return c;
}

static struct policy_call call_unix(int nr, const char *path)
{
        struct policy_call c = call_nr(nr);
        struct sockaddr_un un = {.sun_family = AF_UNIX};

        assert_true(strlen(path) < sizeof(un.sun_path));
        strcpy(un.sun_path, path);
        c.have_addr = true;
        memcpy(&c.addr, &un, sizeof(un));
        c.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
        /* The supervisor resolves the path as it does file paths; here it
         * is already absolute and normal. */
        c.unix_path = path;
        return c;
}

static struct policy_decision decide(const struct policy *p, const struct policy_call *c)
{
        struct policy_decision d;

        memset(&d, 0xa5, sizeof(d));
        policy_decide(p, c, &d);
        return d;
}

/* Asserts the decision came from rule number index (-1: the default). */
static void assert_decided(const struct policy *p, const struct policy_call *c,
                           enum policy_verdict verdict, int errno_value, int index)
{
        struct policy_decision d = decide(p, c);

        assert_int_equal(d.verdict, verdict);
        if (verdict == VERDICT_DENY)
                assert_int_equal(d.errno_value, errno_value);
        if (index < 0)
                assert_null(d.rule);
        else
                assert_ptr_equal(d.rule, &p->rules[index]);
}

#define DEFAULT -1

/* Order and the per-syscall index */

static void test_first_matching_rule_wins(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'path': '/etc/**', 'action': "
                                      "'deny', 'errno': 'EACCES'},"
                                      "{'syscalls': ['openat'], 'path': '/etc/hosts', 'action': "
                                      "'allow'},"
                                      "{'syscalls': ['openat'], 'action': 'allow'}"));
        struct policy_call c = call_paths(__NR_openat, "/etc/hosts", NULL, 1);

        /* The narrower allow comes later, so the deny wins. */
        assert_decided(p, &c, VERDICT_DENY, EACCES, 0);
        c = call_paths(__NR_openat, "/tmp/x", NULL, 1);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 2);
        policy_free(p);
}

/* Whether a decision rested on the caller's memory decides whether an
 * allow is performed for it or continued (supervisor/act/): conditions on
 * registers come first, so a rule they rule out never looks at a path. */
static void test_decision_says_whether_it_read_memory(void **state)
{
        (void)state;
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'args': [{'index': 2, 'value': 3, "
                                      "'valueTwo': 1, 'op': 'SCMP_CMP_MASKED_EQ'}], 'path': "
                                      "'/etc/**', 'action': 'deny', 'errno': 'EROFS'},"
                                      "{'syscalls': ['openat', 'openat2'], 'open': ['O_RDONLY'], "
                                      "'action': 'allow'}"));
        struct policy_call c = call_paths(__NR_openat, "/etc/passwd", NULL, 1);
        struct policy_decision d;

        /* O_RDONLY: the write rule's args fail before its path is read;
         * the allow rests on the flags, registers for openat. */
        c.args[2] = O_RDONLY;
        c.have_open = true;
        c.open_flags = O_RDONLY;
        policy_decide(p, &c, &d);
        assert_int_equal(d.verdict, VERDICT_ALLOW);
        assert_false(d.read_memory);
        /* O_WRONLY: the path is looked at (and denies). */
        c.args[2] = O_WRONLY;
        c.open_flags = O_WRONLY;
        policy_decide(p, &c, &d);
        assert_int_equal(d.verdict, VERDICT_DENY);
        assert_true(d.read_memory);
        /* openat2's flags are in its open_how, in memory. */
        c = call_paths(__NR_openat2, "/tmp/x", NULL, 1);
        c.have_open = true;
        c.open_flags = O_RDONLY;
        policy_decide(p, &c, &d);
        assert_int_equal(d.verdict, VERDICT_ALLOW);
        assert_true(d.read_memory);
        policy_free(p);
}

static void test_no_matching_rule_gives_the_default(void **state)
{
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': "
                 "{'defaultAction': 'deny', 'defaultErrno': 'EROFS', 'rules': "
                 "[{'syscalls': ['openat'], 'path': '/tmp/**', 'action': 'allow'}]}}");
        struct policy_call c = call_paths(__NR_openat, "/etc/passwd", NULL, 1);

        assert_decided(p, &c, VERDICT_DENY, EROFS, DEFAULT);
        policy_free(p);

        p = load("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'defaultAction': 'log'}}");
        c = call_nr(__NR_getppid);
        assert_decided(p, &c, VERDICT_LOG, 0, DEFAULT);
        policy_free(p);

        /* No supervisor section at all: deny with EPERM. */
        p = load("{'defaultAction': 'SCMP_ACT_NOTIFY'}");
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

static void test_rule_for_openat_does_not_apply_to_mkdir(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'action': 'allow'}"));
        struct policy_call c = call_paths(__NR_mkdir, "/tmp/x", NULL, 1);

        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.nr = __NR_openat;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        policy_free(p);
}

static void test_rule_without_syscalls_applies_to_every_call(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'action': 'deny', 'errno': 2},"
                                      "{'action': 'log'}"));
        struct policy_call c = call_nr(__NR_mkdir);

        assert_decided(p, &c, VERDICT_LOG, 0, 1);
        c.nr = __NR_getppid;
        assert_decided(p, &c, VERDICT_LOG, 0, 1);
        c.nr = __NR_openat;
        assert_decided(p, &c, VERDICT_DENY, ENOENT, 0);
        policy_free(p);
}

static void test_catch_all_rule_keeps_its_place_in_the_order(void **state)
{
        /* The index per syscall must not move rules that name no syscall
         * behind those that do. */
        struct policy *p = load(RULES("{'action': 'log'},"
                                      "{'syscalls': ['openat'], 'action': 'kill'}"));
        struct policy_call c = call_nr(__NR_openat);

        assert_decided(p, &c, VERDICT_LOG, 0, 0);
        policy_free(p);
}

static void test_group_rules_apply_to_each_member(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['@chown'], 'action': 'prompt'}"));
        struct policy_call c = call_nr(__NR_fchownat);

        assert_decided(p, &c, VERDICT_PROMPT, 0, 0);
        c.nr = __NR_lchown;
        assert_decided(p, &c, VERDICT_PROMPT, 0, 0);
        c.nr = __NR_chmod;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

static void test_numbers_outside_the_table_get_the_default(void **state)
{
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': "
                                "{'defaultAction': 'allow', 'rules': [{'action': 'kill'}]}}");
        struct policy_call c = call_nr(-1);

        assert_decided(p, &c, VERDICT_ALLOW, 0, DEFAULT);
        c.nr = p->max_nr + 1;
        assert_decided(p, &c, VERDICT_ALLOW, 0, DEFAULT);
        c.nr = 1 << 30;
        assert_decided(p, &c, VERDICT_ALLOW, 0, DEFAULT);
        c.nr = p->max_nr;
        assert_decided(p, &c, VERDICT_KILL, 0, 0);
        policy_free(p);
}

/* Paths */

static void test_allow_rule_needs_every_path_to_match(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['renameat2'], 'path': '/tmp/**', 'action': "
                                      "'allow'}"));
        struct policy_call c = call_paths(__NR_renameat2, "/tmp/a", "/tmp/b", 2);

        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c = call_paths(__NR_renameat2, "/tmp/a", "/etc/passwd", 2);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c = call_paths(__NR_renameat2, "/etc/passwd", "/tmp/a", 2);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

static void test_log_rule_is_permissive_like_allow(void **state)
{
        struct policy *p = load(RULES("{'path': '/tmp/**', 'action': 'log'}"));
        struct policy_call c = call_paths(__NR_renameat2, "/tmp/a", "/etc/passwd", 2);

        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c = call_paths(__NR_renameat2, "/tmp/a", "/tmp/b", 2);
        assert_decided(p, &c, VERDICT_LOG, 0, 0);
        policy_free(p);
}

static void test_deny_kill_and_prompt_rules_need_one_path_to_match(void **state)
{
        static const char *const actions[] = {"deny", "kill", "prompt"};
        static const enum policy_verdict verdicts[] = {VERDICT_DENY, VERDICT_KILL, VERDICT_PROMPT};

        for (size_t i = 0; i < 3; i++) {
                char text[512];
                snprintf(text, sizeof(text),
                         "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'defaultAction': "
                         "'allow', 'rules': [{'path': ['/etc/**', '/root/**'], 'action': '%s'}]}}",
                         actions[i]);
                struct policy *p = load(text);
                struct policy_call c = call_paths(__NR_renameat2, "/tmp/a", "/etc/passwd", 2);
                assert_decided(p, &c, verdicts[i], EPERM, 0);
                c = call_paths(__NR_renameat2, "/root/x", "/tmp/a", 2);
                assert_decided(p, &c, verdicts[i], EPERM, 0);
                c = call_paths(__NR_renameat2, "/tmp/a", "/tmp/b", 2);
                assert_decided(p, &c, VERDICT_ALLOW, 0, DEFAULT);
                policy_free(p);
        }
}

static void test_unreadable_path_matches_deny_rules_not_allow_rules(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'path': '/**', 'action': 'allow'},"
                                      "{'syscalls': ['openat'], 'path': '/etc/**', 'action': "
                                      "'deny', 'errno': 'EACCES'},"
                                      "{'syscalls': ['openat'], 'action': 'log'}"));
        struct policy_call c = call_paths(__NR_openat, NULL, NULL, 1);

        /* The first rule would match any path, but an unreadable one is not any path;
         * the deny rule takes it. */
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        c = call_paths(__NR_renameat2, "/tmp/a", NULL, 2);
        c.nr = __NR_openat;
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        c = call_paths(__NR_openat, "/usr/lib/x", NULL, 1);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        policy_free(p);
}

static void test_undecoded_paths_match_deny_rules_and_pathless_calls_none(void **state)
{
        struct policy *p = load(RULES("{'path': '/**', 'action': 'allow'},"
                                      "{'path': '/**', 'action': 'deny', 'errno': 'EACCES'},"
                                      "{'action': 'log'}"));
        struct policy_call c = call_nr(__NR_openat);

        /* Paths that could not be decoded at all are treated as unreadable. */
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        /* A call that takes no path matches no path rule either way. */
        c = call_paths(__NR_getppid, NULL, NULL, 0);
        assert_decided(p, &c, VERDICT_LOG, 0, 2);
        policy_free(p);
}

static void test_path_globs_follow_glob_rules(void **state)
{
        struct policy *p = load(RULES("{'path': ['/etc/*.conf', '/home/*/.ssh/**'], 'action': "
                                      "'deny'}, {'action': 'allow'}"));
        struct policy_call c = call_paths(__NR_openat, "/etc/resolv.conf", NULL, 1);

        assert_decided(p, &c, VERDICT_DENY, EPERM, 0);
        c.paths[0] = "/etc/ssl/openssl.conf";
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);
        c.paths[0] = "/home/u/.ssh/id_ed25519";
        assert_decided(p, &c, VERDICT_DENY, EPERM, 0);
        c.paths[0] = "/home/u/ssh/x";
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);
        policy_free(p);
}

/* What an open may do */

static struct policy_call call_open(int nr, bool have_open, uint64_t flags)
{
        struct policy_call c = call_paths(nr, "/tmp/f", NULL, 1);

        c.have_open = have_open;
        c.open_flags = have_open ? flags : 0;
        return c;
}

/*
 * The "open" field against what an open asks for, as paths are matched:
 * an allow or log rule takes an open that may do nothing the rule does not
 * list, a deny, kill or prompt rule one that may do any of what it lists,
 * and flags that could not be read (openat2's open_how) only the latter.
 */
static void test_open_rules_table(void **state)
{
        (void)state;
        const uint64_t unused = O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_DIRECT | O_NOATIME;
        const uint64_t narrowing = O_EXCL | O_DIRECTORY | O_NOFOLLOW;
        const struct {
                const char *field, *action;
                int nr;
                bool have_open;
                uint64_t flags;
                bool matches;
        } rows[] = {
            {"['O_RDONLY']", "allow", __NR_openat, true, O_RDONLY, true},
            {"['O_RDONLY']", "allow", __NR_openat, true, O_RDONLY | unused | narrowing, true},
            /* The red team's: a session rule for a read emptied the file. */
            {"['O_RDONLY']", "allow", __NR_openat, true, O_RDONLY | O_TRUNC, false},
            {"['O_RDONLY']", "allow", __NR_openat2, true, O_RDONLY | O_TRUNC, false},
            {"['O_RDONLY']", "allow", __NR_openat, true, O_WRONLY, false},
            {"['O_RDONLY']", "allow", __NR_openat, true, O_RDWR, false},
            {"['O_RDONLY']", "allow", __NR_openat, true, O_ACCMODE, false},
            {"['O_RDONLY']", "allow", __NR_openat, true, O_RDONLY | O_CREAT, false},
            {"['O_RDONLY']", "allow", __NR_openat, true, O_RDONLY | O_APPEND, false},
            {"['O_RDONLY']", "allow", __NR_openat, true, O_PATH, false},
            {"['O_RDONLY']", "allow", __NR_openat2, false, 0, false},
            /* Bits no kernel knows change nothing (openat2 fails on them). */
            {"['O_RDONLY']", "allow", __NR_openat2, true, O_RDONLY | (UINT64_C(1) << 40), true},
            {"['O_RDONLY']", "log", __NR_open, true, O_RDONLY, true},
            {"['O_RDONLY']", "log", __NR_open, true, O_RDONLY | O_TRUNC, false},
            {"['O_RDONLY']", "log", __NR_openat2, false, 0, false},
            /* O_PATH makes the kernel drop every other flag. */
            {"['O_PATH']", "allow", __NR_openat, true, O_PATH | O_RDWR | O_TRUNC | O_CREAT, true},
            {"['O_PATH']", "allow", __NR_openat, true, O_RDONLY, false},
            {"['O_RDWR']", "allow", __NR_openat, true, O_RDONLY, true},
            {"['O_RDWR']", "allow", __NR_openat, true, O_WRONLY, true},
            {"['O_RDWR']", "allow", __NR_openat, true, O_ACCMODE, true},
            {"['O_RDWR']", "allow", __NR_openat, true, O_RDWR | O_TRUNC, false},
            {"['O_WRONLY', 'O_CREAT', 'O_TRUNC']", "allow", __NR_creat, true,
             O_WRONLY | O_CREAT | O_TRUNC, true},
            {"['O_WRONLY', 'O_CREAT', 'O_TRUNC']", "allow", __NR_openat, true, O_WRONLY, true},
            {"['O_WRONLY', 'O_CREAT', 'O_TRUNC']", "allow", __NR_openat, true, O_RDWR | O_CREAT,
             false},
            {"['O_WRONLY', 'O_CREAT', 'O_TRUNC']", "allow", __NR_openat, true, O_WRONLY | O_APPEND,
             false},
            {"['O_WRONLY', 'O_TMPFILE']", "allow", __NR_openat, true, O_WRONLY | O_TMPFILE, true},
            {"['O_WRONLY']", "allow", __NR_openat, true, O_WRONLY | O_TMPFILE, false},
            {"['O_WRONLY', 'O_TRUNC']", "deny", __NR_openat, true, O_RDONLY, false},
            {"['O_WRONLY', 'O_TRUNC']", "deny", __NR_openat, true, O_WRONLY, true},
            {"['O_WRONLY', 'O_TRUNC']", "deny", __NR_openat, true, O_RDWR, true},
            {"['O_WRONLY', 'O_TRUNC']", "deny", __NR_openat, true, O_RDONLY | O_TRUNC, true},
            {"['O_WRONLY', 'O_TRUNC']", "deny", __NR_openat, true, O_WRONLY | O_CREAT, true},
            {"['O_WRONLY', 'O_TRUNC']", "deny", __NR_openat, true, O_PATH | O_WRONLY, false},
            {"['O_WRONLY', 'O_TRUNC']", "deny", __NR_openat2, false, 0, true},
            {"['O_RDONLY']", "kill", __NR_openat, true, O_RDWR, true},
            {"['O_RDONLY']", "kill", __NR_openat, true, O_WRONLY, false},
            {"['O_RDONLY']", "kill", __NR_openat2, false, 0, true},
            {"['O_CREAT']", "prompt", __NR_openat, true, O_WRONLY | O_CREAT, true},
            {"['O_CREAT']", "prompt", __NR_openat, true, O_WRONLY, false},
            {"['O_CREAT']", "prompt", __NR_openat2, false, 0, true},
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                char text[512];
                snprintf(text, sizeof(text),
                         "{'defaultAction': 'SCMP_ACT_NOTIFY', 'supervisor': {'defaultAction': "
                         "'log', 'rules': [{'syscalls': ['open', 'openat', 'openat2', 'creat'], "
                         "'open': %s, 'action': '%s'}]}}",
                         rows[i].field, rows[i].action);
                struct policy *p = load(text);
                struct policy_call c = call_open(rows[i].nr, rows[i].have_open, rows[i].flags);
                struct policy_decision d = decide(p, &c);
                if ((d.rule != NULL) != rows[i].matches)
                        fail_msg("row %zu: %s rule %s, flags %#llx%s: %s", i, rows[i].action,
                                 rows[i].field, (unsigned long long)rows[i].flags,
                                 rows[i].have_open ? "" : " (unread)",
                                 rows[i].matches ? "should match" : "should not match");
                policy_free(p);
        }
}

static void test_open_rule_needs_its_path_too(void **state)
{
        (void)state;
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'path': '/tmp/**', 'open': "
                                      "['O_RDONLY'], 'action': 'allow'}"));
        struct policy_call c = call_open(__NR_openat, true, O_RDONLY);

        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c.paths[0] = "/etc/passwd";
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c = call_open(__NR_openat, true, O_RDONLY | O_TRUNC);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

static void test_open_access_of_flags(void **state)
{
        (void)state;
        assert_int_equal(policy_open_access(O_RDONLY), POLICY_OPEN_READ);
        assert_int_equal(policy_open_access(O_WRONLY | O_CLOEXEC), POLICY_OPEN_WRITE);
        assert_int_equal(policy_open_access(O_RDWR), POLICY_OPEN_READ | POLICY_OPEN_WRITE);
        assert_int_equal(policy_open_access(O_ACCMODE), POLICY_OPEN_READ | POLICY_OPEN_WRITE);
        assert_int_equal(policy_open_access(O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_EXCL),
                         POLICY_OPEN_WRITE | POLICY_OPEN_CREAT | POLICY_OPEN_TRUNC |
                             POLICY_OPEN_APPEND);
        assert_int_equal(policy_open_access(O_TMPFILE | O_RDWR),
                         POLICY_OPEN_READ | POLICY_OPEN_WRITE | POLICY_OPEN_TMPFILE);
        assert_int_equal(policy_open_access(O_DIRECTORY), POLICY_OPEN_READ);
        assert_int_equal(policy_open_access(O_PATH | O_WRONLY | O_TRUNC), POLICY_OPEN_PATH);
}

/* Addresses */

static void test_address_rule_matches_family_cidr_and_port(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['connect'], 'address': {'family': 'inet', "
                                      "'cidr': '10.0.0.0/8', 'port': 80}, 'action': 'allow'}"));
        struct policy_call c = call_inet(__NR_connect, "10.1.2.3", 80);

        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c = call_inet(__NR_connect, "10.255.255.255", 80);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c = call_inet(__NR_connect, "10.1.2.3", 81);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c = call_inet(__NR_connect, "11.0.0.1", 80);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c = call_inet6(__NR_connect, "::1", 80);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        /* IPv4 traffic over an IPv6 socket is IPv4 traffic. */
        c = call_inet6(__NR_connect, "::ffff:10.9.8.7", 80);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        policy_free(p);
}

static void test_address_rule_matches_inet6_prefixes(void **state)
{
        struct policy *p = load(RULES("{'address': {'cidr': 'fd00::/8'}, 'action': 'deny', "
                                      "'errno': 'ENETUNREACH'}, {'action': 'allow'}"));
        struct policy_call c = call_inet6(__NR_connect, "fd12:3456::1", 443);

        assert_decided(p, &c, VERDICT_DENY, ENETUNREACH, 0);
        c = call_inet6(__NR_connect, "fe80::1", 443);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);
        c = call_inet(__NR_connect, "10.0.0.1", 443);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);
        policy_free(p);
}

static void test_address_rule_matches_unix_socket_globs(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['connect'], 'address': {'unix': "
                                      "'/run/*.sock'}, 'action': 'allow'}"));
        struct policy_call c = call_unix(__NR_connect, "/run/docker.sock");

        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c = call_unix(__NR_connect, "/run/user/1000/bus");
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c = call_inet(__NR_connect, "127.0.0.1", 80);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

static void test_unix_globs_see_the_resolved_path_not_sun_path(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['connect'], 'address': {'unix': "
                                      "'/srv/secret/*'}, 'action': 'deny', 'errno': 'EACCES'},"
                                      "{'syscalls': ['connect'], 'address': {'unix': '/srv/**'}, "
                                      "'action': 'allow'}"));
        struct policy_call c = call_unix(__NR_connect, "../secret/s.sock");

        /* What the target wrote, relative to its cwd /srv/ok ... */
        c.unix_path = "/srv/secret/s.sock"; /* ... and what it names. */
        assert_decided(p, &c, VERDICT_DENY, EACCES, 0);
        /* Unresolvable: deny rules meet it, allow rules do not. */
        c.unix_path = NULL;
        assert_decided(p, &c, VERDICT_DENY, EACCES, 0);
        policy_free(p);
}

static void test_unreadable_address_matches_deny_rules_not_allow_rules(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['connect'], 'address': {'family': 'any'}, "
                                      "'action': 'allow'},"
                                      "{'syscalls': ['connect'], 'address': {'family': 'inet', "
                                      "'port': 25}, 'action': 'deny', 'errno': 'ECONNREFUSED'},"
                                      "{'syscalls': ['connect'], 'action': 'log'}"));
        struct policy_call c = call_nr(__NR_connect);

        c.have_addr = false;
        assert_decided(p, &c, VERDICT_DENY, ECONNREFUSED, 1);
        policy_free(p);
}

static void test_absent_address_matches_no_address_rule(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['sendto'], 'address': {'family': 'any'}, "
                                      "'action': 'allow'},"
                                      "{'syscalls': ['sendto'], 'address': {'family': 'any'}, "
                                      "'action': 'deny'},"
                                      "{'syscalls': ['sendto'], 'action': 'log'}"));
        struct policy_call c = call_nr(__NR_sendto);

        /* sendto on a connected socket: read fine, but there is none. */
        c.have_addr = true;
        c.addr_len = 0;
        assert_decided(p, &c, VERDICT_LOG, 0, 2);
        policy_free(p);
}

/* "\0secret\0x" has no text a glob is written for: deny rules meet it. */
static void test_abstract_name_with_a_nul_meets_deny_rules(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['connect'], 'address': {'unix': '@secret*'}, "
                                      "'action': 'deny', 'errno': 'EKEYREJECTED'},"
                                      "{'syscalls': ['connect'], 'address': {'unix': '@*'}, "
                                      "'action': 'allow'},"
                                      "{'syscalls': ['connect'], 'action': 'log'}"));
        struct policy_call c = call_nr(__NR_connect);
        struct sockaddr_un un = {.sun_family = AF_UNIX};

        memcpy(un.sun_path, "\0secret\0x", 10);
        c.have_addr = true;
        memcpy(&c.addr, &un, sizeof(un));
        c.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 10);
        assert_decided(p, &c, VERDICT_DENY, EKEYREJECTED, 0);
        /* Without the NUL inside, the glob decides as ever. */
        memcpy(un.sun_path, "\0other", 6);
        memcpy(&c.addr, &un, sizeof(un));
        c.addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 6);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);
        policy_free(p);
}

static void test_none_rule_matches_calls_that_name_no_peer(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['sendmsg'], 'address': {'family': 'none'}, "
                                      "'action': 'allow'},"
                                      "{'syscalls': ['sendmsg'], 'address': {'family': 'any'}, "
                                      "'action': 'deny', 'errno': 'EACCES'}"));
        struct policy_call c = call_nr(__NR_sendmsg);
        struct policy_call named = call_inet(__NR_sendmsg, "10.0.0.1", 53);

        c.have_addr = true;
        c.addr_len = 0;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        /* A none rule never matches an address, and unreadable is no "none". */
        assert_decided(p, &named, VERDICT_DENY, EACCES, 1);
        c.have_addr = false;
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        policy_free(p);
}

/* sendmmsg: an allow rule must hold for every message's address, a deny
 * rule for one; one message naming no peer meets only "none" rules. */
static void test_every_address_of_a_vector_is_decided(void **state)
{
        struct policy *p =
            load(RULES("{'syscalls': ['sendmmsg'], 'address': {'cidr': "
                       "'127.0.0.0/8'}, 'action': 'allow'},"
                       "{'syscalls': ['sendmmsg'], 'address': {'cidr': '10.0.0.0/8'}, "
                       "'action': 'deny', 'errno': 'EHOSTUNREACH'},"
                       "{'syscalls': ['sendmmsg'], 'action': 'log'}"));
        struct policy_call c = call_nr(__NR_sendmmsg);
        struct policy_call lo = call_inet(__NR_sendmmsg, "127.0.0.1", 53);
        struct policy_call far = call_inet(__NR_sendmmsg, "10.0.0.1", 53);
        struct policy_addr addrs[3];

        for (int i = 0; i < 3; i++) {
                memcpy(&addrs[i].sa, &lo.addr, sizeof(lo.addr));
                addrs[i].len = lo.addr_len;
                addrs[i].none = false;
                addrs[i].unix_path = NULL;
        }
        c.have_addr = true;
        c.addrs = addrs;
        c.n_addrs = 3;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        memcpy(&addrs[2].sa, &far.addr, sizeof(far.addr));
        assert_decided(p, &c, VERDICT_DENY, EHOSTUNREACH, 1);
        memcpy(&addrs[2].sa, &lo.addr, sizeof(lo.addr));
        addrs[1].none = true;
        addrs[1].len = 0;
        assert_decided(p, &c, VERDICT_LOG, 0, 2);
        policy_free(p);
}

/* Executable and uid */

static void test_exe_rule_matches_the_callers_executable(void **state)
{
        struct policy *p = load(RULES("{'exe': '/usr/bin/*', 'action': 'allow'},"
                                      "{'exe': '/**', 'action': 'deny', 'errno': 'EACCES'},"
                                      "{'action': 'log'}"));
        struct policy_call c = call_nr(__NR_openat);

        c.have_exe = true;
        c.exe = "/usr/bin/curl";
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c.exe = "/usr/bin/x/y";
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        c.exe = "/bin/sh";
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        /* Not decoded, or unreadable: allow rules do not apply, deny rules
         * do, as for paths and addresses. */
        c.exe = NULL;
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        c.have_exe = false;
        c.exe = "/usr/bin/curl";
        assert_decided(p, &c, VERDICT_DENY, EACCES, 1);
        policy_free(p);
}

/* A caller with every identity set to id. */
static void set_ids(struct policy_call *c, uint32_t id)
{
        c->have_ids = true;
        for (unsigned i = 0; i < POLICY_ID_COUNT; i++)
                c->ids[i] = id;
}

static void test_uid_rule_matches_the_callers_real_uid(void **state)
{
        struct policy *p = load(RULES("{'uid': 0, 'action': 'deny', 'errno': 'EPERM'},"
                                      "{'uid': 1000, 'action': 'allow'}"));
        struct policy_call c = call_nr(__NR_openat);

        set_ids(&c, 0);
        assert_decided(p, &c, VERDICT_DENY, EPERM, 0);
        set_ids(&c, 1000);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);
        set_ids(&c, 1001);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        /* setresuid(65534, 0, 0): root's file access, but real uid 65534,
         * and "uid" means the real one (documented). */
        set_ids(&c, 0);
        c.ids[POLICY_ID_UID] = 65534;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        /* And the other way round: only the real uid is 1000. */
        set_ids(&c, 0);
        c.ids[POLICY_ID_UID] = 1000;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);
        policy_free(p);
}

/* Each field against the identity of its name, and no other. */
static void test_each_identity_rule_matches_its_own_identity(void **state)
{
        struct policy *p = load(RULES("{'euid': 0, 'action': 'deny', 'errno': 'EACCES'},"
                                      "{'fsuid': 0, 'action': 'deny', 'errno': 'EROFS'},"
                                      "{'gid': 0, 'action': 'deny', 'errno': 'ENOENT'},"
                                      "{'egid': 0, 'action': 'deny', 'errno': 'ENOTDIR'},"
                                      "{'fsgid': 0, 'action': 'deny', 'errno': 'EISDIR'},"
                                      "{'action': 'allow'}"));
        struct policy_call c = call_nr(__NR_openat);
        static const struct {
                enum policy_id id;
                int errno_value, index;
        } cases[] = {
            {POLICY_ID_UID, 0, 5},      {POLICY_ID_EUID, EACCES, 0},  {POLICY_ID_FSUID, EROFS, 1},
            {POLICY_ID_GID, ENOENT, 2}, {POLICY_ID_EGID, ENOTDIR, 3}, {POLICY_ID_FSGID, EISDIR, 4},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                set_ids(&c, 65534);
                c.ids[cases[i].id] = 0;
                assert_decided(p, &c, cases[i].errno_value ? VERDICT_DENY : VERDICT_ALLOW,
                               cases[i].errno_value, cases[i].index);
        }
        /* setresuid(65534, 0, 0) keeps root's effective and file uids. */
        set_ids(&c, 65534);
        c.ids[POLICY_ID_EUID] = c.ids[POLICY_ID_FSUID] = 0;
        assert_decided(p, &c, VERDICT_DENY, EACCES, 0);
        policy_free(p);
}

static void test_every_identity_a_rule_names_must_hold(void **state)
{
        struct policy *p =
            load(RULES("{'uid': 1000, 'fsuid': 0, 'fsgid': 100, 'action': 'allow'}"));
        struct policy_call c = call_nr(__NR_openat);

        set_ids(&c, 1000);
        c.ids[POLICY_ID_FSUID] = 0;
        c.ids[POLICY_ID_FSGID] = 100;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c.ids[POLICY_ID_FSGID] = 1000;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.ids[POLICY_ID_FSGID] = 100;
        c.ids[POLICY_ID_FSUID] = 1000;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

/* Identities that could not be read, like an unreadable executable, fail
 * allow and log rules and meet deny, kill and prompt rules. */
static void test_unread_identities_meet_deny_rules_only(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'uid': 1000, 'action': 'allow'},"
                                      "{'syscalls': ['openat'], 'euid': 0, 'action': 'log'},"
                                      "{'syscalls': ['openat'], 'fsuid': 0, 'action': 'deny', "
                                      "'errno': 'EACCES'},"
                                      "{'syscalls': ['mkdir'], 'gid': 5, 'action': 'kill'},"
                                      "{'syscalls': ['rmdir'], 'egid': 5, 'action': 'prompt'}"));
        struct policy_call c = call_nr(__NR_openat);

        set_ids(&c, 1000);
        c.have_ids = false;
        assert_decided(p, &c, VERDICT_DENY, EACCES, 2);
        c.nr = __NR_mkdir;
        assert_decided(p, &c, VERDICT_KILL, 0, 3);
        c.nr = __NR_rmdir;
        assert_decided(p, &c, VERDICT_PROMPT, 0, 4);
        policy_free(p);
}

/* Logs and prompts show the real ids, and the others where they differ. */
static void test_identities_shown_where_they_differ(void **state)
{
        struct policy_call c = call_nr(__NR_openat);

        assert_false(policy_id_shown(&c, POLICY_ID_UID));
        set_ids(&c, 1000);
        assert_true(policy_id_shown(&c, POLICY_ID_UID));
        assert_true(policy_id_shown(&c, POLICY_ID_GID));
        assert_false(policy_id_shown(&c, POLICY_ID_EUID));
        assert_false(policy_id_shown(&c, POLICY_ID_FSUID));
        assert_false(policy_id_shown(&c, POLICY_ID_EGID));
        assert_false(policy_id_shown(&c, POLICY_ID_FSGID));
        c.ids[POLICY_ID_FSUID] = 0;
        c.ids[POLICY_ID_EGID] = 0;
        assert_false(policy_id_shown(&c, POLICY_ID_EUID));
        assert_true(policy_id_shown(&c, POLICY_ID_FSUID));
        assert_true(policy_id_shown(&c, POLICY_ID_EGID));
        assert_false(policy_id_shown(&c, POLICY_ID_FSGID));
        assert_string_equal(policy_id_name(POLICY_ID_FSGID), "fsgid");
        assert_string_equal(policy_id_name(POLICY_ID_UID), "uid");
}

static void test_all_conditions_of_a_rule_must_hold(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['openat'], 'path': '/tmp/**', 'exe': "
                                      "'/usr/bin/*', 'uid': 1000, 'args': [{'index': 2, 'value': "
                                      "0, 'op': 'SCMP_CMP_EQ'}], 'action': 'allow'}"));
        struct policy_call c = call_paths(__NR_openat, "/tmp/x", NULL, 1);

        c.have_exe = true;
        c.exe = "/usr/bin/cat";
        set_ids(&c, 1000);
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c.args[2] = 1;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.args[2] = 0;
        c.ids[POLICY_ID_UID] = 0;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.ids[POLICY_ID_UID] = 1000;
        c.exe = "/bin/cat";
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.exe = "/usr/bin/cat";
        c.paths[0] = "/var/x";
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

/* Argument conditions */

struct op_case {
        const char *op;
        uint64_t value, value_two;
        uint64_t arg;
        bool holds;
};

static const struct op_case op_cases[] = {
    {"SCMP_CMP_NE", 10, 0, 9, true},
    {"SCMP_CMP_NE", 10, 0, 10, false},
    {"SCMP_CMP_LT", 10, 0, 9, true},
    {"SCMP_CMP_LT", 10, 0, 10, false},
    {"SCMP_CMP_LE", 10, 0, 10, true},
    {"SCMP_CMP_LE", 10, 0, 11, false},
    {"SCMP_CMP_EQ", 10, 0, 10, true},
    {"SCMP_CMP_EQ", 10, 0, 11, false},
    {"SCMP_CMP_GE", 10, 0, 10, true},
    {"SCMP_CMP_GE", 10, 0, 9, false},
    {"SCMP_CMP_GT", 10, 0, 11, true},
    {"SCMP_CMP_GT", 10, 0, 10, false},
    {"SCMP_CMP_MASKED_EQ", 0xff00, 0x1200, 0x1234, true},
    {"SCMP_CMP_MASKED_EQ", 0xff00, 0x1200, 0x3412, false},
    /* Comparisons are unsigned and 64 bits wide. */
    {"SCMP_CMP_EQ", UINT64_MAX, 0, UINT64_MAX, true},
    {"SCMP_CMP_EQ", UINT64_MAX, 0, 0xffffffff, false},
    {"SCMP_CMP_GT", 1, 0, UINT64_MAX, true},
    {"SCMP_CMP_LT", UINT64_C(0x100000000), 0, 0xffffffff, true},
    {"SCMP_CMP_LT", UINT64_C(0x100000000), 0, UINT64_C(0x100000001), false},
    {"SCMP_CMP_MASKED_EQ", UINT64_C(0xff00000000000000), UINT64_C(0x8000000000000000),
     UINT64_C(0x80000000000000ff), true},
};

static void test_rule_args_use_each_operator(void **state)
{
        for (size_t i = 0; i < sizeof(op_cases) / sizeof(op_cases[0]); i++) {
                const struct op_case *oc = &op_cases[i];
                char text[512];
                snprintf(text, sizeof(text),
                         RULES("{'syscalls': ['getppid'], 'args': [{'index': 3, 'value': %llu, "
                               "'valueTwo': %llu, 'op': '%s'}], 'action': 'allow'}"),
                         (unsigned long long)oc->value, (unsigned long long)oc->value_two, oc->op);
                struct policy *p = load(text);
                struct policy_call c = call_nr(__NR_getppid);
                c.args[3] = oc->arg;
                struct policy_decision d = decide(p, &c);
                if ((d.verdict == VERDICT_ALLOW) != oc->holds)
                        fail_msg("case %zu: %s %#llx against %#llx should %s", i, oc->op,
                                 (unsigned long long)oc->arg, (unsigned long long)oc->value,
                                 oc->holds ? "hold" : "not hold");
                policy_free(p);
        }
}

static void test_rule_args_on_several_indexes_all_hold(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['socket'], 'args': [{'index': 0, 'value': "
                                      "2, 'op': 'SCMP_CMP_EQ'}, {'index': 1, 'value': 3, 'op': "
                                      "'SCMP_CMP_EQ'}], 'action': 'allow'}"));
        struct policy_call c = call_nr(__NR_socket);

        c.args[0] = 2;
        c.args[1] = 3;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 0);
        c.args[1] = 1;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.args[0] = 10;
        c.args[1] = 3;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        policy_free(p);
}

/*
 * A rule's conditions see what the kernel reads: the low 32 bits of an
 * int, the low 16 of a umode_t, the whole register of anything else, for
 * the call at hand (a rule without syscalls applies to calls of each
 * width). socket(0x100000002, ...) is socket(AF_INET, ...).
 */
static void test_rule_args_compare_what_the_kernel_reads(void **state)
{
        struct policy *p = load(RULES(
            "{'syscalls': ['socket'], 'args': [{'index': 0, 'value': 2, 'op': 'SCMP_CMP_EQ'}], "
            "'action': 'deny', 'errno': 'EACCES'},"
            "{'syscalls': ['socket'], 'args': [{'index': 2, 'value': 9, 'op': 'SCMP_CMP_NE'}], "
            "'action': 'allow'},"
            "{'syscalls': ['mkdirat'], 'args': [{'index': 2, 'value': 448, 'op': 'SCMP_CMP_EQ'}], "
            "'action': 'allow'},"
            "{'syscalls': ['getppid'], 'args': [{'index': 0, 'value': 2, 'op': 'SCMP_CMP_EQ'}], "
            "'action': 'allow'},"
            "{'args': [{'index': 1, 'value': 4294967295, 'op': 'SCMP_CMP_EQ'}], "
            "'action': 'deny', 'errno': 'EBADF'}"));
        struct policy_call c = call_nr(__NR_socket);

        c.args[0] = UINT64_C(0x100000002);
        assert_decided(p, &c, VERDICT_DENY, EACCES, 0);
        c.args[0] = UINT64_C(0xffffffff00000002);
        assert_decided(p, &c, VERDICT_DENY, EACCES, 0);
        /* AF_INET6 with high bits: not AF_INET; protocol 0x100000009 is 9,
         * which the allow rule leaves out. */
        c.args[0] = UINT64_C(0x10000000a);
        c.args[2] = UINT64_C(0x100000009);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.args[2] = 6;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 1);

        /* mkdirat's mode is a umode_t: bit 16 is not read. */
        c = call_nr(__NR_mkdirat);
        c.args[2] = 0700 | 0x10000;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 2);
        /* getppid takes no arguments the table knows: all 64 bits. */
        c = call_nr(__NR_getppid);
        c.args[0] = UINT64_C(0x100000002);
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.args[0] = 2;
        assert_decided(p, &c, VERDICT_ALLOW, 0, 3);

        /* A rule without syscalls: dup2's newfd is an unsigned int, so
         * 0xffffffff and its sign extension are one; connect's address is
         * a pointer, compared whole. */
        c = call_nr(__NR_dup2);
        c.args[1] = UINT64_MAX;
        assert_decided(p, &c, VERDICT_DENY, EBADF, 4);
        c = call_nr(__NR_connect);
        c.args[1] = UINT64_MAX;
        assert_decided(p, &c, VERDICT_DENY, EPERM, DEFAULT);
        c.args[1] = 0xffffffff;
        assert_decided(p, &c, VERDICT_DENY, EBADF, 4);
        policy_free(p);
}

/* The kernel-side entries, evaluated in user space */

/*
 * policy_kernel_decide() gives the compiled filter's verdict: on all 64
 * bits by default, as runc and crun compile it, so a routed call gets what
 * the kernel would have given; on the bits the kernel reads with
 * "intArgs": "kernel", which compiles them so.
 */
static void test_kernel_decide_compares_as_the_filter_does(void **state)
{
#define SETNS_PROFILE(extra)                                                                       \
        "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['setns'], 'action': "         \
        "'SCMP_ACT_ERRNO', 'errnoRet': 1, 'args': [{'index': 1, 'value': 1073741824, 'op': "       \
        "'SCMP_CMP_EQ'}]}]" extra "}"
        struct policy *full = load(SETNS_PROFILE(""));
        struct policy *as_read = load(SETNS_PROFILE(", 'supervisor': {'intArgs': 'kernel'}"));
        struct policy *explicit_full = load(SETNS_PROFILE(", 'supervisor': {'intArgs': 'full'}"));
        const uint64_t plain[6] = {3, 0x40000000}, high[6] = {3, UINT64_C(0x140000000)};
        uint32_t data = 0;

        assert_false(full->int_args_as_kernel);
        assert_true(as_read->int_args_as_kernel);
        assert_false(explicit_full->int_args_as_kernel);
        assert_int_equal(policy_kernel_decide(full, __NR_setns, plain, &data), KACT_ERRNO);
        assert_int_equal(policy_kernel_decide(full, __NR_setns, high, &data), KACT_ALLOW);
        assert_int_equal(policy_kernel_decide(explicit_full, __NR_setns, high, &data), KACT_ALLOW);
        assert_int_equal(policy_kernel_decide(as_read, __NR_setns, plain, &data), KACT_ERRNO);
        assert_int_equal(policy_kernel_decide(as_read, __NR_setns, high, &data), KACT_ERRNO);
        assert_int_equal(data, 1);

        /* The same through policy_route(), for setns routed to us. */
        const struct policy_compile_opts opts = {.notify_root_changes = true};
        struct policy_call c = call_nr(__NR_setns);
        struct policy_route route;
        memcpy(c.args, high, sizeof(high));
        policy_route(full, &opts, &c, &route);
        assert_int_equal(route.action, KACT_ALLOW);
        policy_route(as_read, &opts, &c, &route);
        assert_int_equal(route.action, KACT_ERRNO);
        policy_free(full);
        policy_free(as_read);
        policy_free(explicit_full);
#undef SETNS_PROFILE
}

static void test_kernel_decide_takes_the_first_matching_entry(void **state)
{
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, 'syscalls': ["
                 "{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 5, 'args': "
                 "[{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]},"
                 "{'names': ['getppid'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 9, 'args': "
                 "[{'index': 0, 'value': 1, 'op': 'SCMP_CMP_LE'}]},"
                 "{'names': ['getpid'], 'action': 'SCMP_ACT_ALLOW'}]}");
        uint64_t args[6] = {1};
        uint32_t data = 12345;

        assert_int_equal(policy_kernel_decide(p, __NR_getppid, args, &data), KACT_ERRNO);
        assert_int_equal(data, 5);
        args[0] = 0;
        assert_int_equal(policy_kernel_decide(p, __NR_getppid, args, &data), KACT_TRACE);
        assert_int_equal(data, 9);
        /* Neither condition holds: the default. (An entry naming getppid
         * without conditions after these would replace them in the kernel
         * filter, so the loader refuses that: test_profile.c.) */
        args[0] = 2;
        assert_int_equal(policy_kernel_decide(p, __NR_getppid, args, &data), KACT_ERRNO);
        assert_int_equal(data, 38);
        assert_int_equal(policy_kernel_decide(p, __NR_getpid, args, &data), KACT_ALLOW);
        policy_free(p);
}

static void test_kernel_decide_default_for_unnamed_calls(void **state)
{
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38, "
                 "'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_ALLOW'}]}");
        const uint64_t args[6] = {0};
        uint32_t data = 0;

        assert_int_equal(policy_kernel_decide(p, __NR_mkdir, args, &data), KACT_ERRNO);
        assert_int_equal(data, 38);
        assert_int_equal(policy_kernel_decide(p, -1, args, &data), KACT_ERRNO);
        assert_int_equal(policy_kernel_decide(p, 100000, args, &data), KACT_ERRNO);
        policy_free(p);

        p = load("{'defaultAction': 'SCMP_ACT_KILL_PROCESS', 'syscalls': [{'names': ['getppid'], "
                 "'action': 'SCMP_ACT_NOTIFY', 'args': [{'index': 0, 'value': 7, 'op': "
                 "'SCMP_CMP_EQ'}]}]}");
        assert_int_equal(policy_kernel_decide(p, __NR_getppid, args, &data), KACT_KILL_PROCESS);
        policy_free(p);
}

static void test_kernel_decide_alternatives_are_or(void **state)
{
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['personality'], "
                 "'action': 'SCMP_ACT_ERRNO', 'errnoRet': 22, 'args': ["
                 "{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'},"
                 "{'index': 0, 'value': 2, 'op': 'SCMP_CMP_EQ'},"
                 "{'index': 1, 'value': 3, 'op': 'SCMP_CMP_EQ'}]}]}");
        uint64_t args[6] = {0};
        uint32_t data = 0;

        assert_true(p->entries[0].args_are_alternatives);
        args[0] = 1;
        assert_int_equal(policy_kernel_decide(p, __NR_personality, args, &data), KACT_ERRNO);
        assert_int_equal(data, 22);
        args[0] = 2;
        assert_int_equal(policy_kernel_decide(p, __NR_personality, args, &data), KACT_ERRNO);
        args[0] = 0;
        args[1] = 3;
        assert_int_equal(policy_kernel_decide(p, __NR_personality, args, &data), KACT_ERRNO);
        args[1] = 0;
        assert_int_equal(policy_kernel_decide(p, __NR_personality, args, &data), KACT_ALLOW);
        policy_free(p);
}

static void test_kernel_decide_conditions_on_distinct_indexes_are_and(void **state)
{
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['socket'], "
                 "'action': 'SCMP_ACT_ERRNO', 'errnoRet': 97, 'args': ["
                 "{'index': 0, 'value': 16, 'op': 'SCMP_CMP_EQ'},"
                 "{'index': 2, 'value': 9, 'op': 'SCMP_CMP_EQ'}]}]}");
        uint64_t args[6] = {16, 3, 9};
        uint32_t data = 0;

        assert_int_equal(policy_kernel_decide(p, __NR_socket, args, &data), KACT_ERRNO);
        assert_int_equal(data, 97);
        args[2] = 0;
        assert_int_equal(policy_kernel_decide(p, __NR_socket, args, &data), KACT_ALLOW);
        args[0] = 2;
        args[2] = 9;
        assert_int_equal(policy_kernel_decide(p, __NR_socket, args, &data), KACT_ALLOW);
        policy_free(p);
}

static void test_kernel_decide_uses_each_operator(void **state)
{
        for (size_t i = 0; i < sizeof(op_cases) / sizeof(op_cases[0]); i++) {
                const struct op_case *oc = &op_cases[i];
                char text[512];
                snprintf(text, sizeof(text),
                         "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': "
                         "['getppid'], 'action': 'SCMP_ACT_LOG', 'args': [{'index': 5, 'value': "
                         "%llu, 'valueTwo': %llu, 'op': '%s'}]}]}",
                         (unsigned long long)oc->value, (unsigned long long)oc->value_two, oc->op);
                struct policy *p = load(text);
                uint64_t args[6] = {0, 0, 0, 0, 0, oc->arg};
                uint32_t data;
                enum policy_kernel_action a = policy_kernel_decide(p, __NR_getppid, args, &data);
                if ((a == KACT_LOG) != oc->holds)
                        fail_msg("case %zu: %s %#llx against %#llx should %s", i, oc->op,
                                 (unsigned long long)oc->arg, (unsigned long long)oc->value,
                                 oc->holds ? "hold" : "not hold");
                policy_free(p);
        }
}

static void test_names_syscall_ignores_conditions(void **state)
{
        struct policy *p =
            load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['personality'], "
                 "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': "
                 "'SCMP_CMP_EQ'}]}, {'names': ['chown32'], 'action': 'SCMP_ACT_ERRNO'}]}");

        assert_true(policy_names_syscall(p, __NR_personality));
        assert_false(policy_names_syscall(p, __NR_chown));
        assert_false(policy_names_syscall(p, -1));
        policy_free(p);
}

/* What the supervisor must decode */

static void test_needs_are_per_syscall(void **state)
{
        struct policy *p = load(RULES("{'syscalls': ['openat', 'renameat2'], 'path': '/etc/**', "
                                      "'action': 'deny'},"
                                      "{'syscalls': ['connect'], 'address': {'port': 53}, "
                                      "'action': 'allow'},"
                                      "{'syscalls': ['openat'], 'uid': 0, 'action': 'allow'}"));

        assert_int_equal(policy_needs(p, __NR_openat), POLICY_NEED_PATHS | POLICY_NEED_IDS);
        assert_int_equal(policy_needs(p, __NR_renameat2), POLICY_NEED_PATHS);
        assert_int_equal(policy_needs(p, __NR_connect), POLICY_NEED_ADDR);
        assert_int_equal(policy_needs(p, __NR_mkdir), 0);
        assert_int_equal(policy_needs(p, -1), 0);
        assert_int_equal(policy_needs(p, p->max_nr + 1), 0);
        policy_free(p);
}

static void test_catch_all_rule_needs_apply_to_every_syscall(void **state)
{
        struct policy *p = load(RULES("{'exe': '/usr/bin/*', 'action': 'allow'},"
                                      "{'syscalls': ['connect'], 'address': {'port': 53}, "
                                      "'action': 'allow'}"));

        assert_int_equal(policy_needs(p, __NR_mkdir), POLICY_NEED_EXE);
        assert_int_equal(policy_needs(p, __NR_connect), POLICY_NEED_EXE | POLICY_NEED_ADDR);
        policy_free(p);

        p = load("{'defaultAction': 'SCMP_ACT_NOTIFY'}");
        assert_int_equal(policy_needs(p, __NR_openat), 0);
        policy_free(p);
}

/*
 * The whole decision of a call the supervisor received, without a listener:
 * which calls are routed to it for its own reasons (the launcher's execve,
 * root and exec tracking), what those get (the profile's kernel action, as
 * the kernel would apply it), what must be read for them (nothing), and
 * that every other call is decided on the supervisor rules.
 */
static void test_notified_calls_table(void **state)
{
        (void)state;
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
                                "{'names': ['execve'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13,"
                                " 'args': [{'index': 1, 'value': 0, 'op': 'SCMP_CMP_EQ'}]},"
                                "{'names': ['chroot'], 'action': 'SCMP_ACT_KILL_PROCESS'},"
                                "{'names': ['setns'], 'action': 'SCMP_ACT_TRACE'},"
                                "{'names': ['execveat'], 'action': 'SCMP_ACT_LOG'},"
                                "{'names': ['openat'], 'action': 'SCMP_ACT_NOTIFY'}],"
                                " 'supervisor': {'defaultAction': 'deny', 'rules': ["
                                "{'action': 'allow', 'syscalls': ['openat'],"
                                " 'path': '/tmp/**'}]}}");
        const struct policy_compile_opts all = {
            .notify_execve = true, .notify_root_changes = true, .notify_execveat = true};
        const struct policy_compile_opts none = {0};
        static const char *const tmp = "/tmp/x";
        const struct {
                const char *what;
                const struct policy_compile_opts *opts;
                int nr;
                uint64_t arg1;
                const char *path;
                enum policy_verdict verdict;
                int errno_value;
                bool by_kernel_rules;
        } rows[] = {
            {"execve, matching the ERRNO entry", &all, __NR_execve, 0, NULL, VERDICT_DENY, 13,
             true},
            {"execve, not matching it: default ALLOW", &all, __NR_execve, 1, NULL, VERDICT_ALLOW, 0,
             true},
            {"chroot: KILL_PROCESS", &all, __NR_chroot, 0, NULL, VERDICT_KILL, 0, true},
            {"setns: TRACE with no tracer", &all, __NR_setns, 0, NULL, VERDICT_DENY, ENOSYS, true},
            {"execveat: LOG allows", &all, __NR_execveat, 0, NULL, VERDICT_ALLOW, 0, true},
            {"chroot not tracked: the supervisor rules", &none, __NR_chroot, 0, NULL, VERDICT_DENY,
             EPERM, false},
            {"openat under /tmp: the rule", &all, __NR_openat, 0, tmp, VERDICT_ALLOW, 0, false},
            {"openat elsewhere: the supervisor default", &all, __NR_openat, 0, "/etc/passwd",
             VERDICT_DENY, EPERM, false},
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                struct policy_call c = rows[i].path ? call_paths(rows[i].nr, rows[i].path, NULL, 1)
                                                    : call_nr(rows[i].nr);
                struct policy_route route;
                struct policy_decision d;

                c.args[1] = rows[i].arg1;
                policy_route(p, rows[i].opts, &c, &route);
                if (rows[i].by_kernel_rules)
                        assert_int_equal(policy_route_needs(p, &route, c.nr), 0);
                else
                        assert_int_equal(route.action, KACT_NOTIFY);
                policy_decide_notified(p, &route, &c, &d);
                if (d.verdict != rows[i].verdict ||
                    (d.verdict == VERDICT_DENY && d.errno_value != rows[i].errno_value) ||
                    d.by_kernel_rules != rows[i].by_kernel_rules)
                        fail_msg("%s: verdict %d errno %d by_kernel_rules %d", rows[i].what,
                                 d.verdict, d.errno_value, d.by_kernel_rules);
        }
        policy_free(p);
}

/*
 * run --explain: a notified call the profile's kernel part refuses with an
 * errno is answered with that errno and marked refused; one its NOTIFY
 * entries send goes to the supervisor rules as before; one the filter
 * should not have notified at all is never allowed.
 */
static void test_explained_calls_table(void **state)
{
        (void)state;
        struct policy *p = load("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38,"
                                " 'syscalls': ["
                                "{'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13},"
                                "{'names': ['execve'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 5},"
                                "{'names': ['getpid'], 'action': 'SCMP_ACT_ALLOW'},"
                                "{'names': ['openat'], 'action': 'SCMP_ACT_NOTIFY'}],"
                                " 'supervisor': {'defaultAction': 'allow'}}");
        const struct policy_compile_opts explain = {.notify_execve = true, .notify_refused = true};
        const struct policy_compile_opts plain = {.notify_execve = true};
        const struct {
                const char *what;
                const struct policy_compile_opts *opts;
                int nr;
                enum policy_verdict verdict;
                int errno_value;
                bool refused;
        } rows[] = {
            {"mkdir: its ERRNO entry", &explain, __NR_mkdir, VERDICT_DENY, 13, true},
            {"uname: the ERRNO default", &explain, __NR_uname, VERDICT_DENY, 38, true},
            {"execve, routed anyway: its ERRNO entry", &explain, __NR_execve, VERDICT_DENY, 5,
             true},
            {"openat: the supervisor rules", &explain, __NR_openat, VERDICT_ALLOW, 0, false},
            {"getpid, allowed by the profile yet notified: refused", &explain, __NR_getpid,
             VERDICT_DENY, 38, true},
            {"execve without --explain: denied, not counted", &plain, __NR_execve, VERDICT_DENY, 5,
             false},
            {"mkdir without --explain: the supervisor rules", &plain, __NR_mkdir, VERDICT_ALLOW, 0,
             false},
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                struct policy_call c = call_nr(rows[i].nr);
                struct policy_route route;
                struct policy_decision d;

                policy_route(p, rows[i].opts, &c, &route);
                policy_decide_notified(p, &route, &c, &d);
                if (d.verdict != rows[i].verdict || route.refused != rows[i].refused ||
                    (d.verdict == VERDICT_DENY && d.errno_value != rows[i].errno_value))
                        fail_msg("%s: verdict %d errno %d refused %d", rows[i].what, d.verdict,
                                 d.errno_value, route.refused);
                if (route.refused)
                        assert_true(d.by_kernel_rules);
        }
        policy_free(p);
}

/* The compiler and the server agree on what is routed: one function. */
static void test_routed_calls_follow_the_options(void **state)
{
        (void)state;
        const struct policy_compile_opts exec_only = {.notify_execve = true};
        assert_true(policy_routed(&exec_only, __NR_execve));
        assert_false(policy_routed(&exec_only, __NR_execveat));
        assert_false(policy_routed(&exec_only, __NR_chroot));
        const struct policy_compile_opts roots = {.notify_root_changes = true};
        assert_true(policy_routed(&roots, __NR_chroot));
        assert_true(policy_routed(&roots, __NR_pivot_root));
        assert_true(policy_routed(&roots, __NR_setns));
        assert_false(policy_routed(&roots, __NR_execve));
        assert_false(policy_routed(NULL, __NR_execve));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_first_matching_rule_wins),
            cmocka_unit_test(test_decision_says_whether_it_read_memory),
            cmocka_unit_test(test_no_matching_rule_gives_the_default),
            cmocka_unit_test(test_rule_for_openat_does_not_apply_to_mkdir),
            cmocka_unit_test(test_rule_without_syscalls_applies_to_every_call),
            cmocka_unit_test(test_catch_all_rule_keeps_its_place_in_the_order),
            cmocka_unit_test(test_group_rules_apply_to_each_member),
            cmocka_unit_test(test_numbers_outside_the_table_get_the_default),
            cmocka_unit_test(test_allow_rule_needs_every_path_to_match),
            cmocka_unit_test(test_log_rule_is_permissive_like_allow),
            cmocka_unit_test(test_deny_kill_and_prompt_rules_need_one_path_to_match),
            cmocka_unit_test(test_unreadable_path_matches_deny_rules_not_allow_rules),
            cmocka_unit_test(test_undecoded_paths_match_deny_rules_and_pathless_calls_none),
            cmocka_unit_test(test_path_globs_follow_glob_rules),
            cmocka_unit_test(test_open_rules_table),
            cmocka_unit_test(test_open_rule_needs_its_path_too),
            cmocka_unit_test(test_open_access_of_flags),
            cmocka_unit_test(test_address_rule_matches_family_cidr_and_port),
            cmocka_unit_test(test_address_rule_matches_inet6_prefixes),
            cmocka_unit_test(test_address_rule_matches_unix_socket_globs),
            cmocka_unit_test(test_unix_globs_see_the_resolved_path_not_sun_path),
            cmocka_unit_test(test_unreadable_address_matches_deny_rules_not_allow_rules),
            cmocka_unit_test(test_absent_address_matches_no_address_rule),
            cmocka_unit_test(test_none_rule_matches_calls_that_name_no_peer),
            cmocka_unit_test(test_abstract_name_with_a_nul_meets_deny_rules),
            cmocka_unit_test(test_every_address_of_a_vector_is_decided),
            cmocka_unit_test(test_exe_rule_matches_the_callers_executable),
            cmocka_unit_test(test_uid_rule_matches_the_callers_real_uid),
            cmocka_unit_test(test_each_identity_rule_matches_its_own_identity),
            cmocka_unit_test(test_every_identity_a_rule_names_must_hold),
            cmocka_unit_test(test_unread_identities_meet_deny_rules_only),
            cmocka_unit_test(test_identities_shown_where_they_differ),
            cmocka_unit_test(test_all_conditions_of_a_rule_must_hold),
            cmocka_unit_test(test_rule_args_use_each_operator),
            cmocka_unit_test(test_rule_args_on_several_indexes_all_hold),
            cmocka_unit_test(test_rule_args_compare_what_the_kernel_reads),
            cmocka_unit_test(test_kernel_decide_compares_as_the_filter_does),
            cmocka_unit_test(test_kernel_decide_takes_the_first_matching_entry),
            cmocka_unit_test(test_kernel_decide_default_for_unnamed_calls),
            cmocka_unit_test(test_kernel_decide_alternatives_are_or),
            cmocka_unit_test(test_kernel_decide_conditions_on_distinct_indexes_are_and),
            cmocka_unit_test(test_kernel_decide_uses_each_operator),
            cmocka_unit_test(test_names_syscall_ignores_conditions),
            cmocka_unit_test(test_needs_are_per_syscall),
            cmocka_unit_test(test_catch_all_rule_needs_apply_to_every_syscall),
            cmocka_unit_test(test_notified_calls_table),
            cmocka_unit_test(test_routed_calls_follow_the_options),
            cmocka_unit_test(test_explained_calls_table),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
