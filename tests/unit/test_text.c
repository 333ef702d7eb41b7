/* SPDX-License-Identifier: MIT */
/*
 * Others' text made safe to print (base/text.h): no control byte and no
 * non-ASCII byte reaches a log line, and the one UTF-8 decoder the prompt
 * and the trace report share takes valid sequences only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/text.h"

static void test_printable_replaces_control_and_non_ascii(void **state)
{
        (void)state;
        char buf[16];

        assert_string_equal(text_printable("a\x1b[2Jb\n\xc3\xa9", buf, sizeof(buf)), "a?[2Jb???");
        assert_string_equal(text_printable(NULL, buf, sizeof(buf)), "-");
        /* Cut to fit, and always terminated. */
        assert_string_equal(text_printable("0123456789abcdefXYZ", buf, sizeof(buf)),
                            "0123456789abcde");
}

static void test_describe_target(void **state)
{
        (void)state;
        char buf[64];

        assert_string_equal(text_describe_target("c\n1", 42, buf, sizeof(buf)),
                            "container c?1 (pid 42)");
        assert_string_equal(text_describe_target("", 42, buf, sizeof(buf)), "pid 42");
        assert_string_equal(text_describe_target(NULL, 7, buf, sizeof(buf)), "pid 7");
}

static void test_utf8_decode(void **state)
{
        (void)state;
        const struct {
                const char *bytes;
                size_t n;
                size_t len;
                uint32_t cp;
        } rows[] = {
            {"A", 1, 1, 'A'},
            {"\xc3\xa9", 2, 2, 0xe9},
            {"\xe2\x80\xae", 3, 3, 0x202e},
            {"\xf0\x9f\x98\x80", 4, 4, 0x1f600},
            {"\xc0\xaf", 2, 0, 0},         /* overlong '/' */
            {"\xe0\x80\xaf", 3, 0, 0},     /* overlong, three bytes */
            {"\xed\xa0\x80", 3, 0, 0},     /* a surrogate */
            {"\xf4\x90\x80\x80", 4, 0, 0}, /* past U+10FFFF */
            {"\xc3", 1, 0, 0},             /* cut short by n */
            {"\xc3(", 2, 0, 0},            /* not a continuation */
            {"\x80", 1, 0, 0},             /* a lone continuation */
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                uint32_t cp = 0;
                size_t len = text_utf8_decode((const unsigned char *)rows[i].bytes, rows[i].n, &cp);
                if (len != rows[i].len || (len && cp != rows[i].cp))
                        fail_msg("row %zu: length %zu code point %#x", i, len, (unsigned)cp);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_printable_replaces_control_and_non_ascii),
            cmocka_unit_test(test_describe_target),
            cmocka_unit_test(test_utf8_decode),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
