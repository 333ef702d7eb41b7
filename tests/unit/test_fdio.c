/* SPDX-License-Identifier: MIT */
/* fdio: replacing a file whole, with the new one closed to everybody
 * until it is in place (a supervised command of our uid could otherwise
 * open it while it is written, and keep a write handle on the result). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/fdio.h"

static void make_dir(char dir[64])
{
        strcpy(dir, "/tmp/test_fdio.XXXXXX");
        assert_non_null(mkdtemp(dir));
}

static void test_the_new_file_has_no_permissions_until_it_is_in_place(void **state)
{
        char dir[64], path[128], tmp[PATH_MAX], text[16] = "";
        struct stat st;
        (void)state;
        make_dir(dir);
        snprintf(path, sizeof(path), "%s/p.json", dir);
        int old = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
        assert_true(old >= 0);
        assert_int_equal(write(old, "old", 3), 3);
        close(old);

        int fd = file_replace_begin(path, tmp, sizeof(tmp));
        assert_true(fd >= 0);
        assert_non_null(strstr(tmp, "/.p.json.scmp-super-"));
        assert_int_equal(stat(tmp, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0);
        assert_int_equal(fd_write_all(fd, "new", 3), 0);
        assert_int_equal(file_replace_commit(fd, tmp, path, 0640), 0);

        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(access(tmp, F_OK), -1);
        int in = open(path, O_RDONLY | O_CLOEXEC);
        assert_int_equal(read(in, text, sizeof(text) - 1), 3);
        close(in);
        assert_string_equal(text, "new");
        unlink(path);
        rmdir(dir);
}

static void test_an_aborted_replacement_leaves_the_old_file(void **state)
{
        char dir[64], path[128], tmp[PATH_MAX];
        struct stat st;
        (void)state;
        make_dir(dir);
        snprintf(path, sizeof(path), "%s/p.json", dir);
        int fd = file_replace_begin(path, tmp, sizeof(tmp));
        assert_true(fd >= 0);
        file_replace_abort(fd, tmp);
        assert_int_equal(stat(tmp, &st), -1);
        assert_int_equal(stat(path, &st), -1);
        /* A name too long for its directory's temporary file. */
        char longname[PATH_MAX + 8];
        memset(longname, 'a', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        assert_int_equal(file_replace_begin(longname, tmp, sizeof(tmp)), -ENAMETOOLONG);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_the_new_file_has_no_permissions_until_it_is_in_place),
            cmocka_unit_test(test_an_aborted_replacement_leaves_the_old_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
