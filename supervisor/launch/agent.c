/* SPDX-License-Identifier: MIT */
/* launch/agent.c: the OCI seccomp agent message, sent and received with its listener fd. */
#include "launch/agent.h"

#include "base/text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

char *agent_format_message(pid_t pid, const char *metadata, const char *id, const char *bundle)
{
        cJSON *root = cJSON_CreateObject(), *state = cJSON_CreateObject();
        cJSON *fds = cJSON_CreateArray();
        char *text = NULL;

        if (!root || !state || !fds)
                goto out;
        cJSON_AddStringToObject(root, "ociVersion", "1.0.2");
        cJSON_AddItemToArray(fds, cJSON_CreateString("seccompFd"));
        cJSON_AddItemToObject(root, "fds", fds);
        fds = NULL;
        cJSON_AddNumberToObject(root, "pid", pid);
        cJSON_AddStringToObject(root, "metadata", metadata ? metadata : "");
        cJSON_AddStringToObject(state, "ociVersion", "1.0.2");
        cJSON_AddStringToObject(state, "id", id ? id : "");
        cJSON_AddStringToObject(state, "status", "creating");
        cJSON_AddNumberToObject(state, "pid", pid);
        cJSON_AddStringToObject(state, "bundle", bundle ? bundle : "");
        cJSON_AddItemToObject(root, "state", state);
        state = NULL;
        text = cJSON_PrintUnformatted(root);
out:
        cJSON_Delete(root);
        cJSON_Delete(state);
        cJSON_Delete(fds);
        return text;
}

int agent_send(int sock, const char *text, const int *fds, size_t n_fds)
{
        size_t len = strlen(text), sent = 0;
        union {
                char buf[CMSG_SPACE(sizeof(int) * AGENT_MAX_FDS)];
                struct cmsghdr align;
        } control;

        if (n_fds > AGENT_MAX_FDS)
                return -EINVAL;
        while (sent < len) {
                struct iovec iov = {(void *)(text + sent), len - sent};
                struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
                if (sent == 0 && n_fds > 0) {
                        memset(&control, 0, sizeof(control));
                        msg.msg_control = control.buf;
                        msg.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
                        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                        c->cmsg_level = SOL_SOCKET;
                        c->cmsg_type = SCM_RIGHTS;
                        c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
                        memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
                }
                ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                sent += (size_t)n;
        }
        return 0;
}

static void close_all(int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (fds[i] >= 0) {
                        close(fds[i]);
                        fds[i] = -1;
                }
}

void agent_reader_init(struct agent_reader *reader)
{
        memset(reader, 0, sizeof(*reader));
        for (size_t i = 0; i < AGENT_MAX_FDS; i++)
                reader->fds[i] = -1;
}

void agent_reader_clear(struct agent_reader *reader)
{
        close_all(reader->fds, reader->n_fds);
        free(reader->text);
        agent_reader_init(reader);
}

/* Advances the scan over the bytes that arrived since the last call. Returns
 * 1 when the object is complete, 0 when more is needed, -EBADMSG when the
 * text does not start with '{'. */
static int scan_for_end(struct agent_reader *reader)
{
        for (; reader->scanned < reader->len; reader->scanned++) {
                char c = reader->text[reader->scanned];
                if (!reader->started) {
                        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                                continue;
                        if (c != '{')
                                return -EBADMSG;
                        reader->started = true;
                        reader->depth = 1;
                        continue;
                }
                if (reader->in_string) {
                        if (reader->escaped)
                                reader->escaped = false;
                        else if (c == '\\')
                                reader->escaped = true;
                        else if (c == '"')
                                reader->in_string = false;
                        continue;
                }
                switch (c) {
                case '"':
                        reader->in_string = true;
                        break;
                case '{':
                case '[':
                        reader->depth++;
                        break;
                case '}':
                case ']':
                        /* Mismatched kinds are left for the parser to
                         * reject; only the count decides where it ends. */
                        if (--reader->depth == 0) {
                                reader->end = reader->scanned + 1;
                                reader->scanned++;
                                return 1;
                        }
                        break;
                default:
                        break;
                }
        }
        return 0;
}

static void take_fds(struct agent_reader *reader, struct msghdr *msg)
{
        for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < count; i++) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (reader->n_fds < AGENT_MAX_FDS) {
                                reader->fds[reader->n_fds++] = fd;
                        } else {
                                close(fd);
                                reader->truncated_fds = true;
                        }
                }
        }
        if (msg->msg_flags & MSG_CTRUNC)
                reader->truncated_fds = true;
}

int agent_reader_read(struct agent_reader *reader, int sock, char *reterr, size_t reterr_size)
{
        if (reader->end)
                return 1;
        for (;;) {
                union {
                        char buf[CMSG_SPACE(sizeof(int) * AGENT_MAX_FDS)];
                        struct cmsghdr align;
                } control;
                if (reader->len == reader->cap) {
                        if (reader->cap >= AGENT_MAX_MESSAGE) {
                                snprintf(reterr, reterr_size, "message larger than %u bytes",
                                         AGENT_MAX_MESSAGE);
                                return -EMSGSIZE;
                        }
                        size_t cap = reader->cap ? reader->cap * 2 : 4096;
                        char *grown = realloc(reader->text, cap + 1);
                        if (!grown) {
                                snprintf(reterr, reterr_size, "out of memory");
                                return -ENOMEM;
                        }
                        reader->text = grown;
                        reader->cap = cap;
                }
                struct iovec iov = {reader->text + reader->len, reader->cap - reader->len};
                struct msghdr msg = {.msg_iov = &iov,
                                     .msg_iovlen = 1,
                                     .msg_control = control.buf,
                                     .msg_controllen = sizeof(control.buf)};
                ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return 0;
                if (n < 0) {
                        int r = -errno;
                        snprintf(reterr, reterr_size, "recvmsg: %s", strerror(-r));
                        return r;
                }
                take_fds(reader, &msg);
                if (reader->truncated_fds) {
                        snprintf(reterr, reterr_size,
                                 "more descriptors than the %d a message may carry", AGENT_MAX_FDS);
                        return -EMSGSIZE;
                }
                if (n == 0) {
                        snprintf(reterr, reterr_size, "%s",
                                 reader->len == 0
                                     ? "connection closed before a message arrived"
                                     : "connection closed in the middle of the message");
                        return -EBADMSG;
                }
                reader->len += (size_t)n;
                int r = scan_for_end(reader);
                if (r == -EBADMSG) {
                        snprintf(reterr, reterr_size, "not a JSON object");
                        return r;
                }
                if (r == 1)
                        return 1;
        }
}

int agent_reader_finish(struct agent_reader *reader, struct agent_message *ret, char *reterr,
                        size_t reterr_size)
{
        if (!reader->end) {
                snprintf(reterr, reterr_size, "the message is not complete");
                return -EBADMSG;
        }
        int r = agent_parse(reader->text, reader->end, reader->fds, reader->n_fds, ret, reterr,
                            reterr_size);
        /* agent_parse took every descriptor, kept or closed. */
        reader->n_fds = 0;
        return r;
}

int agent_receive(int sock, struct agent_message *ret, char *reterr, size_t reterr_size)
{
        struct agent_reader reader;
        int r;

        agent_reader_init(&reader);
        while ((r = agent_reader_read(&reader, sock, reterr, reterr_size)) == 0) {
                struct pollfd pfd = {.fd = sock, .events = POLLIN};
                /* Only a non-blocking socket gets here; a peer that stalls
                 * mid-message for 5 s is dropped. */
                int pr = poll(&pfd, 1, 5000);
                if (pr == 0) {
                        snprintf(reterr, reterr_size, "peer stalled mid-message");
                        r = -ETIMEDOUT;
                        break;
                }
                if (pr < 0 && errno != EINTR) {
                        r = -errno;
                        snprintf(reterr, reterr_size, "poll: %s", strerror(-r));
                        break;
                }
        }
        if (r == 1)
                r = agent_reader_finish(&reader, ret, reterr, reterr_size);
        agent_reader_clear(&reader);
        return r;
}

static char *dup_string_field(const cJSON *obj, const char *key)
{
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
        return cJSON_IsString(item) ? strdup(item->valuestring) : NULL;
}

/* A refused message still names its container where it can, so the log
 * says which one will get ENOSYS: "container ID: " before the reason. */
static void name_container(const cJSON *root, char *reterr, size_t reterr_size)
{
        const cJSON *state =
            cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "state") : NULL;
        const cJSON *id =
            cJSON_IsObject(state) ? cJSON_GetObjectItemCaseSensitive(state, "id") : NULL;
        char why[256], safe[160];

        if (!id || !cJSON_IsString(id) || !id->valuestring || !id->valuestring[0] ||
            reterr_size == 0)
                return;
        snprintf(why, sizeof(why), "%s", reterr);
        snprintf(reterr, reterr_size, "container %s: %s",
                 text_printable(id->valuestring, safe, sizeof(safe)), why);
}

int agent_parse(const char *text, size_t len, int *fds, size_t n_fds, struct agent_message *ret,
                char *reterr, size_t reterr_size)
{
        struct agent_message m = {.seccomp_fd = -1};
        cJSON *root = NULL;
        int r = -EBADMSG;

        root = cJSON_ParseWithLength(text, len);
        if (!cJSON_IsObject(root)) {
                snprintf(reterr, reterr_size, "not a JSON object");
                goto fail;
        }
        const cJSON *fd_names = cJSON_GetObjectItemCaseSensitive(root, "fds");
        if (!cJSON_IsArray(fd_names)) {
                snprintf(reterr, reterr_size, "no \"fds\" array");
                goto fail;
        }
        if ((size_t)cJSON_GetArraySize(fd_names) != n_fds) {
                snprintf(reterr, reterr_size, "\"fds\" names %d descriptor%s but %zu arrived",
                         cJSON_GetArraySize(fd_names), cJSON_GetArraySize(fd_names) == 1 ? "" : "s",
                         n_fds);
                goto fail;
        }
        size_t i = 0;
        const cJSON *name;
        cJSON_ArrayForEach(name, fd_names)
        {
                if (cJSON_IsString(name) && strcmp(name->valuestring, "seccompFd") == 0 &&
                    m.seccomp_fd < 0) {
                        m.seccomp_fd = fds[i];
                        fds[i] = -1;
                }
                i++;
        }
        if (m.seccomp_fd < 0) {
                snprintf(reterr, reterr_size, "no descriptor named \"seccompFd\"");
                goto fail;
        }
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(root, "pid");
        const cJSON *state = cJSON_GetObjectItemCaseSensitive(root, "state");
        if (!cJSON_IsNumber(pid) && cJSON_IsObject(state))
                pid = cJSON_GetObjectItemCaseSensitive(state, "pid");
        /* 0 is what crun sends for a process it execs into a running
         * container (runc sends the real pid); the pid is only a name for
         * logs, except for a scmp-super launcher, whose caller checks it. */
        if (!cJSON_IsNumber(pid) || pid->valuedouble < 0 || pid->valuedouble > 4194304 ||
            pid->valuedouble != (double)(pid_t)pid->valuedouble) {
                snprintf(reterr, reterr_size, "no valid \"pid\"");
                goto fail;
        }
        m.pid = (pid_t)pid->valuedouble;
        /* Any ociVersion is accepted: crun sends "0.2.0", runc "1.0.2". */
        m.oci_version = dup_string_field(root, "ociVersion");
        m.metadata = dup_string_field(root, "metadata");
        if (cJSON_IsObject(state)) {
                m.id = dup_string_field(state, "id");
                m.bundle = dup_string_field(state, "bundle");
                m.status = dup_string_field(state, "status");
        }
        cJSON_Delete(root);
        close_all(fds, n_fds);
        *ret = m;
        return 0;
fail:
        name_container(root, reterr, reterr_size);
        cJSON_Delete(root);
        close_all(fds, n_fds);
        agent_message_clear(&m);
        return r;
}

void agent_message_clear(struct agent_message *m)
{
        free(m->oci_version);
        free(m->metadata);
        free(m->id);
        free(m->bundle);
        free(m->status);
        if (m->seccomp_fd >= 0)
                close(m->seccomp_fd);
        *m = (struct agent_message){.seccomp_fd = -1};
}
