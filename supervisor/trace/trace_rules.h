/* SPDX-License-Identifier: MIT */
#pragma once

// Supervisor path rules proposed from the paths a trace recorded (trace
// --paths), for a person to review, in the manner of aa-logprof: a
// directory holding many of them becomes one "DIR/**" rule (and absorbs
// the collapsed directories inside it that are for the same syscalls or
// fewer), the rest are listed as they were named. The paths come from the traced processes, so
// anything may be in them: wildcard characters are escaped, bytes that are
// not printable UTF-8 become '?' (the rule is then marked widened), and a
// path whose rule would be longer than a glob may be is left out and
// counted.
//
// Pure: no I/O, no printing; the same input in any order gives the same
// rules.

#include <stdbool.h>
#include <stddef.h>

// A directory with at least this many recorded paths below it (not
// already under a deeper collapsed directory) is proposed as "DIR/**".
#define TRACE_RULES_COLLAPSE_MIN 4
// ... when it is at least this many components deep: "/usr/lib" is 2, so
// "/usr/**", "/etc/**" and "/tmp/**" are never proposed.
#define TRACE_RULES_MIN_DEPTH 2

/* One recorded path and the native number of a syscall that named it. */
struct trace_path_use {
        const char *path;
        int nr;
};

struct trace_proposed_rule {
        char *glob;     // escaped: an exact path, or "DIR/**"
        bool collapsed; // "DIR/**": allows any file below DIR
        bool widened;   /* a byte became '?', which matches any one */
        size_t n_paths; /* distinct recorded paths it was made for */
        int *nrs;       /* the syscalls that named them, ascending */
        size_t n_nrs;
};

struct trace_rule_proposal {
        struct trace_proposed_rule *rules; /* sorted by glob, globs distinct */
        size_t n;
        /* Distinct paths no rule was written for: not absolute, or too
         * long for a glob once escaped. */
        size_t n_left_out;
};

/*
 * Proposes rules for the n uses (in any order, repeats allowed). Every
 * absolute path that is not left out matches the glob of a rule whose nrs
 * hold each syscall that named it. Returns 0 and the rules in *ret (clear
 * them with trace_rule_proposal_clear()), or -ENOMEM.
 */
int trace_rules_propose(const struct trace_path_use *uses, size_t n,
                        struct trace_rule_proposal *ret);

void trace_rule_proposal_clear(struct trace_rule_proposal *proposal);

/*
 * The len bytes at s as a glob matching them: '*', '?', '[', '\' and '{'
 * escaped with '\' ('{' so that "${" never reads as a variable), control
 * bytes and bytes that are not UTF-8 replaced by '?' (*ret_widened set).
 * Returns the glob's length, or -ENAMETOOLONG when it would not fit in
 * size bytes with its NUL (buf then holds "").
 */
int trace_rules_escape(const char *s, size_t len, char *buf, size_t size, bool *ret_widened);
