/* SPDX-License-Identifier: MIT */
/* profile/profile_merge.c: profile merge and diff, on the JSON documents. */
/*
 * Merging and comparing profiles as sets of per-syscall rules. Works on the
 * JSON documents, not on loaded policies: a loaded policy has resolved
 * names to this architecture's numbers and dropped entries whose
 * includes/excludes do not hold here, and a merged or reviewed profile is
 * meant for every machine the original was.
 */
#include "profile/profile_merge.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "errnos.h"
#include "groups.h"
#include "profile/profile_text.h"
#include "trace/trace_profile.h"

struct rule {
        char *name;
        char *action; /* "SCMP_ACT_ERRNO(1)" */
        char *cond;   /* "" for none */
};

struct ruleset {
        struct rule *v;
        size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static void report(struct policy_error *err, const char *fmt,
                                                         ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
}

/* Evaluates to -EINVAL where the reader (and the static analyser, which does
 * not follow variadic calls) can see it. */
#define fail(err, ...) (report(err, __VA_ARGS__), -EINVAL)

static void ruleset_free(struct ruleset *set)
{
        for (size_t i = 0; i < set->n; i++) {
                free(set->v[i].name);
                free(set->v[i].action);
                free(set->v[i].cond);
        }
        free(set->v);
        memset(set, 0, sizeof(*set));
}

static int ruleset_add(struct ruleset *set, const char *name, const char *action, const char *cond)
{
        if (set->n == set->cap) {
                size_t cap = set->cap ? set->cap * 2 : 64;
                struct rule *grown = realloc(set->v, cap * sizeof(*grown));
                if (!grown)
                        return -ENOMEM;
                set->v = grown;
                set->cap = cap;
        }
        struct rule *r = &set->v[set->n];
        r->name = strdup(name);
        r->action = strdup(action);
        r->cond = strdup(cond);
        if (!r->name || !r->action || !r->cond) {
                free(r->name);
                free(r->action);
                free(r->cond);
                return -ENOMEM;
        }
        set->n++;
        return 0;
}

/* The rule for name with exactly this action and condition, or NULL. */
static const struct rule *ruleset_find(const struct ruleset *set, const char *name,
                                       const char *action, const char *cond)
{
        for (size_t i = 0; i < set->n; i++)
                if (strcmp(set->v[i].name, name) == 0 &&
                    (!action || strcmp(set->v[i].action, action) == 0) &&
                    strcmp(set->v[i].cond, cond) == 0)
                        return &set->v[i];
        return NULL;
}

static int parse_input(const struct profile_input *in, cJSON **ret_root, const cJSON **ret_seccomp,
                       struct policy_error *err)
{
        cJSON *root = cJSON_ParseWithLength(in->text, in->len);
        if (!root)
                return fail(err, "%s: not valid JSON", in->name);
        bool oci;
        const cJSON *seccomp = profile_seccomp_object(root, &oci);
        if (!cJSON_IsObject(seccomp) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(seccomp, "defaultAction"))) {
                cJSON_Delete(root);
                return fail(err, "%s: not a seccomp profile (no \"defaultAction\")", in->name);
        }
        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(seccomp, "syscalls");
        if (syscalls && !cJSON_IsNull(syscalls) && !cJSON_IsArray(syscalls)) {
                cJSON_Delete(root);
                return fail(err, "%s: \"syscalls\" is not an array", in->name);
        }
        *ret_root = root;
        *ret_seccomp = seccomp;
        return 0;
}

/* A number as the profile means it. cJSON holds doubles, so values above
 * 2^53 are approximate, but the same literal gives the same value in both
 * profiles, which is what comparing needs. */
static uint64_t number_of(const cJSON *item)
{
        if (!cJSON_IsNumber(item) || item->valuedouble < 0)
                return 0;
        if (item->valuedouble >= 18446744073709551615.0)
                return UINT64_MAX;
        return (uint64_t)item->valuedouble;
}

/*
 * "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO(1)": the action with the errno or trace
 * value it returns, as the loader would read it. errno_key/errno_name_key
 * are "errnoRet"/"errno" for entries, "defaultErrnoRet"/"defaultErrno" for
 * the default.
 */
static void action_key(const cJSON *obj, const char *action_key_name, const char *errno_key,
                       const char *errno_name_key, char *buf, size_t size)
{
        const cJSON *action = cJSON_GetObjectItemCaseSensitive(obj, action_key_name);
        const char *name = cJSON_IsString(action) ? action->valuestring : "?";
        if (strcmp(name, "SCMP_ACT_KILL") == 0)
                name = "SCMP_ACT_KILL_THREAD";
        bool is_errno = strcmp(name, "SCMP_ACT_ERRNO") == 0;
        bool is_trace = strcmp(name, "SCMP_ACT_TRACE") == 0;
        if (!is_errno && !is_trace) {
                snprintf(buf, size, "%s", name);
                return;
        }
        uint64_t value = is_errno ? 1 : 0; /* EPERM, or no trace message */
        const cJSON *ret = cJSON_GetObjectItemCaseSensitive(obj, errno_key);
        const cJSON *named = cJSON_GetObjectItemCaseSensitive(obj, errno_name_key);
        if (cJSON_IsNumber(ret)) {
                value = number_of(ret);
        } else if (is_errno && cJSON_IsString(named) && errno_from_name(named->valuestring) > 0) {
                value = (uint64_t)errno_from_name(named->valuestring);
        } else if (is_errno && cJSON_IsNumber(named)) {
                value = number_of(named);
        }
        snprintf(buf, size, "%s(%" PRIu64 ")", name, value);
}

static const char *op_symbol(const char *op)
{
        static const char *const ops[][2] = {
            {"SCMP_CMP_EQ", "=="}, {"SCMP_CMP_NE", "!="}, {"SCMP_CMP_LT", "<"},
            {"SCMP_CMP_LE", "<="}, {"SCMP_CMP_GE", ">="}, {"SCMP_CMP_GT", ">"},
        };
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
                if (strcmp(ops[i][0], op) == 0)
                        return ops[i][1];
        return NULL;
}

static int compare_strings(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The entry's conditions in one canonical string: its argument comparisons
 * sorted ("arg0 == 0x1, arg1 & 0xf == 0x1"), then includes and excludes as
 * compact JSON. "" when it has none. Caller frees.
 */
static char *condition_key(const cJSON *entry)
{
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(entry, "args");
        size_t n = cJSON_IsArray(args) ? (size_t)cJSON_GetArraySize(args) : 0, k = 0;
        char **parts = calloc(n ? n : 1, sizeof(*parts));
        char *buf = NULL;
        size_t len = 0;
        FILE *out;
        const cJSON *arg;

        if (!parts)
                return NULL;
        out = open_memstream(&buf, &len);
        if (!out) {
                free(parts);
                return NULL;
        }
        if (n) {
                cJSON_ArrayForEach(arg, args)
                {
                        const cJSON *op = cJSON_GetObjectItemCaseSensitive(arg, "op");
                        const char *opname = cJSON_IsString(op) ? op->valuestring : "?";
                        uint64_t index = number_of(cJSON_GetObjectItemCaseSensitive(arg, "index"));
                        uint64_t value = number_of(cJSON_GetObjectItemCaseSensitive(arg, "value"));
                        uint64_t two = number_of(cJSON_GetObjectItemCaseSensitive(arg, "valueTwo"));
                        const char *sym = op_symbol(opname);
                        int r;
                        if (sym)
                                r = asprintf(&parts[k], "arg%" PRIu64 " %s %#" PRIx64, index, sym,
                                             value);
                        else if (strcmp(opname, "SCMP_CMP_MASKED_EQ") == 0)
                                r = asprintf(&parts[k],
                                             "arg%" PRIu64 " & %#" PRIx64 " == %#" PRIx64, index,
                                             value, two);
                        else
                                r = asprintf(&parts[k], "arg%" PRIu64 " %s %#" PRIx64, index,
                                             opname, value);
                        if (r < 0)
                                parts[k] = NULL;
                        if (!parts[k])
                                break;
                        k++;
                }
                qsort(parts, k, sizeof(*parts), compare_strings);
                for (size_t i = 0; i < k; i++)
                        fprintf(out, "%s%s", i ? ", " : "", parts[i]);
        }
        static const char *const filters[] = {"includes", "excludes"};
        for (size_t f = 0; f < 2; f++) {
                const cJSON *obj = cJSON_GetObjectItemCaseSensitive(entry, filters[f]);
                if (!cJSON_IsObject(obj) || !obj->child)
                        continue;
                char *json = cJSON_PrintUnformatted(obj);
                fprintf(out, "%s%s %s", ftell(out) ? " " : "", filters[f], json ? json : "?");
                cJSON_free(json);
        }
        bool bad = ferror(out) || k < n;
        fclose(out);
        for (size_t i = 0; i < k; i++)
                free(parts[i]);
        free(parts);
        if (bad) {
                free(buf);
                return NULL;
        }
        return buf;
}

struct name_list {
        char **v;
        size_t n, cap;
};

static void name_list_free(struct name_list *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i]);
        free(l->v);
        memset(l, 0, sizeof(*l));
}

static int name_list_add(struct name_list *l, const char *name)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->v[i], name) == 0)
                        return 0;
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 16;
                char **grown = realloc(l->v, cap * sizeof(*grown));
                if (!grown)
                        return -ENOMEM;
                l->v = grown;
                l->cap = cap;
        }
        l->v[l->n] = strdup(name);
        if (!l->v[l->n])
                return -ENOMEM;
        l->n++;
        return 0;
}

static int add_group_member(const char *syscall, void *userdata)
{
        return name_list_add(userdata, syscall);
}

/* The entry's syscall names with groups expanded, in written order. */
static int entry_names(const cJSON *entry, struct name_list *ret)
{
        const cJSON *names = cJSON_GetObjectItemCaseSensitive(entry, "names");
        const cJSON *single = cJSON_GetObjectItemCaseSensitive(entry, "name");
        const cJSON *item;
        int r = 0;

        if (cJSON_IsString(single)) {
                if (single->valuestring[0] == '@')
                        r = syscall_group_expand(single->valuestring, add_group_member, ret);
                else
                        r = name_list_add(ret, single->valuestring);
        }
        if (!cJSON_IsArray(names))
                return r == -ENOENT ? 0 : r;
        cJSON_ArrayForEach(item, names)
        {
                if (r < 0 && r != -ENOENT)
                        break;
                if (!cJSON_IsString(item))
                        continue;
                if (item->valuestring[0] == '@') {
                        r = syscall_group_expand(item->valuestring, add_group_member, ret);
                        /* An unknown group stays as written. */
                        if (r == -ENOENT)
                                r = name_list_add(ret, item->valuestring);
                } else {
                        r = name_list_add(ret, item->valuestring);
                }
        }
        return r < 0 ? r : 0;
}

/* Every (name, action, condition) rule of a seccomp object. */
static int flatten(const cJSON *seccomp, struct ruleset *ret)
{
        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(seccomp, "syscalls");
        const cJSON *entry;
        char action[64];
        int r = 0;

        if (!cJSON_IsArray(syscalls))
                return 0;
        cJSON_ArrayForEach(entry, syscalls)
        {
                struct name_list names = {0};
                char *cond = condition_key(entry);
                action_key(entry, "action", "errnoRet", "errno", action, sizeof(action));
                r = cond ? entry_names(entry, &names) : -ENOMEM;
                for (size_t i = 0; r == 0 && i < names.n; i++)
                        if (!ruleset_find(ret, names.v[i], action, cond))
                                r = ruleset_add(ret, names.v[i], action, cond);
                name_list_free(&names);
                free(cond);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Merge */

struct pending_group {
        char *action_key;
        const cJSON *entry; /* the first entry giving it, for action and errno */
        struct name_list names;
};

static void groups_free(struct pending_group *groups, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(groups[i].action_key);
                name_list_free(&groups[i].names);
        }
        free(groups);
}

/* {"names": [...], "action": ..., "errnoRet": ..., "comment": ...} with the
 * action fields copied from like. */
static cJSON *group_entry(const struct pending_group *g, const char *comment)
{
        static const char *const copied[] = {"action", "errnoRet", "errno"};
        cJSON *entry = cJSON_CreateObject(), *names = cJSON_CreateArray();
        if (!entry || !names)
                goto fail;
        qsort(g->names.v, g->names.n, sizeof(*g->names.v), compare_strings);
        for (size_t i = 0; i < g->names.n; i++) {
                cJSON *s = cJSON_CreateString(g->names.v[i]);
                if (!s)
                        goto fail;
                cJSON_AddItemToArray(names, s);
        }
        cJSON_AddItemToObject(entry, "names", names);
        names = NULL;
        for (size_t i = 0; i < 3; i++) {
                const cJSON *item = cJSON_GetObjectItemCaseSensitive(g->entry, copied[i]);
                cJSON *copy = item ? cJSON_Duplicate(item, true) : NULL;
                if (item && !copy)
                        goto fail;
                if (copy)
                        cJSON_AddItemToObject(entry, copied[i], copy);
        }
        if (!cJSON_AddStringToObject(entry, "comment", comment))
                goto fail;
        return entry;
fail:
        cJSON_Delete(names);
        cJSON_Delete(entry);
        return NULL;
}

struct merger {
        struct ruleset result;
        profile_merge_warn_fn warn;
        void *ctx;
        cJSON *added; /* entries to append */
};

__attribute__((format(printf, 2, 3))) static void warnf(struct merger *m, const char *fmt, ...)
{
        char message[512];
        va_list ap;
        if (!m->warn)
                return;
        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        m->warn(m->ctx, message);
}

/* The action the result gives name without conditions, if another than
 * action; NULL otherwise. */
static const char *conflicting_action(const struct ruleset *set, const char *name,
                                      const char *action)
{
        for (size_t i = 0; i < set->n; i++)
                if (set->v[i].cond[0] == '\0' && strcmp(set->v[i].name, name) == 0 &&
                    strcmp(set->v[i].action, action) != 0)
                        return set->v[i].action;
        return NULL;
}

static int merge_one(struct merger *m, const struct profile_input *in, const cJSON *seccomp)
{
        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(seccomp, "syscalls");
        struct pending_group *groups = NULL;
        size_t n_groups = 0;
        cJSON *conditional = cJSON_CreateArray();
        const cJSON *entry;
        char *comment = NULL;
        char action[64];
        int r = -ENOMEM;

        if (!conditional || asprintf(&comment, "merged from %s", in->name) < 0) {
                comment = NULL;
                goto out;
        }
        r = 0;
        if (cJSON_IsArray(syscalls)) {
                cJSON_ArrayForEach(entry, syscalls)
                {
                        struct name_list names = {0}, kept = {0};
                        char *cond = condition_key(entry);
                        action_key(entry, "action", "errnoRet", "errno", action, sizeof(action));
                        r = cond ? entry_names(entry, &names) : -ENOMEM;
                        for (size_t i = 0; r == 0 && i < names.n; i++) {
                                const char *name = names.v[i];
                                const char *other = conflicting_action(&m->result, name, action);
                                if (ruleset_find(&m->result, name, action, "") ||
                                    ruleset_find(&m->result, name, action, cond))
                                        continue;
                                if (other) {
                                        warnf(m,
                                              "%s: %s: %s%s%s conflicts with %s given earlier; "
                                              "the earlier action is kept",
                                              in->name, name, action, cond[0] ? " if " : "", cond,
                                              other);
                                        continue;
                                }
                                r = ruleset_add(&m->result, name, action, cond);
                                if (r == 0)
                                        r = name_list_add(&kept, name);
                        }
                        if (r == 0 && kept.n && cond[0] == '\0') {
                                /* One entry per action for everything unconditional. */
                                struct pending_group *g = NULL;
                                for (size_t i = 0; i < n_groups; i++)
                                        if (strcmp(groups[i].action_key, action) == 0)
                                                g = &groups[i];
                                if (!g) {
                                        struct pending_group *grown =
                                            realloc(groups, (n_groups + 1) * sizeof(*grown));
                                        if (!grown) {
                                                r = -ENOMEM;
                                        } else {
                                                groups = grown;
                                                g = &groups[n_groups];
                                                memset(g, 0, sizeof(*g));
                                                g->entry = entry;
                                                g->action_key = strdup(action);
                                                n_groups++;
                                                if (!g->action_key)
                                                        r = -ENOMEM;
                                        }
                                }
                                for (size_t i = 0; r == 0 && i < kept.n; i++)
                                        r = name_list_add(&g->names, kept.v[i]);
                        } else if (r == 0 && kept.n) {
                                /* A conditional entry is copied whole, with the
                                 * names the result lacked. */
                                cJSON *copy = cJSON_Duplicate(entry, true);
                                cJSON *list = cJSON_CreateArray();
                                qsort(kept.v, kept.n, sizeof(*kept.v), compare_strings);
                                for (size_t i = 0; list && i < kept.n; i++) {
                                        cJSON *s = cJSON_CreateString(kept.v[i]);
                                        if (!s) {
                                                cJSON_Delete(list);
                                                list = NULL;
                                        } else {
                                                cJSON_AddItemToArray(list, s);
                                        }
                                }
                                if (!copy || !list) {
                                        cJSON_Delete(copy);
                                        cJSON_Delete(list);
                                        r = -ENOMEM;
                                } else {
                                        cJSON_DeleteItemFromObjectCaseSensitive(copy, "name");
                                        if (cJSON_GetObjectItemCaseSensitive(copy, "names"))
                                                cJSON_ReplaceItemInObjectCaseSensitive(
                                                    copy, "names", list);
                                        else
                                                cJSON_AddItemToObject(copy, "names", list);
                                        if (!cJSON_GetObjectItemCaseSensitive(copy, "comment"))
                                                cJSON_AddStringToObject(copy, "comment", comment);
                                        cJSON_AddItemToArray(conditional, copy);
                                }
                        }
                        name_list_free(&names);
                        name_list_free(&kept);
                        free(cond);
                        if (r < 0)
                                goto out;
                }
        }
        for (size_t i = 0; i < n_groups; i++) {
                cJSON *e = group_entry(&groups[i], comment);
                if (!e) {
                        r = -ENOMEM;
                        goto out;
                }
                cJSON_AddItemToArray(m->added, e);
        }
        while (conditional->child) {
                cJSON *e = cJSON_DetachItemViaPointer(conditional, conditional->child);
                cJSON_AddItemToArray(m->added, e);
        }
out:
        groups_free(groups, n_groups);
        cJSON_Delete(conditional);
        free(comment);
        return r;
}

int profile_merge(const struct profile_input *inputs, size_t n, profile_merge_warn_fn warn,
                  void *ctx, char **ret_text, struct policy_error *err)
{
        struct merger m = {.warn = warn, .ctx = ctx, .added = cJSON_CreateArray()};
        cJSON *root = NULL;
        const cJSON *seccomp;
        int r = -ENOMEM;

        err->message[0] = '\0';
        if (n == 0)
                return fail(err, "nothing to merge");
        if (!m.added)
                goto out;
        for (size_t i = 0; i < n; i++) {
                r = parse_input(&inputs[i], &root, &seccomp, err);
                if (r < 0)
                        goto out;
                r = i == 0 ? flatten(seccomp, &m.result) : merge_one(&m, &inputs[i], seccomp);
                cJSON_Delete(root);
                root = NULL;
                if (r < 0)
                        goto out;
        }
        r = trace_profile_append(inputs[0].text, inputs[0].len, m.added, ret_text, err);
        if (r == -EINVAL) {
                char why[sizeof(err->message)];
                snprintf(why, sizeof(why), "%s", err->message);
                report(err, "%s: %s", inputs[0].name, why);
        }
out:
        if (r == -ENOMEM && !err->message[0])
                report(err, "out of memory");
        cJSON_Delete(root);
        cJSON_Delete(m.added);
        ruleset_free(&m.result);
        return r < 0 ? r : 0;
}

/* Diff */

/* A top-level setting as one comparable string; "none" when absent. */
static char *setting(const cJSON *seccomp, const char *key)
{
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(seccomp, key);
        if (!item || cJSON_IsNull(item))
                return strdup("none");
        if (cJSON_IsString(item))
                return strdup(item->valuestring);
        char *json = cJSON_PrintUnformatted(item);
        char *copy = json ? strdup(json) : NULL;
        cJSON_free(json);
        return copy;
}

static char *rule_line(const struct rule *r)
{
        char *line = NULL;
        if (asprintf(&line, "%s: %s%s%s", r->name, r->action, r->cond[0] ? " if " : "", r->cond) <
            0)
                return NULL;
        return line;
}

/* The set's rules as sorted, distinct lines. */
static char **rule_lines(const struct ruleset *set, size_t *ret_n)
{
        char **lines = calloc(set->n ? set->n : 1, sizeof(*lines));
        size_t k = 0;
        if (!lines)
                return NULL;
        for (size_t i = 0; i < set->n; i++) {
                lines[i] = rule_line(&set->v[i]);
                if (!lines[i]) {
                        for (size_t j = 0; j < i; j++)
                                free(lines[j]);
                        free(lines);
                        return NULL;
                }
        }
        qsort(lines, set->n, sizeof(*lines), compare_strings);
        for (size_t i = 0; i < set->n; i++) {
                if (k && strcmp(lines[k - 1], lines[i]) == 0) {
                        free(lines[i]);
                        continue;
                }
                lines[k++] = lines[i];
        }
        *ret_n = k;
        return lines;
}

int profile_diff(const struct profile_input *old_profile, const struct profile_input *new_profile,
                 FILE *out, bool *ret_differs, struct policy_error *err)
{
        static const char *const settings[] = {"architectures", "archMap",          "flags",
                                               "listenerPath",  "listenerMetadata", "supervisor"};
        cJSON *old_root = NULL, *new_root = NULL;
        const cJSON *old_sc, *new_sc;
        struct ruleset old_rules = {0}, new_rules = {0};
        char **old_lines = NULL, **new_lines = NULL;
        size_t n_old = 0, n_new = 0;
        bool differs = false;
        int r;

        err->message[0] = '\0';
        r = parse_input(old_profile, &old_root, &old_sc, err);
        if (r == 0)
                r = parse_input(new_profile, &new_root, &new_sc, err);
        if (r < 0)
                goto out;
        r = -ENOMEM;

        char old_default[64], new_default[64];
        action_key(old_sc, "defaultAction", "defaultErrnoRet", "defaultErrno", old_default,
                   sizeof(old_default));
        action_key(new_sc, "defaultAction", "defaultErrnoRet", "defaultErrno", new_default,
                   sizeof(new_default));
        if (strcmp(old_default, new_default) != 0) {
                fprintf(out, "~ defaultAction: %s -> %s\n", old_default, new_default);
                differs = true;
        }
        for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
                char *a = setting(old_sc, settings[i]), *b = setting(new_sc, settings[i]);
                bool ok = a && b;
                if (ok && strcmp(a, b) != 0) {
                        differs = true;
                        /* Rules are long; say that they differ, not how. */
                        if (strcmp(settings[i], "supervisor") == 0)
                                fprintf(out, "~ supervisor: the user-space rules differ\n");
                        else
                                fprintf(out, "~ %s: %s -> %s\n", settings[i], a, b);
                }
                free(a);
                free(b);
                if (!ok)
                        goto out;
        }

        if (flatten(old_sc, &old_rules) < 0 || flatten(new_sc, &new_rules) < 0 ||
            !(old_lines = rule_lines(&old_rules, &n_old)) ||
            !(new_lines = rule_lines(&new_rules, &n_new)))
                goto out;
        size_t i = 0, j = 0;
        while (i < n_old || j < n_new) {
                int c = i == n_old ? 1 : j == n_new ? -1 : strcmp(old_lines[i], new_lines[j]);
                if (c == 0) {
                        i++;
                        j++;
                } else if (c < 0) {
                        fprintf(out, "- %s\n", old_lines[i++]);
                        differs = true;
                } else {
                        fprintf(out, "+ %s\n", new_lines[j++]);
                        differs = true;
                }
        }
        r = ferror(out) ? -EIO : 0;
        if (r < 0)
                report(err, "writing the differences failed");
        else
                *ret_differs = differs;
out:
        if (r == -ENOMEM && !err->message[0])
                report(err, "out of memory");
        for (size_t k = 0; old_lines && k < n_old; k++)
                free(old_lines[k]);
        for (size_t k = 0; new_lines && k < n_new; k++)
                free(new_lines[k]);
        free(old_lines);
        free(new_lines);
        ruleset_free(&old_rules);
        ruleset_free(&new_rules);
        cJSON_Delete(old_root);
        cJSON_Delete(new_root);
        return r;
}
