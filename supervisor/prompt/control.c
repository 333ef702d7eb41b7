/* SPDX-License-Identifier: MIT */
/* prompt/control.c: the control socket: clients that see waiting prompts and answer them. */
#include "prompt/control.h"
#include "base/error.h"
#include "scmp_version.h"
#include "base/macros.h"
#include "base/unix_socket.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "errnos.h"
#include "core/proc_tree.h"
#include "scmp_client.h"
#include "launch/seal.h"

/* Ids are JSON numbers; above 2^53 a double no longer holds every integer. */
#define MAX_EXACT_ID 9007199254740992.0

struct control_client {
        uv_pipe_t pipe; /* first: freed in its close callback */
        struct control_server *server;
        struct control_client *next;
        pid_t pid;
        uid_t uid;
        bool closing;
        bool accepted; /* passed every check: hears the prompts */
        size_t len;
        /* Last: only the members before it are cleared on accept. */
        char line[CONTROL_LINE_MAX + 1];
};

struct control_server {
        uv_pipe_t listener;
        struct prompt_frontend fe;
        struct prompt_broker *broker;
        uv_loop_t *loop;
        char *path;
        struct control_client *clients;
        size_t n_clients;
        unsigned open_handles; /* freed when the last one has closed */
        bool stopping;
        /* Answers "status" requests (the daemon's targets), or NULL. */
        cJSON *(*status)(void *ctx);
        void *status_ctx;
        /* Refuses clients from a supervised tree, or NULL. */
        control_peer_check_fn peer_check;
        void *peer_check_ctx;
        bool abstract; /* path is "@name" */
        /* Abstract, on a kernel whose Landlock keeps every sealed command
         * from connecting (seal.h). */
        bool kernel_keeps_commands_out;
};

struct write_req {
        uv_write_t req;
        char data[];
};

/* Lifetime: the server goes once its listener and every client are closed. */

static void server_release(struct control_server *s)
{
        if (--s->open_handles > 0 || !s->stopping)
                return;
        free(s->path);
        free(s);
}

static void on_client_closed(uv_handle_t *handle)
{
        struct control_client *c = container_of((uv_pipe_t *)handle, struct control_client, pipe);
        struct control_server *s = c->server;

        for (struct control_client **p = &s->clients; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        s->n_clients--;
        free(c);
        server_release(s);
}

static void client_close(struct control_client *c)
{
        if (c->closing)
                return;
        c->closing = true;
        uv_read_stop((uv_stream_t *)&c->pipe);
        uv_close((uv_handle_t *)&c->pipe, on_client_closed);
}

/* Output. */

static void on_written(uv_write_t *req, int status)
{
        free(container_of(req, struct write_req, req));
}

/* Queues text (and a newline) for c; a client that has let too much pile
 * up is disconnected rather than buffered for. */
static void send_text(struct control_client *c, const char *text)
{
        size_t len = strlen(text);
        struct write_req *w;

        if (c->closing)
                return;
        if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) + len > CONTROL_OUTPUT_MAX) {
                client_close(c);
                return;
        }
        w = malloc(sizeof(*w) + len + 1);
        if (!w) {
                client_close(c);
                return;
        }
        memcpy(w->data, text, len);
        w->data[len] = '\n';
        uv_buf_t buf = uv_buf_init(w->data, (unsigned)(len + 1));
        if (uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, on_written) < 0) {
                free(w);
                client_close(c);
        }
}

static void send_json(struct control_client *c, const cJSON *msg)
{
        char *text = cJSON_PrintUnformatted(msg);
        if (!text) {
                client_close(c);
                return;
        }
        send_text(c, text);
        cJSON_free(text);
}

static cJSON *new_message(const char *type)
{
        cJSON *msg = cJSON_CreateObject();
        if (msg && (!cJSON_AddNumberToObject(msg, "v", SCMP_CLIENT_PROTOCOL_VERSION) ||
                    !cJSON_AddStringToObject(msg, "type", type))) {
                cJSON_Delete(msg);
                return NULL;
        }
        return msg;
}

__attribute__((format(printf, 3, 4))) static void send_error(struct control_client *c,
                                                             const cJSON *id, const char *fmt, ...)
{
        char text[512];
        va_list ap;
        cJSON *msg = new_message("error");

        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        if (!msg) {
                client_close(c);
                return;
        }
        if (cJSON_IsNumber(id))
                cJSON_AddNumberToObject(msg, "id", id->valuedouble);
        cJSON_AddStringToObject(msg, "message", text);
        send_json(c, msg);
        cJSON_Delete(msg);
}

static void send_request(struct control_client *c, struct prompt *p, size_t queued)
{
        cJSON *req = prompt_request(p);
        cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(req, "queued"), (double)queued);
        send_json(c, req);
}

/*
 * Whether our pid means us to the client, so that it may act on it (signal
 * us, look at /proc/PID): the client is in our pid namespace. Its NSpid
 * line lists its pid in every namespace from ours down to its own: one
 * entry when that is ours. A client SO_PEERCRED cannot name (pid 0) is in
 * a namespace above or beside ours, one in a container's below it: to
 * both, our pid names another process or none. (Either can ask the kernel
 * for our pid as it sees it: SO_PEERCRED on its end of the socket.)
 */
static bool client_shares_our_pids(const struct control_client *c)
{
        char path[64], line[256];
        bool shared = false;
        FILE *f;

        if (c->pid <= 0)
                return false;
        snprintf(path, sizeof(path), "/proc/%d/status", (int)c->pid);
        f = fopen(path, "re");
        if (!f)
                return false;
        while (fgets(line, sizeof(line), f))
                if (strncmp(line, "NSpid:", 6) == 0) {
                        char *save = NULL;
                        int entries = 0;
                        for (char *pid = strtok_r(line + 6, " \t\n", &save); pid;
                             pid = strtok_r(NULL, " \t\n", &save))
                                entries++;
                        shared = entries == 1;
                        break;
                }
        fclose(f);
        return shared;
}

/* Our pid, for a client it names us to (client_shares_our_pids()). */
static void add_our_pid(const struct control_client *c, cJSON *msg)
{
        if (client_shares_our_pids(c))
                cJSON_AddNumberToObject(msg, "pid", getpid());
}

static void send_hello(struct control_server *s, struct control_client *c)
{
        cJSON *msg = new_message("hello");
        const char *profile = prompt_broker_profile(s->broker);

        if (!msg) {
                client_close(c);
                return;
        }
        cJSON_AddStringToObject(msg, "server", "scmp-super");
        cJSON_AddStringToObject(msg, "version", SCMP_SUPER_VERSION);
        add_our_pid(c, msg);
        if (profile)
                cJSON_AddStringToObject(msg, "profile", profile);
        else
                cJSON_AddNullToObject(msg, "profile");
        cJSON_AddNumberToObject(msg, "timeout_ms", prompt_broker_timeout_ms(s->broker));
        cJSON_AddNumberToObject(msg, "pending", (double)prompt_broker_count(s->broker));
        send_json(c, msg);
        cJSON_Delete(msg);
}

/* The broker's front-end callbacks: every client hears everything. */

static void on_prompt_added(struct prompt_frontend *fe, struct prompt *p)
{
        struct control_server *s = container_of(fe, struct control_server, fe);
        size_t queued = prompt_broker_count(s->broker) - 1;
        for (struct control_client *c = s->clients; c; c = c->next)
                send_request(c, p, queued);
}

static void on_prompt_resolved(struct prompt_frontend *fe, struct prompt *p,
                               const struct prompt_resolution *res)
{
        struct control_server *s = container_of(fe, struct control_server, fe);
        cJSON *msg = new_message("resolved");

        if (!msg)
                return;
        cJSON_AddNumberToObject(msg, "id", (double)prompt_id(p));
        cJSON_AddStringToObject(msg, "by", res->by);
        if (res->answered) {
                cJSON_AddStringToObject(msg, "decision", policy_verdict_name(res->verdict));
                cJSON_AddStringToObject(msg, "scope", prompt_scope_name(res->scope));
                if (res->verdict == VERDICT_DENY) {
                        const char *e = errno_to_name(res->errno_value);
                        if (e)
                                cJSON_AddStringToObject(msg, "errno", e);
                }
        }
        for (struct control_client *c = s->clients; c; c = c->next)
                send_json(c, msg);
        cJSON_Delete(msg);
}

/* The clients connected that hear the prompts. */
static size_t control_people(struct prompt_frontend *fe)
{
        struct control_server *s = container_of(fe, struct control_server, fe);
        size_t n = 0;
        for (struct control_client *c = s->clients; c; c = c->next)
                if (c->accepted && !c->closing)
                        n++;
        return n;
}

static const struct prompt_frontend_ops control_ops = {
    .added = on_prompt_added,
    .resolved = on_prompt_resolved,
    .people = control_people,
};

/* Input. */

static const char *optional_string(struct control_client *c, const cJSON *msg, const char *key,
                                   const cJSON *id, bool *bad)
{
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg, key);
        if (!v || cJSON_IsNull(v))
                return NULL;
        if (!cJSON_IsString(v)) {
                send_error(c, id, "\"%s\" must be a string", key);
                *bad = true;
                return NULL;
        }
        return v->valuestring;
}

static void handle_reply(struct control_client *c, const cJSON *msg)
{
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
        bool bad = false;
        char err[512];

        if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > MAX_EXACT_ID ||
            id->valuedouble != (double)(uint64_t)id->valuedouble) {
                send_error(c, NULL, "a reply needs \"id\": the id of a request");
                return;
        }
        const char *decision = optional_string(c, msg, "decision", id, &bad);
        const char *scope = optional_string(c, msg, "scope", id, &bad);
        const char *errno_name = optional_string(c, msg, "errno", id, &bad);
        const char *pattern = optional_string(c, msg, "pattern", id, &bad);
        const char *choice = optional_string(c, msg, "choice", id, &bad);
        if (bad)
                return;
        /* An errno may also be given as a number. */
        char errno_text[16];
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(msg, "errno");
        if (cJSON_IsNumber(e)) {
                snprintf(errno_text, sizeof(errno_text), "%.0f", e->valuedouble);
                errno_name = errno_text;
        }
        int r = prompt_broker_answer(c->server->broker, (uint64_t)id->valuedouble,
                                     &(struct prompt_reply){.decision = decision,
                                                            .scope = scope,
                                                            .errno_name = errno_name,
                                                            .pattern = pattern,
                                                            .choice = choice,
                                                            .by = "client",
                                                            .has_uid = true,
                                                            .uid = (uint32_t)c->uid},
                                     err, sizeof(err));
        if (r < 0)
                send_error(c, id, "%s", err);
}

static void handle_line(struct control_client *c, const char *line, size_t len)
{
        cJSON *msg = cJSON_ParseWithLength(line, len);
        const cJSON *v, *type;

        if (!cJSON_IsObject(msg)) {
                send_error(c, NULL, "not a JSON object (one message per line)");
                goto out;
        }
        v = cJSON_GetObjectItemCaseSensitive(msg, "v");
        if (v && (!cJSON_IsNumber(v) || v->valuedouble != SCMP_CLIENT_PROTOCOL_VERSION)) {
                send_error(c, NULL, "protocol version %s is not supported (this is version %d)",
                           cJSON_IsNumber(v) ? "other than 1" : "of that form",
                           SCMP_CLIENT_PROTOCOL_VERSION);
                goto out;
        }
        type = cJSON_GetObjectItemCaseSensitive(msg, "type");
        if (!cJSON_IsString(type)) {
                send_error(c, NULL, "a message needs \"type\"");
        } else if (strcmp(type->valuestring, "reply") == 0) {
                handle_reply(c, msg);
        } else if (strcmp(type->valuestring, "hello") == 0) {
                /* Clients may introduce themselves; nothing to do. */
        } else if (strcmp(type->valuestring, "status") == 0 && c->server->status) {
                cJSON *reply = c->server->status(c->server->status_ctx);
                if (!reply || !cJSON_AddNumberToObject(reply, "v", SCMP_CLIENT_PROTOCOL_VERSION)) {
                        send_error(c, NULL, "out of memory");
                } else {
                        add_our_pid(c, reply);
                        send_json(c, reply);
                }
                cJSON_Delete(reply);
        } else {
                send_error(c, NULL, "unknown message type (a client sends \"reply\")");
        }
out:
        cJSON_Delete(msg);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
        struct control_client *c = container_of((uv_pipe_t *)handle, struct control_client, pipe);
        /* Read straight into the line buffer: at most one line's worth. */
        *buf = uv_buf_init(c->line + c->len, (unsigned)(CONTROL_LINE_MAX + 1 - c->len));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
        struct control_client *c = container_of((uv_pipe_t *)stream, struct control_client, pipe);
        size_t start = 0, i = c->len;

        if (nread < 0) {
                client_close(c); /* EOF or error */
                return;
        }
        /* Bytes before c->len were scanned already and hold no newline. */
        c->len += (size_t)nread;
        for (; i < c->len && !c->closing; i++) {
                if (c->line[i] != '\n')
                        continue;
                size_t end = i;
                if (end > start && c->line[end - 1] == '\r')
                        end--;
                if (end > start)
                        handle_line(c, c->line + start, end - start);
                start = i + 1;
        }
        if (c->closing)
                return;
        memmove(c->line, c->line + start, c->len - start);
        c->len -= start;
        if (c->len > CONTROL_LINE_MAX) {
                send_error(c, NULL, "line longer than %u bytes; disconnecting", CONTROL_LINE_MAX);
                client_close(c);
        }
}

/* Connections. */

static bool may_answer(uid_t uid)
{
        return uid == 0 || uid == getuid() || uid == geteuid();
}

/* Refuses a connection with an error line, written without queueing. */
static void refuse(struct control_client *c, const char *why)
{
        char text[256];
        snprintf(text, sizeof(text), "{\"v\":1,\"type\":\"error\",\"message\":\"%s\"}\n", why);
        uv_buf_t buf = uv_buf_init(text, (unsigned)strlen(text));
        uv_try_write((uv_stream_t *)&c->pipe, &buf, 1);
        client_close(c);
}

static int pidfd_open_process(pid_t pid)
{
        long fd = syscall(SYS_pidfd_open, pid, 0);
        return fd < 0 ? -1 : (int)fd;
}

/* A pidfd turns readable when its process exits. */
static bool pidfd_alive(int pidfd)
{
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        return pidfd >= 0 && poll(&pfd, 1, 0) == 0;
}

/* Linux 6.5: a pidfd of the peer as it was at connect(), which no other
 * process can take over. */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* Whether the client may speak for a person, by the owner's peer check;
 * 0, or -EPERM with the reason in why. */
/*
 * What every control server refuses, before its owner's own check: a
 * client it cannot name (pid 0: a pid namespace above ours), one in a pid
 * namespace below ours (a container's), and, unless the kernel keeps
 * sealed commands off this socket, one under a seccomp filter, as every
 * process a supervisor serves is (its filter cannot be removed, so this
 * holds for a command of another run, and for an orphan whose supervisor
 * has exited).
 */
static int check_peer_generic(const struct control_server *s, pid_t pid, char *why, size_t why_size)
{
        if (pid <= 0) {
                snprintf(why, why_size,
                         "permission denied: a client in a pid namespace above ours cannot be "
                         "told from a supervised command");
                return -EPERM;
        }
        int ours = proc_pid_ns_depth(getpid()), theirs = proc_pid_ns_depth(pid);
        if (ours < 0 || theirs < 0) {
                snprintf(why, why_size,
                         "permission denied: cannot tell whether pid %d is a supervised "
                         "command (%s)",
                         (int)pid, strerror(-(ours < 0 ? ours : theirs)));
                return -EPERM;
        }
        if (theirs > ours) {
                snprintf(why, why_size,
                         "permission denied: pid %d lives in a pid namespace below ours (a "
                         "container's) and may not act for a person",
                         (int)pid);
                return -EPERM;
        }
        if (s->kernel_keeps_commands_out)
                return 0;
        int mode = proc_seccomp_mode(pid);
        if (mode != 0) {
                snprintf(why, why_size,
                         "permission denied: pid %d runs under a seccomp filter, as every "
                         "supervised command does; answer from a shell without one%s",
                         (int)pid, s->abstract ? "" : " (or use an abstract --control @NAME)");
                return -EPERM;
        }
        return 0;
}

/* Whether the client may speak for a person; 0, or -EPERM with the reason
 * in why. */
static int check_peer(struct control_server *s, int fd, pid_t pid, char *why, size_t why_size)
{
        int pidfd = -1;
        socklen_t len = sizeof(pidfd);

        /* Without SO_PEERPIDFD (before Linux 6.5) a pidfd is opened from
         * the pid, which a process that connected and exited at once may
         * have handed on (SECURITY.md). */
        if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0 || pidfd < 0)
                pidfd = pid > 0 ? pidfd_open_process(pid) : -1;
        int r = check_peer_generic(s, pid, why, why_size);
        if (r == 0 && s->peer_check)
                r = s->peer_check(s->peer_check_ctx, pid, pidfd, why, why_size);
        /* Everything read from /proc was about the client only if it is
         * still alive now: a dead one's pid may name another process. */
        if (r == 0 && !pidfd_alive(pidfd)) {
                snprintf(why, why_size, "permission denied: pid %d exited while it was checked",
                         (int)pid);
                r = -EPERM;
        }
        if (pidfd >= 0)
                close(pidfd);
        return r < 0 ? -EPERM : 0;
}

static void on_connection(uv_stream_t *listener, int status)
{
        struct control_server *s =
            container_of((uv_pipe_t *)listener, struct control_server, listener);
        struct control_client *c;
        struct ucred cred;
        socklen_t len = sizeof(cred);
        uv_os_fd_t fd;

        if (status < 0 || s->stopping)
                return;
        c = malloc(sizeof(*c));
        if (!c)
                return;
        memset(c, 0, offsetof(struct control_client, line));
        c->server = s;
        if (uv_pipe_init(s->loop, &c->pipe, 0) < 0) {
                free(c);
                return;
        }
        s->open_handles++;
        c->next = s->clients;
        s->clients = c;
        s->n_clients++;
        uv_unref((uv_handle_t *)&c->pipe);
        if (uv_accept(listener, (uv_stream_t *)&c->pipe) < 0) {
                client_close(c);
                return;
        }
        if (uv_fileno((uv_handle_t *)&c->pipe, &fd) < 0 ||
            getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
                client_close(c);
                return;
        }
        c->pid = cred.pid;
        c->uid = cred.uid;
        if (!may_answer(cred.uid)) {
                char why[128];
                snprintf(why, sizeof(why),
                         "permission denied: uid %u may not answer prompts (only uid %u or root)",
                         (unsigned)cred.uid, (unsigned)geteuid());
                refuse(c, why);
                return;
        }
        char why[160];
        if (check_peer(s, fd, cred.pid, why, sizeof(why)) < 0) {
                refuse(c, why);
                return;
        }
        if (s->n_clients > CONTROL_MAX_CLIENTS) {
                refuse(c, "too many clients");
                return;
        }
        c->accepted = true;
        send_hello(s, c);
        size_t queued = prompt_broker_count(s->broker);
        for (struct prompt *p = prompt_broker_first(s->broker); p; p = prompt_next(p))
                send_request(c, p, --queued);
        if (!c->closing && uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read) < 0)
                client_close(c);
}

int control_default_name(char *buf, size_t size, char *reterr, size_t reterr_size)
{
        int r = scmp_client_default_name((int)getpid(), buf, size);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "naming the control socket: %s",
                                 strerror(-r));
        return 0;
}

static void on_listener_closed(uv_handle_t *handle)
{
        struct control_server *s =
            container_of((uv_pipe_t *)handle, struct control_server, listener);
        server_release(s);
}

/* Binds and listens on an abstract name ourselves (libuv before 1.46
 * knows paths only), and hands the socket to the listener handle. */
static int listen_abstract(uv_pipe_t *listener, const char *name)
{
        struct sockaddr_un sa;
        socklen_t len;
        int r = unix_address(name, &sa, &len);
        if (r < 0)
                return r;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *)&sa, (socklen_t)len) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        r = uv_pipe_open(listener, fd);
        if (r < 0)
                close(fd);
        return r;
}

/* A pathname socket: what may be wrong with its place, said plainly; a
 * stale socket left there by a supervisor that is gone is removed. */
static int check_socket_path(const char *path, char *reterr, size_t reterr_size)
{
        int r = unix_socket_clear_stale(path, reterr, reterr_size);
        if (r < 0)
                return r;
        /* libuv reports a missing directory as EACCES; say what is wrong. */
        char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
        struct stat st;
        snprintf(dir, sizeof(dir), "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                if (stat(dir, &st) < 0)
                        return error_set(reterr, reterr_size, -errno, "%s: %s", dir,
                                         strerror(errno));
                if (!S_ISDIR(st.st_mode))
                        return error_set(reterr, reterr_size, -ENOTDIR, "%s: not a directory", dir);
        }
        return 0;
}

int control_server_start(struct prompt_broker *b, uv_loop_t *loop, const char *path,
                         struct control_server **ret_server, char *reterr, size_t reterr_size)
{
        struct control_server *s;
        bool abstract = path[0] == '@';
        mode_t old;
        int r;

        r = abstract ? 0 : check_socket_path(path, reterr, reterr_size);
        if (r < 0)
                return r;
        s = calloc(1, sizeof(*s));
        if (!s || !(s->path = strdup(path))) {
                free(s);
                return error_set(reterr, reterr_size, -ENOMEM, "out of memory");
        }
        s->broker = b;
        s->loop = loop;
        s->fe.ops = &control_ops;
        s->abstract = abstract;
        /* Sealed commands cannot connect to an abstract socket made
         * outside their domain (seal.h); anywhere else, the peer check
         * must tell them apart itself. */
        s->kernel_keeps_commands_out = abstract && seal_landlock_abi() >= SEAL_LANDLOCK_MIN_ABI;
        r = uv_pipe_init(loop, &s->listener, 0);
        if (r < 0) {
                free(s->path);
                free(s);
                return error_set(reterr, reterr_size, r, "%s: %s", path, uv_strerror(r));
        }
        s->open_handles = 1;
        uv_unref((uv_handle_t *)&s->listener);
        if (abstract) {
                r = listen_abstract(&s->listener, path);
        } else {
                /* umask is process-wide, but the supervisor is single-
                 * threaded here: the socket never exists with looser
                 * permissions. */
                old = umask(077);
                r = uv_pipe_bind(&s->listener, path);
                umask(old);
                if (r == 0 && chmod(path, 0600) < 0)
                        r = -errno;
        }
        if (r == 0)
                r = uv_listen((uv_stream_t *)&s->listener, 16, on_connection);
        if (r < 0) {
                error_set(reterr, reterr_size, r, "%s: %s", path, uv_strerror(r));
                if (!abstract)
                        unlink(path);
                s->stopping = true;
                uv_close((uv_handle_t *)&s->listener, on_listener_closed);
                return r;
        }
        prompt_broker_add_frontend(b, &s->fe);
        *ret_server = s;
        return 0;
}

void control_server_set_peer_check(struct control_server *s, control_peer_check_fn check, void *ctx)
{
        s->peer_check = check;
        s->peer_check_ctx = ctx;
}

void control_server_set_status(struct control_server *s, cJSON *(*status)(void *ctx), void *ctx)
{
        s->status = status;
        s->status_ctx = ctx;
}

void control_server_stop(struct control_server *s)
{
        if (!s || s->stopping)
                return;
        s->stopping = true;
        prompt_broker_remove_frontend(s->broker, &s->fe);
        if (!s->abstract)
                unlink(s->path);
        for (struct control_client *c = s->clients; c; c = c->next)
                client_close(c);
        uv_close((uv_handle_t *)&s->listener, on_listener_closed);
}
