/* SPDX-License-Identifier: MIT */
/* cli/cmd_daemon.c: the `scmp-super daemon` command line and its log lines. */
/*
 * The daemon serves the listeners that runc, crun and `run --connect` send
 * to a socket; the work is in daemon/. This parses the options and prints
 * the daemon's event lines.
 */
#include "cli/commands.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "base/env.h"
#include "launch/confine.h"
#include "daemon/daemon.h"
#include "launch/seal.h"

static void daemon_usage(FILE *out)
{
        fputs("Usage: scmp-super daemon --socket PATH [OPTIONS]\n"
              "\n"
              "Serve seccomp listeners sent to PATH as OCI seccomp agent messages: by runc\n"
              "and crun for containers whose profile names PATH as linux.seccomp.listenerPath,\n"
              "and by 'scmp-super run --connect PATH'. Each target is decided with the profile\n"
              "its listenerMetadata names (\"policy=NAME\"), or the default.\n"
              "\n"
              "Options:\n"
              "  -S, --socket PATH         listen on PATH (not needed when systemd passes the\n"
              "                            socket: LISTEN_FDS, see docs/DEPLOYMENT.md)\n"
              "      --socket-mode MODE    permissions of PATH, in octal (default 0600)\n"
              "  -p, --policy FILE         the default profile (default: DIR/default.json,\n"
              "                            else the built-in profile)\n"
              "  -d, --policy-dir DIR      named profiles: \"policy=NAME\" selects DIR/NAME.json\n"
              "  -c, --control NAME        control socket for 'scmp-super status' and prompts:\n"
              "                            a path, or @NAME in the abstract namespace\n"
              "  -l, --log FILE            append one JSON line per decision to FILE\n"
              "      --metrics-file FILE   write OpenMetrics text to FILE every few seconds,\n"
              "                            replacing it whole (for node_exporter's textfile\n"
              "                            collector: FILE ends in .prom; docs/DAEMON.md)\n"
              "      --metrics-interval S  seconds between writes, 1 to 3600 (default 5)\n"
              "      --metrics-format F    openmetrics (default), or prometheus: the text\n"
              "                            format node_exporter's collector parses, where\n"
              "                            counters keep their type\n"
              "      --message-timeout MS  refuse a client whose message is not complete\n"
              "                            within MS milliseconds (default 5000)\n"
              "      --decision-timeout MS deny a call whose arguments could not be read\n"
              "                            from its target within MS milliseconds, with\n"
              "                            EPERM or the asking rule's errno (default 5000)\n"
              "      --trace-dir DIR       allow \"trace=NAME\": record such a container as\n"
              "                            'scmp-super trace' records a command, and write\n"
              "                            DIR/NAME.json, .report.json, .txt and .done when\n"
              "                            it ends (docs/TRACE.md)\n"
              "  -w, --watch               reload, as SIGHUP does, when a file in DIR (or\n"
              "                            beside FILE) changes, e.g. a ConfigMap volume\n"
              "  -v, --verbose             log every connection\n"
              "  -h, --help                show this help\n"
              "\n"
              "listenerMetadata: items key=value separated by ';'. \"policy=NAME\" picks\n"
              "DIR/NAME.json (NAME: letters, digits, '.', '_', '-'); \"scmp-super-launcher=1\"\n"
              "marks a 'run --connect' launcher, whose first execve is allowed once;\n"
              "\"trace=NAME\" records the target (needs --trace-dir). A target\n"
              "whose metadata is not understood or names an unknown profile is refused: its\n"
              "listener is closed and its notified calls fail with ENOSYS.\n"
              "\n"
              "Signals: SIGHUP reloads every profile (a profile that fails to load keeps its\n"
              "previous version; live targets switch to the new version of theirs) and\n"
              "reopens the log. SIGINT and SIGTERM stop the daemon (exit status 0).\n"
              "Exit status: 0 after a signal, 1 when the daemon cannot start, 2 bad usage.\n",
              out);
}

/* The daemon's event lines go to stderr (the journal, under systemd),
 * one write each: stderr is line-buffered below. */
static void print_event(void *ctx, const char *line)
{
        fprintf(stderr, "scmp-super: %s\n", line);
}

int cmd_daemon(int argc, char **argv)
{
        enum {
                OPT_SOCKET_MODE = 256,
                OPT_MESSAGE_TIMEOUT,
                OPT_DECISION_TIMEOUT,
                OPT_METRICS_FILE,
                OPT_METRICS_INTERVAL,
                OPT_METRICS_FORMAT,
                OPT_TRACE_DIR,
        };
        static const struct option options[] = {
            {"socket", required_argument, NULL, 'S'},
            {"socket-mode", required_argument, NULL, OPT_SOCKET_MODE},
            {"policy", required_argument, NULL, 'p'},
            {"policy-dir", required_argument, NULL, 'd'},
            {"control", required_argument, NULL, 'c'},
            {"log", required_argument, NULL, 'l'},
            {"message-timeout", required_argument, NULL, OPT_MESSAGE_TIMEOUT},
            {"decision-timeout", required_argument, NULL, OPT_DECISION_TIMEOUT},
            {"metrics-file", required_argument, NULL, OPT_METRICS_FILE},
            {"metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL},
            {"metrics-format", required_argument, NULL, OPT_METRICS_FORMAT},
            {"trace-dir", required_argument, NULL, OPT_TRACE_DIR},
            {"verbose", no_argument, NULL, 'v'},
            {"watch", no_argument, NULL, 'w'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct daemon_options opts = {.listen_fd = -1, .log_line = print_event};
        struct daemon *d;
        char why[1200], *end;
        bool metrics_format_set = false;
        int opt, r;

        /* The daemon decides for many users: ${HOME} and ${CWD} in a
         * profile's paths would mean its own, so they do not load. */
        env_without_invoker();
        optind = 1;
        while ((opt = getopt_long(argc, argv, "S:p:d:c:l:vwh", options, NULL)) != -1) {
                switch (opt) {
                case 'S':
                        opts.socket_path = optarg;
                        break;
                case OPT_SOCKET_MODE: {
                        errno = 0;
                        unsigned long mode = strtoul(optarg, &end, 8);
                        if (errno || *end || end == optarg || mode > 0777) {
                                fprintf(stderr,
                                        "scmp-super daemon: --socket-mode %s: expected octal "
                                        "permissions such as 0660\n",
                                        optarg);
                                return 2;
                        }
                        opts.socket_mode = (mode_t)mode;
                        break;
                }
                case 'p':
                        opts.policy_path = optarg;
                        break;
                case 'd':
                        opts.policy_dir = optarg;
                        break;
                case 'c':
                        opts.control_path = optarg;
                        break;
                case 'l':
                        opts.log_path = optarg;
                        break;
                case OPT_MESSAGE_TIMEOUT: {
                        errno = 0;
                        unsigned long ms = strtoul(optarg, &end, 10);
                        if (errno || *end || end == optarg || ms < 1 || ms > 3600000) {
                                fprintf(stderr,
                                        "scmp-super daemon: --message-timeout %s: expected "
                                        "milliseconds, 1 to 3600000\n",
                                        optarg);
                                return 2;
                        }
                        opts.message_timeout_ms = (unsigned)ms;
                        break;
                }
                case OPT_DECISION_TIMEOUT: {
                        errno = 0;
                        unsigned long ms = strtoul(optarg, &end, 10);
                        if (errno || *end || end == optarg || ms < 10 || ms > 3600000) {
                                fprintf(stderr,
                                        "scmp-super daemon: --decision-timeout %s: expected "
                                        "milliseconds, 10 to 3600000\n",
                                        optarg);
                                return 2;
                        }
                        opts.decision_timeout_ms = (unsigned)ms;
                        break;
                }
                case OPT_TRACE_DIR: {
                        struct stat st;
                        int e = stat(optarg, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
                        if (e) {
                                fprintf(stderr, "scmp-super daemon: --trace-dir %s: %s\n", optarg,
                                        strerror(e));
                                return 2;
                        }
                        opts.trace_dir = optarg;
                        break;
                }
                case OPT_METRICS_FILE:
                        if (!*optarg) {
                                fputs("scmp-super daemon: --metrics-file: expected a file name, "
                                      "such as /var/lib/node_exporter/textfile/scmp-super.prom\n",
                                      stderr);
                                return 2;
                        }
                        opts.metrics_path = optarg;
                        break;
                case OPT_METRICS_INTERVAL: {
                        errno = 0;
                        unsigned long seconds = strtoul(optarg, &end, 10);
                        if (errno || *end || end == optarg || seconds < 1 || seconds > 3600) {
                                fprintf(stderr,
                                        "scmp-super daemon: --metrics-interval %s: expected "
                                        "seconds, 1 to 3600\n",
                                        optarg);
                                return 2;
                        }
                        opts.metrics_interval_s = (unsigned)seconds;
                        break;
                }
                case OPT_METRICS_FORMAT:
                        if (strcmp(optarg, "openmetrics") == 0) {
                                opts.metrics_format = OPENMETRICS_FORMAT_OPENMETRICS;
                        } else if (strcmp(optarg, "prometheus") == 0) {
                                opts.metrics_format = OPENMETRICS_FORMAT_PROMETHEUS;
                        } else {
                                fprintf(stderr,
                                        "scmp-super daemon: --metrics-format %s: expected "
                                        "openmetrics or prometheus\n",
                                        optarg);
                                return 2;
                        }
                        metrics_format_set = true;
                        break;
                case 'v':
                        opts.verbose = true;
                        break;
                case 'w':
                        opts.watch = true;
                        break;
                case 'h':
                        daemon_usage(stdout);
                        return 0;
                default:
                        fputs("Try 'scmp-super daemon --help'.\n", stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "scmp-super daemon: unexpected argument \"%s\"\n", argv[optind]);
                return 2;
        }

        /* Before any target is served: a target of our uid must not reach
         * our memory (seal.h). */
        r = seal_supervisor(false);
        if (r < 0) {
                fprintf(stderr, "scmp-super daemon: prctl(PR_SET_DUMPABLE): %s\n", strerror(-r));
                return 1;
        }
        /* SCMP_SUPER_LANE=0 decides on the loop thread, as run does with
         * it: for comparison in bench/ only, since one target can then
         * stall every other. */
        const char *lane_env = getenv("SCMP_SUPER_LANE");
        opts.no_lanes = lane_env && strcmp(lane_env, "0") == 0;

        r = daemon_inherited_socket(&opts.listen_fd, why, sizeof(why));
        if (r < 0) {
                fprintf(stderr, "scmp-super daemon: %s\n", why);
                return 1;
        }
        if ((opts.metrics_interval_s || metrics_format_set) && !opts.metrics_path) {
                fputs("scmp-super daemon: --metrics-interval and --metrics-format need "
                      "--metrics-file FILE\n",
                      stderr);
                return 2;
        }
        if (opts.listen_fd < 0 && !opts.socket_path) {
                fputs("scmp-super daemon: --socket PATH is required (scmp-super daemon --socket "
                      "PATH [--policy-dir DIR])\n",
                      stderr);
                return 2;
        }
        /* Every target holds its listener open, and a node may run
         * thousands of containers: take the hard limit on descriptors
         * (the loop uses epoll, which has no FD_SETSIZE ceiling). */
        struct rlimit nofile;
        if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
                nofile.rlim_cur = nofile.rlim_max;
                setrlimit(RLIMIT_NOFILE, &nofile);
        }
        /* Writing to a client that went away must be an error, not death. */
        signal(SIGPIPE, SIG_IGN);
        /* Event lines are whole lines, even when stderr is a pipe or file. */
        setvbuf(stderr, NULL, _IOLBF, 0);

        r = daemon_new(&opts, &d, why, sizeof(why));
        if (r < 0) {
                fprintf(stderr, "scmp-super daemon: %s\n", why);
                return 1;
        }
        /* Set up: from here on the daemon only serves, and confines itself
         * to that (supervisor/launch/confine.h): it accepts connections, reloads
         * profiles and may write the log and the metrics file. */
        r = supervisor_confine(SUPERVISOR_CONFINE_WRITE | SUPERVISOR_CONFINE_SOCKETS |
                               SUPERVISOR_CONFINE_ACT);
        if (r < 0) {
                fprintf(stderr, "scmp-super daemon: confining the daemon: %s\n", strerror(-r));
                daemon_free(d);
                return 1;
        }
        r = daemon_run(d);
        daemon_free(d);
        return r;
}
