/* SPDX-License-Identifier: MIT */
#include "agent.h"

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

int agent_receive(int sock, struct agent_message *ret, char *errbuf, size_t errlen)
{
        int fds[AGENT_MAX_FDS];
        size_t n_fds = 0, len = 0, cap = 4096;
        char *text = malloc(cap + 1);
        bool truncated_fds = false;
        int r;

        if (!text)
                return -ENOMEM;
        for (;;) {
                union {
                        char buf[CMSG_SPACE(sizeof(int) * AGENT_MAX_FDS)];
                        struct cmsghdr align;
                } control;
                if (len == cap) {
                        if (cap >= AGENT_MAX_MESSAGE) {
                                snprintf(errbuf, errlen, "message larger than %u bytes",
                                         AGENT_MAX_MESSAGE);
                                r = -EMSGSIZE;
                                goto fail;
                        }
                        cap *= 2;
                        char *grown = realloc(text, cap + 1);
                        if (!grown) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        text = grown;
                }
                struct iovec iov = {text + len, cap - len};
                struct msghdr msg = {.msg_iov = &iov,
                                     .msg_iovlen = 1,
                                     .msg_control = control.buf,
                                     .msg_controllen = sizeof(control.buf)};
                ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                        struct pollfd pfd = {.fd = sock, .events = POLLIN};
                        /* The socket is non-blocking in the daemon; a peer
                         * that stalls mid-message for 5 s is dropped. */
                        int pr = poll(&pfd, 1, 5000);
                        if (pr == 0) {
                                snprintf(errbuf, errlen, "peer stalled mid-message");
                                r = -ETIMEDOUT;
                                goto fail;
                        }
                        continue;
                }
                if (n < 0) {
                        r = -errno;
                        snprintf(errbuf, errlen, "recvmsg: %s", strerror(-r));
                        goto fail;
                }
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                                continue;
                        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        for (size_t i = 0; i < count; i++) {
                                int fd;
                                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                                if (n_fds < AGENT_MAX_FDS)
                                        fds[n_fds++] = fd;
                                else
                                        close(fd);
                        }
                }
                if (msg.msg_flags & MSG_CTRUNC)
                        truncated_fds = true;
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        if (truncated_fds) {
                snprintf(errbuf, errlen, "more descriptors than the %d a message may carry",
                         AGENT_MAX_FDS);
                r = -EMSGSIZE;
                goto fail;
        }
        text[len] = '\0';
        r = agent_parse(text, len, fds, n_fds, ret, errbuf, errlen);
        free(text);
        return r;
fail:
        close_all(fds, n_fds);
        free(text);
        return r;
}

static char *dup_string_field(const cJSON *obj, const char *key)
{
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
        return cJSON_IsString(item) ? strdup(item->valuestring) : NULL;
}

int agent_parse(const char *text, size_t len, int *fds, size_t n_fds, struct agent_message *ret,
                char *errbuf, size_t errlen)
{
        struct agent_message m = {.seccomp_fd = -1};
        cJSON *root = NULL;
        int r = -EBADMSG;

        root = cJSON_ParseWithLength(text, len);
        if (!cJSON_IsObject(root)) {
                snprintf(errbuf, errlen, "not a JSON object");
                goto fail;
        }
        const cJSON *fd_names = cJSON_GetObjectItemCaseSensitive(root, "fds");
        if (!cJSON_IsArray(fd_names)) {
                snprintf(errbuf, errlen, "no \"fds\" array");
                goto fail;
        }
        if ((size_t)cJSON_GetArraySize(fd_names) != n_fds) {
                snprintf(errbuf, errlen, "\"fds\" names %d descriptors but %zu arrived",
                         cJSON_GetArraySize(fd_names), n_fds);
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
                snprintf(errbuf, errlen, "no descriptor named \"seccompFd\"");
                goto fail;
        }
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(root, "pid");
        const cJSON *state = cJSON_GetObjectItemCaseSensitive(root, "state");
        if (!cJSON_IsNumber(pid) && cJSON_IsObject(state))
                pid = cJSON_GetObjectItemCaseSensitive(state, "pid");
        if (!cJSON_IsNumber(pid) || pid->valuedouble < 1 || pid->valuedouble > 4194304) {
                snprintf(errbuf, errlen, "no valid \"pid\"");
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
