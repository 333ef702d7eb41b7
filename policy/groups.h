/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Named groups of system calls ("@basic-io", "@network-io", ...), with the
 * names and meanings systemd documents for SystemCallFilter=, so that a
 * profile written with systemd's vocabulary means the same thing here.
 *
 * A group's members are system call names or the names of other groups
 * (always starting with '@'). Names are listed for every architecture: a name
 * this architecture does not have (chown32, _llseek, ...) is kept in the table
 * and skipped by whoever resolves it to a number.
 *
 * Pure data and lookup: nothing here allocates except syscall_group_expand(),
 * and nothing prints.
 */

#include <stddef.h>

struct syscall_group {
        const char *name;           /* "@basic-io" */
        const char *description;    /* one line */
        const char *const *members; /* NULL-terminated; syscall or "@group" names */
};

/* The group called exactly NAME (with its leading '@'); NULL if there is none. */
const struct syscall_group *syscall_group_find(const char *name);

/* The built-in groups, in alphabetical order: syscall_group_at(i) for i < count. */
size_t syscall_group_count(void);
const struct syscall_group *syscall_group_at(size_t i);

/* Called once per syscall name; a non-zero return stops the expansion. */
typedef int (*syscall_group_expand_fn)(const char *syscall, void *userdata);

/*
 * Calls CB once per distinct system call name reachable from the group NAME,
 * expanding nested groups depth-first in table order; a group reached twice
 * (diamonds, cycles) is expanded once. Returns 0 when done, the callback's
 * value if it returned non-zero (the expansion stops there), -ENOENT if NAME
 * or any group nested in it is unknown (checked before CB is first called),
 * -ENOMEM.
 */
int syscall_group_expand(const char *name, syscall_group_expand_fn cb, void *userdata);

/*
 * The same over a caller's table of N_GROUPS groups instead of the built-in
 * one, so that nested groups, cycles and unknown references can be tested.
 */
int syscall_group_expand_table(const struct syscall_group *groups, size_t n_groups,
                               const char *name, syscall_group_expand_fn cb, void *userdata);
