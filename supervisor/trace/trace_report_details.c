/* SPDX-License-Identifier: MIT */
/* trace/trace_report_details.c: the reports' programs recorded, addresses and proposed rules. */
/*
 * What the reports say beyond the syscalls themselves: which programs were
 * recorded (--exe) and how many calls of others were not, the socket
 * addresses each syscall named, and with --paths the proposed path rules.
 * trace_report.c calls these for the JSON report and the human summary.
 */
#include "trace/trace_report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"

int trace_report_syscall_details(const struct trace_recorder *rec, int nr, cJSON *obj)
{
        const struct trace_strset *set = &rec->calls[nr].addresses;
        if (!set->n)
                return 0;
        return trace_strset_json(obj, "addresses", set);
}

int trace_report_json_details(const struct trace_recorder *rec, const struct trace_run *run,
                              cJSON *root)
{
        cJSON *totals = cJSON_GetObjectItemCaseSensitive(root, "totals"), *exe;
        if (!totals || !cJSON_AddNumberToObject(totals, "otherCalls", (double)rec->total_other))
                return -ENOMEM;
        if (!run->exe_globs)
                return cJSON_AddNullToObject(root, "exe") ? 0 : -ENOMEM;
        if (!(exe = cJSON_AddArrayToObject(root, "exe")))
                return -ENOMEM;
        for (const char *const *g = run->exe_globs; *g; g++) {
                char *clean = trace_clean_text(*g);
                cJSON *s = clean ? cJSON_CreateString(clean) : NULL;
                free(clean);
                if (!s)
                        return -ENOMEM;
                cJSON_AddItemToArray(exe, s);
        }
        return 0;
}

int trace_report_json_proposal(const struct trace_recorder *rec, const struct trace_run *run,
                               cJSON *root)
{
        if (!run->proposal)
                return 0;
        cJSON *proposal = trace_proposal_json(run->proposal, rec);
        if (!proposal)
                return -ENOMEM;
        cJSON_AddItemToObject(root, "proposedRules", proposal);
        return 0;
}

void trace_report_details(const struct trace_recorder *rec, const struct trace_run *run, FILE *out)
{
        char text[256];

        if (run->exe_globs) {
                fputs("scmp-super trace: recorded only the calls of", out);
                for (const char *const *g = run->exe_globs; *g; g++)
                        fprintf(out, " %s", text_printable(*g, text, sizeof(text)));
                fprintf(out,
                        "; %" PRIu64 " calls of other programs were allowed but not recorded, "
                        "and the profile may not run them\n",
                        rec->total_other);
        }
        for (int nr = 0; nr <= rec->max_nr; nr++) {
                const struct trace_strset *set = &rec->calls[nr].addresses;
                const char **sorted = trace_strset_sorted(set);
                const char *name = trace_recorder_name(rec, nr);
                if (!sorted)
                        continue;
                fprintf(out, "  %-12s addresses:", name ? name : "?");
                for (size_t i = 0; i < set->n; i++)
                        fprintf(out, " %s", text_printable(sorted[i], text, sizeof(text)));
                if (set->truncated)
                        fprintf(out, " (more than %d: the rest not kept)", TRACE_MAX_ADDRESSES);
                fputc('\n', out);
                free((void *)sorted);
        }
        if (run->proposal)
                trace_proposal_print(run->proposal, rec, out);
}
