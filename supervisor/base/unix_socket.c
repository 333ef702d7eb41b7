/* SPDX-License-Identifier: MIT */
/* base/unix_socket.c: unix-socket addresses, stale socket files, connecting. */
#include "base/unix_socket.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"

static int fill(const char *name, bool abstract, struct sockaddr_un *ret_addr, socklen_t *ret_len)
{
        size_t len = strlen(name);

        memset(ret_addr, 0, sizeof(*ret_addr));
        ret_addr->sun_family = AF_UNIX;
        if (len == 0 || (abstract && len == 1))
                return -EINVAL;
        if (len >= sizeof(ret_addr->sun_path))
                return -ENAMETOOLONG;
        if (abstract) {
                memcpy(ret_addr->sun_path + 1, name + 1, len - 1);
                *ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
        } else {
                memcpy(ret_addr->sun_path, name, len);
                *ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
        }
        return 0;
}

int unix_address(const char *name, struct sockaddr_un *ret_addr, socklen_t *ret_len)
{
        return fill(name, name[0] == '@', ret_addr, ret_len);
}

int unix_path_address(const char *path, struct sockaddr_un *ret_addr, socklen_t *ret_len)
{
        return fill(path, false, ret_addr, ret_len);
}

int unix_address_error(const char *name, int r, char *reterr, size_t reterr_size)
{
        if (r == -ENAMETOOLONG)
                return error_set(reterr, reterr_size, r,
                                 "%s: longer than the %zu bytes a socket path may have", name,
                                 sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
        return error_set(reterr, reterr_size, r, "an empty socket name");
}

int unix_socket_clear_stale(const char *path, char *reterr, size_t reterr_size)
{
        struct sockaddr_un sa;
        socklen_t sa_len;
        struct stat st;
        int fd, r;

        r = unix_path_address(path, &sa, &sa_len);
        if (r < 0)
                return unix_address_error(path, r, reterr, reterr_size);
        if (lstat(path, &st) < 0)
                return errno == ENOENT ? 0
                                       : error_set(reterr, reterr_size, -errno, "%s: %s", path,
                                                   strerror(errno));
        if (!S_ISSOCK(st.st_mode))
                return error_set(reterr, reterr_size, -EEXIST, "%s: exists and is not a socket",
                                 path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return error_set(reterr, reterr_size, -errno, "socket: %s", strerror(errno));
        r = connect(fd, (struct sockaddr *)&sa, sa_len) < 0 ? -errno : 0;
        close(fd);
        /* EAGAIN: a listener whose backlog is full. */
        if (r == 0 || r == -EAGAIN)
                return error_set(reterr, reterr_size, -EADDRINUSE,
                                 "%s: another process is listening on it", path);
        if (r != -ECONNREFUSED)
                return error_set(reterr, reterr_size, r, "%s: cannot tell whether it is in use: %s",
                                 path, strerror(-r));
        if (unlink(path) < 0 && errno != ENOENT)
                return error_set(reterr, reterr_size, -errno, "%s: removing the stale socket: %s",
                                 path, strerror(errno));
        return 0;
}

int unix_connect(const struct sockaddr_un *addr, socklen_t addr_len, int *ret_fd)
{
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (const struct sockaddr *)addr, addr_len) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}
