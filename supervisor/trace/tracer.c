/* SPDX-License-Identifier: MIT */
/* trace/tracer.c: trace at run time: the observe hook, the live count and the outputs. */
#include "trace/tracer.h"
#include "base/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/env.h"
#include "base/error.h"
#include "base/fdio.h"
#include "base/line_start.h"
#include "core/target.h"
#include "glob.h"
#include "trace/trace.h"
#include "trace/trace_profile.h"
#include "trace/trace_propose.h"
#include "trace/trace_report.h"

/* The highest syscall number recorded: above any x86_64 number, so calls
 * newer than libseccomp's tables are still counted (by number). */
#define TRACE_MAX_NR 1023

/* The live count is redrawn at most this often. */
#define TRACE_LIVE_INTERVAL_MS 200

const char tracer_all_notify_profile[] =
    "{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"archMap\": [{\"architecture\": "
    "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}]}";

struct tracer {
        /* The recorder is fed on the target's lane thread and read by the
         * live count on the loop: this guards both. */
        pthread_mutex_t lock;
        struct tracer_options opts;
        struct trace_recorder rec;
        struct trace_caller_cache cache;
        bool live; /* redraw a count on opts.err */
        bool live_shown;
        uint64_t live_total; /* the count last drawn */
        uv_timer_t live_timer;
        bool live_timer_open;
        char exe[PATH_MAX];
        char cmdline[4096];
};

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

/* --exe: whether the call's caller runs one of the programs recorded. Its
 * executable is the supervisor's (call->exe: /proc/PID/exe, read while the
 * call was pending, or the lane's cache of it, exe_cache.h); one that could
 * not be read matches nothing. */
static bool recorded_program(const struct tracer *tr, const struct policy_call *call)
{
        if (!tr->opts.exe_globs)
                return true;
        if (!call->have_exe || !call->exe)
                return false;
        for (const char *const *g = tr->opts.exe_globs; *g; g++)
                if (path_glob_match(*g, call->exe))
                        return true;
        return false;
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
        if (recorded_program(tr, call)) {
                struct trace_caller *caller = caller_of(tr, t, notif_id, call->pid);
                trace_record(&tr->rec, call, caller);
        } else {
                tr->rec.total_other++;
        }

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
        size_t seen = trace_recorder_count(&tr->rec, false);
        fprintf(tr->opts.err, "\r\033[Kscmp-super trace: %llu call%s, %zu syscall%s, %zu new",
                (unsigned long long)tr->rec.total, tr->rec.total == 1 ? "" : "s", seen,
                seen == 1 ? "" : "s", trace_recorder_count(&tr->rec, true));
        fflush(tr->opts.err);
        pthread_mutex_unlock(&tr->lock);
}

static void on_live_timer(uv_timer_t *timer)
{
        draw_live(container_of(timer, struct tracer, live_timer));
}

void tracer_live_stop(struct tracer *tr)
{
        if (tr->live_timer_open) {
                tr->live_timer_open = false;
                uv_close((uv_handle_t *)&tr->live_timer, NULL);
        }
        if (tr->live_shown) {
                fputs("\r\033[K", tr->opts.err);
                fflush(tr->opts.err);
        }
}

/* Opens FILE for a report: "-" is opts.out. */
static FILE *open_output(const struct tracer *tr, const char *path, const char *mode)
{
        if (strcmp(path, "-") == 0)
                return tr->opts.out;
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

static int close_output(const struct tracer *tr, FILE *f)
{
        if (f == tr->opts.out)
                return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
        bool bad = ferror(f);
        return fclose(f) == 0 && !bad ? 0 : -EIO;
}

typedef int (*report_fn)(const struct trace_recorder *rec, const struct trace_run *run, FILE *out);

static int write_report(const struct tracer *tr, const char *path, report_fn fn,
                        const struct trace_run *run)
{
        FILE *f = open_output(tr, path, "w");
        if (!f) {
                fprintf(tr->opts.err, "scmp-super trace: %s: %s\n", path, strerror(errno));
                return -errno;
        }
        int r = fn(&tr->rec, run, f);
        int c = close_output(tr, f);
        if (r == 0)
                r = c;
        if (r < 0)
                fprintf(tr->opts.err, "scmp-super trace: writing %s: %s\n", path, strerror(-r));
        return r;
}

static int github_report(const struct tracer *tr, const struct trace_run *run)
{
        const char *summary_path = getenv("GITHUB_STEP_SUMMARY");
        FILE *summary = NULL;
        if (summary_path && *summary_path) {
                summary = open_output(tr, summary_path, "a");
                if (!summary)
                        fprintf(tr->opts.err, "scmp-super trace: $GITHUB_STEP_SUMMARY %s: %s\n",
                                summary_path, strerror(errno));
        }
        /* The runner reads a workflow command only at the start of a line,
         * and the command's output before ours may not end with a newline. */
        int r = stream_start_line(tr->opts.out);
        if (r == 0)
                r = trace_report_github(&tr->rec, run, tr->opts.out, summary);
        if (summary && close_output(tr, summary) < 0 && r == 0)
                r = -EIO;
        if (fflush(tr->opts.out) != 0 && r == 0)
                r = -EIO;
        if (r < 0)
                fprintf(tr->opts.err, "scmp-super trace: writing the GitHub annotations: %s\n",
                        strerror(-r));
        return r;
}

/* The launcher's own execve is a call of the traced tree all the same, and
 * a profile for a runtime that execs after loading the filter (runc, crun)
 * must allow it. */
void tracer_record_first_exec(struct tracer *tr, pid_t child, const char *exec_path,
                              char *const *argv)
{
        char resolved[PATH_MAX];
        const char *exe = realpath(exec_path, resolved) ? resolved : exec_path;
        /* With --exe it counts as the command's own call, recorded when the
         * command is one of the programs recorded. */
        struct policy_call call = {.nr = __NR_execve,
                                   .pid = child,
                                   .have_exe = true,
                                   .exe = exe,
                                   .have_paths = true,
                                   .n_paths = 1,
                                   .paths = {exe}};
        if (!recorded_program(tr, &call)) {
                pthread_mutex_lock(&tr->lock);
                tr->rec.total_other++;
                pthread_mutex_unlock(&tr->lock);
                return;
        }
        char *cmdline = trace_command_string(argv);
        struct trace_caller *c = trace_caller_new(child, exe, cmdline);
        free(cmdline);
        pthread_mutex_lock(&tr->lock); /* the lane is already serving */
        trace_record(&tr->rec, &call, c);
        pthread_mutex_unlock(&tr->lock);
        trace_caller_unref(c);
}

void tracer_record_launcher_exec(struct tracer *tr, pid_t launcher)
{
        struct policy_call call = {.nr = __NR_execve, .pid = launcher};
        struct trace_caller *c = trace_caller_new(launcher, NULL, NULL);
        pthread_mutex_lock(&tr->lock);
        trace_record(&tr->rec, &call, c);
        pthread_mutex_unlock(&tr->lock);
        trace_caller_unref(c);
}

/* Loads text as a profile (what we write must load: one that does not
 * would only fail later, in someone else's pipeline), then writes it to
 * path. Returns 0 or a negative errno, having said why on opts.err. */
static int write_profile(const struct tracer *tr, const char *path, const char *text)
{
        struct policy_error err;
        struct policy_env env;
        struct policy *check = NULL;
        env_detect(&env);
        int r = policy_load_buffer(text, strlen(text), path, &env, &check, &err);
        policy_free(check);
        if (r < 0)
                fprintf(tr->opts.err,
                        "scmp-super trace: internal error: the profile written does not load: %s\n",
                        err.message);
        int w = file_replace_text(path, text);
        if (w < 0) {
                fprintf(tr->opts.err, "scmp-super trace: writing %s: %s\n", path, strerror(-w));
                r = w;
        }
        return r;
}

/* --propose-rules: the complete profile with the proposed path rules. */
static int write_proposal(const struct tracer *tr, const struct trace_proposal *proposal,
                          const struct trace_profile_opts *popts)
{
        struct policy_error err;
        char *text = NULL, *proposed = NULL;
        int r = trace_profile_build(&tr->rec, NULL, 0, popts, &text, &err);
        if (r == 0)
                r = trace_proposal_profile(proposal, &tr->rec, text, &proposed, &err);
        if (r == 0)
                r = write_profile(tr, tr->opts.propose_path, proposed);
        else
                fprintf(tr->opts.err, "scmp-super trace: %s\n", err.message);
        free(text);
        free(proposed);
        return r;
}

int tracer_finish(struct tracer *tr, char *const *argv, const char *base_text, size_t base_len,
                  int child_status)
{
        const struct tracer_options *o = &tr->opts;
        struct trace_run run = {
            .argv = argv,
            .base = o->policy_path,
            .exit_status = child_status,
            .fail_on_unknown = o->fail_on_unknown,
            .exe_globs = o->exe_globs,
        };
        size_t n_new = trace_recorder_count(&tr->rec, true);
        bool own_failure = false;

        char *command = trace_command_string(argv);
        struct trace_profile_opts popts = {.args = o->args,
                                           .implicit = o->implicit,
                                           .command = command,
                                           .arch_form = o->arch_form,
                                           .runtimes = o->runtimes};
        if (o->output_path) {
                struct policy_error err;
                char *text = NULL;
                int r = trace_profile_build(&tr->rec, base_text, base_len, &popts, &text, &err);
                if (r == 0)
                        r = write_profile(tr, o->output_path, text);
                else
                        fprintf(o->err, "scmp-super trace: %s\n", err.message);
                free(text);
                own_failure |= r < 0;
        }
        struct trace_proposal proposal;
        bool have_proposal = false;
        if (o->paths) {
                if (trace_proposal_make(&tr->rec, &proposal) == 0) {
                        have_proposal = true;
                        run.proposal = &proposal;
                } else {
                        fputs("scmp-super trace: out of memory for the proposed path rules\n",
                              o->err);
                        own_failure = true;
                }
        }
        if (o->propose_path && have_proposal)
                own_failure |= write_proposal(tr, &proposal, &popts) < 0;
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
        if (o->report_path && !(o->format == TRACE_FORMAT_JUNIT && !o->junit_path))
                bad |= write_report(tr, o->report_path, trace_report_json, &run) < 0;
        switch (o->format) {
        case TRACE_FORMAT_JSON:
                if (!o->report_path)
                        bad |= write_report(tr, "-", trace_report_json, &run) < 0;
                break;
        case TRACE_FORMAT_GITHUB:
                bad |= github_report(tr, &run) < 0;
                break;
        case TRACE_FORMAT_JUNIT:
                bad |= write_report(tr,
                                    o->junit_path    ? o->junit_path
                                    : o->report_path ? o->report_path
                                                     : "-",
                                    trace_report_junit, &run) < 0;
                break;
        case TRACE_FORMAT_HUMAN:
                break;
        }
        if (o->junit_path && o->format != TRACE_FORMAT_JUNIT)
                bad |= write_report(tr, o->junit_path, trace_report_junit, &run) < 0;

        if (!o->quiet) {
                trace_report_table(&tr->rec, &run, o->err);
                trace_report_details(&tr->rec, &run, o->err);
                if (o->output_path && !own_failure)
                        fprintf(o->err, "scmp-super trace: wrote %s\n", o->output_path);
                if (o->propose_path && !own_failure)
                        fprintf(o->err,
                                "scmp-super trace: wrote %s with the proposed path rules: "
                                "review them before use\n",
                                o->propose_path);
                if (run.status == TRACE_EXIT_UNKNOWN)
                        fprintf(o->err,
                                "scmp-super trace: %zu syscall%s not in the base profile: exit "
                                "status %d (--fail-on-unknown)\n",
                                n_new, n_new == 1 ? "" : "s", TRACE_EXIT_UNKNOWN);
                else if (child_status != 0 && o->fail_on_unknown && n_new > 0)
                        fprintf(o->err,
                                "scmp-super trace: %zu syscall%s not in the base profile, but the "
                                "command failed: its status %d is the exit status\n",
                                n_new, n_new == 1 ? "" : "s", child_status);
        }
        if (bad && run.status == 0)
                run.status = 125;
        if (have_proposal)
                trace_proposal_clear(&proposal);
        return run.status;
}

int tracer_new(const struct tracer_options *opts, const struct policy *base,
               struct tracer **ret_tracer)
{
        struct tracer *tr = calloc(1, sizeof(*tr));
        if (!tr)
                return -ENOMEM;
        pthread_mutex_init(&tr->lock, NULL);
        tr->opts = *opts;
        if (trace_recorder_init(&tr->rec, base, TRACE_MAX_NR, opts->paths) < 0) {
                tracer_free(tr);
                return -ENOMEM;
        }
        *ret_tracer = tr;
        return 0;
}

void tracer_attach(struct tracer *tr, struct supervisor *sup)
{
        supervisor_set_observer(sup, &(struct supervisor_observer){
                                         .ctx = tr,
                                         .observe = trace_observe,
                                         .any_thread = true,
                                         .extra_needs = (tr->opts.paths ? POLICY_NEED_PATHS : 0) |
                                                        (tr->opts.exe_globs ? POLICY_NEED_EXE : 0),
                                         .peer_addresses = true});
}

void tracer_observer(struct tracer *tr, struct supervisor_observer *ret)
{
        *ret =
            (struct supervisor_observer){.ctx = tr,
                                         .observe = trace_observe,
                                         .any_thread = true,
                                         .extra_needs = (tr->opts.paths ? POLICY_NEED_PATHS : 0) |
                                                        (tr->opts.exe_globs ? POLICY_NEED_EXE : 0),
                                         .peer_addresses = true};
}

/* One of tracer_write_dir()'s files, DIR/NAME + suffix. */
static int dir_file_path(const char *dir, const char *name, const char *suffix, char *path,
                         size_t size)
{
        int n = snprintf(path, size, "%s/%s%s", dir, name, suffix);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

typedef int (*dir_writer_fn)(struct tracer *tr, const struct trace_run *run, FILE *out);

static int write_json_report(struct tracer *tr, const struct trace_run *run, FILE *out)
{
        return trace_report_json(&tr->rec, run, out);
}

static int write_summary(struct tracer *tr, const struct trace_run *run, FILE *out)
{
        trace_report_table(&tr->rec, run, out);
        trace_report_details(&tr->rec, run, out);
        return 0;
}

/* Writes what fn prints, whole, to DIR/NAME + suffix, replacing it. */
static int write_dir_text(struct tracer *tr, const char *dir, const char *name, const char *suffix,
                          dir_writer_fn fn, const struct trace_run *run, char *reterr,
                          size_t reterr_size)
{
        char path[PATH_MAX];
        char *text = NULL;
        size_t len = 0;
        int r = dir_file_path(dir, name, suffix, path, sizeof(path));
        if (r < 0) {
                error_set(reterr, reterr_size, 0, "%s/%s%s: %s", dir, name, suffix, strerror(-r));
                return r;
        }
        FILE *mem = open_memstream(&text, &len);
        if (!mem) {
                error_set(reterr, reterr_size, 0, "%s: %s", path, strerror(ENOMEM));
                return -ENOMEM;
        }
        r = fn(tr, run, mem);
        bool bad = ferror(mem);
        if (fclose(mem) != 0 || bad)
                r = r < 0 ? r : -ENOMEM;
        if (r == 0)
                r = file_replace_text(path, text);
        if (r < 0)
                error_set(reterr, reterr_size, 0, "writing %s: %s", path, strerror(-r));
        free(text);
        return r;
}

int tracer_write_dir(struct tracer *tr, const char *dir, const char *name, char *const *argv,
                     const char *base_text, size_t base_len, int *ret_status, char *reterr,
                     size_t reterr_size)
{
        const struct tracer_options *o = &tr->opts;
        struct trace_run run = {
            .argv = argv,
            .base = o->policy_path,
            .exit_status = 0,
            .fail_on_unknown = o->fail_on_unknown,
            .exe_globs = o->exe_globs,
        };
        char path[PATH_MAX];
        int r, first = 0;

        reterr[0] = '\0';
        pthread_mutex_lock(&tr->lock); /* a lane abandoned in a read may still finish */
        size_t n_new = trace_recorder_count(&tr->rec, true);
        char *command = trace_command_string(argv);
        struct trace_profile_opts popts = {.args = o->args,
                                           .implicit = o->implicit,
                                           .command = command,
                                           .arch_form = o->arch_form};
        struct policy_error err;
        char *text = NULL;
        r = dir_file_path(dir, name, ".json", path, sizeof(path));
        if (r < 0)
                error_set(reterr, reterr_size, 0, "%s/%s.json: %s", dir, name, strerror(-r));
        if (r == 0) {
                r = trace_profile_build(&tr->rec, base_text, base_len, &popts, &text, &err);
                if (r < 0)
                        error_set(reterr, reterr_size, 0, "%s", err.message);
        }
        if (r == 0) {
                r = file_replace_text(path, text);
                if (r < 0)
                        error_set(reterr, reterr_size, 0, "writing %s: %s", path, strerror(-r));
        }
        free(text);
        free(command);
        first = r;

        run.status = first < 0 ? 125 : o->fail_on_unknown && n_new > 0 ? TRACE_EXIT_UNKNOWN : 0;
        /* The first failure is the one said. */
        char later[256];
        r = write_dir_text(tr, dir, name, ".report.json", write_json_report, &run,
                           first < 0 ? later : reterr, first < 0 ? sizeof(later) : reterr_size);
        if (first == 0)
                first = r;
        r = write_dir_text(tr, dir, name, ".txt", write_summary, &run, first < 0 ? later : reterr,
                           first < 0 ? sizeof(later) : reterr_size);
        if (first == 0)
                first = r;
        pthread_mutex_unlock(&tr->lock);
        if (first < 0)
                run.status = 125;
        *ret_status = run.status;
        return first;
}

void tracer_live_start(struct tracer *tr, uv_loop_t *loop)
{
        tr->live = !tr->opts.quiet && isatty(fileno(tr->opts.err));
        if (tr->live && uv_timer_init(loop, &tr->live_timer) == 0) {
                tr->live_timer_open = true;
                uv_timer_start(&tr->live_timer, on_live_timer, TRACE_LIVE_INTERVAL_MS,
                               TRACE_LIVE_INTERVAL_MS);
                /* The count must not keep the loop running once the
                 * command is gone. */
                uv_unref((uv_handle_t *)&tr->live_timer);
        }
}

void tracer_free(struct tracer *tr)
{
        if (!tr)
                return;
        trace_caller_cache_clear(&tr->cache);
        trace_recorder_free(&tr->rec);
        pthread_mutex_destroy(&tr->lock);
        free(tr);
}
