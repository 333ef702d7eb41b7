/* SPDX-License-Identifier: MIT */
/* core/pending.c: calls waiting for a decision from elsewhere (a person). */
#include "core/supervisor_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pending_free(struct pending_call *pc)
{
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                free(pc->paths[i]);
                free(pc->raw_paths[i]);
        }
        free(pc->addrs);
        free(pc->exe);
        target_details_clear(&pc->details);
        free(pc);
}

void pending_unlink(struct pending_call *pc)
{
        for (struct pending_call **p = &pc->target->pending; *p; p = &(*p)->next)
                if (*p == pc) {
                        *p = pc->next;
                        break;
                }
}

static char *dup_or_null(const char *s, bool *failed)
{
        if (!s)
                return NULL;
        char *copy = strdup(s);
        if (!copy)
                *failed = true;
        return copy;
}

/* A pending call owning copies of what was decoded: the decode scratch is
 * reused by the next notification. */
struct pending_call *pending_new(struct target *t, uint64_t id, const struct policy_call *call,
                                 const struct policy_decision *d)
{
        struct pending_call *pc = calloc(1, sizeof(*pc));
        bool failed = false;

        if (!pc)
                return NULL;
        pc->target = t;
        pc->id = id;
        pc->call = *call;
        pc->decision = *d;
        pc->decided_by_uid = -1;
        for (unsigned i = 0; i < call->n_paths && i < POLICY_CALL_MAX_PATHS; i++) {
                pc->paths[i] = dup_or_null(call->paths[i], &failed);
                pc->call.paths[i] = pc->paths[i];
                /* What an allow will be performed on (act/), as read. */
                pc->raw_paths[i] = dup_or_null(call->raw_paths[i], &failed);
                pc->call.raw_paths[i] = pc->raw_paths[i];
        }
        pc->exe = dup_or_null(call->have_exe ? call->exe : NULL, &failed);
        pc->call.exe = pc->exe;
        /* The addresses pointed into the scratch: kept with their names. */
        if (call->addrs && call->n_addrs > 0) {
                pc->addrs = target_addrs_copy(call);
                failed |= !pc->addrs;
        }
        pc->call.addrs = pc->addrs;
        pc->call.unix_path = pc->addrs ? pc->addrs[0].unix_path : NULL;
        if (failed) {
                pending_free(pc);
                return NULL;
        }
        return pc;
}

/* Hands a pending call to the prompt hook (loop thread only); on refusal
 * the caller answers it as the fallback says. */
int pending_begin(struct pending_call *pc)
{
        struct target *t = pc->target;
        struct supervisor *sup = t->sup;

        /* Gone since a lane saw it (the broker closed). */
        if (!sup->decider.prompt)
                return -ECANCELED;
        pc->next = t->pending;
        t->pending = pc;
        int r = sup->decider.prompt(sup->decider.ctx, pc);
        if (r < 0)
                pending_unlink(pc);
        return r;
}

int supervisor_complete(struct pending_call *pc, enum policy_verdict verdict, int error)
{
        struct target *t = pc->target;
        struct policy_decision d = pc->decision;

        d.verdict = verdict == VERDICT_PROMPT ? VERDICT_DENY : verdict;
        d.errno_value = error;
        pending_unlink(pc);
        /* As serve_answer(), with who answered in the log line. */
        supervisor_count(t, pc->call.nr, d.verdict);
        if (pc->decided_by)
                serve_log_by(t, &pc->call, &d, pc->decided_by, pc->decided_by_uid);
        else
                serve_log(t, &pc->call, &d, false);
        int r = serve_respond(t, &t->sup->bufs, pc->id, &pc->call, d.verdict, d.errno_value, NULL);
        r = r == -ENOENT ? 0 : r;
        pending_free(pc);
        return r;
}

void supervisor_discard(struct pending_call *pc)
{
        pending_unlink(pc);
        pending_free(pc);
}
