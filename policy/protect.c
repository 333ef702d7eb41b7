/* SPDX-License-Identifier: MIT */
/* policy/protect.c: built-in rules that stop the command rewriting the files that govern it. */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

#define PROTECT_COMMENT "built-in: the command may not change the files that govern it"

/* How a call can change a file it names. */
enum protect_kind {
        PROTECT_OPEN,   /* an open whose flags (argument flags_index) write */
        PROTECT_NAMED,  /* any call that names the file */
        PROTECT_RENAME, /* a rename of the file, onto it, or of a directory above it */
        /* A call that reaches files without a path a rule could match:
         * refused whole when routed, a gap unless the kernel refuses it. */
        PROTECT_REFUSE,
};

static const struct {
        const char *name;
        enum protect_kind kind;
        unsigned flags_index;
        bool privileged; /* fails without a capability the command may lack */
} protected_calls[] = {
    {"open", PROTECT_OPEN, 1, false},
    {"openat", PROTECT_OPEN, 2, false},
    /* creat always writes; openat2's flags are in memory, where the
     * command could rewrite them after a rule read them, so it is refused
     * on these files even for reading. */
    {"creat", PROTECT_NAMED, 0, false},
    {"openat2", PROTECT_NAMED, 0, false},
    {"truncate", PROTECT_NAMED, 0, false},
    /* A hard link is the same file under a name no rule protects; an
     * unlinked file can be created anew. */
    {"link", PROTECT_NAMED, 0, false},
    {"linkat", PROTECT_NAMED, 0, false},
    {"unlink", PROTECT_NAMED, 0, false},
    {"unlinkat", PROTECT_NAMED, 0, false},
    {"rename", PROTECT_RENAME, 0, false},
    {"renameat", PROTECT_RENAME, 0, false},
    {"renameat2", PROTECT_RENAME, 0, false},
    /* io_uring opens, renames, links and unlinks through its own queue,
     * where no rule sees a path. */
    {"io_uring_setup", PROTECT_REFUSE, 0, false},
    /* A file handle names the file without a path (CAP_DAC_READ_SEARCH). */
    {"open_by_handle_at", PROTECT_REFUSE, 0, true},
};
#define N_PROTECTED (sizeof(protected_calls) / sizeof(protected_calls[0]))

bool policy_routes_always(const struct policy *p, int nr)
{
        static const bool notifies[KACT_NOTIFY + 1] = {[KACT_NOTIFY] = true};
        return policy_kernel_always(p, nr, notifies);
}

/* Whether the kernel filter refuses every call to nr. */
static bool kernel_refuses_always(const struct policy *p, int nr)
{
        static const bool refuses[KACT_NOTIFY + 1] = {
            [KACT_ERRNO] = true,
            [KACT_KILL_THREAD] = true,
            [KACT_KILL_PROCESS] = true,
            [KACT_TRAP] = true,
        };
        return policy_kernel_always(p, nr, refuses);
}

int policy_protection_gaps(const struct policy *p, bool privileged, const char **ret_names,
                           size_t max, size_t *ret_n)
{
        size_t n = 0;
        for (size_t i = 0; i < N_PROTECTED; i++) {
                int nr = seccomp_syscall_resolve_name(protected_calls[i].name);
                if (nr == __NR_SCMP_ERROR || policy_routes_always(p, nr) ||
                    (protected_calls[i].privileged && !privileged))
                        continue;
                /* Refused in the kernel, it can change nothing. */
                if (kernel_refuses_always(p, nr))
                        continue;
                if (n < max)
                        ret_names[n] = protected_calls[i].name;
                n++;
        }
        *ret_n = n;
        return n > max ? -ENOBUFS : 0;
}

/* Adds path to globs (literal, compared whole) unless it is there. */
static int add_literal(struct policy_rule *rule, const char *path)
{
        for (size_t i = 0; i < rule->n_path_globs; i++)
                if (strcmp(rule->path_globs[i], path) == 0)
                        return 0;
        char **globs = realloc(rule->path_globs, (rule->n_path_globs + 1) * sizeof(*globs));
        if (!globs)
                return -ENOMEM;
        rule->path_globs = globs;
        bool *literal = realloc(rule->path_is_literal, (rule->n_path_globs + 1) * sizeof(*literal));
        if (!literal)
                return -ENOMEM;
        rule->path_is_literal = literal;
        globs[rule->n_path_globs] = strdup(path);
        if (!globs[rule->n_path_globs])
                return -ENOMEM;
        literal[rule->n_path_globs++] = true;
        return 0;
}

/* The files, and with ancestors every directory above them but "/". */
static int add_paths(struct policy_rule *rule, const char *const *paths, size_t n_paths,
                     bool ancestors)
{
        for (size_t i = 0; i < n_paths; i++) {
                int r = add_literal(rule, paths[i]);
                if (r < 0 || !ancestors)
                        continue;
                char *dir = strdup(paths[i]);
                if (!dir)
                        return -ENOMEM;
                for (char *slash = strrchr(dir, '/'); r == 0 && slash && slash != dir;
                     slash = strrchr(dir, '/')) {
                        *slash = '\0';
                        r = add_literal(rule, dir);
                }
                free(dir);
                if (r < 0)
                        return r;
        }
        return 0;
}

static struct policy_rule *new_rule(struct policy_rule *rules, size_t *n, int nr)
{
        struct policy_rule *rule = &rules[(*n)++];
        rule->source_index = (size_t)-1;
        rule->builtin = true;
        rule->verdict = VERDICT_DENY;
        rule->errno_value = EACCES;
        rule->needs = POLICY_NEED_PATHS;
        rule->comment = strdup(PROTECT_COMMENT);
        rule->nrs = malloc(sizeof(*rule->nrs));
        if (!rule->comment || !rule->nrs)
                return NULL;
        rule->nrs[0] = nr;
        rule->n_nrs = 1;
        return rule;
}

/* A condition on the open flags: (flags & mask) == value. */
static int add_flags_cond(struct policy_rule *rule, unsigned index, uint64_t mask, uint64_t value)
{
        rule->args = calloc(1, sizeof(*rule->args));
        if (!rule->args)
                return -ENOMEM;
        rule->args[0] = (struct policy_arg_cond){
            .index = index, .value = mask, .value_two = value, .op = SCMP_CMP_MASKED_EQ};
        rule->n_args = 1;
        return 0;
}

int policy_protect_files(struct policy *p, const char *const *paths, size_t n_paths)
{
        /* Writing opens: write-only, read-write, or truncating (Linux
         * truncates even on O_RDONLY|O_TRUNC). */
        static const struct {
                uint64_t mask, value;
        } writes[] = {
            {O_ACCMODE, O_WRONLY},
            {O_ACCMODE, O_RDWR},
            {O_TRUNC, O_TRUNC},
        };
        size_t max = N_PROTECTED * 3, n = 0;
        struct policy_rule *added;
        int r = 0;

        if (n_paths == 0)
                return 0;
        added = calloc(max, sizeof(*added));
        if (!added)
                return -ENOMEM;
        for (size_t i = 0; r == 0 && i < N_PROTECTED; i++) {
                int nr = seccomp_syscall_resolve_name(protected_calls[i].name);
                /* A call the kernel decides alone never reaches a rule. */
                if (nr == __NR_SCMP_ERROR || !policy_routes_always(p, nr))
                        continue;
                size_t variants = protected_calls[i].kind == PROTECT_OPEN ? 3 : 1;
                for (size_t v = 0; r == 0 && v < variants; v++) {
                        struct policy_rule *rule = new_rule(added, &n, nr);
                        if (!rule) {
                                r = -ENOMEM;
                                break;
                        }
                        if (protected_calls[i].kind == PROTECT_REFUSE) {
                                /* Nothing to match: refused whole, as a
                                 * call the kernel filter does not allow. */
                                rule->needs = 0;
                                rule->errno_value = EPERM;
                                continue;
                        }
                        if (protected_calls[i].kind == PROTECT_OPEN)
                                r = add_flags_cond(rule, protected_calls[i].flags_index,
                                                   writes[v].mask, writes[v].value);
                        if (r == 0)
                                r = add_paths(rule, paths, n_paths,
                                              protected_calls[i].kind == PROTECT_RENAME);
                }
        }
        if (r == 0 && n > 0) {
                /* Ahead of the profile's own rules: the first match wins. */
                struct policy_rule *rules = calloc(n + p->n_rules, sizeof(*rules));
                if (!rules) {
                        r = -ENOMEM;
                } else {
                        memcpy(rules, added, n * sizeof(*rules));
                        if (p->n_rules)
                                memcpy(rules + n, p->rules, p->n_rules * sizeof(*rules));
                        free(p->rules);
                        p->rules = rules;
                        p->n_rules += n;
                        n = 0; /* the rules belong to p now */
                        r = policy_build_rule_index(p);
                }
        }
        for (size_t i = 0; i < n; i++)
                policy_rule_clear(&added[i]);
        free(added);
        return r;
}
