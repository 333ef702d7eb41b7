/* SPDX-License-Identifier: MIT */
#pragma once

/* Shared by the files of act/; nothing outside it uses these. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "act/act.h"

/* Linux 5.6; Debian 12's headers have the syscall number but not the struct. */
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#else
struct open_how {
        uint64_t flags;
        uint64_t mode;
        uint64_t resolve;
};
#define RESOLVE_NO_XDEV       0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#define RESOLVE_BENEATH       0x08
#define RESOLVE_IN_ROOT       0x10
#define RESOLVE_CACHED        0x20
#endif
#ifndef RESOLVE_CACHED
#define RESOLVE_CACHED 0x20
#endif

int act_file_id(int fd, struct act_file_id *ret);

/* The checked name of what fd holds (act/resolve.c); -ENOENT: it has none. */
int act_name_of(const struct act_view *v, int fd, char out[static PATH_MAX]);

/* The caller's thread group and thread ids in its own (innermost) pid
 * namespace, from NStgid: and NSpid: of /proc/TID/status. */
int act_read_nspids(pid_t tid, pid_t *ret_tgid, pid_t *ret_tid);

/*
 * The caller's filesystem credentials (act/creds.c): what the kernel
 * checks when it opens, creates or changes a file for the caller.
 */
#define ACT_MAX_GROUPS 256
struct act_creds {
        /* The real and saved ids are not taken on (a thread of ours with
         * the caller's real uid could be signalled by it); act/net.c
         * checks and names them in SCM_CREDENTIALS. */
        uid_t ruid, euid, suid, fsuid;
        gid_t rgid, egid, sgid, fsgid;
        unsigned n_groups;
        gid_t groups[ACT_MAX_GROUPS];
        uint64_t cap_eff;
        mode_t umask;
        bool same_userns;
};

/* Reads tid's credentials; -ESRCH when it is gone, -E2BIG for more
 * supplementary groups than we keep (the call is then refused). */
int act_creds_read(pid_t tid, struct act_creds *ret);

/* Whether this process holds no capability at all. */
bool act_creds_we_are_unprivileged(void);

/* Whether acting with our own credentials is acting with the caller's. */
bool act_creds_are_ours(const struct act_creds *c);

/* What act_creds_enter() changed, to undo it. */
struct act_saved_creds {
        bool entered;                /* any of the below */
        bool groups, gid, uid, caps; /* what was changed, to undo */
        bool umask_set;
        mode_t umask;
};

/* Takes on the caller's credentials on this thread only (raw setfsuid,
 * setfsgid, setgroups and capset act per thread; the umask after this
 * thread stopped sharing its fs_struct). Our capabilities stay permitted,
 * so act_creds_leave() can take them back. */
int act_creds_enter(const struct act_creds *c, bool set_umask, struct act_saved_creds *saved);
void act_creds_leave(struct act_saved_creds *saved);
