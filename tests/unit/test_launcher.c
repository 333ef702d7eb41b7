/* SPDX-License-Identifier: MIT */
/* launcher_runs_as_itself: which commands /proc will name as themselves,
 * the condition for the executable cache's one answer for every caller. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "launch/launcher.h"

/* Writes size bytes of data to a new temporary file; its path in path. */
static void write_file(char path[64], const void *data, size_t size)
{
        strcpy(path, "/tmp/test_launcher.XXXXXX");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, size), (ssize_t)size);
        close(fd);
}

static void test_an_elf_of_our_kind(void **state)
{
        (void)state;
        assert_true(launcher_runs_as_itself("/proc/self/exe"));
        assert_true(launcher_runs_as_itself("/bin/sh"));
}

static void test_a_script_is_not(void **state)
{
        (void)state;
        char path[64];
        write_file(path, "#!/bin/sh\nexit 0\n", 17);
        assert_false(launcher_runs_as_itself(path));
        unlink(path);
}

/* Our own header with another class, or another machine: a binary the
 * kernel would hand to binfmt_misc or run as another architecture. */
static void test_an_elf_of_another_kind_is_not(void **state)
{
        (void)state;
        Elf64_Ehdr ours;
        FILE *f = fopen("/proc/self/exe", "rb");
        assert_non_null(f);
        assert_int_equal(fread(&ours, sizeof(ours), 1, f), 1);
        fclose(f);

        char path[64];
        Elf64_Ehdr other = ours;
        other.e_ident[EI_CLASS] = ours.e_ident[EI_CLASS] == ELFCLASS64 ? ELFCLASS32 : ELFCLASS64;
        write_file(path, &other, sizeof(other));
        assert_false(launcher_runs_as_itself(path));
        unlink(path);

        other = ours;
        other.e_machine = (uint16_t)(ours.e_machine + 1);
        write_file(path, &other, sizeof(other));
        assert_false(launcher_runs_as_itself(path));
        unlink(path);

        /* The header alone, unchanged: this test's judge is the header. */
        write_file(path, &ours, sizeof(ours));
        assert_true(launcher_runs_as_itself(path));
        unlink(path);
}

static void test_short_missing_or_unreadable_is_not(void **state)
{
        (void)state;
        char path[64];
        write_file(path, ELFMAG, SELFMAG);
        assert_false(launcher_runs_as_itself(path));
        unlink(path);
        assert_false(launcher_runs_as_itself(path));
        assert_false(launcher_runs_as_itself("/"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_an_elf_of_our_kind),
            cmocka_unit_test(test_a_script_is_not),
            cmocka_unit_test(test_an_elf_of_another_kind_is_not),
            cmocka_unit_test(test_short_missing_or_unreadable_is_not),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
