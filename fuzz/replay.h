/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Replaying a fuzz target's seeds and past crashes in the ordinary test run,
 * where gcc, or the sanitizers of scripts/sanitize.sh, check them: every
 * crash the fuzzer ever found stays fixed. The unit tests
 * tests/unit/test_fuzz_<target>.c include the target's source and this
 * file.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs every file in dir through the target; returns how many, or -errno
 * when the directory cannot be read (a missing directory counts as 0). */
static int fuzz_replay_dir(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        int n = 0;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((e = readdir(d))) {
                char path[4096];
                struct stat st;
                if (e->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                        if (fd >= 0)
                                close(fd);
                        continue;
                }
                uint8_t *buf = malloc((size_t)st.st_size + 1);
                size_t len = 0;
                while (buf && len < (size_t)st.st_size) {
                        ssize_t k = read(fd, buf + len, (size_t)st.st_size - len);
                        if (k <= 0)
                                break;
                        len += (size_t)k;
                }
                close(fd);
                if (!buf)
                        return -ENOMEM;
                /* The name goes first, so a failing check says which input. */
                fprintf(stderr, "replay: %s\n", path);
                LLVMFuzzerTestOneInput(buf, len);
                free(buf);
                n++;
        }
        closedir(d);
        return n;
}
