/* SPDX-License-Identifier: MIT */
/*
 * net_hostile: a target that attacks how allowed network calls are
 * performed on its behalf (act/net.c): what the supervisor's own identity,
 * memory and threads add to a call it makes for the caller. One verb per
 * run; every line is written whole. Used by test_net_hostile.sh (what must
 * hold) and net_hostile_open.sh (what is known not to, not run by ctest).
 *
 *   passcred NAME              a unix datagram socket bound to the abstract
 *                              name NAME with SO_PASSCRED gets a datagram
 *                              sent with sendmsg (msg_name NAME, no
 *                              credentials): "passcred: uid own gid own" if
 *                              the credentials the kernel attached are ours,
 *                              else "passcred: uid U gid G (ours R:RG)"
 *   forge-creds NAME UID GID   the same with an explicit SCM_CREDENTIALS
 *                              naming our pid and UID:GID: "forge-creds:
 *                              ENAME", or "forge-creds: received uid U gid G"
 *   zerocopy                   TCP over loopback with SO_ZEROCOPY and
 *                              TCP_CORK: 16 KiB of 'Z' sent with
 *                              MSG_ZEROCOPY, then another send (16 KiB of
 *                              'Q' over UDP), then uncorked; the peer reads
 *                              the 16 KiB: "zerocopy: intact" or
 *                              "zerocopy: K bytes changed: TEXT", or
 *                              "zerocopy: ENAME" if the send failed
 *   sigdup N                   N numbered UDP sendto calls to our own
 *                              socket on 127.0.0.1 while a thread keeps
 *                              sending us SIGUSR1 (SA_RESTART): "sigdup:
 *                              sent N dups D lost L eintr E"
 *   hold-slots N               N threads each make a blocking sendmsg on a
 *                              full unix stream socket; then a child makes
 *                              blocking TCP connects to a listener of ours
 *                              on 127.0.0.1 for up to 3 s: "hold-slots:
 *                              probe: ENAME after K connects" at the first
 *                              failure, or "hold-slots: probe: K connects
 *                              OK"
 *   probe                      blocking TCP connects to a listener of
 *                              ours on 127.0.0.1 for up to 3 s: "probe:
 *                              ENAME after K connects" / "probe: K connects
 *                              OK"
 *   connect ADDR               a stream connect: "connect: OK" / "ENAME"
 *                              (ADDR: unix:PATH, or A.B.C.D:PORT)
 *   bind-tcp A.B.C.D:PORT      a TCP bind: "bind-tcp: OK" / "ENAME"
 *   srr NEAR_IP:PORT HOP TAG   UDP sendto NEAR with IP_OPTIONS loose
 *                              source routing through HOP: "srr: OK" /
 *                              "srr: ENAME"
 *   sniff IP                   (outside any supervisor) prints "ready",
 *                              then "sniffed TAG" for each IPv4 packet on
 *                              lo whose destination is IP and whose
 *                              payload holds "tag-..." (the TAG)
 *   abstract-nul NAME SUFFIX   binds a listener at the abstract name
 *                              "\0NAME\0SUFFIX" and connects to it:
 *                              "abstract-nul: OK" / "ENAME"
 *
 * Exit status 0 unless the usage is wrong or a step outside the call under
 * test fails (1). Built without sanitizers (tests/CMakeLists.txt).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HELPER_NAME "net_hostile"
#include "helper.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif

#define WAIT_MS 5000

static long count_arg(const char *s)
{
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 10000000)
                usage_error("not a count: \"%s\"", s);
        return v;
}

static int wait_for(int fd, short events, int ms)
{
        struct pollfd p = {.fd = fd, .events = events};
        int r;

        do
                r = poll(&p, 1, ms);
        while (r < 0 && errno == EINTR);
        return r > 0;
}

static long long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void parse_in(const char *s, struct sockaddr_in *ret)
{
        char host[INET_ADDRSTRLEN];
        const char *colon = strrchr(s, ':');

        memset(ret, 0, sizeof(*ret));
        if (!colon || (size_t)(colon - s) >= sizeof(host))
                usage_error("bad address \"%s\" (want A.B.C.D:PORT)", s);
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        ret->sin_family = AF_INET;
        ret->sin_port = htons((uint16_t)count_arg(colon + 1));
        if (inet_pton(AF_INET, host, &ret->sin_addr) != 1)
                usage_error("bad IPv4 address \"%s\"", host);
}

/* An abstract unix address for NAME (no trailing NUL: its length ends it). */
static socklen_t abstract_addr(const char *name, struct sockaddr_un *ret)
{
        size_t len = strlen(name);

        memset(ret, 0, sizeof(*ret));
        if (len + 1 > sizeof(ret->sun_path))
                usage_error("abstract name too long");
        ret->sun_family = AF_UNIX;
        memcpy(ret->sun_path + 1, name, len);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

/* Credentials. */

static int creds_receiver(const struct sockaddr_un *a, socklen_t len)
{
        int one = 1;
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (fd < 0 || bind(fd, (const struct sockaddr *)a, len) < 0 ||
            setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
                usage_error("the receiver: %s", strerror(errno));
        return fd;
}

/* Receives one datagram on fd and its SCM_CREDENTIALS into *ret; 0 if there were. */
static int receive_creds(int fd, struct ucred *ret)
{
        char byte, control[CMSG_SPACE(sizeof(struct ucred))];
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        struct msghdr m = {.msg_iov = &iov,
                           .msg_iovlen = 1,
                           .msg_control = control,
                           .msg_controllen = sizeof(control)};

        if (!wait_for(fd, POLLIN, WAIT_MS) || recvmsg(fd, &m, 0) < 0)
                usage_error("the receiver got nothing: %s", strerror(errno));
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                        memcpy(ret, CMSG_DATA(c), sizeof(*ret));
                        return 0;
                }
        return -1;
}

static int verb_passcred(int argc, char **argv)
{
        struct sockaddr_un a;
        socklen_t len = abstract_addr(argv[1], &a);
        int receiver = creds_receiver(&a, len);
        int sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct iovec iov = {.iov_base = "c", .iov_len = 1};
        struct msghdr m = {.msg_name = &a, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1};
        struct ucred got;

        (void)argc;
        if (sendmsg(sender, &m, 0) < 0) {
                say("passcred: sendmsg: %s", errno_name(errno));
                return 0;
        }
        if (receive_creds(receiver, &got) < 0) {
                say("passcred: no credentials arrived");
                return 0;
        }
        if (got.uid == getuid() && got.gid == getgid())
                say("passcred: uid own gid own");
        else
                say("passcred: uid %u gid %u (ours %u:%u)", got.uid, got.gid, getuid(), getgid());
        return 0;
}

static int verb_forge_creds(int argc, char **argv)
{
        struct sockaddr_un a;
        socklen_t len = abstract_addr(argv[1], &a);
        int receiver = creds_receiver(&a, len);
        int sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        char control[CMSG_SPACE(sizeof(struct ucred))];
        struct iovec iov = {.iov_base = "f", .iov_len = 1};
        struct msghdr m = {.msg_name = &a,
                           .msg_namelen = len,
                           .msg_iov = &iov,
                           .msg_iovlen = 1,
                           .msg_control = control,
                           .msg_controllen = sizeof(control)};
        struct ucred forged = {
            .pid = getpid(), .uid = (uid_t)count_arg(argv[2]), .gid = (gid_t)count_arg(argv[3])};
        struct ucred got;

        (void)argc;
        memset(control, 0, sizeof(control));
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_CREDENTIALS;
        c->cmsg_len = CMSG_LEN(sizeof(forged));
        memcpy(CMSG_DATA(c), &forged, sizeof(forged));
        if (sendmsg(sender, &m, 0) < 0) {
                say("forge-creds: %s", errno_name(errno));
                return 0;
        }
        if (receive_creds(receiver, &got) < 0) {
                say("forge-creds: no credentials arrived");
                return 0;
        }
        say("forge-creds: received uid %u gid %u", got.uid, got.gid);
        return 0;
}

/* MSG_ZEROCOPY. */

#define ZC_SIZE 16384

static int verb_zerocopy(int argc, char **argv)
{
        struct sockaddr_in at = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t at_len = sizeof(at);
        int one = 1, zero = 0;
        static char data[ZC_SIZE], other[ZC_SIZE], got[ZC_SIZE + 1];

        (void)argc, (void)argv;
        int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener < 0 || bind(listener, (struct sockaddr *)&at, sizeof(at)) < 0 ||
            listen(listener, 4) < 0 || getsockname(listener, (struct sockaddr *)&at, &at_len) < 0)
                usage_error("zerocopy: the listener: %s", strerror(errno));
        int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (client < 0 || connect(client, (struct sockaddr *)&at, sizeof(at)) < 0)
                usage_error("zerocopy: connect: %s", strerror(errno));
        int peer = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (peer < 0)
                usage_error("zerocopy: accept: %s", strerror(errno));
        if (setsockopt(client, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0) {
                say("zerocopy: SO_ZEROCOPY: %s", errno_name(errno));
                return 0;
        }
        if (setsockopt(client, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)) < 0)
                usage_error("zerocopy: TCP_CORK: %s", strerror(errno));

        memset(data, 'Z', sizeof(data));
        struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n = sendmsg(client, &m, MSG_ZEROCOPY);
        if (n < 0) {
                say("zerocopy: %s", errno_name(errno));
                return 0;
        }
        /* Another call the supervisor performs, of the same size: memory
         * it frees and takes again. */
        int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in sink = {.sin_family = AF_INET,
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t sink_len = sizeof(sink);
        if (udp < 0 || bind(udp, (struct sockaddr *)&sink, sizeof(sink)) < 0 ||
            getsockname(udp, (struct sockaddr *)&sink, &sink_len) < 0)
                usage_error("zerocopy: the UDP socket: %s", strerror(errno));
        memset(other, 'Q', sizeof(other));
        if (sendto(udp, other, sizeof(other), 0, (struct sockaddr *)&sink, sizeof(sink)) < 0)
                usage_error("zerocopy: the second send: %s", strerror(errno));
        if (setsockopt(client, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero)) < 0)
                usage_error("zerocopy: uncork: %s", strerror(errno));

        size_t have = 0;
        while (have < (size_t)n && wait_for(peer, POLLIN, WAIT_MS)) {
                ssize_t r = recv(peer, got + have, (size_t)n - have, 0);
                if (r <= 0)
                        break;
                have += (size_t)r;
        }
        if (have != (size_t)n)
                usage_error("zerocopy: the peer read %zu of %zd bytes", have, n);
        size_t changed = 0, first = have;
        for (size_t i = 0; i < have; i++)
                if (got[i] != 'Z') {
                        changed++;
                        if (first == have)
                                first = i;
                }
        if (changed == 0) {
                say("zerocopy: intact");
                return 0;
        }
        char text[41];
        size_t k = 0;
        for (size_t i = first; i < have && k < 40; i++, k++)
                text[k] = got[i] >= 0x21 && got[i] <= 0x7e ? got[i] : '.';
        text[k] = '\0';
        say("zerocopy: %zu bytes changed: %s", changed, text);
        return 0;
}

/* Signals during performed sends. */

static _Atomic bool stop_signals;
static pid_t main_tid;

static void on_signal(int sig)
{
        (void)sig;
}

static void *signaller(void *arg)
{
        (void)arg;
        while (!atomic_load(&stop_signals))
                syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
        return NULL;
}

static int verb_sigdup(int argc, char **argv)
{
        long n = count_arg(argv[1]);
        struct sockaddr_in at = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t at_len = sizeof(at);
        struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
        int size = 4 << 20;
        long dups = 0, eintr = 0, seen_count = 0;
        pthread_t thread;

        (void)argc;
        unsigned char *seen = calloc((size_t)n + 1, 1);
        int receiver = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int sender = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (!seen || receiver < 0 || sender < 0 ||
            bind(receiver, (struct sockaddr *)&at, sizeof(at)) < 0 ||
            getsockname(receiver, (struct sockaddr *)&at, &at_len) < 0)
                usage_error("sigdup: sockets: %s", strerror(errno));
        setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        sigaction(SIGUSR1, &sa, NULL);
        main_tid = (pid_t)syscall(SYS_gettid);
        if (pthread_create(&thread, NULL, signaller, NULL) != 0)
                usage_error("pthread_create failed");

        for (long i = 0; i <= n; i++) {
                uint32_t seq = (uint32_t)i;
                bool last = i == n; /* the marker: everything before it has arrived */
                if (last)
                        atomic_store(&stop_signals, true);
                while (sendto(sender, &seq, sizeof(seq), 0, (struct sockaddr *)&at, sizeof(at)) <
                       0) {
                        if (errno != EINTR)
                                usage_error("sigdup: sendto: %s", strerror(errno));
                        eintr++;
                }
                bool marker = false;
                for (;;) {
                        uint32_t got;
                        ssize_t r =
                            recv(receiver, &got, sizeof(got), last && !marker ? 0 : MSG_DONTWAIT);
                        if (r < 0 && errno == EINTR)
                                continue;
                        if (r != (ssize_t)sizeof(got))
                                break;
                        if (got > (uint32_t)n)
                                continue;
                        if (seen[got])
                                dups++;
                        else
                                seen_count++;
                        seen[got] = 1;
                        if (got == (uint32_t)n)
                                marker = true;
                }
        }
        pthread_join(thread, NULL);
        say("sigdup: sent %ld dups %ld lost %ld eintr %ld", n, dups, n + 1 - seen_count, eintr);
        return 0;
}

/* Holding the supervisor's waiting threads. */

static void *blocked_sender(void *arg)
{
        int fd = (int)(intptr_t)arg;
        struct iovec iov = {.iov_base = "b", .iov_len = 1};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

        sendmsg(fd, &m, MSG_NOSIGNAL); /* waits until we exit */
        return NULL;
}

static int full_stream_socket(void)
{
        int sv[2];
        char buf[4096];

        memset(buf, 'f', sizeof(buf));
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
                usage_error("socketpair: %s", strerror(errno));
        while (write(sv[0], buf, sizeof(buf)) > 0)
                ;
        if (errno != EAGAIN)
                usage_error("filling the socket: %s", strerror(errno));
        fcntl(sv[0], F_SETFL, 0); /* blocking again */
        return sv[0];
}

/* Blocking TCP connects to listener (at) for 3 s, accepting each: says
 * "WHAT: ENAME after K connects" at the first failure, or "WHAT: K
 * connects OK", and exits. */
static _Noreturn void probe_connects(const char *what, int listener, const struct sockaddr_in *at)
{
        long k = 0;
        long long end = now_ms() + 3000;

        while (now_ms() < end) {
                int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        usage_error("socket: %s", strerror(errno));
                if (connect(fd, (const struct sockaddr *)at, sizeof(*at)) < 0) {
                        say("%s: %s after %ld connects", what, errno_name(errno), k);
                        _exit(0);
                }
                close(fd);
                k++;
                /* Keep the listener's queue from filling up. */
                int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
                if (c >= 0)
                        close(c);
        }
        say("%s: %ld connects OK", what, k);
        _exit(0);
}

static int verb_hold_slots(int argc, char **argv)
{
        long n = count_arg(argv[1]);
        struct sockaddr_in at = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t at_len = sizeof(at);
        pthread_t thread;
        int status;

        (void)argc;
        int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener < 0 || bind(listener, (struct sockaddr *)&at, sizeof(at)) < 0 ||
            listen(listener, 4096) < 0 ||
            getsockname(listener, (struct sockaddr *)&at, &at_len) < 0)
                usage_error("hold-slots: the listener: %s", strerror(errno));
        for (long i = 0; i < n; i++)
                if (pthread_create(&thread, NULL, blocked_sender,
                                   (void *)(intptr_t)full_stream_socket()) != 0)
                        usage_error("pthread_create failed");

        /* Another process: a well-behaved program's blocking connects. */
        pid_t child = fork();
        if (child < 0)
                usage_error("fork: %s", strerror(errno));
        if (child == 0)
                probe_connects("hold-slots: probe", listener, &at);
        waitpid(child, &status, 0);
        _exit(0); /* the blocked threads go with us */
}

/* Another program's blocking connects, for 3 s, while something else may
 * hold the supervisor's waiting threads. */
static int verb_probe(int argc, char **argv)
{
        struct sockaddr_in at = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t at_len = sizeof(at);

        (void)argc;
        (void)argv;
        int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener < 0 || bind(listener, (struct sockaddr *)&at, sizeof(at)) < 0 ||
            listen(listener, 4096) < 0 ||
            getsockname(listener, (struct sockaddr *)&at, &at_len) < 0)
                usage_error("probe: the listener: %s", strerror(errno));
        probe_connects("probe", listener, &at);
}

/* Plain calls, for what the supervisor's identity must not add. */

static int verb_connect(int argc, char **argv)
{
        struct sockaddr_storage ss;
        socklen_t len;
        int fd;

        (void)argc;
        memset(&ss, 0, sizeof(ss));
        if (strncmp(argv[1], "unix:", 5) == 0) {
                struct sockaddr_un *un = (struct sockaddr_un *)&ss;
                size_t n = strlen(argv[1] + 5);
                if (n == 0 || n >= sizeof(un->sun_path))
                        usage_error("bad unix address");
                un->sun_family = AF_UNIX;
                memcpy(un->sun_path, argv[1] + 5, n);
                len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
                fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        } else {
                parse_in(argv[1], (struct sockaddr_in *)&ss);
                len = sizeof(struct sockaddr_in);
                fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        }
        if (fd < 0)
                usage_error("socket: %s", strerror(errno));
        say("connect: %s", connect(fd, (struct sockaddr *)&ss, len) < 0 ? errno_name(errno) : "OK");
        return 0;
}

static int verb_bind_tcp(int argc, char **argv)
{
        struct sockaddr_in a;

        (void)argc;
        parse_in(argv[1], &a);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                usage_error("socket: %s", strerror(errno));
        say("bind-tcp: %s",
            bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? errno_name(errno) : "OK");
        return 0;
}

/* Source routing: an address rule sees the destination, the kernel routes
 * to the first hop. */

static int verb_srr(int argc, char **argv)
{
        struct sockaddr_in near;
        struct in_addr hop;
        unsigned char opt[8] = {IPOPT_NOP, IPOPT_LSRR, 7, 4};

        (void)argc;
        parse_in(argv[1], &near);
        if (inet_pton(AF_INET, argv[2], &hop) != 1)
                usage_error("bad hop \"%s\"", argv[2]);
        memcpy(opt + 4, &hop, 4);
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opt, sizeof(opt)) < 0) {
                say("srr: IP_OPTIONS: %s", errno_name(errno));
                return 0;
        }
        ssize_t r = sendto(fd, argv[3], strlen(argv[3]), 0, (struct sockaddr *)&near, sizeof(near));
        say("srr: %s", r < 0 ? errno_name(errno) : "OK");
        return 0;
}

static int verb_sniff(int argc, char **argv)
{
        struct in_addr want;
        struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP)};
        unsigned char buf[65536];

        (void)argc;
        if (inet_pton(AF_INET, argv[1], &want) != 1)
                usage_error("bad address \"%s\"", argv[1]);
        int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
        ll.sll_ifindex = (int)if_nametoindex("lo");
        if (fd < 0 || ll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0)
                usage_error("sniff: %s", strerror(errno));
        say("ready");
        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < (ssize_t)sizeof(struct iphdr))
                        continue;
                const struct iphdr *ip = (const struct iphdr *)buf;
                if (ip->daddr != want.s_addr)
                        continue;
                buf[n] = '\0';
                for (ssize_t i = 0; i + 4 < n; i++)
                        if (memcmp(buf + i, "tag-", 4) == 0) {
                                char tag[64];
                                size_t k = 0;
                                while (i + (ssize_t)k < n && k < sizeof(tag) - 1 &&
                                       buf[i + k] > 0x20 && buf[i + k] < 0x7f)
                                        tag[k] = (char)buf[i + k], k++;
                                tag[k] = '\0';
                                say("sniffed %s", tag);
                                break;
                        }
        }
}

static int verb_abstract_nul(int argc, char **argv)
{
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        size_t n = strlen(argv[1]), s = strlen(argv[2]);

        (void)argc;
        if (2 + n + s > sizeof(a.sun_path))
                usage_error("names too long");
        memcpy(a.sun_path + 1, argv[1], n);
        memcpy(a.sun_path + 2 + n, argv[2], s);
        socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 2 + n + s);
        int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener < 0 || bind(listener, (struct sockaddr *)&a, len) < 0 ||
            listen(listener, 4) < 0)
                usage_error("abstract-nul: the listener: %s", strerror(errno));
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        say("abstract-nul: %s",
            connect(fd, (struct sockaddr *)&a, len) < 0 ? errno_name(errno) : "OK");
        return 0;
}

struct verb {
        const char *name;
        int args;
        int (*run)(int argc, char **argv);
};

static const struct verb verbs[] = {
    {"passcred", 1, verb_passcred},
    {"forge-creds", 3, verb_forge_creds},
    {"zerocopy", 0, verb_zerocopy},
    {"sigdup", 1, verb_sigdup},
    {"hold-slots", 1, verb_hold_slots},
    {"connect", 1, verb_connect},
    {"probe", 0, verb_probe},
    {"bind-tcp", 1, verb_bind_tcp},
    {"srr", 3, verb_srr},
    {"sniff", 1, verb_sniff},
    {"abstract-nul", 2, verb_abstract_nul},
};

int main(int argc, char **argv)
{
        if (argc < 2)
                usage_error("usage: net_hostile VERB [ARGS...] (see tests/helper/net_hostile.c)");
        for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
                if (strcmp(verbs[v].name, argv[1]) != 0)
                        continue;
                if (argc - 2 != verbs[v].args)
                        usage_error("%s takes %d arguments", argv[1], verbs[v].args);
                return verbs[v].run(argc - 1, argv + 1);
        }
        usage_error("unknown verb \"%s\"", argv[1]);
}
