/* SPDX-License-Identifier: MIT */
#pragma once

#include "policy.h"

/* The facts includes/excludes are evaluated against: this process's
 * capability bounding set (the target inherits it), the running kernel's
 * version and the Go name of this architecture. */
void env_detect(struct policy_env *ret_env);

/* Loads --policy FILE, or the built-in default when path is NULL. */
int env_load_policy(const char *path, struct policy **ret_policy, struct policy_error *err);
