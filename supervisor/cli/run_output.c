/* SPDX-License-Identifier: MIT */
/* cli/run_output.c: what run and trace say on stderr while starting a command. */
#include "cli/run_output.h"

#include <stdio.h>

#include "launch/seal.h"

/* What the loaded policy wants said: its warnings; the ways around its
 * path and address rules and argument conditions with verbose or strict
 * (which refuses them: check lists them, and every run would repeat them
 * otherwise); with verbose its
 * notes and the syscall names this architecture skipped. */
static void report_policy(const struct policy *policy, bool verbose, bool strict)
{
        for (size_t i = 0; i < policy->n_warnings; i++)
                fprintf(stderr, "scmp-super: warning: %s\n", policy->warnings[i]);
        if (policy->n_dead_rules && !strict)
                fprintf(stderr,
                        "scmp-super: WARNING: %zu supervisor rule%s name%s calls that the kernel "
                        "filter never notifies, so %s never appl%s to them (above; --strict "
                        "refuses such a profile)\n",
                        policy->n_dead_rules, policy->n_dead_rules == 1 ? "" : "s",
                        policy->n_dead_rules == 1 ? "s" : "",
                        policy->n_dead_rules == 1 ? "it" : "they",
                        policy->n_dead_rules == 1 ? "ies" : "y");
        for (size_t i = 0; (verbose || strict) && i < policy->n_walkarounds; i++)
                fprintf(stderr, "scmp-super: warning: %s\n", policy->walkarounds[i]);
        for (size_t i = 0; (verbose || strict) && i < policy->n_arg_dodges; i++)
                fprintf(stderr, "scmp-super: warning: %s\n", policy->arg_dodges[i]);
        if (!verbose)
                return;
        for (size_t i = 0; i < policy->n_notes; i++)
                fprintf(stderr, "scmp-super: note: %s\n", policy->notes[i]);
        for (size_t i = 0; i < policy->n_skipped; i++)
                fprintf(stderr,
                        "scmp-super: %s: syscall \"%s\" is unknown on this architecture, skipped\n",
                        policy->source, policy->skipped[i]);
}

int run_output_failure(const struct run_session *s, const char *reterr)
{
        if (reterr[0])
                fprintf(stderr, "scmp-super: %s\n", reterr);
        if (s->not_started)
                fputs("scmp-super: the command was not started\n", stderr);
        return s->status;
}

int run_output_prepare(struct run_session *s, const struct run_session_options *opts)
{
        char why[RUN_SESSION_REASON_MAX];
        int r = run_session_prepare(s, opts, why, sizeof(why));

        if (s->policy)
                report_policy(s->policy, opts->verbose, opts->strict);
        if (s->unprotected[0])
                fprintf(stderr, "scmp-super: warning: %s\n", s->unprotected);
        if (r < 0)
                return run_output_failure(s, why);
        if (opts->verbose)
                seal_report(stderr, s->launch.landlock_abi);
        return 0;
}
