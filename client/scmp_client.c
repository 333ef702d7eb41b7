/* SPDX-License-Identifier: MIT */
/* client/scmp_client.c: the control socket's client library, for every client. */
#include "scmp_client.h"

#include "base/error.h"
#include "base/unix_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* How long a send may wait for the supervisor to read. */
#define SEND_TIMEOUT_MS 5000
/* scmp_client_request(): the longest reply (a daemon's status lists every
 * target it serves), and how long each part of it may take to arrive. */
#define REQUEST_REPLY_MAX  (64u << 20)
#define REQUEST_TIMEOUT_MS 10000

struct scmp_client {
        int fd;
        char *buf;
        size_t start;   /* first byte not yet handed out */
        size_t scanned; /* bytes from start already known to hold no newline */
        size_t len, cap;
        size_t line_max; /* longer lines are -EMSGSIZE */
        bool eof;
};

int scmp_client_default_name(int pid, char *buf, size_t size)
{
        uint32_t nonce;
        if (getrandom(&nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce))
                return -errno;
        int n = snprintf(buf, size, SCMP_CLIENT_DEFAULT_PREFIX "%u/%d.%08" PRIx32,
                         (unsigned)getuid(), pid, nonce);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* The server must be our uid or root: an abstract name is anyone's to
 * take, and a path can be another user's socket. */
static int check_server(int fd)
{
        struct ucred cred;
        socklen_t len = sizeof(cred);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return -errno;
        return cred.uid == getuid() || cred.uid == 0 ? 0 : -EPERM;
}

static int connect_name(const char *name, int *ret_fd)
{
        struct sockaddr_un sa;
        socklen_t len;
        int fd, r;

        r = unix_address(name, &sa, &len);
        if (r < 0)
                return r;
        r = unix_connect(&sa, len, &fd);
        if (r < 0)
                return r;
        r = check_server(fd);
        if (r < 0) {
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

int scmp_client_find_socket(char *buf, size_t size, char *reterr, size_t reterr_size)
{
        char prefix[64], line[512];
        size_t found = 0, used = 0;

        snprintf(prefix, sizeof(prefix), SCMP_CLIENT_DEFAULT_PREFIX "%u/", (unsigned)getuid());
        FILE *f = fopen("/proc/net/unix", "re");
        if (!f) {
                snprintf(reterr, reterr_size, "no supervisor found (/proc/net/unix: %s)",
                         strerror(errno));
                return -ENOENT;
        }
        reterr[0] = '\0';
        while (fgets(line, sizeof(line), f)) {
                /* "Num RefCount Protocol Flags Type St Inode Path": a
                 * listening socket has __SO_ACCEPTCON (0x10000) in Flags. */
                unsigned long flags;
                char name[256];
                int fd = -1;
                if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %255s", &flags, name) != 2 ||
                    !(flags & 0x10000) || strncmp(name, prefix, strlen(prefix)) != 0)
                        continue;
                /* A socket of a supervisor that is stopping refuses us. */
                if (connect_name(name, &fd) < 0)
                        continue;
                close(fd);
                if (found++ == 0 && strlen(name) < size)
                        snprintf(buf, size, "%s", name);
                int w = snprintf(reterr + used, reterr_size > used ? reterr_size - used : 0, "%s%s",
                                 used ? ", " : "several supervisors are listening: ", name);
                if (w > 0)
                        used += (size_t)w;
        }
        fclose(f);
        if (found == 0) {
                snprintf(reterr, reterr_size, "no supervisor of uid %u is listening on %s...",
                         (unsigned)getuid(), prefix);
                return -ENOENT;
        }
        if (found > 1)
                return -EEXIST;
        return strlen(buf) + 1 <= size ? 0 : -ENAMETOOLONG;
}

/* A client on the connected socket fd, which it owns from now on (closed
 * on failure too): non-blocking, so reading never waits. */
static int client_new(int fd, size_t line_max, struct scmp_client **ret_client)
{
        struct scmp_client *c;
        int r;

        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        c = calloc(1, sizeof(*c));
        if (!c) {
                close(fd);
                return -ENOMEM;
        }
        c->fd = fd;
        c->line_max = line_max;
        *ret_client = c;
        return 0;
}

int scmp_client_connect(const char *name, struct scmp_client **ret_client)
{
        int fd = -1, r;

        r = connect_name(name, &fd);
        if (r < 0)
                return r;
        return client_new(fd, SCMP_CLIENT_LINE_MAX, ret_client);
}

void scmp_client_close(struct scmp_client *c)
{
        if (!c)
                return;
        close(c->fd);
        free(c->buf);
        free(c);
}

int scmp_client_fd(const struct scmp_client *c)
{
        return c->fd;
}

static bool has_line(struct scmp_client *c)
{
        return memchr(c->buf + c->start + c->scanned, '\n', c->len - c->start - c->scanned) != NULL;
}

int scmp_client_read(struct scmp_client *c)
{
        if (c->start > 0) {
                memmove(c->buf, c->buf + c->start, c->len - c->start);
                c->len -= c->start;
                c->start = 0;
        }
        while (!c->eof) {
                if (c->len - c->start - c->scanned > 0 && has_line(c))
                        return 0; /* let the caller take it first */
                if (c->len >= c->line_max)
                        return -EMSGSIZE;
                if (c->cap - c->len < 4096) {
                        size_t cap = c->cap ? c->cap * 2 : 8192;
                        if (cap > c->line_max + 1)
                                cap = c->line_max + 1;
                        char *buf = realloc(c->buf, cap);
                        if (!buf)
                                return -ENOMEM;
                        c->buf = buf;
                        c->cap = cap;
                }
                ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return 0;
                if (n < 0)
                        return -errno;
                if (n == 0) {
                        c->eof = true;
                        break;
                }
                c->len += (size_t)n;
        }
        return c->len > c->start && has_line(c) ? 0 : -EPIPE;
}

const char *scmp_client_next_line(struct scmp_client *c)
{
        if (!c->buf || c->len == c->start)
                return NULL;
        char *from = c->buf + c->start + c->scanned;
        char *nl = memchr(from, '\n', c->len - c->start - c->scanned);
        if (!nl) {
                c->scanned = c->len - c->start;
                return NULL;
        }
        char *line = c->buf + c->start;
        *nl = '\0';
        c->start = (size_t)(nl - c->buf) + 1;
        c->scanned = 0;
        return line;
}

int scmp_client_next_message(struct scmp_client *c, cJSON **ret_msg)
{
        const char *line = scmp_client_next_line(c);
        cJSON *msg;

        if (!line)
                return 0;
        msg = cJSON_Parse(line);
        if (!cJSON_IsObject(msg)) {
                cJSON_Delete(msg);
                return -EBADMSG;
        }
        *ret_msg = msg;
        return 1;
}

static int64_t monotonic_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int scmp_client_wait_message(struct scmp_client *c, int timeout_ms, cJSON **ret_msg)
{
        int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;

        for (;;) {
                int r = scmp_client_next_message(c, ret_msg);
                if (r != 0)
                        return r;
                r = scmp_client_read(c);
                if (r < 0)
                        return r;
                r = scmp_client_next_message(c, ret_msg);
                if (r != 0)
                        return r;
                int wait = -1;
                if (deadline >= 0) {
                        int64_t left = deadline - monotonic_ms();
                        if (left <= 0)
                                return 0;
                        wait = (int)left;
                }
                struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
                r = poll(&pfd, 1, wait);
                if (r < 0 && errno != EINTR)
                        return -errno;
        }
}

int scmp_client_send_line(struct scmp_client *c, const char *line, size_t len)
{
        int64_t deadline = monotonic_ms() + SEND_TIMEOUT_MS;
        char *msg = malloc(len + 1);
        size_t done = 0;
        int r = 0;

        if (!msg)
                return -ENOMEM;
        memcpy(msg, line, len);
        msg[len] = '\n';
        while (done < len + 1) {
                /* MSG_NOSIGNAL: a supervisor that went away is an error
                 * here, not a SIGPIPE. */
                ssize_t n = send(c->fd, msg + done, len + 1 - done, MSG_NOSIGNAL);
                if (n >= 0) {
                        done += (size_t)n;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                        r = -errno;
                        break;
                }
                int64_t left = deadline - monotonic_ms();
                if (left <= 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
                poll(&pfd, 1, (int)left);
        }
        free(msg);
        return r;
}

int scmp_client_send(struct scmp_client *c, const cJSON *msg)
{
        char *text = cJSON_PrintUnformatted(msg);
        int r;

        if (!text)
                return -ENOMEM;
        r = scmp_client_send_line(c, text, strlen(text));
        cJSON_free(text);
        return r;
}

static int send_reply(struct scmp_client *c, uint64_t id, const char *decision, const char *scope,
                      const char *errno_name, const char *key, const char *value)
{
        cJSON *msg = cJSON_CreateObject();
        int r = -ENOMEM;

        if (!msg || !cJSON_AddNumberToObject(msg, "v", SCMP_CLIENT_PROTOCOL_VERSION) ||
            !cJSON_AddStringToObject(msg, "type", "reply") ||
            !cJSON_AddNumberToObject(msg, "id", (double)id) ||
            !cJSON_AddStringToObject(msg, "decision", decision) ||
            !cJSON_AddStringToObject(msg, "scope", scope ? scope : "once") ||
            (errno_name && !cJSON_AddStringToObject(msg, "errno", errno_name)) ||
            (value && !cJSON_AddStringToObject(msg, key, value)))
                goto out;
        r = scmp_client_send(c, msg);
out:
        cJSON_Delete(msg);
        return r;
}

int scmp_client_reply(struct scmp_client *c, uint64_t id, const char *decision, const char *scope,
                      const char *errno_name, const char *pattern)
{
        return send_reply(c, id, decision, scope, errno_name, "pattern", pattern);
}

int scmp_client_reply_choice(struct scmp_client *c, uint64_t id, const char *decision,
                             const char *scope, const char *errno_name, const char *choice)
{
        return send_reply(c, id, decision, scope, errno_name, "choice", choice);
}

/* The messages every client gets, whatever it asked: the greeting, and
 * the prompts announced to all. A reply is any other line. */
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

/* Why reading the reply ended with r (scmp_client_read()); send_error is
 * how sending the request failed, if it did. */
static int request_read_error(int r, int send_error, char *reterr, size_t reterr_size)
{
        if (r == -EPIPE && send_error)
                return error_set(reterr, reterr_size, send_error, "sending the request: %s",
                                 strerror(-send_error));
        if (r == -EPIPE)
                return error_set(reterr, reterr_size, -ECONNRESET,
                                 "the daemon closed the connection without a reply");
        if (r == -EMSGSIZE)
                return error_set(reterr, reterr_size, r, "reply larger than %u bytes",
                                 REQUEST_REPLY_MAX);
        if (r == -ENOMEM)
                return error_set(reterr, reterr_size, r, "out of memory");
        return error_set(reterr, reterr_size, r, "%s: %s",
                         send_error ? "sending the request" : "reading the reply", strerror(-r));
}

int scmp_client_request(const char *name, const char *request, char **ret_reply, char *reterr,
                        size_t reterr_size)
{
        struct scmp_client *c = NULL;
        struct sockaddr_un addr;
        socklen_t addr_len;
        int fd = -1, r, send_error = 0;

        r = unix_address(name, &addr, &addr_len);
        if (r < 0)
                return unix_address_error(name, r, reterr, reterr_size);
        /* Unlike scmp_client_connect(), no check of the server's uid: the
         * one caller, `scmp-super status`, has never made it (root may
         * ask a daemon of another uid), and this keeps its behaviour. */
        r = unix_connect(&addr, addr_len, &fd);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "cannot connect: %s", strerror(-r));
        r = client_new(fd, REQUEST_REPLY_MAX, &c);
        if (r < 0 || !c) /* !c: for the analyser, which cannot tell errno > 0 */
                return error_set(reterr, reterr_size, r < 0 ? r : -EIO, "cannot connect: %s",
                                 strerror(r < 0 ? -r : EIO));
        r = scmp_client_send_line(c, request, strlen(request));
        if (r == -EPIPE || r == -ECONNRESET) {
                /* A server that refused us closed at once, and its reason
                 * may wait to be read: read it first. */
                send_error = r;
        } else if (r < 0) {
                error_set(reterr, reterr_size, r, "sending the request: %s", strerror(-r));
                goto out;
        }
        for (;;) {
                const char *line;

                r = scmp_client_read(c);
                if (r < 0) {
                        r = request_read_error(r, send_error, reterr, reterr_size);
                        goto out;
                }
                while ((line = scmp_client_next_line(c)))
                        if (!is_announcement(line)) {
                                *ret_reply = strdup(line);
                                r = *ret_reply
                                        ? 0
                                        : error_set(reterr, reterr_size, -ENOMEM, "out of memory");
                                goto out;
                        }
                struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
                int pr = poll(&pfd, 1, REQUEST_TIMEOUT_MS);
                if (pr < 0 && errno == EINTR)
                        continue;
                if (pr <= 0) {
                        r = pr == 0 ? -ETIMEDOUT : -errno;
                        error_set(reterr, reterr_size, r, "no reply: %s", strerror(-r));
                        goto out;
                }
        }
out:
        scmp_client_close(c);
        return r;
}
