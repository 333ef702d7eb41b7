/* SPDX-License-Identifier: MIT */
/*
 * Path rules proposed from recorded paths (trace/trace_rules.c), as a
 * hostile target's paths meet them: a traced program chooses every byte of
 * the paths it names. The input is records separated by '\n', each a
 * syscall number byte and a path. Besides "no crash": every glob is one
 * the profile loader accepts; every absolute path short enough to be
 * written is matched by a rule that names its syscall; rules are sorted
 * and distinct; a collapsed rule was made for enough paths.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "input.h"
#include "trace/trace_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_USES 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct trace_path_use uses[MAX_USES];
        char *copy = malloc(size + 1);
        size_t n = 0;

        if (!copy)
                return 0;
        memcpy(copy, data, size);
        copy[size] = '\0';
        for (char *rec = copy; rec < copy + size && n < MAX_USES;) {
                char *end = memchr(rec, '\n', (size_t)(copy + size - rec));
                if (!end)
                        end = copy + size;
                *end = '\0';
                if (end > rec) /* a path stops at a NUL, as a C string does */
                        uses[n++] = (struct trace_path_use){rec + 1, (unsigned char)rec[0]};
                rec = end + 1;
        }

        struct trace_rule_proposal p;
        FUZZ_CHECK(trace_rules_propose(uses, n, &p) == 0);
        for (size_t i = 0; i < p.n; i++) {
                const struct trace_proposed_rule *r = &p.rules[i];
                const char *reason = NULL;
                FUZZ_CHECK(path_glob_validate(r->glob, &reason) == 0);
                FUZZ_CHECK(strstr(r->glob, "${") == NULL);
                FUZZ_CHECK(r->n_paths >= 1 && r->n_nrs >= 1);
                if (r->collapsed) {
                        size_t len = strlen(r->glob);
                        FUZZ_CHECK(len >= 3 && strcmp(r->glob + len - 3, "/**") == 0);
                        FUZZ_CHECK(r->n_paths >= TRACE_RULES_COLLAPSE_MIN);
                }
                for (size_t k = 1; k < r->n_nrs; k++)
                        FUZZ_CHECK(r->nrs[k - 1] < r->nrs[k]);
                if (i > 0)
                        FUZZ_CHECK(strcmp(p.rules[i - 1].glob, r->glob) < 0);
        }
        for (size_t i = 0; i < n; i++) {
                if (uses[i].path[0] != '/' || strlen(uses[i].path) > PATH_GLOB_MAX / 2)
                        continue;
                bool covered = false;
                for (size_t r = 0; r < p.n && !covered; r++)
                        for (size_t k = 0; k < p.rules[r].n_nrs && !covered; k++)
                                covered = p.rules[r].nrs[k] == uses[i].nr &&
                                          path_glob_match(p.rules[r].glob, uses[i].path);
                FUZZ_CHECK(covered);
        }
        trace_rule_proposal_clear(&p);
        free(copy);
        return 0;
}
