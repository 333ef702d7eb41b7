/* SPDX-License-Identifier: MIT */
/* cli/cmd_check.c: the check command: validate a profile and say what it will do. */
/*
 * scmp-super check: validate a profile and say what it will do, without
 * running anything.
 */
#include "cli/commands.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/env.h"
#include "errnos.h"
#include "glob.h"

static void check_usage(FILE *out)
{
        fputs("Usage: scmp-super check [OPTIONS]\n"
              "\n"
              "Validate a profile and summarise it: the kernel-side action of every syscall,\n"
              "the notified syscalls and the supervisor rules that decide them. Prints\n"
              "\"policy OK\" or the errors, each with file:line:column and the JSON path.\n"
              "Two syscall entries that name one call so that the kernel filter would drop\n"
              "one (an earlier unconditional entry decides it) are an error, with the entry\n"
              "to edit or move; run, trace and the daemon refuse such a profile too.\n"
              "\n"
              "Options:\n"
              "  -p, --policy FILE   the profile to check (default: the built-in profile)\n"
              "      --print-default print the built-in default profile and exit\n"
              "  -q, --quiet         print only errors and \"policy OK\"\n"
              "      --strict        refuse a profile whose path or address rules can be\n"
              "                      walked around: a sibling call the kernel filter lets\n"
              "                      through (open beside a rule on openat, sendto beside\n"
              "                      one on connect), or io_uring_setup (the fix: refuse\n"
              "                      it with SCMP_ACT_ERRNO and errnoRet 38, ENOSYS); or\n"
              "                      whose conditions on int arguments high bits get\n"
              "                      around; or with a supervisor rule the kernel filter\n"
              "                      never notifies the calls of\n"
              "  -v, --verbose       also list syscall names skipped on this architecture\n"
              "  -h, --help          show this help\n"
              "\n"
              "Exit status: 0 the profile is valid, 1 it is not (with --strict: or a path\n"
              "or address rule can be walked around, an argument condition got around, or a\n"
              "supervisor rule never applies), 2 bad usage.\n",
              out);
}

static const char *nr_name(int nr, char *buf, size_t size)
{
        const char *name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(), nr);
        snprintf(buf, size, "%s", name ? name : "?");
        free((void *)name);
        return buf;
}

static void print_action(FILE *out, enum policy_kernel_action action, uint32_t data)
{
        fputs(policy_kernel_action_name(action), out);
        if (action == KACT_ERRNO) {
                const char *e = errno_to_name((int)data);
                if (e)
                        fprintf(out, "(%s)", e);
                else
                        fprintf(out, "(%u)", data);
        } else if (action == KACT_TRACE) {
                fprintf(out, "(%u)", data);
        }
}

static void print_wrapped_names(FILE *out, const int *nrs, size_t n)
{
        char name[64];
        size_t col = 4;
        fputs("    ", out);
        for (size_t i = 0; i < n; i++) {
                nr_name(nrs[i], name, sizeof(name));
                size_t w = strlen(name) + 1;
                if (col + w > 96) {
                        fputs("\n    ", out);
                        col = 4;
                }
                fprintf(out, "%s ", name);
                col += w;
        }
        fputc('\n', out);
}

static void print_summary(FILE *out, const struct policy *p)
{
        char name[64];
        int *nrs = calloc((size_t)p->max_nr + 1, sizeof(int));
        if (!nrs)
                return;

        fprintf(out, "%s:\n  default action: ", p->source);
        print_action(out, p->default_action, p->default_ret_data);
        fputs("\n  architectures: native", out);
        for (size_t i = 0; i < p->n_arches; i++)
                fprintf(out, ", %s",
                        p->arches[i] == SCMP_ARCH_X86   ? "x86"
                        : p->arches[i] == SCMP_ARCH_X32 ? "x32"
                                                        : "other");
        fputc('\n', out);

        /* Syscalls grouped by unconditional kernel action. */
        static const enum policy_kernel_action actions[] = {
            KACT_ALLOW, KACT_LOG,  KACT_NOTIFY,      KACT_ERRNO,
            KACT_TRACE, KACT_TRAP, KACT_KILL_THREAD, KACT_KILL_PROCESS};
        for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
                size_t n = 0;
                for (size_t i = 0; i < p->n_entries; i++) {
                        const struct policy_entry *e = &p->entries[i];
                        if (e->action != actions[a])
                                continue;
                        for (size_t k = 0; k < e->n_nrs; k++) {
                                bool dup = false;
                                for (size_t j = 0; j < n && !dup; j++)
                                        dup = nrs[j] == e->nrs[k];
                                if (!dup)
                                        nrs[n++] = e->nrs[k];
                        }
                }
                if (!n)
                        continue;
                fprintf(out, "  %s: %zu syscall%s\n", policy_kernel_action_name(actions[a]), n,
                        n == 1 ? "" : "s");
                print_wrapped_names(out, nrs, n);
        }
        size_t conditional = 0;
        for (size_t i = 0; i < p->n_entries; i++)
                if (p->entries[i].n_args)
                        conditional++;
        if (conditional)
                fprintf(out, "  %zu entr%s with argument conditions\n", conditional,
                        conditional == 1 ? "y" : "ies");

        if (p->have_supervisor || p->n_rules) {
                fprintf(out, "  supervisor rules (first match wins), default %s",
                        policy_verdict_name(p->default_verdict));
                if (p->default_verdict == VERDICT_DENY)
                        fprintf(out, " (%s)", errno_to_name(p->default_errno));
                fprintf(out, ", prompt timeout %us:\n", p->prompt_timeout_ms / 1000);
                for (size_t i = 0; i < p->n_rules; i++) {
                        const struct policy_rule *r = &p->rules[i];
                        fprintf(out, "    rules[%zu] %s", i, policy_verdict_name(r->verdict));
                        if (r->verdict == VERDICT_DENY)
                                fprintf(out, " %s", errno_to_name(r->errno_value));
                        fputs(":", out);
                        if (!r->n_nrs)
                                fputs(" any notified syscall", out);
                        for (size_t k = 0; k < r->n_nrs && k < 8; k++)
                                fprintf(out, " %s", nr_name(r->nrs[k], name, sizeof(name)));
                        if (r->n_nrs > 8)
                                fprintf(out, " (+%zu more)", r->n_nrs - 8);
                        for (size_t g = 0; g < r->n_path_globs; g++)
                                fprintf(out, " path=%s", r->path_globs[g]);
                        if (r->open_access) {
                                const char *flags[8];
                                size_t n = policy_open_access_names(r->open_access, flags, 8);
                                for (size_t f = 0; f < n && f < 8; f++)
                                        fprintf(out, "%s%s", f ? "|" : " open=", flags[f]);
                        }
                        if (r->addr)
                                fputs(" address=...", out);
                        if (r->exe_glob)
                                fprintf(out, " exe=%s", r->exe_glob);
                        for (unsigned id = 0; id < POLICY_ID_COUNT; id++)
                                if (r->id_mask & (1u << id))
                                        fprintf(out, " %s=%u", policy_id_name((enum policy_id)id),
                                                (unsigned)r->ids[id]);
                        if (r->comment)
                                fprintf(out, "  # %s", r->comment);
                        fputc('\n', out);
                        size_t n_dead = 0;
                        for (size_t k = 0; k < r->n_nrs; k++) {
                                if (policy_kernel_may_notify(p, r->nrs[k]))
                                        continue;
                                fprintf(out, "%s %s", n_dead++ ? "" : "      NEVER APPLIES to:",
                                        nr_name(r->nrs[k], name, sizeof(name)));
                        }
                        if (n_dead)
                                fputs(" (the kernel filter never notifies them)\n", out);
                }
        }
        free(nrs);
}

int cmd_check(int argc, char **argv)
{
        static const struct option options[] = {
            {"policy", required_argument, NULL, 'p'},
            {"print-default", no_argument, NULL, 'D'},
            {"quiet", no_argument, NULL, 'q'},
            {"verbose", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},
            {"strict", no_argument, NULL, 'S'},
            {NULL, 0, NULL, 0},
        };
        const char *path = NULL;
        bool quiet = false, verbose = false, strict = false;
        struct policy *policy = NULL;
        struct policy_error err;
        scmp_filter_ctx ctx = NULL;
        struct policy_compile_opts copts = {.notify_execve = true, .binary_tree = -1};
        int opt, r;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "p:qvh", options, NULL)) != -1) {
                switch (opt) {
                case 'p':
                        path = optarg;
                        break;
                case 'D':
                        fputs(policy_default_profile, stdout);
                        return 0;
                case 'q':
                        quiet = true;
                        break;
                case 'v':
                        verbose = true;
                        break;
                case 'S':
                        strict = true;
                        break;
                case 'h':
                        check_usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super check --help'.\n", stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                /* `scmp-super check p.json` is what people type first. */
                if (path || optind + 1 < argc) {
                        fputs("scmp-super check: one profile at a time (scmp-super check --policy "
                              "FILE)\n",
                              stderr);
                        return 2;
                }
                path = argv[optind];
        }

        r = env_load_policy(path, &policy, &err);
        if (r == 0) {
                r = policy_compile(policy, &copts, &ctx, &err);
                if (ctx)
                        seccomp_release(ctx);
        }
        if (r < 0) {
                fprintf(stderr, "%s\n", err.message);
                policy_free(policy);
                return 1;
        }
        for (size_t i = 0; i < policy->n_warnings; i++)
                fprintf(stderr, "warning: %s\n", policy->warnings[i]);
        for (size_t i = 0; i < policy->n_walkarounds; i++)
                fprintf(stderr, "warning: %s\n", policy->walkarounds[i]);
        for (size_t i = 0; i < policy->n_arg_dodges; i++)
                fprintf(stderr, "warning: %s\n", policy->arg_dodges[i]);
        for (size_t i = 0; i < policy->n_notes; i++)
                fprintf(stderr, "note: %s\n", policy->notes[i]);
        if (verbose)
                for (size_t i = 0; i < policy->n_skipped; i++)
                        fprintf(stderr,
                                "%s: syscall \"%s\" is unknown on this architecture, skipped\n",
                                policy->source, policy->skipped[i]);
        else if (policy->n_skipped && !quiet)
                fprintf(stderr,
                        "%s: %zu syscall name%s unknown on this architecture skipped (--verbose "
                        "lists them)\n",
                        policy->source, policy->n_skipped, policy->n_skipped == 1 ? "" : "s");
        if (!quiet)
                print_summary(stdout, policy);
        if (policy->n_dead_rules) {
                /* After the summary, where it cannot scroll by unseen. */
                fprintf(
                    stderr,
                    "%s: WARNING: %zu supervisor rule%s name%s calls that the kernel "
                    "filter never notifies, so %s never appl%s to them (the warning%s "
                    "above)%s\n",
                    policy->source, policy->n_dead_rules, policy->n_dead_rules == 1 ? "" : "s",
                    policy->n_dead_rules == 1 ? "s" : "", policy->n_dead_rules == 1 ? "it" : "they",
                    policy->n_dead_rules == 1 ? "ies" : "y", policy->n_dead_rules == 1 ? "" : "s",
                    strict ? "; --strict: the profile is refused" : "");
                if (strict) {
                        policy_free(policy);
                        return 1;
                }
        }
        if (strict && policy->n_walkarounds) {
                fprintf(stderr,
                        "%s: --strict: %zu way%s around path and address rules (the warnings "
                        "above); the profile is refused\n",
                        policy->source, policy->n_walkarounds,
                        policy->n_walkarounds == 1 ? "" : "s");
                policy_free(policy);
                return 1;
        }
        if (strict && policy->n_arg_dodges) {
                fprintf(stderr,
                        "%s: --strict: %zu way%s around argument conditions by high bits (the "
                        "warnings above); the profile is refused\n",
                        policy->source, policy->n_arg_dodges, policy->n_arg_dodges == 1 ? "" : "s");
                policy_free(policy);
                return 1;
        }
        puts("policy OK");
        policy_free(policy);
        return 0;
}
