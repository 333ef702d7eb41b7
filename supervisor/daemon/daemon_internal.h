/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What the daemon's files share, and nothing outside daemon/ may use: the
 * daemon's state, what it keeps per target, and how its parts are started
 * and stopped. daemon.h is the interface; the parts are
 *
 *   daemon.c          life cycle: new, run, stop, free; signals
 *   agent_server.c    the agent socket: accepting, handshakes, serving
 *   daemon_reload.c   reloading profiles, and targets switching to them
 *   daemon_control.c  the control socket: starting it, who may use it
 *   daemon_status.c   the answer to `scmp-super status`
 *   daemon_metrics.c  --metrics-file
 *   openmetrics.c     the text format it is written in
 *   daemon_log.c      the event lines
 *   metadata.c        listenerMetadata
 *   refused_target.c  refused containers' listeners, kept to kill each caller
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include <uv.h>

#include "core/decision_log.h"
#include "core/supervisor.h"
#include "daemon/daemon.h"
#include "daemon/daemon_limits.h"
#include "daemon/daemon_log.h"
#include "daemon/profile_store.h"
#include "prompt/control.h"
#include "prompt/prompt.h"
#include "trace/tracer.h"

struct daemon_conn;
struct daemon_metrics;
struct refused_target;

/* A profile a target switched away from at a reload while it had prompts
 * waiting: their rules point into it, so it lives until they are answered. */
struct retained {
        struct stored_profile *profile;
        struct retained *next;
};

/* What the daemon keeps for each target it serves (target->owner). */
struct daemon_target {
        struct daemon *daemon;
        struct stored_profile *profile;
        struct retained *retained;
        bool launcher;
        struct daemon_peer peer; /* who sent it */
        /* A launcher's peer is its `run --connect`, a child subreaper whose
         * command's whole tree stays below it: a pidfd of it, so that its
         * pid is used only while it is that process; or -1. */
        int peer_pidfd;
        time_t since;
        /* "trace=NAME": its recorder, written out into --trace-dir as
         * NAME.* when the target goes (daemon_trace_finish()); else NULL. */
        struct tracer *tracer;
        char trace_name[PROFILE_NAME_MAX + 1];
};

struct daemon {
        struct supervisor sup;
        bool sup_ready;
        struct daemon_options opts;
        struct profile_store store;

        /* The agent socket (agent_server.c). */
        int listen_fd;
        char *socket_path; /* ours to remove at exit, or NULL */
        dev_t socket_dev;
        ino_t socket_ino;
        uv_poll_t listen_poll;
        bool listen_open;
        uv_timer_t accept_pause;
        bool accept_pause_open;
        struct daemon_conn *conns; /* newest first */
        size_t n_conns;
        /* Refused containers whose listeners are kept (refused_target.c). */
        struct refused_target *refused_targets;
        size_t n_refused_targets;

        /* Event lines, refusals among them limited (daemon_log.c). */
        struct daemon_log events;

        uv_signal_t signals[3];
        size_t n_signals_open;
        uv_timer_t flush_timer;
        bool flush_timer_open;

        /* Reloading (daemon_reload.c). */
        uv_fs_event_t watches[2]; /* the profile directory, --policy's directory */
        size_t n_watches_open;
        uv_timer_t watch_settle;
        bool watch_settle_open;
        uv_check_t sweep;
        bool sweep_open;
        size_t n_retained;

        /* With --control: prompts wait for an answer from the control
         * socket's clients, which can also ask for status
         * (daemon_control.c). */
        struct prompt_broker *broker;
        struct control_server *control;

        /* --metrics-file (daemon_metrics.c), or NULL. */
        struct daemon_metrics *metrics;
        uv_timer_t metrics_timer;
        bool metrics_timer_open;

        struct log_file *log;
        bool stopping;
        time_t started;
        uint64_t served, refused;
};

/* agent_server.c: listens (or takes the inherited socket) and watches it;
 * accepting starts with agent_server_start(), once everything else is
 * ready. agent_server_close() closes every connection still sending and
 * removes the socket file we created. */
int agent_server_open(struct daemon *d, char *reterr, size_t reterr_size);
int agent_server_start(struct daemon *d, char *reterr, size_t reterr_size);
void agent_server_close(struct daemon *d);

/* agent_server.c: a traced target is gone: writes its files into
 * --trace-dir and frees its tracer. */
void daemon_trace_finish(struct daemon *d, struct daemon_target *rec);

/* refused_target.c: keeps the listener of a refused container (who: how
 * the log names it) and kills the process of each call it notifies, until
 * no task uses the filter; then logs that and closes it. Takes listener on
 * success (0); a negative errno leaves it the caller's to close (-EBUSY:
 * DAEMON_MAX_REFUSED_TARGETS are kept already, or the daemon is stopping).
 * daemon_refused_close_all() closes every one kept, at shutdown. */
int daemon_refused_keep(struct daemon *d, int listener, const char *who);
void daemon_refused_close_all(struct daemon *d);

/* daemon_reload.c: --watch; the sweep that lets go of the profiles
 * targets switched away from, once they have settled; and closing both. */
int daemon_watch_start(struct daemon *d, char *reterr, size_t reterr_size);
void daemon_sweep_start(struct daemon *d);
void daemon_reload_close(struct daemon *d);
/* Lets go of the profiles rec's target switched away from. */
void daemon_release_retained(struct daemon *d, struct daemon_target *rec);

/* daemon_control.c: the prompt broker and the control socket. */
int daemon_control_start(struct daemon *d, char *reterr, size_t reterr_size);
void daemon_control_stop(struct daemon *d);

/* daemon_metrics.c: with --metrics-file, writes the file once (failing
 * with the reason when it cannot be written) and then every interval. */
int daemon_metrics_start(struct daemon *d, char *reterr, size_t reterr_size);
/* The counts the targets of profile_name are counted in, made on first
 * use and kept until daemon_metrics_free(); NULL without --metrics-file
 * (or out of memory: that target is then not counted per profile). */
struct supervisor_counts *daemon_metrics_counts(struct daemon *d, const char *profile_name);
/* The file's text, "# EOF" last. */
void daemon_metrics_format(struct daemon *d, FILE *out);
/* Stops the timer; the counts stay for the lanes still running. */
void daemon_metrics_close(struct daemon *d);
/* After supervisor_close(), when no lane can count any more. */
void daemon_metrics_free(struct daemon *d);
