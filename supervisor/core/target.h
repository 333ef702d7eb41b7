/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Reading a notified target: its memory, its cwd and fds, its executable and
 * credentials. Everything here treats the target as hostile: every length is
 * bounded by the caller's buffer, every string is terminated by us, and
 * nothing returned points into the target.
 *
 * Two rules for callers, because the kernel cannot enforce them for us:
 *
 * 1. Check SECCOMP_IOCTL_NOTIF_ID_VALID after reading and before using what
 *    was read. A pid names a process only while the notification is pending;
 *    once the target dies its pid can be reused, and the bytes we read may
 *    then come from an unrelated process. The check proves the target was
 *    still blocked in the notified call when the reads finished. Only the
 *    caller owns the notification id, so the check is the caller's job
 *    (target_decode_call() does it for you).
 *
 * 2. What was read is a snapshot. Another thread of the target, or a process
 *    sharing its memory, can rewrite a path after we read it and before the
 *    kernel does, when the call is allowed to continue. A decision based on
 *    these bytes is sound for refusing a call; allowing one on the strength
 *    of a path is advisory unless the supervisor performs the call itself.
 */

#include <limits.h>
#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "act/act.h"
#include "call.h"
#include "core/exe_cache.h"

/*
 * Reads the NUL-terminated string at addr in pid's memory into buf: at most
 * size bytes including the terminator. Reads page by page, so a string that
 * ends just before an unmapped page is still read. Uses process_vm_readv(2)
 * and falls back to pread(2) on /proc/PID/mem when that fails with EPERM or
 * ENOSYS (a kernel without CONFIG_CROSS_MEMORY_ATTACH, or a seccomp filter
 * on the supervisor).
 *
 * Returns 0; -EFAULT for NULL or unmapped memory (buf is then ""),
 * -ENAMETOOLONG when there is no NUL within size bytes (buf then holds the
 * first size-1 bytes, terminated), -EINVAL when size is 0, -ESRCH or -EPERM
 * when the process is gone or not ours to read.
 */
int target_read_string(pid_t pid, uint64_t addr, char *buf, size_t size);

/* Reads exactly len bytes at addr; -EFAULT if any of them is unmapped. */
int target_read_memory(pid_t pid, uint64_t addr, void *buf, size_t len);

/*
 * Makes the absolute, lexically normalised form of a path the target passed:
 * "." components, ".." components and repeated '/' are folded, and no
 * trailing '/' is kept.
 *
 * An absolute path is taken relative to the target's root directory
 * (readlink /proc/PID/root), so a chrooted target's "/etc/passwd" comes out
 * as the file it really names, and ".." stops at that root as it does in
 * the kernel. A relative path is taken relative to the
 * target's cwd (readlink /proc/PID/cwd) when dirfd is AT_FDCWD, or else to
 * the path of the target's dirfd (readlink /proc/PID/fd/DIRFD). An empty
 * path gives the dirfd's (or cwd's) own path, as AT_EMPTY_PATH does.
 *
 * Symlinks are NOT resolved, on purpose: the target can replace any
 * component with a symlink after we look and before the kernel does, so a
 * resolved answer would be no more trustworthy and would cost a walk of the
 * filesystem. It follows that ".." is folded lexically: "a/link/../b" gives
 * "a/b" even when the kernel would walk elsewhere. Paths are as this
 * process sees them through /proc: a directory that was deleted reads as
 * "/dir (deleted)", as the kernel reports it.
 *
 * Returns 0; -ENAMETOOLONG when the path or the result reaches PATH_MAX or
 * does not fit in size; -EBADF for a dirfd the target does not have;
 * -ENOENT when the dirfd is not a path at all ("socket:[123]",
 * "anon_inode:[eventfd]"); -ESRCH when the target is gone.
 */
int target_resolve_path(pid_t pid, int dirfd, const char *path, char *buf, size_t size);

/* readlink /proc/PID/exe; -ENAMETOOLONG if it does not fit in size. */
int target_read_exe(pid_t pid, char *buf, size_t size);

/* The real, effective and filesystem uids and gids (indexed by enum
 * policy_id), from one read of /proc/PID/status: PID a thread id gives
 * that thread's, which a raw set*id call sets apart from its siblings'.
 * Written only on success; -EIO for a line that does not read as the
 * kernel writes it. */
int target_read_ids(pid_t pid, uint32_t ret_ids[POLICY_ID_COUNT]);

/* The thread group of thread tid, from the Tgid: line of its status. */
int target_read_tgid(pid_t tid, pid_t *ret_tgid);

/*
 * The command line for logs and prompts: argv joined by spaces. Other
 * control characters are replaced by '?' so a target cannot move the cursor
 * or recolour the terminal of whoever reads the prompt. Returns 0, or
 * -ENOSPC when it was cut to size-1 bytes (buf still terminated), -EINVAL
 * when size is 0.
 */
int target_read_cmdline(pid_t pid, char *buf, size_t size);

/* What a prompt shows of a command line and of execve's argv. */
#define TARGET_CMDLINE_MAX   1024
#define TARGET_ARGV_MAX_ARGS 64
#define TARGET_ARGV_MAX      4096 /* bytes, checked before each argument */
#define TARGET_ARG_MAX       1024 /* bytes of one argument, terminator included */

/*
 * What a person deciding a call sees of its caller beyond the call itself,
 * read by the thread that received the call (a lane reads the target so
 * that the loop never waits on target memory).
 */
struct target_details {
        bool read;     /* target_read_details() filled it in */
        pid_t tgid;    /* the caller's thread group; its tid when unreadable */
        char *cmdline; /* target_read_cmdline(), "?" when unreadable */
        /* The argv an execve or execveat passes: argc strings one after
         * the other, each NUL-terminated, in argv_len bytes, each cut at
         * TARGET_ARG_MAX - 1 bytes, at most TARGET_ARGV_MAX_ARGS of them,
         * ending at the first that cannot be read. NULL for other calls
         * and for a NULL argv. */
        char *argv;
        size_t argv_len;
        unsigned argc;
};

/* Reads call's caller (call->pid) into ret. The caller must check the
 * notification's id is still valid afterwards before using any of it.
 * Returns 0, or -ENOMEM (ret is then clear). */
int target_read_details(const struct policy_call *call, struct target_details *ret);
/* Frees what ret holds and clears it. */
void target_details_clear(struct target_details *details);

/*
 * Storage for target_decode_call(): caller-owned, reused across calls, so
 * decoding allocates nothing. The decoded call points into it, so it must
 * outlive the decision.
 */
struct target_scratch {
        char paths[POLICY_CALL_MAX_PATHS][PATH_MAX];
        char raw[POLICY_CALL_MAX_PATHS][PATH_MAX];
        /* The files the paths resolved to (act/act.h), held open until the
         * next call: an allowed call of notification decided_id is
         * performed on them. decided_id 0: none held. */
        struct act_resolved decided[POLICY_CALL_MAX_PATHS];
        uint64_t decided_id;
        bool decided_held; /* decided[] is initialised (a zeroed scratch is not) */
        /* Our own root, for callers whose root is ours, opened once. */
        struct act_view own_view;
        bool own_view_open;
        char exe[PATH_MAX];
        char unix_path[PATH_MAX];
        /* The addresses of the call (core/target_addr.c): one inline; a
         * sendmmsg vector, its names and its headers made on first use. */
        struct policy_addr addr_one;
        struct policy_addr *addr_vec;
        char **addr_names;
        struct mmsghdr *mmsg_vec;
        /* The socket the call is on, taken from the caller (sock_held:
         * sock_fd is initialised; -1 when it could not be taken): an
         * allowed call of notification sock_id is performed on it. */
        int sock_fd;
        uint64_t sock_id;
        bool sock_held;
        /* A send performed whose answer found the caller interrupted
         * (core/serve.c): its restart gets this result, not a second send. */
        struct {
                bool held;
                pid_t tid;
                int nr;
                uint64_t args[6];
                long value;
        } replay;
        /* A pidfd of the last caller whose socket was taken, kept for its
         * next call (pidfd_held: initialised). */
        struct act_pidfd pidfd;
        bool pidfd_held;
        /* Executables by thread, when the owner of this scratch receives all
         * of a target's notifications (exe_cache.h); NULL: read every time. */
        struct exe_cache *exe_cache;
};

/*
 * Fills the decoded fields of call that needs (POLICY_NEED_*) asks for,
 * from call->nr, call->args and call->pid, and then, when anything was read
 * from the target, checks that notif_id is still valid on listener_fd
 * (skipped when listener_fd < 0, for tests).
 *
 * - POLICY_NEED_PATHS: have_paths is set and n_paths is the number of path
 *   arguments the call takes (0 for a call without any). A path that cannot
 *   be read or resolved (unmapped, too long, a dirfd the target lacks) is
 *   left NULL in paths[], so rules must treat a NULL path as matching no
 *   pattern: an allow rule does not apply, and a deny rule cannot be
 *   relied on for it either.
 * - POLICY_NEED_ADDR: have_addr is set; addr_len is the length the target
 *   passed, or 0 when there is no address to decode (NULL, or a length that
 *   is negative or larger than struct sockaddr_storage, which the kernel
 *   rejects with EINVAL anyway, or unmapped). Bytes past addr_len are zero,
 *   so a full-length sun_path is still terminated.
 * - POLICY_NEED_EXE: have_exe is set; exe is NULL when unreadable. It comes
 *   from scratch->exe_cache when that knows the caller, and is stored there
 *   once the check shows it was read from the caller.
 * - POLICY_NEED_IDS: have_ids and ids are set; failing to read them is an
 *   error (the call is then decided with have_ids false, which fails allow
 *   rules on identities and meets deny rules).
 *
 * Paths and addresses are decoded only for native x86_64 calls; for any
 * other architecture (call->arch) or an x32 call this returns -EOPNOTSUPP
 * rather than decide on arguments laid out differently.
 *
 * Returns 0; -ENOENT when the notification is no longer valid (the target
 * died or was interrupted: nothing decoded may be used); another negative
 * errno when the target could not be read at all. On error the decoded
 * fields are unspecified and must not be used.
 */
/* A flag for target_decode_call()'s needs: the caller knows the target's
 * root directory is the supervisor's own (a run whose filter routes chroot,
 * pivot_root and setns to the supervisor, none of them allowed yet), so
 * paths are resolved without reading /proc/PID/root. */
#define TARGET_DECODE_ROOT_IS_OURS (1u << 16)

/* A scratch, allocated with its flags set and its buffers untouched: they
 * are written only by calls that need them, so until then it costs no
 * pages (the supervisor's start faults in what it zeroes). NULL when out of
 * memory. target_scratch_destroy() (NULL too) closes what it holds, its
 * executable cache included, and frees it. */
struct target_scratch *target_scratch_new(void);
void target_scratch_destroy(struct target_scratch *scratch);
/* Closes what scratch holds of the last call (safe on a zeroed scratch). */
void target_scratch_release(struct target_scratch *scratch);
/* ... and everything it holds, before it is freed. */
void target_scratch_free(struct target_scratch *scratch);

int target_decode_call(int listener_fd, uint64_t notif_id, struct policy_call *call, unsigned needs,
                       struct target_scratch *scratch);

/*
 * The addresses part of target_decode_call() (core/target_addr.c), for
 * POLICY_NEED_ADDR: reads every address the call names and takes its
 * socket into scratch. Returns 0 (call->addr_error says what the kernel
 * would refuse the call with), or a negative errno.
 */
int target_decode_addr(struct policy_call *call, struct target_scratch *scratch, bool root_is_ours,
                       uint64_t notif_id);
/* Closes the socket held and frees the names of the last call. */
void target_addr_release(struct target_scratch *scratch);
void target_addr_free(struct target_scratch *scratch);
/* call->addrs and their names in one block the caller frees, for a call
 * that outlives the scratch (a prompt, a send waiting off the lane); NULL
 * when there are none or memory ran out (then n_addrs is what it was). */
struct policy_addr *target_addrs_copy(const struct policy_call *call);

/* Writes len bytes at addr of the target (sendmmsg's msg_len results). */
int target_write_memory(pid_t pid, uint64_t addr, const void *buf, size_t len);
