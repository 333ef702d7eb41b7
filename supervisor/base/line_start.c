/* SPDX-License-Identifier: MIT */
/* base/line_start.c: whether output shared with a command is at the start of a line. */
#include "base/line_start.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* The byte at offset in the file fd has open. A descriptor opened
 * write-only (the shell's `>`) cannot be read: the file is opened again
 * for reading through /proc, which needs read permission on it. */
static int read_byte_at(int fd, off_t offset, unsigned char *ret_byte)
{
        unsigned char byte;
        ssize_t n = pread(fd, &byte, 1, offset);

        if (n < 0 && errno == EBADF) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
                int again = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
                if (again < 0)
                        return -errno;
                struct stat was, now;
                /* The same file, not whatever the name points at by now. */
                if (fstat(fd, &was) < 0 || fstat(again, &now) < 0 || was.st_dev != now.st_dev ||
                    was.st_ino != now.st_ino) {
                        close(again);
                        return -ESTALE;
                }
                n = pread(again, &byte, 1, offset);
                close(again);
        }
        if (n < 0)
                return -errno;
        if (n != 1)
                return -ENODATA;
        *ret_byte = byte;
        return 0;
}

bool fd_at_line_start(int fd)
{
        struct stat st;
        unsigned char last = 0;

        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return false;
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0)
                return false;
        /* Appending, the next write goes to the end wherever the offset is. */
        off_t offset = flags & O_APPEND ? st.st_size : lseek(fd, 0, SEEK_CUR);
        if (offset < 0)
                return false;
        if (offset == 0)
                return true;
        return read_byte_at(fd, offset - 1, &last) == 0 && last == '\n';
}

int stream_start_line(FILE *out)
{
        if (fflush(out) != 0)
                return -EIO;
        if (!fd_at_line_start(fileno(out)) && fputc('\n', out) == EOF)
                return -EIO;
        return 0;
}
