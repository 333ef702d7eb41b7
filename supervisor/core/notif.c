/* SPDX-License-Identifier: MIT */
/* core/notif.c: the seccomp notification ioctls: receive, answer, check an id. */
#include "core/notif.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int notif_buffers_init(struct notif_buffers *bufs)
{
        /* Asked once: the kernel's answer does not change, and buffers for
         * a daemon's lanes are made after it has confined itself, when
         * seccomp(2) is no longer allowed. The first call is always made
         * before (supervisor_init()), by one thread. */
        static struct seccomp_notif_sizes sizes;

        if (!sizes.seccomp_notif && syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
                sizes.seccomp_notif = 0;
                return -errno;
        }
        bufs->req_size = sizes.seccomp_notif > sizeof(struct seccomp_notif)
                             ? sizes.seccomp_notif
                             : sizeof(struct seccomp_notif);
        bufs->resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
                              ? sizes.seccomp_notif_resp
                              : sizeof(struct seccomp_notif_resp);
        bufs->req = calloc(1, bufs->req_size);
        bufs->resp = calloc(1, bufs->resp_size);
        if (!bufs->req || !bufs->resp) {
                notif_buffers_free(bufs);
                return -ENOMEM;
        }
        return 0;
}

void notif_buffers_free(struct notif_buffers *bufs)
{
        free(bufs->req);
        free(bufs->resp);
        bufs->req = NULL;
        bufs->resp = NULL;
}

int notif_receive(int listener, struct notif_buffers *bufs)
{
        memset(bufs->req, 0, bufs->req_size);
        /* EINTR goes back to the caller: a lane is stopped by a signal that
         * must end its wait. */
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, bufs->req) == 0)
                return 0;
        return -errno;
}

static int respond(int listener, struct notif_buffers *bufs)
{
        for (;;) {
                if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, bufs->resp) == 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}

int notif_respond_continue(int listener, struct notif_buffers *bufs, uint64_t id)
{
        memset(bufs->resp, 0, bufs->resp_size);
        bufs->resp->id = id;
        bufs->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        return respond(listener, bufs);
}

int notif_respond_errno(int listener, struct notif_buffers *bufs, uint64_t id, int error)
{
        memset(bufs->resp, 0, bufs->resp_size);
        bufs->resp->id = id;
        bufs->resp->error = -error;
        return respond(listener, bufs);
}

int notif_respond_value(int listener, struct notif_buffers *bufs, uint64_t id, long value)
{
        memset(bufs->resp, 0, bufs->resp_size);
        bufs->resp->id = id;
        bufs->resp->val = value;
        return respond(listener, bufs);
}

int notif_addfd_send(int listener, struct notif_buffers *bufs, uint64_t id, int fd, bool cloexec)
{
        struct seccomp_notif_addfd addfd = {
            .id = id,
            .flags = SECCOMP_ADDFD_FLAG_SEND,
            .srcfd = (uint32_t)fd,
            .newfd_flags = cloexec ? O_CLOEXEC : 0,
        };
        static bool no_send;
        int r;

        if (!__atomic_load_n(&no_send, __ATOMIC_RELAXED)) {
                do
                        r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
                while (r < 0 && errno == EINTR);
                if (r >= 0)
                        return 0;
                if (errno != EINVAL)
                        return errno == ENOENT ? -ENOENT
                                               : notif_respond_errno(listener, bufs, id, errno);
                __atomic_store_n(&no_send, true, __ATOMIC_RELAXED);
        }
        addfd.flags = 0;
        do
                r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
        while (r < 0 && errno == EINTR);
        if (r < 0)
                return errno == ENOENT ? -ENOENT : notif_respond_errno(listener, bufs, id, errno);
        return notif_respond_value(listener, bufs, id, r);
}

int notif_id_valid(int listener, uint64_t id)
{
        int r;

        do
                r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id);
        while (r < 0 && errno == EINTR);
        return r < 0 ? -errno : 0;
}

bool notif_set_sync_wakeup(int listener)
{
        return ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) ==
               0;
}
