/* SPDX-License-Identifier: MIT */
#pragma once

/* What the policy library's own files share, and nobody else uses. */

#include "policy.h"

/* (Re)builds p's per-syscall rule index and needs from p->rules. */
int policy_build_rule_index(struct policy *p);

/* Frees what a rule owns (not the rule itself). */
void policy_rule_clear(struct policy_rule *rule);

/* Whether every call to nr gets one of the kernel actions in wanted
 * (indexed by action), whatever its arguments: the question behind
 * policy_routes_always() and the review of path rules. */
bool policy_kernel_always(const struct policy *p, int nr, const bool wanted[KACT_NOTIFY + 1]);
/* The same, leaving out the entries skip says (NULL: none) never reach,
 * and ending at an entry whole says (NULL: none) every call that matters
 * meets, as at one without conditions. */
bool policy_kernel_always_but(const struct policy *p, int nr, const bool wanted[KACT_NOTIFY + 1],
                              bool (*skip)(const struct policy_entry *e, int nr),
                              bool (*whole)(const struct policy_entry *e, int nr));

/* Whether entry e names syscall nr. */
bool policy_entry_names(const struct policy_entry *e, int nr);

/* Whether condition c holds for args, comparing only the bits in mask of the
 * argument and of the condition's values: UINT64_MAX as libseccomp does,
 * syscall_arg_mask() for the bits the kernel reads. */
bool policy_cond_holds(const struct policy_arg_cond *c, const uint64_t args[6], uint64_t mask);
