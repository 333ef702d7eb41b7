/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The supervisor confines itself once setup is done, as OpenBSD daemons
 * pledge: a seccomp filter of its own allows the system calls serving
 * targets needs (the event loop, reading target memory and /proc, answering
 * notifications, logging, killing a caller, reaping the child) and refuses
 * every other with EPERM. A bug a hostile target manages to exploit in the
 * supervisor then still cannot execute a program, start a process, open a
 * network connection, ptrace, mount, or (without SUPERVISOR_CONFINE_WRITE)
 * create or write a file.
 *
 * Refused calls fail with EPERM rather than kill the supervisor: a call
 * missing from the list after a library update then degrades one feature
 * instead of ending supervision (which would leave the target's notified
 * calls failing with ENOSYS). The attacker gains nothing from the softer
 * answer, since the call is refused either way.
 *
 * The filter is inherited by every process the supervisor forks afterwards,
 * so confine only after the last fork (run: after the launcher's message).
 * It applies to every thread (TSYNC) and sets no_new_privs.
 *
 * The compiled filter is cached with the profiles' (launch/bpf_cache.h,
 * kind "confine"), keyed by what the list of rules is made from (the
 * features, the pty, the action for the rest), the architecture, and this
 * binary, which holds the lists, and libseccomp by their build ids
 * (bpf_cache_identity()): libseccomp takes longer to compile it than the rest of run's
 * start-up, and on a hit the list is not even made. SCMP_SUPER_CACHE=0
 * compiles it every time.
 *
 * Environment, for debugging:
 *   SCMP_SUPER_NO_CONFINE=1       skip confinement entirely.
 *   SCMP_SUPER_CONFINE_REPORT=1   report each refused call on stderr
 *                                 ("scmp-super: confinement refused syscall
 *                                 NR") before it fails with EPERM; for
 *                                 finding what a new feature needs. A value
 *                                 starting with '/' names a file to append
 *                                 the lines to instead.
 */

/* What a caller needs beyond serving targets. */
enum supervisor_confine_feature {
        /* Create, write, rename and remove files, and open any file for
         * writing (prompting writes the profile on "forever" answers and
         * opens /dev/tty; trace writes its profile). */
        SUPERVISOR_CONFINE_WRITE = 1u << 0,
        /* Accept and make socket connections (the control socket, the
         * daemon's listener). */
        SUPERVISOR_CONFINE_SOCKETS = 1u << 1,
        /* Perform allowed file calls for targets (act/): open any file
         * (openat2), create, change and remove names, and take on a
         * caller's filesystem credentials for the length of one call. */
        SUPERVISOR_CONFINE_ACT = 1u << 2,
};

/*
 * Installs the filter. Returns 0, 1 when SCMP_SUPER_NO_CONFINE=1 asked not
 * to (nothing was installed), or a negative errno when the filter could not
 * be built or loaded (the process is then unchanged).
 */
int supervisor_confine(unsigned features);

/* The same, for run with the command on a pty (pty_relay.h): the window
 * size may be set too, on pty_master and on no other descriptor. */
int supervisor_confine_with_pty(unsigned features, int pty_master);
