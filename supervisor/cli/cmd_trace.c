/* SPDX-License-Identifier: MIT */
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
#include "cli/cmd_trace.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launch/confine.h"
#include "base/env.h"
#include "launch/launch.h"
#include "launch/seal.h"
#include "core/supervisor.h"
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
              "                        fallbacks, signal returns; see docs/TRACE.md)\n"
              "      --paths           also record the paths each syscall named\n"
              "  -r, --report FILE     write the JSON report (JUnit XML with --format junit\n"
              "                        and no --junit)\n"
              "  -f, --format FORMAT   human (default), json (report on stdout without\n"
              "                        --report), github (workflow annotations on stdout and\n"
              "                        $GITHUB_STEP_SUMMARY), junit (XML: --junit, --report or\n"
              "                        stdout)\n"
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

int cmd_trace(int argc, char **argv)
{
        enum {
                OPT_ARGS = 256,
                OPT_NO_IMPLICIT,
                OPT_PATHS,
                OPT_JUNIT,
                OPT_FAIL_ON_UNKNOWN,
        };
        static const struct option options[] = {
            {"policy", required_argument, NULL, 'p'},
            {"output", required_argument, NULL, 'o'},
            {"args", no_argument, NULL, OPT_ARGS},
            {"no-implicit", no_argument, NULL, OPT_NO_IMPLICIT},
            {"paths", no_argument, NULL, OPT_PATHS},
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
        bool verbose = false;
        /* As run: SCMP_SUPER_LANE=0 keeps every call on the loop thread. */
        const char *lane_env = getenv("SCMP_SUPER_LANE");
        struct supervisor_options sopts = {.fast_lane = !lane_env || strcmp(lane_env, "0") != 0};
        struct policy_compile_opts copts = {.notify_execve = true, .binary_tree = -1};
        struct policy *policy = NULL;
        struct policy_error err;
        struct policy_env env;
        struct policy_bpf bpf = {0};
        struct supervisor sup;
        struct tracer *tr = NULL;
        bool sup_ready = false;
        char exec_path[PATH_MAX];
        struct launch launch = {.sigfd = -1, .sock = {-1, -1}, .child = -1};
        int opt, r, status = 125;

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
                case 'r':
                        o.report_path = optarg;
                        break;
                case 'f':
                        if (parse_format(optarg, &o.format) < 0) {
                                fprintf(stderr,
                                        "scmp-super trace: unknown format \"%s\" (human, json, "
                                        "github or junit)\n",
                                        optarg);
                                return 125;
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
                        verbose = true;
                        sopts.verbose = true;
                        break;
                case 'h':
                        trace_usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super trace --help'.\n", stderr);
                        return 125;
                }
        }
        if (optind >= argc) {
                fputs("scmp-super trace: no command given (scmp-super trace [--policy FILE] "
                      "[--output FILE] -- COMMAND [ARGS...])\n",
                      stderr);
                return 125;
        }

        env_detect(&env);
        if (o.policy_path) {
                /* The loaded policy keeps the text: the profile we write is
                 * that text with entries added. */
                r = policy_load_file(o.policy_path, &env, &policy, &err);
        } else {
                r = policy_load_buffer(tracer_all_notify_profile, strlen(tracer_all_notify_profile),
                                       "<trace: every syscall>", &env, &policy, &err);
        }
        if (r < 0) {
                fprintf(stderr, "scmp-super: %s\n", err.message);
                fputs("scmp-super: the command was not started\n", stderr);
                goto out;
        }
        launch_report_policy(policy, verbose);

        /* A base that allows what it does not list has nothing unknown to
         * show: its unlisted calls are allowed as they are. */
        copts.notify_unlisted =
            policy->default_action != KACT_ALLOW && policy->default_action != KACT_LOG;
        /* As run does: root changes come to us, so paths resolve without
         * reading the target's root while it is still ours. */
        copts.notify_root_changes = true;
        sopts.root_tracked = true;
        status = launch_prepare(policy, &copts, argv[optind], &bpf, exec_path, sizeof(exec_path));
        if (status != 0)
                goto out;
        status = 125;

        if (tracer_new(&o, o.policy_path ? policy : NULL, &tr) < 0) {
                fputs("scmp-super trace: out of memory\n", stderr);
                goto out;
        }

        if (launch_init(&launch) < 0 || launch_socketpair(&launch) < 0)
                goto out;
        if (verbose)
                seal_report(stderr, launch.landlock_abi);

        r = supervisor_init(&sup, policy, &sopts);
        if (r < 0) {
                fprintf(stderr, "scmp-super: starting the supervisor: %s\n", strerror(-r));
                goto out;
        }
        sup_ready = true;
        tracer_attach(tr, &sup);

        if (launch_fork(&launch, exec_path, argv + optind, &bpf, policy->flags,
                        policy->listener_metadata) < 0 ||
            launch_attach(&launch, &sup, &status) < 0)
                goto out;
        /* As run does, once set up; trace writes its report and profile at
         * the end, hence WRITE. */
        r = supervisor_confine(SUPERVISOR_CONFINE_WRITE);
        if (r < 0) {
                fprintf(stderr, "scmp-super: confining the supervisor: %s\n", strerror(-r));
                fputs("scmp-super: the command was not started\n", stderr);
                kill(launch.child, SIGKILL);
                goto out;
        }
        tracer_record_first_exec(tr, launch.child, exec_path, argv + optind);
        tracer_live_start(tr, &sup.loop);

        supervisor_run(&sup);
        tracer_live_stop(tr);
        status = tracer_finish(tr, argv + optind, o.policy_path ? policy->text : NULL,
                               o.policy_path ? policy->text_len : 0, sup.child_status);
out:
        if (sup_ready)
                supervisor_close(&sup);
        tracer_free(tr);
        launch_close(&launch);
        policy_bpf_free(&bpf);
        policy_free(policy);
        return status;
}
