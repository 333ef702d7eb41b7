/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Lasting answers as profile rules. An answer for the session or forever
 * becomes a "supervisor" rule object, the same JSON a person would write in
 * a profile, so a session rule and a saved rule mean exactly the same thing
 * and are matched by the same code (policy_decide()).
 *
 * A rule made from a call names the syscall, the caller's executable, the
 * call's paths or socket address (exactly, or as a pattern the person chose),
 * what an open asks for (its "open" field: exactly the flags that widen what
 * it may do) and the arguments that change what the call does (a socket's
 * family, an ioctl request). Pointers, fds and lengths are left out: they
 * differ from one identical call to the next.
 */

#include <cjson/cJSON.h>
#include <stddef.h>

#include "policy.h"

/*
 * Writes s with the glob characters escaped ('*', '?', '[' and '\' get a '\'
 * before them), so that as a pattern it matches exactly s. Returns 0, or
 * -ENOSPC when it does not fit in size (nothing useful is written).
 */
int prompt_glob_escape(const char *s, char *buf, size_t size);

/*
 * The scopes offered for a lasting answer, as aa-logprof offers them: a cJSON
 * array of {"name": "...", "label": "...", "pattern": "..."} objects, the
 * first always {"name": "exact", "label": "exactly this", "pattern": null}.
 * For a path: this directory ("directory"), this directory and below
 * ("tree"), and for a name with an extension that extension here
 * ("extension-here") and anywhere ("extension"). For an IP address: this
 * address on any port ("host"), this port on any address of the family
 * ("port"), any address of the family ("any-address"). For a unix socket
 * path: its directory ("directory"). For any call naming a peer: every
 * network call of the program, any peer ("network"). When the executable
 * is known: exactly this from any program ("exact-any-program"); every
 * other scope is tied to the executable. NULL when out of memory.
 */
cJSON *prompt_rule_scopes(const struct policy_call *call);

/*
 * The rule a lasting answer with the scope called name (as
 * prompt_rule_scopes() names it, with its pattern) adds, without "action"
 * and "errno", which the answer gives: what the person is shown before
 * answering. Returns 0, or -EINVAL with why the call has no lasting rule of
 * that scope, or -ENOMEM.
 */
/* Adds "action" for verdict to rule, and for a deny "errno" (by name where
 * it has one; EPERM when errno_value is not positive). False: no memory. */
bool prompt_rule_add_action(cJSON *rule, enum policy_verdict verdict, int errno_value);

int prompt_rule_build_scope(const struct policy_call *call, const char *syscall, const char *name,
                            const char *pattern, cJSON **ret_rule, char *reterr,
                            size_t reterr_size);

/*
 * Builds the rule for an answer about call (decoded with paths, address and
 * exe). verdict is VERDICT_ALLOW, VERDICT_DENY (with errno_value) or
 * VERDICT_KILL; syscall is the call's name; pattern NULL means exactly this
 * call, otherwise a path glob (for a call with paths), a CIDR such as
 * "10.0.0.0/8" (an IP address: any port) or a unix socket path glob, which
 * must cover the call's own path or address. comment may be NULL.
 *
 * Returns 0 and the rule; -EINVAL with a reason in err when the pattern does
 * not apply or does not cover the call, or the call lacks what a lasting rule
 * needs (a path or address that could not be read, an open whose flags could
 * not be read); -ENOMEM.
 */
int prompt_rule_build(const struct policy_call *call, const char *syscall,
                      enum policy_verdict verdict, int errno_value, const char *pattern,
                      const char *comment, cJSON **ret_rule, char *reterr, size_t reterr_size);
