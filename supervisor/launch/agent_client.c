/* SPDX-License-Identifier: MIT */
/* launch/agent_client.c: run --connect's side of the daemon's agent socket. */
#include "launch/agent_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "base/error.h"
#include "base/text.h"
#include "base/unix_socket.h"
#include "daemon/metadata.h"

int agent_client_connect(const char *path, int *ret_fd, char *reterr, size_t reterr_size)
{
        struct sockaddr_un addr;
        socklen_t addr_len;

        int r = unix_path_address(path, &addr, &addr_len);
        if (r < 0)
                return unix_address_error(path, r, reterr, reterr_size);
        r = unix_connect(&addr, addr_len, ret_fd);
        if (r < 0)
                error_set(reterr, reterr_size, r, "cannot connect: %s%s", strerror(-r),
                          r == -ENOENT || r == -ECONNREFUSED ? " (is the daemon running?)" : "");
        return r;
}

char *agent_client_metadata(const char *profile_metadata)
{
        char *text;
        if (asprintf(&text, "%s=1%s%s", DAEMON_LAUNCHER_KEY,
                     profile_metadata && *profile_metadata ? ";" : "",
                     profile_metadata ? profile_metadata : "") < 0)
                return NULL;
        return text;
}

int agent_client_wait_answer(int fd, int child_pidfd, unsigned timeout_ms, char *reterr,
                             size_t reterr_size)
{
        char line[2048];
        size_t len = 0;
        struct timespec start, now;

        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                struct pollfd pfds[2] = {{.fd = fd, .events = POLLIN},
                                         {.fd = child_pidfd, .events = POLLIN}};
                clock_gettime(CLOCK_MONOTONIC, &now);
                long elapsed =
                    (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
                if (elapsed >= (long)timeout_ms)
                        return error_set(reterr, reterr_size, -ETIMEDOUT, "no answer within %u ms",
                                         timeout_ms);
                int pr = poll(pfds, child_pidfd >= 0 ? 2 : 1, (int)(timeout_ms - elapsed));
                if (pr < 0 && errno == EINTR)
                        continue;
                if (pr < 0)
                        return error_set(reterr, reterr_size, -errno, "poll: %s", strerror(errno));
                if (pr == 0)
                        continue;
                if (pfds[0].revents == 0 && pfds[1].revents)
                        return error_set(reterr, reterr_size, -ECHILD,
                                         "the command's launcher exited first");
                ssize_t n = recv(fd, line + len, sizeof(line) - 1 - len, MSG_DONTWAIT);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n < 0)
                        return error_set(reterr, reterr_size, -errno, "reading the answer: %s",
                                         strerror(errno));
                if (n == 0)
                        return error_set(reterr, reterr_size, -ECONNRESET,
                                         "the daemon closed the connection without an answer "
                                         "(its log says why)");
                len += (size_t)n;
                line[len] = '\0';
                char *newline = strchr(line, '\n');
                if (!newline && len < sizeof(line) - 1)
                        continue;
                if (newline)
                        *newline = '\0';
                break;
        }
        cJSON *reply = cJSON_Parse(line);
        const cJSON *ok = cJSON_GetObjectItemCaseSensitive(reply, "ok");
        const cJSON *error = cJSON_GetObjectItemCaseSensitive(reply, "error");
        int r = 0;
        if (!cJSON_IsBool(ok)) {
                r = error_set(reterr, reterr_size, -EBADMSG,
                              "the daemon's answer is not understood");
        } else if (!cJSON_IsTrue(ok)) {
                /* The reason is the daemon's text, shown on our terminal. */
                char safe[512];
                r = error_set(reterr, reterr_size, -EPERM, "%s",
                              text_printable(cJSON_IsString(error) ? error->valuestring : "refused",
                                             safe, sizeof(safe)));
        }
        cJSON_Delete(reply);
        return r;
}
