/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * A notified system call as the policy sees it: the raw notification plus
 * whatever the supervisor decoded from the target (paths, socket address,
 * executable). The supervisor fills only what the policy asks for
 * (policy_needs()), because reading target memory is the expensive part.
 *
 * Every decoded field is a copy made by the supervisor; nothing here points
 * into the target.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define POLICY_CALL_MAX_PATHS 2

struct policy_call {
        int nr;           /* syscall number, native architecture */
        uint32_t arch;    /* AUDIT_ARCH_* from seccomp_data */
        uint64_t args[6]; /* raw arguments */
        pid_t pid;        /* caller, in the supervisor's pid namespace */

        /* Decoded on demand; valid only where the matching have_* is set. */
        bool have_paths;
        unsigned n_paths; /* path arguments found, absolute, '\0'-terminated */
        const char *paths[POLICY_CALL_MAX_PATHS];
        /* The bytes the caller passed, as read (once); NULL where unread.
         * An allowed call is performed on these, never on a second read. */
        const char *raw_paths[POLICY_CALL_MAX_PATHS];
        /* The decision read the paths: an allow is performed on the
         * caller's behalf (supervisor/act/), not continued. */
        bool act;

        bool have_addr;
        struct sockaddr_storage addr; /* connect, bind, sendto destination */
        socklen_t addr_len;
        /* For a unix socket path: the path made absolute against the
         * caller's cwd and root, and normalised, as file paths are; NULL
         * when the address is no path socket or could not be resolved. */
        const char *unix_path;

        bool have_exe;
        const char *exe; /* /proc/PID/exe of the caller; NULL if unreadable */

        bool have_uid;
        uid_t uid; /* real uid of the caller */

        /*
         * open, openat, creat and openat2 (POLICY_NEED_PATHS decodes it): what
         * the open asks for, read once. openat2's struct open_how comes from
         * the caller's memory and is what an emulated open uses. creat is
         * open(O_CREAT|O_WRONLY|O_TRUNC). Unset when open_how could not be
         * read: the kernel would fail the call (EFAULT, EINVAL, E2BIG).
         */
        bool have_open;
        uint64_t open_flags;
        uint64_t open_mode;
        uint64_t open_resolve;
};

/* What a decision needs beyond the raw notification. */
enum policy_need {
        POLICY_NEED_PATHS = 1u << 0,
        POLICY_NEED_ADDR = 1u << 1,
        POLICY_NEED_EXE = 1u << 2,
        POLICY_NEED_UID = 1u << 3,
};

/* Whether a path the program wrote differs from the file it resolved to
 * (a symlink, "..", a relative path): logs and prompts then show both. */
bool policy_call_names_differ(const struct policy_call *call);

/* Whether nr is open, openat, openat2 or creat (native numbers). */
bool policy_is_open_call(int nr);
