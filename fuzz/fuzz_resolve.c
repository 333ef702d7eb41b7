/* SPDX-License-Identifier: MIT */
/*
 * act/resolve.c, as a hostile caller's paths meet it: the name it gives a
 * file is what rules match, and the descriptors it holds are what an
 * allowed call is performed on. The callers are two children of ours that
 * wait forever: one with its cwd in a small fixed tree under /tmp, one
 * chrooted into a part of that tree (where we may chroot). Each input picks
 * a caller, a start (AT_FDCWD, a descriptor of the tree, a file, a pipe, a
 * deleted directory, a procfs directory, a bad number), ACT_* flags, and a
 * path made of the tree's names, "/", ".", "..", /proc/self/..., the
 * children's descriptor numbers and raw bytes.
 *
 * Besides "no crash" and "no descriptor leaked", a result must hold:
 *   - act_resolve() fails only when we did (never here);
 *   - a name is absolute and normal (no "//", no "." or "..", no trailing
 *     '/', shorter than PATH_MAX) and inside the caller's root, or it is
 *     the kernel's name of an anonymous object ("pipe:[7]");
 *   - a named file found with no error is the file that name opens from "/"
 *     without following anything (a missing last name: nothing there), and
 *     the name resolved again for the caller gives itself;
 *   - for a caller whose root is ours, on a path that means the same for
 *     it and for us (kernel_can_say()), the kernel agrees: openat2() with
 *     the same start and scope finds the same file, or fails with the same
 *     errno.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#else
struct open_how {
        uint64_t flags;
        uint64_t mode;
        uint64_t resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#define RESOLVE_BENEATH       0x08
#define RESOLVE_IN_ROOT       0x10
#endif

#include "input.h"
#include "act/act.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
        START_CWD,
        START_TREE,
        START_D,
        START_SUB,
        START_FILE,
        START_PIPE,
        START_GONE, /* a directory removed after it was opened */
        START_PROC, /* /proc/<our pid> */
        START_BAD,
        START_NEGATIVE,
        N_STARTS,
};

enum {
        VIEW_CWD,      /* the first child, through /proc/PID/root */
        VIEW_CWD_OURS, /* the same, its root taken as ours */
        VIEW_CHROOTED, /* the second child, chrooted into d/ (the first if we cannot) */
        N_VIEWS,
};

static struct {
        bool ready;
        char tree[PATH_MAX];
        int fds[N_STARTS];
        int pipe_w;
        pid_t children[2];
        struct act_view views[N_VIEWS];
        bool root_is_ours[N_VIEWS]; /* the caller's root is ours: the kernel can say */
} S;

static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        struct dirent *e;
        int n = 0;

        if (!d)
                abort();
        while ((e = readdir(d)))
                n += e->d_name[0] != '.';
        closedir(d);
        return n - 1;
}

static void in_tree(char *buf, size_t size, const char *rel)
{
        if ((size_t)snprintf(buf, size, "%s/%s", S.tree, rel) >= size)
                abort();
}

static void tree_dir(const char *rel)
{
        char p[PATH_MAX];
        in_tree(p, sizeof(p), rel);
        if (mkdir(p, 0755) < 0)
                abort();
}

static void tree_file(const char *rel)
{
        char p[PATH_MAX];
        in_tree(p, sizeof(p), rel);
        int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0)
                abort();
        close(fd);
}

static void tree_link(const char *target, const char *rel)
{
        char p[PATH_MAX], t[PATH_MAX];
        in_tree(p, sizeof(p), rel);
        if (target[0] == '@')
                in_tree(t, sizeof(t), target + 1);
        else
                snprintf(t, sizeof(t), "%s", target);
        if (symlink(t, p) < 0)
                abort();
}

static int open_in_tree(const char *rel, int flags)
{
        char p[PATH_MAX];
        in_tree(p, sizeof(p), rel);
        int fd = open(p, flags | O_CLOEXEC);
        if (fd < 0)
                abort();
        return fd;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return remove(path);
}

/*
 * A caller, waiting until we are gone; chroot_to: NULL, or where it is
 * chrooted (with its cwd in sub/). Its 0, 1 and 2 are /dev/null, the same
 * wherever we run. The first caller also removes the tree once we are gone,
 * however we ended (libFuzzer leaves by _Exit() or on a crash): the read
 * end of alive[] sees EOF when our write end closes with us. Returns its
 * pid, or -1 if it could not.
 */
static pid_t start_caller(const char *chroot_to, const int alive[2])
{
        int ready[2];
        pid_t parent = getpid();
        char ok = 0;

        if (pipe2(ready, O_CLOEXEC) < 0)
                abort();
        pid_t pid = fork();
        if (pid < 0)
                abort();
        if (pid == 0) {
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                close(alive[1]);
                if (chroot_to) {
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        if (getppid() != parent)
                                _exit(0);
                }
                if (null >= 0 && dup2(null, 0) == 0 && dup2(null, 1) == 1 && dup2(null, 2) == 2 &&
                    (chroot_to ? chroot(chroot_to) == 0 && chdir("/sub") == 0 : chdir(S.tree) == 0))
                        ok = 1;
                if (write(ready[1], &ok, 1) != 1 || !ok)
                        _exit(0);
                if (chroot_to) {
                        for (;;)
                                pause();
                }
                while (read(alive[0], &ok, 1) < 0 && errno == EINTR)
                        ;
                nftw(S.tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
                _exit(0);
        }
        close(ready[1]);
        if (read(ready[0], &ok, 1) != 1)
                ok = 0;
        close(ready[0]);
        if (!ok) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                return -1;
        }
        return pid;
}

/*
 *   d/  d/f  d/sub/  d/sub/g  d/sub/back -> ../..  d/sub/rootf -> /f  e/  f  fifo
 *   rel -> d/sub  abs -> TREE/d/f  absdir -> TREE/d  up -> ..  root -> /
 *   loop -> loop  loopa <-> loopb  dangling -> nowhere  fileslash -> f/
 *   procself -> /proc/self
 */
static void set_up(void)
{
        char tmpl[] = "/tmp/fuzz_resolve.XXXXXX", p[PATH_MAX];
        int pipe_fds[2], alive[2];

        if (!mkdtemp(tmpl) || !realpath(tmpl, S.tree))
                abort();
        tree_dir("d");
        tree_dir("d/sub");
        tree_dir("e");
        tree_dir("gone");
        tree_file("d/f");
        tree_file("d/sub/g");
        tree_file("f");
        in_tree(p, sizeof(p), "fifo");
        if (mkfifo(p, 0644) < 0)
                abort();
        tree_link("../..", "d/sub/back");
        tree_link("/f", "d/sub/rootf");
        tree_link("d/sub", "rel");
        tree_link("@d/f", "abs");
        tree_link("@d", "absdir");
        tree_link("..", "up");
        tree_link("/", "root");
        tree_link("loop", "loop");
        tree_link("loopb", "loopa");
        tree_link("loopa", "loopb");
        tree_link("nowhere", "dangling");
        tree_link("f/", "fileslash");
        tree_link("/proc/self", "procself");

        S.fds[START_CWD] = AT_FDCWD;
        S.fds[START_TREE] = open_in_tree("", O_RDONLY | O_DIRECTORY);
        S.fds[START_D] = open_in_tree("d", O_PATH | O_DIRECTORY);
        S.fds[START_SUB] = open_in_tree("d/sub", O_RDONLY | O_DIRECTORY);
        S.fds[START_FILE] = open_in_tree("d/f", O_RDONLY);
        if (pipe2(pipe_fds, O_CLOEXEC) < 0)
                abort();
        S.fds[START_PIPE] = pipe_fds[0];
        S.pipe_w = pipe_fds[1];
        S.fds[START_GONE] = open_in_tree("gone", O_RDONLY | O_DIRECTORY);
        in_tree(p, sizeof(p), "gone");
        if (rmdir(p) < 0)
                abort();
        snprintf(p, sizeof(p), "/proc/%d", (int)getpid());
        S.fds[START_PROC] = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (S.fds[START_PROC] < 0)
                abort();
        S.fds[START_BAD] = 1000000;
        S.fds[START_NEGATIVE] = -7;

        /* The children inherit the descriptors above under the same numbers;
         * alive[1] stays open in us alone, until we are gone. */
        if (pipe2(alive, O_CLOEXEC) < 0)
                abort();
        S.children[0] = start_caller(NULL, alive);
        if (S.children[0] < 0)
                abort();
        in_tree(p, sizeof(p), "d");
        S.children[1] = start_caller(p, alive);
        if (S.children[1] < 0)
                S.children[1] = S.children[0]; /* not allowed to chroot */
        close(alive[0]);

        if (act_view_open(&S.views[VIEW_CWD], S.children[0], false) < 0 ||
            act_view_open(&S.views[VIEW_CWD_OURS], S.children[0], true) < 0 ||
            act_view_open(&S.views[VIEW_CHROOTED], S.children[1], false) < 0)
                abort();
        S.root_is_ours[VIEW_CWD] = S.root_is_ours[VIEW_CWD_OURS] = true;
        S.root_is_ours[VIEW_CHROOTED] = S.children[1] == S.children[0];
        S.ready = true;
}

/* The pieces a path is made of: a byte below N_TOKENS is a token, 0xff
 * takes the next byte as it is, any other byte stands for itself. */
enum { TOKEN_TREE = 25, TOKEN_FD_TREE = 26, TOKEN_LONG_NAME = 31, N_TOKENS = 32 };
static const char *const tokens[N_TOKENS] = {
    [0] = "/",
    [1] = ".",
    [2] = "..",
    [3] = "d",
    [4] = "f",
    [5] = "sub",
    [6] = "g",
    [7] = "e",
    [8] = "rel",
    [9] = "abs",
    [10] = "absdir",
    [11] = "up",
    [12] = "root",
    [13] = "loop",
    [14] = "loopa",
    [15] = "dangling",
    [16] = "fifo",
    [17] = "fileslash",
    [18] = "back",
    [19] = "procself",
    [20] = "/proc/self/",
    [21] = "/proc/thread-self/",
    [22] = "fd/",
    [23] = "cwd/",
    [24] = "root/",
    /* 25: the tree's name; 26-30: descriptor numbers; 31: NAME_MAX bytes */
};

static size_t build_path(struct fuzz_input *in, char *path, size_t cap)
{
        static const int fd_tokens[] = {START_TREE, START_D, START_PIPE, START_FILE, START_GONE};
        size_t n = 0;

        while (in->left > 0 && n < cap - 1) {
                uint8_t b = fuzz_u8(in);
                char num[NAME_MAX + 1];
                const char *piece = num;

                if (b == 0xff) {
                        b = fuzz_u8(in);
                        if (b == 0)
                                continue;
                        num[0] = (char)b;
                        num[1] = '\0';
                } else if (b >= N_TOKENS) {
                        num[0] = (char)b;
                        num[1] = '\0';
                } else if (tokens[b]) {
                        piece = tokens[b];
                } else if (b == TOKEN_TREE) {
                        piece = S.tree;
                } else if (b < TOKEN_LONG_NAME) {
                        snprintf(num, sizeof(num), "%d", S.fds[fd_tokens[b - TOKEN_FD_TREE]]);
                } else {
                        memset(num, 'n', NAME_MAX);
                        num[NAME_MAX] = '\0';
                }
                size_t k = strlen(piece);
                if (k > cap - 1 - n)
                        k = cap - 1 - n;
                memcpy(path + n, piece, k);
                n += k;
        }
        path[n] = '\0';
        return n;
}

static void check_normal(const char *p)
{
        size_t n = strlen(p);

        FUZZ_CHECK(n < PATH_MAX);
        FUZZ_CHECK(p[0] == '/');
        FUZZ_CHECK(n == 1 || p[n - 1] != '/');
        FUZZ_CHECK(strstr(p, "//") == NULL);
        for (const char *c = p; (c = strchr(c, '/')); c++) {
                size_t len = strcspn(c + 1, "/");
                FUZZ_CHECK(!(len == 1 && c[1] == '.'));
                FUZZ_CHECK(!(len == 2 && c[1] == '.' && c[2] == '.'));
        }
}

static bool inside(const struct act_view *v, const char *name)
{
        return strncmp(name, v->prefix, v->prefix_len) == 0 &&
               (name[v->prefix_len] == '/' || name[v->prefix_len] == '\0');
}

/* What the result holds: 0 and *st, or -1 (a missing last name). */
static int held_stat(const struct act_resolved *r, struct stat *st)
{
        if (r->obj_fd >= 0)
                return fstat(r->obj_fd, st);
        return fstatat(r->dir_fd, r->last, st, AT_SYMLINK_NOFOLLOW);
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The kernel's own lookup, from our process: 0 with *st, or its errno. */
static int kernel_lookup(int dirfd, const char *path, unsigned flags, struct stat *st)
{
        struct open_how how = {.flags = O_PATH | O_CLOEXEC};

        if (path[0] == '\0' && (flags & ACT_EMPTY_PATH))
                return fstatat(dirfd, "", st, AT_EMPTY_PATH) < 0 ? errno : 0;
        how.flags |= (flags & ACT_NOFOLLOW) ? O_NOFOLLOW : 0;
        how.resolve |= (flags & ACT_IN_ROOT) ? RESOLVE_IN_ROOT : 0;
        how.resolve |= (flags & ACT_BENEATH) ? RESOLVE_BENEATH : 0;
        how.resolve |= (flags & ACT_NO_SYMLINKS) ? RESOLVE_NO_SYMLINKS : 0;
        how.resolve |= (flags & ACT_NO_MAGICLINKS) ? RESOLVE_NO_MAGICLINKS : 0;
        int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        if (fd < 0)
                return errno;
        int e = fstat(fd, st) < 0 ? errno : 0;
        close(fd);
        return e;
}

/*
 * Whether our own openat2() must find what the resolver found for the
 * caller: where the caller's root is ours, and the path means the same
 * for both. In /proc, "self" is the child for the resolver and us for
 * the kernel. START_PROC is our own /proc/PID, which both read as ours,
 * but its fd/ holds the resolver's passing descriptors, and /proc/N
 * above it comes and goes with the machine's processes between the two
 * lookups.
 */
static bool kernel_can_say(int view, int start, unsigned flags, const char *path)
{
        if (!S.root_is_ours[view])
                return false;
        /* openat2 refuses RESOLVE_IN_ROOT with RESOLVE_BENEATH before it looks. */
        if ((flags & ACT_IN_ROOT) && (flags & ACT_BENEATH))
                return false;
        if (start == START_PROC)
                return !strstr(path, "self") && !strstr(path, "fd") && !strstr(path, "..") &&
                       !strstr(path, "proc");
        return !strstr(path, "proc");
}

/* A check of check_kernel_agrees(), which says both answers when it fails. */
#define AGREE(cond)                                                                                \
        do {                                                                                       \
                if (!(cond))                                                                       \
                        fprintf(stderr, "start %d, flags %#x, \"%s\": kernel %s, resolver %s\n",   \
                                start, flags, path, strerror(e), strerror(r->error));              \
                FUZZ_CHECK(cond);                                                                  \
        } while (0)

static void check_kernel_agrees(int start, const char *path, unsigned flags,
                                const struct act_resolved *r)
{
        /* Our cwd is not the child's: its cwd is the tree. */
        int dirfd = start == START_CWD ? S.fds[START_TREE] : S.fds[start];
        struct stat want = {0}, got = {0};
        int e = kernel_lookup(dirfd, path, flags, &want);

        /* Two of the kernel's answers come and go. ELOOP on a path of many
         * links: a walk that falls back from RCU to ref-walk counts its
         * links again (total_link_count is set once per do_filp_open()).
         * EAGAIN on ".." in a scoped lookup: a rename or mount anywhere on
         * the machine meanwhile, which openat2(2) says to retry. */
        for (int i = 0; i < 64 && (e == ELOOP || e == EAGAIN) && r->error != e; i++)
                e = kernel_lookup(dirfd, path, flags, &want);
        if (e == ENOSYS)
                return; /* no openat2 (before Linux 5.6, or under valgrind): no oracle */
        if (e == 0) {
                AGREE(r->error == 0);
                AGREE(held_stat(r, &got) == 0);
                AGREE(same_stat(&want, &got));
        } else if (e == ENOENT && r->error == ENAMETOOLONG) {
                /* A name over NAME_MAX is refused by the filesystem, not
                 * by the walk: procfs, or a deleted directory, answer
                 * ENOENT. The resolver always says ENAMETOOLONG. */
        } else if (e == ENOENT) {
                /* A missing last name is where a call may create one. */
                AGREE(r->error == ENOENT || (r->error == 0 && r->dir_fd >= 0 && !r->exists));
        } else {
                AGREE(r->error == e);
        }
}

static void check_named(struct act_view *v, const struct act_resolved *r)
{
        struct stat want = {0}, got = {0};

        if (r->name[0] != '/') {
                /* The kernel's name of a pipe, socket or anonymous inode. */
                FUZZ_CHECK(r->obj_fd >= 0 && strstr(r->name, ":[") != NULL);
                return;
        }
        check_normal(r->name);
        FUZZ_CHECK(inside(v, r->name));
        if (r->error != 0)
                return;

        /* The name leads to what we hold, following nothing. */
        int fd = open(r->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (r->obj_fd >= 0 || r->exists) {
                FUZZ_CHECK(fd >= 0);
                FUZZ_CHECK(fstat(fd, &want) == 0 && held_stat(r, &got) == 0);
                FUZZ_CHECK(same_stat(&want, &got));
        } else {
                FUZZ_CHECK(fd < 0 && errno == ENOENT);
        }
        if (fd >= 0)
                close(fd);

        /* And, looked up again by the caller, names itself. */
        struct act_resolved again;
        const char *rel = r->name + v->prefix_len;
        FUZZ_CHECK(act_resolve(v, AT_FDCWD, rel[0] ? rel : "/", ACT_NOFOLLOW, &again) == 0);
        FUZZ_CHECK(again.error == 0 && again.named);
        FUZZ_CHECK(strcmp(again.name, r->name) == 0);
        act_resolved_clear(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char path[PATH_MAX + 64];
        struct fuzz_input in = {data, size};
        struct act_resolved r;

        if (!S.ready)
                set_up();
        /* Counted here each time: libFuzzer opens descriptors of its own. */
        int fds_before = count_fds();
        uint8_t pick = fuzz_u8(&in);
        int start = (pick & 15) % N_STARTS;
        int view = (pick >> 4) % N_VIEWS;
        unsigned flags = fuzz_u8(&in) & 0x3f;
        build_path(&in, path, sizeof(path));
        struct act_view *v = &S.views[view];

        FUZZ_CHECK(act_resolve(v, S.fds[start], path, flags, &r) == 0);
        FUZZ_CHECK(!(r.dir_fd >= 0 && r.obj_fd >= 0));
        if (r.error == 0)
                FUZZ_CHECK(r.dir_fd >= 0 || r.obj_fd >= 0);
        if (r.dir_fd >= 0) {
                size_t n = strlen(r.last);
                FUZZ_CHECK(n > 0 && n <= NAME_MAX && !strchr(r.last, '/'));
                FUZZ_CHECK(strcmp(r.last, ".") != 0 && strcmp(r.last, "..") != 0);
        }
        if (r.named)
                check_named(v, &r);
        if (kernel_can_say(view, start, flags, path))
                check_kernel_agrees(start, path, flags, &r);
        act_resolved_clear(&r);
        FUZZ_CHECK(count_fds() == fds_before);
        return 0;
}
