/* SPDX-License-Identifier: MIT */
/* launch/seal.c: sealing the supervisor off from its command: non-dumpable, Landlock scopes. */
#include "launch/seal.h"

#include <errno.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Debian 12's <linux/landlock.h> (Linux 6.1) knows only handled_access_fs.
 * The kernel takes the attribute's size from the caller and treats fields
 * it does not know as an error unless they are zero, so this newer layout
 * is safe to pass to any kernel that has Landlock: an ABI below 6 refuses
 * it (E2BIG), and we never ask one to (seal_landlock_abi() first).
 */
struct seal_ruleset_attr {
        uint64_t handled_access_fs;
        uint64_t handled_access_net; /* ABI 4 */
        uint64_t scoped;             /* ABI 6 */
};

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
/* The numbers are the same on every architecture (the unified table). */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

int seal_supervisor(bool subreaper)
{
        /* Same-uid ptrace, process_vm_readv/writev and /proc/PID/mem all
         * check "dumpable" first; core dumps of a security tool's memory
         * are no loss either. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return -errno;
        if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                return -errno;
        return 0;
}

int seal_landlock_abi(void)
{
        long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
        return abi < 0 ? -errno : (int)abi;
}

int seal_command(void)
{
        /* No file or network access handled: only the scopes. */
        struct seal_ruleset_attr attr = {
            .scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
        };
        /* The ruleset fd is close-on-exec by the kernel's own choice. */
        long fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
        if (fd < 0)
                return -errno;
        int r = syscall(__NR_landlock_restrict_self, (int)fd, 0) < 0 ? -errno : 0;
        close((int)fd);
        return r;
}

void seal_report(FILE *out, int abi)
{
        if (abi >= SEAL_LANDLOCK_MIN_ABI) {
                fprintf(out,
                        "scmp-super: the command cannot signal or ptrace processes outside its "
                        "run (scmp-super included) nor reach abstract unix sockets made outside "
                        "(Landlock ABI %d)\n",
                        abi);
                return;
        }
        if (abi > 0)
                fprintf(out,
                        "scmp-super: this kernel's Landlock (ABI %d) cannot scope signals (ABI %d, "
                        "Linux 6.12): the command can stop scmp-super with SIGSTOP (a hang) or "
                        "end it (its notified calls then fail with ENOSYS)\n",
                        abi, SEAL_LANDLOCK_MIN_ABI);
        else
                fprintf(out,
                        "scmp-super: no Landlock here (%s): the command can stop scmp-super "
                        "with SIGSTOP (a hang) or end it (its notified calls then fail with "
                        "ENOSYS)\n",
                        abi == -EOPNOTSUPP ? "disabled at boot" : "not in this kernel");
}
