/* SPDX-License-Identifier: MIT */
/* launch/run_session.c: one supervised run of a command, as run and trace make it. */
#include "launch/run_session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/env.h"
#include "base/error.h"
#include "core/decision_log.h"
#include "core/target.h"
#include "launch/bpf_cache.h"
#include "launch/agent_client.h"
#include "launch/confine.h"
#include "launch/launcher.h"
#include "launch/pty_relay.h"
#include "prompt/prompt_setup.h"

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
 * Returns 0 or -ENOMEM; the line for the front end goes into warning.
 */
static int protect_governing_files(struct policy *policy, const char *policy_path,
                                   const char *log_path, char *warning, size_t warning_size)
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
        snprintf(warning, warning_size,
                 "the command can rewrite %s: writable by uid %u, and the profile does not route "
                 "%s to scmp-super (SCMP_ACT_NOTIFY), which would refuse that",
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
                     struct pty_relay **ret_relay, char *reterr, size_t reterr_size)
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
        if (r < 0 || !relay)
                return error_set(reterr, reterr_size, r < 0 ? r : -EIO,
                                 "a pseudo-terminal for the command: %s (with --prompt socket "
                                 "it shares this terminal, and 'scmp-super prompt' answers)",
                                 strerror(r < 0 ? -r : EIO));
        prompting_use_relay(prompting, relay);
        launch->pty_slave = pty_relay_slave(relay);
        launch->terminal = pty_relay_terminal(relay);
        *ret_relay = relay;
        return 0;
}

/*
 * Whether the launcher may be forked before the profile is read: when it
 * will not be given a terminal of its own (start_pty(): only asking on
 * this process's controlling terminal does) and no daemon takes the
 * command. Its fork, no_new_privs and seal then overlap loading the
 * profile (docs/PERFORMANCE.md), and it copies fewer of our pages. It
 * runs nothing until launch_go() hands it the compiled filter.
 */
static bool launch_early(const struct run_session_options *o)
{
        if (o->connect_path)
                return false;
        if (!o->prompt || o->prompt->mode == PROMPT_MODE_SOCKET ||
            o->prompt->mode == PROMPT_MODE_NONE)
                return true;
        return !pty_relay_wanted();
}

static int load_policy(const struct run_session_options *o, struct policy **ret_policy,
                       struct policy_error *err)
{
        struct policy_env env;

        if (o->policy_path || !o->default_profile)
                return env_load_policy(o->policy_path, ret_policy, err);
        env_detect(&env);
        return policy_load_buffer(o->default_profile, strlen(o->default_profile),
                                  o->default_profile_name, &env, ret_policy, err);
}

/* Nothing after the buffers run_session_prepare() leaves unzeroed. */
_Static_assert(sizeof(struct run_session) - offsetof(struct run_session, unprotected) -
                       sizeof(((struct run_session *)0)->unprotected) <
                   _Alignof(struct run_session),
               "struct run_session: fields after the text buffers would not be zeroed");

int run_session_prepare(struct run_session *s, const struct run_session_options *opts, char *reterr,
                        size_t reterr_size)
{
        /* SCMP_SUPER_LANE=0 keeps every notification on the loop thread,
         * for comparison (bench/). */
        const char *lane_env = getenv("SCMP_SUPER_LANE");
        struct policy_compile_opts copts = {.notify_execve = true, .binary_tree = -1};
        struct policy_error err;
        int r;

        error_set(reterr, reterr_size, 0, "%s", "");
        memset(s, 0, offsetof(struct run_session, exec_path));
        s->exec_path[0] = s->command_exe[0] = s->refused[0] = s->unprotected[0] = '\0';
        s->opts = *opts;
        s->child_pidfd = -1;
        s->status = 125;
        s->launch = (struct launch){
            .sigfd = -1, .sock = {-1, -1}, .go_fd = -1, .child = -1, .pty_slave = -1};
        s->sopts.fast_lane = !lane_env || strcmp(lane_env, "0") != 0;
        s->sopts.summary = opts->summary;
        s->sopts.own_commands = !opts->connect_path;
        s->sopts.verbose = opts->verbose;

        if (launch_early(opts)) {
                r = launch_init(&s->launch, reterr, reterr_size);
                if (r == 0)
                        r = launch_socketpair(&s->launch, reterr, reterr_size);
                if (r == 0)
                        r = launch_fork_early(&s->launch, opts->argv, reterr, reterr_size);
                if (r < 0) {
                        s->not_started = true;
                        return r;
                }
                s->early = true;
        }

        r = load_policy(opts, &s->policy, &err);
        if (r < 0) {
                s->policy = NULL;
                s->not_started = true;
                return error_set(reterr, reterr_size, r, "%s", err.message);
        }
        if (opts->strict && s->policy->n_dead_rules) {
                s->not_started = true;
                return error_set(reterr, reterr_size, -EPERM,
                                 "%s: --strict: %zu supervisor rule%s name%s calls that the "
                                 "kernel filter never notifies (the warnings above); the "
                                 "profile is refused",
                                 s->policy->source, s->policy->n_dead_rules,
                                 s->policy->n_dead_rules == 1 ? "" : "s",
                                 s->policy->n_dead_rules == 1 ? "s" : "");
        }
        if (opts->strict && s->policy->n_walkarounds) {
                s->not_started = true;
                return error_set(reterr, reterr_size, -EPERM,
                                 "%s: --strict: %zu way%s around path and address rules "
                                 "(the warnings above); the profile is refused",
                                 s->policy->source, s->policy->n_walkarounds,
                                 s->policy->n_walkarounds == 1 ? "" : "s");
        }
        if (opts->strict && s->policy->n_arg_dodges) {
                s->not_started = true;
                return error_set(reterr, reterr_size, -EPERM,
                                 "%s: --strict: %zu way%s around argument conditions by high "
                                 "bits (the warnings above); the profile is refused",
                                 s->policy->source, s->policy->n_arg_dodges,
                                 s->policy->n_arg_dodges == 1 ? "" : "s");
        }

        /* With chroot, pivot_root and setns routed to us, we know while the
         * command's root is still ours and resolve paths without reading
         * it. The daemon (--connect) decides alone and is not told. */
        copts.notify_root_changes = !opts->connect_path;
        /* --log, rules on exe and trace --exe want the caller's
         * executable on every call; with execveat routed to us as execve is, the lane caches
         * it (exe_cache.h). */
        copts.notify_execveat = (opts->track_exec || opts->need_exe) && !opts->connect_path &&
                                s->sopts.fast_lane &&
                                (opts->log_path || opts->explain || opts->need_exe ||
                                 (policy_needs_any(s->policy) & POLICY_NEED_EXE));
        /* --explain: refusals with an errno come to us (policy_route()). */
        copts.notify_refused = opts->explain && !opts->connect_path;
        /* A base that allows what it does not list has nothing unknown to
         * show: its unlisted calls are allowed as they are. */
        copts.notify_unlisted = opts->notify_unlisted && s->policy->default_action != KACT_ALLOW &&
                                s->policy->default_action != KACT_LOG;
        /* The supervisor applies the profile's own action to what the
         * filter routes to it for these reasons (policy_routed()). */
        s->sopts.routing = copts;

        s->launch.send_after_load = policy_kernel_passes(s->policy, &copts, __NR_sendmsg) &&
                                    policy_kernel_passes(s->policy, &copts, __NR_write);
        r = bpf_cache_build(s->policy, &copts, &s->bpf, NULL, &err);
        if (r < 0) {
                s->not_started = true;
                return error_set(reterr, reterr_size, r, "%s", err.message);
        }
        r = launch_find_command(opts->argv[0], s->exec_path, sizeof(s->exec_path), reterr,
                                reterr_size);
        if (r < 0) {
                s->status = r == -ENOENT ? 127 : 126;
                return r;
        }
        /* The name /proc will give the command's executable, when it will
         * give the command's own. */
        if (s->sopts.routing.notify_execveat && launcher_runs_as_itself(s->exec_path) &&
            realpath(s->exec_path, s->command_exe))
                s->sopts.command_exe = s->command_exe;
        /* The early launcher loads its filter and calls execve while we
         * finish setting up (docs/PERFORMANCE.md): its exec waits for the
         * lane launch_attach() makes, and until then a failure here kills
         * it (launch_close()). */
        if (s->early) {
                r = launch_go(&s->launch, s->exec_path, &s->bpf, s->policy->flags,
                              s->policy->listener_metadata, reterr, reterr_size);
                if (r < 0)
                        return r;
        }

        if (opts->log_path) {
                s->sopts.log = log_file_open(opts->log_path);
                if (!s->sopts.log)
                        return error_set(reterr, reterr_size, -errno, "--log %s: %s",
                                         opts->log_path, strerror(errno));
        }
        if (opts->protect_files && !opts->connect_path) {
                r = protect_governing_files(s->policy, opts->policy_path, opts->log_path,
                                            s->unprotected, sizeof(s->unprotected));
                if (r < 0)
                        return error_set(reterr, reterr_size, r, "%s", strerror(-r));
        }
        return s->early ? 0 : launch_init(&s->launch, reterr, reterr_size);
}

/* The launcher sends its listener to the daemon on a connection we keep a
 * copy of, to read the daemon's answer. */
static int connect_daemon(struct run_session *s, char *reterr, size_t reterr_size)
{
        const char *path = s->opts.connect_path;
        char why[256];
        int r = agent_client_connect(path, &s->launch.sock[0], why, sizeof(why));
        if (r < 0)
                return error_set(reterr, reterr_size, r, "--connect %s: %s", path, why);
        s->launch.sock[1] = fcntl(s->launch.sock[0], F_DUPFD_CLOEXEC, 3);
        s->metadata = agent_client_metadata(s->policy->listener_metadata);
        if (s->launch.sock[1] < 0 || !s->metadata) {
                int e = s->launch.sock[1] < 0 ? errno : ENOMEM;
                return error_set(reterr, reterr_size, -e, "--connect %s: %s", path, strerror(e));
        }
        return 0;
}

/* With --connect the daemon supervises; we pass signals on and wait. */
static int hand_to_daemon(struct run_session *s)
{
        char why[sizeof(s->refused)];

        s->child_pidfd = (int)syscall(SYS_pidfd_open, s->launch.child, 0);
        int r =
            agent_client_wait_answer(s->launch.sock[0], s->child_pidfd, 30000, why, sizeof(why));
        s->daemon_refused = r < 0 && r != -ECHILD;
        if (s->daemon_refused) {
                /* Its exec would fail with ENOSYS; the front end says why
                 * instead. */
                snprintf(s->refused, sizeof(s->refused), "%s", why);
                kill(s->launch.child, SIGKILL);
        }
        s->watching = supervisor_watch_child(&s->sup, s->launch.child, s->launch.sigfd) == 0;
        return 0;
}

/* Whether the supervisor will perform allowed file or network calls for
 * the command (act/): its rules read paths or addresses, or a person may be
 * asked (a prompt reads both, and an allowed call is then performed on what
 * was shown), and no observer (trace) lets the kernel run what it records.
 * With --connect the daemon serves the command. */
static bool run_session_performs(const struct run_session *s)
{
        return !s->opts.connect_path && !s->sup.observer.observe &&
               ((policy_needs_any(s->policy) & (POLICY_NEED_PATHS | POLICY_NEED_ADDR)) ||
                (s->prompting && policy_can_prompt(s->policy)));
}

/* Setup is over and the command has not run yet: its exec waits for a lane
 * that does not exist until this returns (launch_attach()). From here on
 * this process only serves it, and confines itself to that
 * (launch/confine.h). Prompting accepts control clients and writes the
 * profile on "forever" answers. */
static int confine_session(void *ctx, char *reterr, size_t reterr_size)
{
        struct run_session *s = ctx;
        unsigned features =
            s->opts.confine_features |
            (s->prompting ? SUPERVISOR_CONFINE_WRITE | SUPERVISOR_CONFINE_SOCKETS : 0) |
            (run_session_performs(s) ? SUPERVISOR_CONFINE_ACT : 0);
        int r = s->relay ? supervisor_confine_with_pty(features, pty_relay_master(s->relay))
                         : supervisor_confine(features);

        if (r < 0) {
                s->not_started = true;
                return error_set(reterr, reterr_size, r, "confining the supervisor: %s",
                                 strerror(-r));
        }
        return 0;
}

int run_session_start(struct run_session *s, char *reterr, size_t reterr_size)
{
        const struct run_session_options *o = &s->opts;
        int r;

        error_set(reterr, reterr_size, 0, "%s", "");
        r = o->connect_path ? connect_daemon(s, reterr, reterr_size)
            : s->early      ? 0
                            : launch_socketpair(&s->launch, reterr, reterr_size);
        if (r < 0)
                return r;

        r = supervisor_init(&s->sup, s->policy, &s->sopts);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "starting the supervisor: %s",
                                 strerror(-r));
        s->sup_ready = true;

        if (!o->connect_path && o->prompt) {
                struct prompt_config pcfg = *o->prompt;
                char why[512];
                pcfg.profile_path = o->policy_path;
                r = prompting_start(&s->sup, s->policy, &pcfg, &s->prompting, why, sizeof(why));
                if (r < 0) {
                        s->not_started = true;
                        return error_set(reterr, reterr_size, r, "%s", why);
                }
                r = start_pty(&s->sup, s->prompting, &s->launch, &s->relay, reterr, reterr_size);
                if (r < 0) {
                        s->not_started = true;
                        return r;
                }
        }
        if (s->attach)
                s->attach(s->attach_ctx, &s->sup);

        /* An early launcher was given its filter in run_session_prepare(). */
        r = s->early ? 0
                     : launch_fork(&s->launch, s->exec_path, o->argv, &s->bpf, s->policy->flags,
                                   s->metadata ? s->metadata : s->policy->listener_metadata,
                                   !o->connect_path, reterr, reterr_size);
        if (r < 0)
                return r;
        if (o->connect_path)
                return hand_to_daemon(s);

        return launch_attach(&s->launch, &s->sup, confine_session, s, &s->status, reterr,
                             reterr_size);
}

int run_session_run(struct run_session *s, char *reterr, size_t reterr_size)
{
        int r;

        error_set(reterr, reterr_size, 0, "%s", "");
        if (s->opts.connect_path) {
                if (s->watching)
                        supervisor_run(&s->sup);
                s->status = !s->daemon_refused && s->watching && s->sup.child_exited
                                ? s->sup.child_status
                                : 125;
                return 0;
        }
        if (s->relay) {
                /* From here the terminal may be raw: the front end's next
                 * words come after pty_relay_finish(). */
                s->sup.child_stopped = on_child_stopped;
                s->sup.child_stopped_ctx = s->relay;
                r = pty_relay_start(s->relay, s->launch.child);
                if (r < 0) {
                        kill(s->launch.child, SIGKILL);
                        return error_set(reterr, reterr_size, r,
                                         "relaying the command's terminal: %s", strerror(-r));
                }
        }
        supervisor_run(&s->sup);
        /* What the command wrote last is shown, and the terminal given
         * back, before anything the front end says. */
        pty_relay_finish(s->relay);
        s->status = s->sup.child_status;
        return 0;
}

void run_session_done(struct run_session *s)
{
        prompting_stop(s->prompting);
        pty_relay_close(s->relay);
        if (s->sup_ready)
                supervisor_close(&s->sup);
        log_file_close(s->sopts.log);
        launch_close(&s->launch);
        if (s->child_pidfd >= 0)
                close(s->child_pidfd);
        free(s->metadata);
        policy_bpf_free(&s->bpf);
        policy_free(s->policy);
}
