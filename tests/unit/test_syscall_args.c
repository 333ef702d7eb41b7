/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <cmocka.h>
#include <seccomp.h>

#include "syscall_args.h"

/*
 * Syscalls newer than the libseccomp release we build against, which does
 * not know their names yet; for these a newer libseccomp must still agree.
 */
static const char *const newer_than_libseccomp[] = {
    "setxattrat",     "getxattrat",   "listxattrat",  "removexattrat",
    "open_tree_attr", "file_getattr", "file_setattr",
};

static bool is_newer_than_libseccomp(const char *name)
{
        for (size_t i = 0; i < sizeof(newer_than_libseccomp) / sizeof(newer_than_libseccomp[0]);
             i++)
                if (strcmp(name, newer_than_libseccomp[i]) == 0)
                        return true;
        return false;
}

static void test_every_name_resolves_to_its_number(void **state)
{
        size_t n;
        const struct syscall_desc *table = syscall_desc_table(&n);

        assert_true(n > 80);
        for (size_t i = 0; i < n; i++) {
                int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, table[i].name);

                if (nr == __NR_SCMP_ERROR && is_newer_than_libseccomp(table[i].name)) {
                        /* Still in the x86_64 range released after libseccomp's table. */
                        assert_in_range(table[i].nr, 463, 511);
                        continue;
                }
                if (nr != table[i].nr)
                        fail_msg("%s: table says %d, libseccomp says %d", table[i].name,
                                 table[i].nr, nr);
        }
}

static void test_table_is_ordered_and_every_entry_is_found(void **state)
{
        size_t n;
        const struct syscall_desc *table = syscall_desc_table(&n);

        for (size_t i = 1; i < n; i++)
                if (table[i - 1].nr >= table[i].nr)
                        fail_msg("%s (%d) before %s (%d)", table[i - 1].name, table[i - 1].nr,
                                 table[i].name, table[i].nr);
        for (size_t i = 0; i < n; i++)
                assert_ptr_equal(syscall_desc_get(table[i].nr), &table[i]);
}

static void test_calls_without_special_arguments_have_no_entry(void **state)
{
        assert_null(syscall_desc_get(__NR_read));
        assert_null(syscall_desc_get(__NR_getpid));
        assert_null(syscall_desc_get(-1));
        assert_null(syscall_desc_get(100000));
}

static bool index_is(int8_t index, const struct syscall_desc *d, enum arg_kind kind)
{
        return index >= 0 && index < d->nargs && d->kinds[index] == kind;
}

/*
 * Every path index points at an ARG_PATH, every dirfd index at an ARG_DIRFD,
 * and conversely every ARG_PATH and ARG_DIRFD argument is one of the paths,
 * so kinds[] and paths[] cannot drift apart.
 */
static void test_indexes_agree_with_kinds(void **state)
{
        size_t n;
        const struct syscall_desc *table = syscall_desc_table(&n);

        for (size_t i = 0; i < n; i++) {
                const struct syscall_desc *d = &table[i];

                if (d->nargs > 6 || d->n_paths > 2)
                        fail_msg("%s: nargs %u, n_paths %u", d->name, d->nargs, d->n_paths);
                for (unsigned a = d->nargs; a < 6; a++)
                        if (d->kinds[a] != ARG_INT)
                                fail_msg("%s: kind set past nargs at %u", d->name, a);
                for (unsigned p = 0; p < d->n_paths; p++) {
                        if (!index_is(d->paths[p].path_index, d, ARG_PATH))
                                fail_msg("%s: path %u index %d", d->name, p,
                                         d->paths[p].path_index);
                        if (d->paths[p].dirfd_index != -1 &&
                            !index_is(d->paths[p].dirfd_index, d, ARG_DIRFD))
                                fail_msg("%s: dirfd %u index %d", d->name, p,
                                         d->paths[p].dirfd_index);
                }
                for (unsigned a = 0; a < d->nargs; a++) {
                        bool listed = false;

                        if (d->kinds[a] != ARG_PATH && d->kinds[a] != ARG_DIRFD)
                                continue;
                        for (unsigned p = 0; p < d->n_paths; p++)
                                listed = listed || d->paths[p].path_index == (int8_t)a ||
                                         d->paths[p].dirfd_index == (int8_t)a;
                        if (!listed)
                                fail_msg("%s: argument %u is a path or dirfd but not in paths[]",
                                         d->name, a);
                }
                if (d->sockaddr_index == -1) {
                        assert_int_equal(d->socklen_index, -1);
                } else {
                        assert_true(index_is(d->sockaddr_index, d, ARG_SOCKADDR));
                        assert_true(index_is(d->socklen_index, d, ARG_SOCKLEN));
                }
        }
}

static const struct syscall_desc *get(int nr)
{
        const struct syscall_desc *d = syscall_desc_get(nr);

        assert_non_null(d);
        return d;
}

static void test_path_arguments_of_particular_calls(void **state)
{
        const struct syscall_desc *d;

        d = get(__NR_openat);
        assert_int_equal(d->n_paths, 1);
        assert_int_equal(d->paths[0].path_index, 1);
        assert_int_equal(d->paths[0].dirfd_index, 0);
        assert_int_equal(d->kinds[2], ARG_OPEN_FLAGS);

        d = get(__NR_open);
        assert_int_equal(d->paths[0].path_index, 0);
        assert_int_equal(d->paths[0].dirfd_index, -1);

        d = get(__NR_renameat2);
        assert_int_equal(d->n_paths, 2);
        assert_int_equal(d->paths[0].path_index, 1);
        assert_int_equal(d->paths[0].dirfd_index, 0);
        assert_int_equal(d->paths[1].path_index, 3);
        assert_int_equal(d->paths[1].dirfd_index, 2);

        /* Only the link is a path; its target is a string stored verbatim. */
        d = get(__NR_symlink);
        assert_int_equal(d->n_paths, 1);
        assert_int_equal(d->paths[0].path_index, 1);
        assert_int_equal(d->kinds[0], ARG_STRING);
        d = get(__NR_symlinkat);
        assert_int_equal(d->paths[0].path_index, 2);
        assert_int_equal(d->paths[0].dirfd_index, 1);

        /* Only the mount point is a path. */
        d = get(__NR_mount);
        assert_int_equal(d->n_paths, 1);
        assert_int_equal(d->paths[0].path_index, 1);

        d = get(452);
        assert_string_equal(d->name, "fchmodat2");
        assert_int_equal(d->kinds[3], ARG_AT_FLAGS);

        d = get(__NR_fanotify_mark);
        assert_int_equal(d->paths[0].path_index, 4);
        assert_int_equal(d->paths[0].dirfd_index, 3);

        d = get(__NR_execve);
        assert_int_equal(d->kinds[1], ARG_STRING_ARRAY);
}

static void test_socket_arguments(void **state)
{
        const struct syscall_desc *d;

        d = get(__NR_connect);
        assert_int_equal(d->sockaddr_index, 1);
        assert_int_equal(d->socklen_index, 2);
        d = get(__NR_bind);
        assert_int_equal(d->sockaddr_index, 1);
        assert_int_equal(d->socklen_index, 2);
        d = get(__NR_sendto);
        assert_int_equal(d->sockaddr_index, 4);
        assert_int_equal(d->socklen_index, 5);
        d = get(__NR_socket);
        assert_int_equal(d->kinds[0], ARG_SOCKET_FAMILY);
        assert_int_equal(d->kinds[1], ARG_SOCKET_TYPE);
        assert_int_equal(get(__NR_clone)->kinds[0], ARG_CLONE_FLAGS);
        assert_int_equal(get(__NR_ioctl)->kinds[1], ARG_IOCTL_REQ);
        assert_int_equal(get(__NR_prctl)->kinds[0], ARG_PRCTL_OPTION);
        assert_int_equal(get(__NR_openat2)->kinds[2], ARG_OPEN_HOW);
        assert_int_equal(get(__NR_mount)->kinds[3], ARG_MOUNT_FLAGS);
        assert_non_null(syscall_desc_get(__NR_personality));
}

/*
 * The bits the kernel reads of each argument: the types of the call's
 * SYSCALL_DEFINE (int and unsigned int 32 bits, umode_t 16, long, size_t and
 * pointers 64).
 */
static void test_argument_widths_follow_the_kernels_types(void **state)
{
        static const struct {
                int nr;
                unsigned index, width;
        } cases[] = {
            {__NR_socket, 0, 32},
            {__NR_socket, 1, 32},
            {__NR_socket, 2, 32},
            {__NR_connect, 0, 32},
            {__NR_connect, 1, 64},
            {__NR_connect, 2, 32},
            {__NR_sendto, 2, 64},
            {__NR_sendto, 3, 32},
            {__NR_recvfrom, 2, 64},
            {__NR_setsockopt, 1, 32},
            {__NR_setsockopt, 4, 32},
            {__NR_listen, 1, 32},
            {__NR_accept4, 3, 32},
            {__NR_shutdown, 1, 32},
            {__NR_kill, 1, 32},
            {__NR_tgkill, 2, 32},
            {__NR_fcntl, 1, 32},
            {__NR_fcntl, 2, 64},
            {__NR_ioctl, 0, 32},
            {__NR_ioctl, 1, 32},
            {__NR_ioctl, 2, 64},
            {__NR_dup3, 2, 32},
            {__NR_personality, 0, 32},
            {__NR_prctl, 0, 32},
            {__NR_prctl, 1, 64},
            {__NR_openat, 0, 32},
            {__NR_openat, 2, 32},
            {__NR_openat, 3, 16},
            {__NR_chmod, 1, 16},
            {__NR_fchmod, 1, 16},
            {__NR_mkdirat, 2, 16},
            {__NR_clone, 0, 64},
            {__NR_mount, 3, 64},
            {__NR_truncate, 1, 64},
            {__NR_setns, 1, 32},
            {__NR_setuid, 0, 32},
            {__NR_fanotify_mark, 2, 64},
            {__NR_openat2, 3, 64},
            {__NR_memfd_create, 1, 32},
            /* Unknown: all 64 bits, as nothing says otherwise. */
            {__NR_read, 0, 64},
            {__NR_socket, 3, 64},
            {__NR_socket, 6, 64},
            {-1, 0, 64},
            {100000, 0, 64},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                unsigned width = syscall_arg_width(cases[i].nr, cases[i].index);
                uint64_t mask = syscall_arg_mask(cases[i].nr, cases[i].index);

                if (width != cases[i].width)
                        fail_msg("syscall %d argument %u: width %u, expected %u", cases[i].nr,
                                 cases[i].index, width, cases[i].width);
                assert_int_equal(mask, cases[i].width == 64 ? UINT64_MAX
                                                            : (UINT64_C(1) << cases[i].width) - 1);
        }
}

/* Every kind has one of the widths the kernel's types have. */
static void test_every_argument_has_a_width(void **state)
{
        size_t n;
        const struct syscall_desc *table = syscall_desc_table(&n);

        for (size_t i = 0; i < n; i++)
                for (unsigned a = 0; a < table[i].nargs; a++) {
                        unsigned w = syscall_arg_kind_width((enum arg_kind)table[i].kinds[a]);
                        if (w != 16 && w != 32 && w != 64)
                                fail_msg("%s argument %u: width %u", table[i].name, a, w);
                }
        assert_int_equal(syscall_arg_kind_width(ARG_LONG), 64);
        assert_int_equal(syscall_arg_kind_width(ARG_INT), 32);
        assert_int_equal(syscall_arg_kind_width(ARG_MODE), 16);
}

static void test_format_open_flags(void **state)
{
        char buf[256];

        assert_int_equal(
            syscall_format_open_flags(O_WRONLY | O_CREAT | O_CLOEXEC, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_WRONLY|O_CREAT|O_CLOEXEC");
        assert_int_equal(syscall_format_open_flags(O_RDONLY, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_RDONLY");
        assert_int_equal(syscall_format_open_flags(O_RDWR | O_TRUNC | O_APPEND, buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "O_RDWR|O_TRUNC|O_APPEND");
}

/* O_SYNC contains O_DSYNC and O_TMPFILE contains O_DIRECTORY: each is named once. */
static void test_format_open_flags_composites(void **state)
{
        char buf[256];

        assert_int_equal(syscall_format_open_flags(O_RDWR | O_TMPFILE, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_RDWR|O_TMPFILE");
        assert_int_equal(syscall_format_open_flags(O_WRONLY | O_SYNC, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_WRONLY|O_SYNC");
        assert_int_equal(syscall_format_open_flags(O_DSYNC | O_DIRECTORY, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_RDONLY|O_DSYNC|O_DIRECTORY");
        /* The kernel's O_LARGEFILE bit, which glibc defines as 0 on x86_64. */
        assert_int_equal(syscall_format_open_flags(0100000, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_RDONLY|O_LARGEFILE");
}

static void test_format_open_flags_shows_unknown_bits(void **state)
{
        char buf[256];

        assert_int_equal(syscall_format_open_flags(O_CREAT | 0x80000000u, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_RDONLY|O_CREAT|0x80000000");
        assert_int_equal(syscall_format_open_flags(3, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "O_ACCMODE");
}

static void test_format_truncates_and_terminates(void **state)
{
        char buf[12];

        memset(buf, 'x', sizeof(buf));
        assert_int_equal(
            syscall_format_open_flags(O_WRONLY | O_CREAT | O_CLOEXEC, buf, sizeof(buf)), -ENOSPC);
        assert_string_equal(buf, "O_WRONLY|O_");

        memset(buf, 'x', sizeof(buf));
        assert_int_equal(syscall_format_mode(0644, buf, 3), -ENOSPC);
        assert_string_equal(buf, "06");

        memset(buf, 'x', sizeof(buf));
        assert_int_equal(syscall_format_socket_family(AF_NETLINK, buf, 4), -ENOSPC);
        assert_string_equal(buf, "AF_");

        /* With no room at all, nothing is written. */
        memset(buf, 'x', sizeof(buf));
        assert_int_equal(syscall_format_clone_flags(CLONE_VM, buf, 0), -ENOSPC);
        assert_int_equal(buf[0], 'x');

        /* An exact fit is not a truncation. */
        assert_int_equal(syscall_format_socket_family(AF_INET, buf, sizeof("AF_INET")), 0);
        assert_string_equal(buf, "AF_INET");
}

static void test_format_mode(void **state)
{
        char buf[32];

        assert_int_equal(syscall_format_mode(0644, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0644");
        assert_int_equal(syscall_format_mode(04755, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "04755");
        assert_int_equal(syscall_format_mode(0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0000");
        assert_int_equal(syscall_format_mode(0100600, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0100600");
}

static void test_format_socket_family(void **state)
{
        char buf[32];

        assert_int_equal(syscall_format_socket_family(AF_INET, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "AF_INET");
        assert_int_equal(syscall_format_socket_family(AF_UNIX, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "AF_UNIX");
        assert_int_equal(syscall_format_socket_family(AF_INET6, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "AF_INET6");
        assert_int_equal(syscall_format_socket_family(AF_NETLINK, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "AF_NETLINK");
        assert_int_equal(syscall_format_socket_family(4242, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "4242");
}

static void test_format_socket_type(void **state)
{
        char buf[64];

        assert_int_equal(syscall_format_socket_type(SOCK_STREAM | SOCK_CLOEXEC, buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "SOCK_STREAM|SOCK_CLOEXEC");
        assert_int_equal(
            syscall_format_socket_type(SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, buf, sizeof(buf)),
            0);
        assert_string_equal(buf, "SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
        assert_int_equal(syscall_format_socket_type(SOCK_RAW, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "SOCK_RAW");
        assert_int_equal(syscall_format_socket_type(9 | 0x100, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "9|0x100");
}

static void test_format_clone_flags(void **state)
{
        char buf[256];

        assert_int_equal(syscall_format_clone_flags(CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD,
                                                    buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "CLONE_VM|CLONE_FS|CLONE_FILES|SIGCHLD");
        assert_int_equal(syscall_format_clone_flags(CLONE_NEWUSER | CLONE_NEWNS, buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "CLONE_NEWNS|CLONE_NEWUSER");
        assert_int_equal(syscall_format_clone_flags(SIGCHLD, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "SIGCHLD");
        assert_int_equal(syscall_format_clone_flags(0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0");
        assert_int_equal(
            syscall_format_clone_flags(CLONE_THREAD | 0x100000000ull, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "CLONE_THREAD|0x100000000");
}

static void test_format_resolve_flags(void **state)
{
        char buf[256];

        assert_int_equal(syscall_format_resolve_flags(0, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "0");
        assert_int_equal(syscall_format_resolve_flags(0x08 | 0x04, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH");
        assert_int_equal(syscall_format_resolve_flags(0x3f, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS|"
                                 "RESOLVE_BENEATH|RESOLVE_IN_ROOT|RESOLVE_CACHED");
        /* Bits no kernel has named yet are shown in hex, not dropped. */
        assert_int_equal(syscall_format_resolve_flags(0x10 | 0x40 | (1ull << 60), buf, sizeof(buf)),
                         0);
        assert_string_equal(buf, "RESOLVE_IN_ROOT|0x1000000000000040");
        assert_int_equal(syscall_format_resolve_flags(0x01, buf, 8), -ENOSPC);
        assert_string_equal(buf, "RESOLVE");
}

/* What emit() got, as "key=value;..." */
static int collect(void *ctx, const char *key, const char *value)
{
        char *out = ctx;
        size_t n = strlen(out);
        snprintf(out + n, 512 - n, "%s=%s;", key, value);
        return 0;
}

static void test_describe_call_shows_what_openat2_points_to(void **state)
{
        struct policy_call c = {.nr = __NR_openat2, .have_open = true};
        char out[512] = "";

        c.open_flags = O_RDWR | O_CREAT | O_CLOEXEC;
        c.open_mode = 0600;
        c.open_resolve = 0x08;
        assert_int_equal(syscall_describe_call(&c, collect, out), 0);
        assert_string_equal(out,
                            "flags=O_RDWR|O_CREAT|O_CLOEXEC;mode=0600;resolve=RESOLVE_BENEATH;");
        /* No mode where no file is made; resolve always, so none is seen. */
        out[0] = '\0';
        c.open_flags = O_RDONLY | O_DIRECTORY;
        c.open_mode = 0;
        c.open_resolve = 0;
        assert_int_equal(syscall_describe_call(&c, collect, out), 0);
        assert_string_equal(out, "flags=O_RDONLY|O_DIRECTORY;resolve=0;");
        /* A mode the kernel will refuse is still shown. */
        out[0] = '\0';
        c.open_mode = 0755;
        assert_int_equal(syscall_describe_call(&c, collect, out), 0);
        assert_string_equal(out, "flags=O_RDONLY|O_DIRECTORY;mode=0755;resolve=0;");
        /* open_how unread: nothing to show but what the arguments say. */
        out[0] = '\0';
        c.have_open = false;
        assert_int_equal(syscall_describe_call(&c, collect, out), 0);
        assert_string_equal(out, "");
        /* Other calls: their arguments, as syscall_describe_args() has them. */
        struct policy_call o = {.nr = __NR_openat, .have_open = true, .open_flags = O_WRONLY};
        o.args[2] = O_WRONLY | O_DIRECTORY;
        o.args[3] = 0644;
        assert_int_equal(syscall_describe_call(&o, collect, out), 0);
        assert_string_equal(out, "flags=O_WRONLY|O_DIRECTORY;");
        out[0] = '\0';
        o.args[2] = O_WRONLY | O_TMPFILE;
        assert_int_equal(syscall_describe_call(&o, collect, out), 0);
        assert_string_equal(out, "flags=O_WRONLY|O_TMPFILE;mode=0644;");
}

/* Logs and prompts show an int as the kernel reads it: socket(0x100000002,
 * ...) makes an AF_INET socket and must be logged as one. */
static void test_describe_args_shows_ints_as_the_kernel_reads_them(void **state)
{
        const uint64_t sock[6] = {UINT64_C(0x100000002), UINT64_C(0xffffffff00080002), 0};
        const uint64_t mk[6] = {UINT64_C(0xffffffffffffff9c), 0, UINT64_C(0x7fff10000) | 0755};
        const uint64_t op[6] = {UINT64_C(0xffffffffffffff9c), 0, UINT64_C(0x100000041),
                                UINT64_C(0x10000) | 0644};
        char out[512] = "";

        assert_int_equal(syscall_describe_args(__NR_socket, sock, collect, out), 0);
        assert_string_equal(out, "family=AF_INET;type=SOCK_DGRAM|SOCK_CLOEXEC;");
        out[0] = '\0';
        assert_int_equal(syscall_describe_args(__NR_mkdirat, mk, collect, out), 0);
        assert_string_equal(out, "mode=0755;");
        out[0] = '\0';
        assert_int_equal(syscall_describe_args(__NR_openat, op, collect, out), 0);
        assert_string_equal(out, "flags=O_WRONLY|O_CREAT;mode=0644;");
        /* clone's flags are an unsigned long: its high bits are the call's. */
        const uint64_t cl[6] = {UINT64_C(0x100000000) | SIGCHLD};
        out[0] = '\0';
        assert_int_equal(syscall_describe_args(__NR_clone, cl, collect, out), 0);
        assert_string_equal(out, "clone_flags=0x100000000|SIGCHLD;");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_name_resolves_to_its_number),
            cmocka_unit_test(test_table_is_ordered_and_every_entry_is_found),
            cmocka_unit_test(test_calls_without_special_arguments_have_no_entry),
            cmocka_unit_test(test_indexes_agree_with_kinds),
            cmocka_unit_test(test_path_arguments_of_particular_calls),
            cmocka_unit_test(test_socket_arguments),
            cmocka_unit_test(test_format_open_flags),
            cmocka_unit_test(test_format_open_flags_composites),
            cmocka_unit_test(test_format_open_flags_shows_unknown_bits),
            cmocka_unit_test(test_format_truncates_and_terminates),
            cmocka_unit_test(test_format_mode),
            cmocka_unit_test(test_format_socket_family),
            cmocka_unit_test(test_format_socket_type),
            cmocka_unit_test(test_format_clone_flags),
            cmocka_unit_test(test_format_resolve_flags),
            cmocka_unit_test(test_describe_call_shows_what_openat2_points_to),
            cmocka_unit_test(test_argument_widths_follow_the_kernels_types),
            cmocka_unit_test(test_every_argument_has_a_width),
            cmocka_unit_test(test_describe_args_shows_ints_as_the_kernel_reads_them),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
