/* SPDX-License-Identifier: MIT */
/* cli/cmd_trace.c: the trace command: its options, one traced run, the tracer's status. */
/*
 * scmp-super trace: run a command with every syscall its base profile does
 * not decide routed to us, record each one and let it through, then write
 * the reports and a profile that lets the same command run.
 *
 * The kernel side is the base profile compiled with notify_unlisted: what
 * the base names is decided as it always is, everything else is notified.
 * With no base, the filter notifies everything (a default action of
 * SCMP_ACT_NOTIFY). The filter is inherited across fork, vfork, clone and
 * threads and kept across exec, so one listener sees the whole process
 * tree, however short-lived its members.
 */
#include "cli/commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run_output.h"
#include "glob.h"
#include "launch/confine.h"
#include "launch/run_session.h"
#include "trace/trace_runtime.h"
#include "trace/tracer.h"

static void trace_usage(FILE *out)
{
        fputs("Usage: scmp-super trace [OPTIONS] [--] COMMAND [ARGS...]\n"
              "\n"
              "Run COMMAND and record every syscall its base profile does not decide (with no\n"
              "base profile, every syscall), across the whole process tree; allow each one so\n"
              "the run completes as it would without us. Then report what was seen and write\n"
              "a profile that lets the same command run under 'scmp-super run'.\n"
              "\n"
              "Options:\n"
              "  -p, --policy FILE     the base profile (OCI / Docker / Podman JSON); without\n"
              "                        it every syscall is recorded and the profile complete\n"
              "  -o, --output FILE     write the profile: the base plus what the run needed\n"
              "      --args            argument-level entries for socket, personality, clone,\n"
              "                        ioctl and prctl instead of allowing them whole\n"
              "      --no-implicit     do not add the syscalls a run can make unseen (vDSO\n"
              "                        fallbacks, and by timing: signal waits and returns,\n"
              "                        futex, sleeps, exits; see docs/TRACE.md)\n"
              "      --arch-form FORM  how a profile without --policy names its architectures:\n"
              "                        architectures (default: the runtime-spec's form, read\n"
              "                        by every runtime) or archMap (Docker's and Podman's;\n"
              "                        containerd ignores it)\n"
              "      --runtime RUNTIME add the calls RUNTIME (runc or crun; repeatable)\n"
              "                        makes after loading a container's filter, each in an\n"
              "                        entry of its own: for a profile recorded outside a\n"
              "                        container and enforced in one; the workload is\n"
              "                        allowed them too (see docs/TRACE.md); needs --output\n"
              "      --exe GLOB        record only the calls of programs whose executable\n"
              "                        matches the path GLOB (repeatable): the caller's\n"
              "                        /proc/PID/exe at the time of the call, symlinks\n"
              "                        resolved (a script is its interpreter; an execve is\n"
              "                        the calling program's). Other programs' calls are\n"
              "                        allowed but not recorded, so the profile, still one\n"
              "                        for the whole tree, may not run the tree\n"
              "      --paths           also record the paths each syscall named, and propose\n"
              "                        supervisor path rules from them for review (in the\n"
              "                        report and the summary; directories holding many\n"
              "                        collapsed to DIR/**)\n"
              "      --propose-rules FILE  with --paths implied and no --policy: write a\n"
              "                        profile whose path syscalls only the proposed rules\n"
              "                        allow, for review; --output never gets them\n"
              "  -r, --report FILE     write the JSON report (JUnit XML with --format junit\n"
              "                        and no --junit)\n"
              "  -f, --format FORMAT   human (default), json (the report: --report FILE, or\n"
              "                        --report - for stdout), github (workflow annotations\n"
              "                        on stdout, each on a line of its own, and\n"
              "                        $GITHUB_STEP_SUMMARY), junit (XML: --junit FILE or\n"
              "                        --report FILE; - for stdout)\n"
              "      --junit FILE      write JUnit XML to FILE (one test case per new syscall)\n"
              "      --fail-on-unknown exit 119 if the command succeeded but made syscalls\n"
              "                        the base profile does not name\n"
              "  -q, --quiet           no summary table, no live count\n"
              "  -v, --verbose         report skipped syscall names, whether this kernel\n"
              "                        keeps COMMAND from signalling scmp-super\n"
              "                        (Landlock), and other details\n"
              "  -h, --help            show this help\n"
              "\n"
              "Exit status: the command's own, or 128+N if signal N killed it; 119 with\n"
              "--fail-on-unknown (when the command itself succeeded); 125 if scmp-super\n"
              "itself failed, 126 if COMMAND could not be executed, 127 if not found.\n",
              out);
}

static int parse_format(const char *s, enum trace_format *ret)
{
        static const char *const names[] = {"human", "json", "github", "junit"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(s, names[i]) == 0) {
                        *ret = (enum trace_format)i;
                        return 0;
                }
        return -EINVAL;
}

static void attach_tracer(void *tracer, struct supervisor *sup)
{
        tracer_attach(tracer, sup);
}

int cmd_trace(int argc, char **argv)
{
        enum {
                OPT_ARGS = 256,
                OPT_NO_IMPLICIT,
                OPT_PATHS,
                OPT_JUNIT,
                OPT_FAIL_ON_UNKNOWN,
                OPT_ARCH_FORM,
                OPT_EXE,
                OPT_PROPOSE_RULES,
                OPT_RUNTIME,
        };
        static const struct option options[] = {
            {"policy", required_argument, NULL, 'p'},
            {"output", required_argument, NULL, 'o'},
            {"args", no_argument, NULL, OPT_ARGS},
            {"no-implicit", no_argument, NULL, OPT_NO_IMPLICIT},
            {"paths", no_argument, NULL, OPT_PATHS},
            {"arch-form", required_argument, NULL, OPT_ARCH_FORM},
            {"exe", required_argument, NULL, OPT_EXE},
            {"propose-rules", required_argument, NULL, OPT_PROPOSE_RULES},
            {"runtime", required_argument, NULL, OPT_RUNTIME},
            {"report", required_argument, NULL, 'r'},
            {"format", required_argument, NULL, 'f'},
            {"junit", required_argument, NULL, OPT_JUNIT},
            {"fail-on-unknown", no_argument, NULL, OPT_FAIL_ON_UNKNOWN},
            {"quiet", no_argument, NULL, 'q'},
            {"verbose", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct tracer_options o = {.implicit = true, .out = stdout, .err = stderr};
        struct run_session_options ro = {
            .default_profile = tracer_all_notify_profile,
            .default_profile_name = "<trace: every syscall>",
            .notify_unlisted = true,
            /* The tracer writes its report and profile at the end. */
            .confine_features = SUPERVISOR_CONFINE_WRITE,
        };
        struct run_session s;
        struct tracer *tr = NULL;
        char why[RUN_SESSION_REASON_MAX];
        int opt, r, rt, status;
        bool arch_form_given = false;
        /* At most one glob per argument, and the terminating NULL. */
        const char **exe_globs = calloc((size_t)argc + 1, sizeof(*exe_globs));
        size_t n_exe_globs = 0;
        const char *reason;

        if (!exe_globs) {
                fputs("scmp-super trace: out of memory\n", stderr);
                return 125;
        }

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+p:o:r:f:qvh", options, NULL)) != -1) {
                switch (opt) {
                case 'p':
                        o.policy_path = optarg;
                        break;
                case 'o':
                        o.output_path = optarg;
                        break;
                case OPT_ARGS:
                        o.args = true;
                        break;
                case OPT_NO_IMPLICIT:
                        o.implicit = false;
                        break;
                case OPT_PATHS:
                        o.paths = true;
                        break;
                case OPT_ARCH_FORM:
                        if (strcmp(optarg, "architectures") == 0)
                                o.arch_form = TRACE_ARCH_FORM_ARCHITECTURES;
                        else if (strcmp(optarg, "archMap") == 0)
                                o.arch_form = TRACE_ARCH_FORM_ARCH_MAP;
                        else {
                                fprintf(stderr,
                                        "scmp-super trace: unknown --arch-form \"%s\" "
                                        "(architectures or archMap)\n",
                                        optarg);
                                status = 125;
                                goto out_options;
                        }
                        arch_form_given = true;
                        break;
                case OPT_RUNTIME:
                        rt = trace_runtime_parse(optarg);
                        if (rt < 0) {
                                fprintf(stderr,
                                        "scmp-super trace: unknown --runtime \"%s\" (runc or "
                                        "crun)\n",
                                        optarg);
                                status = 125;
                                goto out_options;
                        }
                        o.runtimes |= 1u << rt;
                        break;
                case OPT_EXE:
                        if (path_glob_validate(optarg, &reason) < 0) {
                                fprintf(stderr,
                                        "scmp-super trace: --exe \"%s\": %s (an absolute path "
                                        "glob such as \"/usr/bin/python3*\")\n",
                                        optarg, reason);
                                status = 125;
                                goto out_options;
                        }
                        exe_globs[n_exe_globs++] = optarg;
                        break;
                case OPT_PROPOSE_RULES:
                        o.propose_path = optarg;
                        o.paths = true;
                        break;
                case 'r':
                        o.report_path = optarg;
                        break;
                case 'f':
                        if (parse_format(optarg, &o.format) < 0) {
                                fprintf(stderr,
                                        "scmp-super trace: unknown format \"%s\" (human, json, "
                                        "github or junit)\n",
                                        optarg);
                                status = 125;
                                goto out_options;
                        }
                        break;
                case OPT_JUNIT:
                        o.junit_path = optarg;
                        break;
                case OPT_FAIL_ON_UNKNOWN:
                        o.fail_on_unknown = true;
                        break;
                case 'q':
                        o.quiet = true;
                        break;
                case 'v':
                        ro.verbose = true;
                        break;
                case 'h':
                        trace_usage(stdout);
                        status = 0;
                        goto out_options;
                default:
                        fputs("Try 'scmp-super trace --help'.\n", stderr);
                        status = 125;
                        goto out_options;
                }
        }
        if (optind >= argc) {
                fputs("scmp-super trace: no command given (scmp-super trace [--policy FILE] "
                      "[--output FILE] -- COMMAND [ARGS...])\n",
                      stderr);
                status = 125;
                goto out_options;
        }

        if (arch_form_given && o.policy_path) {
                /* The base's own architectures are kept as they are
                 * written; converting them would rewrite the base. */
                fputs("scmp-super trace: --arch-form is for a profile without --policy (the "
                      "base profile's architectures are kept as written)\n",
                      stderr);
                status = 125;
                goto out_options;
        }
        if (o.runtimes && !o.output_path) {
                /* Its entries go into the written profile only; silently
                 * doing nothing would let a CI job believe it was done. */
                fputs("scmp-super trace: --runtime adds the runtime's calls to the profile "
                      "--output writes: give --output FILE\n",
                      stderr);
                status = 125;
                goto out_options;
        }
        if (o.propose_path && o.policy_path) {
                fputs("scmp-super trace: --propose-rules writes a profile of its own, without "
                      "--policy (propose from a recording without a base)\n",
                      stderr);
                status = 125;
                goto out_options;
        }
        if (n_exe_globs) {
                o.exe_globs = exe_globs;
                ro.need_exe = true;
        }
        status = run_output_check_trace_streams(&o);
        if (status != 0)
                goto out_options;
        ro.argv = argv + optind;
        ro.policy_path = o.policy_path;
        status = run_output_prepare(&s, &ro);
        if (status != 0)
                goto out;
        status = 125;
        if (tracer_new(&o, o.policy_path ? s.policy : NULL, &tr) < 0) {
                fputs("scmp-super trace: out of memory\n", stderr);
                goto out;
        }
        s.attach = attach_tracer;
        s.attach_ctx = tr;
        r = run_session_start(&s, why, sizeof(why));
        if (r < 0) {
                status = run_output_failure(&s, why);
                goto out;
        }
        tracer_record_first_exec(tr, s.launch.child, s.exec_path, ro.argv);
        tracer_live_start(tr, &s.sup.loop);
        r = run_session_run(&s, why, sizeof(why));
        tracer_live_stop(tr);
        if (r < 0) {
                status = run_output_failure(&s, why);
                goto out;
        }
        status = tracer_finish(tr, ro.argv, o.policy_path ? s.policy->text : NULL,
                               o.policy_path ? s.policy->text_len : 0, s.status);
out:
        run_session_done(&s);
        tracer_free(tr);
out_options:
        free(exe_globs);
        return status;
}
