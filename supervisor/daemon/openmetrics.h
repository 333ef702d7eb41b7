/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Writing the OpenMetrics text format (github.com/OpenObservability/
 * OpenMetrics, specification/OpenMetrics.md), which node_exporter's
 * textfile collector and Prometheus read: metric families, each introduced
 * by its TYPE, HELP and UNIT lines, then its samples, and "# EOF" last.
 * Nothing here checks that a caller writes the families in a valid order
 * or names them validly; it only writes what it is given, with label
 * values escaped, so that no value (a container id a runtime sent) can end
 * a line or a quoted string early.
 *
 * The same functions write the Prometheus text format (version 0.0.4) that
 * node_exporter's textfile collector parses: there, TYPE and HELP name a
 * counter by its sample's name (NAME_total), and there is no UNIT and no
 * "# EOF"; a reader of that format sees an OpenMetrics counter as an
 * untyped metric.
 *
 * Every function writes to out with stdio; the caller checks ferror(out)
 * once at the end. Any thread, for its own FILE.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum openmetrics_format {
        OPENMETRICS_FORMAT_OPENMETRICS,
        OPENMETRICS_FORMAT_PROMETHEUS, /* text format 0.0.4 */
};

struct openmetrics_label {
        const char *name;  /* [a-zA-Z_][a-zA-Z0-9_]*, the caller's own */
        const char *value; /* any bytes; NULL is written as "" */
};

/* "# TYPE name type", "# UNIT name unit" (unit NULL: none) and "# HELP
 * name help" (help: the caller's own text, escaped all the same). In the
 * Prometheus format, HELP then TYPE, a counter's as name_total, no UNIT. */
void openmetrics_write_family(FILE *out, enum openmetrics_format format, const char *name,
                              const char *type, const char *unit, const char *help);

/*
 * One sample: name, suffix ("_total" for a counter, "" for a gauge), the
 * labels in braces when there are any, and value.
 */
void openmetrics_write_sample(FILE *out, const char *name, const char *suffix,
                              const struct openmetrics_label *labels, size_t n_labels,
                              uint64_t value);

/*
 * A histogram's samples in seconds from counts kept in nanoseconds: for
 * each of the n_bounds bounds (increasing), name_bucket{le="SECONDS"} with
 * the sum of buckets[0..i] (buckets hold what falls in each, not
 * cumulative), then le="+Inf" and name_count with the sum of all n_bounds
 * + 1 buckets, and name_sum with sum_ns in seconds. labels come before le.
 */
void openmetrics_write_histogram(FILE *out, const char *name,
                                 const struct openmetrics_label *labels, size_t n_labels,
                                 const uint64_t *bounds_ns, const uint64_t *buckets,
                                 size_t n_bounds, uint64_t sum_ns);

/* "# EOF", the last line (nothing in the Prometheus format). */
void openmetrics_write_end(FILE *out, enum openmetrics_format format);

/*
 * value as the body of a quoted label value: '\\', '"' and newline are
 * escaped as the format says, and a byte that starts no valid UTF-8
 * sequence (the format is UTF-8) is written as '?'.
 */
void openmetrics_write_escaped(FILE *out, const char *value);

/* ns as decimal seconds, without trailing zeros beyond one decimal:
 * 10000 -> "0.00001", 1000000000 -> "1.0". */
void openmetrics_write_seconds(FILE *out, uint64_t ns);
