/* SPDX-License-Identifier: MIT */
/* policy/profile_index.c: the rule index and the warnings on a parsed profile. */
/*
 * After the parts of a profile are read: the per-syscall index a decision
 * looks rules up in, and the review that warns of entries and rules that
 * do not do what they seem to.
 */
#include "profile_internal.h"

#include <errno.h>
#include <stdlib.h>

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
int warn_dead_rules(struct loader *l)
{
        const struct policy *p = l->policy;
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *rule = &p->rules[i];
                for (size_t k = 0; k < rule->n_nrs; k++) {
                        if (kernel_notifies(p, rule->nrs[k]))
                                continue;
                        const char *name =
                            seccomp_syscall_resolve_num_arch(seccomp_arch_native(), rule->nrs[k]);
                        path_push_key(l, "supervisor");
                        path_push_key(l, "rules");
                        path_push_index(l, i);
                        path_push_key(l, "syscalls");
                        int r = add_located(l, &l->policy->warnings, &l->policy->n_warnings, 0,
                                            "%s is never notified by the kernel filter, so this "
                                            "rule cannot apply to it (add it to an "
                                            "SCMP_ACT_NOTIFY entry)",
                                            name ? name : "?");
                        for (int d = 0; d < 4; d++)
                                path_pop(l);
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
int warn_shadowed_entries(struct loader *l)
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
                        int r = under_key(
                            l, "syscalls",
                            under_index(l, b->source_index,
                                        add_located(l, &l->policy->notes, &l->policy->n_notes, 0,
                                                    "%s keeps %s from syscalls[%zu], the first "
                                                    "entry naming it; this entry's %s does not "
                                                    "apply to it",
                                                    name ? name : "?",
                                                    policy_kernel_action_name(a->action),
                                                    a->source_index,
                                                    policy_kernel_action_name(b->action))));
                        free((void *)name);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}
