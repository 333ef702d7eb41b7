/* SPDX-License-Identifier: MIT */
/* core/target_addr.c: the addresses a call names, read once and read as the kernel will. */
/*
 * connect, bind and sendto pass one socket address; sendmsg passes it as
 * msg_name inside a struct msghdr, sendmmsg one per struct mmsghdr of a
 * vector. Each is read once, and interpreted for the socket the call is
 * on: its real family and type come from the socket itself (a duplicate
 * taken with pidfd_getfd, held until the next call so that an allowed call
 * is performed on the socket that was decided, act/net.c). A unix socket
 * path is resolved for the caller as a file path is (act/resolve.c).
 */
#include "core/target.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "act/act.h"

/* The kernel's UIO_MAXIOV: sendmmsg sends at most this many messages. */
#define MMSG_MAX 1024

/* The kernel takes descriptors, lengths and counts as int. */
static int arg_int(uint64_t arg)
{
        return (int)(int32_t)(uint32_t)arg;
}

/*
 * AF_UNSPEC as the kernel reads it for this socket: IPv4 for an IPv4
 * socket's send or bind (udp_sendmsg, raw_sendmsg and inet_bind take it as
 * AF_INET), and an IPv6 raw socket's send; no peer at all for a connect
 * (it disconnects) and an IPv6 datagram send (it uses the connected peer).
 * What the kernel refuses stays AF_UNSPEC, which only "any" rules match.
 * The bytes passed to an allowed call are these, so what was decided is
 * what is done.
 */
static void interpret(struct policy_addr *a, int nr, int domain, int type)
{
        sa_family_t family;

        if (a->len == 0) {
                a->none = true;
                return;
        }
        memcpy(&family, &a->sa, sizeof(family));
        if (family != AF_UNSPEC)
                return;
        bool as_own_family =
            nr != __NR_connect &&
            (domain == AF_INET || (domain == AF_INET6 && type == SOCK_RAW && nr != __NR_bind));
        if (as_own_family) {
                family = (sa_family_t)domain;
                memcpy(&a->sa, &family, sizeof(family));
        } else if (nr == __NR_connect || (domain == AF_INET6 && nr != __NR_bind)) {
                a->none = true;
        }
}

/* Reads len bytes of address at addr into a; the kernel's errors for what
 * it would refuse (EINVAL, EFAULT) go to *ret_error. */
static int read_addr(pid_t pid, uint64_t addr, int len, bool clamp, struct policy_addr *a,
                     int *ret_error)
{
        *a = (struct policy_addr){0};
        if (addr == 0 || len == 0)
                return 0; /* no address: the socket's peer */
        if (len < 0) {
                *ret_error = EINVAL;
                return 0;
        }
        /* sendto and connect refuse a longer one; msghdr's is cut. */
        if ((size_t)len > sizeof(a->sa)) {
                if (!clamp) {
                        *ret_error = EINVAL;
                        return 0;
                }
                len = (int)sizeof(a->sa);
        }
        int r = target_read_memory(pid, addr, &a->sa, (size_t)len);
        if (r == -EFAULT) {
                memset(&a->sa, 0, sizeof(a->sa));
                *ret_error = EFAULT;
                return 0;
        }
        if (r < 0)
                return r;
        a->len = (socklen_t)len;
        /* Too short to say its family: the kernel refuses it. */
        if (a->len < sizeof(sa_family_t))
                *ret_error = EINVAL;
        return 0;
}

/*
 * The socket file a unix path address names, for the caller: its name in
 * our view, or NULL (abstract, unnamed, or no name there). bind creates
 * the name, as mknod does; connect and sends follow a final symlink.
 */
static int resolve_unix(struct policy_addr *a, int nr, struct act_view *view, char *buf)
{
        const struct sockaddr_un *sun = (const struct sockaddr_un *)&a->sa;
        char raw[sizeof(sun->sun_path) + 1];
        struct act_resolved res = ACT_RESOLVED_INIT;
        size_t max;
        int r;

        a->unix_path = NULL;
        if (a->none || a->len <= offsetof(struct sockaddr_un, sun_path) ||
            sun->sun_family != AF_UNIX || sun->sun_path[0] == '\0')
                return 0;
        max = a->len - offsetof(struct sockaddr_un, sun_path);
        if (max > sizeof(sun->sun_path))
                max = sizeof(sun->sun_path);
        memcpy(raw, sun->sun_path, max);
        raw[max] = '\0';
        r = act_resolve(view, AT_FDCWD, raw, nr == __NR_bind ? ACT_NOFOLLOW | ACT_NAME : 0, &res);
        if (r == 0 && res.named) {
                memcpy(buf, res.name, strlen(res.name) + 1);
                a->unix_path = buf;
        }
        act_resolved_clear(&res);
        return r;
}

/* The struct msghdr at addr, as x86_64 lays it out. */
static int read_msghdr(pid_t pid, uint64_t addr, struct msghdr *ret)
{
        if (addr == 0)
                return -EFAULT;
        return target_read_memory(pid, addr, ret, sizeof(*ret));
}

static void release_vector(struct target_scratch *scratch)
{
        if (!scratch->addr_names)
                return;
        for (unsigned i = 0; i < MMSG_MAX; i++) {
                free(scratch->addr_names[i]);
                scratch->addr_names[i] = NULL;
        }
}

void target_addr_release(struct target_scratch *scratch)
{
        if (scratch->sock_held && scratch->sock_fd >= 0)
                close(scratch->sock_fd);
        scratch->sock_held = true;
        scratch->sock_fd = -1;
        scratch->sock_id = 0;
        release_vector(scratch);
}

void target_addr_free(struct target_scratch *scratch)
{
        target_addr_release(scratch);
        if (scratch->pidfd_held)
                act_pidfd_close(&scratch->pidfd);
        scratch->pidfd_held = false;
        free(scratch->addr_vec);
        free(scratch->addr_names);
        free(scratch->mmsg_vec);
        scratch->addr_vec = NULL;
        scratch->addr_names = NULL;
        scratch->mmsg_vec = NULL;
}

/* Room for sendmmsg's vector, made on its first use. */
static int vector_room(struct target_scratch *scratch)
{
        if (scratch->addr_vec)
                return 0;
        scratch->addr_vec = calloc(MMSG_MAX, sizeof(*scratch->addr_vec));
        scratch->addr_names = calloc(MMSG_MAX, sizeof(*scratch->addr_names));
        scratch->mmsg_vec = calloc(MMSG_MAX, sizeof(*scratch->mmsg_vec));
        if (!scratch->addr_vec || !scratch->addr_names || !scratch->mmsg_vec) {
                target_addr_free(scratch);
                return -ENOMEM;
        }
        return 0;
}

/* Reads every address of the call into call->addrs; *ret_error as read_addr(). */
static int read_addrs(struct policy_call *call, struct target_scratch *scratch, int *ret_error)
{
        struct msghdr msg;
        int r;

        call->addrs = &scratch->addr_one;
        call->n_addrs = 1;
        switch (call->nr) {
        case __NR_connect:
        case __NR_bind:
                return read_addr(call->pid, call->args[1], arg_int(call->args[2]), false,
                                 &scratch->addr_one, ret_error);
        case __NR_sendto:
                return read_addr(call->pid, call->args[4], arg_int(call->args[5]), false,
                                 &scratch->addr_one, ret_error);
        case __NR_sendmsg:
                r = read_msghdr(call->pid, call->args[1], &msg);
                if (r == -EFAULT) {
                        *ret_error = EFAULT;
                        return 0;
                }
                if (r < 0)
                        return r;
                return read_addr(call->pid, (uint64_t)(uintptr_t)msg.msg_name, (int)msg.msg_namelen,
                                 true, &scratch->addr_one, ret_error);
        case __NR_sendmmsg: {
                unsigned vlen = (unsigned)call->args[2];
                uint64_t vec = call->args[1];

                if (vlen > MMSG_MAX)
                        vlen = MMSG_MAX;
                call->n_addrs = vlen;
                if (vlen == 0)
                        return 0;
                r = vector_room(scratch);
                if (r < 0)
                        return r;
                call->addrs = scratch->addr_vec;
                /* The vector in one read; if part of it is unmapped, the
                 * kernel sends the messages before the first it cannot
                 * read, and so are they decided. */
                r = target_read_memory(call->pid, vec, scratch->mmsg_vec,
                                       (size_t)vlen * sizeof(struct mmsghdr));
                if (r == -EFAULT) {
                        unsigned i = 0;
                        while (i < vlen &&
                               (r = target_read_memory(
                                    call->pid, vec + (uint64_t)i * sizeof(struct mmsghdr),
                                    &scratch->mmsg_vec[i], sizeof(struct mmsghdr))) == 0)
                                i++;
                        if (i > 0 && r == -EFAULT) {
                                vlen = call->n_addrs = i;
                                r = 0;
                        }
                }
                if (r == -EFAULT) {
                        *ret_error = EFAULT;
                        return 0;
                }
                if (r < 0)
                        return r;
                for (unsigned i = 0; i < vlen; i++) {
                        const struct msghdr *m = &scratch->mmsg_vec[i].msg_hdr;
                        r = read_addr(call->pid, (uint64_t)(uintptr_t)m->msg_name,
                                      (int)m->msg_namelen, true, &scratch->addr_vec[i], ret_error);
                        if (r < 0 || *ret_error)
                                return r;
                }
                return 0;
        }
        default:
                call->n_addrs = 0;
                return 0;
        }
}

/* The socket the call is on: a duplicate, held in scratch for an allowed
 * call to be performed on; its family and type into call. */
static void take_socket(struct policy_call *call, struct target_scratch *scratch, uint64_t id)
{
        socklen_t len = sizeof(int);
        int fd = -1;

        call->sock_domain = call->sock_type = 0;
        if (!scratch->pidfd_held) {
                scratch->pidfd = (struct act_pidfd){.fd = -1};
                scratch->pidfd_held = true;
        }
        if (act_take_fd_via(&scratch->pidfd, call->pid, arg_int(call->args[0]), &fd) < 0)
                return; /* the call fails on it; nothing to interpret by */
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &call->sock_domain, &len) < 0 ||
            getsockopt(fd, SOL_SOCKET, SO_TYPE, &call->sock_type, &len) < 0)
                call->sock_domain = call->sock_type = 0;
        scratch->sock_fd = fd;
        scratch->sock_id = id;
}

int target_decode_addr(struct policy_call *call, struct target_scratch *scratch, bool root_is_ours,
                       uint64_t notif_id)
{
        struct act_view view = {.root_fd = -1};
        bool view_open = false;
        int error = 0, r;

        target_addr_release(scratch);
        call->have_addr = false;
        call->addr_error = 0;
        call->addr_len = 0;
        call->unix_path = NULL;
        call->addrs = NULL;
        call->n_addrs = 0;
        memset(&call->addr, 0, sizeof(call->addr));
        if (!act_performs_net(call->nr)) {
                call->have_addr = true; /* the call names no address */
                return 0;
        }

        take_socket(call, scratch, notif_id);
        r = read_addrs(call, scratch, &error);
        if (r < 0)
                return r;
        if (error) {
                /* What the kernel would refuse: meets deny rules only, and
                 * an allowed call gets the kernel's answer. */
                call->addr_error = error;
                call->addrs = NULL;
                call->n_addrs = 0;
                return 0;
        }
        for (unsigned i = 0; i < call->n_addrs; i++) {
                struct policy_addr *a = (struct policy_addr *)&call->addrs[i];
                char *name = i == 0 ? scratch->unix_path : NULL;

                interpret(a, call->nr, call->sock_domain, call->sock_type);
                if (a->none || ((struct sockaddr *)&a->sa)->sa_family != AF_UNIX)
                        continue;
                if (!view_open) {
                        r = act_view_open(&view, call->pid, root_is_ours);
                        if (r < 0)
                                goto out;
                        view_open = true;
                }
                if (!name) {
                        name = malloc(PATH_MAX);
                        if (!name) {
                                r = -ENOMEM;
                                goto out;
                        }
                        scratch->addr_names[i] = name;
                }
                r = resolve_unix(a, call->nr, &view, name);
                if (r < 0)
                        goto out;
        }
        /* The first address, for logs and prompts. */
        if (call->n_addrs > 0 && !call->addrs[0].none) {
                memcpy(&call->addr, &call->addrs[0].sa, sizeof(call->addr));
                call->addr_len = call->addrs[0].len;
                call->unix_path = call->addrs[0].unix_path;
        }
        call->have_addr = true;
        r = 0;
out:
        if (view_open)
                act_view_close(&view);
        return r;
}

struct policy_addr *target_addrs_copy(const struct policy_call *call)
{
        size_t size = (size_t)call->n_addrs * sizeof(struct policy_addr), off;
        struct policy_addr *copy;

        if (!call->addrs || call->n_addrs == 0)
                return NULL;
        off = size;
        for (unsigned i = 0; i < call->n_addrs; i++)
                if (call->addrs[i].unix_path)
                        size += strlen(call->addrs[i].unix_path) + 1;
        copy = malloc(size);
        if (!copy)
                return NULL;
        memcpy(copy, call->addrs, (size_t)call->n_addrs * sizeof(*copy));
        for (unsigned i = 0; i < call->n_addrs; i++) {
                if (!call->addrs[i].unix_path)
                        continue;
                size_t n = strlen(call->addrs[i].unix_path) + 1;
                memcpy((char *)copy + off, call->addrs[i].unix_path, n);
                copy[i].unix_path = (char *)copy + off;
                off += n;
        }
        return copy;
}
