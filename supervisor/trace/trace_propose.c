/* SPDX-License-Identifier: MIT */
/* trace/trace_propose.c: the path rules trace --paths proposes, as JSON, lines and a profile. */
#include "trace/trace_propose.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "base/text.h"
#include "glob.h"
#include "syscall_args.h"

// Whether every path nr named is matched by a rule that names nr: a path
// left out (too long, not absolute) has none, and nr stays allowed whole.
static bool all_paths_covered(const struct trace_proposal *p, const struct trace_strset *paths,
                              int nr)
{
        for (size_t i = 0; i < paths->cap; i++) {
                if (!paths->slots[i])
                        continue;
                bool covered = false;
                for (size_t r = 0; r < p->rules.n && !covered; r++)
                        for (size_t k = 0; k < p->rules.rules[r].n_nrs && !covered; k++)
                                covered = p->rules.rules[r].nrs[k] == nr &&
                                          path_glob_match(p->rules.rules[r].glob, paths->slots[i]);
                if (!covered)
                        return false;
        }
        return true;
}

int trace_proposal_make(const struct trace_recorder *rec, struct trace_proposal *ret)
{
        struct trace_proposal p = {.max_nr = rec->max_nr};
        struct trace_path_use *uses = NULL;
        size_t n = 0, k = 0;
        int r = -ENOMEM;

        if (rec->max_nr < 0)
                return -EINVAL; /* a recorder always knows at least one call */
        size_t n_nrs = (size_t)rec->max_nr + 1;
        for (int nr = 0; nr <= rec->max_nr; nr++)
                n += rec->calls[nr].paths.n;
        p.notified = calloc(n_nrs, sizeof(*p.notified));
        p.left_whole = calloc(n_nrs, sizeof(*p.left_whole));
        uses = n ? malloc(n * sizeof(*uses)) : NULL;
        if (!p.notified || !p.left_whole || (n && !uses))
                goto out;
        for (int nr = 0; nr <= rec->max_nr; nr++) {
                const struct trace_strset *set = &rec->calls[nr].paths;
                for (size_t i = 0; i < set->cap; i++)
                        if (set->slots[i] && k < n) /* n counted them */
                                uses[k++] = (struct trace_path_use){set->slots[i], nr};
        }
        if (trace_rules_propose(uses, k, &p.rules) < 0)
                goto out;
        for (int nr = 0; nr <= rec->max_nr; nr++) {
                const struct trace_syscall *s = &rec->calls[nr];
                if (!s->count || !s->path_calls)
                        continue;
                if (s->paths.truncated)
                        p.left_whole[nr] = "more distinct paths than were kept";
                else if (s->unnamed_path_calls)
                        p.left_whole[nr] = "some calls named no path that could be read";
                else if (!all_paths_covered(&p, &s->paths, nr))
                        p.left_whole[nr] = "a path no rule could be written for";
                else {
                        p.notified[nr] = true;
                        p.n_notified++;
                }
        }
        *ret = p;
        p = (struct trace_proposal){0};
        r = 0;
out:
        free(uses);
        trace_proposal_clear(&p);
        return r;
}

void trace_proposal_clear(struct trace_proposal *proposal)
{
        trace_rule_proposal_clear(&proposal->rules);
        free(proposal->notified);
        free(proposal->left_whole);
        memset(proposal, 0, sizeof(*proposal));
}

static bool notified(const struct trace_proposal *p, int nr)
{
        return nr >= 0 && nr <= p->max_nr && p->notified[nr];
}

// The names of a rule's syscalls that the proposal notifies, or NULL.
static cJSON *rule_syscalls(const struct trace_proposal *p, const struct trace_recorder *rec,
                            const struct trace_proposed_rule *rule, size_t *ret_n)
{
        cJSON *names = cJSON_CreateArray();
        *ret_n = 0;
        for (size_t k = 0; names && k < rule->n_nrs; k++) {
                const char *name = trace_recorder_name(rec, rule->nrs[k]);
                if (!notified(p, rule->nrs[k]) || !name)
                        continue;
                cJSON *s = cJSON_CreateString(name);
                if (!s) {
                        cJSON_Delete(names);
                        return NULL;
                }
                cJSON_AddItemToArray(names, s);
                (*ret_n)++;
        }
        return names;
}

static cJSON *rule_json(const char *comment, cJSON *syscalls, cJSON *path)
{
        cJSON *obj = cJSON_CreateObject();
        if (!obj || !syscalls || !path || !cJSON_AddStringToObject(obj, "comment", comment)) {
                cJSON_Delete(obj);
                cJSON_Delete(syscalls);
                cJSON_Delete(path);
                return NULL;
        }
        cJSON_AddItemToObject(obj, "syscalls", syscalls);
        cJSON_AddItemToObject(obj, "path", path);
        if (!cJSON_AddStringToObject(obj, "action", "allow")) {
                cJSON_Delete(obj);
                return NULL;
        }
        return obj;
}

static void describe(const struct trace_proposed_rule *rule, char *buf, size_t size)
{
        if (rule->collapsed)
                snprintf(buf, size,
                         "proposed by scmp-super trace: %zu recorded path%s below this "
                         "directory, collapsed: allows any file below it%s",
                         rule->n_paths, rule->n_paths == 1 ? "" : "s",
                         rule->widened ? "; '?' stands for bytes that are not printable" : "");
        else
                snprintf(buf, size, "proposed by scmp-super trace: recorded%s",
                         rule->widened ? "; '?' stands for bytes that are not printable" : "");
}

// The supervisor rules: one per glob, for the notified syscalls that named
// paths under it; then, for each notified syscall that names two paths
// (rename, link), one with every glob of its paths, since an allow needs
// both paths to match one rule (policy/decide.c).
static cJSON *rules_json(const struct trace_proposal *p, const struct trace_recorder *rec)
{
        cJSON *rules = cJSON_CreateArray();
        char comment[256];
        if (!rules)
                return NULL;
        for (size_t i = 0; i < p->rules.n; i++) {
                const struct trace_proposed_rule *rule = &p->rules.rules[i];
                size_t n;
                cJSON *names = rule_syscalls(p, rec, rule, &n);
                if (names && n == 0) {
                        cJSON_Delete(names);
                        continue;
                }
                describe(rule, comment, sizeof(comment));
                cJSON *obj = rule_json(comment, names, cJSON_CreateString(rule->glob));
                if (!obj)
                        goto fail;
                cJSON_AddItemToArray(rules, obj);
        }
        for (int nr = 0; nr <= p->max_nr; nr++) {
                const struct syscall_desc *desc = syscall_desc_get(nr);
                const char *name = trace_recorder_name(rec, nr);
                if (!notified(p, nr) || !desc || desc->n_paths < 2 || !name)
                        continue;
                cJSON *globs = cJSON_CreateArray(), *names = cJSON_CreateArray();
                for (size_t i = 0; globs && i < p->rules.n; i++)
                        for (size_t k = 0; k < p->rules.rules[i].n_nrs; k++)
                                if (p->rules.rules[i].nrs[k] == nr)
                                        cJSON_AddItemToArray(
                                            globs, cJSON_CreateString(p->rules.rules[i].glob));
                if (names)
                        cJSON_AddItemToArray(names, cJSON_CreateString(name));
                snprintf(comment, sizeof(comment),
                         "proposed by scmp-super trace: %s names two paths, and both must match "
                         "one rule",
                         name);
                cJSON *obj = rule_json(comment, names, globs);
                if (!obj)
                        goto fail;
                cJSON_AddItemToArray(rules, obj);
        }
        return rules;
fail:
        cJSON_Delete(rules);
        return NULL;
}

cJSON *trace_proposal_json(const struct trace_proposal *proposal, const struct trace_recorder *rec)
{
        cJSON *obj = cJSON_CreateObject(), *rules = rules_json(proposal, rec), *whole;
        if (!obj || !rules)
                goto fail;
        cJSON_AddItemToObject(obj, "rules", rules);
        rules = NULL;
        if (!cJSON_AddNumberToObject(obj, "leftOutPaths", (double)proposal->rules.n_left_out) ||
            !(whole = cJSON_AddArrayToObject(obj, "allowedWhole")))
                goto fail;
        for (int nr = 0; nr <= proposal->max_nr; nr++) {
                const char *name = trace_recorder_name(rec, nr);
                if (!proposal->left_whole[nr])
                        continue;
                cJSON *one = cJSON_CreateObject();
                if (!one)
                        goto fail;
                cJSON_AddItemToArray(whole, one);
                if (!(name ? cJSON_AddStringToObject(one, "syscall", name)
                           : cJSON_AddNumberToObject(one, "syscall", nr)) ||
                    !cJSON_AddStringToObject(one, "reason", proposal->left_whole[nr]))
                        goto fail;
        }
        return obj;
fail:
        cJSON_Delete(rules);
        cJSON_Delete(obj);
        return NULL;
}

void trace_proposal_print(const struct trace_proposal *proposal, const struct trace_recorder *rec,
                          FILE *out)
{
        char glob[128];
        size_t n = 0;
        for (size_t i = 0; i < proposal->rules.n; i++)
                for (size_t k = 0; k < proposal->rules.rules[i].n_nrs; k++)
                        if (notified(proposal, proposal->rules.rules[i].nrs[k])) {
                                n++;
                                break;
                        }
        fprintf(out,
                "scmp-super trace: path rules proposed for review (%zu; --propose-rules FILE "
                "writes them into a profile):\n",
                n);
        for (size_t i = 0; i < proposal->rules.n; i++) {
                const struct trace_proposed_rule *rule = &proposal->rules.rules[i];
                bool shown = false;
                for (size_t k = 0; k < rule->n_nrs; k++) {
                        const char *name = trace_recorder_name(rec, rule->nrs[k]);
                        if (!notified(proposal, rule->nrs[k]))
                                continue;
                        if (!shown)
                                fprintf(out, "  allow %-40s",
                                        text_printable(rule->glob, glob, sizeof(glob)));
                        fprintf(out, " %s", name ? name : "?");
                        shown = true;
                }
                if (shown && rule->collapsed)
                        fprintf(out, " (%zu paths collapsed)", rule->n_paths);
                if (shown)
                        fputc('\n', out);
        }
        if (proposal->rules.n_left_out)
                fprintf(out, "  (%zu path%s no rule could be written for)\n",
                        proposal->rules.n_left_out, proposal->rules.n_left_out == 1 ? "" : "s");
        for (int nr = 0; nr <= proposal->max_nr; nr++) {
                const char *name = trace_recorder_name(rec, nr);
                if (proposal->left_whole[nr])
                        fprintf(out, "  %s stays allowed whole: %s\n", name ? name : "?",
                                proposal->left_whole[nr]);
        }
}

// Removes the notified syscalls from every entry of syscalls, dropping
// entries left with no name.
static void remove_notified(const struct trace_proposal *p, const struct trace_recorder *rec,
                            cJSON *syscalls)
{
        cJSON *entry = syscalls->child;
        while (entry) {
                cJSON *next = entry->next;
                cJSON *names = cJSON_GetObjectItemCaseSensitive(entry, "names");
                cJSON *name = names ? names->child : NULL;
                while (name) {
                        cJSON *after = name->next;
                        for (int nr = 0; nr <= p->max_nr && cJSON_IsString(name); nr++) {
                                const char *n = trace_recorder_name(rec, nr);
                                if (notified(p, nr) && n && strcmp(n, name->valuestring) == 0) {
                                        cJSON_Delete(cJSON_DetachItemViaPointer(names, name));
                                        break;
                                }
                        }
                        name = after;
                }
                if (names && cJSON_GetArraySize(names) == 0)
                        cJSON_Delete(cJSON_DetachItemViaPointer(syscalls, entry));
                entry = next;
        }
}

int trace_proposal_profile(const struct trace_proposal *proposal, const struct trace_recorder *rec,
                           const char *text, char **ret_text, struct policy_error *err)
{
        cJSON *root = cJSON_Parse(text), *syscalls, *entry = NULL, *names = NULL, *sup = NULL;
        char *out = NULL;

        memset(err, 0, sizeof(*err));
        if (!root || !(syscalls = cJSON_GetObjectItemCaseSensitive(root, "syscalls")) ||
            !cJSON_IsArray(syscalls)) {
                snprintf(err->message, sizeof(err->message),
                         "internal error: the profile to propose rules for has no syscalls");
                cJSON_Delete(root);
                return -EINVAL;
        }
        remove_notified(proposal, rec, syscalls);
        if (proposal->n_notified) {
                if (!(entry = cJSON_CreateObject()) ||
                    !(names = cJSON_AddArrayToObject(entry, "names")))
                        goto nomem;
                for (int nr = 0; nr <= proposal->max_nr; nr++) {
                        const char *name = trace_recorder_name(rec, nr);
                        cJSON *s = notified(proposal, nr) && name ? cJSON_CreateString(name) : NULL;
                        if (s)
                                cJSON_AddItemToArray(names, s);
                }
                if (!cJSON_AddStringToObject(entry, "action", "SCMP_ACT_NOTIFY") ||
                    !cJSON_AddStringToObject(entry, "comment",
                                             "proposed by scmp-super trace: decided by the "
                                             "supervisor rules below"))
                        goto nomem;
                cJSON_AddItemToArray(syscalls, entry);
                entry = NULL;
        }
        cJSON *rules = rules_json(proposal, rec);
        if (!rules || !(sup = cJSON_CreateObject())) {
                cJSON_Delete(rules);
                goto nomem;
        }
        cJSON_AddItemToObject(root, "supervisor", sup);
        if (!cJSON_AddStringToObject(sup, "comment",
                                     "proposed by scmp-super trace --paths for review: the "
                                     "recorded paths, directories with many collapsed to DIR/**; "
                                     "any other path is refused") ||
            !cJSON_AddStringToObject(sup, "defaultAction", "deny")) {
                cJSON_Delete(rules);
                goto nomem;
        }
        cJSON_AddItemToObject(sup, "rules", rules);
        out = cJSON_Print(root);
        if (!out)
                goto nomem;
        size_t len = strlen(out);
        char *with_newline = realloc(out, len + 2);
        if (!with_newline)
                goto nomem;
        memcpy(with_newline + len, "\n", 2);
        cJSON_Delete(root);
        *ret_text = with_newline;
        return 0;
nomem:
        free(out);
        cJSON_Delete(entry);
        cJSON_Delete(root);
        snprintf(err->message, sizeof(err->message), "out of memory");
        return -ENOMEM;
}
