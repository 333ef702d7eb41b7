/* SPDX-License-Identifier: MIT */
/* core/summary.c: counts per syscall and verdict, and --summary's table. */
#include "core/supervisor_internal.h"

#include <stdlib.h>
#include <string.h>

void supervisor_count(struct target *t, int nr, enum policy_verdict verdict)
{
        struct supervisor *sup = t->sup;
        if (nr >= 0 && nr <= sup->counts_max_nr)
                BUMP(sup->counts[nr][verdict]);
        BUMP(t->decided_by_verdict[verdict]);
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
