/* SPDX-License-Identifier: MIT */
/*
 * The control messages of a send, as a hostile caller writes them and
 * act/net.c rewrites them before sending them itself (act_cmsg_rewrite):
 * each descriptor of an SCM_RIGHTS message becomes one of ours, an
 * SCM_CREDENTIALS message naming the caller names us. The input is the
 * control buffer. Besides "no crash, no read or write outside it":
 *   - the result is 0, -EINVAL (malformed, as the kernel says), -EPERM
 *     (source routing) or the taker's error, never anything else;
 *   - every descriptor taken is recorded, no more than the cap;
 *   - on success every descriptor of every SCM_RIGHTS message is one we
 *     handed out, in order, and no byte outside those and the credential
 *     pids changed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "input.h"
#include "act/act.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OURS_BASE 0x10000
#define CAP       253

struct taker {
        int calls;
};

/* A descriptor "taken": ours are numbered from OURS_BASE; a negative one
 * is one the caller does not have. */
static int take(void *ctx, int fd, int *ret_fd)
{
        struct taker *t = ctx;
        if (fd < 0)
                return -EBADF;
        *ret_fd = OURS_BASE + t->calls++;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct taker t = {0};
        int taken[CAP];
        size_t n_taken = 99999;
        char *buf;

        if (size > 4096)
                return 0;
        buf = malloc(size ? size : 1);
        if (!buf)
                return 0;
        if (size)
                memcpy(buf, data, size);
        int r = act_cmsg_rewrite(buf, size, take, &t, 1234, 5678, taken, CAP, &n_taken);
        FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EBADF || r == -EPERM);
        FUZZ_CHECK(n_taken <= CAP);
        FUZZ_CHECK((int)n_taken == t.calls);
        for (size_t i = 0; i < n_taken; i++)
                FUZZ_CHECK(taken[i] == OURS_BASE + (int)i);
        if (r == 0) {
                /* Walk as the kernel does and check what changed. */
                size_t off = 0, next_taken = 0;
                while (size - off >= sizeof(struct cmsghdr)) {
                        struct cmsghdr h;
                        memcpy(&h, data + off, sizeof(h));
                        FUZZ_CHECK(h.cmsg_len >= sizeof(h) && h.cmsg_len <= size - off);
                        size_t d = off + CMSG_LEN(0), n = h.cmsg_len - CMSG_LEN(0);
                        if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS) {
                                for (size_t i = 0; i < n / sizeof(int); i++) {
                                        int fd;
                                        memcpy(&fd, buf + d + i * sizeof(int), sizeof(fd));
                                        FUZZ_CHECK(fd == OURS_BASE + (int)next_taken++);
                                }
                        } else if (!(h.cmsg_level == SOL_SOCKET &&
                                     h.cmsg_type == SCM_CREDENTIALS)) {
                                FUZZ_CHECK(memcmp(buf + d, data + d, n) == 0);
                        }
                        size_t step = CMSG_ALIGN(h.cmsg_len);
                        if (step > size - off)
                                break;
                        off += step;
                }
                FUZZ_CHECK(next_taken == n_taken);
        }
        free(buf);
        return 0;
}
