/* SPDX-License-Identifier: MIT */
/* core/target.c: reading the caller: its memory, paths, addresses and executable. */
#include "core/target.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/notif.h"
#include "policy.h"
#include "syscall_args.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

/* "/proc/" + a pid + "/fd/" + an int fits easily; the rest is one short name. */
#define PROC_PATH_MAX 64

/*
 * Reads from one target. process_vm_readv() is tried first because it needs
 * no file descriptor; /proc/PID/mem is opened only if that is refused, and
 * then kept for the rest of this reader's reads.
 */
struct mem_reader {
        pid_t pid;
        int mem_fd;
        bool use_proc_mem;
};

static void mem_reader_close(struct mem_reader *r)
{
        if (r->mem_fd >= 0)
                close(r->mem_fd);
        r->mem_fd = -1;
}

static int proc_mem_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
        size_t done = 0;

        /* pread() takes a signed offset; no user address is that high anyway. */
        if (addr > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - addr)
                return -EFAULT;

        if (r->mem_fd < 0) {
                char path[PROC_PATH_MAX];

                snprintf(path, sizeof(path), "/proc/%d/mem", (int)r->pid);
                r->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
                if (r->mem_fd < 0)
                        return errno == ENOENT ? -ESRCH : errno == EACCES ? -EPERM : -errno;
        }

        while (done < len) {
                ssize_t n = pread(r->mem_fd, (char *)buf + done, len - done, (off_t)(addr + done));

                if (n < 0 && errno == EINTR)
                        continue;
                /* The kernel reports an unmapped address in /proc/PID/mem as EIO. */
                if (n < 0)
                        return errno == EIO ? -EFAULT : -errno;
                if (n == 0)
                        return -EFAULT;
                done += (size_t)n;
        }
        return 0;
}

/* Reads exactly len bytes at addr, or fails. */
static int mem_reader_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
        size_t done = 0;

        if (len == 0)
                return 0;
        if (addr > UINTPTR_MAX || len > UINTPTR_MAX - addr)
                return -EFAULT;
        if (r->use_proc_mem)
                return proc_mem_read(r, addr, buf, len);

        while (done < len) {
                struct iovec local = {.iov_base = (char *)buf + done, .iov_len = len - done};
                struct iovec remote = {.iov_base = (void *)(uintptr_t)(addr + done),
                                       .iov_len = len - done};
                ssize_t n = process_vm_readv(r->pid, &local, 1, &remote, 1, 0);

                if (n < 0 && (errno == EPERM || errno == ENOSYS)) {
                        r->use_proc_mem = true;
                        return proc_mem_read(r, addr + done, (char *)buf + done, len - done);
                }
                if (n < 0)
                        return -errno;
                /* A short read stops at the first page that is not mapped. */
                if (n == 0)
                        return -EFAULT;
                done += (size_t)n;
        }
        return 0;
}

int target_read_memory(pid_t pid, uint64_t addr, void *buf, size_t len)
{
        struct mem_reader r = {.pid = pid, .mem_fd = -1};
        int ret;

        ret = mem_reader_read(&r, addr, buf, len);
        mem_reader_close(&r);
        return ret;
}

int target_write_memory(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
        struct iovec local = {.iov_base = (void *)buf, .iov_len = len};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};

        if (addr > UINTPTR_MAX || len > UINTPTR_MAX - addr)
                return -EFAULT;
        ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
        if (n < 0)
                return errno == ESRCH ? -ESRCH : -EFAULT;
        return (size_t)n == len ? 0 : -EFAULT;
}

int target_read_string(pid_t pid, uint64_t addr, char *buf, size_t size)
{
        struct mem_reader r = {.pid = pid, .mem_fd = -1};
        uint64_t page_size = (uint64_t)sysconf(_SC_PAGESIZE);
        size_t done = 0;
        int ret = -ENAMETOOLONG;

        if (size == 0)
                return -EINVAL;
        buf[0] = '\0';
        if (addr == 0)
                return -EFAULT;

        /*
         * One read per page: a read that crosses into an unmapped page fails
         * as a whole, so reading size bytes at once would lose a string that
         * ends just before one. Most strings end within their first page, so
         * this is usually a single read.
         */
        while (done < size) {
                uint64_t cur = addr + done;
                size_t chunk = page_size - cur % page_size;

                if (cur < addr) {
                        ret = -EFAULT;
                        break;
                }
                if (chunk > size - done)
                        chunk = size - done;
                ret = mem_reader_read(&r, cur, buf + done, chunk);
                if (ret < 0)
                        break;
                if (memchr(buf + done, '\0', chunk) != NULL) {
                        mem_reader_close(&r);
                        return 0;
                }
                done += chunk;
                ret = -ENAMETOOLONG;
        }
        mem_reader_close(&r);

        if (ret == -ENAMETOOLONG)
                buf[size - 1] = '\0';
        else
                buf[0] = '\0';
        return ret;
}

/* readlink() of /proc/PID/<name> into buf (PATH_MAX bytes), terminated. */
static int read_proc_link(pid_t pid, const char *name, char buf[static PATH_MAX])
{
        char path[PROC_PATH_MAX];
        ssize_t n;

        if (snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name) >= (int)sizeof(path))
                return -ENAMETOOLONG;
        n = readlink(path, buf, PATH_MAX);
        if (n < 0)
                return -errno;
        if (n >= PATH_MAX)
                return -ENAMETOOLONG;
        buf[n] = '\0';
        return 0;
}

/*
 * Whether path is root or below it, and if so where the part below root
 * starts. Both come from the kernel's readlink, so both are canonical.
 */
static bool path_under_root(const char *path, const char *root, size_t *ret_offset)
{
        size_t n = strlen(root);

        if (strcmp(root, "/") == 0) {
                *ret_offset = 0;
                return true;
        }
        if (strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0')) {
                *ret_offset = n;
                return true;
        }
        return false;
}

static int resolve_path(pid_t pid, bool root_is_ours, int dirfd, const char *path, char *buf,
                        size_t size);

int target_resolve_path(pid_t pid, int dirfd, const char *path, char *buf, size_t size)
{
        return resolve_path(pid, false, dirfd, path, buf, size);
}

/* root_is_ours: the caller knows the target's root is the supervisor's own
 * (see TARGET_DECODE_ROOT_IS_OURS), which saves reading /proc/PID/root. */
static int resolve_path(pid_t pid, bool root_is_ours, int dirfd, const char *path, char *buf,
                        size_t size)
{
        char root[PATH_MAX];
        char base[PATH_MAX];
        /* Room for a whole base and a whole path before ".." folds them. */
        char work[2 * PATH_MAX];
        size_t len = 0, root_len, offset;
        int r;

        if (strnlen(path, PATH_MAX) >= PATH_MAX)
                return -ENAMETOOLONG;

        if (root_is_ours) {
                root[0] = '/';
                root[1] = '\0';
        } else {
                r = read_proc_link(pid, "root", root);
                if (r < 0)
                        return r == -ENOENT ? -ESRCH : r;
        }
        if (root[0] != '/')
                return -ENOENT;
        r = act_fold(work, &len, sizeof(work), 0, root);
        if (r < 0)
                return r;
        root_len = len;

        if (path[0] != '/') {
                if (dirfd == AT_FDCWD) {
                        r = read_proc_link(pid, "cwd", base);
                        if (r == -ENOENT)
                                r = -ESRCH;
                } else if (dirfd < 0) {
                        r = -EBADF;
                } else {
                        char name[PROC_PATH_MAX];

                        snprintf(name, sizeof(name), "fd/%d", dirfd);
                        r = read_proc_link(pid, name, base);
                        if (r == -ENOENT)
                                r = -EBADF;
                }
                if (r < 0)
                        return r;
                /* Sockets, pipes and anonymous inodes read as "type:[inode]", not as paths. */
                if (base[0] != '/')
                        return -ENOENT;

                /*
                 * A directory outside the root (a cwd kept across chroot(), an
                 * fd opened before it) is not bounded by the root: ".." from
                 * there climbs freely, in the kernel as here.
                 */
                if (!path_under_root(base, root, &offset)) {
                        offset = 0;
                        len = root_len = 0;
                }
                r = act_fold(work, &len, sizeof(work), root_len, base + offset);
                if (r < 0)
                        return r;
        }

        r = act_fold(work, &len, sizeof(work), root_len, path);
        if (r < 0)
                return r;
        if (len == 0)
                work[len++] = '/';
        if (len >= PATH_MAX || len >= size)
                return -ENAMETOOLONG;
        memcpy(buf, work, len);
        buf[len] = '\0';
        return 0;
}

int target_read_exe(pid_t pid, char *buf, size_t size)
{
        char exe[PATH_MAX];
        size_t len;
        int r;

        r = read_proc_link(pid, "exe", exe);
        if (r < 0)
                return r;
        len = strlen(exe);
        if (len >= size)
                return -ENAMETOOLONG;
        memcpy(buf, exe, len + 1);
        return 0;
}

/*
 * Reads up to size-1 bytes (size >= 1) of /proc/PID/<name>, terminated;
 * *ret_len is what was read, *ret_truncated whether the file was longer.
 */
static int read_proc_file(pid_t pid, const char *name, char *buf, size_t size, size_t *ret_len,
                          bool *ret_truncated)
{
        char path[PROC_PATH_MAX];
        size_t done = 0;
        bool truncated = false;
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;

        for (;;) {
                ssize_t n;

                if (done == size - 1) {
                        char extra;

                        /* Full: one more byte tells whether the file was longer. */
                        do
                                n = read(fd, &extra, 1);
                        while (n < 0 && errno == EINTR);
                        truncated = n > 0;
                        break;
                }
                n = read(fd, buf + done, size - 1 - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;

                        close(fd);
                        return r;
                }
                if (n == 0)
                        break;
                done += (size_t)n;
        }
        close(fd);
        buf[done] = '\0';
        *ret_len = done;
        *ret_truncated = truncated;
        return 0;
}

/* The first number on /proc/PID/status's line KEY ("\nUid:"). */
static int read_status_number(pid_t pid, const char *key, unsigned long *ret_value)
{
        /*
         * The lines we read come within the first few hundred bytes, after
         * Name:, whose value the kernel escapes, so a process cannot forge a
         * line by choosing its own name.
         */
        char status[4096];
        const char *line;
        unsigned long value;
        size_t len;
        bool truncated;
        char *end;
        int r;

        r = read_proc_file(pid, "status", status, sizeof(status), &len, &truncated);
        if (r < 0)
                return r;
        line = strstr(status, key);
        if (line == NULL)
                return -EIO;
        line += strlen(key);
        while (*line == '\t' || *line == ' ')
                line++;
        if (!isdigit((unsigned char)*line))
                return -EIO;
        errno = 0;
        value = strtoul(line, &end, 10);
        if (errno != 0 || (*end != '\t' && *end != ' ' && *end != '\n'))
                return -EIO;
        *ret_value = value;
        return 0;
}

/* The four numbers on status's line KEY ("\nUid:"): real, effective,
 * saved and filesystem, each below 2^32 - 1, as the kernel writes them. */
static int status_id_line(const char *status, const char *key, unsigned long ret[4])
{
        const char *p = strstr(status, key);

        if (p == NULL)
                return -EIO;
        p += strlen(key);
        for (unsigned i = 0; i < 4; i++) {
                char *end;
                while (*p == '\t' || *p == ' ')
                        p++;
                if (!isdigit((unsigned char)*p))
                        return -EIO;
                errno = 0;
                ret[i] = strtoul(p, &end, 10);
                if (errno != 0 || ret[i] >= UINT32_MAX)
                        return -EIO;
                p = end;
        }
        while (*p == '\t' || *p == ' ')
                p++;
        return *p == '\n' ? 0 : -EIO;
}

int target_read_ids(pid_t pid, uint32_t ret_ids[POLICY_ID_COUNT])
{
        /* One read, so the two lines are of one moment: the Uid: and Gid:
         * lines come early, after Name:, which the kernel escapes (see
         * read_status_number()). */
        char status[4096];
        unsigned long uids[4], gids[4];
        size_t len;
        bool truncated;
        int r;

        r = read_proc_file(pid, "status", status, sizeof(status), &len, &truncated);
        if (r < 0)
                return r;
        if ((r = status_id_line(status, "\nUid:", uids)) < 0 ||
            (r = status_id_line(status, "\nGid:", gids)) < 0)
                return r;
        ret_ids[POLICY_ID_UID] = (uint32_t)uids[0];
        ret_ids[POLICY_ID_EUID] = (uint32_t)uids[1];
        ret_ids[POLICY_ID_FSUID] = (uint32_t)uids[3];
        ret_ids[POLICY_ID_GID] = (uint32_t)gids[0];
        ret_ids[POLICY_ID_EGID] = (uint32_t)gids[1];
        ret_ids[POLICY_ID_FSGID] = (uint32_t)gids[3];
        return 0;
}

int target_read_tgid(pid_t tid, pid_t *ret_tgid)
{
        unsigned long tgid;
        int r = read_status_number(tid, "\nTgid:", &tgid);
        if (r < 0)
                return r;
        if (tgid == 0 || tgid > INT32_MAX)
                return -EIO;
        *ret_tgid = (pid_t)tgid;
        return 0;
}

int target_read_cmdline(pid_t pid, char *buf, size_t size)
{
        size_t len;
        bool truncated;
        int r;

        if (size == 0)
                return -EINVAL;
        r = read_proc_file(pid, "cmdline", buf, size, &len, &truncated);
        if (r < 0) {
                buf[0] = '\0';
                return r;
        }
        /* The last argument's terminator is not a separator. */
        if (!truncated)
                while (len > 0 && buf[len - 1] == '\0')
                        len--;
        buf[len] = '\0';
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)buf[i];

                if (c == '\0')
                        buf[i] = ' ';
                else if (c < 0x20 || c == 0x7f)
                        buf[i] = '?';
        }
        return truncated ? -ENOSPC : 0;
}

/* The index of the argument of nr that is a NULL-terminated array of
 * strings (execve's argv), or -1. */
static int string_array_arg(int nr)
{
        const struct syscall_desc *desc = syscall_desc_get(nr);

        for (unsigned i = 0; desc && i < desc->nargs && i < 6; i++)
                if (desc->kinds[i] == ARG_STRING_ARRAY)
                        return (int)i;
        return -1;
}

/* Appends the strings of the array at addr to d->argv, within the limits
 * target.h gives; stops at the first that cannot be read. */
static int read_string_array(pid_t pid, uint64_t addr, struct target_details *d)
{
        char arg[TARGET_ARG_MAX];

        /* Room for the most the loop below can add: it checks the total
         * before each argument. */
        d->argv = malloc(TARGET_ARGV_MAX + TARGET_ARG_MAX);
        if (!d->argv)
                return -ENOMEM;
        for (unsigned i = 0; i < TARGET_ARGV_MAX_ARGS && d->argv_len < TARGET_ARGV_MAX; i++) {
                uint64_t ptr;
                if (target_read_memory(pid, addr + i * sizeof(ptr), &ptr, sizeof(ptr)) < 0 ||
                    ptr == 0)
                        break;
                int r = target_read_string(pid, ptr, arg, sizeof(arg));
                if (r < 0 && r != -ENAMETOOLONG)
                        break;
                size_t len = strlen(arg) + 1;
                memcpy(d->argv + d->argv_len, arg, len);
                d->argv_len += len;
                d->argc++;
        }
        return 0;
}

int target_read_details(const struct policy_call *call, struct target_details *ret)
{
        struct target_details d = {.read = true, .tgid = call->pid};
        char cmdline[TARGET_CMDLINE_MAX];
        /* Pointers are 64-bit only in native calls. */
        bool native = call->arch == AUDIT_ARCH_X86_64 && (call->nr & __X32_SYSCALL_BIT) == 0;
        int index = native ? string_array_arg(call->nr) : -1;

        if (target_read_tgid(call->pid, &d.tgid) < 0)
                d.tgid = call->pid;
        if (target_read_cmdline(call->pid, cmdline, sizeof(cmdline)) < 0 && !cmdline[0])
                snprintf(cmdline, sizeof(cmdline), "?");
        d.cmdline = strdup(cmdline);
        if (!d.cmdline || (index >= 0 && call->args[index] &&
                           read_string_array(call->pid, call->args[index], &d) < 0)) {
                target_details_clear(&d);
                *ret = d;
                return -ENOMEM;
        }
        *ret = d;
        return 0;
}

void target_details_clear(struct target_details *details)
{
        free(details->cmdline);
        free(details->argv);
        *details = (struct target_details){0};
}

/* The kernel takes fds and lengths as int: only the low 32 bits count. */
static int arg_as_int(uint64_t arg)
{
        return (int)(int32_t)(uint32_t)arg;
}

/* Failures that are the target's doing: the path is unusable, not the supervisor. */
static bool is_bad_argument(int r)
{
        return r == -EFAULT || r == -ENAMETOOLONG || r == -EBADF || r == -ENOENT || r == -ENOTDIR;
}

/*
 * utimensat(fd, NULL, ...) acts on fd itself, and fanotify_mark() with a
 * NULL path marks its dirfd (or the cwd), so a NULL pointer there names a
 * file rather than being a fault.
 */
static bool null_path_means_dirfd(int nr, int dirfd)
{
        return (nr == __NR_utimensat && dirfd != AT_FDCWD) || nr == __NR_fanotify_mark;
}

#ifndef OPEN_HOW_SIZE_VER0
#define OPEN_HOW_SIZE_VER0 24
#endif
/* How much of a larger struct open_how is read to check that what this
 * kernel does not know is zero, as the kernel checks (E2BIG otherwise). */
#define OPEN_HOW_READ_MAX 64

/* open_how as the kernel will read it: flags, mode, resolve, read once. */
static void decode_open_how(struct policy_call *call)
{
        uint64_t how[OPEN_HOW_READ_MAX / sizeof(uint64_t)] = {0};
        uint64_t size = call->args[3];
        size_t n = size < sizeof(how) ? (size_t)size : sizeof(how);

        if (size < OPEN_HOW_SIZE_VER0 || size > (uint64_t)sysconf(_SC_PAGESIZE))
                return; /* EINVAL / E2BIG in the kernel */
        if (target_read_memory(call->pid, call->args[2], how, n) < 0)
                return;
        for (size_t i = OPEN_HOW_SIZE_VER0 / sizeof(uint64_t); i < n / sizeof(uint64_t); i++)
                if (how[i] != 0)
                        return;
        call->open_flags = how[0];
        call->open_mode = how[1];
        call->open_resolve = how[2];
        call->have_open = true;
}

/* What an open asks for; creat is open with fixed flags. */
static void decode_open(struct policy_call *call)
{
        call->have_open = false;
        call->open_flags = call->open_mode = call->open_resolve = 0;
        switch (call->nr) {
        case __NR_open:
                call->open_flags = (uint32_t)call->args[1];
                call->open_mode = (uint32_t)call->args[2];
                break;
        case __NR_openat:
                call->open_flags = (uint32_t)call->args[2];
                call->open_mode = (uint32_t)call->args[3];
                break;
        case __NR_creat:
                call->open_flags = O_CREAT | O_WRONLY | O_TRUNC;
                call->open_mode = (uint32_t)call->args[1];
                break;
        case __NR_openat2:
                decode_open_how(call);
                return;
        default:
                return;
        }
        call->have_open = true;
}

struct target_scratch *target_scratch_new(void)
{
        struct target_scratch *scratch = malloc(sizeof(*scratch));
        if (!scratch)
                return NULL;
        scratch->exe_cache = NULL;
        scratch->decided_held = false;
        scratch->decided_id = 0;
        scratch->own_view_open = false;
        scratch->sock_held = false;
        scratch->pidfd_held = false;
        scratch->replay.held = false;
        scratch->addr_vec = NULL;
        scratch->addr_names = NULL;
        scratch->mmsg_vec = NULL;
        return scratch;
}

void target_scratch_destroy(struct target_scratch *scratch)
{
        if (!scratch)
                return;
        exe_cache_free(scratch->exe_cache);
        target_scratch_free(scratch);
        free(scratch);
}

void target_scratch_free(struct target_scratch *scratch)
{
        target_scratch_release(scratch);
        target_addr_free(scratch);
        if (scratch->own_view_open)
                act_view_close(&scratch->own_view);
        scratch->own_view_open = false;
}

void target_scratch_release(struct target_scratch *scratch)
{
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                if (scratch->decided_held)
                        act_resolved_clear(&scratch->decided[i]);
                scratch->decided[i] = (struct act_resolved)ACT_RESOLVED_INIT;
        }
        scratch->decided_held = true;
        scratch->decided_id = 0;
        target_addr_release(scratch);
}

/*
 * The paths of the call, read once and resolved as the kernel will resolve
 * them for the caller (act/resolve.c): the file's checked name goes to the
 * rules, the descriptors stay in scratch->decided for performing an
 * allowed call on the very files decided.
 */
static int decode_paths(struct policy_call *call, const struct syscall_desc *desc,
                        struct target_scratch *scratch, bool root_is_ours, uint64_t notif_id)
{
        unsigned n = desc != NULL ? desc->n_paths : 0;
        struct act_view view = {.root_fd = -1};
        bool view_open = false;
        int r = 0;

        if (n > POLICY_CALL_MAX_PATHS)
                n = POLICY_CALL_MAX_PATHS;

        target_scratch_release(scratch);
        call->n_paths = 0;
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++)
                call->paths[i] = call->raw_paths[i] = NULL;
        decode_open(call);

        for (unsigned i = 0; i < n; i++) {
                const struct syscall_path_arg *arg = &desc->paths[i];
                uint64_t addr = call->args[arg->path_index];
                int dirfd =
                    arg->dirfd_index >= 0 ? arg_as_int(call->args[arg->dirfd_index]) : AT_FDCWD;
                struct act_resolved *res = &scratch->decided[i];

                if (addr == 0 && null_path_means_dirfd(call->nr, dirfd)) {
                        scratch->raw[i][0] = '\0';
                        r = 0;
                } else {
                        r = target_read_string(call->pid, addr, scratch->raw[i],
                                               sizeof(scratch->raw[i]));
                }
                if (r < 0) {
                        if (!is_bad_argument(r))
                                goto out;
                        /* Unreadable: no name, no raw bytes, and the
                         * kernel's own answer if it is allowed. */
                        res->error = -r;
                        r = 0;
                        continue;
                }
                call->raw_paths[i] = scratch->raw[i];
                if (root_is_ours && !scratch->own_view_open) {
                        /* Our own root: opened once, kept for every call. */
                        r = act_view_open(&scratch->own_view, 0, true);
                        if (r < 0)
                                goto out;
                        scratch->own_view_open = true;
                }
                if (root_is_ours) {
                        scratch->own_view.tid = call->pid;
                } else if (!view_open) {
                        r = act_view_open(&view, call->pid, false);
                        if (r < 0)
                                goto out;
                        view_open = true;
                }
                r = act_resolve_call(root_is_ours ? &scratch->own_view : &view, call, i, res);
                if (r < 0)
                        goto out;
                if (res->named) {
                        memcpy(scratch->paths[i], res->name, strlen(res->name) + 1);
                        call->paths[i] = scratch->paths[i];
                }
        }
        scratch->decided_id = notif_id;
        call->n_paths = n;
        call->have_paths = true;
out:
        if (view_open)
                act_view_close(&view);
        if (r < 0)
                target_scratch_release(scratch);
        return r;
}

/* The arguments' part of decode(): paths and socket addresses, from the
 * x86_64 layouts the table describes; -EOPNOTSUPP for other calls. */
static int decode_arguments(struct policy_call *call, unsigned needs,
                            struct target_scratch *scratch, bool *ret_read, uint64_t notif_id)
{
        bool root_is_ours = (needs & TARGET_DECODE_ROOT_IS_OURS) != 0;
        int r;

        if (call->arch != AUDIT_ARCH_X86_64 || (call->nr & __X32_SYSCALL_BIT) != 0)
                return -EOPNOTSUPP;
        const struct syscall_desc *desc = syscall_desc_get(call->nr);
        if (needs & POLICY_NEED_PATHS) {
                *ret_read |= desc != NULL && desc->n_paths > 0;
                r = decode_paths(call, desc, scratch, root_is_ours, notif_id);
                if (r < 0)
                        return r;
        }
        if (needs & POLICY_NEED_ADDR) {
                *ret_read |= act_performs_net(call->nr);
                r = target_decode_addr(call, scratch, root_is_ours, notif_id);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Decodes what needs asks for; *ret_read says whether anything was read
 * from the target (its memory or /proc), which only a valid notification
 * afterwards shows to be the caller's. A call whose arguments cannot be
 * decoded (-EOPNOTSUPP) still gets its executable and ids: --log asks for
 * the paths of every call, and must not change what a rule on the
 * executable decides. */
static int decode(struct policy_call *call, unsigned needs, struct target_scratch *scratch,
                  bool *ret_read, uint64_t notif_id)
{
        int r, arguments = 0;

        *ret_read = false;
        if (needs & (POLICY_NEED_PATHS | POLICY_NEED_ADDR)) {
                arguments = decode_arguments(call, needs, scratch, ret_read, notif_id);
                if (arguments < 0 && arguments != -EOPNOTSUPP)
                        return arguments;
        }

        if (needs & POLICY_NEED_EXE) {
                call->exe = exe_cache_lookup(scratch->exe_cache, call->pid);
                if (!call->exe) {
                        *ret_read = true;
                        exe_cache_prepare(scratch->exe_cache, call->pid);
                        r = target_read_exe(call->pid, scratch->exe, sizeof(scratch->exe));
                        call->exe = r == 0 ? scratch->exe : NULL;
                }
                call->have_exe = true;
        }

        if (needs & POLICY_NEED_IDS) {
                *ret_read = true;
                r = target_read_ids(call->pid, call->ids);
                if (r < 0)
                        return r;
                call->have_ids = true;
        }
        return arguments;
}

int target_decode_call(int listener_fd, uint64_t notif_id, struct policy_call *call, unsigned needs,
                       struct target_scratch *scratch)
{
        bool read;
        int r, valid;

        r = decode(call, needs, scratch, &read, notif_id);
        if (listener_fd < 0 || !read)
                return r;
        /*
         * Only now do we know the reads came from the process that made the
         * call: had it died, its pid could have been reused, and the
         * notification would no longer be valid. A failed read is most often
         * a target that just died, which the caller should hear as such.
         */
        valid = notif_id_valid(listener_fd, notif_id);
        if (valid < 0)
                return valid;
        /* An exec's caller runs the old program only until the exec
         * succeeds, and keeps its id after: what was read for the exec
         * itself must not be remembered for its calls after it. */
        if (call->exe == scratch->exe && !policy_changes_exe(call->nr))
                exe_cache_store(scratch->exe_cache, call->pid, call->exe);
        return r;
}
