/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What the files that load a profile share: the loader's state, the path of
 * the value being parsed, the messages that name it, and the readers that
 * more than one part of a profile uses. Nothing outside profile_*.c needs it.
 */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonpos.h"
#include "policy_internal.h"

struct loader {
        const char *name;
        const char *text;
        size_t len;
        const struct policy_env *env;
        struct policy *policy;
        struct policy_error *err;
        struct jsonpos_path path;
        size_t path_base;         /* depth of the seccomp object inside the document */
        bool has_nonint_literals; /* some number has '.', 'e' or 'E' */
};

/* The path of the value being parsed, which every message names. A path
 * deeper than jsonpos can hold is still counted, so that each pop matches
 * its push. */
static inline void path_push_key(struct loader *l, const char *key)
{
        if (l->path.depth < JSONPOS_MAX_DEPTH)
                l->path.seg[l->path.depth] = (struct jsonpos_segment){key, 0};
        l->path.depth++;
}

static inline void path_push_index(struct loader *l, size_t index)
{
        if (l->path.depth < JSONPOS_MAX_DEPTH)
                l->path.seg[l->path.depth] = (struct jsonpos_segment){NULL, index};
        l->path.depth++;
}

static inline void path_pop(struct loader *l)
{
        l->path.depth--;
}

/* Pops the segment under_key() or under_index() pushed, passing r on. */
static inline int path_pop_ret(struct loader *l, int r)
{
        path_pop(l);
        return r;
}

/*
 * Evaluates expr, a parse or a fail(), with key (or index) pushed onto the
 * path, so that a message from it names that member; the result is expr's.
 * The comma operator pushes before expr is evaluated, and the function pops
 * once it has its value. Each argument is evaluated exactly once.
 */
#define under_key(l, key, expr) (path_push_key(l, key), path_pop_ret(l, (expr)))
#define under_index(l, i, expr) (path_push_index(l, i), path_pop_ret(l, (expr)))

/* Sets l->err to "file:line:col: path: message" for the value at the
 * current path, or its key when at_key is set; fail() is how it is used. */
void report_at(struct loader *l, int at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Both evaluate to -EINVAL where the reader (and the static analyser, which
 * does not follow variadic calls) can see it. */
#define fail_at(l, at_key, ...) (report_at(l, at_key, __VA_ARGS__), -EINVAL)
#define fail(l, ...)            fail_at(l, 0, __VA_ARGS__)

int add_string(char ***list, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds "file:line:col: path: message" for the value at the current path, or
 * its key when at_key is set, to a list of warnings or notes: the form of
 * report_at(), for what does not stop the load. */
int add_located(struct loader *l, char ***list, size_t *n, int at_key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int warn_unknown_keys(struct loader *l, const cJSON *obj, const char *const *known);
/* Refuses anything but an object as "expected <what>, found <its type>",
 * then warns of its members that are not in known. */
int expect_object(struct loader *l, const cJSON *obj, const char *what, const char *const *known);
/* The same, but a field not in known is an error, with the nearest known
 * name: for the supervisor extension, where a field ignored (a misspelt
 * "path") would make an allow rule match more than it says. */
int expect_object_strict(struct loader *l, const cJSON *obj, const char *what,
                         const char *const *known);
const char *json_type_name(const cJSON *item);
int get_u64(struct loader *l, const cJSON *item, uint64_t max, uint64_t *ret);

struct name_value {
        const char *name;
        int value;
};

/*
 * Calls each() on every element of array, with the element's index on the
 * path, and stops at the first error. Anything but an array is refused as
 * "expected an array of <what>, found <its type>".
 */
typedef int (*parse_element_fn)(struct loader *l, const cJSON *item, size_t index, void *ctx);
int parse_array(struct loader *l, const cJSON *array, const char *what, parse_element_fn each,
                void *ctx);

int lookup_name(struct loader *l, const cJSON *item, const struct name_value *table,
                const char *what, int *ret);
int parse_errno_value(struct loader *l, const cJSON *item, int *ret);
int parse_string_field(struct loader *l, const cJSON *obj, const char *key, char **ret);

/* profile_oci.c: the seccomp object's own fields, and the syscall lists and
 * argument conditions that the supervisor's rules write the same way. */
struct nr_list {
        int *nrs;
        size_t n, cap;
        /* Which numbers up to POLICY_MAX_NR are in nrs: Docker's profile
         * lists 370 names in one entry, and a search of nrs for each was a
         * tenth of loading it. Larger numbers are searched for. */
        uint64_t seen[(POLICY_MAX_NR + 64) / 64];
};

int parse_oci(struct loader *l, const cJSON *root);
int parse_args(struct loader *l, const cJSON *args, struct policy_arg_cond **ret_conds,
               size_t *ret_n, bool *ret_alternatives);
int parse_names(struct loader *l, const cJSON *names, struct nr_list *list);

/* profile_supervisor.c: the rules under the "supervisor" key. */
int parse_supervisor(struct loader *l, const cJSON *sup);

/* profile_index.c: what the parsed profile deserves a word about. */
int warn_dead_rules(struct loader *l);
/* Fails when two entries of root's "syscalls" name one syscall in a way
 * that the kernel filter does not read top to bottom (profile_index.c). */
int refuse_overlapping_entries(struct loader *l, const cJSON *root);

/* profile_walkaround.c: path and address rules that sibling calls the
 * kernel filter lets through, or calls that need neither (io_uring), get
 * around. */
int warn_walkarounds(struct loader *l);

/* profile_highbits.c: kernel-side conditions on int arguments that a call
 * gets around by setting the high bits the kernel never reads. */
int warn_high_bits(struct loader *l);
