/* SPDX-License-Identifier: MIT */
/*
 * Unix-socket names (base/unix_socket.h): "@name" is abstract where a name
 * may be, never for a socket file's path; lengths are checked; a stale
 * socket file is removed, a live one or a file that is no socket refused.
 */
#include <errno.h>
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

#include "base/unix_socket.h"

static void test_addresses(void **state)
{
        (void)state;
        struct sockaddr_un sa;
        socklen_t len;
        char longname[sizeof(sa.sun_path) + 1];

        assert_int_equal(unix_address("@x/y", &sa, &len), 0);
        assert_int_equal(sa.sun_path[0], '\0');
        assert_memory_equal(sa.sun_path + 1, "x/y", 3);
        assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 4);

        assert_int_equal(unix_path_address("@x", &sa, &len), 0);
        assert_string_equal(sa.sun_path, "@x");
        assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 3);

        assert_int_equal(unix_address("", &sa, &len), -EINVAL);
        assert_int_equal(unix_address("@", &sa, &len), -EINVAL);
        memset(longname, 'a', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        assert_int_equal(unix_address(longname, &sa, &len), -ENAMETOOLONG);
        char why[256] = "";
        assert_int_equal(unix_address_error(longname, -ENAMETOOLONG, why, sizeof(why)),
                         -ENAMETOOLONG);
        assert_non_null(strstr(why, "longer than the 107 bytes"));
}

static void test_clear_stale(void **state)
{
        (void)state;
        char dir[] = "/tmp/test_unix_socket.XXXXXX";
        char path[64], why[256];
        struct sockaddr_un sa;
        socklen_t len;
        struct stat st;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/s", dir);
        /* None there: nothing to do. */
        assert_int_equal(unix_socket_clear_stale(path, why, sizeof(why)), 0);

        /* A socket somebody listens on is refused; once they are gone, it
         * is stale and removed. */
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(fd >= 0);
        assert_int_equal(unix_path_address(path, &sa, &len), 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
        assert_int_equal(listen(fd, 1), 0);
        assert_int_equal(unix_socket_clear_stale(path, why, sizeof(why)), -EADDRINUSE);
        assert_non_null(strstr(why, "another process is listening on it"));
        int client;
        assert_int_equal(unix_connect(&sa, len, &client), 0);
        close(client);
        close(fd);
        assert_int_equal(unix_socket_clear_stale(path, why, sizeof(why)), 0);
        assert_int_equal(lstat(path, &st), -1);

        /* A file that is no socket is never removed. */
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
        assert_int_equal(unix_socket_clear_stale(path, why, sizeof(why)), -EEXIST);
        assert_int_equal(lstat(path, &st), 0);
        unlink(path);
        rmdir(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_addresses),
            cmocka_unit_test(test_clear_stale),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
