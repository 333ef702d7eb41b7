/* SPDX-License-Identifier: MIT */
/* fuzz/fuzz_agent.c: the agent message and listenerMetadata, from random bytes. */
/*
 * The OCI seccomp agent message: random text with a random number of
 * descriptors, parsed directly or received over a real socket pair with the
 * descriptors attached. Besides "no crash", it checks the ownership promise:
 * every descriptor that arrived is closed afterwards, except the one kept as
 * the listener, and that one is closed by agent_message_clear(). A leak
 * here would let a hostile runtime exhaust the daemon's descriptors. A first
 * byte of 0xf0 or more selects the daemon's listenerMetadata parser instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launch/agent.h"
#include "daemon/metadata.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fd_open(int fd)
{
        return fcntl(fd, F_GETFD) >= 0;
}

/* Descriptors open in this process, to see that receiving leaks none. */
static int count_fds(void)
{
        DIR *d = opendir("/proc/self/fd");
        int n = 0;

        if (!d)
                return -1;
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

static int make_fds(int *fds, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (fds[i] < 0) {
                        while (i--)
                                close(fds[i]);
                        return -1;
                }
        }
        return 0;
}

static void check_result(int r, struct agent_message *msg, const char *why)
{
        if (r == 0) {
                FUZZ_CHECK(msg->seccomp_fd >= 0 && fd_open(msg->seccomp_fd));
                /* 0: a runtime's exec (crun), which names no pid. */
                FUZZ_CHECK(msg->pid >= 0 && msg->pid <= 4194304);
                agent_message_clear(msg);
                FUZZ_CHECK(msg->seccomp_fd == -1);
        } else {
                FUZZ_CHECK(r < 0);
                FUZZ_CHECK(why[0] != '\0' || r == -ENOMEM);
        }
}

static void parse_directly(struct fuzz_input *in, size_t n_fds)
{
        int fds[AGENT_MAX_FDS], copy[AGENT_MAX_FDS];
        struct agent_message msg;
        char why[256] = "";

        if (make_fds(fds, n_fds) < 0)
                return;
        memcpy(copy, fds, sizeof(int) * n_fds);
        char *text = malloc(in->left ? in->left : 1);
        if (!text) {
                for (size_t i = 0; i < n_fds; i++)
                        close(fds[i]);
                return;
        }
        memcpy(text, in->data, in->left);
        int r = agent_parse(text, in->left, fds, n_fds, &msg, why, sizeof(why));
        int kept = r == 0 ? msg.seccomp_fd : -1;
        for (size_t i = 0; i < n_fds; i++)
                FUZZ_CHECK(copy[i] == kept || !fd_open(copy[i]));
        check_result(r, &msg, why);
        free(text);
}

/* Over a socket pair, so agent_receive's loop and its control messages are
 * exercised too. The input is small enough to fit the socket's buffer, so
 * one thread can write it all before reading. */
static void receive_from_socket(struct fuzz_input *in, size_t n_fds)
{
        int sv[2], fds[AGENT_MAX_FDS];
        struct agent_message msg;
        char why[256] = "";

        int before = count_fds();
        if (in->left > 65536 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return;
        if (make_fds(fds, n_fds) < 0)
                goto out;
        if (in->left > 0) {
                char *text = malloc(in->left + 1);
                if (!text)
                        goto out_fds;
                memcpy(text, in->data, in->left);
                text[in->left] = '\0';
                /* agent_send stops at a NUL; what follows is sent raw. */
                (void)agent_send(sv[1], text, fds, n_fds);
                size_t sent = strlen(text);
                if (sent < in->left)
                        (void)!write(sv[1], text + sent, in->left - sent);
                free(text);
        }
        shutdown(sv[1], SHUT_WR);
        int r = agent_receive(sv[0], &msg, why, sizeof(why));
        check_result(r, &msg, why);
out_fds:
        for (size_t i = 0; i < n_fds; i++)
                close(fds[i]);
out:
        close(sv[0]);
        close(sv[1]);
        FUZZ_CHECK(count_fds() == before);
}

/* The daemon's listenerMetadata ("policy=NAME;scmp-super-launcher=1"),
 * which arrives inside the agent message. */
static void parse_metadata(struct fuzz_input *in)
{
        struct daemon_metadata meta;
        char why[256] = "";
        char *text = malloc(in->left + 1);

        if (!text)
                return;
        memcpy(text, in->data, in->left);
        text[in->left] = '\0';
        memset(&meta, 0xa5, sizeof(meta));
        int r = daemon_parse_metadata(text, &meta, why, sizeof(why));
        FUZZ_CHECK(r == 0 || (r == -EINVAL && why[0] != '\0'));
        if (r == 0)
                FUZZ_CHECK(memchr(meta.policy, '\0', sizeof(meta.policy)) != NULL);
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct fuzz_input in = {data, size};
        uint8_t mode = fuzz_u8(&in);
        size_t n_fds = (mode >> 1) % (AGENT_MAX_FDS + 1);

        if (mode >= 0xf0)
                parse_metadata(&in);
        else if (mode & 1)
                receive_from_socket(&in, n_fds);
        else
                parse_directly(&in, n_fds);
        return 0;
}
