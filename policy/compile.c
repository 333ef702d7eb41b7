/* SPDX-License-Identifier: MIT */
/* policy/compile.c: a loaded profile turned into a kernel filter, as runc and crun do. */
/*
 * Turning a loaded profile into a kernel filter with libseccomp, the way
 * runc and crun do it, so a profile means the same thing under scmp-super
 * as under the runtimes.
 */
#include "policy.h"
#include "netaddr.h"

#include <errno.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef __NR_execve
#include <sys/syscall.h>
#endif

#include "policy_internal.h"
#include "syscall_args.h"

/* Above this many rules the binary tree pays for itself (measured in
 * bench/: Docker's default profile has about 350). */
#define BINARY_TREE_THRESHOLD 32

static uint32_t scmp_action(enum policy_kernel_action action, uint32_t ret_data)
{
        switch (action) {
        case KACT_ALLOW:
                return SCMP_ACT_ALLOW;
        case KACT_ERRNO:
                return SCMP_ACT_ERRNO(ret_data);
        case KACT_KILL_THREAD:
                return SCMP_ACT_KILL_THREAD;
        case KACT_KILL_PROCESS:
                return SCMP_ACT_KILL_PROCESS;
        case KACT_TRAP:
                return SCMP_ACT_TRAP;
        case KACT_LOG:
                return SCMP_ACT_LOG;
        case KACT_TRACE:
                return SCMP_ACT_TRACE(ret_data);
        case KACT_NOTIFY:
                return SCMP_ACT_NOTIFY;
        }
        return SCMP_ACT_KILL_PROCESS;
}

/* With --explain (opts->notify_refused) a refusal with an errno comes to
 * the supervisor, which answers it with that errno (policy_route()). */
static enum policy_kernel_action explained_action(enum policy_kernel_action action,
                                                  const struct policy_compile_opts *opts)
{
        if (opts && opts->notify_refused && action == KACT_ERRNO)
                return KACT_NOTIFY;
        return action;
}

static struct scmp_arg_cmp to_scmp_cond(const struct policy_arg_cond *c)
{
        return (struct scmp_arg_cmp){
            .arg = c->index, .op = c->op, .datum_a = c->value, .datum_b = c->value_two};
}

bool policy_routed(const struct policy_compile_opts *opts, int nr)
{
        if (!opts)
                return false;
        if (opts->notify_execve && nr == __NR_execve)
                return true;
        if (opts->notify_execveat && nr == __NR_execveat)
                return true;
        return opts->notify_root_changes && policy_changes_root(nr);
}

bool policy_kernel_passes(const struct policy *p, const struct policy_compile_opts *opts, int nr)
{
        static const bool passes[KACT_NOTIFY + 1] = {[KACT_ALLOW] = true, [KACT_LOG] = true};

        if (policy_routed(opts, nr))
                return false;
        /* As policy_compile() adds them. */
        if (opts && opts->notify_unlisted && p->default_action != KACT_NOTIFY &&
            !policy_names_syscall(p, nr))
                return false;
        return policy_kernel_always(p, nr, passes);
}

bool policy_changes_root(int nr)
{
        return nr == __NR_chroot || nr == __NR_pivot_root || nr == __NR_setns;
}

int policy_call_addr_format(const struct policy_call *call, unsigned i, char *buf, size_t size)
{
        if (size > 0)
                buf[0] = '\0';
        if (!call->have_addr || !call->addrs || i >= call->n_addrs)
                return -ENOENT;
        if (call->addrs[i].none || call->addrs[i].len == 0)
                return -ENODATA;
        return netaddr_format((const struct sockaddr *)&call->addrs[i].sa, call->addrs[i].len, buf,
                              size);
}

bool policy_call_names_differ(const struct policy_call *call)
{
        for (unsigned i = 0; i < call->n_paths && i < POLICY_CALL_MAX_PATHS; i++)
                if (call->raw_paths[i] &&
                    (!call->paths[i] || strcmp(call->raw_paths[i], call->paths[i]) != 0))
                        return true;
        return false;
}

bool policy_is_open_call(int nr)
{
        return nr == __NR_open || nr == __NR_openat || nr == __NR_openat2 || nr == __NR_creat;
}

bool policy_changes_exe(int nr)
{
        return nr == __NR_execve || nr == __NR_execveat;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned n,
                    const struct scmp_arg_cmp *conds)
{
        int r = seccomp_rule_add_array(ctx, action, nr, n, conds);
        /* libseccomp refuses a rule whose action is the default (runc skips
         * those too), and -EEXIST means an identical rule is already in. */
        if (r == -EACCES || r == -EEXIST)
                return 0;
        return r;
}

/*
 * "intArgs": "kernel". libseccomp compares all 64 bits of an argument, and
 * has no operator for the low half alone, so a condition on an argument the
 * kernel reads as an int (or a umode_t) is spelt with SCMP_CMP_MASKED_EQ on
 * the bits it reads, the value cut to the same bits:
 *
 *   EQ v          MASKED_EQ(bits, v)
 *   MASKED_EQ m v MASKED_EQ(m & bits, v & bits)
 *   NE v          any bit differs: MASKED_EQ(1 << b, ~v & 1 << b), one per bit
 *   LT v          for each bit b set in v, the numbers that agree with v above
 *                 b and have b clear: MASKED_EQ(bits from b up, v above b)
 *   GT v          for each bit b clear in v, those that agree above b and
 *                 have b set
 *   LE v, GE v    LT v + 1 and GT v - 1; always true at the ends of the range
 *
 * A condition becomes a set of alternatives (at most 32, one libseccomp rule
 * each, OR-ed as runc does with conditions on one index); the conditions of
 * an entry, all of which must hold, become every combination of theirs.
 */

/* Rules one entry may need for one call; two conditions of 32 alternatives
 * each make 1024. */
#define LOW_BITS_MAX_RULES 1024

struct low_bits_cond {
        bool always; /* holds whatever the argument: no condition needed */
        unsigned n;  /* alternatives; 0 and !always: never holds */
        struct scmp_arg_cmp alt[64];
};

static void low_bits_add(struct low_bits_cond *out, unsigned index, uint64_t mask, uint64_t datum)
{
        out->alt[out->n++] = (struct scmp_arg_cmp){
            .arg = index, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask, .datum_b = datum};
}

/* low(arg) < v: for each bit b set in v, agree with v above b, b clear. */
static void low_bits_less(struct low_bits_cond *out, unsigned index, uint64_t bits, uint64_t v)
{
        for (unsigned b = 0; b < 64 && (UINT64_C(1) << b) <= bits; b++) {
                uint64_t bit = UINT64_C(1) << b, from_b = bits & ~(bit - 1);
                if (v & bit)
                        low_bits_add(out, index, from_b, v & from_b & ~bit);
        }
}

/* low(arg) > v: for each bit b clear in v, agree with v above b, b set. */
static void low_bits_greater(struct low_bits_cond *out, unsigned index, uint64_t bits, uint64_t v)
{
        for (unsigned b = 0; b < 64 && (UINT64_C(1) << b) <= bits; b++) {
                uint64_t bit = UINT64_C(1) << b, from_b = bits & ~(bit - 1);
                if (!(v & bit))
                        low_bits_add(out, index, from_b, (v & from_b) | bit);
        }
}

/* Condition c on the bits of its argument the kernel reads (bits, below all
 * ones), as alternatives libseccomp can compile. */
static void low_bits_cond(const struct policy_arg_cond *c, uint64_t bits, struct low_bits_cond *out)
{
        uint64_t v = c->value & bits;

        *out = (struct low_bits_cond){.always = false, .n = 0};
        switch (c->op) {
        case SCMP_CMP_EQ:
                low_bits_add(out, c->index, bits, v);
                break;
        case SCMP_CMP_MASKED_EQ:
                low_bits_add(out, c->index, v, c->value_two & bits);
                break;
        case SCMP_CMP_NE:
                for (unsigned b = 0; b < 64 && (UINT64_C(1) << b) <= bits; b++) {
                        uint64_t bit = UINT64_C(1) << b;
                        low_bits_add(out, c->index, bit, ~v & bit);
                }
                break;
        case SCMP_CMP_LT:
                low_bits_less(out, c->index, bits, v);
                break;
        case SCMP_CMP_LE:
                if (v == bits)
                        out->always = true;
                else
                        low_bits_less(out, c->index, bits, v + 1);
                break;
        case SCMP_CMP_GT:
                low_bits_greater(out, c->index, bits, v);
                break;
        case SCMP_CMP_GE:
                if (v == 0)
                        out->always = true;
                else
                        low_bits_greater(out, c->index, bits, v - 1);
                break;
        default:
                break; /* the loader accepts no other operator */
        }
}

/* Condition c of an entry for call nr, as the kernel reads its argument. */
static void kernel_width_cond(const struct policy_arg_cond *c, int nr, struct low_bits_cond *out)
{
        uint64_t bits = syscall_arg_mask(nr, c->index);

        if (bits == UINT64_MAX) {
                *out = (struct low_bits_cond){.always = false, .n = 1};
                out->alt[0] = to_scmp_cond(c);
                return;
        }
        low_bits_cond(c, bits, out);
}

/* The rules of entry e for call nr with "intArgs": "kernel"; counts them
 * into *n_rules. */
static int add_kernel_width_rules(scmp_filter_ctx ctx, uint32_t action,
                                  const struct policy_entry *e, int nr, size_t *n_rules)
{
        struct low_bits_cond conds[6];
        unsigned n_conds = 0, pick[6] = {0};
        size_t combinations = 1;
        int r;

        if (e->args_are_alternatives) {
                /* Each condition alone, OR-ed: each alternative its own rule. */
                for (size_t a = 0; a < e->n_args; a++) {
                        kernel_width_cond(&e->args[a], nr, &conds[0]);
                        if (conds[0].always) {
                                (*n_rules)++;
                                if ((r = add_rule(ctx, action, nr, 0, NULL)) < 0)
                                        return r;
                                continue;
                        }
                        for (unsigned k = 0; k < conds[0].n; k++) {
                                (*n_rules)++;
                                if ((r = add_rule(ctx, action, nr, 1, &conds[0].alt[k])) < 0)
                                        return r;
                        }
                }
                return 0;
        }
        for (size_t a = 0; a < e->n_args; a++) {
                kernel_width_cond(&e->args[a], nr, &conds[n_conds]);
                if (conds[n_conds].always)
                        continue;
                if (conds[n_conds].n == 0)
                        return 0; /* never holds: the entry never applies to nr */
                combinations *= conds[n_conds].n;
                if (combinations > LOW_BITS_MAX_RULES)
                        return -E2BIG;
                n_conds++;
        }
        /* Every combination of one alternative per condition. */
        for (size_t k = 0; k < combinations; k++) {
                struct scmp_arg_cmp rule[6];
                for (unsigned i = 0; i < n_conds; i++)
                        rule[i] = conds[i].alt[pick[i]];
                (*n_rules)++;
                if ((r = add_rule(ctx, action, nr, n_conds, rule)) < 0)
                        return r;
                for (unsigned i = 0; i < n_conds && ++pick[i] == conds[i].n; i++)
                        pick[i] = 0;
        }
        return 0;
}

int policy_compile(const struct policy *p, const struct policy_compile_opts *opts,
                   scmp_filter_ctx *ret_ctx, struct policy_error *err)
{
        uint32_t def = scmp_action(explained_action(p->default_action, opts), p->default_ret_data);
        scmp_filter_ctx ctx;
        size_t n_rules = 0;
        int r;

        ctx = seccomp_init(def);
        if (!ctx) {
                snprintf(err->message, sizeof(err->message),
                         "%s: libseccomp could not create a filter", p->source);
                return -ENOMEM;
        }
        for (size_t i = 0; i < p->n_arches; i++) {
                r = seccomp_arch_add(ctx, p->arches[i]);
                if (r < 0 && r != -EEXIST) {
                        snprintf(err->message, sizeof(err->message), "%s: architecture %#x: %s",
                                 p->source, p->arches[i], strerror(-r));
                        goto fail;
                }
        }
        /* We set no_new_privs ourselves, and know our own bad-arch wishes:
         * anything not listed is killed, as runtimes do. */
        (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);

        for (size_t i = 0; i < p->n_entries; i++) {
                const struct policy_entry *e = &p->entries[i];
                uint32_t action = scmp_action(explained_action(e->action, opts), e->ret_data);
                struct scmp_arg_cmp conds[6];
                unsigned n_conds = 0;

                if (e->n_args > 6 && !e->args_are_alternatives) {
                        snprintf(err->message, sizeof(err->message),
                                 "%s: syscalls[%zu]: more than six argument conditions", p->source,
                                 e->source_index);
                        r = -EINVAL;
                        goto fail;
                }
                if (!e->args_are_alternatives)
                        for (size_t a = 0; a < e->n_args; a++)
                                conds[n_conds++] = to_scmp_cond(&e->args[a]);

                for (size_t k = 0; k < e->n_nrs; k++) {
                        int nr = e->nrs[k];
                        if (policy_routed(opts, nr))
                                continue; /* decided by the supervisor, see below */
                        r = 0;
                        if (p->int_args_as_kernel && e->n_args) {
                                r = add_kernel_width_rules(ctx, action, e, nr, &n_rules);
                        } else if (e->args_are_alternatives) {
                                /* Several conditions on one argument: each its
                                 * own rule, OR-ed, as runc does. */
                                for (size_t a = 0; a < e->n_args && r >= 0; a++) {
                                        struct scmp_arg_cmp one = to_scmp_cond(&e->args[a]);
                                        r = add_rule(ctx, action, nr, 1, &one);
                                        n_rules++;
                                }
                        } else {
                                r = add_rule(ctx, action, nr, n_conds, conds);
                                n_rules++;
                        }
                        if (r == -E2BIG) {
                                const char *name =
                                    seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
                                snprintf(err->message, sizeof(err->message),
                                         "%s: syscalls[%zu]: its conditions on int arguments of "
                                         "%s need more than %d rules once compared on the bits "
                                         "the kernel reads (\"intArgs\": \"kernel\"); split the "
                                         "entry",
                                         p->source, e->source_index, name ? name : "?",
                                         LOW_BITS_MAX_RULES);
                                free((void *)name);
                                goto fail;
                        }
                        if (r < 0) {
                                const char *name =
                                    seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
                                snprintf(err->message, sizeof(err->message),
                                         "%s: syscalls[%zu]: libseccomp refused the rule for %s: "
                                         "%s (is another entry giving %s a different action?)",
                                         p->source, e->source_index, name ? name : "?",
                                         strerror(-r), name ? name : "it");
                                free((void *)name);
                                goto fail;
                        }
                }
        }

        for (int nr = 0; opts && nr <= POLICY_MAX_NR; nr++) {
                if (!policy_routed(opts, nr))
                        continue;
                r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
                if (r < 0 && r != -EACCES) {
                        snprintf(err->message, sizeof(err->message),
                                 "%s: could not route syscall %d to the supervisor: %s", p->source,
                                 nr, strerror(-r));
                        goto fail;
                }
        }

        if (opts && opts->notify_unlisted && p->default_action != KACT_NOTIFY) {
                for (int nr = 0; nr <= p->max_nr; nr++) {
                        const char *name =
                            seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
                        if (!name)
                                continue;
                        free((void *)name);
                        if (policy_names_syscall(p, nr) || policy_routed(opts, nr))
                                continue;
                        r = add_rule(ctx, SCMP_ACT_NOTIFY, nr, 0, NULL);
                        if (r < 0) {
                                snprintf(err->message, sizeof(err->message),
                                         "%s: could not notify syscall %d: %s", p->source, nr,
                                         strerror(-r));
                                goto fail;
                        }
                        n_rules++;
                }
        }

        int tree = opts ? opts->binary_tree : -1;
        if (tree == 1 || (tree < 0 && n_rules >= BINARY_TREE_THRESHOLD))
                (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        *ret_ctx = ctx;
        return 0;
fail:
        seccomp_release(ctx);
        return r < 0 ? r : -EINVAL;
}

int policy_export_bpf(scmp_filter_ctx ctx, struct policy_bpf *ret_bpf, struct policy_error *err)
{
        struct stat st;
        void *buf = NULL;
        int fd, r;

        /* libseccomp 2.5 exports only to a file descriptor. */
        fd = memfd_create("scmp-super-bpf", MFD_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                snprintf(err->message, sizeof(err->message), "memfd_create: %s", strerror(-r));
                return r;
        }
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0) {
                snprintf(err->message, sizeof(err->message),
                         "libseccomp could not generate the filter: %s", strerror(-r));
                goto out;
        }
        if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
            st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
            st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
                r = -E2BIG;
                snprintf(
                    err->message, sizeof(err->message),
                    "the compiled filter has %lld bytes, more than the kernel's %d instructions",
                    (long long)st.st_size, BPF_MAXINSNS);
                goto out;
        }
        buf = malloc((size_t)st.st_size);
        if (!buf) {
                r = -ENOMEM;
                goto out;
        }
        if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
                r = -EIO;
                snprintf(err->message, sizeof(err->message), "reading back the filter failed");
                free(buf);
                goto out;
        }
        ret_bpf->insns = buf;
        ret_bpf->len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
        r = 0;
out:
        close(fd);
        return r;
}

void policy_bpf_free(struct policy_bpf *bpf)
{
        free(bpf->insns);
        bpf->insns = NULL;
        bpf->len = 0;
}
