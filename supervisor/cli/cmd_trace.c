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
#include "cli/commands.h"
#include "base/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launch/confine.h"
#include "base/env.h"
#include "base/fdio.h"
#include "launch/launch.h"
#include "launch/launcher.h"
#include "launch/seal.h"
#include "core/supervisor.h"
#include "trace/trace.h"
#include "trace/trace_profile.h"
#include "trace/trace_report.h"

/* The highest syscall number recorded: above any x86_64 number, so calls
 * newer than libseccomp's tables are still counted (by number). */
#define TRACE_MAX_NR 1023

/* The live count is redrawn at most this often. */
#define TRACE_LIVE_INTERVAL_MS 200

/* The profile used when no base is given: every syscall, of every
 * architecture the machine runs, is notified. */
static const char all_notify_profile[] =
    "{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"archMap\": [{\"architecture\": "
    "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}]}";

enum trace_format {
        FORMAT_HUMAN,
        FORMAT_JSON,
        FORMAT_GITHUB,
        FORMAT_JUNIT,
};

struct tracer {
        /* The recorder is fed on the target's lane thread and read by the
         * live count on the loop: this guards both. */
        pthread_mutex_t lock;
        struct trace_recorder rec;
        struct trace_caller_cache cache;
        bool live; /* redraw a count on stderr */
        bool live_shown;
        uint64_t live_total; /* the count last drawn */
        uv_timer_t live_timer;
        bool live_timer_open;
        char exe[PATH_MAX];
        char cmdline[4096];
};

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

/* Who is making the current call: from the cache, or read from /proc while
 * the notification is pending. */
static struct trace_caller *caller_of(struct tracer *tr, struct target *t, uint64_t notif_id,
                                      pid_t pid)
{
        struct trace_caller *c = trace_caller_cache_get(&tr->cache, pid);
        if (c)
                return c;
        bool have_exe = target_read_exe(pid, tr->exe, sizeof(tr->exe)) == 0;
        int r = target_read_cmdline(pid, tr->cmdline, sizeof(tr->cmdline));
        bool have_cmdline = r == 0 || r == -ENOSPC;
        /* The reads name the caller only if it is still blocked in this
         * call: otherwise its pid may already belong to someone else. */
        if (notif_id_valid(t->listener, notif_id) < 0)
                have_exe = have_cmdline = false;
        c = trace_caller_new(pid, have_exe ? tr->exe : NULL, have_cmdline ? tr->cmdline : NULL);
        if (!c)
                return NULL;
        if (have_exe || have_cmdline)
                trace_caller_cache_put(&tr->cache, c);
        trace_caller_unref(c); /* the cache holds it, or the record takes it */
        return have_exe || have_cmdline ? c : NULL;
}

static void trace_observe(void *ctx, struct target *t, uint64_t notif_id,
                          const struct policy_call *call, struct policy_decision *d)
{
        struct tracer *tr = ctx;

        /* What the base names it decides as it always does; everything
         * else was notified only so that we see it, and goes through. */
        if (!trace_recorder_named(&tr->rec, call->nr)) {
                d->verdict = VERDICT_ALLOW;
                d->errno_value = 0;
                d->rule = NULL;
        }
        pthread_mutex_lock(&tr->lock);
        struct trace_caller *caller = caller_of(tr, t, notif_id, call->pid);
        trace_record(&tr->rec, call, caller);

        switch (call->nr) {
        case __NR_execve:
        case __NR_execveat:
                /* A new program: every cached command line may be stale
                 * (a multi-threaded exec also changes the caller's tid). */
                trace_caller_cache_clear(&tr->cache);
                break;
        case __NR_exit:
        case __NR_exit_group:
                /* Its tid can be reused by a new task. */
                trace_caller_cache_forget(&tr->cache, call->pid);
                break;
        default:
                break;
        }
        pthread_mutex_unlock(&tr->lock);
}

static void draw_live(struct tracer *tr)
{
        pthread_mutex_lock(&tr->lock);
        if (tr->rec.total == tr->live_total) {
                pthread_mutex_unlock(&tr->lock);
                return;
        }
        tr->live_total = tr->rec.total;
        tr->live_shown = true;
        fprintf(stderr, "\r\033[Kscmp-super trace: %llu calls, %zu syscalls, %zu new",
                (unsigned long long)tr->rec.total, trace_recorder_count(&tr->rec, false),
                trace_recorder_count(&tr->rec, true));
        fflush(stderr);
        pthread_mutex_unlock(&tr->lock);
}

static void on_live_timer(uv_timer_t *timer)
{
        draw_live(container_of(timer, struct tracer, live_timer));
}

static void live_stop(struct tracer *tr)
{
        if (tr->live_timer_open) {
                tr->live_timer_open = false;
                uv_close((uv_handle_t *)&tr->live_timer, NULL);
        }
        if (tr->live_shown) {
                fputs("\r\033[K", stderr);
                fflush(stderr);
        }
}

/* Writes text to path through a temporary file in the same directory, so a
 * reader never sees half a profile, and what the command left running cannot
 * open it meanwhile (fdio.h). */
static int write_file_atomically(const char *path, const char *text)
{
        char tmp[PATH_MAX];
        int fd = file_replace_begin(path, tmp, sizeof(tmp));
        if (fd < 0)
                return fd;
        int r = fd_write_all(fd, text, strlen(text));
        if (r < 0) {
                file_replace_abort(fd, tmp);
                return r;
        }
        mode_t mask = umask(0);
        umask(mask);
        return file_replace_commit(fd, tmp, path, 0644 & ~mask);
}

/* Opens FILE for a report: "-" is stdout. */
static FILE *open_output(const char *path, const char *mode)
{
        if (strcmp(path, "-") == 0)
                return stdout;
        int fd = open(
            path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | (mode[0] == 'a' ? O_APPEND : O_TRUNC),
            0644);
        if (fd < 0)
                return NULL;
        FILE *f = fdopen(fd, mode);
        if (!f)
                close(fd);
        return f;
}

static int close_output(FILE *f)
{
        if (f == stdout)
                return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
        bool bad = ferror(f);
        return fclose(f) == 0 && !bad ? 0 : -EIO;
}

typedef int (*report_fn)(const struct trace_recorder *rec, const struct trace_run *run, FILE *out);

static int write_report(const char *path, report_fn fn, const struct trace_recorder *rec,
                        const struct trace_run *run)
{
        FILE *f = open_output(path, "w");
        if (!f) {
                fprintf(stderr, "scmp-super trace: %s: %s\n", path, strerror(errno));
                return -errno;
        }
        int r = fn(rec, run, f);
        int c = close_output(f);
        if (r == 0)
                r = c;
        if (r < 0)
                fprintf(stderr, "scmp-super trace: writing %s: %s\n", path, strerror(-r));
        return r;
}

static int github_report(const struct trace_recorder *rec, const struct trace_run *run)
{
        const char *summary_path = getenv("GITHUB_STEP_SUMMARY");
        FILE *summary = NULL;
        if (summary_path && *summary_path) {
                summary = open_output(summary_path, "a");
                if (!summary)
                        fprintf(stderr, "scmp-super trace: $GITHUB_STEP_SUMMARY %s: %s\n",
                                summary_path, strerror(errno));
        }
        int r = trace_report_github(rec, run, stdout, summary);
        if (summary && close_output(summary) < 0 && r == 0)
                r = -EIO;
        if (fflush(stdout) != 0 && r == 0)
                r = -EIO;
        if (r < 0)
                fprintf(stderr, "scmp-super trace: writing the GitHub annotations: %s\n",
                        strerror(-r));
        return r;
}

/* The launcher's own execve is answered before any hook runs; it is a call
 * of the traced tree all the same, and a profile for a runtime that execs
 * after loading the filter (runc, crun) must allow it. */
static void record_first_exec(struct tracer *tr, pid_t child, const char *exec_path,
                              char *const *argv)
{
        struct policy_call call = {.nr = __NR_execve, .pid = child};
        char resolved[PATH_MAX];
        char *cmdline = trace_command_string(argv);
        struct trace_caller *c =
            trace_caller_new(child, realpath(exec_path, resolved) ? resolved : exec_path, cmdline);
        free(cmdline);
        pthread_mutex_lock(&tr->lock); /* the lane is already serving */
        trace_record(&tr->rec, &call, c);
        pthread_mutex_unlock(&tr->lock);
        trace_caller_unref(c);
}

struct trace_options {
        const char *policy_path;
        const char *output_path;
        const char *report_path;
        const char *junit_path;
        enum trace_format format;
        bool args, implicit, paths, fail_on_unknown, quiet, verbose;
};

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

/* Everything after the run: reports, the profile, the exit status. */
static int finish_trace(struct tracer *tr, const struct trace_options *o, char *const *argv,
                        const char *base_text, size_t base_len, int child_status)
{
        struct trace_run run = {
            .argv = argv,
            .base = o->policy_path,
            .exit_status = child_status,
            .fail_on_unknown = o->fail_on_unknown,
        };
        size_t n_new = trace_recorder_count(&tr->rec, true);
        bool own_failure = false;

        char *command = trace_command_string(argv);
        if (o->output_path) {
                struct trace_profile_opts popts = {
                    .args = o->args, .implicit = o->implicit, .command = command};
                struct policy_error err;
                char *text = NULL;
                int r = trace_profile_build(&tr->rec, base_text, base_len, &popts, &text, &err);
                if (r == 0) {
                        /* What we write must load; a profile that does not would
                         * only fail later, in someone else's pipeline. */
                        struct policy_env env;
                        struct policy *check = NULL;
                        env_detect(&env);
                        r = policy_load_buffer(text, strlen(text), o->output_path, &env, &check,
                                               &err);
                        policy_free(check);
                        if (r < 0)
                                fprintf(stderr,
                                        "scmp-super trace: internal error: the profile written "
                                        "does not load: %s\n",
                                        err.message);
                        int w = write_file_atomically(o->output_path, text);
                        if (w < 0) {
                                fprintf(stderr, "scmp-super trace: writing %s: %s\n",
                                        o->output_path, strerror(-w));
                                r = w;
                        }
                } else {
                        fprintf(stderr, "scmp-super trace: %s\n", err.message);
                }
                free(text);
                own_failure |= r < 0;
        }
        free(command);

        /* The status goes into the reports, so it is settled first: the
         * command's own failure wins (the recording is of a failed run, and
         * CI should show why it failed), then ours, then the gate. */
        if (child_status != 0)
                run.status = child_status;
        else if (own_failure)
                run.status = 125;
        else if (o->fail_on_unknown && n_new > 0)
                run.status = TRACE_EXIT_UNKNOWN;
        else
                run.status = 0;

        bool bad = false;
        if (o->report_path && !(o->format == FORMAT_JUNIT && !o->junit_path))
                bad |= write_report(o->report_path, trace_report_json, &tr->rec, &run) < 0;
        switch (o->format) {
        case FORMAT_JSON:
                if (!o->report_path)
                        bad |= write_report("-", trace_report_json, &tr->rec, &run) < 0;
                break;
        case FORMAT_GITHUB:
                bad |= github_report(&tr->rec, &run) < 0;
                break;
        case FORMAT_JUNIT:
                bad |= write_report(o->junit_path    ? o->junit_path
                                    : o->report_path ? o->report_path
                                                     : "-",
                                    trace_report_junit, &tr->rec, &run) < 0;
                break;
        case FORMAT_HUMAN:
                break;
        }
        if (o->junit_path && o->format != FORMAT_JUNIT)
                bad |= write_report(o->junit_path, trace_report_junit, &tr->rec, &run) < 0;

        if (!o->quiet) {
                trace_report_table(&tr->rec, &run, stderr);
                if (o->output_path && !own_failure)
                        fprintf(stderr, "scmp-super trace: wrote %s\n", o->output_path);
                if (run.status == TRACE_EXIT_UNKNOWN)
                        fprintf(stderr,
                                "scmp-super trace: %zu syscall%s not in the base profile: exit "
                                "status %d (--fail-on-unknown)\n",
                                n_new, n_new == 1 ? "" : "s", TRACE_EXIT_UNKNOWN);
                else if (child_status != 0 && o->fail_on_unknown && n_new > 0)
                        fprintf(stderr,
                                "scmp-super trace: %zu syscall%s not in the base profile, but the "
                                "command failed: its status %d is the exit status\n",
                                n_new, n_new == 1 ? "" : "s", child_status);
        }
        if (bad && run.status == 0)
                run.status = 125;
        return run.status;
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
        struct trace_options o = {.implicit = true};
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
                        o.verbose = true;
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
                r = policy_load_buffer(all_notify_profile, strlen(all_notify_profile),
                                       "<trace: every syscall>", &env, &policy, &err);
        }
        if (r < 0) {
                fprintf(stderr, "scmp-super: %s\n", err.message);
                fputs("scmp-super: the command was not started\n", stderr);
                goto out;
        }
        launch_report_policy(policy, o.verbose);

        /* A base that allows what it does not list has nothing unknown to
         * show: its unlisted calls are allowed as they are. */
        copts.notify_unlisted =
            policy->default_action != KACT_ALLOW && policy->default_action != KACT_LOG;
        /* As run does: root changes come to us, so paths resolve without
         * reading the target's root while it is still ours. */
        copts.notify_root_changes = true;
        sopts.routing = copts;
        status = launch_prepare(policy, &copts, argv[optind], &bpf, exec_path, sizeof(exec_path));
        if (status != 0)
                goto out;
        status = 125;

        tr = calloc(1, sizeof(*tr));
        if (tr)
                pthread_mutex_init(&tr->lock, NULL);
        if (!tr || trace_recorder_init(&tr->rec, o.policy_path ? policy : NULL, TRACE_MAX_NR,
                                       o.paths) < 0) {
                fputs("scmp-super trace: out of memory\n", stderr);
                goto out;
        }

        if (launch_init(&launch) < 0 || launch_socketpair(&launch) < 0)
                goto out;
        if (o.verbose)
                seal_report(stderr, launch.landlock_abi);

        r = supervisor_init(&sup, policy, &sopts);
        if (r < 0) {
                fprintf(stderr, "scmp-super: starting the supervisor: %s\n", strerror(-r));
                goto out;
        }
        sup_ready = true;
        supervisor_set_observer(
            &sup, &(struct supervisor_observer){.ctx = tr,
                                                .observe = trace_observe,
                                                .any_thread = true,
                                                .extra_needs = o.paths ? POLICY_NEED_PATHS : 0});

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
        record_first_exec(tr, launch.child, exec_path, argv + optind);

        tr->live = !o.quiet && isatty(STDERR_FILENO);
        if (tr->live && uv_timer_init(&sup.loop, &tr->live_timer) == 0) {
                tr->live_timer_open = true;
                uv_timer_start(&tr->live_timer, on_live_timer, TRACE_LIVE_INTERVAL_MS,
                               TRACE_LIVE_INTERVAL_MS);
                /* The count must not keep the loop running once the
                 * command is gone. */
                uv_unref((uv_handle_t *)&tr->live_timer);
        }

        supervisor_run(&sup);
        live_stop(tr);
        status = finish_trace(tr, &o, argv + optind, o.policy_path ? policy->text : NULL,
                              o.policy_path ? policy->text_len : 0, sup.child_status);
out:
        if (sup_ready)
                supervisor_close(&sup);
        if (tr) {
                trace_caller_cache_clear(&tr->cache);
                trace_recorder_free(&tr->rec);
                pthread_mutex_destroy(&tr->lock);
                free(tr);
        }
        launch_close(&launch);
        policy_bpf_free(&bpf);
        policy_free(policy);
        return status;
}
