/* SPDX-License-Identifier: MIT */
/* daemon/openmetrics.c: the OpenMetrics text format, escaped, for node_exporter. */
#include "daemon/openmetrics.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "base/text.h"

/* value escaped; quotes too when quotes is set (the Prometheus format
 * escapes only backslashes and newlines in HELP). */
static void write_escaped(FILE *out, const char *value, bool quotes)
{
        const unsigned char *s = (const unsigned char *)(value ? value : "");

        while (*s) {
                uint32_t cp;
                size_t len;

                switch (*s) {
                case '\\':
                        fputs("\\\\", out);
                        s++;
                        continue;
                case '"':
                        fputs(quotes ? "\\\"" : "\"", out);
                        s++;
                        continue;
                case '\n':
                        fputs("\\n", out);
                        s++;
                        continue;
                default:
                        break;
                }
                /* At most 4 bytes; decoding stops at the terminator. */
                len = text_utf8_decode(s, 4, &cp);
                if (len == 0) {
                        fputc('?', out);
                        s++;
                        continue;
                }
                fwrite(s, 1, len, out);
                s += len;
        }
}

void openmetrics_write_escaped(FILE *out, const char *value)
{
        write_escaped(out, value, true);
}

void openmetrics_write_family(FILE *out, enum openmetrics_format format, const char *name,
                              const char *type, const char *unit, const char *help)
{
        if (format == OPENMETRICS_FORMAT_PROMETHEUS) {
                const char *suffix = strcmp(type, "counter") == 0 ? "_total" : "";
                fprintf(out, "# HELP %s%s ", name, suffix);
                write_escaped(out, help, false);
                fprintf(out, "\n# TYPE %s%s %s\n", name, suffix, type);
                return;
        }
        fprintf(out, "# TYPE %s %s\n", name, type);
        if (unit)
                fprintf(out, "# UNIT %s %s\n", name, unit);
        fprintf(out, "# HELP %s ", name);
        write_escaped(out, help, true);
        fputc('\n', out);
}

static void write_labels(FILE *out, const struct openmetrics_label *labels, size_t n_labels,
                         const char *le)
{
        if (n_labels == 0 && !le)
                return;
        fputc('{', out);
        for (size_t i = 0; i < n_labels; i++) {
                fprintf(out, "%s%s=\"", i ? "," : "", labels[i].name);
                openmetrics_write_escaped(out, labels[i].value);
                fputc('"', out);
        }
        if (le)
                fprintf(out, "%sle=\"%s\"", n_labels ? "," : "", le);
        fputc('}', out);
}

void openmetrics_write_sample(FILE *out, const char *name, const char *suffix,
                              const struct openmetrics_label *labels, size_t n_labels,
                              uint64_t value)
{
        fprintf(out, "%s%s", name, suffix);
        write_labels(out, labels, n_labels, NULL);
        fprintf(out, " %" PRIu64 "\n", value);
}

/* ns in seconds into text (32 bytes hold any uint64_t). */
static void seconds_text(uint64_t ns, char text[static 32])
{
        char frac[16];
        size_t len;

        snprintf(frac, sizeof(frac), "%09" PRIu64, ns % 1000000000);
        len = strlen(frac);
        while (len > 1 && frac[len - 1] == '0')
                len--;
        frac[len] = '\0';
        snprintf(text, 32, "%" PRIu64 ".%s", ns / 1000000000, frac);
}

void openmetrics_write_seconds(FILE *out, uint64_t ns)
{
        char text[32];
        seconds_text(ns, text);
        fputs(text, out);
}

void openmetrics_write_histogram(FILE *out, const char *name,
                                 const struct openmetrics_label *labels, size_t n_labels,
                                 const uint64_t *bounds_ns, const uint64_t *buckets,
                                 size_t n_bounds, uint64_t sum_ns)
{
        uint64_t cumulative = 0;
        char le[32];

        for (size_t i = 0; i < n_bounds; i++) {
                cumulative += buckets[i];
                seconds_text(bounds_ns[i], le);
                fprintf(out, "%s_bucket", name);
                write_labels(out, labels, n_labels, le);
                fprintf(out, " %" PRIu64 "\n", cumulative);
        }
        cumulative += buckets[n_bounds];
        fprintf(out, "%s_bucket", name);
        write_labels(out, labels, n_labels, "+Inf");
        fprintf(out, " %" PRIu64 "\n", cumulative);
        openmetrics_write_sample(out, name, "_count", labels, n_labels, cumulative);
        fprintf(out, "%s_sum", name);
        write_labels(out, labels, n_labels, NULL);
        fputc(' ', out);
        openmetrics_write_seconds(out, sum_ns);
        fputc('\n', out);
}

void openmetrics_write_end(FILE *out, enum openmetrics_format format)
{
        if (format == OPENMETRICS_FORMAT_OPENMETRICS)
                fputs("# EOF\n", out);
}
