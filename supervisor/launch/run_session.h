/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * One supervised run of a command under our own launcher: the sequence
 * `run` and `trace` share. Loads the profile, compiles the filter and finds
 * the command (run_session_prepare(): everything that can fail before
 * anything starts, so the command never starts under a profile that did
 * not load), starts the supervisor, forks the launcher, attaches its
 * listener and confines this process (run_session_start()), serves the
 * command until it exits (run_session_run()), and frees it all
 * (run_session_done()).
 *
 * Nothing here prints: a step that fails returns a negative errno with the
 * reason in reterr, and leaves in the session the exit status to use and
 * whether the command was never started. What a front end says on the way
 * (the profile's warnings, the Landlock report) it reads from the session
 * between the steps, so it comes in the order the steps ran.
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/supervisor.h"
#include "launch/launch.h"
#include "policy.h"

/* Room for any reason a step gives: two paths, or a profile's error. */
#define RUN_SESSION_REASON_MAX (2 * PATH_MAX + POLICY_ERROR_MAX)

struct prompt_config;
struct prompting;
struct pty_relay;

struct run_session_options {
        char **argv;             /* the command and its arguments */
        const char *policy_path; /* --policy, or NULL for the default below */
        /* The profile without --policy, and its name in messages; NULL: the
         * built-in default profile. */
        const char *default_profile, *default_profile_name;
        const char *log_path;     /* --log, or NULL */
        const char *connect_path; /* --connect: a daemon supervises instead */
        bool summary, verbose;
        /* trace: route to us every syscall the profile does not name,
         * unless its defaultAction lets those through anyway. */
        bool notify_unlisted;
        /* run: route execveat as execve when --log or a rule on exe wants
         * the caller's executable, so the lane can cache it. */
        bool track_exec;
        /* trace --exe: the observer wants the caller's executable on every
         * call; execveat is routed as for track_exec, for the same cache. */
        bool need_exe;
        /* run: refuse the command writes to the profile and the log file
         * (and say where the profile leaves a way to). */
        bool protect_files;
        /* run --strict: a profile whose path or address rules can be
         * walked around (policy->walkarounds), or whose argument conditions
         * high bits get around (policy->arg_dodges), is refused, as one that
         * did not load. */
        bool strict;
        /* run --explain: what the profile refuses with an errno comes to
         * the supervisor, which answers it with that errno and counts it
         * (supervisor_refusals()); ignored with connect_path. */
        bool explain;
        /* run: who answers prompts; NULL: nobody is asked. */
        const struct prompt_config *prompt;
        /* What the supervisor needs once confined (confine.h), beyond what
         * prompting adds. */
        unsigned confine_features;
};

struct run_session {
        struct run_session_options opts;
        struct policy *policy; /* once loaded, even when a later step failed */
        /* Set between prepare and start (trace's tracer is made for the
         * loaded profile): called on the supervisor before the launcher
         * forks, so the hooks it installs see the command's first call. */
        void (*attach)(void *ctx, struct supervisor *sup);
        void *attach_ctx;
        struct policy_bpf bpf;
        struct supervisor_options sopts;
        struct supervisor sup;
        bool sup_ready;
        struct launch launch;
        bool early; /* the launcher was forked before the profile was read */
        struct prompting *prompting;
        struct pty_relay *relay;
        char *metadata;  /* --connect: the launcher's listenerMetadata */
        int child_pidfd; /* --connect */
        bool watching;   /* --connect: the child is watched, the loop may run */
        /* --connect: the daemon did not take the command. */
        bool daemon_refused;
        /* After a failure, the exit status (125 ours, 126 and 127 the
         * command's), and whether the command was never started. */
        int status;
        bool not_started;

        /* The text buffers come last: run_session_prepare() zeroes what
         * comes before them and makes each an empty string, so their
         * 12 KB of stack are not written (each page written before the
         * launcher's fork is copied again after it). */
        char exec_path[PATH_MAX]; /* the command, found on PATH */
        char command_exe[PATH_MAX];
        char refused[256]; /* --connect: why the daemon did not take it */
        /* protect_files: the files the command can still rewrite, and how,
         * or "" (a warning for the front end). */
        char unprotected[2 * PATH_MAX + 512];
};

/* Loads the profile, compiles the filter, finds the command, opens the log
 * and seals and blocks signals in this process (launch_init()). Where no
 * terminal or daemon is involved, forks the launcher first, which waits
 * for the filter (launch_fork_early()), and hands it the filter as soon as
 * the command is found (launch_go()). */
int run_session_prepare(struct run_session *s, const struct run_session_options *opts, char *reterr,
                        size_t reterr_size);

/* Starts the supervisor (and prompting), forks the launcher, attaches its
 * listener and confines this process: the command is about to exec. */
int run_session_start(struct run_session *s, char *reterr, size_t reterr_size);

/* Serves the command until it exits; s->status is then its exit status. */
int run_session_run(struct run_session *s, char *reterr, size_t reterr_size);

/* Frees everything; after run_session_prepare(), whatever any step
 * returned. */
void run_session_done(struct run_session *s);
