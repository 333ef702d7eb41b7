/* SPDX-License-Identifier: MIT */
/*
 * jsonpos: finding a value's place in the source text by its JSON path, so
 * that profile errors can say file:line:column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsonpos.h"

#define KEY(k)                                                                                     \
        (struct jsonpos_segment)                                                                   \
        {                                                                                          \
                .key = (k)                                                                         \
        }
#define IDX(i)                                                                                     \
        (struct jsonpos_segment)                                                                   \
        {                                                                                          \
                .key = NULL, .index = (i)                                                          \
        }

/* Builds a path from up to eight segments. */
static struct jsonpos_path make_path(size_t depth, const struct jsonpos_segment *segs)
{
        struct jsonpos_path path = {.depth = depth};

        for (size_t i = 0; i < depth; i++)
                path.seg[i] = segs[i];
        return path;
}

#define PATH(...)                                                                                  \
        make_path(sizeof((struct jsonpos_segment[]){__VA_ARGS__}) /                                \
                      sizeof(struct jsonpos_segment),                                              \
                  (struct jsonpos_segment[]){__VA_ARGS__})

/* The offset of the first occurrence of needle in text, which must exist. */
static long offset_of(const char *text, const char *needle)
{
        const char *p = strstr(text, needle);

        assert_non_null(p);
        return (long)(p - text);
}

static long locate(const char *text, struct jsonpos_path path, int want_key)
{
        return jsonpos_locate(text, strlen(text), &path, want_key);
}

static void test_empty_path_is_the_root_value_after_leading_space(void **state)
{
        const char *text = "  \n\t{\"a\": 1}";
        struct jsonpos_path path = {.depth = 0};

        assert_int_equal(jsonpos_locate(text, strlen(text), &path, 0), 4);
        assert_int_equal(jsonpos_locate(text, strlen(text), &path, 1), 4);
}

static void test_top_level_key_value_and_key(void **state)
{
        const char *text = "{\"a\": 1, \"bb\": \"two\", \"c\": null}";

        assert_int_equal(locate(text, PATH(KEY("bb")), 0), offset_of(text, "\"two\""));
        assert_int_equal(locate(text, PATH(KEY("bb")), 1), offset_of(text, "\"bb\""));
        assert_int_equal(locate(text, PATH(KEY("c")), 0), offset_of(text, "null"));
        assert_int_equal(locate(text, PATH(KEY("a")), 0), offset_of(text, "1"));
}

static void test_nested_objects_and_arrays(void **state)
{
        const char *text =
            "{\"syscalls\": [\n"
            "  {\"names\": [\"a\"], \"action\": \"X\"},\n"
            "  {\"names\": [\"b\", \"c\"],\n"
            "   \"args\": [{\"index\": 0, \"op\": \"FIRST\"}, {\"op\": \"SECOND\"}]}\n"
            "]}";

        assert_int_equal(locate(text, PATH(KEY("syscalls"), IDX(1), KEY("names"), IDX(1)), 0),
                         offset_of(text, "\"c\""));
        assert_int_equal(
            locate(text, PATH(KEY("syscalls"), IDX(1), KEY("args"), IDX(1), KEY("op")), 0),
            offset_of(text, "\"SECOND\""));
        assert_int_equal(
            locate(text, PATH(KEY("syscalls"), IDX(1), KEY("args"), IDX(0), KEY("op")), 1),
            offset_of(text, "\"op\": \"FIRST\""));
        /* An index segment with want_key gives the element itself. */
        assert_int_equal(locate(text, PATH(KEY("syscalls"), IDX(1)), 1),
                         offset_of(text, "{\"names\": [\"b\""));
        assert_int_equal(locate(text, PATH(KEY("syscalls"), IDX(0), KEY("action")), 0),
                         offset_of(text, "\"X\""));
}

static void test_same_key_at_another_level_is_not_confused(void **state)
{
        const char *text = "{\"outer\": {\"op\": 1}, \"op\": 2}";

        assert_int_equal(locate(text, PATH(KEY("op")), 0), offset_of(text, "2"));
        assert_int_equal(locate(text, PATH(KEY("outer"), KEY("op")), 0), offset_of(text, "1"));
}

static void test_strings_with_brackets_and_escaped_quotes_are_skipped(void **state)
{
        const char *text = "{\"a\": \"}]\\\"{[,:\", \"b\": [\"]\", \"\\\\\", {\"x\": \"\\\"}\"}], "
                           "\"c\": 3}";

        assert_int_equal(locate(text, PATH(KEY("c")), 0), offset_of(text, "3"));
        assert_int_equal(locate(text, PATH(KEY("b"), IDX(2), KEY("x")), 0),
                         offset_of(text, "\"\\\"}\""));
        assert_int_equal(locate(text, PATH(KEY("b"), IDX(1)), 0), offset_of(text, "\"\\\\\""));
}

static void test_keys_with_escapes_match_their_decoded_text(void **state)
{
        const char *text = "{\"a\\\"b\": 1, \"new\\nline\": 2, \"back\\\\slash\": 3}";

        assert_int_equal(locate(text, PATH(KEY("a\"b")), 0), offset_of(text, "1"));
        assert_int_equal(locate(text, PATH(KEY("new\nline")), 0), offset_of(text, "2"));
        assert_int_equal(locate(text, PATH(KEY("back\\slash")), 0), offset_of(text, "3"));
        /* A key is not matched by its raw, undecoded spelling. */
        assert_int_equal(locate(text, PATH(KEY("a\\\"b")), 0), -1);
}

static void test_numbers_literals_and_empty_containers_are_skipped(void **state)
{
        const char *text = "{\"n\": -1.5e+3, \"t\": true, \"f\": false, \"z\": null, \"o\": {}, "
                           "\"arr\": [], \"deep\": [[[{\"k\": [1, {}]}]]], \"last\": \"here\"}";

        assert_int_equal(locate(text, PATH(KEY("last")), 0), offset_of(text, "\"here\""));
        assert_int_equal(
            locate(text, PATH(KEY("deep"), IDX(0), IDX(0), IDX(0), KEY("k"), IDX(1)), 0),
            offset_of(text, "{}]}"));
}

static void test_whitespace_around_tokens(void **state)
{
        const char *text = "{\r\n\t\"a\"\t:\r\n  [ 1 ,\n\t 2 ] , \"b\" :\"v\" }";

        assert_int_equal(locate(text, PATH(KEY("a"), IDX(1)), 0), offset_of(text, "2"));
        assert_int_equal(locate(text, PATH(KEY("b")), 0), offset_of(text, "\"v\""));
        assert_int_equal(locate(text, PATH(KEY("b")), 1), offset_of(text, "\"b\""));
}

static void test_paths_that_lead_nowhere_give_minus_one(void **state)
{
        const char *text = "{\"a\": [1, 2], \"o\": {\"k\": 1}}";

        assert_int_equal(locate(text, PATH(KEY("missing")), 0), -1);
        assert_int_equal(locate(text, PATH(KEY("a"), IDX(2)), 0), -1);
        /* A key into an array, an index into an object, anything into a number. */
        assert_int_equal(locate(text, PATH(KEY("a"), KEY("k")), 0), -1);
        assert_int_equal(locate(text, PATH(KEY("o"), IDX(0)), 0), -1);
        assert_int_equal(locate(text, PATH(KEY("a"), IDX(0), KEY("x")), 0), -1);
        assert_int_equal(locate(text, PATH(IDX(0)), 0), -1);
}

static void test_length_bounds_the_walk(void **state)
{
        const char *text = "{\"a\": 1, \"b\": 2}";
        struct jsonpos_path path = PATH(KEY("b"));

        /* The text beyond len is not looked at, even though it is there. */
        assert_int_equal(jsonpos_locate(text, 8, &path, 0), -1);
        assert_int_equal(jsonpos_locate(text, strlen(text), &path, 0), offset_of(text, "2"));
        assert_int_equal(jsonpos_locate(text, 0, &path, 0), -1);
}

/* Builds {"deep": [[...]], "b": 1} with depth levels of brackets. */
static char *nested_document(size_t depth)
{
        char *text = malloc(depth * 2 + 32);
        size_t n = 0;

        assert_non_null(text);
        n += (size_t)sprintf(text + n, "{\"deep\": ");
        memset(text + n, '[', depth);
        n += depth;
        memset(text + n, ']', depth);
        n += depth;
        sprintf(text + n, ", \"b\": 1}");
        return text;
}

static void test_deep_nesting_is_skipped_or_refused_without_crashing(void **state)
{
        char *text = nested_document(1500);

        assert_int_equal(locate(text, PATH(KEY("b")), 0), offset_of(text, "1}"));
        free(text);

        /* Far deeper than any profile: the walk gives up instead of
         * recursing without bound. */
        text = nested_document(200000);
        assert_int_equal(locate(text, PATH(KEY("b")), 0), -1);
        free(text);
}

static void test_line_and_column_count_from_one(void **state)
{
        const char *text = "ab\ncd\n\nxyz";
        unsigned line = 0, col = 0;

        jsonpos_line_col(text, 0, &line, &col);
        assert_int_equal(line, 1);
        assert_int_equal(col, 1);
        jsonpos_line_col(text, 2, &line, &col); /* the first '\n' itself */
        assert_int_equal(line, 1);
        assert_int_equal(col, 3);
        jsonpos_line_col(text, 3, &line, &col);
        assert_int_equal(line, 2);
        assert_int_equal(col, 1);
        jsonpos_line_col(text, 4, &line, &col);
        assert_int_equal(line, 2);
        assert_int_equal(col, 2);
        jsonpos_line_col(text, 7, &line, &col);
        assert_int_equal(line, 4);
        assert_int_equal(col, 1);
        jsonpos_line_col(text, 9, &line, &col);
        assert_int_equal(line, 4);
        assert_int_equal(col, 3);
}

static void test_tabs_and_carriage_returns_count_as_one_column(void **state)
{
        const char *text = "\t\r\"k\"";
        unsigned line = 0, col = 0;

        jsonpos_line_col(text, 2, &line, &col);
        assert_int_equal(line, 1);
        assert_int_equal(col, 3);
}

static void test_locate_then_line_col_in_a_profile(void **state)
{
        const char *text = "{\n"
                           "  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                           "  \"syscalls\": [\n"
                           "    {\n"
                           "      \"names\": [\"read\"],\n"
                           "      \"action\": \"SCMP_ACT_ALOW\"\n"
                           "    }\n"
                           "  ]\n"
                           "}\n";
        struct jsonpos_path path = PATH(KEY("syscalls"), IDX(0), KEY("action"));
        unsigned line, col;
        long off;

        off = jsonpos_locate(text, strlen(text), &path, 0);
        assert_true(off >= 0);
        jsonpos_line_col(text, (size_t)off, &line, &col);
        assert_int_equal(line, 6);
        assert_int_equal(col, 17);
        off = jsonpos_locate(text, strlen(text), &path, 1);
        assert_true(off >= 0);
        jsonpos_line_col(text, (size_t)off, &line, &col);
        assert_int_equal(line, 6);
        assert_int_equal(col, 7);
}

static void test_format_joins_keys_with_dots_and_indexes_in_brackets(void **state)
{
        struct jsonpos_path path = PATH(KEY("syscalls"), IDX(3), KEY("args"), IDX(0), KEY("op"));
        char buf[64];

        jsonpos_format(&path, buf, sizeof(buf));
        assert_string_equal(buf, "syscalls[3].args[0].op");

        path = PATH(IDX(2), KEY("a"), IDX(10), IDX(11));
        jsonpos_format(&path, buf, sizeof(buf));
        assert_string_equal(buf, "[2].a[10][11]");

        path = (struct jsonpos_path){.depth = 0};
        memset(buf, 'x', sizeof(buf));
        jsonpos_format(&path, buf, sizeof(buf));
        assert_string_equal(buf, "");
}

static void test_format_truncates_and_terminates(void **state)
{
        struct jsonpos_path path = PATH(KEY("supervisor"), KEY("rules"), IDX(12), KEY("address"));
        char buf[16];

        memset(buf, 'x', sizeof(buf));
        jsonpos_format(&path, buf, 12);
        assert_string_equal(buf, "supervisor.");
        assert_int_equal(buf[12], 'x');

        memset(buf, 'x', sizeof(buf));
        jsonpos_format(&path, buf, 1);
        assert_int_equal(buf[0], '\0');
        assert_int_equal(buf[1], 'x');

        /* Size zero writes nothing at all. */
        memset(buf, 'x', sizeof(buf));
        jsonpos_format(&path, buf, 0);
        assert_int_equal(buf[0], 'x');
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_empty_path_is_the_root_value_after_leading_space),
            cmocka_unit_test(test_top_level_key_value_and_key),
            cmocka_unit_test(test_nested_objects_and_arrays),
            cmocka_unit_test(test_same_key_at_another_level_is_not_confused),
            cmocka_unit_test(test_strings_with_brackets_and_escaped_quotes_are_skipped),
            cmocka_unit_test(test_keys_with_escapes_match_their_decoded_text),
            cmocka_unit_test(test_numbers_literals_and_empty_containers_are_skipped),
            cmocka_unit_test(test_whitespace_around_tokens),
            cmocka_unit_test(test_paths_that_lead_nowhere_give_minus_one),
            cmocka_unit_test(test_length_bounds_the_walk),
            cmocka_unit_test(test_deep_nesting_is_skipped_or_refused_without_crashing),
            cmocka_unit_test(test_line_and_column_count_from_one),
            cmocka_unit_test(test_tabs_and_carriage_returns_count_as_one_column),
            cmocka_unit_test(test_locate_then_line_col_in_a_profile),
            cmocka_unit_test(test_format_joins_keys_with_dots_and_indexes_in_brackets),
            cmocka_unit_test(test_format_truncates_and_terminates),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
