/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The daemon: one supervisor for many targets. It listens on a unix socket
 * for OCI seccomp agent messages, from runc and crun (the socket is the
 * linux.seccomp.listenerPath of their containers) and from `scmp-super run
 * --connect` launchers, and serves every listener it receives on one event
 * loop, each with the profile its listenerMetadata names.
 *
 * A slow or hostile client cannot stall the loop: messages are read
 * incrementally as they arrive, each connection has a size limit and a
 * deadline, and the number of connections still sending is bounded, per
 * client too, so that one client cannot crowd out the others
 * (daemon_limits.h, agent_server.c). Nor can a target: each has a thread of its own, its
 * lane, which alone reads its memory (core/lane.c). A
 * message the daemon cannot serve (malformed, not a seccomp listener, an
 * unknown profile) is refused with a log line, and the listener it carried
 * is closed: the target's notified calls then fail with ENOSYS, so a
 * refusal fails closed.
 *
 * Signals: SIGHUP reloads every profile (live targets switch to the new
 * version of theirs) and reopens the decision log; SIGINT and SIGTERM stop
 * accepting, close every target and end daemon_run() with 0.
 */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "daemon/daemon_log.h"
#include "daemon/openmetrics.h"

#define DAEMON_MESSAGE_TIMEOUT_MS 5000
#define DAEMON_METRICS_INTERVAL_S 5
/* The most live targets whose own series the metrics file lists. */
#define DAEMON_METRICS_MAX_TARGETS 1000

struct daemon_options {
        const char *socket_path;  /* where to listen; may be NULL with listen_fd */
        int listen_fd;            /* an inherited listening socket, or -1 */
        mode_t socket_mode;       /* 0: 0600 */
        const char *policy_path;  /* the default profile, or NULL */
        const char *policy_dir;   /* named profiles DIR/NAME.json, or NULL */
        const char *control_path; /* the control socket (prompts, status), or NULL */
        const char *log_path;     /* JSON lines, one per decision, or NULL */
        /* OpenMetrics text for node_exporter's textfile collector, replaced
         * whole every metrics_interval_s seconds (0: the default), or NULL
         * (nothing is timed or counted for it then). */
        const char *metrics_path;
        unsigned metrics_interval_s;
        enum openmetrics_format metrics_format;
        unsigned message_timeout_ms;
        /* "trace=NAME" records its target into DIR/NAME.* (docs/TRACE.md);
         * NULL: such a target is refused. */
        const char *trace_dir;
        /* A call whose target could not be read within this many ms is
         * denied (0: SUPERVISOR_DECISION_TIMEOUT_MS). */
        unsigned decision_timeout_ms;
        /* Decide on the loop thread, without lanes: only for comparing
         * (bench/, SCMP_SUPER_LANE=0); one target can then stall all. */
        bool no_lanes;
        bool verbose;
        /* Reload when a file in the profile directory (or beside --policy)
         * changes, as SIGHUP does: a ConfigMap volume is updated in place. */
        bool watch;
        /* Where the daemon's event lines go, one call a line, without the
         * program's name or a newline (daemon_log.h), from any thread: it
         * must be thread-safe. NULL: the daemon's own lines go nowhere and
         * the supervisor's reports to standard error. */
        daemon_log_sink *log_line;
        void *log_ctx;
};

/*
 * The listening socket systemd passed (LISTEN_PID, LISTEN_FDS=1): fd 3,
 * then *ret_agent, or -1 when none was passed to this process. Unsets the
 * variables so children do not see them. Returns 0, or -EINVAL when what
 * was passed is not one listening unix stream socket.
 */
int daemon_inherited_socket(int *ret_agent, char *reterr, size_t reterr_size);

struct daemon;

/* Loads the profiles, creates the sockets and the loop. */
int daemon_new(const struct daemon_options *opts, struct daemon **ret_daemon, char *reterr,
               size_t reterr_size);

/* Serves until SIGINT or SIGTERM; returns the exit status (0). */
int daemon_run(struct daemon *d);

/* Closes every target (their notified calls now fail with ENOSYS),
 * connection and socket, and frees d. */
void daemon_free(struct daemon *d);

/*
 * The daemon's state for `scmp-super status`: {"type":"status",
 * "targets":[{"pid","container","policy","source","launcher","decided":
 * {"allow","log","deny","kill"},"pending":[...]}],...}; the control socket
 * adds the daemon's "pid" for a client in its pid namespace. Caller frees.
 */
cJSON *daemon_status(struct daemon *d);

/* The same as a signal would: reload profiles, or stop. */
void daemon_reload(struct daemon *d);
void daemon_stop(struct daemon *d);
