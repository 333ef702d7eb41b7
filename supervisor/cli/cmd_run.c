/* SPDX-License-Identifier: MIT */
/* cli/cmd_run.c: `scmp-super run`, one command under a profile. */
/*
 * scmp-super run: load and compile the profile, fork the launcher, and
 * supervise it until it exits. Everything that can fail is checked before
 * the fork, so the command never starts under a profile that did not load.
 */
#include "cli/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launch/agent.h"
#include "launch/agent_client.h"
#include "launch/confine.h"
#include "core/decision_log.h"
#include "base/env.h"
#include "launch/launch.h"
#include "launch/launcher.h"
#include "prompt/prompt_setup.h"
#include "launch/pty_relay.h"
#include "launch/seal.h"
#include "core/supervisor.h"
#include "core/target.h"

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
              "                      and other details\n"
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
              "  -h, --help          show this help\n"
              "\n"
              "COMMAND is sealed off from scmp-super: it cannot read or write its memory,\n"
              "signal it (Linux 6.12 and later), answer its prompts, or (where the profile\n"
              "routes opens to scmp-super) write the profile or the log (SECURITY.md).\n"
              "\n"
              "Exit status: the command's own, or 128+N if signal N killed it;\n"
              "125 if scmp-super itself failed (bad profile, bad options), 126 if\n"
              "COMMAND could not be executed, 127 if COMMAND was not found.\n"
              "SIGINT, SIGTERM and SIGHUP sent to scmp-super are passed on to COMMAND.\n",
              out);
}

/* Long options without a short form. */
enum {
        OPT_PROMPT = 0x100,
        OPT_PROMPT_TIMEOUT,
        OPT_CONTROL,
};

/* Adds path's canonical name, and its absolute name as given when that
 * differs (a symlink on the way), to names. */
static void add_names(const char *path, char names[][PATH_MAX], size_t *n)
{
        if (realpath(path, names[*n]))
                (*n)++;
        if (target_resolve_path(getpid(), AT_FDCWD, path, names[*n], PATH_MAX) == 0 &&
            (*n == 0 || strcmp(names[*n], names[*n - 1]) != 0))
                (*n)++;
}

/* Whether the command, which has our uid, may write path or replace it. */
static bool writable(const char *path)
{
        char dir[PATH_MAX];
        snprintf(dir, sizeof(dir), "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash)
                *slash = '\0';
        return access(path, W_OK) == 0 || access(slash ? (dir[0] ? dir : "/") : ".", W_OK) == 0;
}

/* Appends to buf (of size) at *used, never past its end. */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t size, size_t *used,
                                                         const char *fmt, ...)
{
        va_list ap;
        if (*used >= size - 1)
                return;
        va_start(ap, fmt);
        int n = vsnprintf(buf + *used, size - *used, fmt, ap);
        va_end(ap);
        if (n > 0)
                *used = *used + (size_t)n < size ? *used + (size_t)n : size - 1;
}

/*
 * The profile file (forever answers are written to it, and the next run
 * obeys it) and the --log file (what a person reads afterwards) govern the
 * command, which must not change them. Where the profile routes the calls
 * that could to us, rules ahead of the profile's refuse them
 * (policy_protect_files()); where it does not, one line says so. With
 * --connect the daemon's own profiles govern, and are its to keep safe.
 * Returns 0 or -ENOMEM.
 */
static int protect_governing_files(struct policy *policy, const char *policy_path,
                                   const char *log_path)
{
        char names[4][PATH_MAX], files_text[2 * PATH_MAX + 8], calls[256];
        const char *list[4], *gaps[16];
        size_t n = 0, n_gaps = 0, used = 0, calls_used = 0;

        if (policy_path)
                add_names(policy_path, names, &n);
        if (log_path)
                add_names(log_path, names, &n);
        if (n == 0)
                return 0;
        for (size_t i = 0; i < n; i++)
                list[i] = names[i];
        int r = policy_protect_files(policy, list, n);
        if (r < 0)
                return r;
        /* As root the command may hold CAP_DAC_READ_SEARCH. */
        policy_protection_gaps(policy, geteuid() == 0, gaps, sizeof(gaps) / sizeof(gaps[0]),
                               &n_gaps);
        if (n_gaps == 0)
                return 0;

        /* "p.json and log: writable by uid 1000, and the profile does not
         * route creat, truncate to scmp-super ..." */
        const char *files[2] = {policy_path, log_path};
        files_text[0] = calls[0] = '\0';
        for (size_t i = 0; i < 2; i++)
                if (files[i] && writable(files[i]))
                        append(files_text, sizeof(files_text), &used, "%s%s", used ? " and " : "",
                               files[i]);
        if (used == 0)
                return 0;
        for (size_t i = 0; i < n_gaps && i < sizeof(gaps) / sizeof(gaps[0]); i++)
                append(calls, sizeof(calls), &calls_used, "%s%s", i ? ", " : "", gaps[i]);
        fprintf(stderr,
                "scmp-super: warning: the command can rewrite %s: writable by uid %u, and the "
                "profile does not route %s to scmp-super (SCMP_ACT_NOTIFY), which would refuse "
                "that\n",
                files_text, (unsigned)getuid(), calls);
        return 0;
}

static void on_child_stopped(void *relay, int sig)
{
        pty_relay_child_stopped(relay, sig);
}

/*
 * When prompts are drawn on the terminal that is the command's stdin, the
 * command gets a pty of its own (pty_relay.h): sharing the terminal, it
 * could answer a prompt with TIOCSTI or paint over it. *ret_relay is NULL
 * when no pty is wanted. A pty that cannot be had is an error: falling
 * back to sharing would quietly give up what the pty is for.
 */
static int start_pty(struct supervisor *sup, struct prompting *prompting, struct launch *launch,
                     struct pty_relay **ret_relay)
{
        struct pty_relay *relay = NULL;
        int r;

        *ret_relay = NULL;
        if (!prompting_on_terminal(prompting) || !pty_relay_wanted())
                return 0;
        /* The terminal reopened, for an open file description of our own
         * (O_NONBLOCK on it does not reach the shell's), through stdin
         * rather than /dev/tty, whose device number is its own. */
        int fd = open("/proc/self/fd/0", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        r = fd < 0 ? -errno : pty_relay_new(&sup->loop, fd, &relay);
        if (r < 0 || !relay) {
                fprintf(stderr,
                        "scmp-super: a pseudo-terminal for the command: %s (with --prompt socket "
                        "it shares this terminal, and 'scmp-super prompt' answers)\n",
                        strerror(r < 0 ? -r : EIO));
                return r < 0 ? r : -EIO;
        }
        prompting_use_relay(prompting, relay);
        launch->pty_slave = pty_relay_slave(relay);
        launch->terminal = pty_relay_terminal(relay);
        *ret_relay = relay;
        return 0;
}

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
            {NULL, 0, NULL, 0},
        };
        const char *policy_path = NULL, *log_path = NULL, *connect_path = NULL;
        char *metadata = NULL;
        int child_pidfd = -1;
        /* SCMP_SUPER_LANE=0 keeps every notification on the loop thread,
         * for comparison (bench/). */
        const char *lane_env = getenv("SCMP_SUPER_LANE");
        struct supervisor_options sopts = {.fast_lane = !lane_env || strcmp(lane_env, "0") != 0};
        struct policy_compile_opts copts = {.notify_execve = true, .binary_tree = -1};
        struct policy *policy = NULL;
        struct policy_error err;
        struct policy_bpf bpf = {0};
        struct supervisor sup;
        bool sup_ready = false;
        struct prompt_config pcfg = {.mode = PROMPT_MODE_AUTO};
        struct prompting *prompting = NULL;
        struct pty_relay *relay = NULL;
        char exec_path[PATH_MAX];
        char command_exe[PATH_MAX];
        struct launch launch = {.sigfd = -1, .sock = {-1, -1}, .child = -1, .pty_slave = -1};
        int opt, r, status = 125;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+p:l:svh", options, NULL)) != -1) {
                switch (opt) {
                case 'p':
                        policy_path = optarg;
                        break;
                case 'l':
                        log_path = optarg;
                        break;
                case 's':
                        sopts.summary = true;
                        break;
                case 'v':
                        sopts.verbose = true;
                        break;
                case 'C':
                        connect_path = optarg;
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

        if (connect_path && (log_path || sopts.summary)) {
                fputs(
                    "scmp-super run: with --connect the daemon decides, and its --log and "
                    "'scmp-super status' report the decisions; --log and --summary do not apply\n",
                    stderr);
                return 125;
        }

        r = env_load_policy(policy_path, &policy, &err);
        if (r < 0) {
                fprintf(stderr, "scmp-super: %s\n", err.message);
                fputs("scmp-super: the command was not started\n", stderr);
                return 125;
        }
        launch_report_policy(policy, sopts.verbose);

        /* With chroot, pivot_root and setns routed to us, we know while the
         * command's root is still ours and resolve paths without reading
         * it. The daemon (--connect) decides alone and is not told. */
        copts.notify_root_changes = !connect_path;
        sopts.root_tracked = copts.notify_root_changes;
        /* --log and rules on exe want the caller's executable on every
         * call; with execveat routed to us as execve is, the lane caches
         * it (exe_cache.h). */
        copts.notify_execveat = !connect_path && sopts.fast_lane &&
                                (log_path || (policy_needs_any(policy) & POLICY_NEED_EXE));
        sopts.exec_tracked = copts.notify_execveat;
        status = launch_prepare(policy, &copts, argv[optind], &bpf, exec_path, sizeof(exec_path));
        if (status != 0)
                goto out;
        status = 125;
        /* The name /proc will give the command's executable, when it will
         * give the command's own. */
        if (sopts.exec_tracked && launcher_runs_as_itself(exec_path) &&
            realpath(exec_path, command_exe))
                sopts.command_exe = command_exe;

        if (log_path) {
                sopts.log = log_file_open(log_path);
                if (!sopts.log) {
                        fprintf(stderr, "scmp-super: --log %s: %s\n", log_path, strerror(errno));
                        goto out;
                }
        }
        r = connect_path ? 0 : protect_governing_files(policy, policy_path, log_path);
        if (r < 0) {
                fprintf(stderr, "scmp-super: %s\n", strerror(-r));
                goto out;
        }

        if (launch_init(&launch) < 0)
                goto out;
        if (sopts.verbose)
                seal_report(stderr, launch.landlock_abi);

        if (connect_path) {
                /* The launcher sends its listener to the daemon on a
                 * connection we keep a copy of, to read the daemon's answer. */
                char why[256];
                r = agent_client_connect(connect_path, &launch.sock[0], why, sizeof(why));
                if (r < 0) {
                        fprintf(stderr, "scmp-super: --connect %s: %s\n", connect_path, why);
                        goto out;
                }
                launch.sock[1] = fcntl(launch.sock[0], F_DUPFD_CLOEXEC, 3);
                metadata = agent_client_metadata(policy->listener_metadata);
                if (launch.sock[1] < 0 || !metadata) {
                        fprintf(stderr, "scmp-super: --connect %s: %s\n", connect_path,
                                strerror(launch.sock[1] < 0 ? errno : ENOMEM));
                        goto out;
                }
        } else if (launch_socketpair(&launch) < 0) {
                goto out;
        }

        r = supervisor_init(&sup, policy, &sopts);
        if (r < 0) {
                fprintf(stderr, "scmp-super: starting the supervisor: %s\n", strerror(-r));
                goto out;
        }
        sup_ready = true;

        if (!connect_path) {
                char why[512];
                pcfg.profile_path = policy_path;
                r = prompting_start(&sup, policy, &pcfg, &prompting, why, sizeof(why));
                if (r < 0) {
                        fprintf(stderr, "scmp-super: %s\n", why);
                        fputs("scmp-super: the command was not started\n", stderr);
                        goto out;
                }
                if (start_pty(&sup, prompting, &launch, &relay) < 0) {
                        fputs("scmp-super: the command was not started\n", stderr);
                        goto out;
                }
        }

        if (launch_fork(&launch, exec_path, argv + optind, &bpf, policy->flags,
                        metadata ? metadata : policy->listener_metadata) < 0)
                goto out;

        if (connect_path) {
                /* The daemon supervises; we pass signals on and wait. */
                char why[256];
                child_pidfd = (int)syscall(SYS_pidfd_open, launch.child, 0);
                r = agent_client_wait_answer(launch.sock[0], child_pidfd, 30000, why, sizeof(why));
                bool refused = r < 0 && r != -ECHILD;
                if (refused) {
                        /* Its exec would fail with ENOSYS; say why instead. */
                        fprintf(stderr,
                                "scmp-super: the daemon at %s did not take the command: %s\n",
                                connect_path, why);
                        kill(launch.child, SIGKILL);
                }
                r = supervisor_watch_child(&sup, launch.child, launch.sigfd);
                if (r == 0)
                        supervisor_run(&sup);
                status = !refused && r == 0 && sup.child_exited ? sup.child_status : 125;
                goto out;
        }

        if (launch_attach(&launch, &sup, &status) < 0)
                goto out;
        /* Setup is over and the command has not run yet (its exec waits for
         * us): from here on this process only serves it, and confines itself
         * to that (supervisor/launch/confine.h). Prompting accepts control clients
         * and writes the profile on "forever" answers. */
        unsigned features = prompting ? SUPERVISOR_CONFINE_WRITE | SUPERVISOR_CONFINE_SOCKETS : 0;
        r = relay ? supervisor_confine_with_pty(features, pty_relay_master(relay))
                  : supervisor_confine(features);
        if (r < 0) {
                fprintf(stderr, "scmp-super: confining the supervisor: %s\n", strerror(-r));
                fputs("scmp-super: the command was not started\n", stderr);
                kill(launch.child, SIGKILL);
                goto out;
        }
        if (sopts.verbose && !sup.sync_wakeup)
                fputs("scmp-super: this kernel has no synchronous wake-up (Linux < 6.6)\n", stderr);
        if (relay) {
                /* From here the terminal may be raw: the next words of our
                 * own come after pty_relay_finish(). */
                sup.child_stopped = on_child_stopped;
                sup.child_stopped_ctx = relay;
                r = pty_relay_start(relay, launch.child);
                if (r < 0) {
                        fprintf(stderr, "scmp-super: relaying the command's terminal: %s\n",
                                strerror(-r));
                        kill(launch.child, SIGKILL);
                        goto out;
                }
        }

        supervisor_run(&sup);
        /* What the command wrote last is shown, and the terminal given
         * back, before the summary. */
        pty_relay_finish(relay);
        status = sup.child_status;
        if (sopts.summary)
                supervisor_print_summary(&sup, stderr);
out:
        prompting_stop(prompting);
        pty_relay_close(relay);
        if (sup_ready)
                supervisor_close(&sup);
        log_file_close(sopts.log);
        launch_close(&launch);
        if (child_pidfd >= 0)
                close(child_pidfd);
        free(metadata);
        policy_bpf_free(&bpf);
        policy_free(policy);
        return status;
}
