/* SPDX-License-Identifier: MIT */
/* cli/run_output.c: what run and trace say on stderr: warnings, failures, the hint. */
#include "cli/run_output.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "errnos.h"
#include "launch/seal.h"
#include "trace/tracer.h"

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

/* Whether a call the profile does not name is refused: its kernel default
 * denies, kills or traps (SCMP_ACT_TRACE with no tracer fails the call),
 * or sends it to supervisor rules whose own default is not to allow. */
static bool profile_refuses_unnamed(const struct policy *policy)
{
        switch (policy->default_action) {
        case KACT_ALLOW:
        case KACT_LOG:
                return false;
        case KACT_NOTIFY:
                return policy->default_verdict != VERDICT_ALLOW &&
                       policy->default_verdict != VERDICT_LOG;
        default:
                return true;
        }
}

/* One word as a POSIX shell reads it back: as it is when it needs no
 * quoting, else in single quotes. Control characters become '?', so the
 * line cannot move the terminal's cursor; the words are the user's own,
 * and otherwise printed as given. */
static void print_shell_word(FILE *out, const char *word)
{
        static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789_./:=@%+,-";
        bool quote = word[0] == '\0' || word[strspn(word, plain)] != '\0';

        if (quote)
                fputc('\'', out);
        for (const unsigned char *c = (const unsigned char *)word; *c; c++) {
                if (*c == '\'')
                        fputs("'\\''", out);
                else if (*c < 0x20 || *c == 0x7f)
                        fputc('?', out);
                else
                        fputc(*c, out);
        }
        if (quote)
                fputc('\'', out);
}

void run_output_hint(const struct run_session *s, long elapsed_ms)
{
        const struct run_session_options *o = &s->opts;
        const char *signame;

        if (!s->policy || o->connect_path || s->status == 0 || !profile_refuses_unnamed(s->policy))
                return;
        if (o->explain)
                return; /* run_output_explain() lists what was refused */
        fputs("scmp-super: ", stderr);
        print_shell_word(stderr, o->argv[0]);
        signame = s->sup.child_signal ? sigabbrev_np(s->sup.child_signal) : NULL;
        if (s->sup.child_signal && signame)
                fprintf(stderr, " killed by SIG%s", signame);
        else if (s->sup.child_signal)
                fprintf(stderr, " killed by signal %d", s->sup.child_signal);
        else
                fprintf(stderr, " exited with status %d", s->status);
        fprintf(stderr, " after %ld ms; a needed call was probably refused: try `scmp-super trace",
                elapsed_ms);
        if (o->policy_path) {
                fputs(" --policy ", stderr);
                print_shell_word(stderr, o->policy_path);
        }
        fputs(" --", stderr);
        for (char **arg = o->argv; *arg; arg++) {
                fputc(' ', stderr);
                print_shell_word(stderr, *arg);
        }
        fputs("`\n", stderr);
}

/* The trace command that records what COMMAND needs, as the user would
 * type it. */
static void print_trace_command(FILE *out, const struct run_session_options *o)
{
        fputs("scmp-super trace", out);
        if (o->policy_path) {
                fputs(" --policy ", out);
                print_shell_word(out, o->policy_path);
        }
        fputs(" --", out);
        for (char **arg = o->argv; *arg; arg++) {
                fputc(' ', out);
                print_shell_word(out, *arg);
        }
}

/* Whether the profile's kernel part kills or traps some call: those the
 * kernel applies itself, even under --explain. */
static bool profile_kills(const struct policy *policy)
{
        bool kills[KACT_NOTIFY + 1] = {
            [KACT_KILL_THREAD] = true, [KACT_KILL_PROCESS] = true, [KACT_TRAP] = true};
        if (kills[policy->default_action])
                return true;
        for (size_t i = 0; i < policy->n_entries; i++)
                if (kills[policy->entries[i].action])
                        return true;
        return false;
}

void run_output_explain(struct run_session *s)
{
        const struct run_session_options *o = &s->opts;
        const struct supervisor_refusal *rows;
        uint64_t other, total = 0;
        char exe[256];
        bool killed_by_kernel;

        if (!o->explain || !s->policy || o->connect_path)
                return;
        size_t n = supervisor_refusals(&s->sup, &rows, &other);
        for (size_t i = 0; i < n; i++)
                total += rows[i].count;
        total += other;
        /* SIGSYS is what the kernel's kill and trap actions end a program
         * with; they stay in the kernel, which alone applies them as the
         * profile says (a thread, a core dump, the audit record). */
        killed_by_kernel = s->sup.child_signal == SIGSYS && profile_kills(s->policy);
        if (total == 0) {
                fputs("scmp-super: --explain: the profile refused no call with an errno\n", stderr);
        } else {
                fprintf(stderr,
                        "scmp-super: --explain: the profile refused %llu call%s with an errno:\n",
                        (unsigned long long)total, total == 1 ? "" : "s");
                fprintf(stderr, "  %-20s %-12s %10s  %s\n", "syscall", "errno", "count",
                        "executable");
                for (size_t i = 0; i < n; i++) {
                        const char *ename = errno_to_name(rows[i].error);
                        char number[16];
                        if (!ename) {
                                snprintf(number, sizeof(number), "%d", rows[i].error);
                                ename = number;
                        }
                        fprintf(stderr, "  %-20s %-12s %10llu  %s\n", rows[i].name, ename,
                                (unsigned long long)rows[i].count,
                                text_printable(rows[i].exe, exe, sizeof(exe)));
                }
                if (other)
                        fprintf(stderr, "  %-20s %-12s %10llu\n", "(other)", "",
                                (unsigned long long)other);
        }
        if (killed_by_kernel)
                fputs("scmp-super: --explain: the kernel killed the command (SIGSYS) for a call "
                      "the profile kills or traps; --explain leaves those to the kernel, so that "
                      "call is not listed\n",
                      stderr);
        if (total == 0 && !killed_by_kernel)
                return;
        fputs("scmp-super: record them with: ", stderr);
        print_trace_command(stderr, o);
        fputc('\n', stderr);
}

int run_output_check_trace_streams(const struct tracer_options *o)
{
        const char *what, *option;

        if (o->format == TRACE_FORMAT_JSON && !o->report_path) {
                what = "--format json would write the JSON report";
                option = "--report";
        } else if (o->format == TRACE_FORMAT_JUNIT && !o->junit_path && !o->report_path) {
                what = "--format junit would write the JUnit XML";
                option = "--junit";
        } else {
                return 0;
        }
        fprintf(stderr,
                "scmp-super trace: %s to standard output, which the command writes to as well, "
                "and the two would be mixed: give %s FILE, or %s - if the command's own output "
                "goes elsewhere\n",
                what, option, option);
        return 125;
}
