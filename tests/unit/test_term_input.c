/* SPDX-License-Identifier: MIT */
/*
 * Keys and escape sequences in what a terminal sends: a prompt reads keys
 * only, never the letters inside a report the command provoked or an
 * arrow key's sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "term_input.h"

/* The keys in bytes fed to in, as a string (27 for Esc shows as '^'). */
static const char *keys_in(struct term_input *in, const char *bytes, size_t len)
{
        static char keys[256];
        size_t n = 0;

        for (size_t i = 0; i < len; i++) {
                int k = term_input_feed(in, (unsigned char)bytes[i]);
                if (k >= 0 && n + 1 < sizeof(keys))
                        keys[n++] = k == 27 ? '^' : (char)k;
        }
        keys[n] = '\0';
        return keys;
}

static const char *keys_of(const char *bytes, size_t len)
{
        struct term_input in;
        term_input_init(&in);
        return keys_in(&in, bytes, len);
}

/* The keys in a string literal, fed to a fresh parser. */
#define KEYS(literal) keys_of(literal, sizeof(literal) - 1)

static void typed_ascii_is_keys(void **state)
{
        assert_string_equal(KEYS("aAdDk"), "aAdDk");
        assert_string_equal(KEYS("\x7f\x08\r"), "\x7f\x08\r");
}

static void arrow_keys_are_not_letters(void **state)
{
        /* Normal and application cursor mode; Up would read as 'A', allow
         * for the session, and Left as 'D'. */
        assert_string_equal(KEYS("\033[A\033[D\033OA\033OD"), "");
        assert_string_equal(KEYS("\033[1;5A\033[3~"), ""); /* Ctrl+Up, Delete */
        assert_string_equal(KEYS("x\033[Ay"), "xy");
}

static void alt_with_a_key_is_not_the_key(void **state)
{
        assert_string_equal(KEYS("\033a\033A"), "");
        assert_string_equal(KEYS("\033\033[A"), ""); /* Alt+Up */
}

static void cursor_and_device_reports_are_swallowed(void **state)
{
        assert_string_equal(KEYS("\033[12;40R"), "");        /* DSR 6 */
        assert_string_equal(KEYS("\033[?64;1;2;6;22c"), ""); /* DA */
        assert_string_equal(KEYS("\033[?2004;1$y"), "");     /* DECRQM */
}

static void string_reports_are_swallowed_whatever_they_say(void **state)
{
        /* A title report, with a title the command chose; BEL or ST ends it. */
        assert_string_equal(KEYS("\033]laaaa AAAA\033\\"), "");
        assert_string_equal(KEYS("\033]2;aaaa\a"), "");
        /* tmux answers a version query with letters in it. */
        assert_string_equal(KEYS("\033P>|tmux 3.3a\033\\"), "");
        assert_string_equal(KEYS("\033P1$r0m\033\\"), "");   /* DECRQSS */
        assert_string_equal(KEYS("\033_Gi=1;OK\033\\"), ""); /* an APC reply */
        assert_string_equal(KEYS("\033]11;rgb:0000/0000/0000\033\\a"), "a");
}

static void only_bel_or_st_ends_a_string(void **state)
{
        /* CAN, SUB, a lone ESC, and an 8-bit ST, which in UTF-8 is a
         * continuation byte (U+015C is C5 9C), all stay inside. */
        assert_string_equal(KEYS("\033]l\x18"
                                 "a\x1a"
                                 "a\033a\xc5\x9c"
                                 "a\x9c"
                                 "a\033\\d"),
                            "d");
}

static void x10_mouse_coordinates_are_not_keys(void **state)
{
        /* Button 1 at column 65 ('a' - 32), row 33 ('A' - 32). */
        assert_string_equal(KEYS("\033[M aA"), "");
        assert_string_equal(KEYS("\033[M#aAd"), "d");
        /* SGR and urxvt reports are ordinary control sequences. */
        assert_string_equal(KEYS("\033[<0;65;33M\033[<0;65;33m\033[32;65;33M"), "");
}

static void a_bracketed_paste_is_swallowed_whole(void **state)
{
        assert_string_equal(KEYS("\033[200~allow\033[A\033[201~d"), "d");
        /* An ESC in the paste that does not end it. */
        assert_string_equal(KEYS("\033[200~a\033\033[201a\033[201~k"), "k");
        /* ESC [ 2000 ~ is no paste. */
        assert_string_equal(KEYS("\033[2000~a"), "a");
}

static void eight_bit_and_utf8_c1_introducers_are_recognised(void **state)
{
        assert_string_equal(KEYS("\x9b"
                                 "12;1R"),
                            "");
        assert_string_equal(KEYS("\x9dlaaa\033\\"), "");
        assert_string_equal(KEYS("\xc2\x9b"
                                 "12;1R"),
                            "");
        assert_string_equal(KEYS("\xc2\x9dlaaa\a"), "");
}

static void characters_beyond_ascii_are_not_keys(void **state)
{
        assert_string_equal(KEYS("é日a"), "a");
        /* A cut-short character does not take the next key with it. */
        assert_string_equal(KEYS("\xc3"
                                 "a"),
                            "a");
        assert_string_equal(KEYS("\xff\x80"
                                 "d"),
                            "d");
}

static void a_sequence_split_across_reads_is_still_one(void **state)
{
        struct term_input in;
        term_input_init(&in);
        assert_string_equal(keys_in(&in, "\033", 1), "");
        assert_true(term_input_pending(&in));
        assert_string_equal(keys_in(&in, "]l", 2), "");
        assert_string_equal(keys_in(&in, "aaa\033", 4), "");
        assert_string_equal(keys_in(&in, "\\a", 2), "a");
        assert_false(term_input_pending(&in));
}

static void a_lone_escape_is_the_esc_key_after_a_pause(void **state)
{
        struct term_input in;
        term_input_init(&in);
        assert_string_equal(keys_in(&in, "\033", 1), "");
        assert_true(term_input_pending(&in));
        assert_int_equal(term_input_timeout(&in), 27);
        assert_false(term_input_pending(&in));
        assert_string_equal(keys_in(&in, "a", 1), "a");
}

static void a_sequence_cut_short_is_given_up_after_a_pause(void **state)
{
        struct term_input in;
        term_input_init(&in);
        /* A title report whose end was flushed away: it swallows keys
         * until the input goes quiet, never longer. */
        assert_string_equal(keys_in(&in, "\033]lab", 5), "");
        assert_string_equal(keys_in(&in, "a", 1), "");
        assert_int_equal(term_input_timeout(&in), -1);
        assert_string_equal(keys_in(&in, "a", 1), "a");
        assert_int_equal(term_input_timeout(&in), -1); /* nothing pending: nothing happens */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(typed_ascii_is_keys),
            cmocka_unit_test(arrow_keys_are_not_letters),
            cmocka_unit_test(alt_with_a_key_is_not_the_key),
            cmocka_unit_test(cursor_and_device_reports_are_swallowed),
            cmocka_unit_test(string_reports_are_swallowed_whatever_they_say),
            cmocka_unit_test(only_bel_or_st_ends_a_string),
            cmocka_unit_test(x10_mouse_coordinates_are_not_keys),
            cmocka_unit_test(a_bracketed_paste_is_swallowed_whole),
            cmocka_unit_test(eight_bit_and_utf8_c1_introducers_are_recognised),
            cmocka_unit_test(characters_beyond_ascii_are_not_keys),
            cmocka_unit_test(a_sequence_split_across_reads_is_still_one),
            cmocka_unit_test(a_lone_escape_is_the_esc_key_after_a_pause),
            cmocka_unit_test(a_sequence_cut_short_is_given_up_after_a_pause),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
