/* SPDX-License-Identifier: MIT */
/* policy/syscall_args.c: what a syscall's arguments mean, for logs and prompts. */
#include "syscall_args.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

/*
 * Syscalls newer than the installed kernel headers. The numbers are the
 * x86_64 ones from the kernel's syscall table; they never change once
 * released.
 */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452 /* Linux 6.6 */
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463 /* Linux 6.13 */
#endif
#ifndef __NR_getxattrat
#define __NR_getxattrat 464
#endif
#ifndef __NR_listxattrat
#define __NR_listxattrat 465
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467 /* Linux 6.15 */
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr 468 /* Linux 6.17 */
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr 469
#endif

#define SYS(sym, n, ...)      .nr = __NR_##sym, .name = #sym, .nargs = (n), .kinds = {__VA_ARGS__}
#define NO_PATHS              .paths = {{-1, -1}, {-1, -1}}, .n_paths = 0
#define PATH1(p, d)           .paths = {{(p), (d)}, {-1, -1}}, .n_paths = 1
#define PATH2(p0, d0, p1, d1) .paths = {{(p0), (d0)}, {(p1), (d1)}}, .n_paths = 2
#define NO_SOCKADDR           .sockaddr_index = -1, .socklen_index = -1
#define SOCKADDR(a, l)        .sockaddr_index = (a), .socklen_index = (l)

/*
 * Ordered by syscall number so that syscall_desc_get() can bisect; the unit
 * test checks the order and that every name maps to its number in libseccomp.
 *
 * Deliberate choices:
 * - execve's envp is ARG_PTR, not ARG_STRING_ARRAY: environments carry
 *   tokens and passwords, and nothing here should invite showing them.
 * - symlink's target is ARG_STRING: the kernel stores it verbatim and only
 *   resolves it later, relative to the link, so it is not a path we match.
 * - mount's source is ARG_STRING: it is a device, a directory, or a name
 *   such as "proc" or "tmpfs" depending on the filesystem type, so only the
 *   target (the mount point) is matched as a path.
 * - utimensat and fanotify_mark accept a NULL path meaning "the dirfd
 *   itself"; that is handled where the path is read, not in this table.
 * - sendmsg/sendmmsg carry their destination inside struct msghdr: the
 *   table says only that they take one; core/target.c reads it.
 * - Every argument has the kind of its type in the call's SYSCALL_DEFINE,
 *   since kinds[] also says how many bits the kernel reads (the header):
 *   a size_t or unsigned long is ARG_LONG even where it is only shown.
 * - Where the kernel writes an address (accept, recvfrom, getsockname), it
 *   is an ARG_PTR: there is nothing in it to match before the call.
 */
static const struct syscall_desc syscall_table[] = {
    {SYS(open, 3, ARG_PATH, ARG_OPEN_FLAGS, ARG_MODE), PATH1(0, -1), NO_SOCKADDR},
    {SYS(stat, 2, ARG_PATH, ARG_PTR), PATH1(0, -1), NO_SOCKADDR},
    {SYS(lstat, 2, ARG_PATH, ARG_PTR), PATH1(0, -1), NO_SOCKADDR},
    {SYS(ioctl, 3, ARG_FD, ARG_IOCTL_REQ, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    {SYS(access, 2, ARG_PATH, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(dup, 1, ARG_FD), NO_PATHS, NO_SOCKADDR},
    {SYS(dup2, 2, ARG_FD, ARG_FD), NO_PATHS, NO_SOCKADDR},
    {SYS(socket, 3, ARG_SOCKET_FAMILY, ARG_SOCKET_TYPE, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(connect, 3, ARG_FD, ARG_SOCKADDR, ARG_SOCKLEN), NO_PATHS, SOCKADDR(1, 2)},
    /* accept's address is where the peer's is written, not one to match. */
    {SYS(accept, 3, ARG_FD, ARG_PTR, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    {SYS(sendto, 6, ARG_FD, ARG_PTR, ARG_LONG, ARG_INT, ARG_SOCKADDR, ARG_SOCKLEN), NO_PATHS,
     SOCKADDR(4, 5)},
    {SYS(recvfrom, 6, ARG_FD, ARG_PTR, ARG_LONG, ARG_INT, ARG_PTR, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    /* The destination is msg_name inside the struct msghdr (core/target.c). */
    {SYS(sendmsg, 3, ARG_FD, ARG_PTR, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(shutdown, 2, ARG_FD, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(bind, 3, ARG_FD, ARG_SOCKADDR, ARG_SOCKLEN), NO_PATHS, SOCKADDR(1, 2)},
    {SYS(listen, 2, ARG_FD, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(getsockname, 3, ARG_FD, ARG_PTR, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    {SYS(getpeername, 3, ARG_FD, ARG_PTR, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    {SYS(socketpair, 4, ARG_SOCKET_FAMILY, ARG_SOCKET_TYPE, ARG_INT, ARG_PTR), NO_PATHS,
     NO_SOCKADDR},
    {SYS(setsockopt, 5, ARG_FD, ARG_INT, ARG_INT, ARG_PTR, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(getsockopt, 5, ARG_FD, ARG_INT, ARG_INT, ARG_PTR, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    /* x86_64 order: flags, stack, parent_tid, child_tid, tls. */
    {SYS(clone, 5, ARG_CLONE_FLAGS, ARG_PTR, ARG_PTR, ARG_PTR, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    {SYS(execve, 3, ARG_PATH, ARG_STRING_ARRAY, ARG_PTR), PATH1(0, -1), NO_SOCKADDR},
    {SYS(kill, 2, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(fcntl, 3, ARG_FD, ARG_INT, ARG_LONG), NO_PATHS, NO_SOCKADDR},
    {SYS(truncate, 2, ARG_PATH, ARG_LONG), PATH1(0, -1), NO_SOCKADDR},
    {SYS(chdir, 1, ARG_PATH), PATH1(0, -1), NO_SOCKADDR},
    {SYS(rename, 2, ARG_PATH, ARG_PATH), PATH2(0, -1, 1, -1), NO_SOCKADDR},
    {SYS(mkdir, 2, ARG_PATH, ARG_MODE), PATH1(0, -1), NO_SOCKADDR},
    {SYS(rmdir, 1, ARG_PATH), PATH1(0, -1), NO_SOCKADDR},
    {SYS(creat, 2, ARG_PATH, ARG_MODE), PATH1(0, -1), NO_SOCKADDR},
    {SYS(link, 2, ARG_PATH, ARG_PATH), PATH2(0, -1, 1, -1), NO_SOCKADDR},
    {SYS(unlink, 1, ARG_PATH), PATH1(0, -1), NO_SOCKADDR},
    {SYS(symlink, 2, ARG_STRING, ARG_PATH), PATH1(1, -1), NO_SOCKADDR},
    {SYS(readlink, 3, ARG_PATH, ARG_PTR, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(chmod, 2, ARG_PATH, ARG_MODE), PATH1(0, -1), NO_SOCKADDR},
    {SYS(fchmod, 2, ARG_FD, ARG_MODE), NO_PATHS, NO_SOCKADDR},
    {SYS(chown, 3, ARG_PATH, ARG_INT, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(fchown, 3, ARG_FD, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(lchown, 3, ARG_PATH, ARG_INT, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(umask, 1, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setuid, 1, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setgid, 1, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setreuid, 2, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setregid, 2, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setresuid, 3, ARG_INT, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setresgid, 3, ARG_INT, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setfsuid, 1, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setfsgid, 1, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(utime, 2, ARG_PATH, ARG_PTR), PATH1(0, -1), NO_SOCKADDR},
    {SYS(mknod, 3, ARG_PATH, ARG_MODE, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(uselib, 1, ARG_PATH), PATH1(0, -1), NO_SOCKADDR},
    {SYS(personality, 1, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(statfs, 2, ARG_PATH, ARG_PTR), PATH1(0, -1), NO_SOCKADDR},
    {SYS(pivot_root, 2, ARG_PATH, ARG_PATH), PATH2(0, -1, 1, -1), NO_SOCKADDR},
    {SYS(prctl, 5, ARG_PRCTL_OPTION, ARG_LONG, ARG_LONG, ARG_LONG, ARG_LONG), NO_PATHS,
     NO_SOCKADDR},
    {SYS(chroot, 1, ARG_PATH), PATH1(0, -1), NO_SOCKADDR},
    {SYS(acct, 1, ARG_PATH), PATH1(0, -1), NO_SOCKADDR},
    {SYS(mount, 5, ARG_STRING, ARG_PATH, ARG_STRING, ARG_MOUNT_FLAGS, ARG_PTR), PATH1(1, -1),
     NO_SOCKADDR},
    {SYS(umount2, 2, ARG_PATH, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(swapon, 2, ARG_PATH, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(swapoff, 1, ARG_PATH), PATH1(0, -1), NO_SOCKADDR},
    /* The special file is a block device path, or NULL for some commands. */
    {SYS(quotactl, 4, ARG_INT, ARG_PATH, ARG_INT, ARG_PTR), PATH1(1, -1), NO_SOCKADDR},
    {SYS(setxattr, 5, ARG_PATH, ARG_STRING, ARG_PTR, ARG_LONG, ARG_INT), PATH1(0, -1), NO_SOCKADDR},
    {SYS(lsetxattr, 5, ARG_PATH, ARG_STRING, ARG_PTR, ARG_LONG, ARG_INT), PATH1(0, -1),
     NO_SOCKADDR},
    {SYS(getxattr, 4, ARG_PATH, ARG_STRING, ARG_PTR, ARG_LONG), PATH1(0, -1), NO_SOCKADDR},
    {SYS(lgetxattr, 4, ARG_PATH, ARG_STRING, ARG_PTR, ARG_LONG), PATH1(0, -1), NO_SOCKADDR},
    {SYS(listxattr, 3, ARG_PATH, ARG_PTR, ARG_LONG), PATH1(0, -1), NO_SOCKADDR},
    {SYS(llistxattr, 3, ARG_PATH, ARG_PTR, ARG_LONG), PATH1(0, -1), NO_SOCKADDR},
    {SYS(removexattr, 2, ARG_PATH, ARG_STRING), PATH1(0, -1), NO_SOCKADDR},
    {SYS(lremovexattr, 2, ARG_PATH, ARG_STRING), PATH1(0, -1), NO_SOCKADDR},
    {SYS(tkill, 2, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(tgkill, 3, ARG_INT, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(utimes, 2, ARG_PATH, ARG_PTR), PATH1(0, -1), NO_SOCKADDR},
    {SYS(inotify_add_watch, 3, ARG_FD, ARG_PATH, ARG_INT), PATH1(1, -1), NO_SOCKADDR},
    {SYS(openat, 4, ARG_DIRFD, ARG_PATH, ARG_OPEN_FLAGS, ARG_MODE), PATH1(1, 0), NO_SOCKADDR},
    {SYS(mkdirat, 3, ARG_DIRFD, ARG_PATH, ARG_MODE), PATH1(1, 0), NO_SOCKADDR},
    {SYS(mknodat, 4, ARG_DIRFD, ARG_PATH, ARG_MODE, ARG_INT), PATH1(1, 0), NO_SOCKADDR},
    {SYS(fchownat, 5, ARG_DIRFD, ARG_PATH, ARG_INT, ARG_INT, ARG_AT_FLAGS), PATH1(1, 0),
     NO_SOCKADDR},
    {SYS(futimesat, 3, ARG_DIRFD, ARG_PATH, ARG_PTR), PATH1(1, 0), NO_SOCKADDR},
    {SYS(newfstatat, 4, ARG_DIRFD, ARG_PATH, ARG_PTR, ARG_AT_FLAGS), PATH1(1, 0), NO_SOCKADDR},
    {SYS(unlinkat, 3, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS), PATH1(1, 0), NO_SOCKADDR},
    {SYS(renameat, 4, ARG_DIRFD, ARG_PATH, ARG_DIRFD, ARG_PATH), PATH2(1, 0, 3, 2), NO_SOCKADDR},
    {SYS(linkat, 5, ARG_DIRFD, ARG_PATH, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS), PATH2(1, 0, 3, 2),
     NO_SOCKADDR},
    {SYS(symlinkat, 3, ARG_STRING, ARG_DIRFD, ARG_PATH), PATH1(2, 1), NO_SOCKADDR},
    {SYS(readlinkat, 4, ARG_DIRFD, ARG_PATH, ARG_PTR, ARG_INT), PATH1(1, 0), NO_SOCKADDR},
    /* The kernel's fchmodat has no flags argument; glibc emulates one. */
    {SYS(fchmodat, 3, ARG_DIRFD, ARG_PATH, ARG_MODE), PATH1(1, 0), NO_SOCKADDR},
    /* Likewise faccessat: flags arrived with faccessat2. */
    {SYS(faccessat, 3, ARG_DIRFD, ARG_PATH, ARG_INT), PATH1(1, 0), NO_SOCKADDR},
    {SYS(utimensat, 4, ARG_DIRFD, ARG_PATH, ARG_PTR, ARG_AT_FLAGS), PATH1(1, 0), NO_SOCKADDR},
    {SYS(accept4, 4, ARG_FD, ARG_PTR, ARG_PTR, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(dup3, 3, ARG_FD, ARG_FD, ARG_INT), NO_PATHS, NO_SOCKADDR},
    /* x86_64 passes the 64-bit mask in one register: fd, flags, mask, dirfd, path. */
    {SYS(fanotify_mark, 5, ARG_FD, ARG_INT, ARG_LONG, ARG_DIRFD, ARG_PATH), PATH1(4, 3),
     NO_SOCKADDR},
    {SYS(name_to_handle_at, 5, ARG_DIRFD, ARG_PATH, ARG_PTR, ARG_PTR, ARG_AT_FLAGS), PATH1(1, 0),
     NO_SOCKADDR},
    /* One msg_name per struct mmsghdr of the vector (core/target.c). */
    {SYS(sendmmsg, 4, ARG_FD, ARG_PTR, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(setns, 2, ARG_FD, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(renameat2, 5, ARG_DIRFD, ARG_PATH, ARG_DIRFD, ARG_PATH, ARG_INT), PATH2(1, 0, 3, 2),
     NO_SOCKADDR},
    {SYS(seccomp, 3, ARG_INT, ARG_INT, ARG_PTR), NO_PATHS, NO_SOCKADDR},
    {SYS(memfd_create, 2, ARG_STRING, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(bpf, 3, ARG_INT, ARG_PTR, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(execveat, 5, ARG_DIRFD, ARG_PATH, ARG_STRING_ARRAY, ARG_PTR, ARG_AT_FLAGS), PATH1(1, 0),
     NO_SOCKADDR},
    {SYS(statx, 5, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS, ARG_INT, ARG_PTR), PATH1(1, 0), NO_SOCKADDR},
    {SYS(pidfd_send_signal, 4, ARG_FD, ARG_INT, ARG_PTR, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(open_tree, 3, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS), PATH1(1, 0), NO_SOCKADDR},
    {SYS(move_mount, 5, ARG_DIRFD, ARG_PATH, ARG_DIRFD, ARG_PATH, ARG_INT), PATH2(1, 0, 3, 2),
     NO_SOCKADDR},
    {SYS(fsopen, 2, ARG_STRING, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(fspick, 3, ARG_DIRFD, ARG_PATH, ARG_INT), PATH1(1, 0), NO_SOCKADDR},
    {SYS(pidfd_open, 2, ARG_INT, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(openat2, 4, ARG_DIRFD, ARG_PATH, ARG_OPEN_HOW, ARG_LONG), PATH1(1, 0), NO_SOCKADDR},
    {SYS(pidfd_getfd, 3, ARG_FD, ARG_FD, ARG_INT), NO_PATHS, NO_SOCKADDR},
    {SYS(faccessat2, 4, ARG_DIRFD, ARG_PATH, ARG_INT, ARG_AT_FLAGS), PATH1(1, 0), NO_SOCKADDR},
    {SYS(mount_setattr, 5, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS, ARG_PTR, ARG_LONG), PATH1(1, 0),
     NO_SOCKADDR},
    {SYS(fchmodat2, 4, ARG_DIRFD, ARG_PATH, ARG_MODE, ARG_AT_FLAGS), PATH1(1, 0), NO_SOCKADDR},
    {SYS(setxattrat, 6, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS, ARG_STRING, ARG_PTR, ARG_LONG),
     PATH1(1, 0), NO_SOCKADDR},
    {SYS(getxattrat, 6, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS, ARG_STRING, ARG_PTR, ARG_LONG),
     PATH1(1, 0), NO_SOCKADDR},
    {SYS(listxattrat, 5, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS, ARG_PTR, ARG_LONG), PATH1(1, 0),
     NO_SOCKADDR},
    {SYS(removexattrat, 4, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS, ARG_STRING), PATH1(1, 0),
     NO_SOCKADDR},
    {SYS(open_tree_attr, 5, ARG_DIRFD, ARG_PATH, ARG_AT_FLAGS, ARG_PTR, ARG_LONG), PATH1(1, 0),
     NO_SOCKADDR},
    {SYS(file_getattr, 5, ARG_DIRFD, ARG_PATH, ARG_PTR, ARG_LONG, ARG_AT_FLAGS), PATH1(1, 0),
     NO_SOCKADDR},
    {SYS(file_setattr, 5, ARG_DIRFD, ARG_PATH, ARG_PTR, ARG_LONG, ARG_AT_FLAGS), PATH1(1, 0),
     NO_SOCKADDR},
};

#define TABLE_SIZE (sizeof(syscall_table) / sizeof(syscall_table[0]))

const struct syscall_desc *syscall_desc_get(int nr)
{
        size_t lo = 0, hi = TABLE_SIZE;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (syscall_table[mid].nr == nr)
                        return &syscall_table[mid];
                if (syscall_table[mid].nr < nr)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

bool syscall_names_peer(int nr)
{
        return nr == __NR_connect || nr == __NR_bind || nr == __NR_sendto || nr == __NR_sendmsg ||
               nr == __NR_sendmmsg;
}

bool syscall_takes_path(int nr)
{
        const struct syscall_desc *desc = syscall_desc_get(nr);
        return desc && desc->n_paths > 0;
}

const struct syscall_desc *syscall_desc_table(size_t *ret_count)
{
        *ret_count = TABLE_SIZE;
        return syscall_table;
}

unsigned syscall_arg_kind_width(enum arg_kind kind)
{
        switch (kind) {
        case ARG_MODE:
                return 16;
        case ARG_INT:
        case ARG_FD:
        case ARG_DIRFD:
        case ARG_SOCKLEN:
        case ARG_OPEN_FLAGS:
        case ARG_SOCKET_FAMILY:
        case ARG_SOCKET_TYPE:
        case ARG_IOCTL_REQ:
        case ARG_PRCTL_OPTION:
        case ARG_AT_FLAGS:
                return 32;
        case ARG_PATH:
        case ARG_SOCKADDR:
        case ARG_PTR:
        case ARG_STRING_ARRAY:
        case ARG_CLONE_FLAGS:
        case ARG_OPEN_HOW:
        case ARG_MOUNT_FLAGS:
        case ARG_STRING:
        case ARG_LONG:
                return 64;
        }
        return 64;
}

unsigned syscall_arg_width(int nr, unsigned index)
{
        const struct syscall_desc *desc = syscall_desc_get(nr);

        if (!desc || index >= desc->nargs || index >= 6)
                return 64;
        return syscall_arg_kind_width((enum arg_kind)desc->kinds[index]);
}

uint64_t syscall_arg_mask(int nr, unsigned index)
{
        unsigned width = syscall_arg_width(nr, index);

        return width >= 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1;
}

/*
 * A bounded writer: appends what fits, always keeps buf terminated, and
 * remembers whether anything was cut off.
 */
struct out {
        char *buf;
        size_t size;
        size_t len;
        unsigned items; /* flag names written so far, to place the '|' */
        bool truncated;
};

static void out_init(struct out *o, char *buf, size_t size)
{
        *o = (struct out){.buf = buf, .size = size};
        if (size > 0)
                buf[0] = '\0';
        else
                o->truncated = true;
}

static void out_append(struct out *o, const char *s)
{
        size_t n = strlen(s);
        size_t room;

        if (o->size == 0)
                return;
        room = o->size - 1 - o->len;
        if (n > room) {
                n = room;
                o->truncated = true;
        }
        memcpy(o->buf + o->len, s, n);
        o->len += n;
        o->buf[o->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void out_printf(struct out *o, const char *fmt, ...)
{
        char tmp[64];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        out_append(o, tmp);
}

/* Starts the next item of a '|'-separated list. */
static void out_item(struct out *o)
{
        if (o->items++ > 0)
                out_append(o, "|");
}

static int out_finish(const struct out *o)
{
        return o->truncated ? -ENOSPC : 0;
}

struct flag_name {
        uint64_t value;
        const char *name;
};

/*
 * Appends the names of the flags set in *flags, clearing their bits. An
 * entry matches only when all of its bits are set, so composite flags
 * (O_SYNC contains O_DSYNC) must come before their parts.
 */
static void out_flags(struct out *o, uint64_t *flags, const struct flag_name *names, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (names[i].value != 0 && (*flags & names[i].value) == names[i].value) {
                        out_item(o);
                        out_append(o, names[i].name);
                        *flags &= ~names[i].value;
                }
        }
}

static void out_rest_hex(struct out *o, uint64_t rest)
{
        if (rest != 0) {
                out_item(o);
                out_printf(o, "%#" PRIx64, rest);
        }
}

/*
 * x86_64 kernel values. glibc defines O_LARGEFILE as 0 on 64-bit targets
 * because it never needs to pass it, but a caller may still set the
 * kernel's bit, so the kernel value is spelled out.
 */
#define KERNEL_O_LARGEFILE 0100000

static const struct flag_name open_flag_names[] = {
    {O_CREAT, "O_CREAT"},         {O_EXCL, "O_EXCL"},
    {O_NOCTTY, "O_NOCTTY"},       {O_TRUNC, "O_TRUNC"},
    {O_APPEND, "O_APPEND"},       {O_NONBLOCK, "O_NONBLOCK"},
    {O_SYNC, "O_SYNC"}, /* before O_DSYNC, which it contains */
    {O_DSYNC, "O_DSYNC"},         {O_ASYNC, "O_ASYNC"},
    {O_DIRECT, "O_DIRECT"},       {KERNEL_O_LARGEFILE, "O_LARGEFILE"},
    {O_TMPFILE, "O_TMPFILE"}, /* before O_DIRECTORY, which it contains */
    {O_DIRECTORY, "O_DIRECTORY"}, {O_NOFOLLOW, "O_NOFOLLOW"},
    {O_NOATIME, "O_NOATIME"},     {O_CLOEXEC, "O_CLOEXEC"},
    {O_PATH, "O_PATH"},
};

int syscall_format_open_flags(uint64_t flags, char *buf, size_t size)
{
        static const char *const access_modes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
        struct out o;

        out_init(&o, buf, size);
        out_item(&o);
        out_append(&o, access_modes[flags & O_ACCMODE]);
        flags &= ~(uint64_t)O_ACCMODE;
        out_flags(&o, &flags, open_flag_names,
                  sizeof(open_flag_names) / sizeof(open_flag_names[0]));
        out_rest_hex(&o, flags);
        return out_finish(&o);
}

int syscall_format_mode(uint64_t mode, char *buf, size_t size)
{
        struct out o;

        out_init(&o, buf, size);
        /* A leading 0 says octal, as in chmod(1) and C: 0644, 04755, 0100644. */
        out_printf(&o, "0%03" PRIo64, mode);
        return out_finish(&o);
}

static const struct flag_name socket_families[] = {
    {AF_UNSPEC, "AF_UNSPEC"},
    {AF_UNIX, "AF_UNIX"},
    {AF_INET, "AF_INET"},
    {AF_AX25, "AF_AX25"},
    {AF_IPX, "AF_IPX"},
    {AF_APPLETALK, "AF_APPLETALK"},
    {AF_NETROM, "AF_NETROM"},
    {AF_BRIDGE, "AF_BRIDGE"},
    {AF_ATMPVC, "AF_ATMPVC"},
    {AF_X25, "AF_X25"},
    {AF_INET6, "AF_INET6"},
    {AF_ROSE, "AF_ROSE"},
    {AF_DECnet, "AF_DECnet"},
    {AF_NETBEUI, "AF_NETBEUI"},
    {AF_SECURITY, "AF_SECURITY"},
    {AF_KEY, "AF_KEY"},
    {AF_NETLINK, "AF_NETLINK"},
    {AF_PACKET, "AF_PACKET"},
    {AF_ASH, "AF_ASH"},
    {AF_ECONET, "AF_ECONET"},
    {AF_ATMSVC, "AF_ATMSVC"},
    {AF_RDS, "AF_RDS"},
    {AF_SNA, "AF_SNA"},
    {AF_IRDA, "AF_IRDA"},
    {AF_PPPOX, "AF_PPPOX"},
    {AF_WANPIPE, "AF_WANPIPE"},
    {AF_LLC, "AF_LLC"},
    {AF_IB, "AF_IB"},
    {AF_MPLS, "AF_MPLS"},
    {AF_CAN, "AF_CAN"},
    {AF_TIPC, "AF_TIPC"},
    {AF_BLUETOOTH, "AF_BLUETOOTH"},
    {AF_IUCV, "AF_IUCV"},
    {AF_RXRPC, "AF_RXRPC"},
    {AF_ISDN, "AF_ISDN"},
    {AF_PHONET, "AF_PHONET"},
    {AF_IEEE802154, "AF_IEEE802154"},
    {AF_CAIF, "AF_CAIF"},
    {AF_ALG, "AF_ALG"},
    {AF_NFC, "AF_NFC"},
    {AF_VSOCK, "AF_VSOCK"},
    {AF_KCM, "AF_KCM"},
    {AF_QIPCRTR, "AF_QIPCRTR"},
    {AF_SMC, "AF_SMC"},
    {AF_XDP, "AF_XDP"},
    {AF_MCTP, "AF_MCTP"},
};

int syscall_format_socket_family(uint64_t family, char *buf, size_t size)
{
        struct out o;

        out_init(&o, buf, size);
        for (size_t i = 0; i < sizeof(socket_families) / sizeof(socket_families[0]); i++) {
                if (socket_families[i].value == family) {
                        out_append(&o, socket_families[i].name);
                        return out_finish(&o);
                }
        }
        out_printf(&o, "%" PRIu64, family);
        return out_finish(&o);
}

int syscall_format_socket_type(uint64_t type, char *buf, size_t size)
{
        /* The kernel keeps the base type in the low four bits (SOCK_TYPE_MASK). */
        static const char *const base_types[16] = {
            [SOCK_STREAM] = "SOCK_STREAM",
            [SOCK_DGRAM] = "SOCK_DGRAM",
            [SOCK_RAW] = "SOCK_RAW",
            [SOCK_RDM] = "SOCK_RDM",
            [SOCK_SEQPACKET] = "SOCK_SEQPACKET",
            [SOCK_DCCP] = "SOCK_DCCP",
            [SOCK_PACKET] = "SOCK_PACKET",
        };
        static const struct flag_name type_flags[] = {
            {SOCK_NONBLOCK, "SOCK_NONBLOCK"},
            {SOCK_CLOEXEC, "SOCK_CLOEXEC"},
        };
        unsigned base = type & 0xf;
        struct out o;

        out_init(&o, buf, size);
        out_item(&o);
        if (base_types[base] != NULL)
                out_append(&o, base_types[base]);
        else
                out_printf(&o, "%u", base);
        type &= ~(uint64_t)0xf;
        out_flags(&o, &type, type_flags, sizeof(type_flags) / sizeof(type_flags[0]));
        out_rest_hex(&o, type);
        return out_finish(&o);
}

/* Values from the kernel's uapi sched.h; glibc's <sched.h> lacks the newest. */
static const struct flag_name clone_flag_names[] = {
    {0x00000100, "CLONE_VM"},
    {0x00000200, "CLONE_FS"},
    {0x00000400, "CLONE_FILES"},
    {0x00000800, "CLONE_SIGHAND"},
    {0x00001000, "CLONE_PIDFD"},
    {0x00002000, "CLONE_PTRACE"},
    {0x00004000, "CLONE_VFORK"},
    {0x00008000, "CLONE_PARENT"},
    {0x00010000, "CLONE_THREAD"},
    {0x00020000, "CLONE_NEWNS"},
    {0x00040000, "CLONE_SYSVSEM"},
    {0x00080000, "CLONE_SETTLS"},
    {0x00100000, "CLONE_PARENT_SETTID"},
    {0x00200000, "CLONE_CHILD_CLEARTID"},
    {0x00400000, "CLONE_DETACHED"},
    {0x00800000, "CLONE_UNTRACED"},
    {0x01000000, "CLONE_CHILD_SETTID"},
    {0x02000000, "CLONE_NEWCGROUP"},
    {0x04000000, "CLONE_NEWUTS"},
    {0x08000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},
    {0x80000000, "CLONE_IO"},
};

int syscall_format_clone_flags(uint64_t flags, char *buf, size_t size)
{
        /* clone(2) keeps the signal sent to the parent on exit in the low byte (CSIGNAL). */
        unsigned exit_signal = flags & 0xff;
        struct out o;

        out_init(&o, buf, size);
        flags &= ~(uint64_t)0xff;
        out_flags(&o, &flags, clone_flag_names,
                  sizeof(clone_flag_names) / sizeof(clone_flag_names[0]));
        out_rest_hex(&o, flags);
        if (exit_signal != 0) {
                const char *abbrev = sigabbrev_np((int)exit_signal);

                out_item(&o);
                if (abbrev != NULL)
                        out_printf(&o, "SIG%s", abbrev);
                else
                        out_printf(&o, "%u", exit_signal);
        }
        if (o.items == 0)
                out_append(&o, "0");
        return out_finish(&o);
}

/* openat2's RESOLVE_* flags (linux/openat2.h), which older headers lack. */
static const struct flag_name resolve_flag_names[] = {
    {0x01, "RESOLVE_NO_XDEV"}, {0x02, "RESOLVE_NO_MAGICLINKS"}, {0x04, "RESOLVE_NO_SYMLINKS"},
    {0x08, "RESOLVE_BENEATH"}, {0x10, "RESOLVE_IN_ROOT"},       {0x20, "RESOLVE_CACHED"},
};

int syscall_format_resolve_flags(uint64_t resolve, char *buf, size_t size)
{
        struct out o;

        out_init(&o, buf, size);
        out_flags(&o, &resolve, resolve_flag_names,
                  sizeof(resolve_flag_names) / sizeof(resolve_flag_names[0]));
        out_rest_hex(&o, resolve);
        if (o.items == 0)
                out_append(&o, "0");
        return out_finish(&o);
}

/* Whether open flags make a file: O_CREAT, or O_TMPFILE (whose bit glibc
 * spells together with O_DIRECTORY's, so O_DIRECTORY alone is not it). */
static bool open_flags_make_a_file(uint64_t flags)
{
        return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

/* A mode means something only when a file is made: open without O_CREAT or
 * O_TMPFILE ignores it. mkdir, mknod and chmod always use theirs. */
static bool makes_a_file(const struct syscall_desc *desc, const uint64_t args[6])
{
        for (unsigned i = 0; i < desc->nargs && i < 6; i++)
                if (desc->kinds[i] == ARG_OPEN_FLAGS)
                        return open_flags_make_a_file((uint32_t)args[i]);
        return true;
}

int syscall_describe_args(int nr, const uint64_t args[6],
                          int (*emit)(void *ctx, const char *key, const char *value), void *ctx)
{
        const struct syscall_desc *desc = syscall_desc_get(nr);
        char text[256];

        if (!desc)
                return 0;
        for (unsigned i = 0; i < desc->nargs && i < 6; i++) {
                /* What the kernel reads: the high half of an int's
                 * register is not part of the call. */
                uint64_t value = args[i] & syscall_arg_mask(nr, i);
                const char *key = NULL;
                int r = -1;
                switch (desc->kinds[i]) {
                case ARG_OPEN_FLAGS:
                        key = "flags";
                        r = syscall_format_open_flags(value, text, sizeof(text));
                        break;
                case ARG_MODE:
                        if (!makes_a_file(desc, args))
                                break;
                        key = "mode";
                        r = syscall_format_mode(value, text, sizeof(text));
                        break;
                case ARG_SOCKET_FAMILY:
                        key = "family";
                        r = syscall_format_socket_family(value, text, sizeof(text));
                        break;
                case ARG_SOCKET_TYPE:
                        key = "type";
                        r = syscall_format_socket_type(value, text, sizeof(text));
                        break;
                case ARG_CLONE_FLAGS:
                        key = "clone_flags";
                        r = syscall_format_clone_flags(value, text, sizeof(text));
                        break;
                default:
                        break;
                }
                if (key && r == 0) {
                        int stop = emit(ctx, key, text);
                        if (stop)
                                return stop;
                }
        }
        return 0;
}

int syscall_describe_call(const struct policy_call *call,
                          int (*emit)(void *ctx, const char *key, const char *value), void *ctx)
{
        char text[256];
        int r;

        if (call->nr == __NR_openat2 && call->have_open) {
                if (syscall_format_open_flags(call->open_flags, text, sizeof(text)) == 0 &&
                    (r = emit(ctx, "flags", text)) != 0)
                        return r;
                /* The kernel refuses a mode where no file is made: shown,
                 * as nothing the caller passed is hidden. */
                if ((open_flags_make_a_file(call->open_flags) || call->open_mode != 0) &&
                    syscall_format_mode(call->open_mode, text, sizeof(text)) == 0 &&
                    (r = emit(ctx, "mode", text)) != 0)
                        return r;
                if (syscall_format_resolve_flags(call->open_resolve, text, sizeof(text)) == 0 &&
                    (r = emit(ctx, "resolve", text)) != 0)
                        return r;
        }
        return syscall_describe_args(call->nr, call->args, emit, ctx);
}
