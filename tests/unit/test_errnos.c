/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "errnos.h"

static void test_from_name_knows_common_errors(void **state)
{
        assert_int_equal(errno_from_name("EPERM"), 1);
        assert_int_equal(errno_from_name("EPERM"), EPERM);
        assert_int_equal(errno_from_name("ENOENT"), ENOENT);
        assert_int_equal(errno_from_name("EACCES"), EACCES);
        assert_int_equal(errno_from_name("ENOSYS"), ENOSYS);
        assert_int_equal(errno_from_name("EHWPOISON"), EHWPOISON);
}

static void test_from_name_accepts_aliases(void **state)
{
        assert_int_equal(errno_from_name("EWOULDBLOCK"), EAGAIN);
        assert_int_equal(errno_from_name("EDEADLOCK"), EDEADLK);
        assert_int_equal(errno_from_name("ENOTSUP"), EOPNOTSUPP);
}

static void test_from_name_accepts_decimal(void **state)
{
        assert_int_equal(errno_from_name("13"), 13);
        assert_int_equal(errno_from_name("1"), 1);
        assert_int_equal(errno_from_name("4095"), 4095);
}

static void test_from_name_rejects_unknown_and_malformed(void **state)
{
        static const char *const bad[] = {
            "EFOO",
            "eperm",
            "EPERM ",
            " EPERM",
            "",
            "0",
            "-1",
            "+13",
            "013",
            "4096",
            "99999999999999999999",
            "13x",
            "0x0d",
        };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (errno_from_name(bad[i]) != -1)
                        fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(errno_from_name(NULL), -1);
}

static void test_to_name_prefers_usual_name_for_aliases(void **state)
{
        assert_string_equal(errno_to_name(EAGAIN), "EAGAIN");
        assert_string_equal(errno_to_name(EDEADLK), "EDEADLK");
        assert_string_equal(errno_to_name(EOPNOTSUPP), "EOPNOTSUPP");
}

static void test_to_name_returns_null_for_unknown(void **state)
{
        assert_null(errno_to_name(0));
        assert_null(errno_to_name(-1));
        assert_null(errno_to_name(4000));
        assert_null(errno_to_name(512)); /* ERESTARTSYS is kernel-internal */
}

static void test_every_linux_errno_round_trips(void **state)
{
        /* Linux numbers its errors 1 to 133 without gaps except 41 and 58 (aliases). */
        for (int e = 1; e <= 133; e++) {
                const char *name = errno_to_name(e);

                if (e == 41 || e == 58) {
                        assert_null(name);
                        continue;
                }
                if (!name)
                        fail_msg("no name for %d", e);
                assert_int_equal(errno_from_name(name), e);
        }
}

static void test_names_agree_with_strerrorname(void **state)
{
        for (int e = 1; e <= 133; e++) {
                const char *mine = errno_to_name(e);
                const char *libc = strerrorname_np(e);

                if (!libc)
                        continue;
                /* Both must know the same values; the chosen alias may differ. */
                assert_non_null(mine);
                assert_int_equal(errno_from_name(libc), e);
        }
}

static void test_decimal_round_trip(void **state)
{
        char text[16];

        for (int e = 1; e <= 4095; e += 97) {
                snprintf(text, sizeof(text), "%d", e);
                assert_int_equal(errno_from_name(text), e);
        }
}

static void test_suggest_finds_close_names(void **state)
{
        assert_string_equal(errno_suggest("EACESS"), "EACCES");
        assert_string_equal(errno_suggest("EACCESS"), "EACCES");
        assert_string_equal(errno_suggest("EPREM"), "EPERM");
        assert_string_equal(errno_suggest("eperm"), "EPERM");
        assert_string_equal(errno_suggest("ENOENT"), "ENOENT");
        assert_string_equal(errno_suggest("ENOTRECOVERABL"), "ENOTRECOVERABLE");
        assert_string_equal(errno_suggest("CONNREFUSED"), "ECONNREFUSED");
}

static void test_suggest_returns_null_when_nothing_is_close(void **state)
{
        assert_null(errno_suggest("PERMISSION_DENIED"));
        assert_null(errno_suggest("XYZZYQ"));
        assert_null(errno_suggest("ECONNREFUSEDXYZ"));
        assert_null(errno_suggest("ENOTRECOVERABLEXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"));
        assert_null(errno_suggest(NULL));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_from_name_knows_common_errors),
            cmocka_unit_test(test_from_name_accepts_aliases),
            cmocka_unit_test(test_from_name_accepts_decimal),
            cmocka_unit_test(test_from_name_rejects_unknown_and_malformed),
            cmocka_unit_test(test_to_name_prefers_usual_name_for_aliases),
            cmocka_unit_test(test_to_name_returns_null_for_unknown),
            cmocka_unit_test(test_every_linux_errno_round_trips),
            cmocka_unit_test(test_names_agree_with_strerrorname),
            cmocka_unit_test(test_decimal_round_trip),
            cmocka_unit_test(test_suggest_finds_close_names),
            cmocka_unit_test(test_suggest_returns_null_when_nothing_is_close),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
