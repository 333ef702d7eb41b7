/* SPDX-License-Identifier: MIT */
/* daemon/agent_server.c: the agent socket: accepting, handshakes, serving. */
#include "daemon/daemon_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/macros.h"
#include "base/text.h"
#include "base/error.h"
#include "base/fdio.h"
#include "base/unix_socket.h"
#include "daemon/metadata.h"
#include "launch/agent.h"

#define LISTENER_LINK "anon_inode:seccomp notify"

/* A connection that has not finished sending its message. */
struct daemon_conn {
        uv_poll_t poll; /* first: the memory is freed once both handles closed */
        uv_timer_t deadline;
        struct daemon *daemon;
        struct daemon_conn *next;
        int fd;
        struct daemon_peer peer;
        unsigned handles_open;
        bool closing;
        struct agent_reader reader;
};

/* ---- sockets ---------------------------------------------------------- */

static int check_listening_socket(int fd)
{
        int value;
        socklen_t len = sizeof(value);

        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &len) < 0 || !value)
                return -EINVAL;
        len = sizeof(value);
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &value, &len) < 0 || value != AF_UNIX)
                return -EINVAL;
        len = sizeof(value);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) < 0 || value != SOCK_STREAM)
                return -EINVAL;
        return 0;
}

int daemon_inherited_socket(int *ret_agent, char *reterr, size_t reterr_size)
{
        const char *pid_text = getenv("LISTEN_PID"), *fds_text = getenv("LISTEN_FDS");
        int agent = -1, r = 0;
        char *end;

        if (!pid_text || !fds_text)
                goto done;
        errno = 0;
        long pid = strtol(pid_text, &end, 10);
        if (errno || *end || pid != getpid())
                goto done; /* meant for another process */
        if (strcmp(fds_text, "1") != 0) {
                snprintf(reterr, reterr_size,
                         "LISTEN_FDS=%s: expected the agent socket alone (the daemon creates "
                         "its control socket itself)",
                         fds_text);
                r = -EINVAL;
                goto done;
        }
        if (check_listening_socket(3) < 0) {
                snprintf(reterr, reterr_size,
                         "inherited fd 3 is not a listening unix stream socket");
                r = -EINVAL;
                goto done;
        }
        if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0 ||
            fcntl(3, F_SETFL, fcntl(3, F_GETFL) | O_NONBLOCK) < 0) {
                r = -errno;
                snprintf(reterr, reterr_size, "inherited fd 3: %s", strerror(-r));
                goto done;
        }
        agent = 3;
done:
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_FDNAMES");
        if (r < 0)
                return r;
        *ret_agent = agent;
        return 0;
}

/*
 * Creates a listening unix socket at path, readable and writable by our
 * user only (created under umask 0177, so there is no moment when others
 * could connect) unless mode says otherwise. A socket file left behind by a
 * daemon that died is replaced, but only when nothing listens on it: two
 * daemons must not share a path.
 */
static int listen_unix(const char *path, mode_t mode, int *ret_fd, struct stat *ret_st,
                       char *reterr, size_t reterr_size)
{
        struct sockaddr_un addr;
        socklen_t addr_len;
        struct stat st;
        int fd, r;

        r = unix_path_address(path, &addr, &addr_len);
        if (r < 0)
                return unix_address_error(path, r, reterr, reterr_size);
        r = unix_socket_clear_stale(path, reterr, reterr_size);
        if (r < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                r = -errno;
                snprintf(reterr, reterr_size, "socket: %s", strerror(-r));
                return r;
        }
        mode_t old_umask = umask(0177);
        r = bind(fd, (struct sockaddr *)&addr, addr_len) == 0 ? 0 : -errno;
        umask(old_umask);
        if (r == 0 && mode && chmod(path, mode) < 0)
                r = -errno;
        if (r == 0 && listen(fd, SOMAXCONN) < 0)
                r = -errno;
        if (r == 0 && stat(path, &st) < 0)
                r = -errno;
        if (r < 0) {
                snprintf(reterr, reterr_size, "%s: %s", path, strerror(-r));
                close(fd);
                return r;
        }
        *ret_fd = fd;
        *ret_st = st;
        return 0;
}

/* Removes the socket file we created, unless someone replaced it since. */
static void remove_socket_file(const char *path, dev_t dev, ino_t ino)
{
        struct stat st;
        if (path && lstat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
                unlink(path);
}

/* ---- connections ------------------------------------------------------ */

static void on_conn_handle_closed(uv_handle_t *handle)
{
        struct daemon_conn *c = handle->data;
        if (--c->handles_open > 0)
                return;
        close(c->fd);
        agent_reader_clear(&c->reader);
        free(c);
}

static void conn_close(struct daemon_conn *c)
{
        struct daemon *d = c->daemon;

        if (c->closing)
                return;
        c->closing = true;
        for (struct daemon_conn **p = &d->conns; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        d->n_conns--;
        uv_close((uv_handle_t *)&c->poll, on_conn_handle_closed);
        uv_close((uv_handle_t *)&c->deadline, on_conn_handle_closed);
}

/* A one-line answer for our own launchers, so `run --connect` can say why
 * its command did not start. Runtimes are never written to: crun's
 * connection is shared with the container process. */
static void conn_reply(struct daemon_conn *c, bool ok, const char *error)
{
        cJSON *reply = cJSON_CreateObject();
        char *text;

        if (!reply)
                return;
        cJSON_AddBoolToObject(reply, "ok", ok);
        if (error)
                cJSON_AddStringToObject(reply, "error", error);
        text = cJSON_PrintUnformatted(reply);
        cJSON_Delete(reply);
        if (!text)
                return;
        size_t len = strlen(text);
        text[len] = '\n';
        /* A few bytes into an empty socket buffer: cannot block, and a peer
         * that is gone only costs us an error we ignore. */
        (void)!send(c->fd, text, len + 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        free(text);
}

static void conn_refuse(struct daemon_conn *c, const char *who, const char *why, bool reply)
{
        struct daemon *d = c->daemon;

        d->refused++;
        if (who)
                daemon_log_refusal(
                    &d->events,
                    "refused %s (from pid %d, uid %u): %s; its listener is closed, so its "
                    "notified calls fail with ENOSYS",
                    who, c->peer.pid, c->peer.uid, why);
        else
                daemon_log_refusal(&d->events, "refused a message from pid %d, uid %u: %s",
                                   c->peer.pid, c->peer.uid, why);
        if (reply)
                conn_reply(c, false, why);
        conn_close(c);
}

/*
 * A target refused. A container's listener is kept, and each process that
 * makes a notified call is killed, until none is left (refused_target.c):
 * closed, it would leave a runtime's copy (crun's, until the container's
 * execve) waiting forever on a call nobody answers. A launcher's is
 * closed: its `run --connect` is told why (reply) or sees the connection
 * close, and ends it itself.
 */
static void conn_refuse_target(struct daemon_conn *c, struct agent_message *msg, bool launcher,
                               const char *who, const char *why, bool reply)
{
        struct daemon *d = c->daemon;

        if (launcher || msg->seccomp_fd < 0 || daemon_refused_keep(d, msg->seccomp_fd, who) < 0) {
                conn_refuse(c, who, why, reply);
                return;
        }
        msg->seccomp_fd = -1; /* kept */
        d->refused++;
        daemon_log_refusal(&d->events,
                           "refused %s (from pid %d, uid %u): %s; its listener is kept, and each "
                           "of its processes that makes a notified call is killed (SIGKILL)",
                           who, c->peer.pid, c->peer.uid, why);
        conn_close(c);
}

static int check_listener(int fd, char *reterr, size_t reterr_size)
{
        char path[64], link[128], safe[128];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        n = readlink(path, link, sizeof(link) - 1);
        if (n < 0) {
                int r = -errno;
                snprintf(reterr, reterr_size, "cannot inspect the descriptor: %s", strerror(-r));
                return r;
        }
        link[n] = '\0';
        if (strcmp(link, LISTENER_LINK) != 0) {
                snprintf(reterr, reterr_size,
                         "the descriptor named \"seccompFd\" is %s, not a seccomp listener",
                         text_printable(link, safe, sizeof(safe)));
                return -EINVAL;
        }
        return 0;
}

/* Linux 6.5: a pidfd of the peer as it was at connect(). */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* A pidfd of the process that connected on fd (pid), or -1. Before Linux
 * 6.5 it is opened from the pid, which is still the launcher's: it waits
 * for our answer. */
static int peer_pidfd(int fd, pid_t pid)
{
        int pidfd = -1;
        socklen_t len = sizeof(pidfd);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0 && pidfd >= 0)
                return pidfd;
        long r = syscall(SYS_pidfd_open, pid, 0);
        return r < 0 ? -1 : (int)r;
}

/* ---- tracing ---------------------------------------------------------- */

/* Whether a live target is recorded as name: two would write the same
 * files, the second one's over the first's. */
static bool trace_name_live(struct daemon *d, const char *name)
{
        for (struct target *t = supervisor_first_target(&d->sup); t;
             t = supervisor_next_target(t)) {
                const struct daemon_target *rec = t->owner;
                if (rec && rec->tracer && strcmp(rec->trace_name, name) == 0)
                        return true;
        }
        return false;
}

/* A recorder for rec's target, measured against its profile as `trace
 * --policy` measures against its base, with the gate of --fail-on-unknown
 * in the report. Its observer goes into *ret. Returns 0 or -ENOMEM. */
static int start_trace(struct daemon *d, struct daemon_target *rec,
                       const struct stored_profile *profile, const char *name,
                       struct supervisor_observer *ret)
{
        /* A job waiting for NAME.done must not find the last run's. */
        char path[PATH_MAX];
        int n = snprintf(path, sizeof(path), "%s/%s.done", d->opts.trace_dir, name);
        if (n > 0 && (size_t)n < sizeof(path) && unlink(path) < 0 && errno != ENOENT)
                daemon_log_line(&d->events, "trace %s: removing %s: %s", name, path,
                                strerror(errno));
        /* As `trace --policy BASE` records (its defaults): the calls a
         * run makes only by timing (futex wakes, signals) are added too,
         * or a recording that happened to miss one fails in production. */
        struct tracer_options topts = {
            .policy_path = profile->source,
            .implicit = true,
            .fail_on_unknown = true,
            .quiet = true,
            .out = stdout,
            .err = stderr,
        };
        int r = tracer_new(&topts, profile->policy, &rec->tracer);
        if (r < 0)
                return r;
        snprintf(rec->trace_name, sizeof(rec->trace_name), "%s", name);
        tracer_observer(rec->tracer, ret);
        return 0;
}

void daemon_trace_finish(struct daemon *d, struct daemon_target *rec)
{
        const struct policy *base = rec->profile->policy;
        char label[PROFILE_NAME_MAX + 16], why[512];
        int status = 0;

        /* Stopping: the container is still running and its recording is
         * not whole. A job waiting for NAME.done learns that (125), and
         * no partial profile replaces a whole one from an earlier run. */
        if (d->stopping) {
                char path[PATH_MAX];
                int n =
                    snprintf(path, sizeof(path), "%s/%s.done", d->opts.trace_dir, rec->trace_name);
                if (n > 0 && (size_t)n < sizeof(path))
                        (void)file_replace_text(path, "125\n");
                daemon_log_line(&d->events,
                                "trace %s: the daemon stopped before the container ended: "
                                "nothing written but %s.done (125)",
                                rec->trace_name, rec->trace_name);
                tracer_free(rec->tracer);
                rec->tracer = NULL;
                return;
        }
        /* What the reports name as the command: the trace's own name, never
         * anything the container (or the launcher) chose. */
        snprintf(label, sizeof(label), "%s:%s", rec->launcher ? "run" : "container",
                 rec->trace_name);
        char *argv[] = {label, NULL};
        int r = tracer_write_dir(rec->tracer, d->opts.trace_dir, rec->trace_name, argv, base->text,
                                 base->text_len, &status, why, sizeof(why));
        /* The .done file last: a job that waits for it finds the others. */
        char path[PATH_MAX], text[32];
        int n = snprintf(path, sizeof(path), "%s/%s.done", d->opts.trace_dir, rec->trace_name);
        snprintf(text, sizeof(text), "%d\n", status);
        int w = n < 0 || (size_t)n >= sizeof(path) ? -ENAMETOOLONG : file_replace_text(path, text);
        if (r < 0)
                daemon_log_line(&d->events, "trace %s: %s", rec->trace_name, why);
        else if (w < 0)
                daemon_log_line(&d->events, "trace %s: writing %s: %s", rec->trace_name, path,
                                strerror(-w));
        else
                daemon_log_line(&d->events, "trace %s: wrote %s/%s.json (status %d)",
                                rec->trace_name, d->opts.trace_dir, rec->trace_name, status);
        tracer_free(rec->tracer);
        rec->tracer = NULL;
}

static void serve_message(struct daemon_conn *c, struct agent_message *msg)
{
        struct daemon *d = c->daemon;
        struct daemon_metadata md;
        struct daemon_target *rec;
        struct stored_profile *profile;
        struct target *t;
        char who[256], why[512], safe[2][64];
        int r;

        text_describe_target(msg->id, msg->pid, who, sizeof(who));
        r = check_listener(msg->seccomp_fd, why, sizeof(why));
        if (r < 0) {
                conn_refuse(c, who, why, false);
                return;
        }
        r = daemon_parse_metadata(msg->metadata, &md, why, sizeof(why));
        if (r < 0) {
                /* Unparsed, it is taken for a launcher's if it says so
                 * anywhere: a launcher is never killed, its run ends it. */
                bool launcher =
                    msg->metadata && strstr(msg->metadata, DAEMON_LAUNCHER_KEY "=1") != NULL;
                conn_refuse_target(c, msg, launcher, who, why, false);
                return;
        }
        /* A launcher's pid is how its execve is recognised and whose
         * descendants may not answer prompts: it must be real. */
        if (md.launcher && msg->pid < 1) {
                conn_refuse_target(c, msg, true, who,
                                   "a scmp-super launcher must send its pid (got 0)", true);
                return;
        }
        profile = profile_store_find(&d->store, md.policy);
        if (!profile) {
                if (d->store.dir)
                        snprintf(why, sizeof(why), "no profile \"%s\" (no %s/%s.json)", md.policy,
                                 d->store.dir, md.policy);
                else
                        snprintf(why, sizeof(why),
                                 "no profile \"%s\" (the daemon has only the default; see "
                                 "--policy-dir)",
                                 md.policy);
                conn_refuse_target(c, msg, md.launcher, who, why, md.launcher);
                return;
        }
        if (md.trace[0] && !d->opts.trace_dir) {
                snprintf(why, sizeof(why),
                         "listenerMetadata asks for trace=%s, but this daemon does not trace "
                         "(start it with --trace-dir DIR)",
                         md.trace);
                conn_refuse_target(c, msg, md.launcher, who, why, md.launcher);
                return;
        }
        if (md.trace[0] && trace_name_live(d, md.trace)) {
                snprintf(why, sizeof(why),
                         "trace=%s: a live target is already recorded under that name (give each "
                         "container its own)",
                         md.trace);
                conn_refuse_target(c, msg, md.launcher, who, why, md.launcher);
                return;
        }
        rec = calloc(1, sizeof(*rec));
        if (!rec) {
                conn_refuse_target(c, msg, md.launcher, who, "out of memory", md.launcher);
                return;
        }
        struct supervisor_observer observer, *obs = NULL;
        if (md.trace[0]) {
                r = start_trace(d, rec, profile, md.trace, &observer);
                if (r < 0) {
                        free(rec);
                        conn_refuse_target(c, msg, md.launcher, who, "out of memory", md.launcher);
                        return;
                }
                obs = &observer;
                /* As `trace` records its launcher's exec: a profile
                 * recorded from `run --connect` must allow the execve a
                 * runtime or `run` makes of the command. */
                if (md.launcher)
                        tracer_record_launcher_exec(rec->tracer, msg->pid);
        }
        rec->daemon = d;
        rec->profile = stored_profile_ref(profile);
        rec->launcher = md.launcher;
        rec->peer = c->peer;
        rec->peer_pidfd = md.launcher ? peer_pidfd(c->fd, c->peer.pid) : -1;
        rec->since = time(NULL);
        r = supervisor_add_target_owned(&d->sup, msg, md.launcher, profile->policy, rec,
                                        daemon_metrics_counts(d, profile->name), obs, &t);
        if (r < 0) {
                tracer_free(rec->tracer);
                stored_profile_unref(rec->profile);
                free(rec);
                snprintf(why, sizeof(why), "cannot serve it (its thread, its listener): %s",
                         strerror(-r));
                conn_refuse_target(c, msg, md.launcher, who, why, md.launcher);
                return;
        }
        d->served++;
        daemon_log_line(
            &d->events,
            "serving %s with profile \"%s\" (%s)%s%s%s; ociVersion %s, status %s, from pid %d, uid "
            "%u",
            who, profile->name, profile->source, md.launcher ? " as a scmp-super launcher" : "",
            md.trace[0] ? ", tracing it as " : "", md.trace,
            text_printable(msg->oci_version, safe[0], sizeof(safe[0])),
            text_printable(msg->status, safe[1], sizeof(safe[1])), c->peer.pid, c->peer.uid);
        if (md.launcher)
                conn_reply(c, true, NULL);
}

static void on_conn_readable(uv_poll_t *handle, int status, int events)
{
        struct daemon_conn *c = container_of(handle, struct daemon_conn, poll);
        struct agent_message msg;
        char why[256];
        int r;

        if (status < 0) {
                snprintf(why, sizeof(why), "%s", uv_strerror(status));
                conn_refuse(c, NULL, why, false);
                return;
        }
        r = agent_reader_read(&c->reader, c->fd, why, sizeof(why));
        if (r == 0)
                return;
        if (r > 0)
                r = agent_reader_finish(&c->reader, &msg, why, sizeof(why));
        if (r < 0) {
                conn_refuse(c, NULL, why, false);
                return;
        }
        serve_message(c, &msg);
        agent_message_clear(&msg);
        conn_close(c);
}

static void on_conn_deadline(uv_timer_t *timer)
{
        struct daemon_conn *c = container_of(timer, struct daemon_conn, deadline);
        char why[128];

        snprintf(why, sizeof(why), "no complete message within %u ms (%zu byte%s arrived)",
                 c->daemon->opts.message_timeout_ms, c->reader.len, c->reader.len == 1 ? "" : "s");
        conn_refuse(c, NULL, why, false);
}

static void conn_open(struct daemon *d, int fd, struct daemon_peer peer)
{
        struct daemon_conn *c = calloc(1, sizeof(*c));
        int r;

        if (!c) {
                d->refused++;
                daemon_log_refusal(&d->events, "refused a connection from pid %d: out of memory",
                                   peer.pid);
                close(fd);
                return;
        }
        c->daemon = d;
        c->fd = fd;
        c->peer = peer;
        agent_reader_init(&c->reader);
        r = uv_poll_init(&d->sup.loop, &c->poll, fd);
        if (r < 0) {
                d->refused++;
                daemon_log_refusal(&d->events, "refused a connection from pid %d: %s", peer.pid,
                                   uv_strerror(r));
                close(fd);
                free(c);
                return;
        }
        c->poll.data = c;
        c->handles_open = 1;
        uv_timer_init(&d->sup.loop, &c->deadline);
        c->deadline.data = c;
        c->handles_open = 2;
        c->next = d->conns;
        d->conns = c;
        d->n_conns++;
        if (d->opts.verbose)
                daemon_log_line(&d->events, "connection from pid %d, uid %u", peer.pid, peer.uid);
        r = uv_poll_start(&c->poll, UV_READABLE, on_conn_readable);
        if (r == 0)
                r = uv_timer_start(&c->deadline, on_conn_deadline, d->opts.message_timeout_ms, 0);
        if (r < 0)
                conn_refuse(c, NULL, uv_strerror(r), false);
}

/* A new connection waits for its message, unless its peer already has
 * too many doing so (daemon_limits.h). */
static void admit(struct daemon *d, int fd)
{
        struct ucred cred = {.pid = 0, .uid = (uid_t)-1};
        socklen_t len = sizeof(cred);
        struct daemon_peer waiting[DAEMON_MAX_HANDSHAKES];
        struct daemon_conn *conns[DAEMON_MAX_HANDSHAKES];
        size_t n = d->n_conns < DAEMON_MAX_HANDSHAKES ? d->n_conns : DAEMON_MAX_HANDSHAKES, i = n,
               evict = 0;

        getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
        struct daemon_peer peer = {.uid = cred.uid, .pid = cred.pid};
        /* The list is newest first; daemon_admit() wants oldest first. */
        for (struct daemon_conn *c = d->conns; c && i > 0; c = c->next) {
                conns[--i] = c;
                waiting[i] = c->peer;
        }
        switch (daemon_admit(waiting + i, n - i, peer, DAEMON_MAX_HANDSHAKES,
                             DAEMON_MAX_HANDSHAKES_PER_PEER, &evict)) {
        case DAEMON_REFUSE:
                d->refused++;
                daemon_log_refusal(
                    &d->events,
                    "refused a connection from pid %d, uid %u: %zu of its connections are "
                    "still sending their message (at most %d per client, %d in all)",
                    peer.pid, peer.uid, daemon_peer_held(waiting + i, n - i, peer),
                    DAEMON_MAX_HANDSHAKES_PER_PEER, DAEMON_MAX_HANDSHAKES);
                close(fd);
                return;
        case DAEMON_EVICT: {
                struct daemon_conn *oldest = conns[i + evict];
                d->refused++;
                daemon_log_refusal(
                    &d->events,
                    "closed the oldest unfinished message of pid %d, uid %u, the client "
                    "with the most (%d connections are still sending theirs), for one "
                    "from pid %d",
                    oldest->peer.pid, oldest->peer.uid, DAEMON_MAX_HANDSHAKES, peer.pid);
                conn_close(oldest);
                break;
        }
        case DAEMON_ADMIT:
                break;
        }
        conn_open(d, fd, peer);
}

static void on_listen(uv_poll_t *handle, int status, int events);

static void on_accept_pause_over(uv_timer_t *timer)
{
        struct daemon *d = container_of(timer, struct daemon, accept_pause);
        if (d->listen_open && !d->stopping)
                uv_poll_start(&d->listen_poll, UV_READABLE, on_listen);
}

/* Out of descriptors or memory: the socket stays readable, so polling it
 * again at once would spin. Wait a second for targets to go. */
static void pause_accepting(struct daemon *d, int error)
{
        daemon_log_line(&d->events, "accepting a connection: %s; pausing for a second",
                        strerror(error));
        uv_poll_stop(&d->listen_poll);
        uv_timer_start(&d->accept_pause, on_accept_pause_over, 1000, 0);
}

static void on_listen(uv_poll_t *handle, int status, int events)
{
        struct daemon *d = container_of(handle, struct daemon, listen_poll);

        if (status < 0) {
                pause_accepting(d, -status);
                return;
        }
        for (;;) {
                int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (fd < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        if (errno != EAGAIN && errno != EWOULDBLOCK)
                                pause_accepting(d, errno);
                        return;
                }
                admit(d, fd);
        }
}

static void on_listen_closed(uv_handle_t *handle)
{
        struct daemon *d = container_of((uv_poll_t *)handle, struct daemon, listen_poll);
        close(d->listen_fd);
        d->listen_fd = -1;
}

/* ---- life cycle ------------------------------------------------------- */

int agent_server_open(struct daemon *d, char *reterr, size_t reterr_size)
{
        struct stat st = {0};
        int r;

        if (d->opts.listen_fd >= 0) {
                d->listen_fd = d->opts.listen_fd;
        } else {
                r = listen_unix(d->opts.socket_path, d->opts.socket_mode, &d->listen_fd, &st,
                                reterr, reterr_size);
                if (r < 0)
                        return r;
                d->socket_path = strdup(d->opts.socket_path);
                d->socket_dev = st.st_dev;
                d->socket_ino = st.st_ino;
        }
        r = uv_poll_init(&d->sup.loop, &d->listen_poll, d->listen_fd);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "watching the socket: %s", uv_strerror(r));
        d->listen_open = true;
        uv_timer_init(&d->sup.loop, &d->accept_pause);
        d->accept_pause_open = true;
        return 0;
}

int agent_server_start(struct daemon *d, char *reterr, size_t reterr_size)
{
        int r = uv_poll_start(&d->listen_poll, UV_READABLE, on_listen);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "watching the socket: %s", uv_strerror(r));
        return 0;
}

void agent_server_close(struct daemon *d)
{
        if (d->listen_open) {
                d->listen_open = false;
                uv_close((uv_handle_t *)&d->listen_poll, on_listen_closed);
        } else if (d->listen_fd >= 0) {
                close(d->listen_fd);
                d->listen_fd = -1;
        }
        if (d->socket_path) {
                remove_socket_file(d->socket_path, d->socket_dev, d->socket_ino);
                free(d->socket_path);
                d->socket_path = NULL;
        }
        if (d->accept_pause_open) {
                d->accept_pause_open = false;
                uv_close((uv_handle_t *)&d->accept_pause, NULL);
        }
        while (d->conns)
                conn_close(d->conns);
}
