/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Acting on the caller's behalf: finding the file a path names as the
 * kernel will find it for the caller, and performing an allowed call on
 * that file ourselves, so that no thread of the caller can change which
 * file it touches after we looked.
 *
 * seccomp_unotify(2): a supervisor that decides on a pointer argument and
 * answers CONTINUE lets the kernel read the argument again. Here the path
 * bytes are read once (core/target.c), resolved once from descriptors
 * taken once (the caller's root, cwd or dirfd through /proc/TID), and an
 * allowed open is performed by us and its descriptor handed over with
 * SECCOMP_IOCTL_NOTIF_ADDFD; an allowed mkdir, unlink, rename, ... is
 * performed on the directory descriptor the resolution ended in. Both run
 * with the caller's filesystem credentials (act/creds.c).
 *
 * What cannot be performed for the caller (execve, chdir, stat, ...) is
 * still resolved this way and answered CONTINUE: SECURITY.md lists each
 * with its window.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "call.h"

/* The identity of an open file: which mount, which inode. */
struct act_file_id {
        uint64_t mnt_id;
        uint64_t dev;
        uint64_t ino;
};

/*
 * The caller's view of the filesystem, taken once per call: its root
 * directory (an O_PATH descriptor of /proc/TID/root) and that root's name
 * in our own view, which prefixes every name we give a file.
 */
struct act_view {
        pid_t tid;
        int root_fd;
        struct act_file_id root_id;
        char prefix[PATH_MAX]; /* "" when the caller's root is ours */
        size_t prefix_len;
};

/* How the last component is looked up (the call's own semantics). */
enum {
        ACT_NOFOLLOW = 1u << 0,      /* a trailing symlink is the object (O_NOFOLLOW, l*, unlink) */
        ACT_EMPTY_PATH = 1u << 1,    /* "" names the dirfd itself (AT_EMPTY_PATH) */
        ACT_IN_ROOT = 1u << 2,       /* openat2 RESOLVE_IN_ROOT: the dirfd is the root */
        ACT_BENEATH = 1u << 3,       /* openat2 RESOLVE_BENEATH: EXDEV above the dirfd */
        ACT_NO_SYMLINKS = 1u << 4,   /* openat2 RESOLVE_NO_SYMLINKS: ELOOP at any symlink */
        ACT_NO_MAGICLINKS = 1u << 5, /* openat2 RESOLVE_NO_MAGICLINKS: ELOOP at /proc links */
        ACT_NAME = 1u << 6, /* the call acts on the last name itself (unlink, rmdir, rename,
                               link, mkdir, ...): a trailing '/' on a symlink is ENOTDIR */
};

/*
 * The outcome of one resolution. The object is (dir_fd, last) when the
 * path ends in a name (the usual case: the name need not exist), or obj_fd
 * alone when it ends in a directory itself or a /proc magic link ("/",
 * "..", "/proc/self/fd/3"). Descriptors are O_PATH and ours to close
 * (act_resolved_clear()).
 *
 * name is the file's name in our view (prefix + the path inside the
 * caller's root), with no symlink, "." or ".." in it; named says it is
 * true: checked by looking it up again from the root without following
 * anything and finding the same directory. A file that cannot be named
 * inside the caller's root (under a detached mount, in another mount
 * namespace, a deleted directory) is unnamed: rules see no path, which
 * meets every deny and prompt rule and no allow rule. A pipe or socket
 * reached through /proc/PID/fd is named as the kernel names it
 * ("pipe:[123]"), which no path glob matches.
 *
 * error is what the kernel would answer the lookup with (ENOENT for a
 * missing directory on the way, ENOTDIR, ELOOP, EACCES, ...), 0 when the
 * lookup gets to the object. name is still filled as far as it goes, so a
 * failing call is decided and logged on a meaningful name.
 */
struct act_resolved {
        int dir_fd;
        int obj_fd;
        char last[NAME_MAX + 1];
        bool must_be_dir; /* the path ended in '/' */
        bool exists;      /* (dir_fd, last) named something when we looked */
        mode_t type;      /* and its S_IFMT type then */
        dev_t rdev;       /* and the device, for a device */
        bool named;
        int error;
        char name[PATH_MAX];
};

#define ACT_RESOLVED_INIT                                                                          \
        {                                                                                          \
                .dir_fd = -1, .obj_fd = -1                                                         \
        }

/*
 * Appends the components of path to the normalised absolute path in
 * work[0..*len) (empty meaning "/"), folding ".", ".." and repeated '/' as
 * text, and terminates it. ".." never climbs below root_len: in the
 * kernel, ".." at a process's root stays there. -ENAMETOOLONG when the
 * result would not fit in cap bytes.
 */
int act_fold(char *work, size_t *len, size_t cap, size_t root_len, const char *path);

/* Opens the caller's view: /proc/TID/root, or our own root when
 * root_is_ours. 0, -ESRCH when the caller is gone, or a negative errno. */
int act_view_open(struct act_view *v, pid_t tid, bool root_is_ours);
void act_view_close(struct act_view *v);

/*
 * Resolves path for the caller as the kernel will: absolute against its
 * root, relative against its cwd (dirfd AT_FDCWD) or its descriptor dirfd,
 * following symlinks (at most 40), ".." never above the root, /proc/self
 * and /proc/thread-self meaning the caller, other /proc magic links
 * followed to what they name for the caller. flags: ACT_*.
 *
 * Returns 0 with *ret filled (look at ret->error and ret->named); a
 * negative errno only when the supervisor itself failed (ENOMEM, the
 * caller gone: -ESRCH).
 */
int act_resolve(struct act_view *v, int dirfd, const char *path, unsigned flags,
                struct act_resolved *ret);
void act_resolved_clear(struct act_resolved *r);

/* The ACT_* flags of a path argument of call nr with the given arguments:
 * which of its paths follow a trailing symlink. */
unsigned act_lookup_flags(const struct policy_call *call, unsigned path_index);

/* Whether an allowed call nr is performed by us rather than continued. */
bool act_performs(int nr);

/* What the caller's call comes back with. */
struct act_result {
        enum {
                ACT_ANSWER_CONTINUE, /* not ours to perform: let the kernel run it */
                ACT_ANSWER_ERROR,    /* fails with error */
                ACT_ANSWER_VALUE,    /* returns value */
                ACT_ANSWER_FD,       /* returns fd (ours: hand it over, then close it) */
                ACT_ANSWER_BLOCKS,   /* opening may wait for a peer (a FIFO): perform it
                                        again with may_block, off the lane */
        } kind;
        int error;
        long value;
        int fd;
        bool cloexec;
        bool sigpipe; /* after answering, SIGPIPE to the caller's thread, as the kernel does */
};

/* How act_perform() reads the arguments it does not resolve (symlink's
 * target, utimensat's times, the data of a send), once, and writes what a
 * call returns in memory (sendmmsg's msg_len): core/target.c's. */
struct act_reader {
        int (*string)(pid_t pid, uint64_t addr, char *buf, size_t size);
        int (*memory)(pid_t pid, uint64_t addr, void *buf, size_t len);
        int (*write)(pid_t pid, uint64_t addr, const void *buf, size_t len);
};

/*
 * Performs the allowed call (act_performs()) on the caller's behalf, with
 * its credentials, on the files named by call->paths[] (the names the
 * decision was made on), and says how to answer it in *ret. decided[] are
 * the resolutions the decision was made on, still open, or NULL (a prompt
 * answered later): when NULL, or when the caller's credentials differ from
 * ours, the paths are looked up again from call->raw_paths[] as the caller,
 * and a name that changed since the decision fails the call with EAGAIN.
 * An open that would wait (a FIFO without O_NONBLOCK) is not made unless
 * may_block: a lane waiting in it would stall every other call of its
 * target, the FIFO's other end included.
 * own_command: the caller is a command we started under no_new_privs
 * with our credentials, which it cannot have raised; an unprivileged
 * supervisor then acts as itself (the umask still read where a file is
 * created).
 * Returns 0, or a negative errno when it could not act at all (-ESRCH: the
 * caller is gone; -EPERM: its credentials cannot be taken on), which the
 * caller answers with a refusal.
 */
int act_perform(const struct policy_call *call, struct act_resolved decided[], bool root_is_ours,
                bool may_block, bool own_command, const struct act_reader *reader,
                struct act_result *ret);

/* Resolves path argument i of call (from call->raw_paths[i]). */
int act_resolve_call(struct act_view *v, const struct policy_call *call, unsigned i,
                     struct act_resolved *ret);

/*
 * Calls that name a peer (act/net.c): connect, bind, sendto, sendmsg,
 * sendmmsg. An allowed one whose decision read its address is performed
 * here on the socket that was decided (a duplicate of the caller's, taken
 * with pidfd_getfd), with the address that was decided and the data read
 * once, with the caller's credentials; its result is the call's.
 */
bool act_performs_net(int nr);

/* A duplicate of descriptor fd of thread tid (pidfd_getfd, close-on-exec)
 * into *ret_fd. 0, or -EBADF (no such descriptor), -ESRCH, -EPERM. */
int act_take_fd(pid_t tid, int fd, int *ret_fd);

/* The same through a pidfd kept for the next call of the same thread
 * (fd -1: none yet), opened anew when the thread changed or has gone. */
struct act_pidfd {
        int fd;
        pid_t tid;
};
int act_take_fd_via(struct act_pidfd *cache, pid_t tid, int fd, int *ret_fd);
void act_pidfd_close(struct act_pidfd *cache);

/* Asked between tries while a send performed off the lane waits for
 * room: false once nobody waits for the answer (the caller was
 * interrupted or died), and the send is given up. */
struct act_waiter {
        bool (*wanted)(void *ctx);
        void *ctx;
};

/*
 * Performs the allowed network call (act_performs_net()) on sock, the
 * socket decided (-1: taken again from the caller, and refused with EAGAIN
 * if it is no longer a socket of the family and type decided). A call
 * that would wait (a blocking socket's connect, or a send with no room) is
 * answered ACT_ANSWER_BLOCKS unless may_block; then it waits, asking
 * waiter between tries, and -ECANCELED when it gave up. A bind of a unix
 * socket path is answered ACT_ANSWER_CONTINUE (SECURITY.md). Otherwise as
 * act_perform().
 */
int act_perform_net(const struct policy_call *call, int sock, bool root_is_ours, bool may_block,
                    const struct act_waiter *waiter, bool own_command,
                    const struct act_reader *reader, struct act_result *ret);

/*
 * Rewrites the control messages of a send (len bytes at control, as the
 * caller wrote them) for sending them ourselves: each descriptor of an
 * SCM_RIGHTS message becomes ours (take_fd, its number appended to
 * taken[], at most taken_cap), and an SCM_CREDENTIALS message giving the
 * caller's own process id (caller_pid, as the caller sees it) gives ours.
 * Everything else is left as written for the kernel to judge, but source
 * routing (IP_RETOPTS, IPV6_RTHDR, IPV6_2292RTHDR), which would send the
 * data elsewhere than the address decided: -EPERM. Returns 0,
 * -EINVAL for a malformed message the kernel refuses, or what take_fd
 * failed with; the descriptors taken are in taken[0 .. *n_taken) even on
 * failure, for the caller to close.
 */
int act_cmsg_rewrite(void *control, size_t len, int (*take_fd)(void *ctx, int fd, int *ret_fd),
                     void *ctx, pid_t caller_pid, pid_t our_pid, int *taken, size_t taken_cap,
                     size_t *n_taken);
