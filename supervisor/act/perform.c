/* SPDX-License-Identifier: MIT */
/* act/perform.c: an allowed file call performed for the caller, on the file that was decided. */
#include "act/act_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscall_args.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

/* The open flags Linux knows (its VALID_OPEN_FLAGS); open() ignores others. */
#define OPEN_KNOWN_FLAGS                                                                           \
        ((uint64_t)(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |    \
                    O_DSYNC | O_SYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY |            \
                    O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | __O_TMPFILE))

/* The kernel takes descriptors and flags as int: only the low 32 bits count. */
static int arg_int(uint64_t arg)
{
        return (int)(int32_t)(uint32_t)arg;
}

/* The AT_* flags argument of a call, or 0. */
static int at_flags(const struct policy_call *call)
{
        switch (call->nr) {
        case __NR_newfstatat:
        case __NR_fchownat:
        case __NR_linkat:
        case __NR_utimensat:
        case __NR_execveat:
                return arg_int(
                    call->args[call->nr == __NR_newfstatat || call->nr == __NR_utimensat ? 3 : 4]);
        case __NR_statx:
        case __NR_open_tree:
        case __NR_unlinkat:
                return arg_int(call->args[2]);
        case __NR_fchmodat2:
        case __NR_faccessat2:
                return arg_int(call->args[3]);
        case __NR_name_to_handle_at:
                return arg_int(call->args[4]);
        default:
                return 0;
        }
}

unsigned act_lookup_flags(const struct policy_call *call, unsigned path_index)
{
        int flags = at_flags(call);
        unsigned r = 0;

        switch (call->nr) {
        case __NR_open:
        case __NR_openat:
        case __NR_creat:
        case __NR_openat2: {
                uint64_t f = call->have_open ? call->open_flags : 0;
                if ((f & O_NOFOLLOW) || ((f & O_CREAT) && (f & O_EXCL)))
                        r |= ACT_NOFOLLOW;
                if (call->nr == __NR_openat2 && call->have_open) {
                        uint64_t res = call->open_resolve;
                        if (res & RESOLVE_IN_ROOT)
                                r |= ACT_IN_ROOT;
                        if (res & RESOLVE_BENEATH)
                                r |= ACT_BENEATH;
                        if (res & RESOLVE_NO_SYMLINKS)
                                r |= ACT_NO_SYMLINKS | ACT_NO_MAGICLINKS;
                        if (res & RESOLVE_NO_MAGICLINKS)
                                r |= ACT_NO_MAGICLINKS;
                }
                return r;
        }
        /* Calls that change the last name itself. */
        case __NR_unlink:
        case __NR_unlinkat:
        case __NR_rmdir:
        case __NR_rename:
        case __NR_renameat:
        case __NR_renameat2:
        case __NR_symlink:
        case __NR_symlinkat:
        case __NR_mkdir:
        case __NR_mkdirat:
        case __NR_mknod:
        case __NR_mknodat:
                return ACT_NOFOLLOW | ACT_NAME;
        /* Calls that act on a trailing symlink itself. */
        case __NR_lstat:
        case __NR_lchown:
        case __NR_readlink:
        case __NR_readlinkat:
        case __NR_lsetxattr:
        case __NR_lgetxattr:
        case __NR_llistxattr:
        case __NR_lremovexattr:
                return ACT_NOFOLLOW;
        case __NR_link:
                return ACT_NOFOLLOW | (path_index == 1 ? ACT_NAME : 0);
        case __NR_linkat:
                /* The new name is never followed; the old one with AT_SYMLINK_FOLLOW. */
                if (path_index == 1)
                        r |= ACT_NOFOLLOW | ACT_NAME;
                else if (!(flags & AT_SYMLINK_FOLLOW))
                        r |= ACT_NOFOLLOW;
                return r | ((flags & AT_EMPTY_PATH) && path_index == 0 ? ACT_EMPTY_PATH : 0);
        case __NR_fanotify_mark:
                /* A NULL path marks the dirfd (or the cwd) itself. */
                return call->args[4] == 0 ? ACT_EMPTY_PATH : 0;
        case __NR_utimensat:
                /* A NULL path is the descriptor itself (decoded as ""). */
                return (flags & AT_SYMLINK_NOFOLLOW ? ACT_NOFOLLOW : 0) |
                       (flags & AT_EMPTY_PATH || call->args[1] == 0 ? ACT_EMPTY_PATH : 0);
        case __NR_name_to_handle_at:
                return (flags & AT_SYMLINK_FOLLOW ? 0 : ACT_NOFOLLOW) |
                       (flags & AT_EMPTY_PATH ? ACT_EMPTY_PATH : 0);
        default:
                if (flags & AT_SYMLINK_NOFOLLOW)
                        r |= ACT_NOFOLLOW;
                if (flags & AT_EMPTY_PATH)
                        r |= ACT_EMPTY_PATH;
                return r;
        }
}

bool act_performs(int nr)
{
        switch (nr) {
        case __NR_open:
        case __NR_openat:
        case __NR_openat2:
        case __NR_creat:
        case __NR_mkdir:
        case __NR_mkdirat:
        case __NR_mknod:
        case __NR_mknodat:
        case __NR_unlink:
        case __NR_unlinkat:
        case __NR_rmdir:
        case __NR_rename:
        case __NR_renameat:
        case __NR_renameat2:
        case __NR_link:
        case __NR_linkat:
        case __NR_symlink:
        case __NR_symlinkat:
        case __NR_chmod:
        case __NR_fchmodat:
        case __NR_fchmodat2:
        case __NR_chown:
        case __NR_lchown:
        case __NR_fchownat:
        case __NR_truncate:
        case __NR_utimensat:
                return true;
        default:
                return false;
        }
}

/* Whether the call may create a file, and so needs the caller's umask. */
static bool creates(const struct policy_call *call)
{
        switch (call->nr) {
        case __NR_open:
        case __NR_openat:
        case __NR_openat2:
        case __NR_creat:
                return (call->open_flags & O_CREAT) || (call->open_flags & O_TMPFILE) == O_TMPFILE;
        case __NR_mkdir:
        case __NR_mkdirat:
        case __NR_mknod:
        case __NR_mknodat:
                return true;
        default:
                return false;
        }
}

/* The directory descriptor argument of path i of the call. */
static int path_dirfd(const struct policy_call *call, unsigned i)
{
        const struct syscall_desc *desc = syscall_desc_get(call->nr);

        if (!desc || i >= desc->n_paths || desc->paths[i].dirfd_index < 0)
                return AT_FDCWD;
        return arg_int(call->args[desc->paths[i].dirfd_index]);
}

int act_resolve_call(struct act_view *v, const struct policy_call *call, unsigned i,
                     struct act_resolved *ret)
{
        if (!call->raw_paths[i]) {
                *ret = (struct act_resolved)ACT_RESOLVED_INIT;
                ret->error = EFAULT;
                return 0;
        }
        return act_resolve(v, path_dirfd(call, i), call->raw_paths[i], act_lookup_flags(call, i),
                           ret);
}

/* "/proc/self/fd/N": reopening what an O_PATH descriptor holds. */
static void fd_path(int fd, char buf[static 64])
{
        snprintf(buf, 64, "/proc/self/fd/%d", fd);
}

static void answer_error(struct act_result *ret, int error)
{
        *ret = (struct act_result){.kind = ACT_ANSWER_ERROR, .error = error, .fd = -1};
}

static void answer_result(struct act_result *ret, long r)
{
        if (r < 0)
                answer_error(ret, errno);
        else
                *ret = (struct act_result){.kind = ACT_ANSWER_VALUE, .value = r, .fd = -1};
}

/* /dev/tty: the opener's own controlling terminal, whoever opens it. */
#define DEV_TTY_MAJOR 5
#define DEV_TTY_MINOR 0

/* The caller's controlling terminal (tty_nr of /proc/TID/stat), or 0. */
static dev_t controlling_tty(pid_t tid)
{
        char path[64], buf[1024];
        unsigned long long tty = 0;
        ssize_t n;
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        /* The name in parentheses can hold anything: count from the last ')'. */
        const char *p = strrchr(buf, ')');
        if (!p || sscanf(p + 1, " %*c %*d %*d %*d %llu", &tty) != 1)
                return 0;
        return (dev_t)tty;
}

/*
 * Opening /dev/tty for the caller would give it the supervisor's terminal
 * (the person's, which a pushed key could answer a prompt on). The
 * caller's own terminal is what it names: reopened through a descriptor
 * of the caller's that holds it. None: ENXIO, as for a process with no
 * controlling terminal.
 */
static int open_callers_tty(pid_t tid, int flags)
{
        dev_t tty = controlling_tty(tid);
        char path[64];
        struct stat st;

        if (tty == 0)
                return -ENXIO;
        for (int i = 0; i < 256; i++) {
                snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, i);
                if (stat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == tty) {
                        int fd = open(path, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW));
                        return fd < 0 ? -errno : fd;
                }
        }
        return -ENXIO;
}

/* What openat2 refuses with EINVAL before it looks up anything; an open
 * performed for the caller must refuse it too (openat2(2)). */
static bool open_how_valid(const struct policy_call *call)
{
        uint64_t flags = call->open_flags, mode = call->open_mode, resolve = call->open_resolve;
        bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;

        if ((flags & ~OPEN_KNOWN_FLAGS) || (resolve & ~(uint64_t)0x3f))
                return false;
        if ((resolve & RESOLVE_IN_ROOT) && (resolve & RESOLVE_BENEATH))
                return false;
        if (mode & ~(uint64_t)07777 || (mode && !creates))
                return false;
        if ((flags & O_PATH) &&
            (flags & ~(uint64_t)(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)))
                return false;
        if ((flags & O_TMPFILE) == O_TMPFILE && !(flags & (O_WRONLY | O_RDWR)))
                return false;
        return (flags & O_ACCMODE) != O_ACCMODE || !(flags & O_TMPFILE);
}

static void perform_open(const struct policy_call *call, const struct act_resolved *res,
                         bool may_block, struct act_result *ret)
{
        struct open_how how = {0};
        uint64_t flags = call->open_flags;
        struct stat st;
        char proc[64];
        int fd;

        if (!call->have_open) {
                answer_error(ret, call->nr == __NR_openat2 ? EFAULT : EINVAL);
                return;
        }
        if (call->nr == __NR_openat2 && !open_how_valid(call)) {
                answer_error(ret, EINVAL);
                return;
        }
        if (call->nr == __NR_openat2 && (call->open_resolve & RESOLVE_CACHED)) {
                /* Allowed by the kernel's contract: try again uncached. */
                answer_error(ret, EAGAIN);
                return;
        }
        if (call->nr != __NR_openat2) {
                /* open() ignores flags it does not know and mode bits
                 * beyond 07777, where openat2 refuses them: as open. */
                flags &= OPEN_KNOWN_FLAGS;
                if (flags & O_PATH)
                        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        }
        if (!may_block && res->dir_fd >= 0 && res->exists && S_ISFIFO(res->type) &&
            !(flags & (O_NONBLOCK | O_PATH))) {
                *ret = (struct act_result){.kind = ACT_ANSWER_BLOCKS, .fd = -1};
                return;
        }
        /* A terminal we open must never become our controlling one. */
        how.flags = flags | O_CLOEXEC | O_NOCTTY;
        if (res->dir_fd >= 0 && res->exists && S_ISCHR(res->type) &&
            res->rdev == makedev(DEV_TTY_MAJOR, DEV_TTY_MINOR) && !(flags & O_PATH)) {
                fd = open_callers_tty(call->pid, (int)how.flags);
                if (fd < 0)
                        answer_error(ret, -fd);
                else
                        *ret = (struct act_result){
                            .kind = ACT_ANSWER_FD, .fd = fd, .cloexec = (flags & O_CLOEXEC) != 0};
                return;
        }
        /* openat2 refuses a mode without a file to create it for. */
        if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
                how.mode = call->nr == __NR_openat2 ? call->open_mode : call->open_mode & 07777;
        if (res->dir_fd >= 0) {
                /* One name in a directory we hold: nothing left to follow.
                 * A symlink swapped in since we looked fails with ELOOP. */
                how.flags |= O_NOFOLLOW;
                how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS;
                fd = (int)syscall(SYS_openat2, res->dir_fd, res->last, &how, sizeof(how));
        } else if ((flags & O_CREAT) && (flags & O_EXCL)) {
                answer_error(ret, EEXIST);
                return;
        } else if (flags & O_PATH) {
                fd = fcntl(res->obj_fd, F_DUPFD_CLOEXEC, 3);
        } else if (fstat(res->obj_fd, &st) == 0 && S_ISCHR(st.st_mode) &&
                   st.st_rdev == makedev(DEV_TTY_MAJOR, DEV_TTY_MINOR)) {
                fd = open_callers_tty(call->pid, (int)how.flags);
                if (fd < 0) {
                        errno = -fd;
                        fd = -1;
                }
        } else {
                /* A directory or the object of a /proc link: reopened
                 * through our own descriptor, the same file. */
                fd_path(res->obj_fd, proc);
                fd = open(proc, (int)(how.flags & ~(uint64_t)O_NOFOLLOW), (mode_t)how.mode);
        }
        if (fd < 0) {
                answer_error(ret, errno);
                return;
        }
        *ret = (struct act_result){
            .kind = ACT_ANSWER_FD, .fd = fd, .cloexec = (flags & O_CLOEXEC) != 0};
}

/* (dirfd, name) to act on for a call that changes a name: the object's
 * directory and last component. A path that ended in a directory itself
 * ("/", "..") has no name to change there. */
static int name_of_res(const struct act_resolved *res, int *ret_dir, const char **ret_name)
{
        if (res->dir_fd < 0)
                return EBUSY;
        *ret_dir = res->dir_fd;
        *ret_name = res->last;
        return 0;
}

static void perform_change(const struct policy_call *call, const struct act_resolved res[],
                           const struct act_reader *reader, struct act_result *ret)
{
        const char *name = NULL, *name2 = NULL;
        int dir = -1, dir2 = -1, e;
        char proc[64];
        long r;

        switch (call->nr) {
        case __NR_chmod:
        case __NR_fchmodat:
        case __NR_fchmodat2:
        case __NR_chown:
        case __NR_lchown:
        case __NR_fchownat:
        case __NR_truncate:
        case __NR_utimensat:
                /* These act on the object: an O_PATH descriptor of it. */
                break;
        default:
                e = name_of_res(&res[0], &dir, &name);
                if (e == 0 && call->n_paths > 1)
                        e = name_of_res(&res[1], &dir2, &name2);
                else if (e == 0)
                        name2 = ""; /* the one-path calls never read it */
                if (e) {
                        answer_error(ret, e);
                        return;
                }
        }

        switch (call->nr) {
        case __NR_mkdir:
                r = mkdirat(dir, name, (mode_t)call->args[1]);
                break;
        case __NR_mkdirat:
                r = mkdirat(dir, name, (mode_t)call->args[2]);
                break;
        case __NR_mknod:
                r = mknodat(dir, name, (mode_t)call->args[1], (dev_t)(uint32_t)call->args[2]);
                break;
        case __NR_mknodat:
                r = mknodat(dir, name, (mode_t)call->args[2], (dev_t)(uint32_t)call->args[3]);
                break;
        case __NR_unlink:
                r = unlinkat(dir, name, 0);
                break;
        case __NR_rmdir:
                r = unlinkat(dir, name, AT_REMOVEDIR);
                break;
        case __NR_unlinkat:
                r = unlinkat(dir, name, arg_int(call->args[2]));
                break;
        case __NR_rename:
        case __NR_renameat:
                r = renameat(dir, name, dir2, name2);
                break;
        case __NR_renameat2:
                r = syscall(SYS_renameat2, dir, name, dir2, name2, (unsigned)call->args[4]);
                break;
        case __NR_link:
                r = linkat(dir, name, dir2, name2, 0);
                break;
        case __NR_linkat:
                /* The old name was followed already if AT_SYMLINK_FOLLOW
                 * asked; AT_EMPTY_PATH is a descriptor, not a name. */
                if (res[0].dir_fd < 0) {
                        r = -1;
                        errno = EINVAL;
                } else {
                        r = linkat(dir, name, dir2, name2, 0);
                }
                break;
        case __NR_symlink:
        case __NR_symlinkat: {
                char target[PATH_MAX];
                int rr = reader->string(call->pid, call->args[0], target, sizeof(target));
                if (rr < 0) {
                        answer_error(ret, rr == -ENAMETOOLONG ? ENAMETOOLONG : EFAULT);
                        return;
                }
                r = symlinkat(target, dir, name);
                break;
        }
        case __NR_chmod:
        case __NR_fchmodat:
        case __NR_fchmodat2: {
                mode_t mode = (mode_t)call->args[call->nr == __NR_chmod ? 1 : 2];
                int fd = res[0].obj_fd;
                bool own = false;
                if (res[0].dir_fd >= 0) {
                        fd = openat(res[0].dir_fd, res[0].last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                        own = true;
                }
                if (fd < 0) {
                        r = -1;
                        break;
                }
                /* chmod follows: what we hold is what was resolved. A
                 * symlink here is one the call did not follow
                 * (fchmodat2 AT_SYMLINK_NOFOLLOW), which Linux refuses. */
                struct stat st;
                if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
                        r = -1;
                        errno = EOPNOTSUPP;
                } else {
                        fd_path(fd, proc);
                        r = chmod(proc, mode);
                }
                if (own)
                        close(fd);
                break;
        }
        case __NR_chown:
        case __NR_lchown:
        case __NR_fchownat: {
                int off = call->nr == __NR_fchownat ? 2 : 1;
                uid_t uid = (uid_t)call->args[off];
                gid_t gid = (gid_t)call->args[off + 1];
                if (res[0].dir_fd >= 0)
                        r = fchownat(res[0].dir_fd, res[0].last, uid, gid, AT_SYMLINK_NOFOLLOW);
                else
                        r = fchownat(res[0].obj_fd, "", uid, gid, AT_EMPTY_PATH);
                break;
        }
        case __NR_truncate: {
                int fd;
                if (res[0].dir_fd >= 0) {
                        fd = openat(res[0].dir_fd, res[0].last,
                                    O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
                } else {
                        fd_path(res[0].obj_fd, proc);
                        fd = open(proc, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
                }
                if (fd < 0) {
                        r = -1;
                        break;
                }
                r = ftruncate(fd, (off_t)call->args[1]);
                e = errno;
                close(fd);
                errno = e;
                break;
        }
        case __NR_utimensat: {
                /* Two timespecs or NULL (now), read once. */
                struct timespec ts[2];
                const struct timespec *times = NULL;
                if (call->args[2]) {
                        if (reader->memory(call->pid, call->args[2], ts, sizeof(ts)) < 0) {
                                answer_error(ret, EFAULT);
                                return;
                        }
                        times = ts;
                }
                if (res[0].dir_fd >= 0) {
                        r = utimensat(res[0].dir_fd, res[0].last, times, AT_SYMLINK_NOFOLLOW);
                } else {
                        fd_path(res[0].obj_fd, proc);
                        r = utimensat(AT_FDCWD, proc, times, 0);
                }
                break;
        }
        default:
                answer_error(ret, ENOSYS);
                return;
        }
        answer_result(ret, r);
}

int act_perform(const struct policy_call *call, struct act_resolved decided[], bool root_is_ours,
                bool may_block, bool own_command, const struct act_reader *reader,
                struct act_result *ret)
{
        struct act_resolved again[POLICY_CALL_MAX_PATHS];
        struct act_resolved *res = decided;
        struct act_saved_creds saved;
        struct act_creds *creds = NULL;
        struct act_view view = {.root_fd = -1};
        bool need_umask = creates(call);
        int r;

        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++)
                again[i] = (struct act_resolved)ACT_RESOLVED_INIT;
        *ret = (struct act_result){.kind = ACT_ANSWER_CONTINUE, .fd = -1};
        if (call->arch != AUDIT_ARCH_X86_64 || (call->nr & __X32_SYSCALL_BIT) ||
            !call->have_paths || call->n_paths == 0) {
                answer_error(ret, EPERM);
                return 0;
        }

        creds = malloc(sizeof(*creds));
        if (!creds)
                return -ENOMEM;
        if (own_command && !need_umask && act_creds_we_are_unprivileged()) {
                /* Nothing to take on: the caller has our rights or fewer,
                 * and fewer only through capabilities nobody here has. */
                saved = (struct act_saved_creds){0};
        } else {
                r = act_creds_read(call->pid, creds);
                if (r < 0)
                        goto out;
                r = act_creds_enter(creds, need_umask, &saved);
                if (r < 0)
                        goto out;
        }

        if (!res || saved.entered) {
                /* Looked up again as the caller: the kernel checks its
                 * search permissions on the way. What is found must carry
                 * the names the decision was made on. */
                res = again;
                r = act_view_open(&view, call->pid, root_is_ours);
                for (unsigned i = 0; r == 0 && i < call->n_paths; i++) {
                        r = act_resolve_call(&view, call, i, &res[i]);
                        const char *want = call->paths[i];
                        const char *got = res[i].named ? res[i].name : NULL;
                        if (r == 0 && res[i].error == 0 &&
                            !(want == got || (want && got && strcmp(want, got) == 0)))
                                res[i].error = EAGAIN; /* changed since the decision */
                }
                if (r < 0) {
                        act_creds_leave(&saved);
                        goto out;
                }
        }

        for (unsigned i = 0; i < call->n_paths; i++) {
                if (res[i].error) {
                        act_creds_leave(&saved);
                        answer_error(ret, res[i].error);
                        r = 0;
                        goto out;
                }
        }
        if (policy_is_open_call(call->nr))
                perform_open(call, &res[0], may_block, ret);
        else
                perform_change(call, res, reader, ret);
        act_creds_leave(&saved);
        r = 0;
out:
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++)
                act_resolved_clear(&again[i]);
        act_view_close(&view);
        free(creds);
        return r;
}
