/* SPDX-License-Identifier: MIT */
/* core/refusals.c: what the profile refused with an errno, counted for run --explain. */
#include "core/supervisor_internal.h"

#include <errno.h>
#include <linux/audit.h>
#include <pthread.h>
#include <stdio.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* Distinct rows (syscall, errno, executable) kept; a command making more
 * is counted in "other", so a hostile one cannot grow our memory. */
#define REFUSALS_MAX_ROWS 512

struct supervisor_refusals {
        /* Lanes count from their own threads. */
        pthread_mutex_t lock;
        struct supervisor_refusal rows[REFUSALS_MAX_ROWS];
        size_t n_rows;
        uint64_t other;
        bool sorted;
};

int supervisor_refusals_init(struct supervisor *sup)
{
        struct supervisor_refusals *r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        pthread_mutex_init(&r->lock, NULL);
        sup->refusals = r;
        return 0;
}

void supervisor_refusals_free(struct supervisor *sup)
{
        struct supervisor_refusals *r = sup->refusals;
        if (!r)
                return;
        for (size_t i = 0; i < r->n_rows; i++) {
                free(r->rows[i].exe);
                free(r->rows[i].name);
        }
        pthread_mutex_destroy(&r->lock);
        free(r);
        sup->refusals = NULL;
}

static bool same_exe(const char *a, const char *b)
{
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}

/* The name of nr on arch, "NAME (x86)" or "NAME (x32)" for a call of
 * the compat ABIs (x32 calls come with the native arch and the x32 bit in
 * their number); malloc'd, NULL when libseccomp knows none. */
static char *syscall_name(const struct supervisor *sup, uint32_t arch, int nr)
{
        const char *which = NULL;
        uint32_t resolve_arch = seccomp_arch_native();

        if (arch == AUDIT_ARCH_I386) {
                which = "x86";
                resolve_arch = SCMP_ARCH_X86;
        } else if ((!arch || arch == sup->native_audit_arch) && nr >= 0x40000000) {
                which = "x32";
                resolve_arch = SCMP_ARCH_X32;
        } else if (arch && arch != sup->native_audit_arch) {
                which = "?";
                resolve_arch = arch;
        }
        char *name = seccomp_syscall_resolve_num_arch(resolve_arch, nr), *named = NULL;
        if (!which || !name)
                return name;
        if (asprintf(&named, "%s (%s)", name, which) < 0)
                named = NULL;
        free(name);
        return named;
}

void supervisor_count_refusal(struct supervisor *sup, uint32_t arch, int nr, int error,
                              const char *exe)
{
        struct supervisor_refusals *r = sup->refusals;
        if (!r)
                return;
        pthread_mutex_lock(&r->lock);
        size_t i = 0;
        while (i < r->n_rows && !(r->rows[i].arch == arch && r->rows[i].nr == nr &&
                                  r->rows[i].error == error && same_exe(r->rows[i].exe, exe)))
                i++;
        if (i < r->n_rows) {
                r->rows[i].count++;
        } else if (r->n_rows < REFUSALS_MAX_ROWS) {
                /* The executable's name is the target's to choose: kept as
                 * read, made printable by whoever prints it. */
                char *copy = exe ? strdup(exe) : NULL;
                char *name = syscall_name(sup, arch, nr);
                if ((exe && !copy) || !name) {
                        free(copy);
                        free(name);
                        r->other++;
                } else {
                        r->rows[r->n_rows++] = (struct supervisor_refusal){.arch = arch,
                                                                           .nr = nr,
                                                                           .error = error,
                                                                           .name = name,
                                                                           .exe = copy,
                                                                           .count = 1};
                        r->sorted = false;
                }
        } else {
                r->other++;
        }
        pthread_mutex_unlock(&r->lock);
}

/* Most refused first; then by syscall name, errno, executable. */
static int compare_refusals(const void *a, const void *b)
{
        const struct supervisor_refusal *x = a, *y = b;
        if (x->count != y->count)
                return x->count > y->count ? -1 : 1;
        int c = strcmp(x->name, y->name);
        if (c)
                return c;
        if (x->error != y->error)
                return x->error < y->error ? -1 : 1;
        return strcmp(x->exe ? x->exe : "", y->exe ? y->exe : "");
}

size_t supervisor_refusals(struct supervisor *sup, const struct supervisor_refusal **ret_rows,
                           uint64_t *ret_other)
{
        struct supervisor_refusals *r = sup->refusals;

        *ret_rows = NULL;
        *ret_other = 0;
        if (!r)
                return 0;
        pthread_mutex_lock(&r->lock);
        if (!r->sorted) {
                qsort(r->rows, r->n_rows, sizeof(r->rows[0]), compare_refusals);
                r->sorted = true;
        }
        *ret_rows = r->rows;
        *ret_other = r->other;
        size_t n = r->n_rows;
        pthread_mutex_unlock(&r->lock);
        return n;
}
