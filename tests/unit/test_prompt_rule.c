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
        assert_int_equal(cJSON_GetArraySize(scopes), 5);
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
        assert_int_equal(cJSON_GetArraySize(scopes), 2);
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
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
