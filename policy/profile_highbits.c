/* SPDX-License-Identifier: MIT */
/* policy/profile_highbits.c: kernel-side conditions that high bits in an int argument get around.
 */
/*
 * The kernel reads an int argument as the low 32 bits of its register (a
 * umode_t as the low 16: syscall_args.h), but the filter runc and crun
 * compile, and scmp-super by default, compares all 64. socket(0x100000002,
 * ...) makes an AF_INET socket, and an entry "arg 0 == 2" does not see it:
 * the call goes on to the next entry, or the default. Likewise an entry
 * "arg 2 != 9" takes protocol 0x100000009, which the kernel reads as 9.
 *
 * For every such condition, this review asks where a call goes when high
 * bits change the condition's outcome, and warns when that lets through a
 * call the profile means to stop: a non-allowing entry (ERRNO, KILL, TRAP,
 * TRACE, NOTIFY) missed on the way to one that allows, or an allowing one
 * matched instead of one that does not. A call that high bits only get
 * refused is its own caller's loss, and is not reported. The fix is
 * "supervisor": {"intArgs": "kernel"} (policy_compile()), with which there is
 * nothing to report.
 */
#include "profile_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall_args.h"

/* More than one entry names in practice; further calls are not listed. */
#define NAMES_MAX 16

static bool verdict_allows(enum policy_verdict verdict)
{
        return verdict == VERDICT_ALLOW || verdict == VERDICT_LOG;
}

/* Whether the supervisor may allow a call to nr that the kernel notifies. */
static bool supervisor_may_allow(const struct policy *p, int nr)
{
        if (verdict_allows(p->default_verdict))
                return true;
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *rule = &p->rules[i];
                bool names = rule->n_nrs == 0;
                for (size_t k = 0; k < rule->n_nrs && !names; k++)
                        names = rule->nrs[k] == nr;
                if (names && verdict_allows(rule->verdict))
                        return true;
        }
        return false;
}

/* Whether a call to nr that the kernel gives action runs. */
static bool lets_through(const struct policy *p, enum policy_kernel_action action, int nr)
{
        switch (action) {
        case KACT_ALLOW:
        case KACT_LOG:
                return true;
        case KACT_NOTIFY:
                return supervisor_may_allow(p, nr);
        default:
                return false; /* TRACE too: without a tracer, ENOSYS */
        }
}

/*
 * Where a call to nr goes when entry i does not take it: the later entries
 * naming nr, up to the first without conditions, or else the default. Says
 * whether one of those lets it through (*ret_pass, naming the first such
 * action) and whether one does not (*ret_stop, likewise).
 */
static void fall_through(const struct policy *p, size_t i, int nr, const char **ret_pass,
                         const char **ret_stop)
{
        *ret_pass = *ret_stop = NULL;
        for (size_t j = i + 1; j < p->n_entries; j++) {
                const struct policy_entry *e = &p->entries[j];
                if (!policy_entry_names(e, nr))
                        continue;
                const char **slot = lets_through(p, e->action, nr) ? ret_pass : ret_stop;
                if (!*slot)
                        *slot = policy_kernel_action_name(e->action);
                if (e->n_args == 0)
                        return;
        }
        const char **slot = lets_through(p, p->default_action, nr) ? ret_pass : ret_stop;
        if (!*slot)
                *slot = policy_kernel_action_name(p->default_action);
}

/*
 * How high bits can change condition c on an argument of which the kernel
 * reads only bits: *ret_miss when some call whose read argument meets the
 * condition fails it on 64 bits, *ret_extra when some call whose read
 * argument does not meet it passes on 64 bits. "Meets" compares the read
 * bits of the argument with those of the value, as "intArgs": "kernel"
 * compiles it. high is the high part of the value, top its largest.
 */
static void high_bit_effects(const struct policy_arg_cond *c, uint64_t bits, bool *ret_miss,
                             bool *ret_extra)
{
        uint64_t top = ~bits, high = c->value & top, low = c->value & bits;

        *ret_miss = *ret_extra = false;
        switch (c->op) {
        case SCMP_CMP_EQ:
                *ret_miss = true;
                break;
        case SCMP_CMP_NE:
                *ret_extra = true;
                break;
        case SCMP_CMP_MASKED_EQ:
                /* Only a mask or a value with high bits looks at them; a
                 * value outside its mask never matches either way. */
                *ret_miss = (c->value_two & bits & ~c->value) == 0 &&
                            ((c->value | c->value_two) & top) != 0;
                break;
        case SCMP_CMP_LT:
                *ret_miss = low != 0 && high != top;
                *ret_extra = high != 0;
                break;
        case SCMP_CMP_LE:
                *ret_miss = high != top;
                *ret_extra = high != 0 && low != bits;
                break;
        case SCMP_CMP_GT:
                *ret_miss = high != 0 && low != bits;
                *ret_extra = high != top;
                break;
        case SCMP_CMP_GE:
                *ret_miss = high != 0;
                *ret_extra = low != 0 && high != top;
                break;
        default:
                break;
        }
}

static const char *op_name(enum scmp_compare op)
{
        switch (op) {
        case SCMP_CMP_NE:
                return "SCMP_CMP_NE";
        case SCMP_CMP_LT:
                return "SCMP_CMP_LT";
        case SCMP_CMP_LE:
                return "SCMP_CMP_LE";
        case SCMP_CMP_EQ:
                return "SCMP_CMP_EQ";
        case SCMP_CMP_GE:
                return "SCMP_CMP_GE";
        case SCMP_CMP_GT:
                return "SCMP_CMP_GT";
        case SCMP_CMP_MASKED_EQ:
                return "SCMP_CMP_MASKED_EQ";
        default:
                return "?";
        }
}

struct dodge {
        const char *names[NAMES_MAX];
        char *owned[NAMES_MAX];
        size_t n_names, n_more;
        unsigned width;
        bool missed;         /* the entry is missed (else it is met instead of another) */
        const char *reaches; /* the action the call reaches */
};

static void dodge_add_name(struct dodge *d, int nr)
{
        if (d->n_names == NAMES_MAX) {
                d->n_more++;
                return;
        }
        char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
        d->owned[d->n_names] = name;
        d->names[d->n_names++] = name ? name : "?";
}

static void dodge_clear(struct dodge *d)
{
        for (size_t i = 0; i < d->n_names; i++)
                free(d->owned[i]);
}

static int report_dodge(struct loader *l, const struct policy_entry *e, size_t a,
                        const struct dodge *d)
{
        const struct policy_arg_cond *c = &e->args[a];
        char calls[512];
        size_t used = 0;

        calls[0] = '\0';
        for (size_t i = 0; i < d->n_names && used < sizeof(calls); i++) {
                int n = snprintf(calls + used, sizeof(calls) - used, "%s%s",
                                 i == 0                              ? ""
                                 : i + 1 == d->n_names && !d->n_more ? " and "
                                                                     : ", ",
                                 d->names[i]);
                if (n < 0)
                        break;
                used += (size_t)n;
        }
        if (d->n_more && used < sizeof(calls))
                snprintf(calls + used, sizeof(calls) - used, " and %zu more", d->n_more);

        path_push_key(l, "syscalls");
        path_push_index(l, e->source_index);
        path_push_key(l, "args");
        path_push_index(l, a);
        int r = add_located(
            l, &l->policy->arg_dodges, &l->policy->n_arg_dodges, 0,
            "%s: argument %u is %s, of which the kernel reads the low %u bits, but this %s "
            "condition compares all 64: with high bits set, a call %s %s, which lets it "
            "through; add \"intArgs\": \"kernel\" to \"supervisor\" to compare the bits the "
            "kernel reads",
            calls, c->index, d->width == 16 ? "a umode_t" : "an int", d->width, op_name(c->op),
            d->missed ? "it means to catch fails it and goes on to"
                      : "it means to leave out meets it and gets this entry's",
            d->reaches);
        for (int i = 0; i < 4; i++)
                path_pop(l);
        return r;
}

int warn_high_bits(struct loader *l)
{
        const struct policy *p = l->policy;

        if (p->int_args_as_kernel)
                return 0;
        for (size_t i = 0; i < p->n_entries; i++) {
                const struct policy_entry *e = &p->entries[i];
                for (size_t a = 0; a < e->n_args; a++) {
                        struct dodge d = {.n_names = 0};
                        for (size_t k = 0; k < e->n_nrs; k++) {
                                int nr = e->nrs[k];
                                uint64_t bits = syscall_arg_mask(nr, e->args[a].index);
                                const char *pass, *stop;
                                bool miss, extra;
                                if (bits == UINT64_MAX)
                                        continue;
                                high_bit_effects(&e->args[a], bits, &miss, &extra);
                                if (!miss && !extra)
                                        continue;
                                fall_through(p, i, nr, &pass, &stop);
                                bool passes = lets_through(p, e->action, nr);
                                /* Missed, a stopping entry hands the call on
                                 * to one that lets it through; met instead,
                                 * a letting one takes what would have been
                                 * stopped. */
                                if (miss && !passes && pass) {
                                        d.missed = true;
                                        d.reaches = pass;
                                } else if (extra && passes && stop) {
                                        d.missed = false;
                                        d.reaches = policy_kernel_action_name(e->action);
                                } else {
                                        continue;
                                }
                                if (d.n_names == 0)
                                        d.width = bits == 0xffff ? 16 : 32;
                                dodge_add_name(&d, nr);
                        }
                        int r = d.n_names ? report_dodge(l, e, a, &d) : 0;
                        dodge_clear(&d);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}
