/* SPDX-License-Identifier: MIT */
/* Rules made from answers to prompts: what they name, and that the policy
 * matches them to the call they came from and not to others. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cmocka.h>

#include "base/env.h"
#include "policy.h"
#include "prompt/prompt_rule.h"

static struct policy_call open_call(const char *path, uint64_t flags, const char *exe)
{
        struct policy_call c = {.nr = __NR_openat, .pid = 1};
        c.args[0] = (uint64_t)(int64_t)AT_FDCWD;
        c.args[2] = flags;
        c.have_open = true; /* decoded with the paths */
        c.open_flags = flags;
        c.have_paths = true;
        c.n_paths = 1;
        c.paths[0] = path;
        c.have_exe = true;
        c.exe = exe;
        c.have_addr = true;
        return c;
}

static struct policy_call connect_call(const void *sa, socklen_t len)
{
        struct policy_call c = {.nr = __NR_connect, .pid = 1};
        c.args[2] = len;
        c.have_addr = true;
        memcpy(&c.addr, sa, len);
        c.addr_len = len;
        c.have_paths = true;
        c.have_exe = true;
        c.exe = "/usr/bin/curl";
        return c;
}

/* A policy whose only rule is rule and whose default is "prompt". */
static struct policy *policy_with(const cJSON *rule)
{
        struct policy_env env;
        struct policy_error err;
        struct policy *p = NULL;
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "defaultAction", "SCMP_ACT_ALLOW");
        cJSON *sup = cJSON_AddObjectToObject(doc, "supervisor");
        cJSON_AddStringToObject(sup, "defaultAction", "prompt");
        cJSON *rules = cJSON_AddArrayToObject(sup, "rules");
        cJSON_AddItemToArray(rules, cJSON_Duplicate(rule, true));
        char *text = cJSON_PrintUnformatted(doc);
        env_detect(&env);
        int r = policy_load_buffer(text, strlen(text), "test", &env, &p, &err);
        if (r < 0)
                fail_msg("%s: %s", text, err.message);
        cJSON_free(text);
        cJSON_Delete(doc);
        return p;
}

static enum policy_verdict decide(const struct policy *p, const struct policy_call *c)
{
        struct policy_decision d;
        policy_decide(p, c, &d);
        return d.verdict;
}

static cJSON *build_ok(const struct policy_call *c, const char *name, enum policy_verdict v, int e,
                       const char *pattern)
{
        char err[256] = "";
        cJSON *rule = NULL;
        int r = prompt_rule_build(c, name, v, e, pattern, NULL, &rule, err, sizeof(err));
        if (r < 0)
                fail_msg("prompt_rule_build: %s", err);
        return rule;
}

static void glob_escape_makes_metacharacters_literal(void **state)
{
        char buf[64];
        assert_int_equal(prompt_glob_escape("/a*b?[c]\\d", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "/a\\*b\\?\\[c]\\\\d");
        assert_int_equal(prompt_glob_escape("/abcdef", buf, 4), -ENOSPC);
}

static void exact_open_rule_names_syscall_path_exe_and_access_mode(void **state)
{
        struct policy_call c = open_call("/etc/hosts", O_RDONLY | O_CLOEXEC, "/usr/bin/cat");
        cJSON *rule = build_ok(&c, "openat", VERDICT_ALLOW, 0, NULL);
        char *text = cJSON_PrintUnformatted(rule);
        assert_string_equal(text, "{\"syscalls\":[\"openat\"],\"path\":[\"/etc/hosts\"],"
                                  "\"open\":[\"O_RDONLY\"],\"exe\":\"/usr/bin/cat\","
                                  "\"action\":\"allow\"}");
        cJSON_free(text);

        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_ALLOW);
        struct policy_call other_flags = open_call("/etc/hosts", O_RDONLY, "/usr/bin/cat");
        assert_int_equal(decide(p, &other_flags), VERDICT_ALLOW);
        struct policy_call writing = open_call("/etc/hosts", O_WRONLY, "/usr/bin/cat");
        assert_int_equal(decide(p, &writing), VERDICT_PROMPT);
        /* The red team's: allowed for reading, the file was emptied. */
        struct policy_call truncating =
            open_call("/etc/hosts", O_RDONLY | O_TRUNC | O_CLOEXEC, "/usr/bin/cat");
        assert_int_equal(decide(p, &truncating), VERDICT_PROMPT);
        struct policy_call creating = open_call("/etc/hosts", O_RDONLY | O_CREAT, "/usr/bin/cat");
        assert_int_equal(decide(p, &creating), VERDICT_PROMPT);
        struct policy_call other_path = open_call("/etc/passwd", O_RDONLY, "/usr/bin/cat");
        assert_int_equal(decide(p, &other_path), VERDICT_PROMPT);
        struct policy_call other_exe = open_call("/etc/hosts", O_RDONLY, "/usr/bin/less");
        assert_int_equal(decide(p, &other_exe), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);
}

static void exact_rule_escapes_glob_characters_in_paths(void **state)
{
        struct policy_call c = open_call("/tmp/a*b", O_RDONLY, "/bin/x");
        cJSON *rule = build_ok(&c, "openat", VERDICT_DENY, EACCES, NULL);
        struct policy *p = policy_with(rule);
        struct policy_decision d;
        policy_decide(p, &c, &d);
        assert_int_equal(d.verdict, VERDICT_DENY);
        assert_int_equal(d.errno_value, EACCES);
        struct policy_call other = open_call("/tmp/axxb", O_RDONLY, "/bin/x");
        assert_int_equal(decide(p, &other), VERDICT_PROMPT);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "errno")),
                            "EACCES");
        policy_free(p);
        cJSON_Delete(rule);
}

static void directory_pattern_covers_siblings(void **state)
{
        struct policy_call c = open_call("/etc/hosts", O_RDONLY, "/usr/bin/cat");
        cJSON *rule = build_ok(&c, "openat", VERDICT_ALLOW, 0, "/etc/*");
        struct policy *p = policy_with(rule);
        struct policy_call sibling = open_call("/etc/passwd", O_RDONLY, "/usr/bin/cat");
        assert_int_equal(decide(p, &sibling), VERDICT_ALLOW);
        struct policy_call below = open_call("/etc/ssl/x", O_RDONLY, "/usr/bin/cat");
        assert_int_equal(decide(p, &below), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);
}

static void pattern_must_cover_the_call(void **state)
{
        struct policy_call c = open_call("/etc/hosts", O_RDONLY, "/usr/bin/cat");
        char err[256] = "";
        cJSON *rule = NULL;
        assert_int_equal(prompt_rule_build(&c, "openat", VERDICT_ALLOW, 0, "/usr/*", NULL, &rule,
                                           err, sizeof(err)),
                         -EINVAL);
        assert_null(rule);
        assert_non_null(strstr(err, "does not match"));
        assert_int_equal(prompt_rule_build(&c, "openat", VERDICT_ALLOW, 0, "relative/*", NULL,
                                           &rule, err, sizeof(err)),
                         -EINVAL);
        assert_non_null(strstr(err, "bad path pattern"));
}

static void unreadable_path_makes_no_lasting_rule(void **state)
{
        struct policy_call c = open_call(NULL, O_RDONLY, "/usr/bin/cat");
        char err[256] = "";
        cJSON *rule = NULL;
        assert_int_equal(
            prompt_rule_build(&c, "openat", VERDICT_ALLOW, 0, NULL, NULL, &rule, err, sizeof(err)),
            -EINVAL);
        assert_non_null(strstr(err, "could not be read"));
}

static void undecoded_paths_make_no_lasting_rule(void **state)
{
        /* A 32-bit open: the supervisor does not decode its paths. */
        struct policy_call c = {.nr = __NR_openat, .have_exe = true, .exe = "/bin/x"};
        char err[256] = "";
        cJSON *rule = NULL;
        assert_int_equal(
            prompt_rule_build(&c, "openat", VERDICT_ALLOW, 0, NULL, NULL, &rule, err, sizeof(err)),
            -EINVAL);
        assert_null(rule);
        assert_non_null(strstr(err, "not decoded"));
}

/* A lasting answer is as wide as the open shown, whichever open call it
 * was and whatever the answer: the rule's "open" lists its flags. */
static void lasting_open_rules_carry_the_flags_shown(void **state)
{
        static const struct {
                int nr;
                const char *name;
                uint64_t flags;
                const char *open;
        } cases[] = {
            {__NR_openat, "openat", O_RDONLY | O_CLOEXEC | O_NOFOLLOW, "[\"O_RDONLY\"]"},
            {__NR_open, "open", O_WRONLY | O_CREAT | O_TRUNC | O_EXCL,
             "[\"O_WRONLY\",\"O_TRUNC\",\"O_CREAT\"]"},
            {__NR_openat2, "openat2", O_RDWR | O_APPEND, "[\"O_RDWR\",\"O_APPEND\"]"},
            {__NR_openat2, "openat2", O_PATH | O_RDWR, "[\"O_PATH\"]"},
            {__NR_creat, "creat", O_WRONLY | O_CREAT | O_TRUNC,
             "[\"O_WRONLY\",\"O_TRUNC\",\"O_CREAT\"]"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct policy_call c = open_call("/srv/f", cases[i].flags, "/bin/x");
                c.nr = cases[i].nr;
                for (int v = 0; v < 2; v++) {
                        cJSON *rule = build_ok(&c, cases[i].name, v ? VERDICT_DENY : VERDICT_ALLOW,
                                               EACCES, NULL);
                        char *open =
                            cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(rule, "open"));
                        assert_string_equal(open, cases[i].open);
                        /* No argument condition on the flags: "open" says it. */
                        assert_null(cJSON_GetObjectItemCaseSensitive(rule, "args"));
                        cJSON_free(open);
                        struct policy *p = policy_with(rule);
                        assert_int_equal(decide(p, &c), v ? VERDICT_DENY : VERDICT_ALLOW);
                        policy_free(p);
                        cJSON_Delete(rule);
                }
        }
}

/* openat2: a read allowed for good does not allow a write or a truncation,
 * nor an openat2 whose flags could not be read; a deny for writing
 * refuses every open that writes. */
static void openat2_rules_cover_only_what_was_shown(void **state)
{
        struct policy_call c = open_call("/srv/f", O_RDONLY, "/bin/x");
        c.nr = __NR_openat2;
        c.open_resolve = 0x04;
        cJSON *rule = build_ok(&c, "openat2", VERDICT_ALLOW, 0, NULL);
        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_ALLOW);
        c.open_flags = O_RDONLY | O_TRUNC;
        assert_int_equal(decide(p, &c), VERDICT_PROMPT);
        c.open_flags = O_RDWR;
        assert_int_equal(decide(p, &c), VERDICT_PROMPT);
        c.open_flags = O_RDONLY;
        c.have_open = false;
        assert_int_equal(decide(p, &c), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);

        c.have_open = true;
        c.open_flags = O_WRONLY;
        rule = build_ok(&c, "openat2", VERDICT_DENY, EROFS, NULL);
        p = policy_with(rule);
        c.open_flags = O_RDWR | O_CREAT;
        assert_int_equal(decide(p, &c), VERDICT_DENY);
        c.open_flags = O_RDONLY;
        assert_int_equal(decide(p, &c), VERDICT_PROMPT);
        c.have_open = false;
        assert_int_equal(decide(p, &c), VERDICT_DENY);
        policy_free(p);
        cJSON_Delete(rule);
}

static void unread_open_how_makes_no_lasting_rule(void **state)
{
        struct policy_call c = open_call("/srv/f", 0, "/bin/x");
        char err[256] = "";
        cJSON *rule = NULL;
        c.nr = __NR_openat2;
        c.have_open = false;
        assert_int_equal(
            prompt_rule_build(&c, "openat2", VERDICT_DENY, 0, NULL, NULL, &rule, err, sizeof(err)),
            -EINVAL);
        assert_null(rule);
        assert_non_null(strstr(err, "open_how"));
        assert_non_null(strstr(err, "answer once"));
}

static void inet_rule_names_host_and_port_or_a_cidr(void **state)
{
        struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(443)};
        inet_pton(AF_INET, "10.1.2.3", &in.sin_addr);
        struct policy_call c = connect_call(&in, sizeof(in));
        cJSON *rule = build_ok(&c, "connect", VERDICT_ALLOW, 0, NULL);
        cJSON *addr = cJSON_GetObjectItemCaseSensitive(rule, "address");
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(addr, "cidr")),
                            "10.1.2.3");
        assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(addr, "port")), 443);
        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_ALLOW);
        struct sockaddr_in other_port = in;
        other_port.sin_port = htons(80);
        struct policy_call c80 = connect_call(&other_port, sizeof(other_port));
        assert_int_equal(decide(p, &c80), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);

        rule = build_ok(&c, "connect", VERDICT_ALLOW, 0, "10.0.0.0/8");
        p = policy_with(rule);
        assert_int_equal(decide(p, &c80), VERDICT_ALLOW);
        struct sockaddr_in elsewhere = in;
        inet_pton(AF_INET, "192.168.1.1", &elsewhere.sin_addr);
        struct policy_call far = connect_call(&elsewhere, sizeof(elsewhere));
        assert_int_equal(decide(p, &far), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);

        char err[256];
        rule = NULL;
        assert_int_equal(prompt_rule_build(&c, "connect", VERDICT_ALLOW, 0, "192.168.0.0/16", NULL,
                                           &rule, err, sizeof(err)),
                         -EINVAL);
}

static void abstract_unix_socket_rule_is_exact(void **state)
{
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        memcpy(un.sun_path, "\0bus*1", 6);
        socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 6);
        struct policy_call c = connect_call(&un, len);
        cJSON *rule = build_ok(&c, "connect", VERDICT_DENY, EPERM, NULL);
        cJSON *addr = cJSON_GetObjectItemCaseSensitive(rule, "address");
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(addr, "unix")),
                            "@bus\\*1");
        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_DENY);
        memcpy(un.sun_path, "\0busX1", 6);
        struct policy_call other = connect_call(&un, len);
        assert_int_equal(decide(p, &other), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);
}

static void unreadable_address_makes_no_lasting_rule(void **state)
{
        struct policy_call c = {.nr = __NR_connect, .have_addr = true, .addr_len = 0};
        char err[256];
        cJSON *rule = NULL;
        assert_int_equal(
            prompt_rule_build(&c, "connect", VERDICT_ALLOW, 0, NULL, NULL, &rule, err, sizeof(err)),
            -EINVAL);
}

static const char *scope_pattern(const cJSON *scopes, int i)
{
        return cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(scopes, i), "pattern"));
}

static void scopes_for_a_path_follow_aa_logprof(void **state)
{
        struct policy_call c = open_call("/home/u/notes.txt", O_RDONLY, "/bin/x");
        cJSON *scopes = prompt_rule_scopes(&c);
        /* The five patterns, and exactly this from any program. */
        assert_int_equal(cJSON_GetArraySize(scopes), 6);
        assert_true(cJSON_IsNull(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(scopes, 0), "pattern")));
        assert_string_equal(scope_pattern(scopes, 1), "/home/u/*");
        assert_string_equal(scope_pattern(scopes, 2), "/home/u/**");
        assert_string_equal(scope_pattern(scopes, 3), "/home/u/*.txt");
        assert_string_equal(scope_pattern(scopes, 4), "/**/*.txt");
        /* Every offered pattern must make a rule for the call. */
        for (int i = 0; i < 5; i++) {
                cJSON *rule = build_ok(&c, "openat", VERDICT_ALLOW, 0, scope_pattern(scopes, i));
                struct policy *p = policy_with(rule);
                assert_int_equal(decide(p, &c), VERDICT_ALLOW);
                policy_free(p);
                cJSON_Delete(rule);
        }
        cJSON_Delete(scopes);

        struct policy_call root_file = open_call("/x", O_RDONLY, "/bin/x");
        scopes = prompt_rule_scopes(&root_file);
        assert_string_equal(scope_pattern(scopes, 1), "/*");
        cJSON_Delete(scopes);
}

static void scopes_for_an_ip_address_offer_any_port(void **state)
{
        struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(22)};
        inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
        struct policy_call c = connect_call(&in6, sizeof(in6));
        cJSON *scopes = prompt_rule_scopes(&c);
        assert_int_equal(cJSON_GetArraySize(scopes), 6);
        assert_string_equal(scope_pattern(scopes, 1), "2001:db8::1");
        cJSON *rule = build_ok(&c, "connect", VERDICT_ALLOW, 0, scope_pattern(scopes, 1));
        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_ALLOW);
        policy_free(p);
        cJSON_Delete(rule);
        cJSON_Delete(scopes);
}

static void call_without_path_or_address_takes_no_pattern(void **state)
{
        struct policy_call c = {.nr = __NR_ptrace, .have_exe = true, .exe = "/usr/bin/gdb"};
        char err[256];
        cJSON *rule = NULL;
        assert_int_equal(prompt_rule_build(&c, "ptrace", VERDICT_ALLOW, 0, "/x/*", NULL, &rule, err,
                                           sizeof(err)),
                         -EINVAL);
        rule = build_ok(&c, "ptrace", VERDICT_KILL, 0, NULL);
        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_KILL);
        policy_free(p);
        cJSON_Delete(rule);
}

static const char *scope_name(const cJSON *scopes, int i)
{
        return cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(scopes, i), "name"));
}

/* The rule a scope of call adds, with action, as the broker applies it. */
static cJSON *scope_rule(const struct policy_call *c, const char *syscall, const char *name,
                         enum policy_verdict verdict)
{
        char err[256] = "";
        cJSON *rule = NULL;
        if (prompt_rule_build_scope(c, syscall, name, NULL, &rule, err, sizeof(err)) != 0)
                fail_msg("scope %s: %s", name, err);
        assert_null(cJSON_GetObjectItemCaseSensitive(rule, "action"));
        cJSON_AddStringToObject(rule, "action", policy_verdict_name(verdict));
        if (verdict == VERDICT_DENY)
                cJSON_AddStringToObject(rule, "errno", "EPERM");
        return rule;
}

static struct policy_call inet_call(int nr, const char *ip, int port, const char *exe,
                                    struct sockaddr_in *sa)
{
        memset(sa, 0, sizeof(*sa));
        sa->sin_family = AF_INET;
        sa->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, ip, &sa->sin_addr);
        struct policy_call c = connect_call(sa, sizeof(*sa));
        c.nr = nr;
        c.exe = exe;
        return c;
}

/* What a person expects of a connect: this address, this port anywhere,
 * any address, the program's whole network; each tied to the executable
 * but the last, which says so by leaving "exe" out. */
static void scopes_for_an_inet_connect_are_named_in_order(void **state)
{
        struct sockaddr_in sa;
        struct policy_call c =
            inet_call(__NR_connect, "127.0.0.2", 8080, "/usr/bin/python3.11", &sa);
        cJSON *scopes = prompt_rule_scopes(&c);
        static const char *const names[] = {"exact",       "host",    "port",
                                            "any-address", "network", "exact-any-program"};
        assert_int_equal(cJSON_GetArraySize(scopes), 6);
        for (int i = 0; i < 6; i++)
                assert_string_equal(scope_name(scopes, i), names[i]);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                                cJSON_GetArrayItem(scopes, 2), "label")),
                            "port 8080 on any IPv4 address");
        for (int i = 0; i < 6; i++) {
                cJSON *rule = scope_rule(&c, "connect", names[i], VERDICT_ALLOW);
                const char *exe =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "exe"));
                if (i == 5)
                        assert_null(exe);
                else
                        assert_string_equal(exe, "/usr/bin/python3.11");
                /* Every scope covers the call it was offered for. */
                struct policy *p = policy_with(rule);
                assert_int_equal(decide(p, &c), VERDICT_ALLOW);
                policy_free(p);
                cJSON_Delete(rule);
        }
        cJSON_Delete(scopes);
}

static void port_scope_covers_that_port_on_other_addresses_only(void **state)
{
        struct sockaddr_in sa, other_sa, other_port_sa;
        struct policy_call c = inet_call(__NR_connect, "127.0.0.2", 8080, "/bin/x", &sa);
        struct policy_call other = inet_call(__NR_connect, "127.0.0.3", 8080, "/bin/x", &other_sa);
        struct policy_call other_port =
            inet_call(__NR_connect, "127.0.0.2", 8081, "/bin/x", &other_port_sa);
        struct policy_call other_exe =
            inet_call(__NR_connect, "127.0.0.3", 8080, "/bin/y", &other_sa);
        cJSON *rule = scope_rule(&c, "connect", "port", VERDICT_ALLOW);
        const cJSON *addr = cJSON_GetObjectItemCaseSensitive(rule, "address");
        assert_null(cJSON_GetObjectItemCaseSensitive(addr, "cidr"));
        assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(addr, "port")),
                         8080);
        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &other), VERDICT_ALLOW);
        assert_int_equal(decide(p, &other_port), VERDICT_PROMPT);
        assert_int_equal(decide(p, &other_exe), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);

        rule = scope_rule(&c, "connect", "any-address", VERDICT_ALLOW);
        p = policy_with(rule);
        assert_int_equal(decide(p, &other), VERDICT_ALLOW);
        assert_int_equal(decide(p, &other_port), VERDICT_ALLOW);
        assert_int_equal(decide(p, &other_exe), VERDICT_PROMPT);
        /* Of the call's family only: a unix socket is not "any address". */
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        strcpy(un.sun_path, "/run/x.sock");
        struct policy_call unix_call = connect_call(&un, sizeof(un));
        unix_call.exe = "/bin/x";
        assert_int_equal(decide(p, &unix_call), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);
}

/* "This program's network": every call that names a peer, any peer, of
 * this executable; another program's still asks. */
static void network_scope_covers_every_peer_call_of_the_program(void **state)
{
        struct sockaddr_in sa, b, s;
        struct policy_call c = inet_call(__NR_connect, "127.0.0.2", 8080, "/bin/x", &sa);
        struct policy_call bind_call = inet_call(__NR_bind, "127.0.0.1", 9, "/bin/x", &b);
        struct policy_call send_call = inet_call(__NR_sendto, "127.0.0.9", 53, "/bin/x", &s);
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        strcpy(un.sun_path, "/run/x.sock");
        struct policy_call unix_call = connect_call(&un, sizeof(un));
        unix_call.exe = "/bin/x";
        struct policy_call other_exe = inet_call(__NR_connect, "127.0.0.2", 8080, "/bin/y", &sa);

        cJSON *rule = scope_rule(&c, "connect", "network", VERDICT_DENY);
        assert_null(cJSON_GetObjectItemCaseSensitive(rule, "address"));
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rule, "syscalls")), 5);
        struct policy *p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_DENY);
        assert_int_equal(decide(p, &bind_call), VERDICT_DENY);
        assert_int_equal(decide(p, &send_call), VERDICT_DENY);
        assert_int_equal(decide(p, &unix_call), VERDICT_DENY);
        assert_int_equal(decide(p, &other_exe), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);

        /* Not offered, and refused, for a call without a peer. */
        struct policy_call open_c = open_call("/etc/x", O_RDONLY, "/bin/x");
        cJSON *scopes = prompt_rule_scopes(&open_c);
        const cJSON *scope;
        cJSON_ArrayForEach(scope, scopes)
        {
                const char *n =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(scope, "name"));
                assert_true(strcmp(n, "network") != 0 && strcmp(n, "port") != 0);
        }
        cJSON_Delete(scopes);
        char err[256];
        rule = NULL;
        assert_int_equal(
            prompt_rule_build_scope(&open_c, "openat", "network", NULL, &rule, err, sizeof(err)),
            -EINVAL);
        assert_int_equal(
            prompt_rule_build_scope(&open_c, "openat", "port", NULL, &rule, err, sizeof(err)),
            -EINVAL);
        assert_null(rule);
}

/* The one scope not tied to the executable: the same call from another
 * program (an upgraded interpreter) is covered; another call is not. */
static void any_program_scope_leaves_out_the_executable(void **state)
{
        struct policy_call c = open_call("/home/u/notes.txt", O_RDONLY, "/usr/bin/python3.11");
        struct policy_call upgraded =
            open_call("/home/u/notes.txt", O_RDONLY, "/usr/bin/python3.12");
        struct policy_call other = open_call("/home/u/other.txt", O_RDONLY, "/usr/bin/python3.12");
        cJSON *exact = scope_rule(&c, "openat", "exact", VERDICT_ALLOW);
        struct policy *p = policy_with(exact);
        assert_int_equal(decide(p, &upgraded), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(exact);
        cJSON *rule = scope_rule(&c, "openat", "exact-any-program", VERDICT_ALLOW);
        assert_null(cJSON_GetObjectItemCaseSensitive(rule, "exe"));
        p = policy_with(rule);
        assert_int_equal(decide(p, &c), VERDICT_ALLOW);
        assert_int_equal(decide(p, &upgraded), VERDICT_ALLOW);
        assert_int_equal(decide(p, &other), VERDICT_PROMPT);
        policy_free(p);
        cJSON_Delete(rule);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(glob_escape_makes_metacharacters_literal),
            cmocka_unit_test(exact_open_rule_names_syscall_path_exe_and_access_mode),
            cmocka_unit_test(exact_rule_escapes_glob_characters_in_paths),
            cmocka_unit_test(directory_pattern_covers_siblings),
            cmocka_unit_test(pattern_must_cover_the_call),
            cmocka_unit_test(unreadable_path_makes_no_lasting_rule),
            cmocka_unit_test(undecoded_paths_make_no_lasting_rule),
            cmocka_unit_test(lasting_open_rules_carry_the_flags_shown),
            cmocka_unit_test(openat2_rules_cover_only_what_was_shown),
            cmocka_unit_test(unread_open_how_makes_no_lasting_rule),
            cmocka_unit_test(inet_rule_names_host_and_port_or_a_cidr),
            cmocka_unit_test(abstract_unix_socket_rule_is_exact),
            cmocka_unit_test(unreadable_address_makes_no_lasting_rule),
            cmocka_unit_test(scopes_for_a_path_follow_aa_logprof),
            cmocka_unit_test(scopes_for_an_ip_address_offer_any_port),
            cmocka_unit_test(call_without_path_or_address_takes_no_pattern),
            cmocka_unit_test(scopes_for_an_inet_connect_are_named_in_order),
            cmocka_unit_test(port_scope_covers_that_port_on_other_addresses_only),
            cmocka_unit_test(network_scope_covers_every_peer_call_of_the_program),
            cmocka_unit_test(any_program_scope_leaves_out_the_executable),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
