/* SPDX-License-Identifier: MIT */

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/commands.h"
#include "groups.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* The groups systemd documents for SystemCallFilter=; each must exist here. */
static const char *const documented_groups[] = {
    "@aio",      "@basic-io",  "@chown",          "@clock",    "@cpu-emulation",
    "@debug",    "@default",   "@file-system",    "@io-event", "@ipc",
    "@keyring",  "@memlock",   "@module",         "@mount",    "@network-io",
    "@obsolete", "@pkey",      "@privileged",     "@process",  "@raw-io",
    "@reboot",   "@resources", "@sandbox",        "@setuid",   "@signal",
    "@swap",     "@sync",      "@system-service", "@timer",
};

/* Architectures whose syscall tables together hold every name in the groups. */
static const uint32_t archs[] = {
    SCMP_ARCH_X86_64,  SCMP_ARCH_X86,   SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,
    SCMP_ARCH_PPC64LE, SCMP_ARCH_S390X, SCMP_ARCH_MIPS,    SCMP_ARCH_RISCV64,
};

/*
 * Real system calls that libseccomp 2.5.4 does not know on any architecture:
 * calls added to Linux after it (6.4 and later), and the spellings "llseek",
 * "fstatat" and "newfstat" from the kernel's generic syscall table. Each one
 * must still be in some group, so that this list cannot hide a stale entry.
 */
static const char *const newer_than_libseccomp[] = {
    "file_getattr", "file_setattr",   "fstatat",           "getxattrat",       "listmount",
    "listxattrat",  "llseek",         "lsm_get_self_attr", "lsm_list_modules", "mseal",
    "newfstat",     "open_tree_attr", "removexattrat",     "riscv_hwprobe",    "setxattrat",
    "statmount",    "uretprobe",
};

static bool in_list(const char *const *list, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], name) == 0)
                        return true;
        return false;
}

/* True if NAME is a system call on at least one architecture libseccomp knows. */
static bool is_syscall_somewhere(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(archs); i++)
                if (seccomp_syscall_resolve_name_arch(archs[i], name) >= 0)
                        return true;
        return false;
}

static bool is_known_member(const char *name)
{
        if (name[0] == '@')
                return syscall_group_find(name) != NULL;
        return seccomp_syscall_resolve_name(name) >= 0 || is_syscall_somewhere(name) ||
               in_list(newer_than_libseccomp, ELEMENTSOF(newer_than_libseccomp), name);
}

/* A growable list of the names an expansion reported, in order. */
struct collected {
        const char *names[1024];
        size_t n;
        int stop_after; /* return stop_value from the call with this 1-based number */
        int stop_value;
};

static int collect(const char *syscall, void *userdata)
{
        struct collected *c = userdata;

        assert_true(c->n < ELEMENTSOF(c->names));
        c->names[c->n++] = syscall;
        if (c->stop_after > 0 && (int)c->n == c->stop_after)
                return c->stop_value;
        return 0;
}

static size_t count_of(const struct collected *c, const char *name)
{
        size_t count = 0;

        for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->names[i], name) == 0)
                        count++;
        return count;
}

static void expand_or_fail(const char *group, struct collected *c)
{
        memset(c, 0, sizeof(*c));
        assert_int_equal(syscall_group_expand(group, collect, c), 0);
}

static void test_every_documented_group_is_found(void **state)
{
        (void)state;
        for (size_t i = 0; i < ELEMENTSOF(documented_groups); i++) {
                const struct syscall_group *g = syscall_group_find(documented_groups[i]);

                assert_non_null(g);
                assert_string_equal(g->name, documented_groups[i]);
                assert_non_null(g->description);
                assert_true(strlen(g->description) > 0);
                assert_null(strchr(g->description, '\n'));
                assert_non_null(g->members);
                assert_non_null(g->members[0]);
        }
        assert_int_equal(syscall_group_count(), ELEMENTSOF(documented_groups));
}

static void test_groups_are_listed_in_alphabetical_order(void **state)
{
        (void)state;
        for (size_t i = 0; i < syscall_group_count(); i++) {
                const struct syscall_group *g = syscall_group_at(i);

                assert_non_null(g);
                assert_ptr_equal(syscall_group_find(g->name), g);
                if (i > 0)
                        assert_true(strcmp(syscall_group_at(i - 1)->name, g->name) < 0);
        }
        assert_null(syscall_group_at(syscall_group_count()));
}

static void test_find_wants_the_exact_name(void **state)
{
        (void)state;
        assert_null(syscall_group_find("basic-io"));
        assert_null(syscall_group_find("@basic_io"));
        assert_null(syscall_group_find("@nope"));
        assert_null(syscall_group_find(""));
        assert_null(syscall_group_find(NULL));
}

static void test_typo_check_rejects_misspelled_names(void **state)
{
        (void)state;
        /* The check below is only worth something if it can fail. */
        assert_false(is_known_member("opne"));
        assert_false(is_known_member("chown64"));
        assert_false(is_known_member("@file_system"));
        assert_true(is_known_member("chown32")); /* x86 and arm, not x86_64 */
        assert_true(is_known_member("rtas"));    /* powerpc only */
        assert_true(is_known_member("@chown"));
}

static void test_every_member_is_a_syscall_or_a_group(void **state)
{
        (void)state;
        for (size_t i = 0; i < syscall_group_count(); i++) {
                const struct syscall_group *g = syscall_group_at(i);

                for (const char *const *m = g->members; *m; m++) {
                        if (!is_known_member(*m))
                                fail_msg("%s: \"%s\" is neither a group nor a system call on any "
                                         "architecture",
                                         g->name, *m);
                }
        }
}

static void test_unresolvable_allowance_has_no_stale_entries(void **state)
{
        (void)state;
        for (size_t k = 0; k < ELEMENTSOF(newer_than_libseccomp); k++) {
                bool used = false;

                for (size_t i = 0; i < syscall_group_count() && !used; i++)
                        for (const char *const *m = syscall_group_at(i)->members; *m; m++)
                                if (strcmp(*m, newer_than_libseccomp[k]) == 0)
                                        used = true;
                if (!used)
                        fail_msg("\"%s\" is allowed as unresolvable but no group lists it",
                                 newer_than_libseccomp[k]);
        }
}

/* Strictly ascending (so also free of duplicates), which keeps the table easy to check by eye. */
static void test_members_are_sorted_and_unique(void **state)
{
        (void)state;
        for (size_t i = 0; i < syscall_group_count(); i++) {
                const struct syscall_group *g = syscall_group_at(i);

                for (const char *const *m = g->members; m[0] && m[1]; m++)
                        if (strcmp(m[0], m[1]) >= 0)
                                fail_msg("%s: \"%s\" should come after \"%s\"", g->name, m[0],
                                         m[1]);
        }
}

static void test_nested_groups_expand(void **state)
{
        struct collected c;

        (void)state;
        expand_or_fail("@privileged", &c);
        /* Depth-first in table order: the members of @chown come first. */
        assert_string_equal(c.names[0], "chown");
        assert_int_equal(count_of(&c, "chown32"), 1);       /* @chown */
        assert_int_equal(count_of(&c, "clock_settime"), 1); /* @clock */
        assert_int_equal(count_of(&c, "finit_module"), 1);  /* @module */
        assert_int_equal(count_of(&c, "iopl"), 1);          /* @raw-io */
        assert_int_equal(count_of(&c, "kexec_load"), 1);    /* @reboot */
        assert_int_equal(count_of(&c, "swapon"), 1);        /* @swap */
        assert_int_equal(count_of(&c, "acct"), 1);          /* direct */
        assert_int_equal(count_of(&c, "setgid"), 0);        /* @setuid is not nested */

        /* Two levels: @system-service -> @default -> @sandbox. */
        expand_or_fail("@system-service", &c);
        assert_int_equal(count_of(&c, "seccomp"), 1);
        assert_int_equal(count_of(&c, "execve"), 1);
        assert_int_equal(count_of(&c, "socket"), 1);
        assert_int_equal(count_of(&c, "read"), 1);
        assert_int_equal(count_of(&c, "ioctl"), 1);
        assert_int_equal(count_of(&c, "mount"), 0);
        for (size_t i = 0; i < c.n; i++)
                assert_true(c.names[i][0] != '@');
}

/* For every group: expansion == its direct syscalls plus the expansions of its nested groups. */
static void test_expansion_is_the_union_of_its_parts(void **state)
{
        struct collected whole, part;

        (void)state;
        for (size_t i = 0; i < syscall_group_count(); i++) {
                const struct syscall_group *g = syscall_group_at(i);
                size_t expected = 0;

                expand_or_fail(g->name, &whole);
                for (const char *const *m = g->members; *m; m++) {
                        if ((*m)[0] != '@') {
                                assert_int_equal(count_of(&whole, *m), 1);
                                continue;
                        }
                        expand_or_fail(*m, &part);
                        for (size_t k = 0; k < part.n; k++)
                                assert_int_equal(count_of(&whole, part.names[k]), 1);
                }

                /* ... and nothing else: every reported name comes from one of the parts. */
                for (size_t k = 0; k < whole.n; k++) {
                        bool found = false;

                        for (const char *const *m = g->members; *m && !found; m++) {
                                if ((*m)[0] != '@') {
                                        found = strcmp(*m, whole.names[k]) == 0;
                                        continue;
                                }
                                expand_or_fail(*m, &part);
                                found = count_of(&part, whole.names[k]) > 0;
                        }
                        if (!found)
                                fail_msg("%s reported \"%s\", which none of its members holds",
                                         g->name, whole.names[k]);
                        expected++;
                }
                assert_int_equal(expected, whole.n);
                assert_true(whole.n > 0);
        }
}

static void test_expansion_has_no_duplicates(void **state)
{
        struct collected c;

        (void)state;
        for (size_t i = 0; i < syscall_group_count(); i++) {
                expand_or_fail(syscall_group_at(i)->name, &c);
                for (size_t a = 0; a < c.n; a++)
                        for (size_t b = a + 1; b < c.n; b++)
                                if (strcmp(c.names[a], c.names[b]) == 0)
                                        fail_msg("%s reports \"%s\" twice",
                                                 syscall_group_at(i)->name, c.names[a]);
        }

        /* close is in both @basic-io and @file-system, sched_yield in @default and directly. */
        expand_or_fail("@system-service", &c);
        assert_int_equal(count_of(&c, "close"), 1);
        assert_int_equal(count_of(&c, "sched_yield"), 1);
        assert_int_equal(count_of(&c, "capget"), 1);
}

static const char *const cycle_a[] = {"x", "@b", "y", NULL};
static const char *const cycle_b[] = {"z", "@a", "x", NULL};
static const char *const cycle_self[] = {"@self", "w", "@self", NULL};
static const char *const with_unknown[] = {"v", "@a", "@missing", NULL};
static const struct syscall_group cyclic_table[] = {
    {"@a", "a", cycle_a},
    {"@b", "b", cycle_b},
    {"@self", "self", cycle_self},
    {"@broken", "nests an unknown group", with_unknown},
};

static void test_expansion_survives_cycles(void **state)
{
        struct collected c = {};

        (void)state;
        assert_int_equal(
            syscall_group_expand_table(cyclic_table, ELEMENTSOF(cyclic_table), "@a", collect, &c),
            0);
        assert_int_equal(c.n, 3);
        assert_string_equal(c.names[0], "x");
        assert_string_equal(c.names[1], "z");
        assert_string_equal(c.names[2], "y");

        memset(&c, 0, sizeof(c));
        assert_int_equal(
            syscall_group_expand_table(cyclic_table, ELEMENTSOF(cyclic_table), "@b", collect, &c),
            0);
        assert_int_equal(c.n, 3);
        assert_string_equal(c.names[0], "z");
        assert_string_equal(c.names[1], "x");
        assert_string_equal(c.names[2], "y");

        memset(&c, 0, sizeof(c));
        assert_int_equal(syscall_group_expand_table(cyclic_table, ELEMENTSOF(cyclic_table), "@self",
                                                    collect, &c),
                         0);
        assert_int_equal(c.n, 1);
        assert_string_equal(c.names[0], "w");
}

static void test_unknown_group_is_enoent(void **state)
{
        struct collected c = {};

        (void)state;
        assert_int_equal(syscall_group_expand("@nope", collect, &c), -ENOENT);
        assert_int_equal(syscall_group_expand("basic-io", collect, &c), -ENOENT);
        assert_int_equal(syscall_group_expand("read", collect, &c), -ENOENT);
        assert_int_equal(c.n, 0);

        /* A nested unknown group fails the whole expansion before anything is reported. */
        assert_int_equal(syscall_group_expand_table(cyclic_table, ELEMENTSOF(cyclic_table),
                                                    "@broken", collect, &c),
                         -ENOENT);
        assert_int_equal(c.n, 0);
}

static void test_invalid_arguments_are_einval(void **state)
{
        struct collected c = {};

        (void)state;
        assert_int_equal(syscall_group_expand(NULL, collect, &c), -EINVAL);
        assert_int_equal(syscall_group_expand("@aio", NULL, &c), -EINVAL);
        assert_int_equal(syscall_group_expand_table(NULL, 3, "@aio", collect, &c), -EINVAL);
        assert_int_equal(c.n, 0);
}

static void test_callback_stop_value_is_returned(void **state)
{
        struct collected c = {.stop_after = 3, .stop_value = 42};

        (void)state;
        assert_int_equal(syscall_group_expand("@system-service", collect, &c), 42);
        assert_int_equal(c.n, 3);

        memset(&c, 0, sizeof(c));
        c.stop_after = 1;
        c.stop_value = -EIO;
        assert_int_equal(syscall_group_expand("@basic-io", collect, &c), -EIO);
        assert_int_equal(c.n, 1);

        /* Stopping inside a nested group stops the outer one too. */
        memset(&c, 0, sizeof(c));
        c.stop_after = 2;
        c.stop_value = 7;
        assert_int_equal(syscall_group_expand("@privileged", collect, &c), 7);
        assert_int_equal(c.n, 2);
}

/* What one run of cmd_groups() printed, and its exit status. */
struct run {
        int status;
        char out[65536];
        char err[4096];
};

static void read_back(int fd, char *buf, size_t size)
{
        ssize_t n = pread(fd, buf, size - 1, 0);

        assert_true(n >= 0);
        assert_true((size_t)n < size - 1); /* the buffer was big enough */
        buf[n] = '\0';
}

static void run_groups(struct run *run, int argc, ...)
{
        char *argv[8];
        int out = memfd_create("groups-stdout", MFD_CLOEXEC);
        int err = memfd_create("groups-stderr", MFD_CLOEXEC);
        int saved_out, saved_err, restored_out, restored_err;
        va_list ap;

        assert_true(argc > 0 && (size_t)argc < ELEMENTSOF(argv));
        va_start(ap, argc);
        for (int i = 0; i < argc; i++)
                argv[i] = va_arg(ap, char *);
        va_end(ap);
        argv[argc] = NULL;

        assert_true(out >= 0 && err >= 0);
        fflush(stdout);
        fflush(stderr);
        saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        assert_true(saved_out >= 0 && saved_err >= 0);
        assert_int_equal(dup2(out, STDOUT_FILENO), STDOUT_FILENO);
        assert_int_equal(dup2(err, STDERR_FILENO), STDERR_FILENO);

        run->status = cmd_groups(argc, argv);

        /* Restore both before asserting, so that a failure is reported where it can be seen. */
        fflush(stdout);
        fflush(stderr);
        restored_out = dup2(saved_out, STDOUT_FILENO);
        restored_err = dup2(saved_err, STDERR_FILENO);
        close(saved_out);
        close(saved_err);
        assert_int_equal(restored_out, STDOUT_FILENO);
        assert_int_equal(restored_err, STDERR_FILENO);
        read_back(out, run->out, sizeof(run->out));
        read_back(err, run->err, sizeof(run->err));
        close(out);
        close(err);
}

static size_t count_lines(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                if (*s == '\n')
                        n++;
        return n;
}

/* The output line that starts, after indentation, with WORD followed by a space or newline. */
static const char *find_line(const char *text, const char *word)
{
        size_t len = strlen(word);

        for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
                const char *p = line + strspn(line, " ");

                if (strncmp(p, word, len) == 0 && (p[len] == ' ' || p[len] == '\n'))
                        return p;
                if (!strchr(line, '\n'))
                        break;
        }
        return NULL;
}

static void test_command_lists_every_group(void **state)
{
        static struct run run;

        (void)state;
        run_groups(&run, 1, "groups");
        assert_int_equal(run.status, 0);
        assert_string_equal(run.err, "");
        assert_int_equal(count_lines(run.out), syscall_group_count());
        for (size_t i = 0; i < syscall_group_count(); i++) {
                const struct syscall_group *g = syscall_group_at(i);
                const char *line = find_line(run.out, g->name);

                assert_non_null(line);
                /* Descriptions start in one column: name, padding, description. */
                assert_ptr_equal(strstr(line, g->description),
                                 line + strlen("@system-service") + 2);
        }
}

static void test_command_shows_one_group(void **state)
{
        static struct run with_at, without_at;
        const char *line;
        const char *foreign = NULL;
        struct collected c;

        (void)state;
        run_groups(&with_at, 2, "groups", "@privileged");
        run_groups(&without_at, 2, "groups", "privileged");
        assert_int_equal(with_at.status, 0);
        assert_int_equal(without_at.status, 0);
        assert_string_equal(with_at.out, without_at.out);
        assert_string_equal(with_at.err, "");

        assert_non_null(strstr(with_at.out, syscall_group_find("@privileged")->description));
        line = find_line(with_at.out, "@chown");
        assert_non_null(line);
        assert_non_null(strstr(line, "(group)"));
        assert_true(strstr(line, "(group)") < strchr(line, '\n'));
        assert_non_null(find_line(with_at.out, "acct"));
        assert_non_null(find_line(with_at.out, "lchown")); /* from the expansion of @chown */

        /* A name this architecture lacks (chown32 on 64-bit ones) is marked as such. */
        expand_or_fail("@privileged", &c);
        for (size_t i = 0; i < c.n && !foreign; i++) {
                int nr = seccomp_syscall_resolve_name(c.names[i]);

                if (nr < 0 && nr != __NR_SCMP_ERROR)
                        foreign = c.names[i];
        }
        assert_non_null(foreign);
        line = find_line(with_at.out, foreign);
        assert_non_null(line);
        assert_true(strstr(line, "(not on ") != NULL &&
                    strstr(line, "(not on ") < strchr(line, '\n'));

        /* A name it has is not. */
        line = find_line(with_at.out, "reboot");
        assert_non_null(line);
        assert_true(line[strlen("reboot")] == '\n');
}

static void test_command_rejects_unknown_group(void **state)
{
        static struct run run;

        (void)state;
        run_groups(&run, 2, "groups", "@nope");
        assert_int_equal(run.status, 2);
        assert_string_equal(run.out, "");
        assert_non_null(strstr(run.err, "@nope"));
        assert_non_null(strstr(run.err, "scmp-super groups"));
}

static void test_command_usage(void **state)
{
        static struct run run;

        (void)state;
        run_groups(&run, 2, "groups", "--help");
        assert_int_equal(run.status, 0);
        assert_non_null(strstr(run.out, "Usage: scmp-super groups"));
        assert_string_equal(run.err, "");

        run_groups(&run, 3, "groups", "@aio", "@ipc");
        assert_int_equal(run.status, 2);
        assert_string_equal(run.out, "");
        assert_non_null(strstr(run.err, "Usage:"));

        run_groups(&run, 2, "groups", "--bogus");
        assert_int_equal(run.status, 2);
        assert_non_null(strstr(run.err, "--bogus"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_documented_group_is_found),
            cmocka_unit_test(test_groups_are_listed_in_alphabetical_order),
            cmocka_unit_test(test_find_wants_the_exact_name),
            cmocka_unit_test(test_typo_check_rejects_misspelled_names),
            cmocka_unit_test(test_every_member_is_a_syscall_or_a_group),
            cmocka_unit_test(test_unresolvable_allowance_has_no_stale_entries),
            cmocka_unit_test(test_members_are_sorted_and_unique),
            cmocka_unit_test(test_nested_groups_expand),
            cmocka_unit_test(test_expansion_is_the_union_of_its_parts),
            cmocka_unit_test(test_expansion_has_no_duplicates),
            cmocka_unit_test(test_expansion_survives_cycles),
            cmocka_unit_test(test_unknown_group_is_enoent),
            cmocka_unit_test(test_invalid_arguments_are_einval),
            cmocka_unit_test(test_callback_stop_value_is_returned),
            cmocka_unit_test(test_command_lists_every_group),
            cmocka_unit_test(test_command_shows_one_group),
            cmocka_unit_test(test_command_rejects_unknown_group),
            cmocka_unit_test(test_command_usage),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
