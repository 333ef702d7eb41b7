/* SPDX-License-Identifier: MIT */
/* act/net.c: an allowed connect, bind or send performed for the caller, with the address decided.
 */
/*
 * The kernel reads a call's socket address again after a CONTINUE, and
 * looks its descriptor up again: another thread of the caller could by
 * then have written another address, or put another socket at that
 * number. So the call is made here, on the socket the decision was made
 * on (a duplicate of the caller's: the same open file, so the same
 * O_NONBLOCK, options and peer), with the address the decision was made
 * on, and the data read once. Its result is the call's.
 *
 * A unix socket path is looked up again for the caller and must still
 * name the file decided; it is then reached through an O_PATH descriptor
 * of the socket file ("/proc/self/fd/N"), so no symlink swapped in since
 * can send the call elsewhere.
 *
 * What differs from the caller making the call itself, each in
 * SECURITY.md: a unix socket's peer sees our process id (its uid and gid
 * are the caller's: we act with its credentials); a send waiting for room
 * is retried by a thread of ours; a bind of a unix socket path is
 * continued (its name is what getsockname() and peers see).
 */
#include "act/act_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* The most data one performed send carries: a stream send of more is
 * short (which a blocking send may be), a datagram gets EMSGSIZE. */
#define SEND_MAX ((size_t)4 << 20)
/* Control data: the kernel's optmem_max is 20 KiB to 128 KiB. */
#define CONTROL_MAX ((size_t)64 << 10)
/* The kernel's UIO_MAXIOV and SCM_MAX_FD. */
#define IOV_MAX_KERNEL 1024
#define SCM_MAX_FD     253
/* How often a send waiting off the lane asks whether it is still wanted. */
#define WAIT_SLICE_MS 200

static int arg_int(uint64_t arg)
{
        return (int)(int32_t)(uint32_t)arg;
}

bool act_performs_net(int nr)
{
        return nr == __NR_connect || nr == __NR_bind || nr == __NR_sendto || nr == __NR_sendmsg ||
               nr == __NR_sendmmsg;
}

/* A pidfd of thread tid: its own descriptor table (one made without
 * CLONE_FILES differs); before Linux 6.9 only a thread group leader has a
 * pidfd. */
static int open_thread_pidfd(pid_t tid)
{
        int pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
        if (pidfd < 0 && errno == EINVAL)
                pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
        if (pidfd < 0)
                return errno == EINVAL ? -ESRCH : -errno;
        return pidfd;
}

int act_take_fd_via(struct act_pidfd *cache, pid_t tid, int fd, int *ret_fd)
{
        bool fresh = false;
        int r;

        if (fd < 0)
                return -EBADF;
        if (cache->fd >= 0 && cache->tid != tid) {
                close(cache->fd);
                cache->fd = -1;
        }
        for (;;) {
                if (cache->fd < 0) {
                        r = open_thread_pidfd(tid);
                        if (r < 0)
                                return r;
                        cache->fd = r;
                        cache->tid = tid;
                        fresh = true;
                }
                r = (int)syscall(SYS_pidfd_getfd, cache->fd, fd, 0);
                if (r >= 0) {
                        *ret_fd = r;
                        return 0;
                }
                r = -errno;
                /* A pidfd names one task for good: a thread that has gone
                 * since (its tid perhaps another's now) needs a new one. */
                if (r != -ESRCH || fresh)
                        return r;
                close(cache->fd);
                cache->fd = -1;
        }
}

void act_pidfd_close(struct act_pidfd *cache)
{
        if (cache->fd >= 0)
                close(cache->fd);
        cache->fd = -1;
}

int act_take_fd(pid_t tid, int fd, int *ret_fd)
{
        struct act_pidfd once = {.fd = -1};
        int r = act_take_fd_via(&once, tid, fd, ret_fd);
        act_pidfd_close(&once);
        return r;
}

int act_cmsg_rewrite(void *control, size_t len, int (*take_fd)(void *ctx, int fd, int *ret_fd),
                     void *ctx, pid_t caller_pid, pid_t our_pid, int *taken, size_t taken_cap,
                     size_t *n_taken)
{
        char *base = control;
        size_t off = 0;

        *n_taken = 0;
        /* As the kernel walks them (for_each_cmsghdr, CMSG_OK). */
        while (len - off >= sizeof(struct cmsghdr)) {
                struct cmsghdr h;
                size_t data, n;

                memcpy(&h, base + off, sizeof(h));
                if (h.cmsg_len < sizeof(h) || h.cmsg_len > len - off)
                        return -EINVAL;
                data = off + CMSG_LEN(0);
                n = h.cmsg_len - CMSG_LEN(0);
                if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS) {
                        if (n / sizeof(int) > SCM_MAX_FD)
                                return -EINVAL;
                        for (size_t i = 0; i < n / sizeof(int); i++) {
                                int fd, ours;
                                memcpy(&fd, base + data + i * sizeof(int), sizeof(fd));
                                if (*n_taken >= taken_cap)
                                        return -EINVAL;
                                int r = take_fd(ctx, fd, &ours);
                                if (r < 0)
                                        return r;
                                taken[(*n_taken)++] = ours;
                                memcpy(base + data + i * sizeof(int), &ours, sizeof(ours));
                        }
                } else if ((h.cmsg_level == IPPROTO_IP && h.cmsg_type == IP_RETOPTS) ||
                           (h.cmsg_level == IPPROTO_IPV6 &&
                            (h.cmsg_type == IPV6_RTHDR || h.cmsg_type == IPV6_2292RTHDR))) {
                        /* Source routing: the packet would go elsewhere
                         * than the address decided. */
                        return -EPERM;
                } else if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_CREDENTIALS) {
                        struct ucred cred;
                        if (h.cmsg_len != CMSG_LEN(sizeof(cred)))
                                return -EINVAL;
                        memcpy(&cred, base + data, sizeof(cred));
                        /* The kernel lets a sender name itself; we send. */
                        if (cred.pid == caller_pid) {
                                cred.pid = our_pid;
                                memcpy(base + data, &cred, sizeof(cred));
                        }
                }
                size_t step = CMSG_ALIGN(h.cmsg_len);
                if (step > len - off)
                        break;
                off += step;
        }
        return 0;
}

static void answer_error(struct act_result *ret, int error)
{
        *ret = (struct act_result){.kind = ACT_ANSWER_ERROR, .error = error, .fd = -1};
}

static void answer_value(struct act_result *ret, long value)
{
        *ret = (struct act_result){.kind = ACT_ANSWER_VALUE, .value = value, .fd = -1};
}

/* What one performance holds, to give back at the end. */
struct net_job {
        const struct policy_call *call;
        const struct act_reader *reader;
        bool root_is_ours;
        int sock;
        bool own_sock; /* taken here, closed at the end */
        int domain;
        int type;
        bool nonblocking; /* the open file's O_NONBLOCK */
        pid_t caller_pid; /* the caller's tgid as it sees it, for SCM_CREDENTIALS */
        /* The caller's credentials, read when first needed and taken on
         * around each call made for it that the kernel checks them on
         * (job_needs_creds()); descriptors are taken from it as ourselves,
         * since pidfd_getfd() needs our right to trace it. */
        bool own_command;
        bool creds_read;
        struct act_creds *creds; /* NULL: ours will do */
        struct act_saved_creds saved;
        /* One message being sent. */
        struct sockaddr_storage name;
        socklen_t name_len;
        int unix_fd;
        char *data;
        char *control;
        int taken[SCM_MAX_FD];
        size_t n_taken;
};

/*
 * Whether the kernel checks the acting credentials for this call: a unix
 * socket's peer records them (SO_PEERCRED) and its file is checked for
 * write; bind checks CAP_NET_BIND_SERVICE and the like; control messages
 * (SO_MARK, SO_PRIORITY, SCM_CREDENTIALS) check capabilities and ids. An
 * IP connect or a send without control data checks none: what netfilter's
 * owner match and cgroup programs see is the socket's own, from its
 * creation by the caller. Other families are not known: checked.
 */
static bool job_needs_creds(const struct net_job *j, bool control)
{
        return control || j->call->nr == __NR_bind ||
               (j->call->sock_domain != AF_INET && j->call->sock_domain != AF_INET6);
}

/* Reads the caller's credentials, once (0 or an errno); j->creds stays
 * NULL where ours will do: a command of ours, unprivileged as we are. */
static int job_read_creds(struct net_job *j)
{
        int r;

        if (j->creds_read)
                return 0;
        j->creds_read = true;
        if (j->own_command && act_creds_we_are_unprivileged())
                return 0; /* it has our rights or fewer */
        j->creds = malloc(sizeof(*j->creds));
        if (!j->creds)
                return ENOMEM;
        r = act_creds_read(j->call->pid, j->creds);
        if (r < 0) {
                free(j->creds);
                j->creds = NULL;
                j->creds_read = false;
                return r == -ESRCH ? ESRCH : -r;
        }
        return 0;
}

/* Takes on the caller's credentials if the call needs them (0 or an errno). */
static int job_enter(struct net_job *j, bool control)
{
        int r;

        if (!job_needs_creds(j, control))
                return 0;
        r = job_read_creds(j);
        if (r)
                return r;
        r = j->creds ? act_creds_enter(j->creds, false, &j->saved) : 0;
        return r < 0 ? -r : 0;
}

static void job_leave(struct net_job *j)
{
        act_creds_leave(&j->saved);
        j->saved = (struct act_saved_creds){0};
}

static void job_message_clear(struct net_job *j)
{
        if (j->unix_fd >= 0)
                close(j->unix_fd);
        j->unix_fd = -1;
        free(j->data);
        free(j->control);
        j->data = j->control = NULL;
        for (size_t i = 0; i < j->n_taken; i++)
                close(j->taken[i]);
        j->n_taken = 0;
}

/*
 * The address to pass for decided address a: as decided, but a unix
 * socket path becomes "/proc/self/fd/N" of the socket file, found again
 * for the caller under the name decided. 0, or the errno to answer.
 */
static int job_name(struct net_job *j, const struct policy_addr *a, bool bind)
{
        const struct sockaddr_un *sun = (const struct sockaddr_un *)&a->sa;
        struct act_resolved res = ACT_RESOLVED_INIT;
        struct act_view view = {.root_fd = -1};
        char raw[sizeof(sun->sun_path) + 1];
        struct sockaddr_un *out = (struct sockaddr_un *)&j->name;
        int r, e = 0;

        memcpy(&j->name, &a->sa, sizeof(j->name));
        j->name_len = a->len;
        if (a->len <= offsetof(struct sockaddr_un, sun_path) || sun->sun_family != AF_UNIX ||
            sun->sun_path[0] == '\0' || bind)
                return 0;
        size_t max = a->len - offsetof(struct sockaddr_un, sun_path);
        if (max > sizeof(sun->sun_path))
                max = sizeof(sun->sun_path);
        memcpy(raw, sun->sun_path, max);
        raw[max] = '\0';

        r = act_view_open(&view, j->call->pid, j->root_is_ours);
        if (r == 0)
                r = act_resolve(&view, AT_FDCWD, raw, 0, &res);
        if (r < 0) {
                e = r == -ESRCH ? ESRCH : -r;
                goto out;
        }
        const char *got = res.named ? res.name : NULL;
        if (res.error == 0 &&
            !(got == a->unix_path || (got && a->unix_path && strcmp(got, a->unix_path) == 0))) {
                e = EAGAIN; /* another file since the decision */
                goto out;
        }
        if (res.error) {
                e = res.error;
                goto out;
        }
        j->unix_fd = res.dir_fd >= 0 ? openat(res.dir_fd, res.last, O_PATH | O_NOFOLLOW | O_CLOEXEC)
                                     : fcntl(res.obj_fd, F_DUPFD_CLOEXEC, 3);
        struct stat st;
        if (j->unix_fd < 0) {
                e = errno;
                goto out;
        }
        if (fstat(j->unix_fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
                e = ECONNREFUSED; /* as the kernel says of a file that is no socket */
                goto out;
        }
        memset(out, 0, sizeof(*out));
        out->sun_family = AF_UNIX;
        snprintf(out->sun_path, sizeof(out->sun_path), "/proc/self/fd/%d", j->unix_fd);
        j->name_len =
            (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(out->sun_path) + 1);
out:
        act_resolved_clear(&res);
        act_view_close(&view);
        return e;
}

static int take_callers_fd(void *ctx, int fd, int *ret_fd)
{
        const struct net_job *j = ctx;
        return act_take_fd(j->call->pid, fd, ret_fd);
}

/*
 * The data and control of one message (hdr: the caller's struct msghdr,
 * already read), into j and *msg. 0, or the errno to answer.
 */
/* iovecs i .. i+k of hdr into vec: the caller's, or sendto's one, which
 * is ours (local). */
static int read_iovecs(const struct net_job *j, const struct msghdr *hdr, bool local, size_t i,
                       size_t k, struct iovec *vec)
{
        if (local) {
                memcpy(vec, hdr->msg_iov + i, k * sizeof(*vec));
                return 0;
        }
        return j->reader->memory(j->call->pid, (uint64_t)(uintptr_t)hdr->msg_iov + i * sizeof(*vec),
                                 vec, k * sizeof(*vec));
}

#ifndef CAP_SETGID
#define CAP_SETGID 6
#define CAP_SETUID 7
#endif

static bool id_is_callers(uint32_t id, uint32_t real, uint32_t effective, uint32_t saved)
{
        return id == real || id == effective || id == saved;
}

/*
 * SCM_CREDENTIALS on a unix socket. The kernel accepts credentials that
 * name any of the sender's real, effective or saved ids, and attaches the
 * sender's real ids when none are given and a side asks (SO_PASSCRED): as
 * the sender, a root supervisor would let a caller claim to be root. The
 * real ids stay ours (act/creds.c), so credentials a message names must be
 * ones the caller may name (EPERM, as the kernel says), and a message that
 * names none is given the caller's, naming our pid (SECURITY.md). 0, or
 * the errno to answer.
 */
static int job_credentials(struct net_job *j, struct msghdr *msg)
{
        const struct act_creds *c;
        int e;

        if (j->domain != AF_UNIX)
                return 0;
        e = job_read_creds(j);
        if (e)
                return e;
        c = j->creds;
        uint64_t caps = c && c->same_userns ? c->cap_eff : 0;
        const char *base = msg->msg_control;
        size_t len = msg->msg_controllen, off = 0;
        bool named = false;

        if (!c || j->domain != AF_UNIX)
                return 0;
        /* As act_cmsg_rewrite() walked them, which checked their lengths. */
        while (base && len - off >= sizeof(struct cmsghdr)) {
                struct cmsghdr h;
                struct ucred cred;

                memcpy(&h, base + off, sizeof(h));
                if (h.cmsg_len < sizeof(h) || h.cmsg_len > len - off)
                        return EINVAL;
                if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_CREDENTIALS &&
                    h.cmsg_len == CMSG_LEN(sizeof(cred))) {
                        memcpy(&cred, base + off + CMSG_LEN(0), sizeof(cred));
                        if ((!(caps & (1ULL << CAP_SETUID)) &&
                             !id_is_callers(cred.uid, c->ruid, c->euid, c->suid)) ||
                            (!(caps & (1ULL << CAP_SETGID)) &&
                             !id_is_callers(cred.gid, c->rgid, c->egid, c->sgid)))
                                return EPERM;
                        named = true;
                }
                size_t step = CMSG_ALIGN(h.cmsg_len);
                if (step > len - off)
                        break;
                off += step;
        }
        if (named)
                return 0;

        /* The caller's real ids, first of the control data; its effective
         * ones where the kernel would refuse those to us (a set-user-ID
         * caller), which it may name as well. */
        struct ucred cred = {.pid = getpid(), .uid = c->ruid, .gid = c->rgid};
        if (cred.uid != c->euid && cred.uid != getuid())
                cred.uid = c->euid;
        if (cred.gid != c->egid && cred.gid != getgid())
                cred.gid = c->egid;
        size_t size = CMSG_SPACE(sizeof(cred)) + len;
        char *control = calloc(1, size);
        if (!control)
                return ENOMEM;
        struct cmsghdr *h = (struct cmsghdr *)control;
        h->cmsg_len = CMSG_LEN(sizeof(cred));
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_CREDENTIALS;
        memcpy(CMSG_DATA(h), &cred, sizeof(cred));
        if (base && len)
                memcpy(control + CMSG_SPACE(sizeof(cred)), base, len);
        free(j->control);
        j->control = control;
        msg->msg_control = control;
        msg->msg_controllen = size;
        return 0;
}

static int job_message(struct net_job *j, const struct msghdr *hdr, bool local, struct msghdr *msg,
                       struct iovec *iov)
{
        struct iovec vec[64];
        size_t total = 0, n = hdr->msg_iovlen, got = 0;
        int r;

        if (n > IOV_MAX_KERNEL)
                return EMSGSIZE;
        /* The iovecs, in slices of 64, their lengths first. */
        for (size_t i = 0; i < n; i += 64) {
                size_t k = n - i < 64 ? n - i : 64;
                if (read_iovecs(j, hdr, local, i, k, vec) < 0)
                        return EFAULT;
                for (size_t m = 0; m < k; m++) {
                        if (vec[m].iov_len > (size_t)SSIZE_MAX)
                                return EINVAL;
                        total += vec[m].iov_len < SEND_MAX ? vec[m].iov_len : SEND_MAX;
                        if (total > SEND_MAX)
                                total = SEND_MAX + 1;
                }
        }
        if (total > SEND_MAX) {
                if (j->type != SOCK_STREAM)
                        return EMSGSIZE;
                total = SEND_MAX; /* a short send, as a stream may make */
        }
        j->data = malloc(total ? total : 1);
        if (!j->data)
                return ENOMEM;
        for (size_t i = 0; i < n && got < total; i += 64) {
                size_t k = n - i < 64 ? n - i : 64;
                if (read_iovecs(j, hdr, local, i, k, vec) < 0)
                        return EFAULT;
                for (size_t m = 0; m < k && got < total; m++) {
                        size_t len = vec[m].iov_len < total - got ? vec[m].iov_len : total - got;
                        if (len &&
                            j->reader->memory(j->call->pid, (uint64_t)(uintptr_t)vec[m].iov_base,
                                              j->data + got, len) < 0)
                                return EFAULT;
                        got += len;
                }
        }
        *iov = (struct iovec){.iov_base = j->data, .iov_len = got};
        *msg = (struct msghdr){.msg_iov = iov, .msg_iovlen = 1};

        if (hdr->msg_controllen > 0) {
                if (hdr->msg_controllen > CONTROL_MAX)
                        return ENOBUFS;
                j->control = malloc(hdr->msg_controllen);
                if (!j->control)
                        return ENOMEM;
                if (j->reader->memory(j->call->pid, (uint64_t)(uintptr_t)hdr->msg_control,
                                      j->control, hdr->msg_controllen) < 0)
                        return EFAULT;
                /* The caller's pid as it names itself, for SCM_CREDENTIALS. */
                pid_t nstid;
                if (j->caller_pid == 0 && act_read_nspids(j->call->pid, &j->caller_pid, &nstid) < 0)
                        j->caller_pid = -1;
                r = act_cmsg_rewrite(j->control, hdr->msg_controllen, take_callers_fd, j,
                                     j->caller_pid, getpid(), j->taken,
                                     sizeof(j->taken) / sizeof(j->taken[0]), &j->n_taken);
                if (r < 0)
                        return -r;
                msg->msg_control = j->control;
                msg->msg_controllen = hdr->msg_controllen;
        }
        return job_credentials(j, msg);
}

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Sends msg as the caller asked (flags), never waiting on the lane: a send
 * the caller would wait in is retried here, off the lane (may_block),
 * until there is room, SO_SNDTIMEO passes, or nobody waits any more.
 * Returns the bytes sent, or -errno; -EWOULDBLOCK with *ret_blocks when it
 * must wait and may not.
 */
static ssize_t job_send(struct net_job *j, struct msghdr *msg, int flags, bool may_block,
                        const struct act_waiter *waiter, bool *ret_blocks)
{
        bool caller_waits = !j->nonblocking && !(flags & MSG_DONTWAIT);
        struct timeval tv = {0};
        socklen_t tv_len = sizeof(tv);
        long long deadline = -1;

        *ret_blocks = false;
        /* MSG_ZEROCOPY would have the kernel send from our buffer after
         * we have freed it and reused it for other calls: what a peer then
         * got would be the supervisor's memory. Where the socket would
         * honour it (SO_ZEROCOPY), the answer is the kernel's own when it
         * cannot, ENOBUFS, on which callers copy; elsewhere the kernel
         * ignores the flag. It is never passed on, so a thread setting
         * SO_ZEROCOPY meanwhile changes nothing. */
        if (flags & MSG_ZEROCOPY) {
                int zerocopy = 0;
                socklen_t zerocopy_len = sizeof(zerocopy);
                if (getsockopt(j->sock, SOL_SOCKET, SO_ZEROCOPY, &zerocopy, &zerocopy_len) == 0 &&
                    zerocopy)
                        return -ENOBUFS;
                flags &= ~MSG_ZEROCOPY;
        }
        for (;;) {
                ssize_t n = sendmsg(j->sock, msg, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n >= 0)
                        return n;
                if ((errno != EAGAIN && errno != EWOULDBLOCK) || !caller_waits)
                        return -errno;
                if (!may_block) {
                        *ret_blocks = true;
                        return -EWOULDBLOCK;
                }
                if (deadline < 0 &&
                    getsockopt(j->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, &tv_len) == 0 &&
                    (tv.tv_sec || tv.tv_usec))
                        deadline = now_ms() + (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
                if (deadline >= 0 && now_ms() >= deadline)
                        return -EWOULDBLOCK;
                struct pollfd p = {.fd = j->sock, .events = POLLOUT};
                if (poll(&p, 1, WAIT_SLICE_MS) < 0 && errno != EINTR)
                        return -errno;
                if (waiter && !waiter->wanted(waiter->ctx))
                        return -ECANCELED;
        }
}

static int perform_connect_bind(struct net_job *j, bool may_block, struct act_result *ret)
{
        const struct policy_call *call = j->call;
        bool bind_call = call->nr == __NR_bind;
        const struct policy_addr *a = &call->addrs[0];
        const struct sockaddr_un *sun = (const struct sockaddr_un *)&a->sa;
        int e;

        if (bind_call && a->len > offsetof(struct sockaddr_un, sun_path) &&
            sun->sun_family == AF_UNIX && sun->sun_path[0] != '\0') {
                /* Its name is the text passed, which getsockname() and
                 * peers see: continued (SECURITY.md). */
                *ret = (struct act_result){.kind = ACT_ANSWER_CONTINUE, .fd = -1};
                return 0;
        }
        if (!bind_call && !may_block && !j->nonblocking &&
            (j->type == SOCK_STREAM || j->type == SOCK_SEQPACKET)) {
                *ret = (struct act_result){.kind = ACT_ANSWER_BLOCKS, .fd = -1};
                return 0;
        }
        e = job_enter(j, false);
        if (e == 0)
                e = job_name(j, a, bind_call);
        if (e == 0) {
                int r = bind_call ? bind(j->sock, (struct sockaddr *)&j->name, j->name_len)
                                  : connect(j->sock, (struct sockaddr *)&j->name, j->name_len);
                e = r < 0 ? errno : 0;
        }
        job_leave(j);
        if (e)
                answer_error(ret, e);
        else
                answer_value(ret, 0);
        return 0;
}

/* One message of a send: hdr is what the caller passed (sendto's made
 * up), a its decided address. Returns bytes sent or -errno. */
static ssize_t send_one(struct net_job *j, const struct msghdr *hdr, bool local,
                        const struct policy_addr *a, int flags, bool may_block,
                        const struct act_waiter *waiter, bool *ret_blocks)
{
        struct msghdr msg;
        struct iovec iov;
        ssize_t n;
        int e;

        *ret_blocks = false;
        e = job_message(j, hdr, local, &msg, &iov);
        if (e == 0)
                e = job_enter(j, msg.msg_controllen > 0);
        if (e == 0 && !a->none && a->len > 0)
                e = job_name(j, a, false);
        if (e) {
                job_leave(j);
                job_message_clear(j);
                return -e;
        }
        if (!a->none && a->len > 0) {
                msg.msg_name = &j->name;
                msg.msg_namelen = j->name_len;
        } else if (a->len > 0) {
                /* Named, but read by the kernel as none (AF_UNSPEC): as passed. */
                msg.msg_name = (void *)&a->sa;
                msg.msg_namelen = a->len;
        }
        n = job_send(j, &msg, flags, may_block, waiter, ret_blocks);
        job_leave(j);
        job_message_clear(j);
        return n;
}

static void answer_sent(struct net_job *j, ssize_t n, int flags, struct act_result *ret)
{
        if (n >= 0) {
                answer_value(ret, (long)n);
                return;
        }
        answer_error(ret, (int)-n);
        /* The kernel raises SIGPIPE in the sender; serve.c does, after
         * the answer. */
        ret->sigpipe = n == -EPIPE && !(flags & MSG_NOSIGNAL) && j->type != SOCK_DGRAM;
}

static int perform_send(struct net_job *j, bool may_block, const struct act_waiter *waiter,
                        struct act_result *ret)
{
        const struct policy_call *call = j->call;
        struct msghdr hdr = {0};
        struct iovec one;
        bool blocks;
        ssize_t n;
        int flags;

        if (call->nr == __NR_sendto) {
                /* send(2)'s buffer as one iovec of ours; the kernel caps its length. */
                one = (struct iovec){.iov_base = (void *)(uintptr_t)call->args[1],
                                     .iov_len =
                                         call->args[2] > INT32_MAX ? INT32_MAX : call->args[2]};
                hdr.msg_iov = &one;
                hdr.msg_iovlen = 1;
                flags = (int)(uint32_t)call->args[3];
                n = send_one(j, &hdr, true, &call->addrs[0], flags, may_block, waiter, &blocks);
        } else if (call->nr == __NR_sendmsg) {
                flags = (int)(uint32_t)call->args[2];
                if (j->reader->memory(call->pid, call->args[1], &hdr, sizeof(hdr)) < 0) {
                        answer_error(ret, EFAULT);
                        return 0;
                }
                n = send_one(j, &hdr, false, &call->addrs[0], flags, may_block, waiter, &blocks);
        } else {
                /* sendmmsg: message by message, each with its decided name;
                 * the count sent, or the first error if none was. */
                uint64_t vec = call->args[1];
                unsigned sent = 0;
                flags = (int)(uint32_t)call->args[3];
                n = 0;
                blocks = false;
                for (unsigned i = 0; i < call->n_addrs; i++) {
                        struct mmsghdr m;
                        if (j->reader->memory(call->pid, vec + (uint64_t)i * sizeof(m), &m,
                                              sizeof(m)) < 0) {
                                n = -EFAULT;
                                break;
                        }
                        /* Waiting is for the first message only: later
                         * ones end the call short, as a signal would. */
                        n = send_one(j, &m.msg_hdr, false, &call->addrs[i], flags,
                                     may_block && sent == 0, waiter, &blocks);
                        if (n < 0)
                                break;
                        unsigned len = (unsigned)n;
                        j->reader->write(call->pid,
                                         vec + (uint64_t)i * sizeof(m) +
                                             offsetof(struct mmsghdr, msg_len),
                                         &len, sizeof(len));
                        sent++;
                }
                if (sent > 0) {
                        answer_value(ret, sent);
                        return 0;
                }
        }
        if (blocks) {
                *ret = (struct act_result){.kind = ACT_ANSWER_BLOCKS, .fd = -1};
                return 0;
        }
        if (n == -ECANCELED)
                return -ECANCELED;
        answer_sent(j, n, flags, ret);
        return 0;
}

/*
 * Whether sock carries source routing (IPv4 options, an IPv6 routing
 * header) that sends its packets elsewhere than the address they name: a
 * profile that lets setsockopt set them must not have us send to a hop
 * nobody decided on.
 */
static bool reroutes(int sock, int domain)
{
        char opt[64];
        socklen_t len = sizeof(opt);

        if (domain != AF_INET && domain != AF_INET6)
                return false;
        if (getsockopt(sock, IPPROTO_IP, IP_OPTIONS, opt, &len) == 0 && len > 0)
                return true;
        len = sizeof(opt);
        return domain == AF_INET6 && getsockopt(sock, IPPROTO_IPV6, IPV6_RTHDR, opt, &len) == 0 &&
               len > 0;
}

int act_perform_net(const struct policy_call *call, int sock, bool root_is_ours, bool may_block,
                    const struct act_waiter *waiter, bool own_command,
                    const struct act_reader *reader, struct act_result *ret)
{
        struct net_job j = {.call = call,
                            .reader = reader,
                            .root_is_ours = root_is_ours,
                            .sock = -1,
                            .unix_fd = -1};
        socklen_t len = sizeof(int);
        int domain = 0, r = 0;

        *ret = (struct act_result){.kind = ACT_ANSWER_CONTINUE, .fd = -1};
        if (call->arch != AUDIT_ARCH_X86_64 || (call->nr & __X32_SYSCALL_BIT) ||
            !act_performs_net(call->nr)) {
                answer_error(ret, EPERM);
                return 0;
        }
        if (call->addr_error) {
                answer_error(ret, call->addr_error);
                return 0;
        }
        if (!call->have_addr || (!call->addrs && call->n_addrs > 0) ||
            (call->nr != __NR_sendmmsg && call->n_addrs != 1)) {
                answer_error(ret, EFAULT);
                return 0;
        }
        if (call->nr == __NR_sendmmsg && call->n_addrs == 0) {
                answer_value(ret, 0);
                return 0;
        }

        /* The socket decided (its family and type were read then), or the
         * caller's again, which must be the same kind of socket. */
        if (sock >= 0) {
                j.sock = sock;
                j.type = call->sock_type;
                domain = call->sock_domain;
        } else {
                r = act_take_fd(call->pid, arg_int(call->args[0]), &j.sock);
                if (r < 0) {
                        if (r == -ESRCH)
                                return r;
                        answer_error(ret, -r);
                        return 0;
                }
                j.own_sock = true;
                if (getsockopt(j.sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
                    getsockopt(j.sock, SOL_SOCKET, SO_TYPE, &j.type, &len) < 0) {
                        answer_error(ret, errno == ENOTSOCK ? ENOTSOCK : EBADF);
                        goto out;
                }
        }
        j.domain = domain;
        if (domain == 0 || domain != call->sock_domain || j.type != call->sock_type) {
                /* Not a socket when decided, or another one since. */
                answer_error(ret, domain == 0 ? ENOTSOCK : EAGAIN);
                goto out;
        }
        if (reroutes(j.sock, domain)) {
                answer_error(ret, EPERM);
                goto out;
        }
        int fl = fcntl(j.sock, F_GETFL);
        j.nonblocking = fl >= 0 && (fl & O_NONBLOCK);
        j.own_command = own_command;

        if (call->nr == __NR_connect || call->nr == __NR_bind)
                r = perform_connect_bind(&j, may_block, ret);
        else
                r = perform_send(&j, may_block, waiter, ret);
out:
        job_message_clear(&j);
        if (j.own_sock)
                close(j.sock);
        free(j.creds);
        return r;
}
