/* SPDX-License-Identifier: MIT */
/* act/resolve.c: the file a path names for the caller, walked as the kernel walks it. */
#include "act/act.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "act/act_internal.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
/* The inode number of every procfs instance's root directory. */
#define PROC_ROOT_INO 1
/* The kernel's limit on symlinks followed in one lookup. */
#define MAX_LINKS 40

int act_file_id(int fd, struct act_file_id *ret)
{
        struct statx stx;

        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_MNT_ID, &stx) < 0)
                return -errno;
        ret->mnt_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
        ret->dev = ((uint64_t)stx.stx_dev_major << 32) | stx.stx_dev_minor;
        ret->ino = stx.stx_ino;
        return 0;
}

static bool same_file(const struct act_file_id *a, const struct act_file_id *b)
{
        return a->mnt_id == b->mnt_id && a->dev == b->dev && a->ino == b->ino;
}

/* readlink of our own descriptor: the kernel's name for what it holds. */
static int fd_link(int fd, char buf[static PATH_MAX])
{
        char proc[64];
        ssize_t n;

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        n = readlink(proc, buf, PATH_MAX);
        if (n < 0)
                return -errno;
        if (n >= PATH_MAX)
                return -ENAMETOOLONG;
        buf[n] = '\0';
        return 0;
}

int act_view_open(struct act_view *v, pid_t tid, bool root_is_ours)
{
        char proc[64];
        int r;

        *v = (struct act_view){.tid = tid, .root_fd = -1};
        if (root_is_ours) {
                v->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        } else {
                snprintf(proc, sizeof(proc), "/proc/%d/root", (int)tid);
                v->root_fd = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        if (v->root_fd < 0)
                return errno == ENOENT ? -ESRCH : -errno;
        /* The name of the descriptor we hold, not of /proc/TID/root again:
         * another thread's chroot cannot come between the two. */
        r = fd_link(v->root_fd, v->prefix);
        if (r == 0 && v->prefix[0] != '/')
                r = -ENOENT;
        if (r == 0)
                r = act_file_id(v->root_fd, &v->root_id);
        if (r < 0) {
                act_view_close(v);
                return r;
        }
        if (strcmp(v->prefix, "/") == 0)
                v->prefix[0] = '\0';
        v->prefix_len = strlen(v->prefix);
        return 0;
}

void act_view_close(struct act_view *v)
{
        if (v->root_fd >= 0)
                close(v->root_fd);
        v->root_fd = -1;
}

void act_resolved_clear(struct act_resolved *r)
{
        if (r->dir_fd >= 0)
                close(r->dir_fd);
        if (r->obj_fd >= 0)
                close(r->obj_fd);
        *r = (struct act_resolved)ACT_RESOLVED_INIT;
}

/* openat2 refused (before Linux 5.6, or a filter such as our own
 * confinement when nothing is performed): the same lookup a component at a
 * time, each opened without following and refused if it is a symlink. */
static bool no_openat2;

static int lookup_plain(int root_fd, const char *rel, const struct open_how *how)
{
        if (!__atomic_load_n(&no_openat2, __ATOMIC_RELAXED)) {
                int fd = (int)syscall(SYS_openat2, root_fd, rel, how, sizeof(*how));
                if (fd >= 0)
                        return fd;
                if (errno != ENOSYS && errno != EPERM)
                        return -errno;
                __atomic_store_n(&no_openat2, true, __ATOMIC_RELAXED);
        }

        int cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        const char *p = rel;

        if (cur < 0)
                return -errno;
        while (*p) {
                char comp[NAME_MAX + 1];
                size_t n = strcspn(p, "/");
                struct stat st;
                int next;

                if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') ||
                    (n == 2 && p[0] == '.' && p[1] == '.')) {
                        close(cur);
                        return -ENOENT; /* not a name we give */
                }
                memcpy(comp, p, n);
                comp[n] = '\0';
                p += n;
                while (*p == '/')
                        p++;
                next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                close(cur);
                if (next < 0)
                        return -errno;
                if (*p && (fstat(next, &st) < 0 || !S_ISDIR(st.st_mode))) {
                        close(next);
                        return -ENOENT;
                }
                cur = next;
        }
        return cur;
}

/*
 * The name of what fd holds inside the caller's root, in our view
 * (prefix + path), into out. The kernel's own name for it is checked by
 * looking it up again from the root following nothing: only a name that
 * leads to the same file is given. -ENOENT: it has no such name (a
 * detached mount, another namespace, deleted, outside the root). A pipe,
 * socket or anonymous inode gets the kernel's name for it ("pipe:[7]").
 */
int act_name_of(const struct act_view *v, int fd, char out[static PATH_MAX])
{
        char name[PATH_MAX];
        const char *rel;
        struct act_file_id want = {0}, got = {0};
        int r, check;

        r = fd_link(fd, name);
        if (r < 0)
                return r;
        if (name[0] != '/') {
                memcpy(out, name, strlen(name) + 1);
                return 0;
        }
        if (v->prefix_len > 0 && (strncmp(name, v->prefix, v->prefix_len) != 0 ||
                                  (name[v->prefix_len] != '/' && name[v->prefix_len] != '\0')))
                return -ENOENT;
        rel = name + v->prefix_len;
        r = act_file_id(fd, &want);
        if (r < 0)
                return r;
        if (rel[0] == '\0' || strcmp(rel, "/") == 0) {
                if (!same_file(&want, &v->root_id))
                        return -ENOENT;
        } else {
                struct open_how how = {
                    .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
                    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
                };
                check = lookup_plain(v->root_fd, rel + 1, &how);
                if (check < 0)
                        return check == -ENOMEM ? -ENOMEM : -ENOENT;
                r = act_file_id(check, &got);
                close(check);
                if (r < 0)
                        return r;
                if (!same_file(&want, &got))
                        return -ENOENT;
        }
        memcpy(out, name, strlen(name) + 1);
        if (out[0] == '\0') {
                out[0] = '/';
                out[1] = '\0';
        }
        return 0;
}

/* One lookup in progress: where it stands and what is left to walk. */
struct walk {
        const struct act_view *v;
        unsigned flags;
        int root_fd; /* the caller's root, or the dirfd for RESOLVE_IN_ROOT */
        struct act_file_id root_id;
        int cur; /* O_PATH directory reached so far */
        unsigned links;
        /* What is left of the path: symlink targets are put in front. */
        char rest[2 * PATH_MAX];
        size_t pos;
        pid_t nstgid, nspid; /* the caller in its own pid namespace; 0 = not read yet */
};

static int dup_fd(int fd)
{
        int r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        return r < 0 ? -errno : r;
}

static void walk_move(struct walk *w, int fd)
{
        if (w->cur >= 0)
                close(w->cur);
        w->cur = fd;
}

/* The directory a relative path starts from: the caller's cwd or dirfd. */
static int open_start(const struct act_view *v, int dirfd, int *ret_fd)
{
        char proc[64];
        int fd;

        if (dirfd == AT_FDCWD)
                snprintf(proc, sizeof(proc), "/proc/%d/cwd", (int)v->tid);
        else if (dirfd < 0)
                return -EBADF;
        else
                snprintf(proc, sizeof(proc), "/proc/%d/fd/%d", (int)v->tid, dirfd);
        fd = open(proc, O_PATH | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return dirfd == AT_FDCWD ? -ESRCH : -EBADF;
                return -errno;
        }
        *ret_fd = fd;
        return 0;
}

/* Puts text in front of what is left to walk. */
static int walk_push(struct walk *w, const char *text)
{
        size_t n = strlen(text), left = strlen(w->rest + w->pos);

        if (n + 1 + left + 1 > sizeof(w->rest))
                return -ENAMETOOLONG;
        memmove(w->rest + n + 1, w->rest + w->pos, left + 1);
        memcpy(w->rest, text, n);
        w->rest[n] = left > 0 ? '/' : '\0';
        if (left == 0)
                w->rest[n + 1] = '\0';
        w->pos = 0;
        return 0;
}

/* Whether cur is the directory ".." cannot climb out of. */
static int at_root(struct walk *w, bool *ret)
{
        struct act_file_id id = {0};
        int r = act_file_id(w->cur, &id);
        if (r < 0)
                return r;
        *ret = same_file(&id, &w->root_id);
        return 0;
}

/* The text a symlink in procfs' root stands for when the caller reads it:
 * "self" is its own thread group, "thread-self" its own thread. */
static int proc_self_text(struct walk *w, const char *comp, char *buf, size_t size)
{
        if (w->nstgid == 0) {
                int r = act_read_nspids(w->v->tid, &w->nstgid, &w->nspid);
                if (r < 0)
                        return r;
        }
        if (strcmp(comp, "self") == 0)
                snprintf(buf, size, "%d", (int)w->nstgid);
        else
                snprintf(buf, size, "%d/task/%d", (int)w->nstgid, (int)w->nspid);
        return 0;
}

/*
 * Follows the symlink comp in w->cur (link_fd is it, O_PATH|O_NOFOLLOW).
 * In procfs, the links in its root ("self", "mounts", ...) are text, with
 * "self" and "thread-self" read as the caller reads them; every other
 * procfs link (fd/N, cwd, root, exe, ...) is a jump to what it names,
 * which we take by opening it: /proc/PID/... of the caller names the
 * caller's own descriptors. *ret_jumped: w->cur is now the object itself.
 */
static int follow_link(struct walk *w, const char *comp, int link_fd, bool *ret_jumped)
{
        char target[PATH_MAX];
        struct statfs sfs;
        bool procfs;
        ssize_t n;
        int r;

        *ret_jumped = false;
        if (++w->links > MAX_LINKS)
                return -ELOOP;
        if (w->flags & ACT_NO_SYMLINKS)
                return -ELOOP;
        procfs = fstatfs(w->cur, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
        if (procfs) {
                struct statx stx;
                bool in_root = statx(w->cur, "", AT_EMPTY_PATH, STATX_INO, &stx) == 0 &&
                               stx.stx_ino == PROC_ROOT_INO;

                if (in_root && (strcmp(comp, "self") == 0 || strcmp(comp, "thread-self") == 0)) {
                        r = proc_self_text(w, comp, target, sizeof(target));
                        if (r < 0)
                                return r;
                        return walk_push(w, target);
                }
                if (!in_root) {
                        if (w->flags & ACT_NO_MAGICLINKS)
                                return -ELOOP;
                        /* nd_jump_link(): no jumps out of a scoped lookup. */
                        if (w->flags & (ACT_IN_ROOT | ACT_BENEATH))
                                return -EXDEV;
                        int fd = openat(w->cur, comp, O_PATH | O_CLOEXEC);
                        if (fd < 0)
                                return -errno;
                        walk_move(w, fd);
                        *ret_jumped = true;
                        return 0;
                }
        }
        n = readlinkat(link_fd, "", target, sizeof(target));
        if (n < 0)
                return -errno;
        if ((size_t)n >= sizeof(target))
                return -ENAMETOOLONG;
        target[n] = '\0';
        if (n == 0)
                return -ENOENT;
        if (target[0] == '/') {
                if (w->flags & ACT_BENEATH)
                        return -EXDEV;
                r = dup_fd(w->root_fd);
                if (r < 0)
                        return r;
                walk_move(w, r);
        }
        return walk_push(w, target);
}

/* The next component of w->rest into comp; *ret_last: nothing follows it,
 * *ret_slash: it was followed by a '/' (a trailing slash when last). */
static bool next_component(struct walk *w, char comp[static NAME_MAX + 1], bool *ret_last,
                           bool *ret_slash, int *ret_error)
{
        const char *p = w->rest + w->pos;
        size_t n;

        while (*p == '/')
                p++;
        if (*p == '\0')
                return false;
        n = strcspn(p, "/");
        if (n > NAME_MAX) {
                *ret_error = ENAMETOOLONG;
                return false;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        p += n;
        *ret_slash = *p == '/';
        while (*p == '/')
                p++;
        *ret_last = *p == '\0';
        w->pos = (size_t)(p - w->rest);
        return true;
}

/* Fills ret->name for an object at (dir, last) or obj: the directory's
 * checked name and the last component, then what could not be walked,
 * folded as text (the call fails there anyway). */
static int fill_name(const struct act_view *v, struct act_resolved *ret, int dir, const char *last,
                     const char *unwalked)
{
        char base[PATH_MAX];
        size_t len;
        int r;

        /* No name in the caller's root, or none that fits in PATH_MAX:
         * unnamed (rules see no path), not a failure of ours. */
        r = act_name_of(v, dir, base);
        if (r == -ENOENT || r == -ENAMETOOLONG)
                goto unnamed;
        if (r < 0)
                return r;
        /* Anonymous objects cannot have names below them. */
        if (base[0] != '/' && (last[0] || (unwalked && unwalked[0])))
                goto unnamed;
        len = strlen(base);
        if (len == 1)
                len = 0; /* "/" + "x" is "/x" */
        memcpy(ret->name, base, len + 1);
        if (last[0]) {
                if (len + 1 + strlen(last) >= PATH_MAX)
                        goto unnamed;
                ret->name[len++] = '/';
                memcpy(ret->name + len, last, strlen(last) + 1);
                len += strlen(last);
        }
        if (unwalked && unwalked[0]) {
                /* Folded inside the caller's root: ".." stops there. */
                size_t inner = len - v->prefix_len;
                r = act_fold(ret->name + v->prefix_len, &inner, PATH_MAX - v->prefix_len, 0,
                             unwalked);
                if (r < 0)
                        goto unnamed;
                len = v->prefix_len + inner;
        }
        if (len == 0) {
                ret->name[0] = '/';
                ret->name[1] = '\0';
        }
        ret->named = true;
        return 0;
unnamed:
        ret->named = false;
        ret->name[0] = '\0';
        return 0;
}

int act_fold(char *work, size_t *len, size_t cap, size_t root_len, const char *path)
{
        const char *p = path;

        while (*p != '\0') {
                const char *end = strchrnul(p, '/');
                size_t n = (size_t)(end - p);

                if (n == 0 || (n == 1 && p[0] == '.')) {
                        /* nothing */
                } else if (n == 2 && p[0] == '.' && p[1] == '.') {
                        if (*len > root_len) {
                                char *slash = memrchr(work + root_len, '/', *len - root_len);
                                *len = slash != NULL ? (size_t)(slash - work) : root_len;
                        }
                } else {
                        if (*len + 1 + n >= cap)
                                return -ENAMETOOLONG;
                        work[(*len)++] = '/';
                        memcpy(work + *len, p, n);
                        *len += n;
                }
                p = *end == '/' ? end + 1 : end;
        }
        work[*len] = '\0';
        return 0;
}

/* The walk proper; on return w->cur and ret hold the outcome. */
static int walk(struct walk *w, struct act_resolved *ret, bool *ret_obj)
{
        char comp[NAME_MAX + 1];
        bool last, slash;
        int error = 0, r;

        *ret_obj = true; /* until a last name is found, the object is cur */
        while (next_component(w, comp, &last, &slash, &error)) {
                bool follow = !last || slash || !(w->flags & ACT_NOFOLLOW);

                if (strcmp(comp, ".") == 0)
                        continue;
                if (strcmp(comp, "..") == 0) {
                        bool root;
                        r = at_root(w, &root);
                        if (r < 0)
                                return r;
                        if (root && (w->flags & ACT_BENEATH)) {
                                ret->error = EXDEV;
                                return 0;
                        }
                        if (!root) {
                                int fd = openat(w->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (fd < 0) {
                                        ret->error = errno;
                                        return 0;
                                }
                                walk_move(w, fd);
                        }
                        continue;
                }

                int fd = openat(w->cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                struct stat st;
                if (fd < 0) {
                        ret->error = errno;
                        /* The name the call will fail on, for the decision. */
                        memcpy(ret->last, comp, strlen(comp) + 1);
                        *ret_obj = false;
                        if (errno == ENOENT && last) {
                                ret->error = 0;
                                ret->must_be_dir = slash;
                        }
                        return 0;
                }
                if (fstat(fd, &st) < 0) {
                        r = -errno;
                        close(fd);
                        return r;
                }
                if (S_ISLNK(st.st_mode) && last && slash && (w->flags & ACT_NAME)) {
                        /* rmdir("link/"), rename("link/", ...): a call on
                         * the name itself does not follow it because of the
                         * slash; the kernel refuses the slash on a symlink. */
                        close(fd);
                        memcpy(ret->last, comp, strlen(comp) + 1);
                        *ret_obj = false;
                        ret->exists = true;
                        ret->type = S_IFLNK;
                        ret->error = ENOTDIR;
                        return 0;
                }
                if (S_ISLNK(st.st_mode) && follow) {
                        bool jumped;
                        r = follow_link(w, comp, fd, &jumped);
                        close(fd);
                        if (r == -ENOMEM || r == -ESRCH)
                                return r;
                        if (r < 0) {
                                ret->error = -r;
                                return 0;
                        }
                        /* A trailing slash wants a directory at the end of the link too. */
                        if (jumped && last) {
                                /* the object is what the link named */
                                if (slash && (fstat(w->cur, &st) < 0 || !S_ISDIR(st.st_mode)))
                                        ret->error = ENOTDIR;
                                return 0;
                        }
                        if (last && slash)
                                strcat(w->rest, "/"); /* walk_push() left room for it */
                        continue;
                }
                if (last) {
                        close(fd);
                        memcpy(ret->last, comp, strlen(comp) + 1);
                        ret->exists = true;
                        ret->type = st.st_mode & S_IFMT;
                        ret->rdev = st.st_rdev;
                        ret->must_be_dir = slash;
                        *ret_obj = false;
                        if (slash && !S_ISDIR(st.st_mode))
                                ret->error = ENOTDIR;
                        return 0;
                }
                if (!S_ISDIR(st.st_mode)) {
                        close(fd);
                        ret->error = ENOTDIR;
                        return 0;
                }
                walk_move(w, fd);
        }
        if (error)
                ret->error = error;
        return 0;
}

/*
 * Most paths have no symlink before their last component: the kernel can
 * then walk them for us in one openat2 (no symlink, no magic link, never
 * above the root or the start), and their name is the path folded as
 * text, which the same lookup proves true. Anything else (a symlink on the
 * way, "..", a trailing '/', an openat2 scope, a start we cannot name)
 * returns false and takes the walk. base is the caller's root for an
 * absolute path, else start; ret is filled only on success.
 */
static bool resolve_fast(struct act_view *v, int start, const char *path, unsigned flags,
                         struct act_resolved *ret)
{
        const char *slash = strrchr(path, '/');
        const char *last = slash ? slash + 1 : path;
        bool absolute = path[0] == '/';
        char parent[PATH_MAX];
        size_t len, plen = slash ? (size_t)(slash - path) : 0;
        struct stat st;
        int dir;

        if (flags & (ACT_IN_ROOT | ACT_BENEATH | ACT_EMPTY_PATH) || !*last ||
            strlen(last) > NAME_MAX || strcmp(last, ".") == 0 || strcmp(last, "..") == 0 ||
            (!absolute && start < 0))
                return false;
        if (__atomic_load_n(&no_openat2, __ATOMIC_RELAXED))
                return false;
        memcpy(parent, path, plen);
        parent[plen] = '\0';
        /* ".." folded as text could dip into the root's or the start's own
         * name and come back: the walk does it right. */
        for (const char *p = parent; (p = strstr(p, "..")) != NULL; p += 2)
                if ((p == parent || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
                        return false;
        /* The name: the root's or the start's, then the path as text. */
        if (absolute) {
                memcpy(ret->name, v->prefix, v->prefix_len + 1);
                len = v->prefix_len;
        } else {
                if (act_name_of(v, start, ret->name) < 0 || ret->name[0] != '/')
                        return false;
                len = strlen(ret->name);
                if (len == 1)
                        len = 0;
        }
        size_t base_len = len;
        if (act_fold(ret->name, &len, PATH_MAX, 0, parent) < 0 || len < base_len ||
            act_fold(ret->name, &len, PATH_MAX, 0, last) < 0)
                return false;

        struct open_how how = {
            .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
            .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
                       (absolute ? RESOLVE_IN_ROOT : RESOLVE_BENEATH),
        };
        dir = (int)syscall(SYS_openat2, absolute ? v->root_fd : start,
                           plen > 0 && parent[0] ? (parent[0] == '/' ? parent + 1 : parent) : ".",
                           &how, sizeof(how));
        if (dir < 0)
                return false;
        /* The last name, as it is now: a symlink the call follows takes
         * the walk. */
        if (fstatat(dir, last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                if (errno != ENOENT) {
                        close(dir);
                        return false;
                }
        } else {
                if (S_ISLNK(st.st_mode) && !(flags & ACT_NOFOLLOW)) {
                        close(dir);
                        return false;
                }
                ret->exists = true;
                ret->type = st.st_mode & S_IFMT;
                ret->rdev = st.st_rdev;
        }
        if (len == 0) {
                ret->name[0] = '/';
                ret->name[1] = '\0';
        }
        memcpy(ret->last, last, strlen(last) + 1);
        ret->dir_fd = dir;
        ret->named = true;
        return true;
}

int act_resolve(struct act_view *v, int dirfd, const char *path, unsigned flags,
                struct act_resolved *ret)
{
        struct walk *w;
        bool obj = true;
        int start = -1, r;

        *ret = (struct act_resolved)ACT_RESOLVED_INIT;
        if (strnlen(path, PATH_MAX) >= PATH_MAX) {
                ret->error = ENAMETOOLONG;
                return 0;
        }
        /* What the kernel refuses before it looks at the dirfd. */
        if (path[0] == '\0' && !(flags & ACT_EMPTY_PATH))
                ret->error = ENOENT;
        else if (path[0] == '/' && (flags & ACT_BENEATH))
                ret->error = EXDEV;
        if (ret->error)
                return 0;
        w = malloc(sizeof(*w));
        if (!w)
                return -ENOMEM;
        *w = (struct walk){
            .v = v, .flags = flags, .root_fd = v->root_fd, .root_id = v->root_id, .cur = -1};

        if (path[0] != '/' || (flags & (ACT_IN_ROOT | ACT_BENEATH))) {
                r = open_start(v, dirfd, &start);
                if (r == -EBADF) {
                        ret->error = EBADF;
                        r = 0;
                        goto out;
                }
                if (r < 0)
                        goto out;
        }
        if (path[0] != '\0' && resolve_fast(v, start, path, flags, ret)) {
                r = 0;
                goto out;
        }
        *ret = (struct act_resolved)ACT_RESOLVED_INIT;
        if (flags & (ACT_IN_ROOT | ACT_BENEATH)) {
                /* openat2 scopes: the dirfd is the root the walk stays in. */
                w->root_fd = start;
                r = act_file_id(start, &w->root_id);
                if (r < 0)
                        goto out;
        }
        if (path[0] != '\0' && (path[0] != '/' || (flags & ACT_IN_ROOT))) {
                /* A walk from the dirfd starts in a directory ("." of a file). */
                struct stat st;
                if (fstat(start, &st) < 0) {
                        r = -errno;
                        goto out;
                }
                if (!S_ISDIR(st.st_mode)) {
                        ret->error = ENOTDIR;
                        r = 0;
                        goto out;
                }
        }
        r = dup_fd(path[0] == '/' ? w->root_fd : start);
        if (r < 0)
                goto out;
        w->cur = r;
        memcpy(w->rest, path, strlen(path) + 1);
        r = walk(w, ret, &obj);
        if (r < 0)
                goto out;

        if (obj) {
                r = fill_name(v, ret, w->cur, "", ret->error ? w->rest + w->pos : NULL);
                ret->obj_fd = w->cur;
        } else {
                r = fill_name(v, ret, w->cur, ret->last, ret->error ? w->rest + w->pos : NULL);
                ret->dir_fd = w->cur;
        }
        w->cur = -1;
out:
        if (w->cur >= 0)
                close(w->cur);
        if (start >= 0)
                close(start);
        free(w);
        if (r < 0)
                act_resolved_clear(ret);
        return r;
}
