/* SPDX-License-Identifier: MIT */
/* policy/profile_index.c: the rule index, overlaps refused, warnings on a profile. */
/*
 * After the parts of a profile are read: the per-syscall index a decision
 * looks rules up in, the refusal of entries that the kernel filter would
 * not read as the profile does, and the warning of rules it never feeds.
 */
#include "profile_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"

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

static void append_name(char *buf, size_t size, size_t n, int nr);
static void join_last_with_and(char *buf, size_t size);

/*
 * Whether the kernel filter may notify nr, for some arguments at least, as
 * it is built (see below): the first entry naming nr without conditions
 * decides it, except one with the default action, which is left out; a
 * notifying entry before it may catch some calls; the default takes the
 * rest. Overlaps that break this reading are refused before it is asked.
 */
bool policy_kernel_may_notify(const struct policy *p, int nr)
{
        for (size_t i = 0; i < p->n_entries; i++) {
                const struct policy_entry *e = &p->entries[i];
                if (!policy_entry_names(e, nr))
                        continue;
                if (e->action == KACT_NOTIFY)
                        return true;
                if (e->n_args == 0 &&
                    !(e->action == p->default_action && e->ret_data == p->default_ret_data))
                        return false;
        }
        return p->default_action == KACT_NOTIFY;
}

/* A rule for a syscall the kernel filter never hands over can never apply;
 * that is almost always a mistake in the profile (an entry before the
 * SCMP_ACT_NOTIFY one deciding the call), so say so, loudly: --strict
 * refuses the profile for it. One warning per rule, naming its calls. */
int warn_dead_rules(struct loader *l)
{
        struct policy *p = l->policy;
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *rule = &p->rules[i];
                char names[256] = "";
                size_t n = 0;
                for (size_t k = 0; k < rule->n_nrs; k++) {
                        if (policy_kernel_may_notify(p, rule->nrs[k]))
                                continue;
                        append_name(names, sizeof(names), n++, rule->nrs[k]);
                }
                if (n == 0)
                        continue;
                join_last_with_and(names, sizeof(names));
                path_push_key(l, "supervisor");
                path_push_key(l, "rules");
                path_push_index(l, i);
                path_push_key(l, "syscalls");
                int r = add_located(
                    l, &p->warnings, &p->n_warnings, 0,
                    "this rule never applies to %s: the kernel filter never hands %s to the "
                    "supervisor (add %s to an SCMP_ACT_NOTIFY entry, before any entry that "
                    "decides %s, or take %s out of this rule); --strict refuses the profile",
                    names, n > 1 ? "them" : "it", names, n > 1 ? "them" : "it",
                    n > 1 ? "them" : "it");
                for (int d = 0; d < 4; d++)
                        path_pop(l);
                if (r < 0)
                        return r;
                p->n_dead_rules++;
        }
        return 0;
}

/*
 * Two entries naming one syscall with different actions. The kernel filter
 * is built as libseccomp builds it for runc and crun: an entry with the
 * default action is left out (libseccomp refuses such a rule, the runtimes
 * skip it), the first rule without conditions for a syscall stays and later
 * ones are dropped, a rule without conditions replaces the conditional ones
 * before it, and a second rule with the same conditions is refused
 * (EEXIST, which stops runc and crun). So a profile read top to bottom, the
 * first entry that matches deciding, means what the filter does only if no
 * two entries meet in one of those ways. Where they do, one entry never
 * applies to the syscall, or applies where the reader does not expect it:
 * an error, with the fix.
 *
 * Two readings stay valid. An earlier entry without conditions decides a
 * syscall and a later one that allows (SCMP_ACT_ALLOW, LOG) names it too:
 * the filter keeps the first action, as the reader expects, and the later
 * entry reads as "everything else" (a NOTIFY entry put before Docker's
 * default list). And a later entry with includes or excludes, which a
 * runtime's default profile writes for many machines at once: Podman's
 * errno entry for when CAP_SYS_ADMIN is missing names setns, which its
 * first allow entry already decides, so crun and runc allow setns, and
 * so do we. A later entry that refuses or notifies otherwise is an error:
 * its action would be dropped in silence.
 * Conditional entries that add cases for one syscall with different
 * conditions (Docker's clone, personality, socket) are valid as well.
 */
enum overlap_kind {
        OVERLAP_NONE,
        OVERLAP_DEFAULT_LEFT_OUT, /* the earlier entry has the default action */
        OVERLAP_FIRST_WINS,       /* the earlier entry has no conditions */
        OVERLAP_LATER_REPLACES,   /* the later entry has none, the earlier has some */
        OVERLAP_SAME_CONDITIONS,
};

static bool same_action(const struct policy_entry *a, const struct policy_entry *b)
{
        return a->action == b->action && a->ret_data == b->ret_data;
}

static bool has_default_action(const struct policy *p, const struct policy_entry *e)
{
        return e->action == p->default_action && e->ret_data == p->default_ret_data;
}

static bool cond_in(const struct policy_arg_cond *c, const struct policy_entry *e)
{
        for (size_t i = 0; i < e->n_args; i++)
                if (e->args[i].index == c->index && e->args[i].op == c->op &&
                    e->args[i].value == c->value && e->args[i].value_two == c->value_two)
                        return true;
        return false;
}

static bool same_conditions(const struct policy_entry *a, const struct policy_entry *b)
{
        if (a->n_args != b->n_args || a->args_are_alternatives != b->args_are_alternatives)
                return false;
        for (size_t i = 0; i < a->n_args; i++)
                if (!cond_in(&a->args[i], b) || !cond_in(&b->args[i], a))
                        return false;
        return true;
}

/* Whether e lets calls run: a later entry that does so for a call an
 * earlier one decided reads as "everything else", and the filter agrees.
 * One that refuses or notifies must not have its action dropped in
 * silence. */
static bool lets_through(const struct policy_entry *e)
{
        return e->action == KACT_ALLOW || e->action == KACT_LOG;
}

/* How earlier entry a and later entry b, both naming a syscall, meet;
 * b_gated: b has includes or excludes. */
static enum overlap_kind overlap_of(const struct policy *p, const struct policy_entry *a,
                                    const struct policy_entry *b, bool b_gated)
{
        if (same_action(a, b))
                return OVERLAP_NONE;
        if (has_default_action(p, a))
                return a->n_args == 0 || b->n_args == 0 || same_conditions(a, b)
                           ? OVERLAP_DEFAULT_LEFT_OUT
                           : OVERLAP_NONE;
        if (a->n_args == 0)
                return lets_through(b) || b_gated ? OVERLAP_NONE : OVERLAP_FIRST_WINS;
        /* a has conditions. b with the default action is left out, and
         * the default then decides what a does not: as read. */
        if (has_default_action(p, b))
                return OVERLAP_NONE;
        if (b->n_args == 0)
                return OVERLAP_LATER_REPLACES;
        return same_conditions(a, b) ? OVERLAP_SAME_CONDITIONS : OVERLAP_NONE;
}

/* Where syscall nr came into entry e: *ret_k is the element of its
 * "names" that brought it (SIZE_MAX for the old "name"), *ret_group that
 * element when it is a @group, else NULL. Strings point into the JSON. */
struct origin_search {
        int nr;
        bool found;
};

static int origin_member_cb(const char *syscall, void *userdata)
{
        struct origin_search *s = userdata;
        if (seccomp_syscall_resolve_name(syscall) == s->nr) {
                s->found = true;
                return 1;
        }
        return 0;
}

static bool element_brings(const cJSON *item, int nr)
{
        if (!cJSON_IsString(item))
                return false;
        if (item->valuestring[0] != '@')
                return seccomp_syscall_resolve_name(item->valuestring) == nr;
        struct origin_search s = {.nr = nr};
        (void)syscall_group_expand(item->valuestring, origin_member_cb, &s);
        return s.found;
}

static void entry_origin(const cJSON *root, const struct policy_entry *e, int nr, size_t *ret_k,
                         const char **ret_group)
{
        const cJSON *obj = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "syscalls"),
                                              (int)e->source_index);
        const cJSON *names = cJSON_GetObjectItemCaseSensitive(obj, "names");
        const cJSON *item;
        size_t k = 0;

        *ret_k = SIZE_MAX;
        *ret_group = NULL;
        if (!names) {
                item = cJSON_GetObjectItemCaseSensitive(obj, "name");
                if (cJSON_IsString(item) && item->valuestring[0] == '@')
                        *ret_group = item->valuestring;
                return;
        }
        /* A plain name counts before a group that also holds it. */
        cJSON_ArrayForEach(item, names)
        {
                if (cJSON_IsString(item) && item->valuestring[0] != '@' &&
                    element_brings(item, nr)) {
                        *ret_k = k;
                        return;
                }
                k++;
        }
        k = 0;
        cJSON_ArrayForEach(item, names)
        {
                if (element_brings(item, nr)) {
                        *ret_k = k;
                        *ret_group = item->valuestring;
                        return;
                }
                k++;
        }
}

/* The first earlier entry that overlaps entry j on nr, or NULL. */
static const struct policy_entry *first_overlap(const struct policy *p, size_t j, int nr,
                                                enum overlap_kind *ret_kind)
{
        for (size_t i = 0; i < j; i++) {
                const struct policy_entry *a = &p->entries[i];
                if (!policy_entry_names(a, nr))
                        continue;
                enum overlap_kind kind = overlap_of(p, a, &p->entries[j], p->entries[j].gated);
                if (kind != OVERLAP_NONE) {
                        *ret_kind = kind;
                        return a;
                }
        }
        return NULL;
}

/* Appends nr's name to the list of names in buf ("a, b and c"); n is the
 * number already in it. */
static void append_name(char *buf, size_t size, size_t n, int nr)
{
        const char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
        size_t len = strlen(buf);
        if (len < size)
                snprintf(buf + len, size - len, "%s%s", n == 0 ? "" : ", ", name ? name : "?");
        free((void *)name);
}

/* "a, b, c" -> "a, b and c", cut short if it no longer fits. */
static void join_last_with_and(char *buf, size_t size)
{
        char *comma = strrchr(buf, ',');
        char last[256];

        if (!comma)
                return;
        snprintf(last, sizeof(last), "%s", comma + 1);
        snprintf(comma, size - (size_t)(comma - buf), " and%s", last);
}

/* Fails with the message for entry b meeting earlier entry a on the calls
 * in names (n of them; nr the first, whose place is shown). */
static int report_overlap(struct loader *l, const cJSON *root, const struct policy_entry *a,
                          const struct policy_entry *b, int nr, const char *names, size_t n,
                          enum overlap_kind kind, size_t more)
{
        const char *act_a = policy_kernel_action_name(a->action);
        const char *act_b = policy_kernel_action_name(b->action);
        const char *is = n > 1 ? "are" : "is", *it = n > 1 ? "them" : "it";
        const char *group_a, *group_b;
        size_t k_a, k_b;
        char via_a[128] = "", tail[96] = "";

        entry_origin(root, a, nr, &k_a, &group_a);
        entry_origin(root, b, nr, &k_b, &group_b);
        /* Moved first, b decides, and a, now later, may still name the
         * calls if it allows (overlap_of()). */
        bool movable = lets_through(a) && b->n_args == 0;
        if (group_a)
                snprintf(via_a, sizeof(via_a), " through %s", group_a);
        if (more)
                snprintf(tail, sizeof(tail), " (and %zu more overlap%s after these)", more,
                         more == 1 ? "" : "s");

        path_push_key(l, "syscalls");
        path_push_index(l, b->source_index);
        path_push_key(l, k_b == SIZE_MAX ? "name" : "names");
        if (k_b != SIZE_MAX)
                path_push_index(l, k_b);
        switch (kind) {
        case OVERLAP_DEFAULT_LEFT_OUT:
                report_at(l, 0,
                          "%s %s also named by syscalls[%zu]%s with %s, the default action; the "
                          "kernel filter leaves such a rule out (libseccomp refuses it, runc and "
                          "crun skip it), so this entry's %s decides %s%s instead. Remove %s "
                          "from this entry%s, or give syscalls[%zu] another action or errno%s",
                          names, is, a->source_index, a->n_args ? " (with conditions)" : "", act_a,
                          act_b, it, b->n_args ? " where its conditions hold" : "", names,
                          group_b ? " (list the group's other calls instead of it)" : "",
                          a->source_index, tail);
                break;
        case OVERLAP_FIRST_WINS:
                report_at(l, 0,
                          "%s %s already decided by syscalls[%zu] (%s%s, no conditions), which "
                          "comes first: the kernel filter keeps the first action, so this "
                          "entry's %s never applies to %s. Remove %s from syscalls[%zu]%s%s%s",
                          names, is, a->source_index, act_a, via_a, act_b, it, names,
                          a->source_index,
                          group_a ? " (list the group's other calls instead of it)" : "",
                          movable ? ", or move this entry before it" : "", tail);
                break;
        case OVERLAP_LATER_REPLACES:
                report_at(l, 0,
                          "%s %s conditions in syscalls[%zu] (%s%s), and this entry names %s "
                          "without conditions: in the kernel filter a rule without conditions "
                          "replaces the conditional ones before it (libseccomp does so), so "
                          "syscalls[%zu] never applies to %s and this entry's %s decides every "
                          "call. Remove %s from this entry%s, or from syscalls[%zu]%s",
                          names, n > 1 ? "have" : "has", a->source_index, act_a, via_a, it,
                          a->source_index, it, act_b, names,
                          group_b ? " (list the group's other calls instead of it)" : "",
                          a->source_index, tail);
                break;
        case OVERLAP_SAME_CONDITIONS:
        default:
                report_at(l, 0,
                          "%s %s the same conditions in syscalls[%zu] (%s%s), which comes first; "
                          "libseccomp refuses a second rule for them (runc and crun then fail "
                          "to start the container), and this entry's %s would never apply. "
                          "Remove %s from one of the two entries%s",
                          names, n > 1 ? "have" : "has", a->source_index, act_a, via_a, act_b,
                          names, tail);
                break;
        }
        for (int d = k_b == SIZE_MAX ? 3 : 4; d > 0; d--)
                path_pop(l);
        return -EINVAL;
}

int refuse_overlapping_entries(struct loader *l, const cJSON *root)
{
        const struct policy *p = l->policy;
        const struct policy_entry *first_a = NULL, *first_b = NULL;
        enum overlap_kind first_kind = OVERLAP_NONE;
        int first_nr = -1;
        size_t more = 0, n_names = 0;
        char names[256] = "";

        for (size_t j = 1; j < p->n_entries; j++) {
                const struct policy_entry *b = &p->entries[j];
                for (size_t x = 0; x < b->n_nrs; x++) {
                        enum overlap_kind kind = OVERLAP_NONE;
                        const struct policy_entry *a = first_overlap(p, j, b->nrs[x], &kind);
                        if (!a)
                                continue;
                        if (!first_a) {
                                first_a = a;
                                first_b = b;
                                first_kind = kind;
                                first_nr = b->nrs[x];
                        } else if (a != first_a || b != first_b || kind != first_kind) {
                                more++;
                                continue;
                        }
                        /* The same two entries, the same way: one message. */
                        append_name(names, sizeof(names), n_names++, b->nrs[x]);
                }
        }
        if (!first_a)
                return 0;
        join_last_with_and(names, sizeof(names));
        return report_overlap(l, root, first_a, first_b, first_nr, names, n_names, first_kind,
                              more);
}
