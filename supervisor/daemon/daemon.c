/* SPDX-License-Identifier: MIT */
#include "daemon/daemon.h"
#include "base/macros.h"
#include "base/text.h"
#include "base/unix_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "launch/agent.h"
#include "prompt/control.h"
#include "core/decision_log.h"
#include "core/proc_tree.h"
#include "prompt/prompt.h"
#include "scmp_client.h"
#include "core/supervisor.h"

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
};

struct daemon {
        struct supervisor sup;
        bool sup_ready;
        struct daemon_options opts;
        struct profile_store store;

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
        /* Lines about refused clients, limited (daemon_limits.h); the
         * timer says how many were left out when a second ends. */
        struct log_limit refusals;
        uv_timer_t refusals_timer;
        bool refusals_timer_open;

        uv_signal_t signals[3];
        size_t n_signals_open;
        uv_timer_t flush_timer;
        bool flush_timer_open;
        uv_fs_event_t watches[2]; /* the profile directory, --policy's directory */
        size_t n_watches_open;
        uv_timer_t watch_settle;
        bool watch_settle_open;
        uv_check_t sweep;
        bool sweep_open;
        size_t n_retained;

        /* With --control: prompts wait for an answer from the control
         * socket's clients, which can also ask for status. */
        struct prompt_broker *broker;
        struct control_server *control;

        struct log_file *log;
        bool stopping;
        time_t started;
        uint64_t served, refused;
};

/* Event lines go to stderr (the journal, under systemd), one write each. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
        char line[2048];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        fprintf(stderr, "scmp-super: %s\n", line);
}

static void say_left_out(uint64_t left_out)
{
        if (left_out)
                say("%llu more refusals in the second before were not logged (at most %d a "
                    "second are)",
                    (unsigned long long)left_out, DAEMON_REFUSALS_LOGGED_PER_SECOND);
}

static void on_refusals_timer(uv_timer_t *timer)
{
        struct daemon *d = container_of(timer, struct daemon, refusals_timer);
        say_left_out(log_limit_take_suppressed(&d->refusals, uv_now(&d->sup.loop)));
}

/* A line about a refused client: at most DAEMON_REFUSALS_LOGGED_PER_SECOND
 * a second, the rest counted and said in one line, so that a flood of bad
 * clients cannot flood the log. */
static void say_refusal(struct daemon *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say_refusal(struct daemon *d, const char *fmt, ...)
{
        uint64_t now = uv_now(&d->sup.loop), left_out;
        bool allowed = log_limit_allow(&d->refusals, now, &left_out);
        char line[2048];
        va_list ap;

        say_left_out(left_out);
        if (!allowed) {
                if (d->refusals_timer_open && !uv_is_active((uv_handle_t *)&d->refusals_timer))
                        uv_timer_start(&d->refusals_timer, on_refusals_timer,
                                       log_limit_window_end(&d->refusals) - now, 0);
                return;
        }
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        say("%s", line);
}

int daemon_parse_metadata(const char *text, struct daemon_metadata *ret, char *errbuf,
                          size_t errlen)
{
        struct daemon_metadata md = {.launcher = false};
        bool have_policy = false, have_launcher = false;
        char safe[160];

        if (text && strlen(text) > DAEMON_MAX_METADATA) {
                snprintf(errbuf, errlen, "listenerMetadata longer than %d bytes",
                         DAEMON_MAX_METADATA);
                return -EINVAL;
        }
        for (const char *p = text; p && *p;) {
                const char *semi = strchr(p, ';');
                size_t len = semi ? (size_t)(semi - p) : strlen(p);
                char item[DAEMON_MAX_METADATA + 1];
                memcpy(item, p, len);
                item[len] = '\0';
                p = semi ? semi + 1 : NULL;

                /* Blanks around an item are not part of it. */
                char *start = item, *end = item + len;
                while (*start == ' ' || *start == '\t')
                        start++;
                while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                        *--end = '\0';
                if (*start == '\0')
                        continue;
                char *eq = strchr(start, '=');
                if (!eq) {
                        snprintf(errbuf, errlen,
                                 "listenerMetadata item \"%s\" is not key=value (say "
                                 "\"policy=NAME\")",
                                 text_printable(start, safe, sizeof(safe)));
                        return -EINVAL;
                }
                *eq = '\0';
                const char *key = start, *value = eq + 1;
                if (strcmp(key, "policy") == 0) {
                        if (have_policy) {
                                snprintf(errbuf, errlen, "listenerMetadata names \"policy\" twice");
                                return -EINVAL;
                        }
                        if (!profile_name_valid(value)) {
                                snprintf(errbuf, errlen,
                                         "listenerMetadata policy \"%s\" is not a profile name "
                                         "(letters, digits, '.', '_', '-'; not starting with '.')",
                                         text_printable(value, safe, sizeof(safe)));
                                return -EINVAL;
                        }
                        snprintf(md.policy, sizeof(md.policy), "%s", value);
                        have_policy = true;
                } else if (strcmp(key, DAEMON_LAUNCHER_KEY) == 0) {
                        if (have_launcher) {
                                snprintf(errbuf, errlen, "listenerMetadata names \"%s\" twice",
                                         DAEMON_LAUNCHER_KEY);
                                return -EINVAL;
                        }
                        if (strcmp(value, "1") != 0 && strcmp(value, "0") != 0) {
                                snprintf(errbuf, errlen, "listenerMetadata %s must be 0 or 1",
                                         DAEMON_LAUNCHER_KEY);
                                return -EINVAL;
                        }
                        md.launcher = value[0] == '1';
                        have_launcher = true;
                } else {
                        snprintf(errbuf, errlen,
                                 "listenerMetadata key \"%s\" is unknown (known: policy, %s)",
                                 text_printable(key, safe, sizeof(safe)), DAEMON_LAUNCHER_KEY);
                        return -EINVAL;
                }
        }
        *ret = md;
        return 0;
}

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

int daemon_inherited_socket(int *ret_agent, char *errbuf, size_t errlen)
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
                snprintf(errbuf, errlen,
                         "LISTEN_FDS=%s: expected the agent socket alone (the daemon creates "
                         "its control socket itself)",
                         fds_text);
                r = -EINVAL;
                goto done;
        }
        if (check_listening_socket(3) < 0) {
                snprintf(errbuf, errlen, "inherited fd 3 is not a listening unix stream socket");
                r = -EINVAL;
                goto done;
        }
        if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0 ||
            fcntl(3, F_SETFL, fcntl(3, F_GETFL) | O_NONBLOCK) < 0) {
                r = -errno;
                snprintf(errbuf, errlen, "inherited fd 3: %s", strerror(-r));
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
                       char *errbuf, size_t errlen)
{
        struct sockaddr_un addr;
        socklen_t addr_len;
        struct stat st;
        int fd, r;

        r = unix_path_address(path, &addr, &addr_len);
        if (r < 0)
                return unix_address_error(path, r, errbuf, errlen);
        r = unix_socket_clear_stale(path, errbuf, errlen);
        if (r < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                r = -errno;
                snprintf(errbuf, errlen, "socket: %s", strerror(-r));
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
                snprintf(errbuf, errlen, "%s: %s", path, strerror(-r));
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
                say_refusal(d,
                            "refused %s (from pid %d, uid %u): %s; its listener is closed, so its "
                            "notified calls fail with ENOSYS",
                            who, c->peer.pid, c->peer.uid, why);
        else
                say_refusal(d, "refused a message from pid %d, uid %u: %s", c->peer.pid,
                            c->peer.uid, why);
        if (reply)
                conn_reply(c, false, why);
        conn_close(c);
}

static int check_listener(int fd, char *errbuf, size_t errlen)
{
        char path[64], link[128], safe[128];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        n = readlink(path, link, sizeof(link) - 1);
        if (n < 0) {
                int r = -errno;
                snprintf(errbuf, errlen, "cannot inspect the descriptor: %s", strerror(-r));
                return r;
        }
        link[n] = '\0';
        if (strcmp(link, LISTENER_LINK) != 0) {
                snprintf(errbuf, errlen,
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
                conn_refuse(c, who, why, false);
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
                conn_refuse(c, who, why, md.launcher);
                return;
        }
        rec = calloc(1, sizeof(*rec));
        if (!rec) {
                conn_refuse(c, who, "out of memory", md.launcher);
                return;
        }
        rec->daemon = d;
        rec->profile = stored_profile_ref(profile);
        rec->launcher = md.launcher;
        rec->peer = c->peer;
        rec->peer_pidfd = md.launcher ? peer_pidfd(c->fd, c->peer.pid) : -1;
        rec->since = time(NULL);
        r = supervisor_add_target_owned(&d->sup, msg, md.launcher, profile->policy, rec, &t);
        if (r < 0) {
                stored_profile_unref(rec->profile);
                free(rec);
                snprintf(why, sizeof(why), "cannot serve it (its thread, its listener): %s",
                         strerror(-r));
                conn_refuse(c, who, why, md.launcher);
                return;
        }
        d->served++;
        say("serving %s with profile \"%s\" (%s)%s; ociVersion %s, status %s, from pid %d, uid %u",
            who, profile->name, profile->source, md.launcher ? " as a scmp-super launcher" : "",
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

        snprintf(why, sizeof(why), "no complete message within %u ms (%zu bytes arrived)",
                 c->daemon->opts.message_timeout_ms, c->reader.len);
        conn_refuse(c, NULL, why, false);
}

static void conn_open(struct daemon *d, int fd, struct daemon_peer peer)
{
        struct daemon_conn *c = calloc(1, sizeof(*c));
        int r;

        if (!c) {
                d->refused++;
                say_refusal(d, "refused a connection from pid %d: out of memory", peer.pid);
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
                say_refusal(d, "refused a connection from pid %d: %s", peer.pid, uv_strerror(r));
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
                say("connection from pid %d, uid %u", peer.pid, peer.uid);
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
                say_refusal(d,
                            "refused a connection from pid %d, uid %u: %zu of its connections are "
                            "still sending their message (at most %d per client, %d in all)",
                            peer.pid, peer.uid, daemon_peer_held(waiting + i, n - i, peer),
                            DAEMON_MAX_HANDSHAKES_PER_PEER, DAEMON_MAX_HANDSHAKES);
                close(fd);
                return;
        case DAEMON_EVICT: {
                struct daemon_conn *oldest = conns[i + evict];
                d->refused++;
                say_refusal(d,
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
        say("accepting a connection: %s; pausing for a second", strerror(error));
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

/* ---- targets and profiles --------------------------------------------- */

static void release_retained(struct daemon *d, struct daemon_target *rec)
{
        while (rec->retained) {
                struct retained *node = rec->retained;
                rec->retained = node->next;
                stored_profile_unref(node->profile);
                free(node);
                d->n_retained--;
        }
}

static void on_target_closed(struct target *t)
{
        struct daemon_target *rec = t->owner;
        char who[256];

        if (!rec)
                return;
        struct daemon *d = rec->daemon;
        say("%s %s after %llu decisions (allow %llu, log %llu, deny %llu, kill %llu)",
            text_describe_target(t->id, t->pid, who, sizeof(who)),
            d->stopping ? "released at shutdown" : "gone",
            (unsigned long long)target_decided_total(t),
            (unsigned long long)target_decided(t, VERDICT_ALLOW),
            (unsigned long long)target_decided(t, VERDICT_LOG),
            (unsigned long long)target_decided(t, VERDICT_DENY),
            (unsigned long long)target_decided(t, VERDICT_KILL));
        release_retained(d, rec);
        stored_profile_unref(rec->profile);
        if (rec->peer_pidfd >= 0)
                close(rec->peer_pidfd);
        free(rec);
        t->owner = NULL;
}

/* Once a target has settled (its prompts answered, its lane past the call
 * it was deciding at the reload), the profiles it left can go. Runs after
 * every loop iteration (the watchdog's ticks among them); costs nothing
 * while no profile is retained. */
static void on_sweep(uv_check_t *check)
{
        struct daemon *d = container_of(check, struct daemon, sweep);

        if (d->n_retained == 0)
                return;
        for (struct target *t = d->sup.targets; t; t = t->next) {
                struct daemon_target *rec = t->owner;
                if (rec && rec->retained && supervisor_target_settled(t))
                        release_retained(d, rec);
        }
}

/* The old version stays while anything of the target may still use it:
 * the call its lane is deciding, calls waiting for a prompt (their rule is
 * in it); on_sweep() lets it go once the target has settled. */
static bool switch_profile(struct daemon *d, struct target *t, struct daemon_target *rec,
                           struct stored_profile *fresh)
{
        struct retained *node = malloc(sizeof(*node));
        if (!node)
                return false; /* keep deciding with the old one */
        supervisor_switch_policy(t, fresh->policy);
        node->profile = rec->profile;
        node->next = rec->retained;
        rec->retained = node;
        d->n_retained++;
        rec->profile = stored_profile_ref(fresh);
        if (supervisor_target_settled(t))
                release_retained(d, rec);
        return true;
}

static void report_reload(void *ctx, const char *message)
{
        say("%s", message);
}

void daemon_reload(struct daemon *d)
{
        size_t switched = 0;
        int failed;

        if (d->stopping)
                return;
        failed = profile_store_reload(&d->store, report_reload, d);
        for (struct target *t = d->sup.targets; t; t = t->next) {
                struct daemon_target *rec = t->owner;
                if (!rec)
                        continue;
                struct stored_profile *fresh = profile_store_find(&d->store, rec->profile->name);
                if (!fresh || fresh == rec->profile)
                        continue;
                if (switch_profile(d, t, rec, fresh))
                        switched++;
        }
        d->sup.policy = profile_store_find(&d->store, NULL)->policy;
        /* In place: lanes write to it meanwhile. */
        if (d->opts.log_path) {
                int r = log_file_reopen(d->log, d->opts.log_path);
                if (r < 0)
                        say("reload: --log %s: %s; still writing to the file opened before",
                            d->opts.log_path, strerror(-r));
        }
        if (failed >= 0)
                say("reloaded %zu profiles (%d kept their previous version); %zu live targets "
                    "now use the new versions",
                    d->store.n_profiles, failed, switched);
}

/* ---- signals, timers, life cycle ---------------------------------------- */

static void on_watch_settled(uv_timer_t *timer)
{
        struct daemon *d = container_of(timer, struct daemon, watch_settle);
        say("a profile changed on disk: reloading profiles");
        daemon_reload(d);
}

/* Only profiles, and the "..data" link through which a Kubernetes ConfigMap
 * volume swaps all its files at once, matter: a log file or a socket beside
 * them must not set off a reload. */
static bool is_profile_event(const char *filename)
{
        size_t len = filename ? strlen(filename) : 0;
        return !filename || strcmp(filename, "..data") == 0 ||
               (len > 5 && strcmp(filename + len - 5, ".json") == 0);
}

/* Writing a file, or a ConfigMap's swap of its ..data link, comes as a
 * burst of events: reload once it has been quiet for a moment. */
static void on_watch_event(uv_fs_event_t *handle, const char *filename, int events, int status)
{
        struct daemon *d = handle->data;
        if (status < 0 || d->stopping || !is_profile_event(filename))
                return;
        uv_timer_start(&d->watch_settle, on_watch_settled, 250, 0);
}

static int watch_start(struct daemon *d, char *errbuf, size_t errlen)
{
        char *policy_dir = NULL;
        const char *dirs[2];
        size_t n = 0;
        int r = 0;

        if (d->opts.policy_dir)
                dirs[n++] = d->opts.policy_dir;
        if (d->opts.policy_path) {
                policy_dir = strdup(d->opts.policy_path);
                if (!policy_dir)
                        return -ENOMEM;
                char *slash = strrchr(policy_dir, '/');
                if (!slash)
                        strcpy(policy_dir, ".");
                else if (slash == policy_dir)
                        slash[1] = '\0';
                else
                        *slash = '\0';
                dirs[n++] = policy_dir;
        }
        if (n == 0) {
                snprintf(errbuf, errlen, "--watch needs --policy-dir or --policy");
                free(policy_dir);
                return -EINVAL;
        }
        uv_timer_init(&d->sup.loop, &d->watch_settle);
        d->watch_settle_open = true;
        uv_unref((uv_handle_t *)&d->watch_settle);
        for (size_t i = 0; i < n && r == 0; i++) {
                uv_fs_event_init(&d->sup.loop, &d->watches[i]);
                d->watches[i].data = d;
                d->n_watches_open++;
                r = uv_fs_event_start(&d->watches[i], on_watch_event, dirs[i], 0);
                if (r < 0)
                        snprintf(errbuf, errlen, "--watch %s: %s", dirs[i], uv_strerror(r));
                else
                        uv_unref((uv_handle_t *)&d->watches[i]);
        }
        free(policy_dir);
        return r;
}

static void on_flush_timer(uv_timer_t *timer)
{
        struct daemon *d = container_of(timer, struct daemon, flush_timer);
        if (d->log)
                log_file_flush(d->log);
}

static void on_signal(uv_signal_t *handle, int signum)
{
        struct daemon *d = handle->data;
        if (signum == SIGHUP) {
                say("SIGHUP: reloading profiles");
                daemon_reload(d);
                return;
        }
        say("%s: stopping", strsignal(signum));
        daemon_stop(d);
}

static void on_listen_closed(uv_handle_t *handle)
{
        struct daemon *d = container_of((uv_poll_t *)handle, struct daemon, listen_poll);
        close(d->listen_fd);
        d->listen_fd = -1;
}

static cJSON *status_for_control(void *ctx)
{
        return daemon_status(ctx);
}

static bool pidfd_alive(int pidfd)
{
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        return pidfd >= 0 && poll(&pfd, 1, 0) == 0;
}

/* Whether pid is in chain, the line of descent of a control client. */
static bool in_chain(const pid_t *chain, size_t n, pid_t pid)
{
        for (size_t i = 0; pid > 0 && i < n; i++)
                if (chain[i] == pid)
                        return true;
        return false;
}

/*
 * The daemon's control clients: a person's, never a target's process,
 * which could otherwise answer its own prompts (it may run as root, or as
 * our uid). Beyond what every control server refuses (control.c: a pid
 * namespace below ours, as a container's, where `runc exec` adds processes
 * that do not descend from its init; a seccomp filter, where the socket
 * does not keep sealed commands out), refused: a client that descends from
 * a target's process, or from the live `run --connect` that launched one
 * (a subreaper), and any whose descent cannot be told.
 */
static int refuse_targets(void *ctx, pid_t pid, int pidfd, char *why, size_t why_size)
{
        struct daemon *d = ctx;
        pid_t *chain = malloc(PROC_TREE_MAX_DEPTH * sizeof(*chain));
        size_t n = 0;
        int r = chain ? proc_tree_ancestors(pid, pidfd, chain, PROC_TREE_MAX_DEPTH, &n) : -ENOMEM;

        if (r < 0) {
                free(chain);
                snprintf(why, why_size,
                         "permission denied: cannot tell whether pid %d belongs to a supervised "
                         "target (%s)",
                         (int)pid, strerror(-r));
                return -EPERM;
        }
        for (struct target *t = d->sup.targets; t; t = t->next) {
                const struct daemon_target *rec = t->owner;
                bool below = in_chain(chain, n, t->pid);
                if (!below && rec && pidfd_alive(rec->peer_pidfd))
                        below = in_chain(chain, n, rec->peer.pid);
                if (below) {
                        snprintf(why, why_size,
                                 "permission denied: pid %d belongs to a supervised target (pid "
                                 "%d), which may not answer its own prompts",
                                 (int)pid, (int)t->pid);
                        free(chain);
                        return -EPERM;
                }
        }
        free(chain);
        return 0;
}

static int control_start(struct daemon *d, char *errbuf, size_t errlen)
{
        const struct policy *fallback = profile_store_find(&d->store, NULL)->policy;
        /* One broker serves every target, so one deadline: the default
         * profile's promptTimeout. Forever answers cannot be saved: no
         * single profile file belongs to every target. */
        struct prompt_broker_options bopts = {.timeout_ms = fallback->prompt_timeout_ms};
        char why[512];
        int r;

        r = prompt_broker_new(&d->sup, &bopts, &d->broker);
        if (r < 0) {
                snprintf(errbuf, errlen, "starting the prompt broker: %s", strerror(-r));
                return r;
        }
        r = control_server_start(d->broker, &d->sup.loop, d->opts.control_path, &d->control, why,
                                 sizeof(why));
        if (r < 0) {
                d->control = NULL;
                snprintf(errbuf, errlen, "--control: %s", why);
                return r;
        }
        control_server_set_status(d->control, status_for_control, d);
        control_server_set_peer_check(d->control, refuse_targets, d);
        return 0;
}

/* Closes the daemon's own handles; the targets are the supervisor's. */
static void close_handles(struct daemon *d)
{
        /* The front end leaves first; then the broker denies what still
         * waits, as a timeout would, and lets go of the supervisor. */
        if (d->control) {
                control_server_stop(d->control);
                d->control = NULL;
        }
        if (d->broker) {
                prompt_broker_close(d->broker);
                d->broker = NULL;
        }
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
        if (d->refusals_timer_open) {
                d->refusals_timer_open = false;
                uv_close((uv_handle_t *)&d->refusals_timer, NULL);
        }
        while (d->conns)
                conn_close(d->conns);
        for (; d->n_signals_open > 0; d->n_signals_open--)
                uv_close((uv_handle_t *)&d->signals[d->n_signals_open - 1], NULL);
        if (d->flush_timer_open) {
                d->flush_timer_open = false;
                uv_close((uv_handle_t *)&d->flush_timer, NULL);
        }
        for (; d->n_watches_open > 0; d->n_watches_open--)
                uv_close((uv_handle_t *)&d->watches[d->n_watches_open - 1], NULL);
        if (d->watch_settle_open) {
                d->watch_settle_open = false;
                uv_close((uv_handle_t *)&d->watch_settle, NULL);
        }
        if (d->sweep_open) {
                d->sweep_open = false;
                uv_close((uv_handle_t *)&d->sweep, NULL);
        }
}

void daemon_stop(struct daemon *d)
{
        if (d->stopping)
                return;
        d->stopping = true;
        say("closing %zu targets; their notified calls fail with ENOSYS from now on",
            d->sup.n_targets);
        close_handles(d);
        uv_stop(&d->sup.loop);
}

int daemon_new(const struct daemon_options *opts, struct daemon **ret_daemon, char *errbuf,
               size_t errlen)
{
        static const int signums[] = {SIGHUP, SIGINT, SIGTERM};
        /* Every target gets a lane, which alone reads its memory: reading
         * on the loop, one target could stall all the others. */
        struct supervisor_options sopts = {
            .verbose = opts->verbose,
            .fast_lane = !opts->no_lanes,
            .lane_required = !opts->no_lanes,
            .decision_timeout_ms = opts->decision_timeout_ms,
        };
        struct policy_error err;
        struct daemon *d = calloc(1, sizeof(*d));
        struct stat st = {0};
        int r;

        if (!d) {
                snprintf(errbuf, errlen, "out of memory");
                return -ENOMEM;
        }
        d->opts = *opts;
        if (!d->opts.message_timeout_ms)
                d->opts.message_timeout_ms = DAEMON_MESSAGE_TIMEOUT_MS;
        d->listen_fd = -1;
        d->started = time(NULL);

        r = profile_store_open(&d->store, opts->policy_path, opts->policy_dir, &err);
        if (r < 0) {
                snprintf(errbuf, errlen, "%s", err.message);
                goto fail;
        }
        for (size_t i = 0; i < d->store.n_profiles; i++) {
                const struct stored_profile *p = d->store.profiles[i];
                for (size_t w = 0; w < p->policy->n_warnings; w++)
                        say("warning: %s", p->policy->warnings[w]);
        }
        if (opts->log_path) {
                d->log = log_file_open(opts->log_path);
                if (!d->log) {
                        snprintf(errbuf, errlen, "--log %s: %s", opts->log_path, strerror(errno));
                        goto fail;
                }
                sopts.log = d->log;
        }
        r = supervisor_init(&d->sup, profile_store_find(&d->store, NULL)->policy, &sopts);
        if (r < 0) {
                snprintf(errbuf, errlen, "starting the supervisor: %s", strerror(-r));
                goto fail;
        }
        d->sup_ready = true;
        d->sup.target_closed = on_target_closed;

        if (opts->listen_fd >= 0) {
                d->listen_fd = opts->listen_fd;
        } else {
                r = listen_unix(opts->socket_path, opts->socket_mode, &d->listen_fd, &st, errbuf,
                                errlen);
                if (r < 0)
                        goto fail;
                d->socket_path = strdup(opts->socket_path);
                d->socket_dev = st.st_dev;
                d->socket_ino = st.st_ino;
        }
        r = uv_poll_init(&d->sup.loop, &d->listen_poll, d->listen_fd);
        if (r < 0) {
                snprintf(errbuf, errlen, "watching the socket: %s", uv_strerror(r));
                goto fail;
        }
        d->listen_open = true;
        uv_timer_init(&d->sup.loop, &d->accept_pause);
        d->accept_pause_open = true;
        d->refusals.per_second = DAEMON_REFUSALS_LOGGED_PER_SECOND;
        uv_timer_init(&d->sup.loop, &d->refusals_timer);
        uv_unref((uv_handle_t *)&d->refusals_timer);
        d->refusals_timer_open = true;
        for (size_t i = 0; i < sizeof(signums) / sizeof(signums[0]); i++) {
                uv_signal_init(&d->sup.loop, &d->signals[i]);
                d->signals[i].data = d;
                d->n_signals_open++;
                r = uv_signal_start(&d->signals[i], on_signal, signums[i]);
                if (r < 0) {
                        snprintf(errbuf, errlen, "signal %d: %s", signums[i], uv_strerror(r));
                        goto fail;
                }
        }
        if (opts->watch) {
                r = watch_start(d, errbuf, errlen);
                if (r < 0)
                        goto fail;
        }
        uv_check_init(&d->sup.loop, &d->sweep);
        d->sweep_open = true;
        uv_check_start(&d->sweep, on_sweep);
        uv_unref((uv_handle_t *)&d->sweep);
        if (d->log) {
                /* The log is block-buffered; flushed every second so a reader
                 * following it is never far behind. */
                uv_timer_init(&d->sup.loop, &d->flush_timer);
                d->flush_timer_open = true;
                uv_timer_start(&d->flush_timer, on_flush_timer, 1000, 1000);
                uv_unref((uv_handle_t *)&d->flush_timer);
        }
        if (opts->control_path) {
                r = control_start(d, errbuf, errlen);
                if (r < 0)
                        goto fail;
        }
        r = uv_poll_start(&d->listen_poll, UV_READABLE, on_listen);
        if (r < 0) {
                snprintf(errbuf, errlen, "watching the socket: %s", uv_strerror(r));
                goto fail;
        }
        *ret_daemon = d;
        return 0;
fail:
        daemon_free(d);
        return r < 0 ? r : -EINVAL;
}

int daemon_run(struct daemon *d)
{
        char profiles[512] = "";
        size_t used = 0;

        for (size_t i = 0; i < d->store.n_profiles && used < sizeof(profiles); i++)
                used += (size_t)snprintf(profiles + used, sizeof(profiles) - used, "%s%s",
                                         i ? ", " : "", d->store.profiles[i]->name);
        say("listening on %s with profiles %s (default: %s)",
            d->opts.socket_path ? d->opts.socket_path : "an inherited socket", profiles,
            profile_store_find(&d->store, NULL)->source);
        uv_run(&d->sup.loop, UV_RUN_DEFAULT);
        return 0;
}

void daemon_free(struct daemon *d)
{
        if (!d)
                return;
        if (!d->stopping) {
                d->stopping = true;
                close_handles(d);
        }
        if (d->sup_ready) {
                /* Closes every target (on_target_closed drops what we kept
                 * for each) and runs the loop until every handle is gone. */
                supervisor_close(&d->sup);
        } else if (d->listen_fd >= 0) {
                close(d->listen_fd);
        }
        log_file_close(d->log);
        profile_store_close(&d->store);
        free(d->socket_path);
        free(d);
}

/* ---- status ----------------------------------------------------------- */

static void add_time(cJSON *obj, const char *key, time_t when)
{
        char text[32];
        struct tm tm;
        gmtime_r(&when, &tm);
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
        cJSON_AddStringToObject(obj, key, text);
}

static cJSON *target_status(struct daemon *d, struct target *t)
{
        struct daemon_target *rec = t->owner;
        cJSON *obj = cJSON_CreateObject(), *decided, *pending;

        if (!obj)
                return NULL;
        cJSON_AddNumberToObject(obj, "pid", t->pid);
        if (t->id)
                cJSON_AddStringToObject(obj, "container", t->id);
        else
                cJSON_AddNullToObject(obj, "container");
        if (rec) {
                cJSON_AddStringToObject(obj, "policy", rec->profile->name);
                cJSON_AddStringToObject(obj, "source", rec->profile->source);
                cJSON_AddBoolToObject(obj, "launcher", rec->launcher);
                add_time(obj, "since", rec->since);
        }
        decided = cJSON_AddObjectToObject(obj, "decided");
        if (decided) {
                cJSON_AddNumberToObject(decided, "allow", (double)target_decided(t, VERDICT_ALLOW));
                cJSON_AddNumberToObject(decided, "log", (double)target_decided(t, VERDICT_LOG));
                cJSON_AddNumberToObject(decided, "deny", (double)target_decided(t, VERDICT_DENY));
                cJSON_AddNumberToObject(decided, "kill", (double)target_decided(t, VERDICT_KILL));
                cJSON_AddNumberToObject(decided, "total", (double)target_decided_total(t));
        }
        pending = cJSON_AddArrayToObject(obj, "pending");
        for (struct pending_call *pc = t->pending; pending && pc; pc = pc->next) {
                cJSON *call = cJSON_CreateObject();
                if (!call)
                        break;
                cJSON_AddNumberToObject(call, "pid", pc->call.pid);
                cJSON_AddStringToObject(call, "syscall",
                                        supervisor_syscall_name(&d->sup, pc->call.nr));
                cJSON *paths = cJSON_AddArrayToObject(call, "paths");
                for (unsigned i = 0; paths && i < pc->call.n_paths && i < POLICY_CALL_MAX_PATHS;
                     i++)
                        cJSON_AddItemToArray(paths, pc->paths[i] ? cJSON_CreateString(pc->paths[i])
                                                                 : cJSON_CreateNull());
                cJSON_AddItemToArray(pending, call);
        }
        return obj;
}

cJSON *daemon_status(struct daemon *d)
{
        cJSON *root = cJSON_CreateObject(), *targets, *profiles;

        if (!root)
                return NULL;
        /* The control socket adds our pid for a client it names us to. */
        cJSON_AddStringToObject(root, "type", "status");
        add_time(root, "since", d->started);
        cJSON_AddNumberToObject(root, "served", (double)d->served);
        cJSON_AddNumberToObject(root, "refused", (double)d->refused);
        cJSON_AddNumberToObject(root, "connections", (double)d->n_conns);
        cJSON_AddNumberToObject(root, "prompts",
                                d->broker ? (double)prompt_broker_count(d->broker) : 0);
        profiles = cJSON_AddArrayToObject(root, "profiles");
        for (size_t i = 0; profiles && i < d->store.n_profiles; i++) {
                cJSON *p = cJSON_CreateObject();
                if (!p)
                        break;
                cJSON_AddStringToObject(p, "name", d->store.profiles[i]->name);
                cJSON_AddStringToObject(p, "source", d->store.profiles[i]->source);
                cJSON_AddItemToArray(profiles, p);
        }
        targets = cJSON_AddArrayToObject(root, "targets");
        for (struct target *t = d->sup.targets; targets && t; t = t->next) {
                cJSON *obj = target_status(d, t);
                if (obj)
                        cJSON_AddItemToArray(targets, obj);
        }
        return root;
}

/* ---- the client side of the control socket ------------------------------ */

#define CONTROL_REPLY_MAX  (64u << 20)
#define CONTROL_TIMEOUT_MS 10000

static bool is_announcement(const char *line)
{
        static const char *const types[] = {"hello", "request", "resolved"};
        cJSON *msg = cJSON_Parse(line);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(msg, "type");
        bool found = false;

        for (size_t i = 0; cJSON_IsString(type) && i < sizeof(types) / sizeof(types[0]); i++)
                if (strcmp(type->valuestring, types[i]) == 0)
                        found = true;
        cJSON_Delete(msg);
        return found;
}

int daemon_control_request(const char *path, const char *request, char **ret_reply, char *errbuf,
                           size_t errlen)
{
        struct sockaddr_un addr;
        socklen_t addr_len;
        char *buf = NULL;
        size_t len = 0, cap = 0;
        int fd, r, send_error = 0;

        /* A path, or "@name" in the abstract namespace (scmp_client.h). */
        r = unix_address(path, &addr, &addr_len);
        if (r < 0)
                return unix_address_error(path, r, errbuf, errlen);
        fd = -1;
        r = unix_connect(&addr, addr_len, &fd);
        if (r < 0) {
                snprintf(errbuf, errlen, "cannot connect: %s", strerror(-r));
                goto out;
        }
        size_t request_len = strlen(request);
        for (size_t sent = 0; sent <= request_len;) {
                /* The request line, then its newline. */
                const char *p = sent < request_len ? request + sent : "\n";
                size_t n_left = sent < request_len ? request_len - sent : 1;
                ssize_t n = send(fd, p, n_left, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
                        /* A server that refused us closed at once, and its
                         * reason may wait to be read: read it first. */
                        send_error = -errno;
                        break;
                }
                if (n < 0) {
                        r = -errno;
                        snprintf(errbuf, errlen, "sending the request: %s", strerror(-r));
                        goto out;
                }
                sent += (size_t)n;
        }
        for (;;) {
                struct pollfd pfd = {.fd = fd, .events = POLLIN};
                int pr = poll(&pfd, 1, CONTROL_TIMEOUT_MS);
                if (pr < 0 && errno == EINTR)
                        continue;
                if (pr <= 0) {
                        r = pr == 0 ? -ETIMEDOUT : -errno;
                        snprintf(errbuf, errlen, "no reply: %s", strerror(-r));
                        goto out;
                }
                if (len + 4096 + 1 > cap) {
                        if (cap >= CONTROL_REPLY_MAX) {
                                r = -EMSGSIZE;
                                snprintf(errbuf, errlen, "reply larger than %u bytes",
                                         CONTROL_REPLY_MAX);
                                goto out;
                        }
                        size_t grown_cap = cap ? cap * 2 : 65536;
                        char *grown = realloc(buf, grown_cap);
                        if (!grown) {
                                r = -ENOMEM;
                                snprintf(errbuf, errlen, "out of memory");
                                goto out;
                        }
                        buf = grown;
                        cap = grown_cap;
                }
                ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 || (n == 0 && send_error)) {
                        r = n < 0 ? -errno : send_error;
                        snprintf(errbuf, errlen, "%s: %s",
                                 send_error ? "sending the request" : "reading the reply",
                                 strerror(-r));
                        goto out;
                }
                len += (size_t)n;
                /* A control socket may greet first ("hello") and announce
                 * prompts ("request", "resolved") to every client; the
                 * reply is the first line of any other type. */
                char *line = buf, *newline;
                while ((newline = memchr(line, '\n', len - (size_t)(line - buf)))) {
                        *newline = '\0';
                        if (!is_announcement(line)) {
                                memmove(buf, line, (size_t)(newline - line) + 1);
                                goto done;
                        }
                        line = newline + 1;
                }
                len -= (size_t)(line - buf);
                memmove(buf, line, len);
                if (n == 0) {
                        r = -ECONNRESET;
                        snprintf(errbuf, errlen,
                                 "the daemon closed the connection without a "
                                 "reply");
                        goto out;
                }
        }
done:
        *ret_reply = buf;
        buf = NULL;
        r = 0;
out:
        if (fd >= 0)
                close(fd);
        free(buf);
        return r;
}
