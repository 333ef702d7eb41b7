/* SPDX-License-Identifier: MIT */
/*
 * Path normalisation, as a hostile target's paths meet it: rules match the
 * normalised path, so a path that normalises wrongly slips past a deny
 * rule. target_resolve_path() runs on this process, with AT_FDCWD, a real
 * directory fd, a pipe, or a bad fd, and a random path. Besides "no crash",
 * a result must be absolute and normal: no "//", no "." or ".." component,
 * no trailing '/', shorter than the buffer; and "/x/../" before a path must
 * not change what an absolute path resolves to.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "core/target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int dir_fd = -1, pipe_fds[2] = {-1, -1};

static void check_normal(const char *p, size_t size)
{
        size_t n = strlen(p);

        FUZZ_CHECK(n < size && n < PATH_MAX);
        FUZZ_CHECK(p[0] == '/');
        FUZZ_CHECK(n == 1 || p[n - 1] != '/');
        FUZZ_CHECK(strstr(p, "//") == NULL);
        for (const char *c = p; (c = strchr(c, '/')); c++) {
                size_t len = strcspn(c + 1, "/");
                FUZZ_CHECK(!(len == 1 && c[1] == '.'));
                FUZZ_CHECK(!(len == 2 && c[1] == '.' && c[2] == '.'));
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char path[PATH_MAX + 64], out[PATH_MAX], again[PATH_MAX], prefixed[sizeof(path) + 8];
        struct fuzz_input in = {data, size};
        int dirfds[4];

        if (dir_fd < 0) {
                dir_fd = open("/usr/share", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dir_fd < 0 || pipe2(pipe_fds, O_CLOEXEC) < 0)
                        abort();
        }
        dirfds[0] = AT_FDCWD;
        dirfds[1] = dir_fd;
        dirfds[2] = pipe_fds[0];
        dirfds[3] = 1000000;
        uint8_t mode = fuzz_u8(&in);
        size_t out_size = (mode & 0x80) ? 1 + fuzz_u16(&in) % sizeof(out) : sizeof(out);
        fuzz_string(&in, path, sizeof(path));

        int r = target_resolve_path(getpid(), dirfds[mode & 3], path, out, out_size);
        if (r < 0)
                return 0;
        check_normal(out, out_size);

        /* An absolute path means the same after a detour through "..". */
        if (path[0] == '/' && strlen(path) + 4 < PATH_MAX) {
                snprintf(prefixed, sizeof(prefixed), "/x/..%s", path);
                if (target_resolve_path(getpid(), AT_FDCWD, prefixed, again, sizeof(again)) == 0)
                        FUZZ_CHECK(strcmp(out, again) == 0 || out_size < sizeof(out));
        }
        /* Normalising a normal path changes nothing. */
        if (target_resolve_path(getpid(), AT_FDCWD, out, again, sizeof(again)) == 0)
                FUZZ_CHECK(strcmp(out, again) == 0);
        return 0;
}
