/* SPDX-License-Identifier: MIT */
/* act/creds.c: the caller's filesystem credentials, taken on for one call. */
/*
 * A supervisor running as root must never open for a caller what the
 * caller could not open itself. The kernel checks a file access against
 * the acting thread's fsuid, fsgid, supplementary groups and effective
 * capabilities, and applies its umask to what it creates; all of these
 * are per thread in the kernel (setfsuid, setgroups and capset through raw
 * system calls: glibc's wrappers of setgroups would change every thread;
 * the umask once the thread has its own fs_struct), so a lane takes the
 * caller's on for the length of one call and gives them back.
 */
#include "act/act_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Our own credentials, read once before any thread takes on another's. */
static struct {
        pthread_once_t once;
        int error;
        uid_t euid, fsuid;
        gid_t egid, fsgid;
        unsigned n_groups;
        gid_t groups[ACT_MAX_GROUPS];
        struct __user_cap_data_struct caps[2];
        uint64_t ns_user;
} ours = {.once = PTHREAD_ONCE_INIT};

static int capget_self(struct __user_cap_data_struct caps[2])
{
        struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
        return syscall(SYS_capget, &hdr, caps) < 0 ? -errno : 0;
}

static int capset_self(struct __user_cap_data_struct caps[2])
{
        struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
        return syscall(SYS_capset, &hdr, caps) < 0 ? -errno : 0;
}

static uint64_t ns_inode(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

static void read_ours(void)
{
        int n;

        ours.euid = geteuid();
        ours.egid = getegid();
        ours.fsuid = (uid_t)syscall(SYS_setfsuid, -1);
        ours.fsgid = (gid_t)syscall(SYS_setfsgid, -1);
        n = getgroups(ACT_MAX_GROUPS, ours.groups);
        if (n < 0) {
                ours.error = -errno;
                return;
        }
        ours.n_groups = (unsigned)n;
        ours.error = capget_self(ours.caps);
        ours.ns_user = ns_inode("/proc/self/ns/user");
}

static uint64_t our_cap_eff(void)
{
        return ((uint64_t)ours.caps[1].effective << 32) | ours.caps[0].effective;
}

/* The numbers after key ("\nUid:") on a line of status, at most max. */
static int status_numbers(const char *status, const char *key, int base, uint64_t *values,
                          unsigned max, unsigned *ret_n)
{
        const char *p = strstr(status, key);
        unsigned n = 0;

        if (!p)
                return -EIO;
        p += strlen(key);
        for (;;) {
                char *end;
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p == '\n' || *p == '\0')
                        break;
                if (n == max)
                        return -E2BIG;
                errno = 0;
                values[n] = strtoull(p, &end, base);
                if (end == p || errno != 0)
                        return -EIO;
                n++;
                p = end;
        }
        *ret_n = n;
        return 0;
}

/* /proc/TID/status, whole (Groups: can be long), terminated. */
static int read_status(pid_t tid, char *buf, size_t size)
{
        char path[64];
        size_t done = 0;
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        while (done < size - 1) {
                ssize_t n = read(fd, buf + done, size - 1 - done);
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
                /* procfs hands the whole file to a read with room for it:
                 * a short read is the end, without a second call. */
                if (done < size - 1)
                        break;
        }
        close(fd);
        buf[done] = '\0';
        return done == size - 1 ? -E2BIG : 0;
}

#define STATUS_MAX 16384

int act_read_nspids(pid_t tid, pid_t *ret_tgid, pid_t *ret_tid)
{
        char *status = malloc(STATUS_MAX);
        uint64_t v[32];
        unsigned n;
        int r;

        if (!status)
                return -ENOMEM;
        r = read_status(tid, status, STATUS_MAX);
        if (r == 0)
                r = status_numbers(status, "\nNStgid:", 10, v, 32, &n);
        if (r == 0 && n > 0) {
                *ret_tgid = (pid_t)v[n - 1];
                r = status_numbers(status, "\nNSpid:", 10, v, 32, &n);
                if (r == 0 && n > 0)
                        *ret_tid = (pid_t)v[n - 1];
        }
        if (r == 0 && n == 0)
                r = -EIO;
        free(status);
        return r;
}

int act_creds_read(pid_t tid, struct act_creds *ret)
{
        char *status;
        char path[64];
        uint64_t v[ACT_MAX_GROUPS] = {0};
        unsigned n;
        int r;

        pthread_once(&ours.once, read_ours);
        if (ours.error < 0)
                return ours.error;
        status = malloc(STATUS_MAX);
        if (!status)
                return -ENOMEM;
        *ret = (struct act_creds){0};
        r = read_status(tid, status, STATUS_MAX);
        /* Uid: real, effective, saved, filesystem. */
        if (r == 0)
                r = status_numbers(status, "\nUid:", 10, v, 4, &n);
        if (r == 0 && n != 4)
                r = -EIO;
        if (r == 0) {
                ret->ruid = (uid_t)v[0];
                ret->euid = (uid_t)v[1];
                ret->suid = (uid_t)v[2];
                ret->fsuid = (uid_t)v[3];
                r = status_numbers(status, "\nGid:", 10, v, 4, &n);
        }
        if (r == 0 && n != 4)
                r = -EIO;
        if (r == 0) {
                ret->rgid = (gid_t)v[0];
                ret->egid = (gid_t)v[1];
                ret->sgid = (gid_t)v[2];
                ret->fsgid = (gid_t)v[3];
                r = status_numbers(status, "\nGroups:", 10, v, ACT_MAX_GROUPS, &n);
        }
        if (r == 0) {
                ret->n_groups = n;
                for (unsigned i = 0; i < n; i++)
                        ret->groups[i] = (gid_t)v[i];
                r = status_numbers(status, "\nCapEff:", 16, v, 1, &n);
        }
        if (r == 0 && n != 1)
                r = -EIO;
        if (r == 0) {
                ret->cap_eff = v[0];
                r = status_numbers(status, "\nUmask:", 8, v, 1, &n);
        }
        if (r == 0 && n != 1)
                r = -EIO;
        if (r == 0)
                ret->umask = (mode_t)(v[0] & 0777);
        free(status);
        if (r < 0)
                return r;
        /* Only capabilities depend on the user namespace: without any,
         * on either side, it makes no difference. */
        if (ret->cap_eff != 0 && our_cap_eff() != 0) {
                snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)tid);
                ret->same_userns = ns_inode(path) == ours.ns_user && ours.ns_user != 0;
        }
        return 0;
}

bool act_creds_we_are_unprivileged(void)
{
        pthread_once(&ours.once, read_ours);
        return ours.error == 0 && our_cap_eff() == 0 &&
               ((uint64_t)ours.caps[1].permitted << 32 | ours.caps[0].permitted) == 0;
}

/* The capabilities a caller has in our user namespace: those of another
 * mean nothing here. */
static uint64_t caps_here(const struct act_creds *c)
{
        return c->same_userns ? c->cap_eff : 0;
}

bool act_creds_are_ours(const struct act_creds *c)
{
        pthread_once(&ours.once, read_ours);
        if (ours.error < 0 || c->fsuid != ours.fsuid || c->fsgid != ours.fsgid ||
            c->euid != ours.euid || c->egid != ours.egid || c->n_groups != ours.n_groups)
                return false;
        for (unsigned i = 0; i < c->n_groups; i++)
                if (c->groups[i] != ours.groups[i])
                        return false;
        /* The caller may do less than we may, never more (no_new_privs). */
        return (our_cap_eff() & ~caps_here(c)) == 0;
}

static __thread bool own_fs;

int act_creds_enter(const struct act_creds *c, bool set_umask, struct act_saved_creds *saved)
{
        struct __user_cap_data_struct caps[2];
        uint64_t eff = caps_here(c) & our_cap_eff();
        int r;

        *saved = (struct act_saved_creds){0};
        pthread_once(&ours.once, read_ours);
        if (ours.error < 0)
                return ours.error;
        if (set_umask && !own_fs) {
                if (unshare(CLONE_FS) < 0)
                        return -errno;
                own_fs = true;
        }
        if (set_umask) {
                saved->umask = umask(c->umask);
                saved->umask_set = true;
        }
        if (act_creds_are_ours(c))
                return 0;
        saved->entered = true;
        if (syscall(SYS_setgroups, (size_t)c->n_groups, c->groups) < 0)
                goto fail;
        saved->groups = true;
        /* The effective ids too: a file opened for the caller carries
         * them (f_cred), and some files check them on write (a user
         * namespace's uid_map). Raw calls act on this thread only. */
        if (syscall(SYS_setresgid, -1, c->egid, -1) < 0)
                goto fail;
        saved->gid = true;
        if (syscall(SYS_setresuid, -1, c->euid, -1) < 0)
                goto fail;
        saved->uid = true;
        syscall(SYS_setfsgid, c->fsgid);
        syscall(SYS_setfsuid, c->fsuid);
        if ((uid_t)syscall(SYS_setfsuid, -1) != c->fsuid ||
            (gid_t)syscall(SYS_setfsgid, -1) != c->fsgid) {
                errno = EPERM;
                goto fail;
        }
        memcpy(caps, ours.caps, sizeof(caps));
        caps[0].effective = (uint32_t)eff;
        caps[1].effective = (uint32_t)(eff >> 32);
        saved->caps = true;
        if (capset_self(caps) < 0)
                goto fail;
        return 0;
fail:
        r = -errno;
        act_creds_leave(saved);
        return r;
}

void act_creds_leave(struct act_saved_creds *saved)
{
        bool ok = true;

        /* The effective uid first: back to ours, the kernel gives our
         * permitted capabilities back, and with them the right to set
         * the rest back. */
        if (saved->uid)
                ok = syscall(SYS_setresuid, -1, ours.euid, -1) == 0;
        if (ok && saved->gid)
                ok = syscall(SYS_setresgid, -1, ours.egid, -1) == 0;
        if (ok && (saved->caps || saved->uid))
                ok = capset_self(ours.caps) == 0;
        if (ok && saved->uid) {
                syscall(SYS_setfsuid, ours.fsuid);
                syscall(SYS_setfsgid, ours.fsgid);
                ok = (uid_t)syscall(SYS_setfsuid, -1) == ours.fsuid &&
                     (gid_t)syscall(SYS_setfsgid, -1) == ours.fsgid && geteuid() == ours.euid;
        }
        if (ok && saved->groups)
                ok = syscall(SYS_setgroups, (size_t)ours.n_groups, ours.groups) == 0;
        if (!ok)
                abort(); /* serving on with someone else's identity is worse */
        if (saved->umask_set)
                umask(saved->umask);
        *saved = (struct act_saved_creds){0};
}
