/* SPDX-License-Identifier: MIT */
#pragma once

// What trace --paths proposes for review: supervisor path rules made from
// the recorded paths (trace_rules.h), for the syscalls whose every recorded
// call they would allow; shown in the reports, and with --propose-rules
// FILE written into a profile of their own. Never into --output: the
// collapsed rules ("DIR/**") allow more than the run was seen to do, and
// the exact ones less than a later run may need, so a person decides.
//
// The profile written moves those syscalls from the allowed ones to
// SCMP_ACT_NOTIFY and adds a "supervisor" object whose rules allow the
// proposed paths and whose defaultAction denies the rest.

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "trace/trace.h"
#include "trace/trace_rules.h"

struct trace_proposal {
        struct trace_rule_proposal rules;
        int max_nr;
        bool *notified; // by native nr: the rules decide it
        size_t n_notified;
        // Why each syscall that named paths is left allowed whole, by nr
        // (NULL: it is notified, or named no path).
        const char **left_whole;
};

// The proposal for what rec recorded (with record_paths). 0 or -ENOMEM.
int trace_proposal_make(const struct trace_recorder *rec, struct trace_proposal *ret);
void trace_proposal_clear(struct trace_proposal *proposal);

// The proposal for the JSON report: {"rules": [...], "leftOutPaths": N,
// "allowedWhole": [{"syscall", "reason"}]}. NULL when out of memory.
cJSON *trace_proposal_json(const struct trace_proposal *proposal, const struct trace_recorder *rec);

// The human lines: one per rule, then the syscalls left allowed whole.
void trace_proposal_print(const struct trace_proposal *proposal, const struct trace_recorder *rec,
                          FILE *out);

// The profile text (complete, as trace_profile_build() wrote it without a
// base) with the proposal in it, as described above. Returns 0 and a
// NUL-terminated text ending in a newline in *ret_text (caller frees);
// -EINVAL with a message in err when text is not such a profile; -ENOMEM.
int trace_proposal_profile(const struct trace_proposal *proposal, const struct trace_recorder *rec,
                           const char *text, char **ret_text, struct policy_error *err);
