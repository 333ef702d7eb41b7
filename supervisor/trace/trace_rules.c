/* SPDX-License-Identifier: MIT */
/* trace/trace_rules.c: path rules proposed from recorded paths, directories collapsed. */
/*
 * The paths are sorted, so the paths below any directory are one run of
 * them; each directory is seen first at the start of its run. Directories
 * are then taken deepest first, so a directory full of files is collapsed
 * before its parent is considered, and the parent counts only what no
 * deeper rule took.
 */
#include "trace/trace_rules.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "glob.h"

/* One distinct recorded path. */
struct recorded {
        const char *path;
        int *nrs;
        size_t n_nrs;
        size_t rule; /* index into the proposal, or SIZE_MAX: none yet */
};

/* A directory: the first len bytes of recorded[first].path, at depth
 * slashes. */
struct directory {
        size_t first, len, depth;
};

int trace_rules_escape(const char *s, size_t len, char *buf, size_t size, bool *ret_widened)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0, o = 0;

        while (i < len) {
                uint32_t cp;
                size_t n = text_utf8_decode(p + i, len - i, &cp);
                bool escape = n == 1 && strchr("*?[\\{", p[i]) != NULL;
                bool unprintable = n == 0 || (n == 1 && (p[i] < 0x20 || p[i] == 0x7f));
                size_t need = unprintable ? 1 : n + escape;
                if (o + need + 1 > size) {
                        if (size > 0)
                                buf[0] = '\0';
                        return -ENAMETOOLONG;
                }
                if (unprintable) {
                        buf[o++] = '?';
                        *ret_widened = true;
                        i++;
                        continue;
                }
                if (escape)
                        buf[o++] = '\\';
                memcpy(buf + o, p + i, n);
                o += n;
                i += n;
        }
        if (o + 1 > size)
                return -ENAMETOOLONG;
        buf[o] = '\0';
        return (int)o;
}

static int compare_uses(const void *a, const void *b)
{
        const struct trace_path_use *x = a, *y = b;
        int c = strcmp(x->path, y->path);
        return c ? c : (x->nr > y->nr) - (x->nr < y->nr);
}

static int compare_ints(const void *a, const void *b)
{
        int x = *(const int *)a, y = *(const int *)b;
        return (x > y) - (x < y);
}

static int compare_directories(const void *a, const void *b)
{
        const struct directory *x = a, *y = b;
        if (x->depth != y->depth)
                return x->depth > y->depth ? -1 : 1;
        return (x->first > y->first) - (x->first < y->first);
}

static int compare_rules(const void *a, const void *b)
{
        const struct trace_proposed_rule *x = a, *y = b;
        return strcmp(x->glob, y->glob);
}

/* Whether path lies below the directory made of the first len bytes of
 * dir: it starts with them and a '/'. */
static bool below(const char *path, const char *dir, size_t len)
{
        return strncmp(path, dir, len) == 0 && path[len] == '/';
}

/* Adds the nrs of r to rule's, keeping them sorted and distinct. */
static int rule_add_nrs(struct trace_proposed_rule *rule, const struct recorded *r)
{
        int *nrs = realloc(rule->nrs, (rule->n_nrs + r->n_nrs) * sizeof(*nrs));
        if (!nrs)
                return -ENOMEM;
        rule->nrs = nrs;
        memcpy(nrs + rule->n_nrs, r->nrs, r->n_nrs * sizeof(*nrs));
        size_t n = rule->n_nrs + r->n_nrs, k = 0;
        qsort(nrs, n, sizeof(*nrs), compare_ints);
        for (size_t i = 0; i < n; i++)
                if (k == 0 || nrs[k - 1] != nrs[i])
                        nrs[k++] = nrs[i];
        rule->n_nrs = k;
        return 0;
}

/* A new rule for glob (copied) at the end of the proposal. */
static struct trace_proposed_rule *rule_new(struct trace_rule_proposal *p, size_t *cap,
                                            const char *glob)
{
        if (p->n == *cap) {
                size_t new_cap = *cap ? *cap * 2 : 16;
                struct trace_proposed_rule *rules = realloc(p->rules, new_cap * sizeof(*rules));
                if (!rules)
                        return NULL;
                p->rules = rules;
                *cap = new_cap;
        }
        struct trace_proposed_rule *rule = &p->rules[p->n];
        memset(rule, 0, sizeof(*rule));
        rule->glob = strdup(glob);
        if (!rule->glob)
                return NULL;
        p->n++;
        return rule;
}

/* The rule whose glob is glob, or NULL. Only a widened glob can repeat
 * one (two paths whose bytes differ where both became '?'). */
static struct trace_proposed_rule *rule_find(struct trace_rule_proposal *p, const char *glob)
{
        for (size_t i = 0; i < p->n; i++)
                if (strcmp(p->rules[i].glob, glob) == 0)
                        return &p->rules[i];
        return NULL;
}

/* The distinct paths of the sorted uses, each with its distinct nrs. */
static int collect(const struct trace_path_use *sorted, size_t n, struct recorded *out,
                   size_t *ret_n)
{
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
                if (m == 0 || strcmp(out[m - 1].path, sorted[i].path) != 0) {
                        out[m] = (struct recorded){.path = sorted[i].path, .rule = SIZE_MAX};
                        m++;
                }
                struct recorded *r = &out[m - 1];
                if (r->n_nrs && r->nrs[r->n_nrs - 1] == sorted[i].nr)
                        continue; /* sorted by nr within a path */
                int *nrs = realloc(r->nrs, (r->n_nrs + 1) * sizeof(*nrs));
                if (!nrs) {
                        *ret_n = m;
                        return -ENOMEM;
                }
                r->nrs = nrs;
                nrs[r->n_nrs++] = sorted[i].nr;
        }
        *ret_n = m;
        return 0;
}

/* Every directory deep enough, each once: at the first path below it. */
static int directories(const struct recorded *recs, size_t m, struct directory **ret_dirs,
                       size_t *ret_n)
{
        struct directory *dirs = NULL;
        size_t n = 0, cap = 0;
        for (size_t i = 0; i < m; i++) {
                const char *p = recs[i].path;
                size_t depth = 0;
                for (size_t j = 0; p[j]; j++) {
                        if (p[j] != '/')
                                continue;
                        if (j > 0 && depth >= TRACE_RULES_MIN_DEPTH &&
                            !(i > 0 && below(recs[i - 1].path, p, j))) {
                                if (n == cap) {
                                        cap = cap ? cap * 2 : 64;
                                        struct directory *d = realloc(dirs, cap * sizeof(*d));
                                        if (!d) {
                                                free(dirs);
                                                return -ENOMEM;
                                        }
                                        dirs = d;
                                }
                                dirs[n++] =
                                    (struct directory){.first = i, .len = j, .depth = depth};
                        }
                        depth++;
                }
        }
        *ret_dirs = dirs;
        *ret_n = n;
        return 0;
}

/* Collapses dir when enough of the paths below it have no rule yet. */
static int consider(struct trace_rule_proposal *p, size_t *cap, struct recorded *recs, size_t m,
                    const struct directory *dir, char *glob)
{
        const char *name = recs[dir->first].path;
        size_t end = dir->first, open = 0;
        while (end < m && below(recs[end].path, name, dir->len)) {
                open += recs[end].rule == SIZE_MAX;
                end++;
        }
        if (open < TRACE_RULES_COLLAPSE_MIN)
                return 0;
        bool widened = false;
        int len = trace_rules_escape(name, dir->len, glob, PATH_GLOB_MAX + 1 - 3, &widened);
        if (len < 0)
                return 0; /* too long to collapse; the paths may still fit alone */
        memcpy(glob + len, "/**", 4);
        struct trace_proposed_rule *rule = widened ? rule_find(p, glob) : NULL;
        if (!rule && !(rule = rule_new(p, cap, glob)))
                return -ENOMEM;
        rule->collapsed = true;
        rule->widened |= widened;
        size_t index = (size_t)(rule - p->rules);
        for (size_t i = dir->first; i < end; i++) {
                if (recs[i].rule != SIZE_MAX)
                        continue;
                recs[i].rule = index;
                p->rules[index].n_paths++;
                if (rule_add_nrs(&p->rules[index], &recs[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Whether every nr of a is one of b's (both sorted). */
static bool nrs_subset(const struct trace_proposed_rule *a, const struct trace_proposed_rule *b)
{
        size_t j = 0;
        for (size_t i = 0; i < a->n_nrs; i++) {
                while (j < b->n_nrs && b->nrs[j] < a->nrs[i])
                        j++;
                if (j == b->n_nrs || b->nrs[j] != a->nrs[i])
                        return false;
        }
        return true;
}

/*
 * Drops a collapsed rule that a shallower collapsed rule already covers,
 * for the same syscalls or fewer, adding its paths to that rule's count:
 * it would allow nothing more, and a reviewer reads one rule instead of a
 * dozen nested ones. A rule for other syscalls stays (merging it would
 * widen the parent); a widened glob is left alone, since its '?' does not
 * say which byte it stood for.
 */
static int drop_covered(struct trace_rule_proposal *p)
{
        bool *dropped = p->n ? calloc(p->n, sizeof(*dropped)) : NULL;
        if (p->n && !dropped)
                return -ENOMEM;
        /* Rules are in the order consider() made them, deepest first, so
         * a cover comes later and passes on what it took if it is dropped
         * in turn. */
        for (size_t i = 0; i < p->n; i++) {
                struct trace_proposed_rule *rule = &p->rules[i];
                size_t len = strlen(rule->glob);
                for (size_t j = i + 1; rule->collapsed && !rule->widened && j < p->n; j++) {
                        struct trace_proposed_rule *o = &p->rules[j];
                        size_t olen = strlen(o->glob);
                        // "/a/**" covers "/a/b/**": the same text up to its "**".
                        if (o->collapsed && !o->widened && olen < len &&
                            strncmp(o->glob, rule->glob, olen - 2) == 0 && nrs_subset(rule, o)) {
                                o->n_paths += rule->n_paths;
                                dropped[i] = true;
                                break;
                        }
                }
        }
        size_t k = 0;
        for (size_t i = 0; i < p->n; i++) {
                if (dropped[i]) {
                        free(p->rules[i].glob);
                        free(p->rules[i].nrs);
                        continue;
                }
                p->rules[k++] = p->rules[i];
        }
        p->n = k;
        free(dropped);
        return 0;
}

int trace_rules_propose(const struct trace_path_use *uses, size_t n,
                        struct trace_rule_proposal *ret)
{
        struct trace_rule_proposal p = {0};
        struct trace_path_use *sorted = n ? malloc(n * sizeof(*sorted)) : NULL;
        struct recorded *recs = n ? calloc(n, sizeof(*recs)) : NULL;
        struct directory *dirs = NULL;
        char *glob = malloc(PATH_GLOB_MAX + 1);
        size_t k = 0, m = 0, n_dirs = 0, cap = 0;
        int r = -ENOMEM;

        if ((n && (!sorted || !recs)) || !glob)
                goto out;
        for (size_t i = 0; i < n; i++) {
                if (uses[i].path && uses[i].path[0] == '/')
                        sorted[k++] = uses[i];
                else
                        p.n_left_out++;
        }
        if (k)
                qsort(sorted, k, sizeof(*sorted), compare_uses);
        if (collect(sorted, k, recs, &m) < 0 || directories(recs, m, &dirs, &n_dirs) < 0)
                goto out;
        if (n_dirs)
                qsort(dirs, n_dirs, sizeof(*dirs), compare_directories);
        for (size_t i = 0; i < n_dirs; i++)
                if (consider(&p, &cap, recs, m, &dirs[i], glob) < 0)
                        goto out;
        if (drop_covered(&p) < 0)
                goto out;
        for (size_t i = 0; i < m; i++) {
                if (recs[i].rule != SIZE_MAX)
                        continue;
                bool widened = false;
                if (trace_rules_escape(recs[i].path, strlen(recs[i].path), glob, PATH_GLOB_MAX + 1,
                                       &widened) < 0) {
                        p.n_left_out++;
                        continue;
                }
                /* Two paths may escape to one glob (both widened): one rule. */
                struct trace_proposed_rule *rule = widened ? rule_find(&p, glob) : NULL;
                if (!rule && !(rule = rule_new(&p, &cap, glob)))
                        goto out;
                rule->widened |= widened;
                rule->n_paths++;
                if (rule_add_nrs(rule, &recs[i]) < 0)
                        goto out;
        }
        if (p.n)
                qsort(p.rules, p.n, sizeof(*p.rules), compare_rules);
        *ret = p;
        p = (struct trace_rule_proposal){0};
        r = 0;
out:
        trace_rule_proposal_clear(&p);
        for (size_t i = 0; i < m; i++)
                free(recs[i].nrs);
        free(recs);
        free(sorted);
        free(dirs);
        free(glob);
        return r;
}

void trace_rule_proposal_clear(struct trace_rule_proposal *proposal)
{
        for (size_t i = 0; i < proposal->n; i++) {
                free(proposal->rules[i].glob);
                free(proposal->rules[i].nrs);
        }
        free(proposal->rules);
        memset(proposal, 0, sizeof(*proposal));
}
