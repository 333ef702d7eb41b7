/* SPDX-License-Identifier: MIT */
/* policy/decide.c: deciding a received call: route, needs, verdict. */
/*
 * Deciding a notified call: the supervisor's rules, first match wins, and
 * the profile's kernel-side rules evaluated in user space for the calls the
 * kernel hands over although the profile decides them (execve after the
 * launcher's own exec).
 *
 * The two compare int arguments differently, on purpose. A supervisor
 * rule sees what the kernel will read (the low 32 bits of an int); a
 * kernel-side entry is evaluated as the compiled filter evaluates it, so
 * that a call routed to us gets the verdict the kernel would have given:
 * all 64 bits by default, as under runc and crun, the bits the kernel
 * reads with "intArgs": "kernel".
 */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "glob.h"
#include "policy_internal.h"
#include "syscall_args.h"

bool policy_cond_holds(const struct policy_arg_cond *c, const uint64_t args[6], uint64_t mask)
{
        uint64_t v = args[c->index] & mask, value = c->value & mask;
        switch (c->op) {
        case SCMP_CMP_NE:
                return v != value;
        case SCMP_CMP_LT:
                return v < value;
        case SCMP_CMP_LE:
                return v <= value;
        case SCMP_CMP_EQ:
                return v == value;
        case SCMP_CMP_GE:
                return v >= value;
        case SCMP_CMP_GT:
                return v > value;
        case SCMP_CMP_MASKED_EQ:
                return (v & value) == (c->value_two & mask);
        default:
                return false;
        }
}

/*
 * A supervisor rule's condition: on the bits of the argument the kernel
 * reads, always. There is no runtime to agree with here, and a rule that
 * the high half of an int's register could get around would be worth
 * nothing: socket(0x100000002, ...) is socket(AF_INET, ...).
 */
static bool rule_cond_holds(const struct policy_arg_cond *c, const struct policy_call *call)
{
        return policy_cond_holds(c, call->args, syscall_arg_mask(call->nr, c->index));
}

/*
 * A kernel-side condition as the compiled filter evaluates it: on all 64
 * bits, as runc and crun compile it, unless the profile asks for the bits
 * the kernel reads ("intArgs": "kernel", see policy_compile()).
 */
static bool entry_cond_holds(const struct policy *p, const struct policy_arg_cond *c, int nr,
                             const uint64_t args[6])
{
        uint64_t mask = p->int_args_as_kernel ? syscall_arg_mask(nr, c->index) : UINT64_MAX;
        return policy_cond_holds(c, args, mask);
}

static bool entry_matches(const struct policy *p, const struct policy_entry *e, int nr,
                          const uint64_t args[6])
{
        if (e->n_args == 0)
                return true;
        if (e->args_are_alternatives) {
                for (size_t i = 0; i < e->n_args; i++)
                        if (entry_cond_holds(p, &e->args[i], nr, args))
                                return true;
                return false;
        }
        for (size_t i = 0; i < e->n_args; i++)
                if (!entry_cond_holds(p, &e->args[i], nr, args))
                        return false;
        return true;
}

bool policy_entry_names(const struct policy_entry *e, int nr)
{
        for (size_t i = 0; i < e->n_nrs; i++)
                if (e->nrs[i] == nr)
                        return true;
        return false;
}

bool policy_names_syscall(const struct policy *p, int nr)
{
        for (size_t i = 0; i < p->n_entries; i++)
                if (policy_entry_names(&p->entries[i], nr))
                        return true;
        return false;
}

enum policy_kernel_action policy_kernel_decide(const struct policy *p, int nr,
                                               const uint64_t args[6], uint32_t *ret_data)
{
        for (size_t i = 0; i < p->n_entries; i++) {
                const struct policy_entry *e = &p->entries[i];
                if (policy_entry_names(e, nr) && entry_matches(p, e, nr, args)) {
                        *ret_data = e->ret_data;
                        return e->action;
                }
        }
        *ret_data = p->default_ret_data;
        return p->default_action;
}

/*
 * As the kernel filter does (and policy_kernel_decide()), the first entry
 * that names nr and whose conditions hold decides: every entry up to the
 * first unconditional one could, so each must be wanted; past them all,
 * the default decides.
 */
bool policy_kernel_always(const struct policy *p, int nr, const bool wanted[KACT_NOTIFY + 1])
{
        return policy_kernel_always_but(p, nr, wanted, NULL, NULL);
}

bool policy_kernel_always_but(const struct policy *p, int nr, const bool wanted[KACT_NOTIFY + 1],
                              bool (*skip)(const struct policy_entry *e, int nr),
                              bool (*whole)(const struct policy_entry *e, int nr))
{
        for (size_t i = 0; i < p->n_entries; i++) {
                const struct policy_entry *e = &p->entries[i];
                if (!policy_entry_names(e, nr) || (skip && skip(e, nr)))
                        continue;
                if (!wanted[e->action])
                        return false;
                if (e->n_args == 0 || (whole && whole(e, nr)))
                        return true;
        }
        return wanted[p->default_action];
}

unsigned policy_needs(const struct policy *p, int nr)
{
        if (nr < 0 || nr > p->max_nr || !p->needs)
                return 0;
        return p->needs[nr];
}

unsigned policy_needs_any(const struct policy *p)
{
        unsigned needs = 0;
        for (int nr = 0; p->needs && nr <= p->max_nr; nr++)
                needs |= p->needs[nr];
        return needs;
}

/*
 * A call with two paths (rename, link) must not slip through an allow rule
 * on the strength of one harmless path: allow and log rules need every path
 * to match, while deny, kill and prompt rules need only one. A path that
 * could not be read matches no allow rule and every deny rule, so a target
 * cannot dodge a deny by handing over a bad pointer.
 */
static bool paths_match(const struct policy_rule *rule, const struct policy_call *call)
{
        bool permissive = rule->verdict == VERDICT_ALLOW || rule->verdict == VERDICT_LOG;
        if (!call->have_paths)
                return !permissive; /* could not be decoded at all */
        if (call->n_paths == 0)
                return false; /* the call takes no path */
        for (unsigned i = 0; i < call->n_paths; i++) {
                bool hit = false;
                if (!call->paths[i])
                        hit = !permissive;
                else
                        for (size_t g = 0; g < rule->n_path_globs && !hit; g++)
                                hit = rule->path_is_literal[g]
                                          ? strcmp(rule->path_globs[g], call->paths[i]) == 0
                                          : path_glob_match(rule->path_globs[g], call->paths[i]);
                if (permissive && !hit)
                        return false;
                if (!permissive && hit)
                        return true;
        }
        return permissive;
}

/*
 * One address against a rule. One that names no peer (no address, or
 * AF_UNSPEC read as none) matches only a "none" rule. A unix socket path is
 * matched by the socket file's resolved name (a->unix_path), so "../x.sock",
 * a symlinked directory or /proc/self/root cannot slip past a rule for
 * "/run/x.sock"; a path that could not be named, and an abstract name with
 * a NUL inside, match only deny-like rules.
 */
static bool one_addr_matches(const struct netaddr_match *m, const struct policy_addr *a,
                             bool permissive)
{
        const struct sockaddr *sa = (const struct sockaddr *)&a->sa;

        if (a->none || a->len == 0)
                return m->none;
        if (m->none)
                return false;
        if (m->unix_glob && a->len > sizeof(sa_family_t) && sa->sa_family == AF_UNIX &&
            ((const struct sockaddr_un *)sa)->sun_path[0] != '\0') {
                if ((m->family != AF_UNSPEC && m->family != AF_UNIX) || m->have_prefix ||
                    m->port >= 0)
                        return false;
                if (!a->unix_path)
                        return !permissive;
                return path_glob_match(m->unix_glob, a->unix_path);
        }
        /* An abstract name with a NUL inside has no text a glob could
         * match: like an unreadable one, it meets deny-like rules. */
        if (m->unix_glob && (m->family == AF_UNSPEC || m->family == AF_UNIX) &&
            netaddr_unix_unnamable(sa, a->len))
                return !permissive;
        return netaddr_match(m, sa, a->len);
}

/*
 * As paths_match(): an allow or log rule must match every address of the
 * call (each of sendmmsg's messages), a deny, kill or prompt rule one.
 * Unreadable (have_addr unset): only deny-like rules match.
 */
static bool addr_matches(const struct netaddr_match *m, const struct policy_call *call,
                         bool permissive)
{
        struct policy_addr one;
        const struct policy_addr *addrs = call->addrs;
        unsigned n = call->n_addrs;

        if (!call->have_addr)
                return !permissive;
        if (!addrs) {
                /* A call built by hand: its one address. */
                memcpy(&one.sa, &call->addr, sizeof(one.sa));
                one.len = call->addr_len;
                one.none = call->addr_len == 0;
                one.unix_path = call->unix_path;
                addrs = &one;
                n = 1;
        }
        for (unsigned i = 0; i < n; i++) {
                bool hit = one_addr_matches(m, &addrs[i], permissive);
                if (permissive && !hit)
                        return false;
                if (!permissive && hit)
                        return true;
        }
        return permissive;
}

/* The kernel's own O_TMPFILE bit: glibc's O_TMPFILE includes O_DIRECTORY. */
#define KERNEL_O_TMPFILE (O_TMPFILE & ~O_DIRECTORY)

unsigned policy_open_access(uint64_t flags)
{
        unsigned access;

        if (flags & O_PATH)
                return POLICY_OPEN_PATH; /* the kernel ignores the rest */
        switch (flags & O_ACCMODE) {
        case O_RDONLY:
                access = POLICY_OPEN_READ;
                break;
        case O_WRONLY:
                access = POLICY_OPEN_WRITE;
                break;
        default: /* O_RDWR, and 3, which the kernel checks as both */
                access = POLICY_OPEN_READ | POLICY_OPEN_WRITE;
                break;
        }
        if (flags & O_TRUNC)
                access |= POLICY_OPEN_TRUNC;
        if (flags & O_CREAT)
                access |= POLICY_OPEN_CREAT;
        if (flags & O_APPEND)
                access |= POLICY_OPEN_APPEND;
        if (flags & KERNEL_O_TMPFILE)
                access |= POLICY_OPEN_TMPFILE;
        return access;
}

/*
 * An open against a rule's "open" field, as paths are matched: an allow or
 * log rule takes an open that may do nothing the rule does not list (one
 * that reads does not match a rule for writing, and O_RDONLY|O_TRUNC not
 * one for O_RDONLY), a deny, kill or prompt rule one that may do any of
 * what it lists. Flags that could not be read (openat2's struct open_how)
 * match no allow rule and every deny rule.
 */
static bool open_matches(const struct policy_rule *rule, const struct policy_call *call,
                         bool permissive)
{
        if (!call->have_open)
                return !permissive;
        unsigned access = policy_open_access(call->open_flags);
        if (permissive)
                return (access & ~rule->open_access) == 0;
        return (access & rule->open_access) != 0;
}

static const char *const id_names[POLICY_ID_COUNT] = {
    [POLICY_ID_UID] = "uid", [POLICY_ID_EUID] = "euid", [POLICY_ID_FSUID] = "fsuid",
    [POLICY_ID_GID] = "gid", [POLICY_ID_EGID] = "egid", [POLICY_ID_FSGID] = "fsgid",
};

const char *policy_id_name(enum policy_id id)
{
        return (unsigned)id < POLICY_ID_COUNT ? id_names[id] : "?";
}

bool policy_id_shown(const struct policy_call *call, enum policy_id id)
{
        if (!call->have_ids || (unsigned)id >= POLICY_ID_COUNT)
                return false;
        switch (id) {
        case POLICY_ID_EUID:
        case POLICY_ID_FSUID:
                return call->ids[id] != call->ids[POLICY_ID_UID];
        case POLICY_ID_EGID:
        case POLICY_ID_FSGID:
                return call->ids[id] != call->ids[POLICY_ID_GID];
        default:
                return true;
        }
}

/*
 * The identities a rule names, each against the caller's own (uid against
 * the real uid, fsuid against the filesystem one). Identities that could
 * not be read, like an unreadable executable, fail allow rules and meet
 * deny rules.
 */
static bool ids_match(const struct policy_rule *rule, const struct policy_call *call,
                      bool permissive)
{
        if (!call->have_ids)
                return !permissive;
        for (unsigned id = 0; id < POLICY_ID_COUNT; id++)
                if ((rule->id_mask & (1u << id)) && call->ids[id] != rule->ids[id])
                        return false;
        return true;
}

/*
 * All of a rule's conditions must hold; the ones on what the caller's
 * registers and /proc say come first, and the ones on what was read from
 * its memory (paths, a socket address, openat2's open_how) last, so that
 * *read_memory says whether the outcome rested on memory: an allow that
 * did is performed on the caller's behalf (supervisor/act/), since the
 * kernel would read that memory again.
 */
static bool rule_matches(const struct policy_rule *rule, const struct policy_call *call,
                         bool *read_memory)
{
        bool permissive = rule->verdict == VERDICT_ALLOW || rule->verdict == VERDICT_LOG;
        bool open_in_memory = call->nr == __NR_openat2;

        for (size_t i = 0; i < rule->n_args; i++)
                if (!rule_cond_holds(&rule->args[i], call))
                        return false;
        if (rule->open_access && !open_in_memory && !open_matches(rule, call, permissive))
                return false;
        if (rule->exe_glob) {
                /* An unreadable executable, like an unreadable path, fails
                 * allow rules and meets deny rules. */
                if (!call->have_exe || !call->exe) {
                        if (permissive)
                                return false;
                } else if (!path_glob_match(rule->exe_glob, call->exe)) {
                        return false;
                }
        }
        if (rule->id_mask && !ids_match(rule, call, permissive))
                return false;
        if (rule->open_access && open_in_memory) {
                *read_memory = true;
                if (!open_matches(rule, call, permissive))
                        return false;
        }
        if (rule->n_path_globs) {
                *read_memory = true;
                if (!paths_match(rule, call))
                        return false;
        }
        if (rule->addr) {
                *read_memory = true;
                if (!addr_matches(rule->addr, call, permissive))
                        return false;
        }
        return true;
}

void policy_decide(const struct policy *p, const struct policy_call *call,
                   struct policy_decision *ret)
{
        ret->read_memory = false;
        if (call->nr >= 0 && call->nr <= p->max_nr && p->rule_start) {
                for (uint32_t k = p->rule_start[call->nr]; k < p->rule_start[call->nr + 1]; k++) {
                        const struct policy_rule *rule = &p->rules[p->rule_index[k]];
                        if (rule_matches(rule, call, &ret->read_memory)) {
                                ret->verdict = rule->verdict;
                                ret->errno_value = rule->errno_value;
                                ret->rule = rule;
                                ret->by_kernel_rules = false;
                                return;
                        }
                }
        }
        ret->verdict = p->default_verdict;
        ret->errno_value = p->default_errno;
        ret->rule = NULL;
        ret->by_kernel_rules = false;
}

void policy_route(const struct policy *p, const struct policy_compile_opts *opts,
                  const struct policy_call *call, struct policy_route *ret)
{
        ret->action = KACT_NOTIFY;
        ret->data = 0;
        ret->refused = false;
        if (policy_routed(opts, call->nr)) {
                ret->action = policy_kernel_decide(p, call->nr, call->args, &ret->data);
                ret->refused = opts->notify_refused && ret->action == KACT_ERRNO;
                return;
        }
        if (!opts || !opts->notify_refused)
                return;
        /* The filter notifies what the profile sends to the supervisor
         * rules and, for --explain, what it refuses with an errno; which
         * of the two is the profile's action for these arguments. */
        uint32_t data = 0;
        enum policy_kernel_action action = policy_kernel_decide(p, call->nr, call->args, &data);
        switch (action) {
        case KACT_NOTIFY:
                return;
        case KACT_ERRNO:
                ret->action = KACT_ERRNO;
                ret->data = data;
                ret->refused = true;
                return;
        default:
                /* The filter did not let it through, yet this evaluation
                 * would (or would kill, which the filter does itself): the
                 * two disagree on the arguments. --explain never allows
                 * what the kernel filter stopped: refused with the
                 * default's errno, else EPERM. */
                ret->action = KACT_ERRNO;
                ret->data = p->default_action == KACT_ERRNO ? p->default_ret_data : EPERM;
                ret->refused = true;
                return;
        }
}

unsigned policy_route_needs(const struct policy *p, const struct policy_route *route, int nr)
{
        return route->action == KACT_NOTIFY ? policy_needs(p, nr) : 0;
}

void policy_decide_notified(const struct policy *p, const struct policy_route *route,
                            const struct policy_call *call, struct policy_decision *ret)
{
        if (route->action == KACT_NOTIFY) {
                policy_decide(p, call, ret);
                return;
        }
        /* What the kernel would have done with the profile's action. */
        ret->rule = NULL;
        ret->errno_value = 0;
        ret->by_kernel_rules = true;
        ret->read_memory = false;
        switch (route->action) {
        case KACT_ALLOW:
        case KACT_LOG:
                ret->verdict = VERDICT_ALLOW;
                break;
        case KACT_ERRNO:
                ret->verdict = VERDICT_DENY;
                ret->errno_value = (int)route->data;
                break;
        case KACT_TRACE:
                /* With no tracer attached the kernel fails the call. */
                ret->verdict = VERDICT_DENY;
                ret->errno_value = ENOSYS;
                break;
        case KACT_KILL_THREAD:
        case KACT_KILL_PROCESS:
        case KACT_TRAP:
        default:
                ret->verdict = VERDICT_KILL;
                break;
        }
}
