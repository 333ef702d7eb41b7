/* SPDX-License-Identifier: MIT */
/* base/fdio.c: whole writes, and files replaced so nobody sees them half-made. */
#include "base/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fd_write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int fd_read_all(int fd, void *buf, size_t len)
{
        char *p = buf;

        while (len > 0) {
                ssize_t n = read(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -ENODATA;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int file_replace_begin(const char *path, char *tmp, size_t tmp_size)
{
        char dir_buf[PATH_MAX], base_buf[PATH_MAX];

        if (strlen(path) >= sizeof(dir_buf))
                return -ENAMETOOLONG;
        strcpy(dir_buf, path);
        strcpy(base_buf, path);
        const char *dir = dirname(dir_buf), *base = basename(base_buf);
        int n = snprintf(tmp, tmp_size, "%s/.%s.scmp-super-XXXXXX", dir, base);
        if (n < 0 || (size_t)n >= tmp_size)
                return -ENAMETOOLONG;
        /* umask is process-wide; only the loop thread creates files. */
        mode_t old = umask(0777);
        int fd = mkostemp(tmp, O_CLOEXEC);
        int e = errno;
        umask(old);
        return fd < 0 ? -e : fd;
}

int file_replace_commit(int fd, const char *tmp, const char *path, mode_t mode)
{
        char dir_buf[PATH_MAX];
        int r = 0;

        if (fsync(fd) < 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                file_replace_abort(fd, tmp);
                return r;
        }
        /* Readable (and no more) only now that it is in place, where rules
         * protect its name. */
        if (fchmod(fd, mode & 07777) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        snprintf(dir_buf, sizeof(dir_buf), "%s", path);
        int dfd = open(dirname(dir_buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
        }
        return r;
}

void file_replace_abort(int fd, const char *tmp)
{
        if (fd >= 0)
                close(fd);
        unlink(tmp);
}

int file_replace_publish(int fd, const char *tmp, const char *path, mode_t mode)
{
        int r = 0;

        if (fchmod(fd, mode & 07777) < 0 || rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                file_replace_abort(fd, tmp);
                return r;
        }
        return close(fd) < 0 ? -errno : 0;
}

int file_replace_text(const char *path, const char *text)
{
        char tmp[PATH_MAX];
        int fd = file_replace_begin(path, tmp, sizeof(tmp));
        if (fd < 0)
                return fd;
        int r = fd_write_all(fd, text, strlen(text));
        if (r < 0) {
                file_replace_abort(fd, tmp);
                return r;
        }
        mode_t mask = umask(0);
        umask(mask);
        return file_replace_commit(fd, tmp, path, 0644 & ~mask);
}
