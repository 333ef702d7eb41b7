/* SPDX-License-Identifier: MIT */
/*
 * The OpenMetrics text the daemon's --metrics-file is written in
 * (daemon/openmetrics.h): label values escaped so that no container id can
 * end a line or a string, histogram buckets cumulative with +Inf equal to
 * the count, seconds written exactly, and "# EOF" the last line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/openmetrics.h"

struct text {
        char *data;
        size_t len;
        FILE *out;
};

static void text_open(struct text *t)
{
        t->data = NULL;
        t->len = 0;
        t->out = open_memstream(&t->data, &t->len);
        assert_non_null(t->out);
}

/* Closes the stream; t->data is the text written. */
static const char *text_done(struct text *t)
{
        assert_false(ferror(t->out));
        assert_int_equal(fclose(t->out), 0);
        return t->data;
}

static void test_label_values_are_escaped(void **state)
{
        (void)state;
        struct text t;

        text_open(&t);
        openmetrics_write_escaped(t.out, "a\"b\\c\nd");
        assert_string_equal(text_done(&t), "a\\\"b\\\\c\\nd");
        free(t.data);

        /* UTF-8 passes; a byte that starts no sequence, or a sequence cut
         * short by the end of the string, is '?'. Other control bytes are
         * valid in the format and pass. */
        text_open(&t);
        openmetrics_write_escaped(t.out, "\xc3\xa9|\xff|\xe2\x80|\t");
        assert_string_equal(text_done(&t), "\xc3\xa9|?|??|\t");
        free(t.data);

        text_open(&t);
        openmetrics_write_escaped(t.out, NULL);
        assert_string_equal(text_done(&t), "");
        free(t.data);
}

static void test_sample_with_and_without_labels(void **state)
{
        (void)state;
        struct text t;
        const struct openmetrics_label labels[] = {
            {"container", "x\"}\n# EOF"},
            {"verdict", "deny"},
        };

        text_open(&t);
        openmetrics_write_family(t.out, OPENMETRICS_FORMAT_OPENMETRICS, "scmp_super_things",
                                 "counter", NULL, "Things, \"quoted\".");
        openmetrics_write_sample(t.out, "scmp_super_things", "_total", labels, 2, 42);
        openmetrics_write_sample(t.out, "scmp_super_things", "_total", NULL, 0,
                                 18446744073709551615u);
        assert_string_equal(text_done(&t), "# TYPE scmp_super_things counter\n"
                                           "# HELP scmp_super_things Things, \\\"quoted\\\".\n"
                                           "scmp_super_things_total{container=\"x\\\"}\\n# EOF\","
                                           "verdict=\"deny\"} 42\n"
                                           "scmp_super_things_total 18446744073709551615\n");
        free(t.data);
}

static void test_family_with_unit(void **state)
{
        (void)state;
        struct text t;

        text_open(&t);
        openmetrics_write_family(t.out, OPENMETRICS_FORMAT_OPENMETRICS, "x_seconds", "gauge",
                                 "seconds", "Help.");
        assert_string_equal(text_done(&t), "# TYPE x_seconds gauge\n"
                                           "# UNIT x_seconds seconds\n"
                                           "# HELP x_seconds Help.\n");
        free(t.data);
}

static void test_seconds_are_exact(void **state)
{
        (void)state;
        static const struct {
                uint64_t ns;
                const char *text;
        } rows[] = {
            {0, "0.0"},
            {10000, "0.00001"},
            {25000, "0.000025"},
            {1000000000, "1.0"},
            {1500000001, "1.500000001"},
            {18446744073709551615u, "18446744073.709551615"},
        };

        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                struct text t;
                text_open(&t);
                openmetrics_write_seconds(t.out, rows[i].ns);
                assert_string_equal(text_done(&t), rows[i].text);
                free(t.data);
        }
}

static void test_histogram_buckets_are_cumulative(void **state)
{
        (void)state;
        static const uint64_t bounds[] = {10000, 100000, 1000000};
        /* Per bucket, not cumulative; the last is above every bound. */
        static const uint64_t buckets[] = {1, 0, 2, 3};
        const struct openmetrics_label labels[] = {{"policy", "p"}};
        struct text t;

        text_open(&t);
        openmetrics_write_histogram(t.out, "d_seconds", labels, 1, bounds, buckets, 3, 2500000000);
        assert_string_equal(text_done(&t), "d_seconds_bucket{policy=\"p\",le=\"0.00001\"} 1\n"
                                           "d_seconds_bucket{policy=\"p\",le=\"0.0001\"} 1\n"
                                           "d_seconds_bucket{policy=\"p\",le=\"0.001\"} 3\n"
                                           "d_seconds_bucket{policy=\"p\",le=\"+Inf\"} 6\n"
                                           "d_seconds_count{policy=\"p\"} 6\n"
                                           "d_seconds_sum{policy=\"p\"} 2.5\n");
        free(t.data);

        text_open(&t);
        openmetrics_write_histogram(t.out, "d_seconds", NULL, 0, bounds, buckets, 1, 0);
        assert_string_equal(text_done(&t), "d_seconds_bucket{le=\"0.00001\"} 1\n"
                                           "d_seconds_bucket{le=\"+Inf\"} 1\n"
                                           "d_seconds_count 1\n"
                                           "d_seconds_sum 0.0\n");
        free(t.data);
}

static void test_eof_is_the_last_line(void **state)
{
        (void)state;
        struct text t;

        text_open(&t);
        openmetrics_write_family(t.out, OPENMETRICS_FORMAT_OPENMETRICS, "g", "gauge", NULL, "G.");
        openmetrics_write_sample(t.out, "g", "", NULL, 0, 1);
        openmetrics_write_end(t.out, OPENMETRICS_FORMAT_OPENMETRICS);
        const char *s = text_done(&t);
        size_t len = strlen(s);
        assert_true(len > 6);
        assert_string_equal(s + len - 6, "# EOF\n");
        /* ... and only there. */
        assert_ptr_equal(strstr(s, "# EOF"), s + len - 6);
        free(t.data);
}

/* node_exporter's parser: a counter is TYPE'd under its sample's name,
 * HELP escapes no quotes, and there is no UNIT and no "# EOF". */
static void test_prometheus_format(void **state)
{
        (void)state;
        struct text t;

        text_open(&t);
        openmetrics_write_family(t.out, OPENMETRICS_FORMAT_PROMETHEUS, "c", "counter", NULL,
                                 "A \"c\"\\.");
        openmetrics_write_sample(t.out, "c", "_total", NULL, 0, 3);
        openmetrics_write_family(t.out, OPENMETRICS_FORMAT_PROMETHEUS, "d_seconds", "histogram",
                                 "seconds", "D.");
        openmetrics_write_end(t.out, OPENMETRICS_FORMAT_PROMETHEUS);
        assert_string_equal(text_done(&t), "# HELP c_total A \"c\"\\\\.\n"
                                           "# TYPE c_total counter\n"
                                           "c_total 3\n"
                                           "# HELP d_seconds D.\n"
                                           "# TYPE d_seconds histogram\n");
        free(t.data);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_label_values_are_escaped),
            cmocka_unit_test(test_sample_with_and_without_labels),
            cmocka_unit_test(test_family_with_unit),
            cmocka_unit_test(test_seconds_are_exact),
            cmocka_unit_test(test_histogram_buckets_are_cumulative),
            cmocka_unit_test(test_eof_is_the_last_line),
            cmocka_unit_test(test_prometheus_format),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
