/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Combining and comparing profiles, for recordings made by several runs
 * (`scmp-super profile merge`) and for reviewing what a recording changed
 * (`scmp-super profile diff`).
 *
 * Both look at a profile's syscalls[] as a set of rules, one per syscall
 * name: "name: ACTION" for an entry without conditions, "name: ACTION if
 * CONDITIONS" for one with argument conditions or includes/excludes.
 * Groups (@basic-io) are expanded to their members, SCMP_ACT_KILL is
 * SCMP_ACT_KILL_THREAD and SCMP_ACT_ERRNO carries its errno, so profiles
 * that say the same thing in other words compare equal.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "policy.h"

struct profile_input {
        const char *name; /* file name, for messages and comments */
        const char *text;
        size_t len;
};

/* Something merge decided on its own and the user should hear about. */
typedef void (*profile_merge_warn_fn)(void *ctx, const char *message);

/*
 * Merges inputs[1..n) into inputs[0]: the first profile's document is kept
 * as it is (defaults, architectures, supervisor rules, every entry and its
 * layout), and for each further input one entry per action is appended with
 * the syscalls it allows (or denies, ...) that the result does not decide
 * that way yet, plus each conditional entry not already present. A syscall
 * the result already gives another action unconditionally keeps the
 * earlier action (warned). Deterministic: names sorted, entries in input
 * order.
 *
 * Returns 0 and the text in *ret_text (caller frees); -EINVAL with a message
 * in err when an input is not a profile document; -ENOMEM.
 */
int profile_merge(const struct profile_input *inputs, size_t n, profile_merge_warn_fn warn,
                  void *ctx, char **ret_text, struct policy_error *err);

/*
 * Writes what changed from old to new, one line per difference, sorted:
 *   "~ defaultAction: SCMP_ACT_ERRNO(1) -> SCMP_ACT_ERRNO(38)"
 *   "- ptrace: SCMP_ACT_ERRNO(1)"
 *   "+ socket: SCMP_ACT_ALLOW if arg0 == 0x1"
 * Top-level settings first (defaultAction, architectures, flags, listener,
 * supervisor), then syscall rules by name. Sets *ret_differs. Returns 0,
 * -EINVAL with a message in err when an input is not a profile document,
 * -ENOMEM.
 */
int profile_diff(const struct profile_input *old_profile, const struct profile_input *new_profile,
                 FILE *out, bool *ret_differs, struct policy_error *err);
