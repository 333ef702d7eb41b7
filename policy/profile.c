/* SPDX-License-Identifier: MIT */
/*
 * Loading a profile: OCI runtime-spec linux.seccomp objects and Docker /
 * Podman profiles as they are, plus the "supervisor" extension.
 *
 * Every rejection names the place: file:line:column, the JSON path, what is
 * wrong and, where it is obvious, the fix.
 */
#include "policy.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errnos.h"
#include "glob.h"
#include "groups.h"
#include "jsonpos.h"
#include "policy_internal.h"

/* Profiles are a few hundred KiB at the most; refuse what cannot be one. */
#define PROFILE_MAX_BYTES (16u << 20)

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

struct loader {
        const char *name;
        const char *text;
        size_t len;
        const struct policy_env *env;
        struct policy *policy;
        struct policy_error *err;
        struct jsonpos_path path;
        size_t path_base;         /* depth of the seccomp object inside the document */
        bool has_nonint_literals; /* some number has '.', 'e' or 'E' */
};

/* One pass over the text, outside strings: does any number literal carry a
 * fraction or an exponent? */
static bool scan_nonint_literals(const char *text, size_t len)
{
        bool in_string = false, in_number = false;
        for (size_t i = 0; i < len; i++) {
                char c = text[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                        continue;
                }
                if (c == '"') {
                        in_string = true;
                        in_number = false;
                } else if ((c >= '0' && c <= '9') || c == '-') {
                        in_number = true;
                } else if (in_number && (c == '.' || c == 'e' || c == 'E')) {
                        return true;
                } else {
                        in_number = false;
                }
        }
        return false;
}

static void path_push_key(struct loader *l, const char *key)
{
        if (l->path.depth < JSONPOS_MAX_DEPTH)
                l->path.seg[l->path.depth] = (struct jsonpos_segment){key, 0};
        l->path.depth++;
}

static void path_push_index(struct loader *l, size_t index)
{
        if (l->path.depth < JSONPOS_MAX_DEPTH)
                l->path.seg[l->path.depth] = (struct jsonpos_segment){NULL, index};
        l->path.depth++;
}

static void path_pop(struct loader *l)
{
        l->path.depth--;
}

/* Formats "file:line:col: path: message" for the value at the current path,
 * or at its key when at_key is set. */
/*
 * Finds the line and column of the value at the current path (or of its
 * key), and formats the path from the seccomp object down, which is what
 * the user knows the profile by. A member that is missing cannot be found;
 * then the place is that of the object it is missing from.
 */
static void locate_current(struct loader *l, int at_key, unsigned *ret_line, unsigned *ret_col,
                           char *where, size_t where_size)
{
        struct jsonpos_path shown = l->path;
        long off = -1;

        if (shown.depth > JSONPOS_MAX_DEPTH)
                shown.depth = JSONPOS_MAX_DEPTH;
        struct jsonpos_path probe = shown;
        for (;;) {
                off = jsonpos_locate(l->text, l->len, &probe, at_key);
                if (off >= 0 || probe.depth == 0)
                        break;
                probe.depth--;
                at_key = 0;
        }
        *ret_line = *ret_col = 1;
        if (off >= 0)
                jsonpos_line_col(l->text, (size_t)off, ret_line, ret_col);

        struct jsonpos_path rel = {.depth = 0};
        for (size_t d = l->path_base; d < shown.depth; d++)
                rel.seg[rel.depth++] = shown.seg[d];
        jsonpos_format(&rel, where, where_size);
}

/* Formats "file:line:col: path: message" for the value at the current path,
 * or at its key when at_key is set. */
__attribute__((format(printf, 3, 4))) static void report_at(struct loader *l, int at_key,
                                                            const char *fmt, ...)
{
        char where[256], what[700];
        unsigned line, col;
        va_list ap;

        locate_current(l, at_key, &line, &col, where, sizeof(where));
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);

        if (where[0])
                snprintf(l->err->message, sizeof(l->err->message), "%s:%u:%u: %s: %s", l->name,
                         line, col, where, what);
        else
                snprintf(l->err->message, sizeof(l->err->message), "%s:%u:%u: %s", l->name, line,
                         col, what);
}

/* Both evaluate to -EINVAL where the reader (and the static analyser, which
 * does not follow variadic calls) can see it. */
#define fail_at(l, at_key, ...) (report_at(l, at_key, __VA_ARGS__), -EINVAL)
#define fail(l, ...)            fail_at(l, 0, __VA_ARGS__)

static int add_string(char ***list, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int add_string(char ***list, size_t *n, const char *fmt, ...)
{
        char *s;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        char **grown = realloc(*list, (*n + 1) * sizeof(**list));
        if (!grown) {
                free(s);
                return -ENOMEM;
        }
        grown[(*n)++] = s;
        *list = grown;
        return 0;
}

static int warn_unknown_keys(struct loader *l, const cJSON *obj, const char *const *known)
{
        const cJSON *item;
        cJSON_ArrayForEach(item, obj)
        {
                bool ok = false;
                for (size_t i = 0; known[i]; i++)
                        if (strcmp(item->string, known[i]) == 0)
                                ok = true;
                if (ok)
                        continue;
                char where[256];
                unsigned line, col;
                path_push_key(l, item->string);
                locate_current(l, 1, &line, &col, where, sizeof(where));
                path_pop(l);
                if (add_string(&l->policy->warnings, &l->policy->n_warnings,
                               "%s:%u:%u: %s: unknown field, ignored", l->name, line, col,
                               where) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static const char *json_type_name(const cJSON *item)
{
        if (cJSON_IsString(item))
                return "a string";
        if (cJSON_IsNumber(item))
                return "a number";
        if (cJSON_IsBool(item))
                return "a boolean";
        if (cJSON_IsNull(item))
                return "null";
        if (cJSON_IsArray(item))
                return "an array";
        if (cJSON_IsObject(item))
                return "an object";
        return "something else";
}

/* Reads a non-negative integer exactly: cJSON keeps numbers as doubles,
 * which would round masks above 2^53, so the literal is parsed again from
 * the source text. */
static int get_u64(struct loader *l, const cJSON *item, uint64_t max, uint64_t *ret)
{
        if (!cJSON_IsNumber(item))
                return fail(l, "expected a non-negative integer, found %s", json_type_name(item));
        uint64_t v;
        /* Below 2^53 a double holds every integer exactly, so only larger
         * values need the source text, unless the document writes some
         * number with a fraction or an exponent ("1e3" is no integer to
         * Go's JSON either); finding the text walks the document, which
         * adds up over a profile. */
        if (!l->has_nonint_literals && item->valuedouble >= 0 &&
            item->valuedouble < 9007199254740992.0 &&
            item->valuedouble == (double)(uint64_t)item->valuedouble) {
                v = (uint64_t)item->valuedouble;
                if (v > max)
                        return fail(l, "%" PRIu64 " is out of range (0 to %" PRIu64 ")", v, max);
                *ret = v;
                return 0;
        }
        long off = jsonpos_locate(l->text, l->len, &l->path, 0);
        if (off >= 0) {
                const char *p = l->text + off;
                char *end;
                if (*p == '-')
                        return fail(l, "must not be negative");
                errno = 0;
                v = strtoull(p, &end, 10);
                if (errno == ERANGE)
                        return fail(l, "%.*s is larger than 64 bits", (int)(end - p), p);
                if (*end == '.' || *end == 'e' || *end == 'E')
                        return fail(l, "expected an integer, found %g", item->valuedouble);
        } else {
                /* Converting a double at or above 2^64 to an integer is
                 * undefined behaviour: refuse it first. */
                if (item->valuedouble >= 18446744073709551616.0)
                        return fail(l, "%g is larger than 64 bits", item->valuedouble);
                if (item->valuedouble < 0 ||
                    item->valuedouble != (double)(uint64_t)item->valuedouble)
                        return fail(l, "expected a non-negative integer, found %g",
                                    item->valuedouble);
                v = (uint64_t)item->valuedouble;
        }
        if (v > max)
                return fail(l, "%" PRIu64 " is out of range (0 to %" PRIu64 ")", v, max);
        *ret = v;
        return 0;
}

struct name_value {
        const char *name;
        int value;
};

static const struct name_value kernel_actions[] = {
    {"SCMP_ACT_ALLOW", KACT_ALLOW},
    {"SCMP_ACT_ERRNO", KACT_ERRNO},
    {"SCMP_ACT_KILL", KACT_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", KACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", KACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", KACT_TRAP},
    {"SCMP_ACT_LOG", KACT_LOG},
    {"SCMP_ACT_TRACE", KACT_TRACE},
    {"SCMP_ACT_NOTIFY", KACT_NOTIFY},
    {NULL, 0},
};

static const struct name_value compare_ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    {NULL, 0},
};

static const struct name_value filter_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
    {NULL, 0},
};

static const struct name_value verdicts[] = {
    {"allow", VERDICT_ALLOW}, {"deny", VERDICT_DENY},     {"kill", VERDICT_KILL},
    {"log", VERDICT_LOG},     {"prompt", VERDICT_PROMPT}, {NULL, 0},
};

static size_t edit_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        if (la > 63 || lb > 63)
                return SIZE_MAX;
        size_t prev[64], cur[64];
        for (size_t j = 0; j <= lb; j++)
                prev[j] = j;
        for (size_t i = 1; i <= la; i++) {
                cur[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
                        size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
                        cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
                }
                memcpy(prev, cur, sizeof(prev));
        }
        return prev[lb];
}

/* Looks name up in table; on failure writes a message listing the choices
 * and the nearest one. */
static int lookup_name(struct loader *l, const cJSON *item, const struct name_value *table,
                       const char *what, int *ret)
{
        if (!cJSON_IsString(item))
                return fail(l, "expected a string naming %s, found %s", what, json_type_name(item));
        const char *best = NULL;
        size_t best_d = SIZE_MAX;
        for (size_t i = 0; table[i].name; i++) {
                if (strcmp(table[i].name, item->valuestring) == 0) {
                        *ret = table[i].value;
                        return 0;
                }
                size_t d = edit_distance(table[i].name, item->valuestring);
                if (d < best_d) {
                        best_d = d;
                        best = table[i].name;
                }
        }
        char choices[512] = "";
        size_t used = 0;
        for (size_t i = 0; table[i].name && used < sizeof(choices); i++) {
                int n = snprintf(choices + used, sizeof(choices) - used, "%s%s", i ? ", " : "",
                                 table[i].name);
                if (n < 0)
                        break;
                used += (size_t)n;
        }
        if (best && best_d <= 4)
                return fail(l, "unknown %s \"%s\" (did you mean \"%s\"?)", what, item->valuestring,
                            best);
        return fail(l, "unknown %s \"%s\" (one of: %s)", what, item->valuestring, choices);
}

static int parse_errno_value(struct loader *l, const cJSON *item, int *ret)
{
        if (cJSON_IsNumber(item)) {
                uint64_t v;
                int r = get_u64(l, item, 4095, &v);
                if (r < 0)
                        return r;
                *ret = (int)v;
                return 0;
        }
        if (!cJSON_IsString(item))
                return fail(l, "expected an errno name such as \"EPERM\" or a number, found %s",
                            json_type_name(item));
        int e = errno_from_name(item->valuestring);
        if (e < 0) {
                const char *hint = errno_suggest(item->valuestring);
                if (hint)
                        return fail(l, "unknown errno name \"%s\" (did you mean %s?)",
                                    item->valuestring, hint);
                return fail(l, "unknown errno name \"%s\" (use a name like EPERM or a number)",
                            item->valuestring);
        }
        *ret = e;
        return 0;
}

static int parse_args(struct loader *l, const cJSON *args, struct policy_arg_cond **ret_conds,
                      size_t *ret_n, bool *ret_alternatives)
{
        static const char *const known[] = {"index", "value", "valueTwo", "op", NULL};
        struct policy_arg_cond *conds = NULL;
        size_t n = 0, i = 0;
        unsigned per_index[6] = {0};
        const cJSON *arg;
        int r = 0;

        *ret_alternatives = false;
        if (!args || cJSON_IsNull(args))
                goto out;
        if (!cJSON_IsArray(args))
                return fail(l, "expected an array of argument conditions, found %s",
                            json_type_name(args));
        n = (size_t)cJSON_GetArraySize(args);
        if (n == 0)
                goto out;
        conds = calloc(n, sizeof(*conds));
        if (!conds)
                return -ENOMEM;
        cJSON_ArrayForEach(arg, args)
        {
                struct policy_arg_cond *c = &conds[i];
                uint64_t v;
                int op;

                path_push_index(l, i);
                if (!cJSON_IsObject(arg)) {
                        r = fail(l, "expected an object {index, value, op}, found %s",
                                 json_type_name(arg));
                        goto pop;
                }
                r = warn_unknown_keys(l, arg, known);
                if (r < 0)
                        goto pop;

                const cJSON *field = cJSON_GetObjectItemCaseSensitive(arg, "index");
                path_push_key(l, "index");
                if (!field)
                        r = fail(l, "missing (add \"index\": 0 to 5)");
                else if ((r = get_u64(l, field, 5, &v)) == 0)
                        c->index = (unsigned)v;
                path_pop(l);
                if (r < 0)
                        goto pop;

                field = cJSON_GetObjectItemCaseSensitive(arg, "value");
                path_push_key(l, "value");
                if (!field)
                        r = fail(l, "missing (add \"value\": the number to compare with)");
                else
                        r = get_u64(l, field, UINT64_MAX, &c->value);
                path_pop(l);
                if (r < 0)
                        goto pop;

                field = cJSON_GetObjectItemCaseSensitive(arg, "valueTwo");
                path_push_key(l, "valueTwo");
                if (field)
                        r = get_u64(l, field, UINT64_MAX, &c->value_two);
                path_pop(l);
                if (r < 0)
                        goto pop;

                field = cJSON_GetObjectItemCaseSensitive(arg, "op");
                path_push_key(l, "op");
                if (!field)
                        r = fail(l, "missing (add \"op\": \"SCMP_CMP_EQ\" or another operator)");
                else if ((r = lookup_name(l, field, compare_ops, "operator", &op)) == 0)
                        c->op = (enum scmp_compare)op;
                path_pop(l);
                if (r < 0)
                        goto pop;
                if (++per_index[c->index] > 1)
                        *ret_alternatives = true;
        pop:
                path_pop(l);
                if (r < 0) {
                        free(conds);
                        return r;
                }
                i++;
        }
out:
        *ret_conds = conds;
        *ret_n = n;
        return 0;
}

struct nr_list {
        int *nrs;
        size_t n, cap;
};

static int nr_list_add(struct nr_list *list, int nr)
{
        for (size_t i = 0; i < list->n; i++)
                if (list->nrs[i] == nr)
                        return 0;
        if (list->n == list->cap) {
                size_t cap = list->cap ? list->cap * 2 : 16;
                int *grown = realloc(list->nrs, cap * sizeof(*grown));
                if (!grown)
                        return -ENOMEM;
                list->nrs = grown;
                list->cap = cap;
        }
        list->nrs[list->n++] = nr;
        return 0;
}

struct name_cb_ctx {
        struct loader *l;
        struct nr_list *list;
};

static int add_syscall_name(struct loader *l, struct nr_list *list, const char *name)
{
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR || nr < 0) {
                /* A name of another architecture, or of a newer kernel than
                 * libseccomp knows: runtimes skip it, and so do we. */
                for (size_t i = 0; i < l->policy->n_skipped; i++)
                        if (strcmp(l->policy->skipped[i], name) == 0)
                                return 0;
                return add_string(&l->policy->skipped, &l->policy->n_skipped, "%s", name);
        }
        return nr_list_add(list, nr);
}

static int group_member_cb(const char *syscall, void *userdata)
{
        struct name_cb_ctx *ctx = userdata;
        return add_syscall_name(ctx->l, ctx->list, syscall);
}

/* Adds one syscall name or @group to list. */
static int add_name_or_group(struct loader *l, const cJSON *item, struct nr_list *list)
{
        if (!cJSON_IsString(item))
                return fail(l, "expected a syscall name, found %s", json_type_name(item));
        const char *name = item->valuestring;
        if (name[0] == '\0')
                return fail(l, "empty syscall name");
        if (name[0] == '@') {
                struct name_cb_ctx ctx = {l, list};
                int r = syscall_group_expand(name, group_member_cb, &ctx);
                if (r == -ENOENT)
                        return fail(
                            l, "unknown syscall group \"%s\" (scmp-super groups lists them)", name);
                return r;
        }
        return add_syscall_name(l, list, name);
}

static int parse_names(struct loader *l, const cJSON *names, struct nr_list *list)
{
        const cJSON *item;
        size_t i = 0;
        if (!cJSON_IsArray(names))
                return fail(l, "expected an array of syscall names, found %s",
                            json_type_name(names));
        cJSON_ArrayForEach(item, names)
        {
                path_push_index(l, i++);
                int r = add_name_or_group(l, item, list);
                path_pop(l);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool string_in_array(const cJSON *array, const char *s)
{
        const cJSON *item;
        cJSON_ArrayForEach(item, array)
        {
                if (cJSON_IsString(item) && strcmp(item->valuestring, s) == 0)
                        return true;
        }
        return false;
}

static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

static int cap_from_name(const char *name)
{
        for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
                if (strcmp(cap_names[i], name) == 0)
                        return (int)i;
        return -1;
}

static int parse_kernel_version(const char *s, unsigned *major, unsigned *minor)
{
        char *end;
        errno = 0;
        unsigned long a = strtoul(s, &end, 10);
        if (errno || end == s || *end != '.')
                return -EINVAL;
        const char *p = end + 1;
        unsigned long b = strtoul(p, &end, 10);
        if (errno || end == p || (*end && *end != '.'))
                return -EINVAL;
        *major = (unsigned)a;
        *minor = (unsigned)b;
        return 0;
}

/* Docker's includes/excludes: caps against the bounding set the target will
 * run with, arches by Go's names, minKernel against the running kernel.
 * Sets *ret_applies. */
static int eval_filter(struct loader *l, const cJSON *filter, bool include, bool *ret_applies)
{
        static const char *const known[] = {"caps", "arches", "minKernel", NULL};
        const struct policy_env *env = l->env;
        bool applies = true;
        int r;

        *ret_applies = true;
        if (!filter || cJSON_IsNull(filter))
                return 0;
        if (!cJSON_IsObject(filter))
                return fail(l, "expected an object {caps, arches, minKernel}, found %s",
                            json_type_name(filter));
        r = warn_unknown_keys(l, filter, known);
        if (r < 0)
                return r;

        const cJSON *arches = cJSON_GetObjectItemCaseSensitive(filter, "arches");
        if (arches && !cJSON_IsNull(arches)) {
                path_push_key(l, "arches");
                if (!cJSON_IsArray(arches))
                        r = fail(l, "expected an array of architecture names such as \"amd64\"");
                path_pop(l);
                if (r < 0)
                        return r;
                if (cJSON_GetArraySize(arches) > 0) {
                        bool in = string_in_array(arches, env->go_arch);
                        if (include ? !in : in)
                                applies = false;
                }
        }

        const cJSON *caps = cJSON_GetObjectItemCaseSensitive(filter, "caps");
        if (caps && !cJSON_IsNull(caps)) {
                const cJSON *cap;
                size_t i = 0;
                path_push_key(l, "caps");
                if (!cJSON_IsArray(caps))
                        r = fail(l,
                                 "expected an array of capability names such as \"CAP_SYS_ADMIN\"");
                path_pop(l);
                if (r < 0)
                        return r;
                cJSON_ArrayForEach(cap, caps)
                {
                        int c = cJSON_IsString(cap) ? cap_from_name(cap->valuestring) : -1;
                        if (c < 0) {
                                path_push_key(l, "caps");
                                path_push_index(l, i);
                                r = fail(
                                    l, "unknown capability %s%s%s (names look like CAP_SYS_ADMIN)",
                                    cJSON_IsString(cap) ? "\"" : "",
                                    cJSON_IsString(cap) ? cap->valuestring : json_type_name(cap),
                                    cJSON_IsString(cap) ? "\"" : "");
                                path_pop(l);
                                path_pop(l);
                                return r;
                        }
                        bool have = (env->caps_bounding >> c) & 1;
                        /* includes: every cap must be held; excludes: any held cap excludes. */
                        if (include && !have)
                                applies = false;
                        if (!include && have)
                                applies = false;
                        i++;
                }
        }

        const cJSON *min_kernel = cJSON_GetObjectItemCaseSensitive(filter, "minKernel");
        if (min_kernel && !cJSON_IsNull(min_kernel)) {
                unsigned major = 0, minor = 0;
                path_push_key(l, "minKernel");
                if (!cJSON_IsString(min_kernel) ||
                    parse_kernel_version(min_kernel->valuestring, &major, &minor) < 0)
                        r = fail(l, "expected a kernel version string such as \"4.8\"");
                path_pop(l);
                if (r < 0)
                        return r;
                bool at_least = env->kernel_major > major ||
                                (env->kernel_major == major && env->kernel_minor >= minor);
                if (include ? !at_least : at_least)
                        applies = false;
        }
        *ret_applies = applies;
        return 0;
}

/*
 * The data of an ERRNO or TRACE action: ret_key's number (an errno up to
 * 4095, or a tracer's message up to 65535), else name_key's errno name for
 * ERRNO; EPERM for ERRNO and 0 for TRACE when neither is given. Entries
 * (errnoRet, errno) and the default (defaultErrnoRet, defaultErrno) share
 * it, so they cannot drift apart.
 */
static int parse_ret_data(struct loader *l, const cJSON *obj, const char *ret_key,
                          const char *name_key, enum policy_kernel_action action,
                          uint32_t *ret_data)
{
        const cJSON *ret = cJSON_GetObjectItemCaseSensitive(obj, ret_key);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, name_key);
        int r;

        *ret_data = action == KACT_TRACE ? 0 : EPERM;
        if (ret && !cJSON_IsNull(ret)) {
                uint64_t v;
                path_push_key(l, ret_key);
                if (action != KACT_ERRNO && action != KACT_TRACE)
                        r = fail(l, "%s goes only with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", ret_key);
                else
                        r = get_u64(l, ret, action == KACT_TRACE ? 65535 : 4095, &v);
                path_pop(l);
                if (r < 0)
                        return r;
                *ret_data = (uint32_t)v;
        } else if (name && !cJSON_IsNull(name) && action == KACT_ERRNO) {
                int v;
                path_push_key(l, name_key);
                r = parse_errno_value(l, name, &v);
                path_pop(l);
                if (r < 0)
                        return r;
                *ret_data = (uint32_t)v;
        }
        return 0;
}

static int parse_entry(struct loader *l, const cJSON *obj, size_t index)
{
        static const char *const known[] = {"names", "name",    "action",   "errnoRet", "errno",
                                            "args",  "comment", "includes", "excludes", NULL};
        struct policy *p = l->policy;
        struct policy_entry e = {.source_index = index};
        struct nr_list list = {0};
        bool applies_in, applies_ex;
        int action, r;

        if (!cJSON_IsObject(obj))
                return fail(l, "expected an object {names, action, ...}, found %s",
                            json_type_name(obj));
        r = warn_unknown_keys(l, obj, known);
        if (r < 0)
                return r;

        const cJSON *names = cJSON_GetObjectItemCaseSensitive(obj, "names");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
        if (names && name) {
                path_push_key(l, "name");
                r = fail_at(
                    l, 1,
                    "\"name\" and \"names\" both given (keep \"names\" and move \"%s\" into it)",
                    cJSON_IsString(name) ? name->valuestring : "the name");
                path_pop(l);
                return r;
        }
        if (!names && !name)
                return fail(l, "no \"names\" (add \"names\": [\"syscall\", ...])");

        const cJSON *act = cJSON_GetObjectItemCaseSensitive(obj, "action");
        path_push_key(l, "action");
        if (!act)
                r = fail(l, "missing (add \"action\": \"SCMP_ACT_ALLOW\" or another action)");
        else
                r = lookup_name(l, act, kernel_actions, "action", &action);
        path_pop(l);
        if (r < 0)
                return r;
        e.action = (enum policy_kernel_action)action;

        r = parse_ret_data(l, obj, "errnoRet", "errno", e.action, &e.ret_data);
        if (r < 0)
                return r;

        path_push_key(l, "args");
        r = parse_args(l, cJSON_GetObjectItemCaseSensitive(obj, "args"), &e.args, &e.n_args,
                       &e.args_are_alternatives);
        path_pop(l);
        if (r < 0)
                return r;

        const cJSON *comment = cJSON_GetObjectItemCaseSensitive(obj, "comment");
        if (comment && !cJSON_IsNull(comment) && !cJSON_IsString(comment)) {
                path_push_key(l, "comment");
                r = fail(l, "expected a string, found %s", json_type_name(comment));
                path_pop(l);
                goto fail;
        }

        path_push_key(l, "includes");
        r = eval_filter(l, cJSON_GetObjectItemCaseSensitive(obj, "includes"), true, &applies_in);
        path_pop(l);
        if (r < 0)
                goto fail;
        path_push_key(l, "excludes");
        r = eval_filter(l, cJSON_GetObjectItemCaseSensitive(obj, "excludes"), false, &applies_ex);
        path_pop(l);
        if (r < 0)
                goto fail;

        if (names) {
                path_push_key(l, "names");
                r = parse_names(l, names, &list);
                path_pop(l);
        } else {
                path_push_key(l, "name");
                r = add_name_or_group(l, name, &list);
                path_pop(l);
        }
        if (r < 0)
                goto fail;

        if (!applies_in || !applies_ex) {
                r = 0;
                goto fail; /* not an error: the entry does not apply here */
        }

        e.nrs = list.nrs;
        e.n_nrs = list.n;
        list.nrs = NULL;
        struct policy_entry *grown = realloc(p->entries, (p->n_entries + 1) * sizeof(*grown));
        if (!grown) {
                r = -ENOMEM;
                goto fail;
        }
        p->entries = grown;
        p->entries[p->n_entries++] = e;
        return 0;
fail:
        free(list.nrs);
        free(e.nrs);
        free(e.args);
        return r;
}

static const struct name_value arch_names[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", (int)SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", (int)SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", (int)SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", (int)SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", (int)SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", (int)SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", (int)SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", (int)SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", (int)SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", (int)SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", (int)SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", (int)SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", (int)SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", (int)SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", (int)SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", (int)SCMP_ARCH_RISCV64},
    {NULL, 0},
};

static int add_arch(struct policy *p, uint32_t arch)
{
        /* Only architectures this machine can run matter for the filter;
         * libseccomp refuses to mix others with the native one anyway. */
        if (arch == seccomp_arch_native())
                return 0;
        if (arch != SCMP_ARCH_X86 && arch != SCMP_ARCH_X32)
                return 0;
        for (size_t i = 0; i < p->n_arches; i++)
                if (p->arches[i] == arch)
                        return 0;
        uint32_t *grown = realloc(p->arches, (p->n_arches + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        grown[p->n_arches++] = arch;
        p->arches = grown;
        return 0;
}

static int parse_arch_list(struct loader *l, const cJSON *list)
{
        const cJSON *item;
        size_t i = 0;
        int r = 0;
        if (!cJSON_IsArray(list))
                return fail(l, "expected an array of names such as \"SCMP_ARCH_X86_64\", found %s",
                            json_type_name(list));
        cJSON_ArrayForEach(item, list)
        {
                int arch;
                path_push_index(l, i++);
                r = lookup_name(l, item, arch_names, "architecture", &arch);
                path_pop(l);
                if (r < 0)
                        return r;
                r = add_arch(l->policy, (uint32_t)arch);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_arch_map(struct loader *l, const cJSON *map)
{
        static const char *const known[] = {"architecture", "subArchitectures", NULL};
        const cJSON *item;
        size_t i = 0;
        int r = 0;
        if (!cJSON_IsArray(map))
                return fail(l, "expected an array of {architecture, subArchitectures}, found %s",
                            json_type_name(map));
        cJSON_ArrayForEach(item, map)
        {
                int arch;
                path_push_index(l, i++);
                if (!cJSON_IsObject(item)) {
                        r = fail(l, "expected an object {architecture, subArchitectures}");
                        goto pop;
                }
                if ((r = warn_unknown_keys(l, item, known)) < 0)
                        goto pop;
                path_push_key(l, "architecture");
                r = lookup_name(l, cJSON_GetObjectItemCaseSensitive(item, "architecture"),
                                arch_names, "architecture", &arch);
                path_pop(l);
                if (r < 0)
                        goto pop;
                const cJSON *subs = cJSON_GetObjectItemCaseSensitive(item, "subArchitectures");
                /* Docker takes the entry of the native architecture only. */
                if ((uint32_t)arch == seccomp_arch_native() && subs && !cJSON_IsNull(subs)) {
                        path_push_key(l, "subArchitectures");
                        r = parse_arch_list(l, subs);
                        path_pop(l);
                }
        pop:
                path_pop(l);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_flags(struct loader *l, const cJSON *flags)
{
        const cJSON *item;
        size_t i = 0;
        if (!cJSON_IsArray(flags))
                return fail(l, "expected an array of SECCOMP_FILTER_FLAG_* names, found %s",
                            json_type_name(flags));
        cJSON_ArrayForEach(item, flags)
        {
                int flag;
                path_push_index(l, i++);
                int r = lookup_name(l, item, filter_flags, "filter flag", &flag);
                path_pop(l);
                if (r < 0)
                        return r;
                l->policy->flags |= (unsigned)flag;
        }
        return 0;
}

static int parse_string_field(struct loader *l, const cJSON *obj, const char *key, char **ret)
{
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
        if (!item || cJSON_IsNull(item))
                return 0;
        if (!cJSON_IsString(item)) {
                path_push_key(l, key);
                int r = fail(l, "expected a string, found %s", json_type_name(item));
                path_pop(l);
                return r;
        }
        *ret = strdup(item->valuestring);
        return *ret ? 0 : -ENOMEM;
}

/* The "supervisor" extension. */

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

static int parse_supervisor(struct loader *l, const cJSON *sup)
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

/* Builds the per-syscall rule index so a decision looks only at the rules
 * that can match, in profile order. */
int policy_build_rule_index(struct policy *p)
{
        free(p->rule_start);
        free(p->rule_index);
        free(p->needs);
        p->rule_start = NULL;
        p->rule_index = NULL;
        p->needs = NULL;
        /* Native syscall numbers stay below this on every architecture
         * Linux supports (x86-64 is near 470); asking libseccomp for the
         * exact top would resolve a thousand names at every start. */
        int max_nr = POLICY_MAX_NR;
        for (size_t i = 0; i < p->n_rules; i++)
                for (size_t j = 0; j < p->rules[i].n_nrs; j++)
                        if (p->rules[i].nrs[j] > max_nr)
                                max_nr = p->rules[i].nrs[j];
        p->max_nr = max_nr;

        size_t slots = (size_t)max_nr + 2;
        p->rule_start = calloc(slots, sizeof(*p->rule_start));
        p->needs = calloc(slots, sizeof(*p->needs));
        if (!p->rule_start || !p->needs)
                return -ENOMEM;

        size_t total = 0;
        for (int nr = 0; nr <= max_nr; nr++) {
                p->rule_start[nr] = (uint32_t)total;
                for (size_t i = 0; i < p->n_rules; i++) {
                        const struct policy_rule *rule = &p->rules[i];
                        bool hit = rule->n_nrs == 0;
                        for (size_t j = 0; !hit && j < rule->n_nrs; j++)
                                hit = rule->nrs[j] == nr;
                        if (hit)
                                total++;
                }
        }
        p->rule_start[max_nr + 1] = (uint32_t)total;
        p->rule_index = calloc(total ? total : 1, sizeof(*p->rule_index));
        if (!p->rule_index)
                return -ENOMEM;
        size_t k = 0;
        for (int nr = 0; nr <= max_nr; nr++) {
                for (size_t i = 0; i < p->n_rules; i++) {
                        const struct policy_rule *rule = &p->rules[i];
                        bool hit = rule->n_nrs == 0;
                        for (size_t j = 0; !hit && j < rule->n_nrs; j++)
                                hit = rule->nrs[j] == nr;
                        if (hit) {
                                p->rule_index[k++] = (uint32_t)i;
                                p->needs[nr] |= (uint8_t)rule->needs;
                        }
                }
        }
        return 0;
}

static bool kernel_notifies(const struct policy *p, int nr)
{
        bool named = false;
        for (size_t i = 0; i < p->n_entries; i++)
                for (size_t k = 0; k < p->entries[i].n_nrs; k++)
                        if (p->entries[i].nrs[k] == nr) {
                                if (p->entries[i].action == KACT_NOTIFY)
                                        return true;
                                named = true;
                        }
        return !named && p->default_action == KACT_NOTIFY;
}

/* A rule for a syscall the kernel filter never hands over can never apply;
 * that is almost always a mistake in the profile, so say so. */
static int warn_dead_rules(struct loader *l)
{
        const struct policy *p = l->policy;
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *rule = &p->rules[i];
                for (size_t k = 0; k < rule->n_nrs; k++) {
                        if (kernel_notifies(p, rule->nrs[k]))
                                continue;
                        const char *name =
                            seccomp_syscall_resolve_num_arch(seccomp_arch_native(), rule->nrs[k]);
                        char where[128];
                        unsigned line, col;
                        path_push_key(l, "supervisor");
                        path_push_key(l, "rules");
                        path_push_index(l, i);
                        path_push_key(l, "syscalls");
                        locate_current(l, 0, &line, &col, where, sizeof(where));
                        for (int d = 0; d < 4; d++)
                                path_pop(l);
                        int r = add_string(&l->policy->warnings, &l->policy->n_warnings,
                                           "%s:%u:%u: %s: %s is never notified by the kernel "
                                           "filter, so this rule cannot apply to it (add it to "
                                           "an SCMP_ACT_NOTIFY entry)",
                                           l->name, line, col, where, name ? name : "?");
                        free((void *)name);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/*
 * One syscall, two unconditional actions in two entries: libseccomp keeps the
 * first rule and quietly drops the second, so runc, crun and we all give the
 * first entry's action. Docker's and Podman's defaults rely on that when a
 * capability is missing. Worth a warning all the same, since a reader of the
 * profile may expect the later entry to win.
 */
static int warn_shadowed_entries(struct loader *l)
{
        const struct policy *p = l->policy;
        for (size_t j = 1; j < p->n_entries; j++) {
                const struct policy_entry *b = &p->entries[j];
                if (b->n_args)
                        continue;
                for (size_t x = 0; x < b->n_nrs; x++) {
                        const struct policy_entry *a = NULL;
                        for (size_t i = 0; i < j && !a; i++) {
                                const struct policy_entry *c = &p->entries[i];
                                if (c->n_args ||
                                    (c->action == b->action && c->ret_data == b->ret_data))
                                        continue;
                                for (size_t y = 0; y < c->n_nrs && !a; y++)
                                        if (c->nrs[y] == b->nrs[x])
                                                a = c;
                        }
                        if (!a)
                                continue;
                        const char *name =
                            seccomp_syscall_resolve_num_arch(seccomp_arch_native(), b->nrs[x]);
                        char where[128];
                        unsigned line, col;
                        path_push_key(l, "syscalls");
                        path_push_index(l, b->source_index);
                        locate_current(l, 0, &line, &col, where, sizeof(where));
                        path_pop(l);
                        path_pop(l);
                        int r = add_string(&l->policy->notes, &l->policy->n_notes,
                                           "%s:%u:%u: %s: %s keeps %s from syscalls[%zu], the "
                                           "first entry naming it; this entry's %s does not "
                                           "apply to it",
                                           l->name, line, col, where, name ? name : "?",
                                           policy_kernel_action_name(a->action), a->source_index,
                                           policy_kernel_action_name(b->action));
                        free((void *)name);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static int parse_profile(struct loader *l, const cJSON *root)
{
        static const char *const known[] = {"defaultAction", "defaultErrnoRet",  "defaultErrno",
                                            "architectures", "archMap",          "flags",
                                            "listenerPath",  "listenerMetadata", "syscalls",
                                            "supervisor",    "comment",          NULL};
        struct policy *p = l->policy;
        int action, r;

        if (!cJSON_IsObject(root))
                return fail(l, "expected a JSON object (a seccomp profile), found %s",
                            json_type_name(root));

        /* A whole OCI config.json: use its linux.seccomp. */
        const cJSON *linux_obj = cJSON_GetObjectItemCaseSensitive(root, "linux");
        if (linux_obj && !cJSON_GetObjectItemCaseSensitive(root, "defaultAction")) {
                const cJSON *seccomp = cJSON_GetObjectItemCaseSensitive(linux_obj, "seccomp");
                if (!cJSON_IsObject(seccomp))
                        return fail(l, "an OCI config without linux.seccomp (nothing to enforce)");
                path_push_key(l, "linux");
                path_push_key(l, "seccomp");
                l->path_base = 2;
                root = seccomp;
        }

        if ((r = warn_unknown_keys(l, root, known)) < 0)
                return r;

        const cJSON *def = cJSON_GetObjectItemCaseSensitive(root, "defaultAction");
        path_push_key(l, "defaultAction");
        if (!def)
                r = fail(l,
                         "missing (add \"defaultAction\": \"SCMP_ACT_ERRNO\" or another action)");
        else
                r = lookup_name(l, def, kernel_actions, "action", &action);
        path_pop(l);
        if (r < 0)
                return r;
        p->default_action = (enum policy_kernel_action)action;
        r = parse_ret_data(l, root, "defaultErrnoRet", "defaultErrno", p->default_action,
                           &p->default_ret_data);
        if (r < 0)
                return r;

        const cJSON *arches = cJSON_GetObjectItemCaseSensitive(root, "architectures");
        const cJSON *arch_map = cJSON_GetObjectItemCaseSensitive(root, "archMap");
        if (arches && !cJSON_IsNull(arches) && arch_map && !cJSON_IsNull(arch_map)) {
                path_push_key(l, "archMap");
                r = fail_at(l, 1, "\"architectures\" and \"archMap\" both given (keep one)");
                path_pop(l);
                return r;
        }
        if (arches && !cJSON_IsNull(arches)) {
                path_push_key(l, "architectures");
                r = parse_arch_list(l, arches);
                path_pop(l);
        } else if (arch_map && !cJSON_IsNull(arch_map)) {
                path_push_key(l, "archMap");
                r = parse_arch_map(l, arch_map);
                path_pop(l);
        }
        if (r < 0)
                return r;

        const cJSON *flags = cJSON_GetObjectItemCaseSensitive(root, "flags");
        if (flags && !cJSON_IsNull(flags)) {
                path_push_key(l, "flags");
                r = parse_flags(l, flags);
                path_pop(l);
                if (r < 0)
                        return r;
        }

        if ((r = parse_string_field(l, root, "listenerPath", &p->listener_path)) < 0)
                return r;
        if ((r = parse_string_field(l, root, "listenerMetadata", &p->listener_metadata)) < 0)
                return r;

        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(root, "syscalls");
        if (syscalls && !cJSON_IsNull(syscalls)) {
                const cJSON *item;
                size_t i = 0;
                path_push_key(l, "syscalls");
                if (!cJSON_IsArray(syscalls)) {
                        r = fail(l, "expected an array of syscall entries, found %s",
                                 json_type_name(syscalls));
                        path_pop(l);
                        return r;
                }
                cJSON_ArrayForEach(item, syscalls)
                {
                        path_push_index(l, i);
                        r = parse_entry(l, item, i);
                        path_pop(l);
                        if (r < 0)
                                break;
                        i++;
                }
                path_pop(l);
                if (r < 0)
                        return r;
        }

        if ((r = warn_shadowed_entries(l)) < 0)
                return r;

        const cJSON *sup = cJSON_GetObjectItemCaseSensitive(root, "supervisor");
        if (sup && !cJSON_IsNull(sup)) {
                path_push_key(l, "supervisor");
                r = parse_supervisor(l, sup);
                path_pop(l);
                if (r < 0)
                        return r;
        }
        if ((r = warn_dead_rules(l)) < 0)
                return r;
        return policy_build_rule_index(p);
}

/*
 * The offset of a "\u0000" escape, or -1. cJSON ends its C string at the
 * NUL, so "/etc/\u0000shadow" would load as the rule "/etc/", and a syscall
 * name would be cut short: refused instead. Escapes are consumed in pairs,
 * so an escaped backslash followed by "u0000" is not taken for one.
 */
static long find_escaped_nul(const char *text, size_t len)
{
        for (size_t i = 0; i + 1 < len; i++) {
                if (text[i] != '\\')
                        continue;
                if (text[i + 1] == 'u' && i + 5 < len && memcmp(text + i + 2, "0000", 4) == 0)
                        return (long)i;
                i++; /* skip the escaped character */
        }
        return -1;
}

int policy_load_buffer(const char *text, size_t len, const char *name, const struct policy_env *env,
                       struct policy **ret_policy, struct policy_error *err)
{
        struct loader l = {.name = name,
                           .text = text,
                           .len = len,
                           .env = env,
                           .err = err,
                           .has_nonint_literals = scan_nonint_literals(text, len)};
        const char *end = NULL;
        cJSON *root;
        int r;

        err->message[0] = '\0';
        if (memchr(text, '\0', len)) {
                snprintf(err->message, sizeof(err->message),
                         "%s: not a JSON profile (it contains NUL bytes)", name);
                return -EINVAL;
        }
        long nul_at = find_escaped_nul(text, len);
        if (nul_at >= 0) {
                unsigned line = 1, col = 1;
                jsonpos_line_col(text, (size_t)nul_at, &line, &col);
                snprintf(err->message, sizeof(err->message),
                         "%s:%u:%u: \\u0000 in a string: a NUL would silently cut the name, "
                         "path or pattern short there",
                         name, line, col);
                return -EINVAL;
        }
        root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
        if (root && end) {
                /* One JSON value, then only white space: "{...} and more"
                 * is a broken file, not a profile with a comment. */
                while (end < text + len && strchr(" \t\r\n", *end))
                        end++;
                if (end < text + len) {
                        unsigned line = 1, col = 1;
                        jsonpos_line_col(text, (size_t)(end - text), &line, &col);
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: text after the end of the profile (a profile is one "
                                 "JSON object)",
                                 name, line, col);
                        cJSON_Delete(root);
                        return -EINVAL;
                }
        }
        if (!root) {
                unsigned line = 1, col = 1;
                const char *at = end ? end : cJSON_GetErrorPtr();
                size_t off = at && at >= text && at <= text + len ? (size_t)(at - text) : 0;
                enum jsonpos_fault fault =
                    jsonpos_diagnose(text, len, off, CJSON_NESTING_LIMIT, &off);
                jsonpos_line_col(text, off, &line, &col);
                switch (fault) {
                case JSONPOS_FAULT_EMPTY:
                        snprintf(err->message, sizeof(err->message),
                                 "%s: the file is empty (a profile is one JSON object, such as "
                                 "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [...]})",
                                 name);
                        break;
                case JSONPOS_FAULT_TOO_DEEP:
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: nesting deeper than %d levels is refused", name, line,
                                 col, CJSON_NESTING_LIMIT);
                        break;
                case JSONPOS_FAULT_TRAILING_COMMA:
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: a comma with nothing after it (JSON allows no "
                                 "trailing comma: remove it)",
                                 name, line, col);
                        break;
                case JSONPOS_FAULT_OTHER:
                default:
                        snprintf(err->message, sizeof(err->message),
                                 "%s:%u:%u: not valid JSON here (check for a missing comma, quote "
                                 "or bracket)",
                                 name, line, col);
                        break;
                }
                return -EINVAL;
        }

        struct policy *p = calloc(1, sizeof(*p));
        if (!p) {
                cJSON_Delete(root);
                return -ENOMEM;
        }
        p->env = *env;
        p->default_verdict = VERDICT_DENY;
        p->default_errno = EPERM;
        p->prompt_timeout_ms = 30000;
        p->source = strdup(name);
        /* Kept as the key of the compiled-filter cache (supervisor/launch/bpf_cache.c). */
        p->text = malloc(len + 1);
        if (p->text) {
                memcpy(p->text, text, len);
                p->text[len] = '\0';
                p->text_len = len;
        }
        l.policy = p;

        r = p->source && p->text ? parse_profile(&l, root) : -ENOMEM;
        cJSON_Delete(root);
        if (r < 0) {
                if (r == -ENOMEM && !err->message[0])
                        snprintf(err->message, sizeof(err->message), "%s: out of memory", name);
                policy_free(p);
                return r;
        }
        *ret_policy = p;
        return 0;
}

int policy_load_file(const char *path, const struct policy_env *env, struct policy **ret_policy,
                     struct policy_error *err)
{
        struct stat st;
        char *text = NULL;
        size_t len = 0;
        int fd, r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                r = -errno;
                snprintf(err->message, sizeof(err->message), "%s: cannot open: %s", path,
                         strerror(-r));
                return r;
        }
        if (fstat(fd, &st) < 0) {
                r = -errno;
                snprintf(err->message, sizeof(err->message), "%s: %s", path, strerror(-r));
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
                snprintf(err->message, sizeof(err->message), "%s: not a regular file", path);
                goto out;
        }
        if ((uint64_t)st.st_size > PROFILE_MAX_BYTES) {
                r = -EFBIG;
                snprintf(err->message, sizeof(err->message),
                         "%s: %lld bytes is too large for a profile (the limit is %u MiB)", path,
                         (long long)st.st_size, PROFILE_MAX_BYTES >> 20);
                goto out;
        }
        text = malloc((size_t)st.st_size + 1);
        if (!text) {
                r = -ENOMEM;
                snprintf(err->message, sizeof(err->message), "%s: out of memory", path);
                goto out;
        }
        while (len < (size_t)st.st_size) {
                ssize_t n = read(fd, text + len, (size_t)st.st_size - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        snprintf(err->message, sizeof(err->message), "%s: read failed: %s", path,
                                 strerror(-r));
                        goto out;
                }
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        text[len] = '\0';
        r = policy_load_buffer(text, len, path, env, ret_policy, err);
out:
        free(text);
        close(fd);
        return r;
}

void policy_free(struct policy *p)
{
        if (!p)
                return;
        free(p->source);
        free(p->text);
        free(p->arches);
        free(p->listener_path);
        free(p->listener_metadata);
        for (size_t i = 0; i < p->n_entries; i++) {
                free(p->entries[i].nrs);
                free(p->entries[i].args);
        }
        free(p->entries);
        for (size_t i = 0; i < p->n_skipped; i++)
                free(p->skipped[i]);
        free(p->skipped);
        for (size_t i = 0; i < p->n_warnings; i++)
                free(p->warnings[i]);
        free(p->warnings);
        for (size_t i = 0; i < p->n_notes; i++)
                free(p->notes[i]);
        free(p->notes);
        for (size_t i = 0; i < p->n_rules; i++)
                policy_rule_clear(&p->rules[i]);
        free(p->rules);
        free(p->rule_start);
        free(p->rule_index);
        free(p->needs);
        free(p);
}

const char *policy_kernel_action_name(enum policy_kernel_action action)
{
        for (size_t i = 0; kernel_actions[i].name; i++)
                if (kernel_actions[i].value == (int)action &&
                    strcmp(kernel_actions[i].name, "SCMP_ACT_KILL") != 0)
                        return kernel_actions[i].name;
        return "?";
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
