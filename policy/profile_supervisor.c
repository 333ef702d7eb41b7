/* SPDX-License-Identifier: MIT */
/* policy/profile_supervisor.c: the "supervisor" extension's user-space rules. */
/*
 * What scmp-super adds to a profile: a default verdict, a prompt timeout
 * and rules that match notified calls on their syscall, arguments, paths,
 * what an open may do, socket address, executable and identities.
 */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "syscall_args.h"

static const struct name_value verdicts[] = {
    {"allow", VERDICT_ALLOW}, {"deny", VERDICT_DENY},     {"kill", VERDICT_KILL},
    {"log", VERDICT_LOG},     {"prompt", VERDICT_PROMPT}, {NULL, 0},
};

static int check_path_glob(struct loader *l, const cJSON *g)
{
        const char *reason = NULL;
        if (!cJSON_IsString(g))
                return fail(l, "expected a path glob string, found %s", json_type_name(g));
        if (path_glob_validate(g->valuestring, &reason) < 0)
                return fail(l, "bad path glob \"%s\": %s", g->valuestring, reason);
        return 0;
}

/* The glob g with a leading ${HOME} or ${CWD} replaced by what the
 * environment says (policy_env), its wildcard characters escaped so that
 * they match themselves. Any other "${" is refused: a rule that means a
 * variable and matched its name literally would never apply. */
static int expand_path_glob(struct loader *l, const char *g, char **ret_glob)
{
        static const struct {
                const char *token, *what;
        } vars[] = {{"${HOME}", "the invoking user's home"},
                    {"${CWD}", "the directory scmp-super was started in"}};
        const char *value = NULL, *rest = g, *what = NULL, *token = NULL;

        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                size_t n = strlen(vars[i].token);
                if (strncmp(g, vars[i].token, n) == 0 && (g[n] == '/' || g[n] == '\0')) {
                        token = vars[i].token;
                        what = vars[i].what;
                        value = i == 0 ? l->env->home : l->env->cwd;
                        rest = g + n;
                        break;
                }
        }
        if (strstr(rest, "${"))
                return fail(l,
                            "bad path glob \"%s\": only a leading ${HOME} or ${CWD}, followed by "
                            "'/' or nothing, is expanded",
                            g);
        if (!token) {
                *ret_glob = strdup(g);
                return *ret_glob ? 0 : -ENOMEM;
        }
        if (!value || value[0] != '/')
                return fail(l,
                            "%s (%s) is not known here: HOME is unset or not absolute, or this "
                            "is the daemon, which serves many users and expands neither",
                            token, what);
        size_t value_len = strlen(value);
        while (value_len > 0 && value[value_len - 1] == '/')
                value_len--; /* "/" as home: "${HOME}/x" is "/x" */
        size_t rest_len = strlen(rest);
        if (value_len > PATH_GLOB_MAX || rest_len > PATH_GLOB_MAX)
                return fail(l, "%s: too long", token);
        char *out = malloc(2 * value_len + rest_len + 2);
        if (!out)
                return -ENOMEM;
        size_t o = 0;
        for (size_t i = 0; i < value_len; i++) {
                if (strchr("*?[\\", value[i]))
                        out[o++] = '\\';
                out[o++] = value[i];
        }
        if (o == 0 && rest_len == 0)
                out[o++] = '/';
        memcpy(out + o, rest, rest_len + 1);
        *ret_glob = out;
        return 0;
}

/* One glob of "path", expanded and checked, in *ret_glob (the caller
 * frees it). */
static int parse_path_glob(struct loader *l, const cJSON *g, char **ret_glob)
{
        char *expanded = NULL;
        int r;

        if (!cJSON_IsString(g)) {
                r = check_path_glob(l, g); /* says what it found instead */
                return r < 0 ? r : -EINVAL;
        }
        r = expand_path_glob(l, g->valuestring, &expanded);
        if (r < 0)
                return r;
        const cJSON text = {.type = cJSON_String, .valuestring = expanded};
        r = check_path_glob(l, &text);
        if (r < 0) {
                free(expanded);
                return r;
        }
        *ret_glob = expanded;
        return 0;
}

/* "path": one glob, or an array of them. */
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
                char *expanded = NULL;
                int r = cJSON_IsArray(item) ? under_index(l, i, parse_path_glob(l, g, &expanded))
                                            : parse_path_glob(l, g, &expanded);
                if (r < 0)
                        return r;
                rule->path_globs[i] = expanded;
                rule->path_is_literal[i] = strpbrk(expanded, "*?[\\") == NULL;
                rule->n_path_globs++;
        }
        return 0;
}

/* The names the "open" field takes, in the order policy_open_access_names()
 * writes them (O_RDWR first: it is the two bits of O_RDONLY and O_WRONLY). */
static const struct name_value open_access_names[] = {
    {"O_RDWR", POLICY_OPEN_READ | POLICY_OPEN_WRITE},
    {"O_RDONLY", POLICY_OPEN_READ},
    {"O_WRONLY", POLICY_OPEN_WRITE},
    {"O_TRUNC", POLICY_OPEN_TRUNC},
    {"O_CREAT", POLICY_OPEN_CREAT},
    {"O_APPEND", POLICY_OPEN_APPEND},
    {"O_TMPFILE", POLICY_OPEN_TMPFILE},
    {"O_PATH", POLICY_OPEN_PATH},
    {NULL, 0},
};

/* Open flags the field refuses, each with the reason: listing them would
 * suggest a rule says more than it does. */
static const char *const open_flags_narrowing[] = {"O_EXCL", "O_DIRECTORY", "O_NOFOLLOW", NULL};
static const char *const open_flags_no_access[] = {
    "O_CLOEXEC", "O_NONBLOCK", "O_NDELAY",  "O_SYNC",   "O_DSYNC",     "O_RSYNC", "O_FSYNC",
    "O_ASYNC",   "O_DIRECT",   "O_NOATIME", "O_NOCTTY", "O_LARGEFILE", NULL,
};

static bool name_listed(const char *const *names, const char *name)
{
        for (size_t i = 0; names[i]; i++)
                if (strcmp(names[i], name) == 0)
                        return true;
        return false;
}

size_t policy_open_access_names(unsigned access, const char **ret_names, size_t max)
{
        size_t n = 0;

        for (size_t i = 0; open_access_names[i].name; i++) {
                unsigned bits = (unsigned)open_access_names[i].value;
                if ((access & bits) != bits)
                        continue;
                access &= ~bits;
                if (n < max)
                        ret_names[n] = open_access_names[i].name;
                n++;
        }
        return n;
}

static int parse_open_flag(struct loader *l, const cJSON *item, size_t index, void *ctx)
{
        unsigned *access = ctx;
        int v, r;

        (void)index;
        if (cJSON_IsString(item)) {
                const char *name = item->valuestring;
                if (name_listed(open_flags_narrowing, name))
                        return fail(l,
                                    "\"%s\" only narrows what an open may do, so a rule need not "
                                    "list it (an open with it matches as one without)",
                                    name);
                if (name_listed(open_flags_no_access, name))
                        return fail(l,
                                    "\"%s\" does not change what an open may do to the file; "
                                    "leave it out",
                                    name);
                if (strchr(name, '|'))
                        return fail(l,
                                    "one flag per element: write \"%s\" as a list such as "
                                    "[\"O_WRONLY\", \"O_CREAT\"]",
                                    name);
        }
        if ((r = lookup_name(l, item, open_access_names, "open flag", &v)) < 0)
                return r;
        *access |= (unsigned)v;
        return 0;
}

/* "open": a flag name, or a list of them. */
static int parse_open_access(struct loader *l, const cJSON *item, struct policy_rule *rule)
{
        unsigned access = 0;
        int r;

        if (cJSON_IsString(item))
                r = parse_open_flag(l, item, 0, &access);
        else if (!cJSON_IsArray(item))
                return fail(l,
                            "expected a list of open flags such as [\"O_RDONLY\"] or "
                            "[\"O_WRONLY\", \"O_CREAT\", \"O_TRUNC\"], found %s",
                            json_type_name(item));
        else if (cJSON_GetArraySize(item) == 0)
                return fail(l, "empty list of open flags (remove \"open\" to match any open)");
        else
                r = parse_array(l, item, "open flags", parse_open_flag, &access);
        if (r < 0)
                return r;
        rule->open_access = access;
        return 0;
}

/* A rule on an open's flags is for opens only, and must say so. */
static int check_open_syscalls(struct loader *l, const struct policy_rule *rule)
{
        if (rule->n_nrs == 0)
                return fail(l, "a rule on an open's flags names its calls: add \"syscalls\": "
                               "[\"open\", \"openat\", \"openat2\", \"creat\"], or those of "
                               "them it is for");
        for (size_t i = 0; i < rule->n_nrs; i++) {
                if (policy_is_open_call(rule->nrs[i]))
                        continue;
                char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), rule->nrs[i]);
                int r = fail(l,
                             "applies only to open, openat, openat2 and creat, but \"syscalls\" "
                             "also names %s (give it a rule of its own)",
                             name ? name : "another call");
                free(name);
                return r;
        }
        return 0;
}

/*
 * A rule whose "path" or "address" no call it names has (a path on
 * connect, an address on openat) would never match: refused, naming the
 * calls. One that names some call that has it still matches that one.
 */
static int check_field_has_calls(struct loader *l, const struct policy_rule *rule,
                                 bool (*has)(int nr), const char *what, const char *fix)
{
        if (rule->n_nrs == 0)
                return 0;
        for (size_t i = 0; i < rule->n_nrs; i++)
                if (has(rule->nrs[i]))
                        return 0;
        char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), rule->nrs[0]);
        int r =
            fail(l, "none of the rule's calls (%s%s) takes %s, so the rule would never match; %s",
                 name ? name : "?", rule->n_nrs > 1 ? ", ..." : "", what, fix);
        free(name);
        return r;
}

/*
 * The same for each call "syscalls" names by itself: a rule for openat and
 * connect with a "path" matches openat only, and a reader would take it
 * for a rule on both. A group may hold calls without the field (the rule
 * is for the group's calls that have it); a name given alone may not.
 */
static int check_named_calls_have(struct loader *l, const cJSON *obj, bool (*has)(int nr),
                                  const char *field, const char *what, const char *fix)
{
        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(obj, "syscalls");
        const cJSON *item;
        int i = 0;

        cJSON_ArrayForEach(item, syscalls)
        {
                const char *name = cJSON_GetStringValue(item);
                int nr = name && name[0] != '@' ? seccomp_syscall_resolve_name(name) : -1;
                if (nr >= 0 && !has(nr))
                        return under_key(
                            l, "syscalls",
                            under_index(l, (size_t)i,
                                        fail(l,
                                             "%s takes %s, so the rule's \"%s\" never matches "
                                             "it; give %s a rule of its own without \"%s\"%s",
                                             name, what, field, name, field, fix)));
                i++;
        }
        return 0;
}

static int parse_address(struct loader *l, const cJSON *obj, struct policy_rule *rule)
{
        static const char *const known[] = {"family", "cidr", "address", "port", "unix", NULL};
        int r;
        if ((r = expect_object_strict(l, obj, "an object {family, cidr, port, unix}", known)) < 0)
                return r;
        rule->addr = calloc(1, sizeof(*rule->addr));
        if (!rule->addr)
                return -ENOMEM;
        rule->addr->family = AF_UNSPEC;
        rule->addr->port = -1;

        const cJSON *family = cJSON_GetObjectItemCaseSensitive(obj, "family");
        if (family && (!cJSON_IsString(family) ||
                       netaddr_parse_family(family->valuestring, &rule->addr->family) < 0))
                return under_key(l, "family",
                                 fail(l, "unknown address family (use \"inet\", \"inet6\", "
                                         "\"unix\", \"any\" or \"none\")"));
        if (rule->addr->family == NETADDR_FAMILY_NONE) {
                /* Calls that name no peer: nothing else to say about it. */
                rule->addr->family = AF_UNSPEC;
                rule->addr->none = true;
                for (const char *const *k = known + 1; *k; k++)
                        if (cJSON_GetObjectItemCaseSensitive(obj, *k))
                                return under_key(
                                    l, *k,
                                    fail(l,
                                         "a rule for calls that name no peer (\"family\": "
                                         "\"none\") has no %s: drop it, or give the addresses a "
                                         "rule "
                                         "of their own",
                                         *k));
                return 0;
        }
        const char *cidr_key = cJSON_GetObjectItemCaseSensitive(obj, "cidr") ? "cidr" : "address";
        const cJSON *cidr = cJSON_GetObjectItemCaseSensitive(obj, cidr_key);
        if (cidr &&
            (!cJSON_IsString(cidr) || netaddr_parse_cidr(cidr->valuestring, rule->addr) < 0))
                return under_key(l, cidr_key,
                                 fail(l,
                                      "expected an IP address or CIDR such as \"10.0.0.0/8\" or "
                                      "\"::1\"%s",
                                      family ? " of the rule's family" : ""));
        const cJSON *port = cJSON_GetObjectItemCaseSensitive(obj, "port");
        if (port) {
                uint64_t v;
                if ((r = under_key(l, "port", get_u64(l, port, 65535, &v))) < 0)
                        return r;
                rule->addr->port = (int)v;
        }
        const cJSON *unix_glob = cJSON_GetObjectItemCaseSensitive(obj, "unix");
        if (unix_glob) {
                const char *reason = NULL;
                if (!cJSON_IsString(unix_glob))
                        return under_key(l, "unix",
                                         fail(l, "expected a socket path glob such as "
                                                 "\"/run/*.sock\" or \"@abstract-*\""));
                if (rule->addr->family != AF_UNSPEC && rule->addr->family != AF_UNIX)
                        return under_key(l, "unix", fail(l, "a unix path with a non-unix family"));
                if (netaddr_validate_unix_glob(unix_glob->valuestring, &reason) < 0)
                        return under_key(l, "unix",
                                         fail(l, "bad socket path glob \"%s\": %s",
                                              unix_glob->valuestring, reason));
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
        int v = 0, r;
        r = under_key(l, key,
                      act ? lookup_name(l, act, verdicts, "action", &v)
                          : fail(l,
                                 "missing (add \"%s\": \"allow\", \"deny\", \"kill\", \"log\" or "
                                 "\"prompt\")",
                                 key));
        if (r < 0)
                return r;
        *ret_verdict = (enum policy_verdict)v;
        *ret_errno = EPERM;
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(obj, errno_key);
        if (!e)
                return 0;
        if (v != VERDICT_DENY && v != VERDICT_PROMPT)
                return under_key(
                    l, errno_key,
                    fail(l, "an errno goes only with \"deny\" (or \"prompt\", for a timeout)"));
        if ((r = under_key(l, errno_key, parse_errno_value(l, e, ret_errno))) < 0)
                return r;
        if (*ret_errno == 0)
                return under_key(l, errno_key,
                                 fail(l, "errno 0 would tell the caller its call succeeded (use "
                                         "\"allow\", or an errno from 1 to 4095)"));
        return 0;
}

/* Names people reach for that are no field here, and what to write
 * instead; refused before the edit-distance guess, which would offer
 * "uid" for "suid". */
static int refuse_other_ids(struct loader *l, const cJSON *obj)
{
        static const struct {
                const char *name, *fix;
        } others[] = {
            {"ruid", "the real uid is \"uid\""},
            {"rgid", "the real gid is \"gid\""},
            {"suid", "the saved set-user-ID is not matched; use \"uid\", \"euid\" or \"fsuid\""},
            {"sgid", "the saved set-group-ID is not matched; use \"gid\", \"egid\" or \"fsgid\""},
            {"user", "write the number as \"uid\" (`id -u NAME` gives it)"},
            {"group", "write the number as \"gid\" (`id -g NAME` gives it)"},
        };
        for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
                if (cJSON_GetObjectItemCaseSensitive(obj, others[i].name))
                        return under_key(l, others[i].name,
                                         fail(l, "unknown field; %s", others[i].fix));
        return 0;
}

/* uid, euid, fsuid, gid, egid and fsgid: each a number, compared with the
 * caller's identity of that name (policy_call.ids). */
static int parse_ids(struct loader *l, const cJSON *obj, struct policy_rule *rule)
{
        for (unsigned id = 0; id < POLICY_ID_COUNT; id++) {
                const char *name = policy_id_name((enum policy_id)id);
                const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
                uint64_t v;
                int r;

                if (!item)
                        continue;
                if (cJSON_IsString(item))
                        return under_key(
                            l, name,
                            fail(l,
                                 "expected a number such as 0, found a string (names are not "
                                 "looked up: `id -%c NAME` gives the number)",
                                 id < POLICY_ID_GID ? 'u' : 'g'));
                /* (uid_t)-1 means "no change" to the kernel's set*id
                 * calls, so no process has it. */
                if ((r = under_key(l, name, get_u64(l, item, UINT32_MAX - 1, &v))) < 0)
                        return r;
                rule->id_mask |= 1u << id;
                rule->ids[id] = (uint32_t)v;
                rule->needs |= POLICY_NEED_IDS;
        }
        return 0;
}

static int parse_rule(struct loader *l, const cJSON *obj, struct policy_rule *rule)
{
        static const char *const known[] = {
            "comment", "syscalls", "args", "path", "open",  "address", "exe",   "uid",
            "euid",    "fsuid",    "gid",  "egid", "fsgid", "action",  "errno", NULL};
        bool alternatives;
        int r;

        if ((r = refuse_other_ids(l, obj)) < 0)
                return r;
        if ((r = expect_object_strict(l, obj, "a rule object {syscalls, action, ...}", known)) < 0)
                return r;
        if ((r = parse_string_field(l, obj, "comment", &rule->comment)) < 0)
                return r;

        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(obj, "syscalls");
        if (syscalls) {
                struct nr_list list = {0};
                r = under_key(l, "syscalls", parse_names(l, syscalls, &list));
                rule->nrs = list.nrs;
                rule->n_nrs = list.n;
                if (r < 0)
                        return r;
                if (list.n == 0)
                        return under_key(l, "syscalls",
                                         fail(l, "no syscall of this architecture listed (remove "
                                                 "\"syscalls\" to match every notified call)"));
        }

        r = under_key(l, "args",
                      parse_args(l, cJSON_GetObjectItemCaseSensitive(obj, "args"), &rule->args,
                                 &rule->n_args, &alternatives));
        if (r < 0)
                return r;
        if (alternatives)
                return under_key(
                    l, "args",
                    fail(l, "two conditions on one argument index; use two rules instead"));

        const cJSON *paths = cJSON_GetObjectItemCaseSensitive(obj, "path");
        if (paths) {
                if ((r = under_key(l, "path", parse_path_globs(l, paths, rule))) < 0 ||
                    (r = under_key(l, "path",
                                   check_field_has_calls(
                                       l, rule, syscall_takes_path, "a path",
                                       "for a socket's path use \"address\": {\"unix\": ...}"))) <
                        0)
                        return r;
                if ((r = check_named_calls_have(
                         l, obj, syscall_takes_path, "path", "no path",
                         " (for a socket's path, \"address\": {\"unix\": ...})")) < 0)
                        return r;
                rule->needs |= POLICY_NEED_PATHS;
        }

        const cJSON *open_item = cJSON_GetObjectItemCaseSensitive(obj, "open");
        if (open_item) {
                if ((r = under_key(l, "open", parse_open_access(l, open_item, rule))) < 0 ||
                    (r = under_key(l, "open", check_open_syscalls(l, rule))) < 0)
                        return r;
                rule->needs |= POLICY_NEED_PATHS; /* decoded with the paths (call.h) */
        }

        const cJSON *addr = cJSON_GetObjectItemCaseSensitive(obj, "address");
        if (addr) {
                if ((r = under_key(l, "address", parse_address(l, addr, rule))) < 0 ||
                    (r = under_key(l, "address",
                                   check_field_has_calls(
                                       l, rule, syscall_names_peer, "a socket address",
                                       "address rules are for connect, bind, sendto, sendmsg "
                                       "and sendmmsg"))) < 0)
                        return r;
                if ((r = check_named_calls_have(
                         l, obj, syscall_names_peer, "address", "no socket address",
                         " (address rules are for connect, bind, sendto, sendmsg and "
                         "sendmmsg)")) < 0)
                        return r;
                rule->needs |= POLICY_NEED_ADDR;
        }

        const cJSON *exe = cJSON_GetObjectItemCaseSensitive(obj, "exe");
        if (exe) {
                const char *reason = NULL;
                if (!cJSON_IsString(exe))
                        return under_key(
                            l, "exe",
                            fail(l, "expected an executable path glob such as \"/usr/bin/*\""));
                if (path_glob_validate(exe->valuestring, &reason) < 0)
                        return under_key(
                            l, "exe",
                            fail(l, "bad path glob \"%s\": %s", exe->valuestring, reason));
                rule->exe_glob = strdup(exe->valuestring);
                if (!rule->exe_glob)
                        return -ENOMEM;
                rule->needs |= POLICY_NEED_EXE;
        }

        if ((r = parse_ids(l, obj, rule)) < 0)
                return r;

        return parse_verdict_field(l, obj, "action", "errno", &rule->verdict, &rule->errno_value);
}

static int parse_rules(struct loader *l, const cJSON *rules)
{
        struct policy *p = l->policy;
        const cJSON *item;
        int r = 0;

        if (!cJSON_IsArray(rules))
                return fail(l, "expected an array of rules, found %s", json_type_name(rules));
        size_t n = (size_t)cJSON_GetArraySize(rules);
        p->rules = calloc(n ? n : 1, sizeof(*p->rules));
        if (!p->rules)
                return -ENOMEM;
        cJSON_ArrayForEach(item, rules)
        {
                struct policy_rule *rule = &p->rules[p->n_rules];
                rule->source_index = p->n_rules;
                r = under_index(l, p->n_rules, parse_rule(l, item, rule));
                p->n_rules++; /* counted even on failure so policy_free releases it */
                if (r < 0)
                        break;
        }
        return r;
}

/*
 * "intArgs": how the kernel filter compares conditions on int arguments.
 * "full", the default, compares all 64 bits of the register as runc and crun
 * do; "kernel" compares the bits the kernel reads (syscall_args.h), which
 * high bits cannot get around (policy_compile()).
 */
static int parse_int_args(struct loader *l, const cJSON *item)
{
        static const struct name_value modes[] = {{"full", 0}, {"kernel", 1}, {NULL, 0}};
        int v = 0, r;

        if ((r = lookup_name(l, item, modes, "intArgs mode", &v)) < 0)
                return r;
        l->policy->int_args_as_kernel = v != 0;
        return 0;
}

int parse_supervisor(struct loader *l, const cJSON *sup)
{
        static const char *const known[] = {
            "defaultAction", "defaultErrno", "promptTimeout", "intArgs", "rules", "comment", NULL};
        struct policy *p = l->policy;
        int r;

        if ((r = expect_object_strict(l, sup, "an object {defaultAction, rules}", known)) < 0)
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
                if (!cJSON_IsNumber(timeout) || timeout->valuedouble <= 0 ||
                    timeout->valuedouble > 86400)
                        return under_key(
                            l, "promptTimeout",
                            fail(l, "expected seconds, a number above 0 and at most 86400"));
                p->prompt_timeout_ms = (unsigned)(timeout->valuedouble * 1000);
        }

        const cJSON *int_args = cJSON_GetObjectItemCaseSensitive(sup, "intArgs");
        if (int_args && (r = under_key(l, "intArgs", parse_int_args(l, int_args))) < 0)
                return r;

        const cJSON *rules = cJSON_GetObjectItemCaseSensitive(sup, "rules");
        if (!rules || cJSON_IsNull(rules))
                return 0;
        return under_key(l, "rules", parse_rules(l, rules));
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
