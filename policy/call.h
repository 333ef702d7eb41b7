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

/* One address a call names, as read from the caller (once). */
struct policy_addr {
        struct sockaddr_storage sa; /* the bytes to pass, AF_UNSPEC mapped as the kernel maps it */
        socklen_t len;              /* how many; 0: no address given */
        bool none;                  /* names no peer (no address, or AF_UNSPEC read as none) */
        const char *unix_path;      /* as policy_call.unix_path */
};

/*
 * Which of a caller's identities: the index into policy_call.ids and into
 * a rule's. The real ids say who started the process; the effective ones
 * are what most permission checks use; the filesystem ones (which follow
 * the effective ones unless setfsuid/setfsgid set them apart) are what
 * file access uses. setresuid(65534, 0, 0) keeps root's file access with
 * real uid 65534.
 */
enum policy_id {
        POLICY_ID_UID,
        POLICY_ID_EUID,
        POLICY_ID_FSUID,
        POLICY_ID_GID,
        POLICY_ID_EGID,
        POLICY_ID_FSGID,
        POLICY_ID_COUNT,
};

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

        /*
         * The peer (or local address) the call names: connect, bind,
         * sendto, sendmsg's msg_name, each of sendmmsg's. Read once, and
         * interpreted as the kernel will for the socket the call is on
         * (sock_domain): AF_UNSPEC on an IPv4 socket's send or bind is
         * IPv4, on an IPv6 socket's send and any connect it names no peer.
         * have_addr unset: unreadable, which meets every deny rule and no
         * allow rule. addrs[0 .. n_addrs) are every address of the call
         * (one but for sendmmsg); addr, addr_len and unix_path repeat the
         * first, for logs and prompts. NULL addrs (a call built by hand)
         * means the one address in addr.
         */
        bool have_addr;
        struct sockaddr_storage addr; /* connect, bind, sendto destination */
        socklen_t addr_len;
        /* For a unix socket path: the socket file's name in our view,
         * resolved for the caller as file paths are (symlinks, "..",
         * /proc/self); NULL when the address is no path socket or the
         * file has no name there. */
        const char *unix_path;
        int addr_error; /* EFAULT, EINVAL: what the kernel refuses the call with */
        unsigned n_addrs;
        const struct policy_addr *addrs;
        int sock_domain; /* SO_DOMAIN of the call's socket; 0 when unknown */
        int sock_type;   /* SO_TYPE, likewise */

        bool have_exe;
        const char *exe; /* /proc/PID/exe of the caller; NULL if unreadable */

        /* The calling thread's identities (enum policy_id), from the Uid:
         * and Gid: lines of /proc/TID/status: numbers as the supervisor's
         * user namespace sees them. */
        bool have_ids;
        uint32_t ids[POLICY_ID_COUNT];

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
        POLICY_NEED_IDS = 1u << 3, /* all of policy_call.ids, read at once */
};

/* The rule field that names an identity: "uid", "euid", "fsuid", "gid",
 * "egid", "fsgid". */
const char *policy_id_name(enum policy_id id);

/* Whether logs and prompts show identity id of call: the real uid and gid
 * always, the effective and filesystem ones where they differ from the
 * real one. False when call has no identities. */
bool policy_id_shown(const struct policy_call *call, enum policy_id id);

/* Whether a path the program wrote differs from the file it resolved to
 * (a symlink, "..", a relative path): logs and prompts then show both. */
bool policy_call_names_differ(const struct policy_call *call);

/* Address i of the call as text (netaddr_format()): 0, -ENODATA for one
 * naming no peer, -ENOENT past the last, or netaddr_format()'s error. */
int policy_call_addr_format(const struct policy_call *call, unsigned i, char *buf, size_t size);

/* Whether nr is open, openat, openat2 or creat (native numbers). */
bool policy_is_open_call(int nr);
