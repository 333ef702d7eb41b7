/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The tracer: `scmp-super trace` at run time. It hooks a supervisor's
 * observe hook to record every call that reaches it (trace.h) and let
 * through what the base profile does not name, keeps a live count on a
 * terminal, and at the end writes the profile and the reports and settles
 * the exit status (the gate of --fail-on-unknown, docs/TRACE.md).
 *
 * The recorder is fed on the target's lane thread and read on the loop, so
 * the tracer guards it with a lock of its own. It writes only to the
 * streams and files its options name.
 */

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <uv.h>

#include "core/supervisor.h"
#include "policy.h"
#include "trace/trace_profile.h"

/* The exit status of `trace --fail-on-unknown` when the command succeeded
 * but made syscalls the base profile does not name (docs/TRACE.md). */
#define TRACE_EXIT_UNKNOWN 119

/* The profile used when no base is given: every syscall, of every
 * architecture the machine runs, is notified. */
extern const char tracer_all_notify_profile[];

enum trace_format {
        TRACE_FORMAT_HUMAN,
        TRACE_FORMAT_JSON,
        TRACE_FORMAT_GITHUB,
        TRACE_FORMAT_JUNIT,
};

struct tracer_options {
        const char *policy_path; /* the base profile, or NULL */
        const char *output_path; /* the profile to write, or NULL */
        const char *report_path; /* the JSON report (JUnit with junit and no junit_path) */
        const char *junit_path;
        /* --propose-rules: a profile with the proposed path rules (needs
         * paths and no base), or NULL. */
        const char *propose_path;
        enum trace_format format;
        bool args, implicit, paths, fail_on_unknown, quiet;
        enum trace_arch_form arch_form; /* of a profile without a base */
        unsigned runtimes;              /* --runtime: trace_profile_opts.runtimes */
        /* --exe: record only the calls of callers whose executable (as
         * /proc/PID/exe names it, symlinks resolved) matches one of these
         * path globs; NULL-terminated, NULL: record every caller. */
        const char *const *exe_globs;
        FILE *out; /* reports asked for on standard output ("-"), annotations */
        FILE *err; /* the live count, the summary and what went wrong */
};

struct tracer;

/* A tracer recording against base (NULL: no base, every syscall is new).
 * -ENOMEM is the only failure. */
int tracer_new(const struct tracer_options *opts, const struct policy *base,
               struct tracer **ret_tracer);

/* Installs the tracer's hooks on sup; before the target is added, so the
 * lane sees them from its first call. */
void tracer_attach(struct tracer *tr, struct supervisor *sup);

/* The observer tracer_attach() installs, for one target of a supervisor
 * that serves others as they are (the daemon's traced containers). */
void tracer_observer(struct tracer *tr, struct supervisor_observer *ret);

/*
 * A traced target is gone (the daemon): writes DIR/NAME.json (the profile;
 * base_text is the base's own text, or NULL), DIR/NAME.report.json (the
 * JSON report) and DIR/NAME.txt (the table and details trace prints), each
 * replaced whole (fdio.h), and sets *ret_status to what `trace` would exit
 * with for a command that succeeded: 0, TRACE_EXIT_UNKNOWN with
 * opts.fail_on_unknown and a syscall the base does not name, 125 when a
 * file could not be written. name must be a checked file name. Returns 0
 * or the first negative errno, the reason in reterr.
 */
int tracer_write_dir(struct tracer *tr, const char *dir, const char *name, char *const *argv,
                     const char *base_text, size_t base_len, int *ret_status, char *reterr,
                     size_t reterr_size);

/* Records the launcher's own execve, which the supervisor answers before
 * any hook runs (see docs/TRACE.md). */
void tracer_record_first_exec(struct tracer *tr, pid_t child, const char *exec_path,
                              char *const *argv);

/* The daemon's tracer of a `run --connect` launcher: its execve of the
 * command, which the supervisor allows before any hook runs and whose path
 * the daemon never learns, recorded under the launcher's pid. */
void tracer_record_launcher_exec(struct tracer *tr, pid_t launcher);

/* While opts->err is a terminal and not quiet, redraws the count on loop's
 * clock; tracer_live_stop() erases it before anything else is said. */
void tracer_live_start(struct tracer *tr, uv_loop_t *loop);
void tracer_live_stop(struct tracer *tr);

/*
 * Everything after the run: writes the profile (base_text is the base's
 * own text, edited, or NULL) and the reports, says what happened, and
 * returns trace's exit status given the command's.
 */
int tracer_finish(struct tracer *tr, char *const *argv, const char *base_text, size_t base_len,
                  int child_status);

/* NULL is fine. The loop must have closed the live count's timer. */
void tracer_free(struct tracer *tr);
