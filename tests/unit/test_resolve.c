/* SPDX-License-Identifier: MIT */
/*
 * act/resolve.c on this very process: a small tree under /tmp, walked
 * through our own root and through /proc/self/root, with AT_FDCWD (cwd in
 * the tree) and with directory descriptors. Each row of the table states
 * what the resolver must answer, and is checked against the kernel too:
 * openat2() with the same start and scope says which file the path names,
 * or which errno it fails with. Cases a table cannot hold (a pipe, a
 * deleted directory, a detached mount, a chrooted caller) have tests of
 * their own. The last test checks that nothing leaked a descriptor.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "act/act_internal.h"

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

static char tree[PATH_MAX]; /* canonical, as the kernel names it */
static int baseline_fds = -1;

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int n = 0;

        if (!d)
                return -1;
        while ((e = readdir(d)))
                if (e->d_name[0] != '.')
                        n++;
        closedir(d);
        return n - 1; /* the directory's own descriptor */
}

/* s with every '@' replaced by the tree's name, into one of a few buffers. */
static const char *at(const char *s)
{
        static char bufs[4][2 * PATH_MAX];
        static unsigned next;
        char *out = bufs[next++ % 4];
        size_t n = 0;

        for (; *s && n + strlen(tree) + 1 < sizeof(bufs[0]); s++) {
                if (*s == '@') {
                        memcpy(out + n, tree, strlen(tree));
                        n += strlen(tree);
                } else {
                        out[n++] = *s;
                }
        }
        out[n] = '\0';
        return out;
}

static void make_file(const char *path)
{
        int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);
}

static void make_link(const char *target, const char *path)
{
        assert_int_equal(symlink(target, path), 0);
}

/*
 * The tree:
 *   a/  a/f  a/sub/  a/sub/g  a/sub/rootf -> /f (absolute: a/f for a caller chrooted in a)
 *   lf -> a/f   ld -> a   lsub -> a/sub   loop -> loop   rootabs -> /a/f
 *   c0 -> c1 -> ... -> c40 -> a/f   (41 links from c0, 40 from c1)
 */
static int group_setup(void **state)
{
        char tmpl[] = "/tmp/test_resolve.XXXXXX";

        if (!mkdtemp(tmpl) || !realpath(tmpl, tree))
                return -1;
        if (mkdir(at("@/a"), 0755) < 0 || mkdir(at("@/a/sub"), 0755) < 0)
                return -1;
        make_file(at("@/a/f"));
        make_file(at("@/a/sub/g"));
        make_link("/f", at("@/a/sub/rootf"));
        make_link("a/f", at("@/lf"));
        make_link("a", at("@/ld"));
        make_link("a/sub", at("@/lsub"));
        make_link("loop", at("@/loop"));
        make_link("/a/f", at("@/rootabs"));
        for (int i = 0; i <= 40; i++) {
                char target[16], name[16];
                snprintf(name, sizeof(name), "@/c%d", i);
                if (i == 40)
                        snprintf(target, sizeof(target), "a/f");
                else
                        snprintf(target, sizeof(target), "c%d", i + 1);
                make_link(target, at(name));
        }
        baseline_fds = count_fds();
        return baseline_fds < 0 ? -1 : 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return remove(path);
}

static int group_teardown(void **state)
{
        if (chdir("/") < 0)
                return -1;
        return tree[0] ? nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS) : 0;
}

/* Where a row's walk starts. */
enum start {
        START_CWD,  /* AT_FDCWD, the cwd being the tree */
        START_TREE, /* a descriptor of the tree */
        START_A,    /* a descriptor of a/ */
        START_FILE, /* a descriptor of a/f */
        START_PIPE, /* a pipe's read end */
        START_PROC, /* /proc/self, a directory of procfs */
        START_BAD,  /* a number that is no descriptor */
};

struct starts {
        int fd[START_BAD + 1];
        int pipe_w;
};

static void starts_open(struct starts *s)
{
        int p[2];

        assert_int_equal(chdir(tree), 0);
        s->fd[START_CWD] = AT_FDCWD;
        s->fd[START_TREE] = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        s->fd[START_A] = open(at("@/a"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        s->fd[START_FILE] = open(at("@/a/f"), O_RDONLY | O_CLOEXEC);
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        s->fd[START_PIPE] = p[0];
        s->pipe_w = p[1];
        s->fd[START_PROC] = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC);
        s->fd[START_BAD] = 1000000;
        for (int i = START_TREE; i <= START_PROC; i++)
                assert_true(s->fd[i] >= 0);
}

static void starts_close(struct starts *s)
{
        for (int i = START_TREE; i <= START_PROC; i++)
                close(s->fd[i]);
        close(s->pipe_w);
        assert_int_equal(chdir("/"), 0);
}

enum shape {
        SHAPE_ANY,
        SHAPE_LAST, /* (dir_fd, last) */
        SHAPE_OBJ,  /* obj_fd */
};

enum named {
        NAME_ANY, /* not asserted (a failing lookup) */
        NAMED,
        UNNAMED,
};

struct row {
        const char *path; /* '@' is the tree */
        enum start start;
        unsigned flags;
        int error;
        enum named named;
        const char *name; /* '@' is the tree */
        enum shape shape;
        bool exists;      /* for SHAPE_LAST */
        bool must_be_dir; /* for SHAPE_LAST */
};

static bool same_stat(const struct stat *a, const struct stat *b)
{
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* What the result holds: the object (obj_fd, or last in dir_fd). */
static int held_stat(const struct act_resolved *r, struct stat *st)
{
        if (r->obj_fd >= 0)
                return fstat(r->obj_fd, st);
        if (r->dir_fd >= 0)
                return fstatat(r->dir_fd, r->last, st, AT_SYMLINK_NOFOLLOW);
        errno = EBADF;
        return -1;
}

/* The kernel's answer for the same lookup: 0 with *st, or an errno. */
static int kernel_lookup(int dirfd, const char *path, unsigned flags, struct stat *st)
{
        struct open_how how = {.flags = O_PATH | O_CLOEXEC};
        int fd;

        if (path[0] == '\0' && (flags & ACT_EMPTY_PATH))
                return fstatat(dirfd, "", st, AT_EMPTY_PATH) < 0 ? errno : 0;
        if (flags & ACT_NOFOLLOW)
                how.flags |= O_NOFOLLOW;
        if (flags & ACT_IN_ROOT)
                how.resolve |= RESOLVE_IN_ROOT;
        if (flags & ACT_BENEATH)
                how.resolve |= RESOLVE_BENEATH;
        if (flags & ACT_NO_SYMLINKS)
                how.resolve |= RESOLVE_NO_SYMLINKS;
        if (flags & ACT_NO_MAGICLINKS)
                how.resolve |= RESOLVE_NO_MAGICLINKS;
        fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        if (fd < 0)
                return errno;
        int r = fstat(fd, st) < 0 ? errno : 0;
        close(fd);
        return r;
}

/* The resolver and the kernel agree on the outcome and on the file. */
static void assert_kernel_agrees(const char *path, int dirfd, unsigned flags,
                                 const struct act_resolved *r)
{
        struct stat want = {0}, got = {0};
        int e = kernel_lookup(dirfd, path, flags, &want);

        if (e == ENOSYS) {
                /* No openat2 (valgrind does not know it): no oracle. The
                 * resolver's own answer is still checked, and it walks
                 * without openat2 then too. */
                static bool said;
                if (!said)
                        print_message("  openat2: ENOSYS, not compared with the kernel\n");
                said = true;
                return;
        }
        if (e == 0) {
                if (r->error != 0)
                        fail_msg("%s: resolver says %s, the kernel finds it", path,
                                 strerror(r->error));
                assert_int_equal(held_stat(r, &got), 0);
                if (!same_stat(&want, &got))
                        fail_msg("%s: resolver holds another file than the kernel opens", path);
        } else if (e == ENOENT) {
                /* A missing last name is no error for the resolver. */
                if (!(r->error == ENOENT || (r->error == 0 && r->dir_fd >= 0 && !r->exists)))
                        fail_msg("%s: kernel ENOENT, resolver %s (exists %d)", path,
                                 strerror(r->error), r->exists);
        } else if (e != r->error) {
                fail_msg("%s: kernel %s, resolver %s", path, strerror(e), strerror(r->error));
        }
}

static void check_row(const struct row *row, struct act_view *v, const struct starts *s,
                      const char *view_name)
{
        struct act_resolved r;
        const char *path = at(row->path);
        int dirfd = s->fd[row->start];

        print_message("  %-32s %s\n", row->path, view_name);
        assert_int_equal(act_resolve(v, dirfd, path, row->flags, &r), 0);
        if (r.error != row->error)
                fail_msg("%s: error %s, want %s", row->path, strerror(r.error),
                         strerror(row->error));
        if (row->named == NAMED) {
                assert_true(r.named);
                assert_string_equal(r.name, at(row->name));
        } else if (row->named == UNNAMED) {
                assert_false(r.named);
        }
        if (row->shape == SHAPE_LAST) {
                assert_true(r.dir_fd >= 0);
                assert_int_equal(r.obj_fd, -1);
                assert_int_equal(r.exists, row->exists);
                assert_int_equal(r.must_be_dir, row->must_be_dir);
                assert_string_equal(r.name + strlen(r.name) - strlen(r.last), r.last);
        } else if (row->shape == SHAPE_OBJ) {
                assert_true(r.obj_fd >= 0);
                assert_int_equal(r.dir_fd, -1);
        }
        assert_false(r.dir_fd >= 0 && r.obj_fd >= 0);
        assert_kernel_agrees(path, dirfd, row->flags, &r);
        act_resolved_clear(&r);
        assert_int_equal(r.dir_fd, -1);
        assert_int_equal(r.obj_fd, -1);
}

/* Each row through our own root and through /proc/self/root. */
static void check_rows(const struct row *rows, size_t n)
{
        struct starts s;

        starts_open(&s);
        for (int ours = 0; ours < 2; ours++) {
                struct act_view v;
                assert_int_equal(act_view_open(&v, getpid(), ours), 0);
                assert_string_equal(v.prefix, "");
                for (size_t i = 0; i < n; i++)
                        check_row(&rows[i], &v, &s, ours ? "(our root)" : "(/proc/self/root)");
                act_view_close(&v);
        }
        starts_close(&s);
}

#define LAST(n, e)     NAMED, n, SHAPE_LAST, e, false
#define LAST_DIR(n, e) NAMED, n, SHAPE_LAST, e, true
#define OBJ(n)         NAMED, n, SHAPE_OBJ, false, false
#define FAILS_NAMED(n) NAMED, n, SHAPE_ANY, false, false
#define FAILS          NAME_ANY, NULL, SHAPE_ANY, false, false

static void test_names_and_links(void **state)
{
        static const struct row rows[] = {
            {"@/a/f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"@//a///./f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"@/lf", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"@/lf", START_CWD, ACT_NOFOLLOW, 0, LAST("@/lf", true)},
            {"@/ld/sub/g", START_CWD, 0, 0, LAST("@/a/sub/g", true)},
            {"@/ld/sub/g", START_CWD, ACT_NOFOLLOW, 0, LAST("@/a/sub/g", true)},
            /* ".." after a symlink is the target's parent, not the text's. */
            {"@/lsub/../f", START_CWD, 0, 0, LAST("@/a/f", true)},
            /* A trailing slash is kept through the link it follows. */
            {"@/ld/", START_CWD, ACT_NOFOLLOW, 0, LAST_DIR("@/a", true)},
            {"@/lf/", START_CWD, 0, ENOTDIR, FAILS},
            {"@/lf/", START_CWD, ACT_NOFOLLOW, ENOTDIR, FAILS},
            {"@/loop/", START_CWD, ACT_NOFOLLOW, ELOOP, FAILS},
            {"@/a/sub/../../a/./f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"/..", START_CWD, 0, 0, OBJ("/")},
            {"/../../..", START_CWD, 0, 0, OBJ("/")},
            {"/../..@/a/f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"@/c1", START_CWD, 0, 0, LAST("@/a/f", true)}, /* 40 links */
            {"@/c0", START_CWD, 0, ELOOP, FAILS},           /* 41 links */
            {"@/loop", START_CWD, 0, ELOOP, FAILS},
            {"@/loop", START_CWD, ACT_NOFOLLOW, 0, LAST("@/loop", true)},
            {"@/rootabs", START_CWD, 0, ENOENT, FAILS},
        };
        check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_relative_and_empty_paths(void **state)
{
        static const struct row rows[] = {
            {"a/f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"./ld/./sub/../f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"sub/g", START_A, 0, 0, LAST("@/a/sub/g", true)},
            {"../lf", START_A, 0, 0, LAST("@/a/f", true)},
            {"..", START_A, 0, 0, OBJ("@")},
            {".", START_A, 0, 0, OBJ("@/a")},
            {"", START_A, ACT_EMPTY_PATH, 0, OBJ("@/a")},
            {"", START_FILE, ACT_EMPTY_PATH, 0, OBJ("@/a/f")},
            {"", START_A, 0, ENOENT, FAILS},
            {"", START_CWD, ACT_EMPTY_PATH, 0, OBJ("@")},
            {"f", START_BAD, 0, EBADF, UNNAMED, NULL, SHAPE_ANY, false, false},
            {"x", START_FILE, 0, ENOTDIR, FAILS},
            {"x", START_PIPE, 0, ENOTDIR, FAILS},
            /* A walk from a dirfd needs a directory there, even for ".". */
            {".", START_FILE, 0, ENOTDIR, FAILS},
            {"./", START_PIPE, 0, ENOTDIR, FAILS},
            {"/a/f", START_FILE, ACT_IN_ROOT, ENOTDIR, FAILS},
            {"@/a/f", START_FILE, 0, 0, LAST("@/a/f", true)},
            /* Refused before the dirfd is looked at. */
            {"", START_BAD, 0, ENOENT, FAILS},
            {"/", START_BAD, ACT_BENEATH, EXDEV, FAILS},
        };
        check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_missing_and_wrong_types(void **state)
{
        static const struct row rows[] = {
            {"@/a/missing", START_CWD, 0, 0, LAST("@/a/missing", false)},
            {"@/a/missing/", START_CWD, 0, 0, LAST_DIR("@/a/missing", false)},
            {"@/a/missing", START_CWD, ACT_NOFOLLOW, 0, LAST("@/a/missing", false)},
            /* The name goes as far as the path does, for the decision. */
            {"@/a/missing/x", START_CWD, 0, ENOENT, FAILS_NAMED("@/a/missing/x")},
            {"@/a/f/x", START_CWD, 0, ENOTDIR, FAILS},
            {"@/a/f/", START_CWD, 0, ENOTDIR, FAILS_NAMED("@/a/f")},
            {"@/a/f/.", START_CWD, 0, ENOTDIR, FAILS},
        };
        check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_proc_self_is_the_caller(void **state)
{
        static const struct row rows[] = {
            {"/proc/self/root@/a/f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"/proc/thread-self/root@/lsub/../f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"/proc/self/cwd/a/f", START_CWD, 0, 0, LAST("@/a/f", true)},
            {"/proc/self/cwd/ld", START_CWD, ACT_NOFOLLOW, 0, LAST("@/ld", true)},
            {"/proc/self/cwd", START_CWD, 0, 0, OBJ("@")},
            {"/proc/self/cwd/", START_CWD, 0, 0, OBJ("@")},
            {"/proc/self/cwd/..", START_CWD, 0, 0, OBJ("/tmp")},
            {"/proc/self/root/..", START_CWD, 0, 0, OBJ("/")},
        };
        check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_proc_self_fd_of_a_directory(void **state)
{
        int dirfd = open(at("@/a"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int filefd = open(at("@/a/f"), O_RDONLY | O_CLOEXEC);
        char path[5][64], link[64];

        assert_true(dirfd >= 0 && filefd >= 0);
        snprintf(path[3], sizeof(path[3]), "/proc/self/fd/%d/", dirfd);
        snprintf(path[4], sizeof(path[4]), "/proc/self/fd/%d/", filefd);
        snprintf(path[0], sizeof(path[0]), "/proc/self/fd/%d/f", dirfd);
        snprintf(path[1], sizeof(path[1]), "/proc/thread-self/fd/%d/sub/g", dirfd);
        snprintf(path[2], sizeof(path[2]), "/proc/self/fd/%d", dirfd);
        /* Not followed, the link is named in the caller's own /proc/PID. */
        snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)getpid(), dirfd);
        const struct row rows[] = {
            {path[0], START_CWD, 0, 0, LAST("@/a/f", true)},
            {path[1], START_CWD, 0, 0, LAST("@/a/sub/g", true)},
            {path[2], START_CWD, 0, 0, OBJ("@/a")},
            {path[3], START_CWD, 0, 0, OBJ("@/a")},
            {path[4], START_CWD, 0, ENOTDIR, FAILS},
            {path[2], START_CWD, ACT_NOFOLLOW, 0, LAST(link, true)},
            {path[0], START_CWD, ACT_NO_MAGICLINKS, ELOOP, FAILS},
            /* A scoped lookup never jumps: it would leave its dirfd. */
            {"cwd", START_PROC, 0, 0, OBJ("@")},
            {"cwd", START_PROC, ACT_BENEATH, EXDEV, FAILS},
            {"cwd/a/f", START_PROC, ACT_IN_ROOT, EXDEV, FAILS},
            {"root", START_PROC, ACT_BENEATH | ACT_NO_MAGICLINKS, ELOOP, FAILS},
        };
        check_rows(rows, sizeof(rows) / sizeof(rows[0]));
        close(dirfd);
        close(filefd);
}

static void test_openat2_scopes(void **state)
{
        static const struct row rows[] = {
            {"@/lf", START_CWD, ACT_NO_SYMLINKS, ELOOP, FAILS},
            {"@/ld/f", START_CWD, ACT_NO_SYMLINKS, ELOOP, FAILS},
            {"@/a/f", START_CWD, ACT_NO_SYMLINKS, 0, LAST("@/a/f", true)},
            {"/proc/self/cwd/a/f", START_CWD, ACT_NO_MAGICLINKS, ELOOP, FAILS},
            {"/proc/self/root@/a/f", START_CWD, ACT_NO_SYMLINKS, ELOOP, FAILS},
            {"../f", START_A, ACT_BENEATH, EXDEV, FAILS},
            {"sub/../../a/f", START_A, ACT_BENEATH, EXDEV, FAILS},
            {"sub/../f", START_A, ACT_BENEATH, 0, LAST("@/a/f", true)},
            {"@/a/f", START_A, ACT_BENEATH, EXDEV, FAILS},
            {"../lf", START_A, ACT_BENEATH, EXDEV, FAILS},
            {"lf", START_TREE, ACT_BENEATH, 0, LAST("@/a/f", true)},
            {"rootabs", START_TREE, ACT_BENEATH, EXDEV, FAILS},
            /* In the root: an absolute symlink and ".." stay in the dirfd. */
            {"rootabs", START_TREE, ACT_IN_ROOT, 0, LAST("@/a/f", true)},
            {"/a/f", START_TREE, ACT_IN_ROOT, 0, LAST("@/a/f", true)},
            {"../../a/f", START_TREE, ACT_IN_ROOT, 0, LAST("@/a/f", true)},
            {"/..", START_A, ACT_IN_ROOT, 0, OBJ("@/a")},
            {"sub/rootf", START_A, ACT_IN_ROOT, 0, LAST("@/a/f", true)},
        };
        check_rows(rows, sizeof(rows) / sizeof(rows[0]));
}

static void test_long_paths(void **state)
{
        char *path = malloc(PATH_MAX + 1);
        struct act_resolved r;
        struct act_view v;
        size_t n;

        assert_non_null(path);
        assert_int_equal(act_view_open(&v, getpid(), false), 0);

        /* PATH_MAX bytes and its NUL do not fit: the kernel's ENAMETOOLONG. */
        memset(path, 'a', PATH_MAX);
        path[PATH_MAX] = '\0';
        assert_int_equal(act_resolve(&v, AT_FDCWD, path, 0, &r), 0);
        assert_int_equal(r.error, ENAMETOOLONG);
        act_resolved_clear(&r);

        /* PATH_MAX - 1 bytes do, however they are spent. */
        n = (size_t)snprintf(path, PATH_MAX, "%s/", tree);
        while (n < PATH_MAX - 1 - strlen("a/f"))
                path[n++] = '/';
        strcpy(path + n, "a/f");
        assert_int_equal(strlen(path), PATH_MAX - 1);
        assert_int_equal(act_resolve(&v, AT_FDCWD, path, 0, &r), 0);
        assert_int_equal(r.error, 0);
        assert_string_equal(r.name, at("@/a/f"));
        act_resolved_clear(&r);

        /* A component longer than NAME_MAX, on the way or last. */
        n = (size_t)snprintf(path, PATH_MAX, "%s/", tree);
        memset(path + n, 'x', NAME_MAX + 1);
        strcpy(path + n + NAME_MAX + 1, "/f");
        assert_int_equal(act_resolve(&v, AT_FDCWD, path, 0, &r), 0);
        assert_int_equal(r.error, ENAMETOOLONG);
        act_resolved_clear(&r);
        path[n + NAME_MAX + 1] = '\0';
        assert_int_equal(act_resolve(&v, AT_FDCWD, path, 0, &r), 0);
        assert_int_equal(r.error, ENAMETOOLONG);
        act_resolved_clear(&r);
        /* NAME_MAX itself is a name. */
        path[n + NAME_MAX] = '\0';
        assert_int_equal(act_resolve(&v, AT_FDCWD, path, 0, &r), 0);
        assert_int_equal(r.error, 0);
        assert_false(r.exists);
        assert_string_equal(r.last, path + n);
        act_resolved_clear(&r);

        act_view_close(&v);
        free(path);
}

/* A name that does not fit in PATH_MAX is no name, and no failure: the
 * kernel walks such paths, and the call is decided without a path. */
static void test_names_longer_than_path_max(void **state)
{
        enum { DEPTH = PATH_MAX / 200 + 1 };
        int fds[DEPTH + 1];
        char name[201], *path = malloc(PATH_MAX);
        struct act_resolved r;
        struct act_view v;
        size_t n;

        assert_non_null(path);
        memset(name, 'd', 200);
        name[200] = '\0';
        fds[0] = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fds[0] >= 0);
        for (int i = 1; i <= DEPTH; i++) {
                assert_int_equal(mkdirat(fds[i - 1], name, 0755), 0);
                fds[i] = openat(fds[i - 1], name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                assert_true(fds[i] >= 0);
        }
        assert_int_equal(act_view_open(&v, getpid(), false), 0);

        /* A name in a directory deeper than PATH_MAX. */
        assert_int_equal(act_resolve(&v, fds[DEPTH], "x", 0, &r), 0);
        assert_int_equal(r.error, 0);
        assert_true(r.dir_fd >= 0);
        assert_false(r.named);
        act_resolved_clear(&r);
        assert_int_equal(act_resolve(&v, fds[DEPTH], "", ACT_EMPTY_PATH, &r), 0);
        assert_int_equal(r.error, 0);
        assert_false(r.named);
        act_resolved_clear(&r);

        /* A failing path whose folded rest makes the name too long. */
        assert_int_equal(chdir(tree), 0);
        n = (size_t)snprintf(path, PATH_MAX, "missing");
        while (n + 2 < PATH_MAX - 1) {
                size_t k = PATH_MAX - 1 - n - 1;
                k = k < NAME_MAX ? k : NAME_MAX;
                path[n++] = '/';
                memset(path + n, 'm', k);
                n += k;
        }
        path[n] = '\0';
        assert_int_equal(n, PATH_MAX - 1);
        assert_int_equal(act_resolve(&v, AT_FDCWD, path, 0, &r), 0);
        assert_int_equal(r.error, ENOENT);
        assert_false(r.named);
        act_resolved_clear(&r);
        assert_int_equal(chdir("/"), 0);

        act_view_close(&v);
        for (int i = DEPTH; i >= 1; i--) {
                close(fds[i]);
                assert_int_equal(unlinkat(fds[i - 1], name, AT_REMOVEDIR), 0);
        }
        close(fds[0]);
        free(path);
}

static void resolve_one(struct act_view *v, int dirfd, const char *path, unsigned flags,
                        struct act_resolved *r)
{
        assert_int_equal(act_resolve(v, dirfd, path, flags, r), 0);
}

static void test_a_pipe_is_named_by_the_kernel(void **state)
{
        struct act_resolved r;
        struct act_view v;
        char path[64];
        int p[2];

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(act_view_open(&v, getpid(), false), 0);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
        resolve_one(&v, AT_FDCWD, path, 0, &r);
        assert_int_equal(r.error, 0);
        assert_true(r.named);
        assert_true(r.obj_fd >= 0);
        assert_int_equal(strncmp(r.name, "pipe:[", 6), 0);
        act_resolved_clear(&r);

        /* Nothing is below a pipe, and nothing below it has a name. */
        snprintf(path, sizeof(path), "/proc/self/fd/%d/x", p[0]);
        resolve_one(&v, AT_FDCWD, path, 0, &r);
        assert_int_equal(r.error, ENOTDIR);
        assert_false(r.named);
        act_resolved_clear(&r);

        /* The pipe itself, with AT_EMPTY_PATH. */
        resolve_one(&v, p[1], "", ACT_EMPTY_PATH, &r);
        assert_int_equal(r.error, 0);
        assert_true(r.named);
        assert_int_equal(strncmp(r.name, "pipe:[", 6), 0);
        act_resolved_clear(&r);

        act_view_close(&v);
        close(p[0]);
        close(p[1]);
}

static void test_deleted_files_are_unnamed(void **state)
{
        struct act_resolved r;
        struct act_view v;
        char path[64];
        int dirfd, fd;

        assert_int_equal(act_view_open(&v, getpid(), false), 0);

        /* A directory removed while a descriptor holds it, with a decoy
         * where the kernel's name for it ("... (deleted)") would lead. */
        assert_int_equal(mkdir(at("@/gone"), 0755), 0);
        dirfd = open(at("@/gone"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dirfd >= 0);
        assert_int_equal(rmdir(at("@/gone")), 0);
        assert_int_equal(mkdir(at("@/gone (deleted)"), 0755), 0);
        resolve_one(&v, dirfd, "x", 0, &r);
        assert_int_equal(r.error, 0);
        assert_false(r.exists);
        assert_false(r.named);
        act_resolved_clear(&r);
        resolve_one(&v, dirfd, "", ACT_EMPTY_PATH, &r);
        assert_int_equal(r.error, 0);
        assert_false(r.named);
        act_resolved_clear(&r);
        snprintf(path, sizeof(path), "/proc/self/fd/%d/x", dirfd);
        resolve_one(&v, AT_FDCWD, path, 0, &r);
        assert_false(r.named);
        act_resolved_clear(&r);
        close(dirfd);
        assert_int_equal(rmdir(at("@/gone (deleted)")), 0);

        /* A file unlinked while open, reached through /proc/self/fd. */
        fd = open(at("@/a/doomed"), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(unlink(at("@/a/doomed")), 0);
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        resolve_one(&v, AT_FDCWD, path, 0, &r);
        assert_int_equal(r.error, 0);
        assert_true(r.obj_fd >= 0);
        assert_false(r.named);
        act_resolved_clear(&r);
        close(fd);

        act_view_close(&v);
}

static void test_a_detached_mount_is_unnamed(void **state)
{
        struct act_resolved r;
        struct act_view v;
        char path[64];
        int fd;

        fd = (int)syscall(SYS_open_tree, AT_FDCWD, at("@/a"), OPEN_TREE_CLONE | O_CLOEXEC);
        if (fd < 0 && (errno == EPERM || errno == ENOSYS)) {
                print_message("  skipped: open_tree(OPEN_TREE_CLONE): %s (needs CAP_SYS_ADMIN "
                              "and Linux 5.2)\n",
                              strerror(errno));
                skip();
        }
        assert_true(fd >= 0);
        assert_int_equal(act_view_open(&v, getpid(), false), 0);

        /* Found, but under no name inside our root. */
        resolve_one(&v, fd, "f", 0, &r);
        assert_int_equal(r.error, 0);
        assert_true(r.exists);
        assert_false(r.named);
        act_resolved_clear(&r);
        resolve_one(&v, fd, "sub/g", 0, &r);
        assert_int_equal(r.error, 0);
        assert_false(r.named);
        act_resolved_clear(&r);
        resolve_one(&v, fd, "", ACT_EMPTY_PATH, &r);
        assert_int_equal(r.error, 0);
        assert_false(r.named);
        act_resolved_clear(&r);
        snprintf(path, sizeof(path), "/proc/self/fd/%d/sub/g", fd);
        resolve_one(&v, AT_FDCWD, path, 0, &r);
        assert_int_equal(r.error, 0);
        assert_false(r.named);
        act_resolved_clear(&r);
        /* ".." stops at the detached mount's root, which is no name either. */
        resolve_one(&v, fd, "sub/../..", 0, &r);
        assert_int_equal(r.error, 0);
        assert_false(r.named);
        act_resolved_clear(&r);

        act_view_close(&v);
        close(fd);
}

/* A caller chrooted into a/: names carry the root's name in our view, and
 * ".." and absolute symlinks stop at its root. */
static void test_a_chrooted_caller(void **state)
{
        int ready[2], release[2], err = 0;
        struct act_resolved r;
        struct act_view v;
        pid_t pid;
        char c;

        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        assert_int_equal(pipe2(release, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                close(ready[0]);
                close(release[1]);
                if (chroot(at("@/a")) < 0 || chdir("/sub") < 0)
                        err = errno;
                if (write(ready[1], &err, sizeof(err)) != sizeof(err))
                        _exit(1);
                while (read(release[0], &c, 1) < 0 && errno == EINTR)
                        ;
                _exit(0);
        }
        close(ready[1]);
        close(release[0]);
        assert_int_equal(read(ready[0], &err, sizeof(err)), sizeof(err));
        close(ready[0]);
        if (err != 0) {
                close(release[1]);
                waitpid(pid, NULL, 0);
                print_message("  skipped: chroot: %s (needs CAP_SYS_CHROOT)\n", strerror(err));
                skip();
        }

        assert_int_equal(act_view_open(&v, pid, false), 0);
        assert_string_equal(v.prefix, at("@/a"));
        static const struct {
                const char *path;
                const char *name;
        } rows[] = {
            {"/f", "@/a/f"},         {"/../../f", "@/a/f"},
            {"g", "@/a/sub/g"},      {"../f", "@/a/f"},
            {"../../../f", "@/a/f"}, {"/sub/rootf", "@/a/f"},
            {"rootf", "@/a/f"},      {"/", "@/a"},
            {"/..", "@/a"},          {"/missing", "@/a/missing"},
        };
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                print_message("  %s\n", rows[i].path);
                resolve_one(&v, AT_FDCWD, rows[i].path, 0, &r);
                assert_int_equal(r.error, 0);
                assert_true(r.named);
                assert_string_equal(r.name, at(rows[i].name));
                act_resolved_clear(&r);
        }
        /* A failing path's name is folded as text, inside the root too. */
        resolve_one(&v, AT_FDCWD, "/missing/../../../etc", 0, &r);
        assert_int_equal(r.error, ENOENT);
        assert_true(r.named);
        assert_string_equal(r.name, at("@/a/etc"));
        act_resolved_clear(&r);
        act_view_close(&v);

        close(release[1]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_a_caller_that_is_gone(void **state)
{
        struct act_view v;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                _exit(0);
        assert_int_equal(waitpid(pid, NULL, 0), pid);
        assert_int_equal(act_view_open(&v, pid, false), -ESRCH);
        assert_int_equal(v.root_fd, -1);
}

struct flags_row {
        const char *what;
        int nr;
        unsigned path_index;
        unsigned arg_index; /* where the AT_* flags go, 0: none */
        uint64_t at_flags;
        bool have_open;
        uint64_t open_flags;
        uint64_t open_resolve;
        unsigned want;
};

static void test_lookup_flags(void **state)
{
        static const struct flags_row rows[] = {
            {"open", __NR_open, 0, 0, 0, true, O_RDONLY, 0, 0},
            {"open O_NOFOLLOW", __NR_open, 0, 0, 0, true, O_RDONLY | O_NOFOLLOW, 0, ACT_NOFOLLOW},
            {"openat O_CREAT", __NR_openat, 0, 0, 0, true, O_CREAT | O_WRONLY, 0, 0},
            {"openat O_CREAT|O_EXCL", __NR_openat, 0, 0, 0, true, O_CREAT | O_EXCL | O_WRONLY, 0,
             ACT_NOFOLLOW},
            {"creat", __NR_creat, 0, 0, 0, true, O_CREAT | O_WRONLY | O_TRUNC, 0, 0},
            {"openat2 RESOLVE_IN_ROOT", __NR_openat2, 0, 0, 0, true, O_RDONLY, RESOLVE_IN_ROOT,
             ACT_IN_ROOT},
            {"openat2 O_NOFOLLOW RESOLVE_BENEATH", __NR_openat2, 0, 0, 0, true, O_NOFOLLOW,
             RESOLVE_BENEATH, ACT_NOFOLLOW | ACT_BENEATH},
            {"openat2 RESOLVE_NO_SYMLINKS", __NR_openat2, 0, 0, 0, true, 0, RESOLVE_NO_SYMLINKS,
             ACT_NO_SYMLINKS | ACT_NO_MAGICLINKS},
            {"openat2 RESOLVE_NO_MAGICLINKS", __NR_openat2, 0, 0, 0, true, 0, RESOLVE_NO_MAGICLINKS,
             ACT_NO_MAGICLINKS},
            {"openat2 unread", __NR_openat2, 0, 0, 0, false, O_NOFOLLOW, RESOLVE_IN_ROOT, 0},
            {"openat RESOLVE_* ignored", __NR_openat, 0, 0, 0, true, 0, RESOLVE_IN_ROOT, 0},
            {"unlinkat", __NR_unlinkat, 0, 2, 0, false, 0, 0, ACT_NOFOLLOW | ACT_NAME},
            {"unlinkat AT_REMOVEDIR", __NR_unlinkat, 0, 2, AT_REMOVEDIR, false, 0, 0,
             ACT_NOFOLLOW | ACT_NAME},
            {"linkat old", __NR_linkat, 0, 4, 0, false, 0, 0, ACT_NOFOLLOW},
            {"linkat old AT_SYMLINK_FOLLOW", __NR_linkat, 0, 4, AT_SYMLINK_FOLLOW, false, 0, 0, 0},
            {"linkat new AT_SYMLINK_FOLLOW", __NR_linkat, 1, 4, AT_SYMLINK_FOLLOW, false, 0, 0,
             ACT_NOFOLLOW | ACT_NAME},
            {"linkat old AT_EMPTY_PATH", __NR_linkat, 0, 4, AT_EMPTY_PATH, false, 0, 0,
             ACT_NOFOLLOW | ACT_EMPTY_PATH},
            {"linkat new AT_EMPTY_PATH", __NR_linkat, 1, 4, AT_EMPTY_PATH, false, 0, 0,
             ACT_NOFOLLOW | ACT_NAME},
            {"linkat flags in the low 32 bits", __NR_linkat, 0, 4,
             0xffffffff00000000ull | AT_SYMLINK_FOLLOW, false, 0, 0, 0},
            {"newfstatat", __NR_newfstatat, 0, 3, 0, false, 0, 0, 0},
            {"newfstatat NOFOLLOW|EMPTY_PATH", __NR_newfstatat, 0, 3,
             AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, false, 0, 0, ACT_NOFOLLOW | ACT_EMPTY_PATH},
            {"statx AT_SYMLINK_NOFOLLOW", __NR_statx, 0, 2, AT_SYMLINK_NOFOLLOW, false, 0, 0,
             ACT_NOFOLLOW},
            {"fchownat AT_SYMLINK_NOFOLLOW", __NR_fchownat, 0, 4, AT_SYMLINK_NOFOLLOW, false, 0, 0,
             ACT_NOFOLLOW},
            {"execveat AT_EMPTY_PATH", __NR_execveat, 0, 4, AT_EMPTY_PATH, false, 0, 0,
             ACT_EMPTY_PATH},
            {"stat", __NR_stat, 0, 0, 0, false, 0, 0, 0},
            {"lstat", __NR_lstat, 0, 0, 0, false, 0, 0, ACT_NOFOLLOW},
            {"mkdirat", __NR_mkdirat, 0, 0, 0, false, 0, 0, ACT_NOFOLLOW | ACT_NAME},
            {"renameat2 new", __NR_renameat2, 1, 0, 0, false, 0, 0, ACT_NOFOLLOW | ACT_NAME},
            {"readlinkat", __NR_readlinkat, 0, 0, 0, false, 0, 0, ACT_NOFOLLOW},
            {"chdir", __NR_chdir, 0, 0, 0, false, 0, 0, 0},
        };
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                struct policy_call call = {.nr = rows[i].nr};
                if (rows[i].arg_index)
                        call.args[rows[i].arg_index] = rows[i].at_flags;
                call.have_open = rows[i].have_open;
                call.open_flags = rows[i].open_flags;
                call.open_resolve = rows[i].open_resolve;
                unsigned got = act_lookup_flags(&call, rows[i].path_index);
                if (got != rows[i].want)
                        fail_msg("%s: flags %#x, want %#x", rows[i].what, got, rows[i].want);
        }
}

static void test_performs(void **state)
{
        static const int performed[] = {
            __NR_open,    __NR_openat,   __NR_openat2,   __NR_creat,     __NR_mkdirat,
            __NR_mknodat, __NR_unlinkat, __NR_rmdir,     __NR_renameat2, __NR_linkat,
            __NR_symlink, __NR_fchmodat, __NR_fchmodat2, __NR_fchownat,  __NR_truncate,
        };
        static const int continued[] = {
            __NR_execve,    __NR_execveat, __NR_newfstatat, __NR_statx, __NR_chdir, __NR_readlinkat,
            __NR_ftruncate, __NR_getpid,   __NR_open_tree,  -1,         100000,
        };
        for (size_t i = 0; i < sizeof(performed) / sizeof(performed[0]); i++)
                if (!act_performs(performed[i]))
                        fail_msg("syscall %d is not performed", performed[i]);
        for (size_t i = 0; i < sizeof(continued) / sizeof(continued[0]); i++)
                if (act_performs(continued[i]))
                        fail_msg("syscall %d is performed", continued[i]);
}

/* Last: every resolution above closed what it held. */
static void test_no_descriptor_leaked(void **state)
{
        assert_int_equal(count_fds(), baseline_fds);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_names_and_links),
            cmocka_unit_test(test_relative_and_empty_paths),
            cmocka_unit_test(test_missing_and_wrong_types),
            cmocka_unit_test(test_proc_self_is_the_caller),
            cmocka_unit_test(test_proc_self_fd_of_a_directory),
            cmocka_unit_test(test_openat2_scopes),
            cmocka_unit_test(test_long_paths),
            cmocka_unit_test(test_names_longer_than_path_max),
            cmocka_unit_test(test_a_pipe_is_named_by_the_kernel),
            cmocka_unit_test(test_deleted_files_are_unnamed),
            cmocka_unit_test(test_a_detached_mount_is_unnamed),
            cmocka_unit_test(test_a_chrooted_caller),
            cmocka_unit_test(test_a_caller_that_is_gone),
            cmocka_unit_test(test_lookup_flags),
            cmocka_unit_test(test_performs),
            cmocka_unit_test(test_no_descriptor_leaked),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
