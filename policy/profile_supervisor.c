/* SPDX-License-Identifier: MIT */
/* policy/profile_supervisor.c: the "supervisor" extension's user-space rules. */
/*
 * What scmp-super adds to a profile: a default verdict, a prompt timeout
 * and rules that match notified calls on their syscall, arguments, paths,
 * socket address, executable and uid.
 */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

static const struct name_value verdicts[] = {
    {"allow", VERDICT_ALLOW}, {"deny", VERDICT_DENY},     {"kill", VERDICT_KILL},
    {"log", VERDICT_LOG},     {"prompt", VERDICT_PROMPT}, {NULL, 0},
};

static int parse_path_globs(struct loader *l, const cJSON *item, struct policy_rule *rule)
{
        size_t n = cJSON_IsArray(item) ? (size_t)cJSON_GetArraySize(item) : 1;
        if (!cJSON_IsArray(item) && !cJSON_IsString(item))
                return fail(l, "expected a path glob such as \"/etc/**\" or an array of them");
        if (n == 0)
                return fail(l, "empty list of path globs (remove \"path\" to match any path)");
        rule->path_globs = calloc(n, sizeof(char *));
        rule->path_is_literal = calloc(n, sizeof(bool));
        if (!rule->path_globs || !rule->path_is_literal)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const cJSON *g = cJSON_IsArray(item) ? cJSON_GetArrayItem(item, (int)i) : item;
                const char *reason = NULL;
                int r = 0;
                if (cJSON_IsArray(item))
                        path_push_index(l, i);
                if (!cJSON_IsString(g))
                        r = fail(l, "expected a path glob string, found %s", json_type_name(g));
                else if (path_glob_validate(g->valuestring, &reason) < 0)
                        r = fail(l, "bad path glob \"%s\": %s", g->valuestring, reason);
                if (cJSON_IsArray(item))
                        path_pop(l);
                if (r < 0)
                        return r;
                rule->path_globs[i] = strdup(g->valuestring);
                if (!rule->path_globs[i])
                        return -ENOMEM;
                rule->path_is_literal[i] = strpbrk(g->valuestring, "*?[\\") == NULL;
                rule->n_path_globs++;
        }
        return 0;
}

static int parse_address(struct loader *l, const cJSON *obj, struct policy_rule *rule)
{
        static const char *const known[] = {"family", "cidr", "address", "port", "unix", NULL};
        int r;
        if (!cJSON_IsObject(obj))
                return fail(l, "expected an object {family, cidr, port, unix}, found %s",
                            json_type_name(obj));
        if ((r = warn_unknown_keys(l, obj, known)) < 0)
                return r;
        rule->addr = calloc(1, sizeof(*rule->addr));
        if (!rule->addr)
                return -ENOMEM;
        rule->addr->family = AF_UNSPEC;
        rule->addr->port = -1;

        const cJSON *family = cJSON_GetObjectItemCaseSensitive(obj, "family");
        if (family) {
                path_push_key(l, "family");
                if (!cJSON_IsString(family) ||
                    netaddr_parse_family(family->valuestring, &rule->addr->family) < 0)
                        r = fail(l, "unknown address family (use \"inet\", \"inet6\", \"unix\" or "
                                    "\"any\")");
                path_pop(l);
                if (r < 0)
                        return r;
        }
        const char *cidr_key = cJSON_GetObjectItemCaseSensitive(obj, "cidr") ? "cidr" : "address";
        const cJSON *cidr = cJSON_GetObjectItemCaseSensitive(obj, cidr_key);
        if (cidr) {
                path_push_key(l, cidr_key);
                if (!cJSON_IsString(cidr) || netaddr_parse_cidr(cidr->valuestring, rule->addr) < 0)
                        r = fail(
                            l, "expected an IP address or CIDR such as \"10.0.0.0/8\" or \"::1\"%s",
                            family ? " of the rule's family" : "");
                path_pop(l);
                if (r < 0)
                        return r;
        }
        const cJSON *port = cJSON_GetObjectItemCaseSensitive(obj, "port");
        if (port) {
                uint64_t v;
                path_push_key(l, "port");
                r = get_u64(l, port, 65535, &v);
                path_pop(l);
                if (r < 0)
                        return r;
                rule->addr->port = (int)v;
        }
        const cJSON *unix_glob = cJSON_GetObjectItemCaseSensitive(obj, "unix");
        if (unix_glob) {
                const char *reason = NULL;
                path_push_key(l, "unix");
                if (!cJSON_IsString(unix_glob))
                        r = fail(l, "expected a socket path glob such as \"/run/*.sock\" or "
                                    "\"@abstract-*\"");
                else if (rule->addr->family != AF_UNSPEC && rule->addr->family != AF_UNIX)
                        r = fail(l, "a unix path with a non-unix family");
                else if (netaddr_validate_unix_glob(unix_glob->valuestring, &reason) < 0)
                        r = fail(l, "bad socket path glob \"%s\": %s", unix_glob->valuestring,
                                 reason);
                path_pop(l);
                if (r < 0)
                        return r;
                rule->addr->family = AF_UNIX;
                rule->addr->unix_glob = strdup(unix_glob->valuestring);
                if (!rule->addr->unix_glob)
                        return -ENOMEM;
        }
        return 0;
}

void policy_rule_clear(struct policy_rule *rule)
{
        free(rule->comment);
        free(rule->nrs);
        free(rule->args);
        for (size_t i = 0; i < rule->n_path_globs; i++)
                free(rule->path_globs[i]);
        free(rule->path_globs);
        free(rule->path_is_literal);
        if (rule->addr) {
                netaddr_match_free(rule->addr);
                free(rule->addr);
        }
        free(rule->exe_glob);
}

static int parse_verdict_field(struct loader *l, const cJSON *obj, const char *key,
                               const char *errno_key, enum policy_verdict *ret_verdict,
                               int *ret_errno)
{
        const cJSON *act = cJSON_GetObjectItemCaseSensitive(obj, key);
        int v, r = 0;
        path_push_key(l, key);
        if (!act)
                r = fail(
                    l, "missing (add \"%s\": \"allow\", \"deny\", \"kill\", \"log\" or \"prompt\")",
                    key);
        else
                r = lookup_name(l, act, verdicts, "action", &v);
        path_pop(l);
        if (r < 0)
                return r;
        *ret_verdict = (enum policy_verdict)v;
        *ret_errno = EPERM;
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(obj, errno_key);
        if (e) {
                path_push_key(l, errno_key);
                if (v != VERDICT_DENY && v != VERDICT_PROMPT)
                        r = fail(l,
                                 "an errno goes only with \"deny\" (or \"prompt\", for a timeout)");
                else
                        r = parse_errno_value(l, e, ret_errno);
                if (r == 0 && *ret_errno == 0)
                        r = fail(l, "errno 0 would tell the caller its call succeeded (use "
                                    "\"allow\", or an errno from 1 to 4095)");
                path_pop(l);
        }
        return r;
}

static int parse_rule(struct loader *l, const cJSON *obj, struct policy_rule *rule)
{
        static const char *const known[] = {"comment", "syscalls", "args",   "path",  "address",
                                            "exe",     "uid",      "action", "errno", NULL};
        bool alternatives;
        int r;

        if (!cJSON_IsObject(obj))
                return fail(l, "expected a rule object {syscalls, action, ...}, found %s",
                            json_type_name(obj));
        if ((r = warn_unknown_keys(l, obj, known)) < 0)
                return r;
        if ((r = parse_string_field(l, obj, "comment", &rule->comment)) < 0)
                return r;

        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(obj, "syscalls");
        if (syscalls) {
                struct nr_list list = {0};
                path_push_key(l, "syscalls");
                r = parse_names(l, syscalls, &list);
                path_pop(l);
                rule->nrs = list.nrs;
                rule->n_nrs = list.n;
                if (r < 0)
                        return r;
                if (list.n == 0) {
                        path_push_key(l, "syscalls");
                        r = fail(l, "no syscall of this architecture listed (remove \"syscalls\" "
                                    "to match every notified call)");
                        path_pop(l);
                        return r;
                }
        }

        path_push_key(l, "args");
        r = parse_args(l, cJSON_GetObjectItemCaseSensitive(obj, "args"), &rule->args, &rule->n_args,
                       &alternatives);
        path_pop(l);
        if (r < 0)
                return r;
        if (alternatives) {
                path_push_key(l, "args");
                r = fail(l, "two conditions on one argument index; use two rules instead");
                path_pop(l);
                return r;
        }

        const cJSON *paths = cJSON_GetObjectItemCaseSensitive(obj, "path");
        if (paths) {
                path_push_key(l, "path");
                r = parse_path_globs(l, paths, rule);
                path_pop(l);
                if (r < 0)
                        return r;
                rule->needs |= POLICY_NEED_PATHS;
        }

        const cJSON *addr = cJSON_GetObjectItemCaseSensitive(obj, "address");
        if (addr) {
                path_push_key(l, "address");
                r = parse_address(l, addr, rule);
                path_pop(l);
                if (r < 0)
                        return r;
                rule->needs |= POLICY_NEED_ADDR;
        }

        const cJSON *exe = cJSON_GetObjectItemCaseSensitive(obj, "exe");
        if (exe) {
                const char *reason = NULL;
                path_push_key(l, "exe");
                if (!cJSON_IsString(exe))
                        r = fail(l, "expected an executable path glob such as \"/usr/bin/*\"");
                else if (path_glob_validate(exe->valuestring, &reason) < 0)
                        r = fail(l, "bad path glob \"%s\": %s", exe->valuestring, reason);
                path_pop(l);
                if (r < 0)
                        return r;
                rule->exe_glob = strdup(exe->valuestring);
                if (!rule->exe_glob)
                        return -ENOMEM;
                rule->needs |= POLICY_NEED_EXE;
        }

        const cJSON *uid = cJSON_GetObjectItemCaseSensitive(obj, "uid");
        if (uid) {
                uint64_t v;
                path_push_key(l, "uid");
                r = get_u64(l, uid, UINT32_MAX - 1, &v);
                path_pop(l);
                if (r < 0)
                        return r;
                rule->have_uid = true;
                rule->uid = (uid_t)v;
                rule->needs |= POLICY_NEED_UID;
        }

        return parse_verdict_field(l, obj, "action", "errno", &rule->verdict, &rule->errno_value);
}

int parse_supervisor(struct loader *l, const cJSON *sup)
{
        static const char *const known[] = {"defaultAction", "defaultErrno", "promptTimeout",
                                            "rules",         "comment",      NULL};
        struct policy *p = l->policy;
        int r;

        if (!cJSON_IsObject(sup))
                return fail(l, "expected an object {defaultAction, rules}, found %s",
                            json_type_name(sup));
        if ((r = warn_unknown_keys(l, sup, known)) < 0)
                return r;
        p->have_supervisor = true;

        if (cJSON_GetObjectItemCaseSensitive(sup, "defaultAction")) {
                r = parse_verdict_field(l, sup, "defaultAction", "defaultErrno",
                                        &p->default_verdict, &p->default_errno);
                if (r < 0)
                        return r;
        }

        const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(sup, "promptTimeout");
        if (timeout) {
                path_push_key(l, "promptTimeout");
                if (!cJSON_IsNumber(timeout) || timeout->valuedouble <= 0 ||
                    timeout->valuedouble > 86400)
                        r = fail(l, "expected seconds, a number above 0 and at most 86400");
                path_pop(l);
                if (r < 0)
                        return r;
                p->prompt_timeout_ms = (unsigned)(timeout->valuedouble * 1000);
        }

        const cJSON *rules = cJSON_GetObjectItemCaseSensitive(sup, "rules");
        if (!rules || cJSON_IsNull(rules))
                return 0;
        path_push_key(l, "rules");
        if (!cJSON_IsArray(rules)) {
                r = fail(l, "expected an array of rules, found %s", json_type_name(rules));
                path_pop(l);
                return r;
        }
        size_t n = (size_t)cJSON_GetArraySize(rules);
        p->rules = calloc(n ? n : 1, sizeof(*p->rules));
        if (!p->rules) {
                path_pop(l);
                return -ENOMEM;
        }
        const cJSON *item;
        cJSON_ArrayForEach(item, rules)
        {
                struct policy_rule *rule = &p->rules[p->n_rules];
                rule->source_index = p->n_rules;
                path_push_index(l, p->n_rules);
                r = parse_rule(l, item, rule);
                path_pop(l);
                p->n_rules++; /* counted even on failure so policy_free releases it */
                if (r < 0)
                        break;
        }
        path_pop(l);
        return r;
}

const char *policy_verdict_name(enum policy_verdict verdict)
{
        for (size_t i = 0; verdicts[i].name; i++)
                if (verdicts[i].value == (int)verdict)
                        return verdicts[i].name;
        return "?";
}

int policy_parse_verdict(const char *name, enum policy_verdict *ret_verdict)
{
        for (size_t i = 0; verdicts[i].name; i++)
                if (strcmp(verdicts[i].name, name) == 0) {
                        *ret_verdict = (enum policy_verdict)verdicts[i].value;
                        return 0;
                }
        return -EINVAL;
}
