/* SPDX-License-Identifier: MIT */
#pragma once

#include "policy.h"

/* The facts includes/excludes are evaluated against: this process's
 * capability bounding set (the target inherits it), the running kernel's
 * version and the Go name of this architecture; and what ${HOME} and
 * ${CWD} in a rule's path stand for: $HOME and the working directory,
 * symlinks resolved, found on the first call and kept (later calls may
 * come after the supervisor confined itself), or NULL after
 * env_without_invoker(). */
void env_detect(struct policy_env *ret_env);

/* For the daemon, which serves many users: from now on env_detect() leaves
 * home and cwd NULL, so a profile that names ${HOME} or ${CWD} does not
 * load instead of meaning the daemon's own. */
void env_without_invoker(void);

/* Loads --policy FILE, or the built-in default when path is NULL. */
int env_load_policy(const char *path, struct policy **ret_policy, struct policy_error *err);
