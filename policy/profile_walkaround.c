/* SPDX-License-Identifier: MIT */
/* policy/profile_walkaround.c: calls that walk around path and address rules. */
/*
 * A path rule decides only the calls the kernel filter hands to the
 * supervisor. A program that a rule keeps from opening /secret with openat
 * calls open, creat or openat2 instead, if the kernel lets those through;
 * io_uring and file handles reach files by no path at all. An address rule
 * on connect is walked around the same way by a send that names its peer
 * (a UDP datagram, TCP Fast Open), and by io_uring's connect and send. For
 * every rule that refuses paths or addresses, this review names the calls
 * that get around it and how to close the gap, one warning per rule and
 * kind of gap.
 */
#include "profile_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FAMILY_MAX 6
/* More than every family's members together. */
#define NAMES_MAX 64

/*
 * Calls that do the same thing to a file they name by a path: a rule on
 * one is walked around by another that the kernel lets through. Opening
 * and truncating are one family: an open with O_TRUNC truncates, creat
 * writes, and truncate destroys what an open rule keeps from being
 * written. Names this libseccomp does not know are skipped, as the profile
 * could not name them either.
 */
static const char *const families[][FAMILY_MAX] = {
    {"open", "openat", "openat2", "creat", "truncate"},
    {"execve", "execveat"},
    {"stat", "lstat", "newfstatat", "statx"},
    {"access", "faccessat", "faccessat2"},
    {"readlink", "readlinkat"},
    {"mkdir", "mkdirat"},
    {"mknod", "mknodat"},
    {"unlink", "unlinkat", "rmdir"},
    {"rename", "renameat", "renameat2"},
    {"link", "linkat"},
    {"symlink", "symlinkat"},
    {"chmod", "fchmodat", "fchmodat2"},
    {"chown", "lchown", "fchownat"},
    {"utime", "utimes", "utimensat", "futimesat"},
    {"getxattr", "lgetxattr"},
    {"setxattr", "lsetxattr"},
    {"listxattr", "llistxattr"},
    {"removexattr", "lremovexattr"},
    {"mount", "move_mount", "mount_setattr", "fspick"},
};
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

/*
 * Calls that name a peer for a socket. connect does; so do sendto and
 * sendmsg with an address (every datagram of a UDP socket names its peer,
 * and MSG_FASTOPEN connects a TCP socket and sends in one call), and
 * sendmmsg for each message of its vector. bind names the socket's own
 * address, which no other call does: it is a family of its own.
 */
static const char *const peer_families[][FAMILY_MAX] = {
    {"connect", "sendto", "sendmsg", "sendmmsg"},
    {"bind"},
};
#define N_PEER_FAMILIES (sizeof(peer_families) / sizeof(peer_families[0]))

/* Calls that reach files by no path a rule could match: io_uring opens,
 * renames, links and unlinks through its own queue, which never passes
 * through seccomp, and a file handle names a file without a path. They
 * walk around every path rule. */
static const char *const no_path_calls[] = {"io_uring_setup", "open_by_handle_at"};
#define N_NO_PATH_CALLS (sizeof(no_path_calls) / sizeof(no_path_calls[0]))

/* The call that reaches peers unseen: io_uring connects, sends with an
 * address and (Linux 6.11 and later) binds through its own queue. */
static const char *const no_address_calls[] = {"io_uring_setup"};
#define N_NO_ADDRESS_CALLS (sizeof(no_address_calls) / sizeof(no_address_calls[0]))

/* Kernel actions under which a call never runs unseen. */
static const bool kernel_stops[KACT_NOTIFY + 1] = {
    [KACT_ERRNO] = true, [KACT_KILL_THREAD] = true, [KACT_KILL_PROCESS] = true,
    [KACT_TRAP] = true,  [KACT_NOTIFY] = true,
};
/* Kernel actions under which it runs and the supervisor never hears of
 * it (a tracer may let a TRACE call run). */
static const bool kernel_passes[KACT_NOTIFY + 1] = {
    [KACT_ALLOW] = true,
    [KACT_LOG] = true,
    [KACT_TRACE] = true,
};

static bool refuses(enum policy_verdict verdict)
{
        return verdict == VERDICT_DENY || verdict == VERDICT_KILL || verdict == VERDICT_PROMPT;
}

static bool rule_names(const struct policy_rule *rule, int nr)
{
        for (size_t i = 0; i < rule->n_nrs; i++)
                if (rule->nrs[i] == nr)
                        return true;
        return false;
}

/*
 * Whether every call entry e matches is a sendto with no address (argument
 * 4, dest_addr, equal to 0): a send on a connected socket, to the peer
 * connect already named, or one that fails. Such an entry may allow what it
 * likes without naming a peer. Its conditions all hold together, so one
 * such condition is enough; alternatives must each be one.
 */
static bool matches_no_peer(const struct policy_entry *e, int nr)
{
        if (e->n_args == 0 || nr != seccomp_syscall_resolve_name("sendto"))
                return false;
        for (size_t i = 0; i < e->n_args; i++) {
                const struct policy_arg_cond *c = &e->args[i];
                bool null_address = c->index == 4 && c->op == SCMP_CMP_EQ && c->value == 0;
                if (null_address && !e->args_are_alternatives)
                        return true;
                if (!null_address && e->args_are_alternatives)
                        return false;
        }
        return e->args_are_alternatives;
}

/*
 * Whether entry e matches every sendto that names a peer (argument 4,
 * dest_addr, other than 0): its one condition, or one of its alternatives,
 * is dest_addr != 0 (or > 0, the same unsigned). After matches_no_peer()
 * left out "dest_addr == 0", such an entry covers what is left.
 */
static bool matches_every_peer(const struct policy_entry *e, int nr)
{
        if (e->n_args == 0 || nr != seccomp_syscall_resolve_name("sendto"))
                return false;
        for (size_t i = 0; i < e->n_args; i++) {
                const struct policy_arg_cond *c = &e->args[i];
                bool any_address = c->index == 4 && c->value == 0 &&
                                   (c->op == SCMP_CMP_NE || c->op == SCMP_CMP_GT);
                if (any_address && e->args_are_alternatives)
                        return true;
                if (!any_address && !e->args_are_alternatives)
                        return false;
        }
        return !e->args_are_alternatives;
}

/* What sets a review of paths apart from one of addresses. */
struct review {
        const char *const (*families)[FAMILY_MAX];
        size_t n_families;
        /* Entries that cannot match a call that matters are passed over;
         * one that matches every such call ends the walk (NULL: none). */
        bool (*irrelevant)(const struct policy_entry *e, int nr);
        bool (*whole)(const struct policy_entry *e, int nr);
        /* Said of the calls that get through, after "without notifying",
         * when one does and when more do. */
        const char *why_one, *why_many;
        /* Said at the end when hint_call is among them. */
        const char *hint_call, *hint;
};

static bool never_irrelevant(const struct policy_entry *e, int nr)
{
        (void)e;
        (void)nr;
        return false;
}

static const struct review path_review = {.families = families,
                                          .n_families = N_FAMILIES,
                                          .irrelevant = never_irrelevant,
                                          .why_one = "",
                                          .why_many = ""};
static const struct review address_review = {
    .families = peer_families,
    .n_families = N_PEER_FAMILIES,
    .irrelevant = matches_no_peer,
    .whole = matches_every_peer,
    .why_one = ", and it names a peer (a UDP datagram, a TCP Fast Open connect)",
    .why_many = ", and each of them names a peer (a UDP datagram, a TCP Fast Open connect)",
    .hint_call = "sendto",
    .hint = " (sendto may stay allowed where its argument 4, dest_addr, is 0: such a send "
            "names no peer)"};

/*
 * policy_kernel_always() for the calls that matter to the review: whether
 * every such call to nr meets a kernel action in wanted. The first entry
 * naming nr whose conditions hold decides, as in the kernel.
 */
static bool kernel_always(const struct review *review, const struct policy *p, int nr,
                          const bool wanted[KACT_NOTIFY + 1])
{
        return policy_kernel_always_but(p, nr, wanted, review->irrelevant, review->whole);
}

/* Whether an entry whose action lets a call through names nr. */
static bool entry_passes(const struct review *review, const struct policy *p, int nr)
{
        for (size_t i = 0; i < p->n_entries; i++)
                if (policy_entry_names(&p->entries[i], nr) && kernel_passes[p->entries[i].action] &&
                    !review->irrelevant(&p->entries[i], nr))
                        return true;
        return false;
}

/*
 * Whether the supervisor may allow a call to nr, which has no path: its
 * default allows or logs, or an allow or log rule for it could match (a
 * rule on paths or addresses cannot, a call with neither fails it).
 */
static bool supervisor_may_allow(const struct policy *p, int nr)
{
        if (!refuses(p->default_verdict))
                return true;
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *rule = &p->rules[i];
                if ((rule->n_nrs == 0 || rule_names(rule, nr)) && !refuses(rule->verdict) &&
                    rule->n_path_globs == 0 && !rule->addr)
                        return true;
        }
        return false;
}

/* A call with no path or address gets past the rules unless every call to
 * it is refused: by the kernel, or notified to a supervisor that never
 * allows it. */
static bool unseen_call_open(const struct policy *p, int nr)
{
        bool stops[KACT_NOTIFY + 1];
        memcpy(stops, kernel_stops, sizeof(stops));
        stops[KACT_NOTIFY] = !supervisor_may_allow(p, nr);
        return !policy_kernel_always(p, nr, stops);
}

/* Whether the kernel filter may notify nr, for some arguments at least. */
static bool kernel_may_notify(const struct policy *p, int nr)
{
        bool others[KACT_NOTIFY + 1];
        for (size_t a = 0; a <= KACT_NOTIFY; a++)
                others[a] = a != KACT_NOTIFY;
        return !policy_kernel_always(p, nr, others);
}

struct text {
        char buf[2048];
        size_t used;
};

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
        va_list ap;
        if (t->used >= sizeof(t->buf) - 1)
                return;
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->used, sizeof(t->buf) - t->used, fmt, ap);
        va_end(ap);
        if (n > 0)
                t->used =
                    t->used + (size_t)n < sizeof(t->buf) ? t->used + (size_t)n : sizeof(t->buf) - 1;
}

/* "a", "a and b", "a, b and c"; a name whose some[] is set is followed by
 * " (for some arguments)". */
static void text_add_list(struct text *t, const char *const *names, const bool *some, size_t n)
{
        for (size_t i = 0; i < n; i++)
                text_add(t, "%s%s%s",
                         i == 0       ? ""
                         : i + 1 == n ? " and "
                                      : ", ",
                         names[i], some && some[i] ? " (for some arguments)" : "");
}

/*
 * A rule limits paths (or addresses) when it refuses the ones it names, or
 * allows them and supervisor.defaultAction refuses the rest: then a sibling
 * the kernel lets through walks around that default. scmp-super's built-in
 * rules are added later and are not the profile's to mend.
 */
static bool limits(const struct policy *p, const struct policy_rule *rule)
{
        return !rule->builtin && (refuses(rule->verdict) || refuses(p->default_verdict));
}

/* "this deny rule (\"comment\")", or, for an allow rule under a refusing
 * default, that default. */
static void describe_rule(struct text *t, const struct policy *p, const struct policy_rule *rule)
{
        if (refuses(rule->verdict)) {
                text_add(t, "this %s rule", policy_verdict_name(rule->verdict));
                if (rule->comment)
                        text_add(t, " (\"%s\")", rule->comment);
                return;
        }
        text_add(t, "supervisor.defaultAction %s, which refuses what this %s rule",
                 policy_verdict_name(p->default_verdict), policy_verdict_name(rule->verdict));
        if (rule->comment)
                text_add(t, " (\"%s\")", rule->comment);
        text_add(t, " does not,");
}

static int add_walkaround(struct loader *l, size_t rule_index, const char *text)
{
        path_push_key(l, "supervisor");
        path_push_key(l, "rules");
        path_push_index(l, rule_index);
        int r = add_located(l, &l->policy->walkarounds, &l->policy->n_walkarounds, 0, "%s", text);
        for (int d = 0; d < 3; d++)
                path_pop(l);
        return r;
}

/* The siblings of rule's calls that the kernel filter lets through. */
static int warn_siblings(struct loader *l, const struct review *review, size_t rule_index)
{
        const struct policy *p = l->policy;
        const struct policy_rule *rule = &p->rules[rule_index];
        const char *passing[NAMES_MAX], *unnamed[NAMES_MAX];
        bool some[NAMES_MAX], moved = false;
        size_t n_passing = 0, n_unnamed = 0;

        for (size_t f = 0; f < review->n_families; f++) {
                const char *names[FAMILY_MAX];
                int nrs[FAMILY_MAX];
                size_t n = 0;
                bool covered = false;
                for (size_t k = 0; k < FAMILY_MAX && review->families[f][k]; k++) {
                        int nr = seccomp_syscall_resolve_name(review->families[f][k]);
                        if (nr < 0)
                                continue;
                        names[n] = review->families[f][k];
                        nrs[n++] = nr;
                        /* A rule without syscalls applies to every
                         * notified call. */
                        covered = covered ||
                                  (rule->n_nrs ? rule_names(rule, nr) : kernel_may_notify(p, nr));
                }
                for (size_t k = 0; covered && k < n && n_passing < NAMES_MAX; k++) {
                        if (kernel_always(review, p, nrs[k], kernel_stops))
                                continue;
                        some[n_passing] = !kernel_always(review, p, nrs[k], kernel_passes);
                        passing[n_passing++] = names[k];
                        moved = moved || entry_passes(review, p, nrs[k]);
                        /* Notified, it meets other rules, or the default;
                         * an allow rule's refusing default meets it too. */
                        if (rule->n_nrs && refuses(rule->verdict) && !rule_names(rule, nrs[k]))
                                unnamed[n_unnamed++] = names[k];
                }
        }
        if (n_passing == 0)
                return 0;

        struct text t = {.used = 0};
        describe_rule(&t, p, rule);
        text_add(&t, " can be walked around: the kernel filter lets ");
        text_add_list(&t, passing, some, n_passing);
        text_add(&t, " through without notifying%s; %s ",
                 n_passing == 1 ? review->why_one : review->why_many, moved ? "move" : "add");
        text_add_list(&t, passing, NULL, n_passing);
        text_add(&t, " to the SCMP_ACT_NOTIFY entry");
        if (n_unnamed == n_passing) {
                text_add(&t, " and to this rule's syscalls");
        } else if (n_unnamed) {
                text_add(&t, ", and ");
                text_add_list(&t, unnamed, NULL, n_unnamed);
                text_add(&t, " to this rule's syscalls");
        }
        for (size_t i = 0; review->hint_call && i < n_passing; i++)
                if (strcmp(passing[i], review->hint_call) == 0)
                        text_add(&t, "%s", review->hint);
        return add_walkaround(l, rule_index, t.buf);
}

/* The calls with no path that the profile lets through. */
static int warn_no_path_calls(struct loader *l, size_t rule_index, const char *const *open_calls,
                              size_t n_open)
{
        struct text t = {.used = 0};
        describe_rule(&t, l->policy, &l->policy->rules[rule_index]);
        text_add(&t, " can be walked around: ");
        text_add_list(&t, open_calls, NULL, n_open);
        text_add(&t, " reach%s files by no path, and the profile lets %s through; refuse ",
                 n_open == 1 ? "es" : "", n_open == 1 ? "it" : "them");
        text_add_list(&t, open_calls, NULL, n_open);
        text_add(&t, " with SCMP_ACT_ERRNO");
        return add_walkaround(l, rule_index, t.buf);
}

/* io_uring_setup, which the profile lets through. */
static int warn_no_address_calls(struct loader *l, size_t rule_index, const char *const *open_calls,
                                 size_t n_open)
{
        struct text t = {.used = 0};
        describe_rule(&t, l->policy, &l->policy->rules[rule_index]);
        text_add(&t, " can be walked around: ");
        text_add_list(&t, open_calls, NULL, n_open);
        text_add(&t,
                 " connect%s, bind%s and send%s to addresses no rule sees, and the profile "
                 "lets %s through; refuse ",
                 n_open == 1 ? "s" : "", n_open == 1 ? "s" : "", n_open == 1 ? "s" : "",
                 n_open == 1 ? "it" : "them");
        text_add_list(&t, open_calls, NULL, n_open);
        text_add(&t, " with SCMP_ACT_ERRNO and errnoRet 38 (ENOSYS, as a kernel without io_uring "
                     "answers: libraries then fall back to ordinary calls)");
        return add_walkaround(l, rule_index, t.buf);
}

/* The calls of names[] that the profile lets past its rules. */
static size_t list_unseen_calls(const struct policy *p, const char *const *names, size_t n,
                                const char **ret_open)
{
        size_t n_open = 0;
        for (size_t i = 0; i < n; i++) {
                int nr = seccomp_syscall_resolve_name(names[i]);
                if (nr >= 0 && unseen_call_open(p, nr))
                        ret_open[n_open++] = names[i];
        }
        return n_open;
}

int warn_walkarounds(struct loader *l)
{
        const struct policy *p = l->policy;
        const char *no_path_open[N_NO_PATH_CALLS], *no_address_open[N_NO_ADDRESS_CALLS];
        size_t n_no_path = list_unseen_calls(p, no_path_calls, N_NO_PATH_CALLS, no_path_open);
        size_t n_no_address =
            list_unseen_calls(p, no_address_calls, N_NO_ADDRESS_CALLS, no_address_open);

        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *rule = &p->rules[i];
                int r = 0;
                if (!limits(p, rule))
                        continue;
                if (rule->n_path_globs) {
                        r = warn_siblings(l, &path_review, i);
                        if (r == 0 && n_no_path)
                                r = warn_no_path_calls(l, i, no_path_open, n_no_path);
                }
                if (r == 0 && rule->addr) {
                        r = warn_siblings(l, &address_review, i);
                        if (r == 0 && n_no_address)
                                r = warn_no_address_calls(l, i, no_address_open, n_no_address);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}
