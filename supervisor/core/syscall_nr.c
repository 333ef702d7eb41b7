/* SPDX-License-Identifier: MIT */
/* core/syscall_nr.c: syscall numbers and names: compat calls translated, names resolved once. */
#include "core/supervisor_internal.h"

#include <linux/audit.h>
#include <stdlib.h>

#include "base/zeroed.h"

void supervisor_free_names(struct supervisor *sup)
{
        if (!sup->names)
                return;
        for (int nr = 0; nr <= sup->counts_max_nr; nr++)
                free(sup->names[nr]);
        zeroed_free(sup->names, supervisor_names_size(sup->counts_max_nr));
        sup->names = NULL;
}

/* Resolved on first use: resolving every number at start costs a
 * millisecond, and a run sees a few dozen syscalls. */
const char *supervisor_syscall_name(const struct supervisor *sup, int nr)
{
        if (nr < 0 || nr > sup->counts_max_nr)
                return "?";
        char *name = __atomic_load_n(&sup->names[nr], __ATOMIC_ACQUIRE);
        if (!name) {
                /* A lane thread may resolve the same name at the same time;
                 * the first to store it wins and the other frees its copy. */
                char *mine = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
                char *none = NULL;
                if (!mine)
                        return "?";
                if (__atomic_compare_exchange_n(&sup->names[nr], &none, mine, false,
                                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                        name = mine;
                else {
                        free(mine);
                        name = none;
                }
        }
        return name;
}

/*
 * Rules are indexed by native syscall number, but a 32-bit (x86) or x32
 * caller's numbers mean other calls: i386's 5 is open, x86-64's 5 is fstat.
 * Translate by name, once per number, before any rule sees the call.
 */
int supervisor_native_nr(struct supervisor *sup, uint32_t arch, int nr)
{
        if (arch == sup->native_audit_arch)
                return nr;
        int slot = arch == AUDIT_ARCH_I386 ? 0 : 1;
        int index = nr & ~0x40000000; /* __X32_SYSCALL_BIT */
        if (index < 0 || index >= COMPAT_MAX_NR)
                return -1;
        /* The loop and a lane may both fill the same entry: the same value,
         * but the stores and loads must be atomic. */
        int16_t *cached = &sup->compat_nr[slot][index];
        int16_t v = __atomic_load_n(cached, __ATOMIC_RELAXED);
        if (v == 0) {
                uint32_t scmp_arch = arch == AUDIT_ARCH_I386 ? SCMP_ARCH_X86 : SCMP_ARCH_X32;
                char *name = seccomp_syscall_resolve_num_arch(scmp_arch, nr);
                int native = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
                free(name);
                v = (int16_t)(native < 0 ? -1 : native + 1);
                __atomic_store_n(cached, v, __ATOMIC_RELAXED);
        }
        return v < 0 ? -1 : v - 1;
}
