/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The seccomp user-notification ioctls, with the definitions Debian 12's
 * headers lack and fallbacks for kernels that refuse newer flags.
 */

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SETFD
#define SECCOMP_ADDFD_FLAG_SETFD (1UL << 0)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_ADDFD
#define SECCOMP_IOCTL_NOTIF_ADDFD SECCOMP_IOW(3, struct seccomp_notif_addfd)
#endif
/* Linux 6.6: wake the target on the supervisor's CPU, which keeps a notified
 * round trip on one core instead of bouncing it through the scheduler. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

struct notif_buffers {
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        size_t req_size, resp_size;
};

/* Sizes come from the kernel (SECCOMP_GET_NOTIF_SIZES): a newer kernel may
 * write more than our headers' structs hold. */
int notif_buffers_init(struct notif_buffers *bufs);
void notif_buffers_free(struct notif_buffers *bufs);

/* Receives one notification into bufs->req (zeroed first, as the kernel
 * requires). -ENOENT: the caller went away before we read it; -EINTR: a
 * signal ended the wait (the caller decides whether to wait again). */
int notif_receive(int listener, struct notif_buffers *bufs);

/* Responses. -ENOENT: the target died or was interrupted; not an error. */
int notif_respond_continue(int listener, struct notif_buffers *bufs, uint64_t id);
int notif_respond_errno(int listener, struct notif_buffers *bufs, uint64_t id, int error);
/* The call returns value, as if the kernel had run it. */
int notif_respond_value(int listener, struct notif_buffers *bufs, uint64_t id, long value);
/* The call returns a new descriptor in the caller, a copy of our fd
 * (SECCOMP_IOCTL_NOTIF_ADDFD, with SEND where the kernel has it: Linux
 * 5.14; before, the number is sent in a second step). */
int notif_addfd_send(int listener, struct notif_buffers *bufs, uint64_t id, int fd, bool cloexec);

/* 0 while the notification is still pending; -ENOENT once it is not. Every
 * read of target memory must be followed by this before its bytes are used,
 * or a recycled pid could have supplied them. */
int notif_id_valid(int listener, uint64_t id);

/* Asks for synchronous wake-ups; returns false (and changes nothing) when the
 * kernel predates Linux 6.6. */
bool notif_set_sync_wakeup(int listener);
