/* SPDX-License-Identifier: MIT */
/* cli/cmd_run.c: the run command: its options, one supervised run, its exit status. */
/*
 * scmp-super run: load and compile the profile, fork the launcher, and
 * supervise it until it exits. Everything that can fail is checked before
 * the fork, so the command never starts under a profile that did not load.
 */
#include "cli/commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/run_output.h"
#include "core/supervisor.h"
#include "launch/run_session.h"
#include "prompt/prompt_setup.h"

static void run_usage(FILE *out)
{
        fputs("Usage: scmp-super run [OPTIONS] [--] COMMAND [ARGS...]\n"
              "\n"
              "Run COMMAND under a seccomp filter built from a profile. The kernel decides\n"
              "what the profile decides; calls the profile marks SCMP_ACT_NOTIFY come to\n"
              "this process, which applies the profile's \"supervisor\" rules to each one.\n"
              "\n"
              "Options:\n"
              "  -p, --policy FILE   OCI / Docker / Podman seccomp profile, with optional\n"
              "                      \"supervisor\" rules (default: the built-in profile,\n"
              "                      see 'scmp-super check --print-default')\n"
              "  -l, --log FILE      append one JSON line per supervisor decision to FILE\n"
              "                      (flushed every second, whole lines only: several\n"
              "                      runs may share FILE; a string over 8 KiB of JSON\n"
              "                      is cut, and its line says \"truncated\": true)\n"
              "  -s, --summary       print counts per syscall and decision at exit\n"
              "  -v, --verbose       report skipped syscall names, whether this kernel\n"
              "                      keeps COMMAND from signalling scmp-super (Landlock),\n"
              "                      and other details (it does not imply --explain)\n"
              "      --explain       send the calls the profile refuses with an errno\n"
              "                      (its defaultAction and SCMP_ACT_ERRNO entries) to\n"
              "                      scmp-super, which refuses them with the same errno,\n"
              "                      and list them at exit (syscall, errno, count,\n"
              "                      executable) with the trace command that records\n"
              "                      them; kill and trap actions stay in the kernel\n"
              "      --connect PATH  have the daemon listening on PATH supervise COMMAND\n"
              "                      (scmp-super daemon); the profile's kernel part is\n"
              "                      loaded here, the daemon decides notified calls with\n"
              "                      the profile the listenerMetadata names, or its default\n"
              "      --prompt MODE   who answers calls the profile says to ask about:\n"
              "                      tty (this terminal, and the control socket), socket\n"
              "                      (the control socket only: 'scmp-super prompt'), or\n"
              "                      none (deny once, as a timeout would); the default is\n"
              "                      tty when a terminal is attached, else socket.\n"
              "                      Asking on the terminal that is stdin, COMMAND runs\n"
              "                      on a pseudo-terminal of its own, relayed: it cannot\n"
              "                      type into a prompt or draw over one, and its output\n"
              "                      waits while a prompt is shown\n"
              "      --prompt-timeout SECONDS\n"
              "                      deadline of each prompt (default: the profile's\n"
              "                      supervisor.promptTimeout, 30 s)\n"
              "      --control NAME  the control socket: a path, or @NAME in the abstract\n"
              "                      namespace (default: @scmp-super/UID/PID.RANDOM, which\n"
              "                      no sealed command can connect to)\n"
              "      --strict        refuse (125, COMMAND not started) a profile whose path\n"
              "                      or address rules can be walked around: a sibling call\n"
              "                      the kernel filter lets through (open beside a rule on\n"
              "                      openat, sendto beside one on connect), or\n"
              "                      io_uring_setup; or whose conditions on int arguments\n"
              "                      high bits get around; or with a supervisor rule the\n"
              "                      kernel filter never notifies the calls of\n"
              "                      ('scmp-super check' lists them all)\n"
              "  -h, --help          show this help\n"
              "\n"
              "COMMAND is sealed off from scmp-super: it cannot read or write its memory,\n"
              "signal it (Linux 6.12 and later), answer its prompts, or (where the profile\n"
              "routes opens to scmp-super) write the profile or the log (SECURITY.md).\n"
              "\n"
              "Exit status: the command's own, or 128+N if signal N killed it;\n"
              "125 if scmp-super itself failed (bad profile, bad options, --strict), 126 if\n"
              "COMMAND could not be executed, 127 if COMMAND was not found.\n"
              "SIGINT, SIGTERM and SIGHUP sent to scmp-super are passed on to COMMAND.\n"
              "Under a profile whose default refuses, a command that exits non-zero or is\n"
              "killed gets one line on stderr suggesting `scmp-super trace --policy P --\n"
              "COMMAND`, which records the calls the profile lacks; with --explain, the\n"
              "list of refused calls instead.\n",
              out);
}

/* Long options without a short form. */
enum {
        OPT_PROMPT = 0x100,
        OPT_PROMPT_TIMEOUT,
        OPT_CONTROL,
        OPT_STRICT,
        OPT_EXPLAIN,
};

static int parse_seconds(const char *text, unsigned *ret_ms)
{
        char *end = NULL;
        errno = 0;
        double v = strtod(text, &end);
        if (errno || end == text || *end || !(v > 0) || v > 86400)
                return -EINVAL;
        *ret_ms = v * 1000 < 1 ? 1 : (unsigned)(v * 1000);
        return 0;
}

int cmd_run(int argc, char **argv)
{
        static const struct option options[] = {
            {"policy", required_argument, NULL, 'p'},
            {"log", required_argument, NULL, 'l'},
            {"summary", no_argument, NULL, 's'},
            {"verbose", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},
            {"connect", required_argument, NULL, 'C'},
            {"prompt", required_argument, NULL, OPT_PROMPT},
            {"prompt-timeout", required_argument, NULL, OPT_PROMPT_TIMEOUT},
            {"control", required_argument, NULL, OPT_CONTROL},
            {"strict", no_argument, NULL, OPT_STRICT},
            {"explain", no_argument, NULL, OPT_EXPLAIN},
            {NULL, 0, NULL, 0},
        };
        struct run_session_options ro = {.track_exec = true, .protect_files = true};
        struct prompt_config pcfg = {.mode = PROMPT_MODE_AUTO};
        struct run_session s;
        char why[RUN_SESSION_REASON_MAX];
        int opt, r, status;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+p:l:svh", options, NULL)) != -1) {
                switch (opt) {
                case 'p':
                        ro.policy_path = optarg;
                        break;
                case 'l':
                        ro.log_path = optarg;
                        break;
                case 's':
                        ro.summary = true;
                        break;
                case 'v':
                        ro.verbose = true;
                        break;
                case 'C':
                        ro.connect_path = optarg;
                        break;
                case OPT_PROMPT:
                        if (prompt_mode_parse(optarg, &pcfg.mode) < 0) {
                                fprintf(stderr,
                                        "scmp-super run: --prompt %s: use tty, socket or none\n",
                                        optarg);
                                return 125;
                        }
                        break;
                case OPT_PROMPT_TIMEOUT:
                        if (parse_seconds(optarg, &pcfg.timeout_ms) < 0) {
                                fprintf(stderr,
                                        "scmp-super run: --prompt-timeout %s: expected seconds "
                                        "above 0 and at most 86400\n",
                                        optarg);
                                return 125;
                        }
                        break;
                case OPT_CONTROL:
                        pcfg.control_path = optarg;
                        break;
                case OPT_STRICT:
                        ro.strict = true;
                        break;
                case OPT_EXPLAIN:
                        ro.explain = true;
                        break;
                case 'h':
                        run_usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super run --help'.\n", stderr);
                        return 125;
                }
        }
        if (optind >= argc) {
                fputs("scmp-super run: no command given (scmp-super run [--policy FILE] -- COMMAND "
                      "[ARGS...])\n",
                      stderr);
                return 125;
        }

        if (ro.connect_path && ro.explain) {
                fputs("scmp-super run: with --connect the daemon decides; --explain needs "
                      "this process to answer the refused calls and does not apply\n",
                      stderr);
                return 125;
        }
        if (ro.connect_path && (ro.log_path || ro.summary)) {
                fputs(
                    "scmp-super run: with --connect the daemon decides, and its --log and "
                    "'scmp-super status' report the decisions; --log and --summary do not apply\n",
                    stderr);
                return 125;
        }

        ro.argv = argv + optind;
        ro.prompt = &pcfg;
        status = run_output_prepare(&s, &ro);
        if (status != 0)
                goto out;
        r = run_session_start(&s, why, sizeof(why));
        if (r < 0) {
                status = run_output_failure(&s, why);
                goto out;
        }
        const char *control = prompting_control_name(s.prompting);
        if (control) {
                /* One line with nothing after the name, easy for scripts
                 * to take; the command has not run yet (its exec waits
                 * for the loop). */
                fprintf(stderr, "scmp-super: control socket: %s\n", control);
        }
        if (s.daemon_refused)
                fprintf(stderr, "scmp-super: the daemon at %s did not take the command: %s\n",
                        ro.connect_path, s.refused);
        if (ro.verbose && !ro.connect_path && !s.sup.sync_wakeup)
                fputs("scmp-super: this kernel has no synchronous wake-up (Linux < 6.6)\n", stderr);
        struct timespec started, ended;
        clock_gettime(CLOCK_MONOTONIC, &started);
        r = run_session_run(&s, why, sizeof(why));
        if (r < 0) {
                status = run_output_failure(&s, why);
                goto out;
        }
        clock_gettime(CLOCK_MONOTONIC, &ended);
        status = s.status;
        if (ro.summary)
                supervisor_print_summary(&s.sup, stderr);
        run_output_explain(&s);
        run_output_hint(&s, (ended.tv_sec - started.tv_sec) * 1000L +
                                (ended.tv_nsec - started.tv_nsec) / 1000000L);
out:
        run_session_done(&s);
        return status;
}
