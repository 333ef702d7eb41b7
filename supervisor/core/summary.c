/* SPDX-License-Identifier: MIT */
/* core/summary.c: counts per syscall and verdict, answer times, and --summary's table. */
#include "core/supervisor_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* 10 us to 1 s in steps of 1, 2.5 and 5: a call decided on its number
 * alone takes microseconds, one read from a busy target milliseconds, and
 * the decision timeout (5 s by default) ends the worst. */
const uint64_t supervisor_latency_bounds_ns[SUPERVISOR_LATENCY_BOUNDS] = {
    10000,   25000,    50000,    100000,   250000,    500000,    1000000,   2500000,
    5000000, 10000000, 25000000, 50000000, 100000000, 250000000, 500000000, 1000000000,
};

int supervisor_counts_init(struct supervisor_counts *counts, int max_nr)
{
        counts->by_nr = calloc((size_t)max_nr + 1, sizeof(*counts->by_nr));
        if (!counts->by_nr)
                return -ENOMEM;
        counts->max_nr = max_nr;
        return 0;
}

void supervisor_counts_clear(struct supervisor_counts *counts)
{
        free(counts->by_nr);
        counts->by_nr = NULL;
        counts->max_nr = -1;
}

void supervisor_count(struct target *t, int nr, enum policy_verdict verdict)
{
        struct supervisor *sup = t->sup;
        if (nr >= 0 && nr <= sup->counts_max_nr)
                BUMP(sup->counts[nr][verdict]);
        if (t->counts && nr >= 0 && nr <= t->counts->max_nr)
                BUMP(t->counts->by_nr[nr][verdict]);
        BUMP(t->decided_by_verdict[verdict]);
}

void supervisor_time_answer(struct supervisor *sup, const struct timespec *received)
{
        struct timespec now;
        size_t i = 0;

        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t ns = (int64_t)(now.tv_sec - received->tv_sec) * 1000000000 +
                     (now.tv_nsec - received->tv_nsec);
        uint64_t elapsed = ns > 0 ? (uint64_t)ns : 0;
        while (i < SUPERVISOR_LATENCY_BOUNDS && elapsed > supervisor_latency_bounds_ns[i])
                i++;
        BUMP(sup->latency.buckets[i]);
        __atomic_fetch_add(&sup->latency.sum_ns, elapsed, __ATOMIC_RELAXED);
}

struct summary_row {
        const char *name;
        int nr;
};

static int compare_rows(const void *a, const void *b)
{
        const struct summary_row *x = a, *y = b;
        return strcmp(x->name, y->name);
}

void supervisor_print_summary(const struct supervisor *sup, FILE *out)
{
        static const enum policy_verdict order[] = {VERDICT_ALLOW, VERDICT_LOG, VERDICT_DENY,
                                                    VERDICT_KILL};
        struct summary_row *rows = calloc((size_t)sup->counts_max_nr + 1, sizeof(*rows));
        size_t n = 0;
        uint64_t totals[POLICY_VERDICT_COUNT] = {0};

        if (!rows)
                return;
        for (int nr = 0; nr <= sup->counts_max_nr; nr++) {
                uint64_t sum = 0;
                for (int v = 0; v < POLICY_VERDICT_COUNT; v++) {
                        sum += sup->counts[nr][v];
                        totals[v] += sup->counts[nr][v];
                }
                if (!sum)
                        continue;
                rows[n].name = supervisor_syscall_name(sup, nr);
                rows[n].nr = nr;
                n++;
        }
        qsort(rows, n, sizeof(*rows), compare_rows);
        fprintf(out, "scmp-super: summary of supervisor decisions\n");
        fprintf(out, "  %-24s %10s %10s %10s %10s\n", "syscall", "allow", "log", "deny", "kill");
        for (size_t i = 0; i < n; i++) {
                fprintf(out, "  %-24s", rows[i].name);
                for (size_t v = 0; v < 4; v++)
                        fprintf(out, " %10llu",
                                (unsigned long long)sup->counts[rows[i].nr][order[v]]);
                fputc('\n', out);
        }
        fprintf(out, "  %-24s", "total");
        for (size_t v = 0; v < 4; v++)
                fprintf(out, " %10llu", (unsigned long long)totals[order[v]]);
        fputc('\n', out);
        free(rows);
}
