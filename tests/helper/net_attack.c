/* SPDX-License-Identifier: MIT */
/*
 * net_attack: a target that tries to name a network peer a rule denies in
 * a way the rule does not see (TCP Fast Open, sendmsg's msg_name, a
 * sendmmsg vector, io_uring, AF_UNSPEC, an IPv4 address on an IPv6
 * socket, a unix socket reached through a symlink or /proc, a sockaddr
 * rewritten mid-call), and checks that what a profile allows still works
 * as without a supervisor (non-blocking connect, SCM_RIGHTS, DNS through
 * libc). It also plays the listener the tests watch ("sink"), run outside
 * the supervisor. One verb per run; every line is written whole.
 *
 * ADDR: "10.0.0.1:80", "[::1]:80", "unix:/path", "unix:@abstract", or
 * "unspec:10.0.0.1:80" (a struct sockaddr_in whose sa_family is AF_UNSPEC).
 * A verb makes a socket of the address's family (AF_INET for unspec:)
 * unless the option "inet6" comes first: then an AF_INET6 socket is used
 * whatever the address says.
 *
 *   sendto ADDR [DATA]           UDP sendto          "sendto: OK" / "sendto: ENAME"
 *   sendmsg ADDR [DATA]          UDP sendmsg, the address in msg_name
 *   sendmmsg ADDR1 ADDR2 [DATA]  UDP sendmmsg of two messages, one to each
 *                                address: "sendmmsg: N" (messages sent)
 *   bind ADDR                    bind of a UDP socket
 *   tfo ADDR DATA                TCP Fast Open: sendto(MSG_FASTOPEN) on a new
 *                                TCP socket, then reads the echo:
 *                                "tfo: got DATA" / "tfo: ENAME" /
 *                                "tfo: recv: ENAME"
 *   io-uring-connect ADDR DATA   IORING_OP_CONNECT through raw io_uring
 *                                calls, then write(DATA):
 *                                "io_uring_setup: ENAME" if setup failed,
 *                                else "io-uring-connect: OK" / "...: ENAME"
 *   tcp-echo ADDR DATA           blocking connect, send, read the echo:
 *                                "tcp-echo: got DATA" or the failed step
 *   tcp-echo-nb ADDR DATA        the same on a non-blocking socket: connect
 *                                (0 or EINPROGRESS), poll for POLLOUT,
 *                                SO_ERROR, send, poll for POLLIN, recv:
 *                                "tcp-echo-nb: got DATA (connect: EINPROGRESS)"
 *   unix-self ADDR               binds and listens on a unix stream ADDR,
 *                                connects to it, accepts: "unix-self: accepted"
 *   scm-rights PATH              binds a unix datagram socket at PATH, sends
 *                                it a pipe's write end with SCM_RIGHTS from
 *                                another socket (sendmsg with msg_name PATH),
 *                                receives it and writes through it:
 *                                "scm-rights: the fd works"
 *   resolve NAME                 getaddrinfo(NAME, AF_INET): "resolve: A.B.C.D"
 *   unix-alias SECRET ADDR       binds and listens on SECRET (a unix path),
 *                                then connects a new socket to ADDR; prints
 *                                "connect: OK|ENAME" then "pending: N", the
 *                                connections SECRET's listener has
 *
 * Races (a second thread rewrites what the main thread passes, N times;
 * ALLOWED and DENIED are IPv4 ADDRs): two lines,
 *   "wins: K of N" and "seen: allowed=A won=K other=O ENAME=C..."
 *
 *   race-connect N ALLOWED DENIED  UDP connect on a sockaddr flipped
 *                                  between the two; a win is a connect after
 *                                  which getpeername() says DENIED
 *   race-sendto N ALLOWED DENIED   sendto with a flipped sockaddr; a socket
 *                                  bound to DENIED here counts what arrives
 *                                  (drained as it goes, and after a marker
 *                                  sent to ALLOWED has arrived)
 *   race-sendmsg N ALLOWED DENIED  the same with sendmsg's msg_name
 *   race-unix N DIR SECRET         DIR/x is a unix socket bound here, then
 *                                  (renameat2 RENAME_EXCHANGE by the second
 *                                  thread) a symlink to SECRET, also bound
 *                                  here; N connects to DIR/x; a win is a
 *                                  connection SECRET's listener accepts
 *
 * The listener, run outside any supervisor:
 *
 *   sink SPEC...   SPEC is tcp:ADDR (a TCP listener with TCP Fast Open on,
 *                  that echoes what each connection sends first) or
 *                  udp:ADDR. Prints "ready" once all are bound, then one
 *                  line per arrival: "udp ADDR got DATA", "tcp ADDR got
 *                  DATA". A datagram "marker-..." makes it first collect
 *                  whatever else is already queued on every socket, then
 *                  print "marker-...": a test that sees its marker has seen
 *                  everything sent before it. Runs until killed.
 *
 * Exit status 0 unless the usage is wrong or a step outside the call under
 * test fails (1). Built without sanitizers (tests/CMakeLists.txt).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define HELPER_NAME "net_attack"
#include "helper.h"

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE 2
#endif

/* How long a step that waits for the peer may take before it is reported
 * as a failure instead of hanging the test. */
#define WAIT_MS  5000
#define DATA_MAX 256

struct address {
        struct sockaddr_storage ss;
        socklen_t len;
        int socket_family; /* the family of the socket the verb makes */
};

/* Set by the option "inet6": every verb's socket is AF_INET6. */
static bool force_inet6;

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

static void parse_address(const char *s, struct address *ret)
{
        struct address a;
        bool unspec = false;

        memset(&a, 0, sizeof(a));
        if (strncmp(s, "unix:", 5) == 0) {
                struct sockaddr_un *un = (struct sockaddr_un *)&a.ss;
                const char *path = s + 5;
                size_t len = strlen(path);

                if (len == 0 || len >= sizeof(un->sun_path))
                        usage_error("bad unix address \"%s\"", s);
                un->sun_family = AF_UNIX;
                memcpy(un->sun_path, path, len);
                a.socket_family = AF_UNIX;
                if (path[0] == '@') {
                        un->sun_path[0] = '\0';
                        a.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
                } else {
                        a.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
                }
                *ret = a;
                return;
        }
        if (strncmp(s, "unspec:", 7) == 0) {
                unspec = true;
                s += 7;
        }

        char host[INET6_ADDRSTRLEN + 2];
        const char *colon;
        bool v6 = s[0] == '[';
        if (v6) {
                const char *close_bracket = strchr(s, ']');
                if (!close_bracket || close_bracket[1] != ':' ||
                    (size_t)(close_bracket - s - 1) >= sizeof(host))
                        usage_error("bad address \"%s\" (want [ADDR]:PORT)", s);
                colon = close_bracket + 1;
                memcpy(host, s + 1, (size_t)(close_bracket - s - 1));
                host[close_bracket - s - 1] = '\0';
        } else {
                colon = strrchr(s, ':');
                if (!colon || (size_t)(colon - s) >= sizeof(host))
                        usage_error("bad address \"%s\" (want ADDR:PORT)", s);
                memcpy(host, s, (size_t)(colon - s));
                host[colon - s] = '\0';
        }
        char *end;
        errno = 0;
        unsigned long port = strtoul(colon + 1, &end, 10);
        if (colon[1] == '\0' || *end != '\0' || errno != 0 || port > 65535)
                usage_error("bad port in \"%s\"", s);
        if (v6) {
                struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;

                if (unspec)
                        usage_error("unspec: takes an IPv4 address");
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t)port);
                if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
                        usage_error("bad IPv6 address \"%s\"", host);
                a.len = sizeof(*in6);
                a.socket_family = AF_INET6;
        } else {
                struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;

                in->sin_family = unspec ? AF_UNSPEC : AF_INET;
                in->sin_port = htons((uint16_t)port);
                if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
                        usage_error("bad IPv4 address \"%s\"", host);
                a.len = sizeof(*in);
                a.socket_family = AF_INET;
        }
        if (force_inet6)
                a.socket_family = AF_INET6;
        *ret = a;
}

static int make_socket(const struct address *a, int type)
{
        int fd = socket(a->socket_family, type | SOCK_CLOEXEC, 0);

        if (fd < 0)
                usage_error("socket: %s", strerror(errno));
        return fd;
}

/* "10.0.0.1:80" for an IPv4 or IPv6 (bracketed) socket address. */
static const char *address_text(const struct sockaddr_storage *ss)
{
        static __thread char out[INET6_ADDRSTRLEN + 16];
        char host[INET6_ADDRSTRLEN];

        if (ss->ss_family == AF_INET) {
                const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
                inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
                snprintf(out, sizeof(out), "%s:%u", host, ntohs(in->sin_port));
        } else if (ss->ss_family == AF_INET6) {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
                inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                snprintf(out, sizeof(out), "[%s]:%u", host, ntohs(in6->sin6_port));
        } else {
                snprintf(out, sizeof(out), "family-%d", ss->ss_family);
        }
        return out;
}

/* Waits for events on fd; 1 if they came, 0 on timeout. */
static int wait_for(int fd, short events)
{
        struct pollfd p = {.fd = fd, .events = events};
        int r;

        do
                r = poll(&p, 1, WAIT_MS);
        while (r < 0 && errno == EINTR);
        return r > 0;
}

/* Bytes as one printable word (the tests' payloads are printable). */
static void printable(char *buf, ssize_t n)
{
        for (ssize_t i = 0; i < n; i++)
                if ((unsigned char)buf[i] < 0x21 || (unsigned char)buf[i] > 0x7e)
                        buf[i] = '?';
        buf[n < 0 ? 0 : n] = '\0';
}

/* Sends and datagrams. */

static int verb_sendto(int argc, char **argv)
{
        struct address a;
        const char *data = argc > 2 ? argv[2] : "x";

        parse_address(argv[1], &a);
        int fd = make_socket(&a, SOCK_DGRAM);
        ssize_t r = sendto(fd, data, strlen(data), MSG_NOSIGNAL, (struct sockaddr *)&a.ss, a.len);
        say("sendto: %s", r < 0 ? errno_name(errno) : "OK");
        return 0;
}

static int verb_sendmsg(int argc, char **argv)
{
        struct address a;
        const char *data = argc > 2 ? argv[2] : "x";

        parse_address(argv[1], &a);
        int fd = make_socket(&a, SOCK_DGRAM);
        struct iovec iov = {.iov_base = (void *)data, .iov_len = strlen(data)};
        struct msghdr msg = {
            .msg_name = &a.ss, .msg_namelen = a.len, .msg_iov = &iov, .msg_iovlen = 1};
        ssize_t r = sendmsg(fd, &msg, MSG_NOSIGNAL);
        say("sendmsg: %s", r < 0 ? errno_name(errno) : "OK");
        return 0;
}

static int verb_sendmmsg(int argc, char **argv)
{
        struct address a[2];
        const char *data = argc > 3 ? argv[3] : "x";
        struct iovec iov = {.iov_base = (void *)data, .iov_len = strlen(data)};
        struct mmsghdr msgs[2];

        parse_address(argv[1], &a[0]);
        parse_address(argv[2], &a[1]);
        memset(msgs, 0, sizeof(msgs));
        for (int i = 0; i < 2; i++) {
                msgs[i].msg_hdr.msg_name = &a[i].ss;
                msgs[i].msg_hdr.msg_namelen = a[i].len;
                msgs[i].msg_hdr.msg_iov = &iov;
                msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int fd = make_socket(&a[0], SOCK_DGRAM);
        int r = sendmmsg(fd, msgs, 2, MSG_NOSIGNAL);
        if (r < 0)
                say("sendmmsg: %s", errno_name(errno));
        else
                say("sendmmsg: %d", r);
        return 0;
}

static int verb_bind(int argc, char **argv)
{
        struct address a;

        parse_address(argv[1], &a);
        int fd = make_socket(&a, SOCK_DGRAM);
        int r = bind(fd, (struct sockaddr *)&a.ss, a.len);
        say("bind: %s", r < 0 ? errno_name(errno) : "OK");
        return 0;
}

/* Reads what the peer echoes back on fd and prints "VERB: got DATA". */
static void read_echo(const char *verb, int fd, const char *suffix)
{
        char buf[DATA_MAX + 1];
        ssize_t n;

        if (!wait_for(fd, POLLIN)) {
                say("%s: recv: timed out", verb);
                return;
        }
        n = recv(fd, buf, DATA_MAX, 0);
        if (n < 0) {
                say("%s: recv: %s", verb, errno_name(errno));
                return;
        }
        printable(buf, n);
        say("%s: got %s%s", verb, buf, suffix);
}

static int verb_tfo(int argc, char **argv)
{
        struct address a;

        parse_address(argv[1], &a);
        int fd = make_socket(&a, SOCK_STREAM);
        ssize_t r = sendto(fd, argv[2], strlen(argv[2]), MSG_FASTOPEN | MSG_NOSIGNAL,
                           (struct sockaddr *)&a.ss, a.len);
        if (r < 0) {
                say("tfo: %s", errno_name(errno));
                return 0;
        }
        read_echo("tfo", fd, "");
        return 0;
}

static int verb_tcp_echo(int argc, char **argv)
{
        struct address a;
        struct timeval limit = {.tv_sec = WAIT_MS / 1000};

        parse_address(argv[1], &a);
        int fd = make_socket(&a, SOCK_STREAM);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
        if (connect(fd, (struct sockaddr *)&a.ss, a.len) < 0) {
                say("tcp-echo: connect: %s", errno_name(errno));
                return 0;
        }
        if (send(fd, argv[2], strlen(argv[2]), MSG_NOSIGNAL) < 0) {
                say("tcp-echo: send: %s", errno_name(errno));
                return 0;
        }
        read_echo("tcp-echo", fd, "");
        return 0;
}

static int verb_tcp_echo_nb(int argc, char **argv)
{
        struct address a;
        const char *how = "0";
        int err = 0;
        socklen_t len = sizeof(err);
        char suffix[64];

        parse_address(argv[1], &a);
        int fd = make_socket(&a, SOCK_STREAM | SOCK_NONBLOCK);
        if (connect(fd, (struct sockaddr *)&a.ss, a.len) < 0) {
                if (errno != EINPROGRESS) {
                        say("tcp-echo-nb: connect: %s", errno_name(errno));
                        return 0;
                }
                how = "EINPROGRESS";
        }
        if (!wait_for(fd, POLLOUT)) {
                say("tcp-echo-nb: poll POLLOUT: timed out");
                return 0;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
                say("tcp-echo-nb: SO_ERROR: %s", errno_name(err ? err : errno));
                return 0;
        }
        if (send(fd, argv[2], strlen(argv[2]), MSG_NOSIGNAL) < 0) {
                say("tcp-echo-nb: send: %s", errno_name(errno));
                return 0;
        }
        snprintf(suffix, sizeof(suffix), " (connect: %s)", how);
        read_echo("tcp-echo-nb", fd, suffix);
        return 0;
}

/* io_uring, by its raw system calls: the library need not be installed. */

static int verb_io_uring_connect(int argc, char **argv)
{
        struct address a;
        struct io_uring_params p;
        long ring;

        parse_address(argv[1], &a);
        int fd = make_socket(&a, SOCK_STREAM);
        memset(&p, 0, sizeof(p));
        ring = syscall(__NR_io_uring_setup, 4, &p);
        if (ring < 0) {
                say("io_uring_setup: %s", errno_name(errno));
                return 0;
        }
        size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
        size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
        if (p.features & IORING_FEAT_SINGLE_MMAP)
                sq_size = cq_size = sq_size > cq_size ? sq_size : cq_size;
        char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, (int)ring,
                        IORING_OFF_SQ_RING);
        char *cq = sq;
        if (sq == MAP_FAILED)
                usage_error("io_uring: mmap sq: %s", strerror(errno));
        if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
                cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                          (int)ring, IORING_OFF_CQ_RING);
                if (cq == MAP_FAILED)
                        usage_error("io_uring: mmap cq: %s", strerror(errno));
        }
        struct io_uring_sqe *sqes =
            mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_POPULATE, (int)ring, IORING_OFF_SQES);
        if (sqes == MAP_FAILED)
                usage_error("io_uring: mmap sqes: %s", strerror(errno));

        unsigned *sq_tail = (unsigned *)(sq + p.sq_off.tail);
        unsigned *sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
        unsigned *sq_array = (unsigned *)(sq + p.sq_off.array);
        unsigned tail = *sq_tail, index = tail & *sq_mask;
        struct io_uring_sqe *sqe = &sqes[index];

        memset(sqe, 0, sizeof(*sqe));
        sqe->opcode = IORING_OP_CONNECT;
        sqe->fd = fd;
        sqe->addr = (uint64_t)(uintptr_t)&a.ss;
        sqe->off = a.len;
        sqe->user_data = 1;
        sq_array[index] = index;
        atomic_store_explicit((_Atomic unsigned *)sq_tail, tail + 1, memory_order_release);
        if (syscall(__NR_io_uring_enter, (int)ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
                say("io_uring_enter: %s", errno_name(errno));
                return 0;
        }
        unsigned *cq_head = (unsigned *)(cq + p.cq_off.head);
        unsigned *cq_tail = (unsigned *)(cq + p.cq_off.tail);
        unsigned *cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
        struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
        unsigned head = *cq_head;
        if (head == atomic_load_explicit((_Atomic unsigned *)cq_tail, memory_order_acquire))
                usage_error("io_uring: no completion after io_uring_enter");
        int res = cqes[head & *cq_mask].res;
        atomic_store_explicit((_Atomic unsigned *)cq_head, head + 1, memory_order_release);
        if (res < 0) {
                say("io-uring-connect: %s", errno_name(-res));
                return 0;
        }
        say("io-uring-connect: OK");
        if (write(fd, argv[2], strlen(argv[2])) < 0)
                say("io-uring-connect: write: %s", errno_name(errno));
        return 0;
}

/* Unix sockets. */

static int verb_unix_self(int argc, char **argv)
{
        struct address a;

        parse_address(argv[1], &a);
        if (a.ss.ss_family != AF_UNIX)
                usage_error("unix-self: not a unix address");
        if (((struct sockaddr_un *)&a.ss)->sun_path[0] != '\0')
                unlink(((struct sockaddr_un *)&a.ss)->sun_path);
        int listener = make_socket(&a, SOCK_STREAM);
        if (bind(listener, (struct sockaddr *)&a.ss, a.len) < 0 || listen(listener, 4) < 0) {
                say("unix-self: bind: %s", errno_name(errno));
                return 0;
        }
        int fd = make_socket(&a, SOCK_STREAM);
        if (connect(fd, (struct sockaddr *)&a.ss, a.len) < 0) {
                say("unix-self: connect: %s", errno_name(errno));
                return 0;
        }
        int conn = accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        say("unix-self: %s", conn < 0 ? errno_name(errno) : "accepted");
        return 0;
}

static int verb_scm_rights(int argc, char **argv)
{
        struct address a;
        int pipe_fds[2];
        char cmsg_buf[CMSG_SPACE(sizeof(int))];
        char byte = 'r', buf[16];

        parse_address(argv[1], &a);
        if (a.ss.ss_family != AF_UNIX || ((struct sockaddr_un *)&a.ss)->sun_path[0] == '\0')
                usage_error("scm-rights: PATH must be a unix path");
        unlink(((struct sockaddr_un *)&a.ss)->sun_path);
        int receiver = make_socket(&a, SOCK_DGRAM);
        if (bind(receiver, (struct sockaddr *)&a.ss, a.len) < 0)
                usage_error("scm-rights: bind: %s", strerror(errno));
        if (pipe2(pipe_fds, O_CLOEXEC) < 0)
                usage_error("scm-rights: pipe2: %s", strerror(errno));

        int sender = make_socket(&a, SOCK_DGRAM);
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        struct msghdr msg = {.msg_name = &a.ss,
                             .msg_namelen = a.len,
                             .msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = cmsg_buf,
                             .msg_controllen = sizeof(cmsg_buf)};
        memset(cmsg_buf, 0, sizeof(cmsg_buf));
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pipe_fds[1], sizeof(int));
        if (sendmsg(sender, &msg, MSG_NOSIGNAL) < 0) {
                say("scm-rights: sendmsg: %s", errno_name(errno));
                return 0;
        }
        close(pipe_fds[1]);

        struct msghdr in = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = cmsg_buf,
                            .msg_controllen = sizeof(cmsg_buf)};
        memset(cmsg_buf, 0, sizeof(cmsg_buf));
        if (!wait_for(receiver, POLLIN) || recvmsg(receiver, &in, MSG_CMSG_CLOEXEC) != 1) {
                say("scm-rights: recvmsg: %s", errno_name(errno));
                return 0;
        }
        c = CMSG_FIRSTHDR(&in);
        if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
            c->cmsg_len != CMSG_LEN(sizeof(int))) {
                say("scm-rights: no descriptor arrived");
                return 0;
        }
        int got;
        memcpy(&got, CMSG_DATA(c), sizeof(int));
        if (write(got, "fd-ok", 5) != 5) {
                say("scm-rights: write to the fd: %s", errno_name(errno));
                return 0;
        }
        ssize_t n = read(pipe_fds[0], buf, sizeof(buf) - 1);
        if (n != 5 || memcmp(buf, "fd-ok", 5) != 0) {
                say("scm-rights: the pipe read %zd bytes, not the 5 written", n);
                return 0;
        }
        say("scm-rights: the fd works");
        return 0;
}

static int verb_resolve(int argc, char **argv)
{
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
        struct addrinfo *res;
        int r = getaddrinfo(argv[1], NULL, &hints, &res);
        char host[INET_ADDRSTRLEN];

        if (r != 0) {
                say("resolve: %s", gai_strerror(r));
                return 0;
        }
        inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, host, sizeof(host));
        say("resolve: %s", host);
        freeaddrinfo(res);
        return 0;
}

/* A listening unix stream socket at path (unlinked first). */
static int unix_listener(const char *path)
{
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        int fd;

        if (strlen(path) >= sizeof(un.sun_path))
                usage_error("unix path too long: %s", path);
        strcpy(un.sun_path, path);
        unlink(path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0 || listen(fd, 64) < 0)
                usage_error("listen on %s: %s", path, strerror(errno));
        return fd;
}

/* Accepts (and closes) every connection waiting on a non-blocking listener. */
static long drain_listener(int fd)
{
        long n = 0;
        int conn;

        while ((conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
                close(conn);
                n++;
        }
        return n;
}

static int verb_unix_alias(int argc, char **argv)
{
        struct address a;
        int secret = unix_listener(argv[1]);

        parse_address(argv[2], &a);
        int fd = make_socket(&a, SOCK_STREAM);
        int r = connect(fd, (struct sockaddr *)&a.ss, a.len);
        say("connect: %s", r < 0 ? errno_name(errno) : "OK");
        say("pending: %ld", drain_listener(secret));
        return 0;
}

/* The races. */

static struct {
        atomic_bool stop;
        atomic_bool started;
        struct sockaddr_in buf;
        struct sockaddr_in allowed, denied;
        /* race-unix */
        int dir_fd;
} race;

struct race_counts {
        long allowed, won, other;
        long errors[4096];
};

static struct race_counts counts;

static bool race_going(void)
{
        return !atomic_load_explicit(&race.stop, memory_order_relaxed);
}

/* How long the flipper keeps one state: from nothing to about 2^16 spins,
 * log-uniformly at random, so that the flip lands inside the window
 * between a supervisor's read and the kernel's on any machine. A pace, not
 * a synchronisation. */
static void hold(void)
{
        static __thread uint32_t x = 2463534242u;
        uint32_t spins;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        spins = 1u << (x % 17);
        for (uint32_t i = 0; i < spins; i++)
                __asm__ volatile("" ::: "memory");
}

static void *flip_sockaddr(void *unused)
{
        (void)unused;
        atomic_store_explicit(&race.started, true, memory_order_release);
        while (race_going()) {
                memcpy(&race.buf, &race.allowed, sizeof(race.buf));
                __asm__ volatile("" ::: "memory");
                hold();
                memcpy(&race.buf, &race.denied, sizeof(race.buf));
                __asm__ volatile("" ::: "memory");
                hold();
        }
        return NULL;
}

static void *flip_name(void *unused)
{
        (void)unused;
        atomic_store_explicit(&race.started, true, memory_order_release);
        while (race_going()) {
                if (syscall(SYS_renameat2, race.dir_fd, "x", race.dir_fd, "y", RENAME_EXCHANGE) < 0)
                        usage_error("race-unix: renameat2: %s", strerror(errno));
                hold();
        }
        return NULL;
}

static void start_flipper(void *(*flipper)(void *), pthread_t *ret_thread)
{
        if (pthread_create(ret_thread, NULL, flipper, NULL) != 0)
                usage_error("pthread_create failed");
        while (!atomic_load_explicit(&race.started, memory_order_acquire))
                ;
}

static void stop_flipper(pthread_t thread)
{
        atomic_store(&race.stop, true);
        pthread_join(thread, NULL);
}

static void count_error(int e)
{
        counts.errors[e > 0 && e < 4096 ? e : 0]++;
}

static void report_race(long n)
{
        char line[512];
        size_t used;

        say("wins: %ld of %ld", counts.won, n);
        used = (size_t)snprintf(line, sizeof(line), "seen: allowed=%ld won=%ld other=%ld",
                                counts.allowed, counts.won, counts.other);
        for (int e = 0; e < 4096 && used < sizeof(line); e++)
                if (counts.errors[e])
                        used += (size_t)snprintf(line + used, sizeof(line) - used, " %s=%ld",
                                                 e ? errno_name(e) : "E?", counts.errors[e]);
        say("%s", line);
}

static void race_addresses(char **argv)
{
        struct address allowed, denied;

        parse_address(argv[2], &allowed);
        parse_address(argv[3], &denied);
        if (allowed.ss.ss_family != AF_INET || denied.ss.ss_family != AF_INET)
                usage_error("the race verbs take two IPv4 addresses");
        memcpy(&race.allowed, &allowed.ss, sizeof(race.allowed));
        memcpy(&race.denied, &denied.ss, sizeof(race.denied));
        race.buf = race.allowed;
}

static bool same_in(const struct sockaddr_in *x, const struct sockaddr_in *y)
{
        return x->sin_family == y->sin_family && x->sin_port == y->sin_port &&
               x->sin_addr.s_addr == y->sin_addr.s_addr;
}

static int verb_race_connect(int argc, char **argv)
{
        long n = count_arg(argv[1]);
        pthread_t thread;
        int fd;

        race_addresses(argv);
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                usage_error("socket: %s", strerror(errno));
        start_flipper(flip_sockaddr, &thread);
        for (long i = 0; i < n; i++) {
                struct sockaddr_in peer;
                socklen_t len = sizeof(peer);

                memset(&peer, 0, sizeof(peer));
                if (connect(fd, (struct sockaddr *)&race.buf, sizeof(race.buf)) < 0) {
                        count_error(errno);
                        continue;
                }
                if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0)
                        usage_error("getpeername: %s", strerror(errno));
                if (same_in(&peer, &race.denied))
                        counts.won++;
                else if (same_in(&peer, &race.allowed))
                        counts.allowed++;
                else
                        counts.other++;
        }
        stop_flipper(thread);
        report_race(n);
        return 0;
}

/* A UDP socket bound to an address, with a large receive buffer. */
static int udp_bound(const struct sockaddr_in *at)
{
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        int size = 1 << 20;

        if (fd < 0 || bind(fd, (const struct sockaddr *)at, sizeof(*at)) < 0)
                usage_error("bind %s: %s", address_text((const struct sockaddr_storage *)at),
                            strerror(errno));
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        return fd;
}

/* Datagrams waiting on fd, read without waiting; "marker" ones counted in
 * *ret_markers. */
static long drain_udp(int fd, long *ret_markers)
{
        char buf[64];
        long n = 0;
        ssize_t got;

        while ((got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
                if (ret_markers && got == 6 && memcmp(buf, "marker", 6) == 0)
                        (*ret_markers)++;
                else
                        n++;
        }
        return n;
}

static int race_send(char **argv, bool use_sendmsg)
{
        long n = count_arg(argv[1]);
        pthread_t thread;
        int fd, at_allowed, at_denied;
        long markers = 0;

        race_addresses(argv);
        /* Both ends are ours: what reaches DENIED is a win, counted on
         * arrival; ALLOWED is drained as well so that it never drops the
         * final marker. */
        at_allowed = udp_bound(&race.allowed);
        at_denied = udp_bound(&race.denied);
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                usage_error("socket: %s", strerror(errno));
        start_flipper(flip_sockaddr, &thread);
        for (long i = 0; i < n; i++) {
                ssize_t r;

                if (use_sendmsg) {
                        struct iovec iov = {.iov_base = "race", .iov_len = 4};
                        struct msghdr msg = {.msg_name = &race.buf,
                                             .msg_namelen = sizeof(race.buf),
                                             .msg_iov = &iov,
                                             .msg_iovlen = 1};
                        r = sendmsg(fd, &msg, MSG_NOSIGNAL);
                } else {
                        r = sendto(fd, "race", 4, MSG_NOSIGNAL, (struct sockaddr *)&race.buf,
                                   sizeof(race.buf));
                }
                if (r < 0)
                        count_error(errno);
                else
                        counts.allowed++; /* sent; those that went to DENIED move below */
                counts.won += drain_udp(at_denied, NULL);
                drain_udp(at_allowed, NULL);
        }
        stop_flipper(thread);

        /* Whatever the loop sent has been queued by the time a marker sent
         * after it to ALLOWED comes out of ALLOWED's queue. */
        if (sendto(fd, "marker", 6, MSG_NOSIGNAL, (struct sockaddr *)&race.allowed,
                   sizeof(race.allowed)) < 0)
                usage_error("the marker to the allowed address: %s", strerror(errno));
        for (int tries = 0; markers == 0 && tries < 100; tries++) {
                if (!wait_for(at_allowed, POLLIN))
                        break;
                drain_udp(at_allowed, &markers);
        }
        if (markers == 0)
                usage_error("the marker sent to the allowed address never arrived");
        counts.won += drain_udp(at_denied, NULL);
        counts.allowed -= counts.won;
        report_race(n);
        return 0;
}

static int verb_race_sendto(int argc, char **argv)
{
        return race_send(argv, false);
}

static int verb_race_sendmsg(int argc, char **argv)
{
        return race_send(argv, true);
}

static int verb_race_unix(int argc, char **argv)
{
        long n = count_arg(argv[1]);
        const char *dir = argv[2], *secret_path = argv[3];
        char real_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        pthread_t thread;

        if ((size_t)snprintf(real_path, sizeof(real_path), "%s/real.sock", dir) >=
                sizeof(real_path) ||
            (size_t)snprintf(un.sun_path, sizeof(un.sun_path), "%s/x", dir) >= sizeof(un.sun_path))
                usage_error("race-unix: %s is too long", dir);
        int secret = unix_listener(secret_path);
        int real = unix_listener(real_path);
        race.dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (race.dir_fd < 0)
                usage_error("race-unix: %s: %s", dir, strerror(errno));
        /* x: another name of the real socket; y: a symlink to the secret.
         * The flipper exchanges the two names. */
        unlinkat(race.dir_fd, "x", 0);
        unlinkat(race.dir_fd, "y", 0);
        if (linkat(race.dir_fd, "real.sock", race.dir_fd, "x", 0) < 0 ||
            symlinkat(secret_path, race.dir_fd, "y") < 0)
                usage_error("race-unix: the names in %s: %s", dir, strerror(errno));

        start_flipper(flip_name, &thread);
        for (long i = 0; i < n; i++) {
                int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

                if (fd < 0)
                        usage_error("socket: %s", strerror(errno));
                if (connect(fd, (struct sockaddr *)&un, sizeof(un)) < 0)
                        count_error(errno);
                close(fd);
                counts.won += drain_listener(secret);
                counts.allowed += drain_listener(real);
        }
        stop_flipper(thread);
        counts.won += drain_listener(secret);
        counts.allowed += drain_listener(real);
        report_race(n);
        return 0;
}

/* The sink. */

#define SINK_MAX 8

static struct {
        int fd[SINK_MAX];
        bool tcp[SINK_MAX];
        char name[SINK_MAX][64];
        int count;
} sink;

/* One TCP connection: reads what it sends first (a TFO connection's data
 * is already there), prints it and echoes it back. */
static void sink_connection(int i, int conn)
{
        char buf[DATA_MAX + 1];
        ssize_t n = 0;

        if (wait_for(conn, POLLIN))
                n = recv(conn, buf, DATA_MAX, MSG_DONTWAIT);
        if (n > 0 && send(conn, buf, (size_t)n, MSG_NOSIGNAL) < 0)
                n = -1;
        if (n < 0)
                n = 0;
        printable(buf, n);
        say("tcp %s got %s", sink.name[i], buf);
        close(conn);
}

/* Everything already queued on socket i, without waiting; 1 if a marker
 * came (its line is printed last, by the caller). */
static void sink_drain(int i, char *ret_marker)
{
        char buf[DATA_MAX + 1];
        ssize_t n;
        int conn;

        if (sink.tcp[i]) {
                while ((conn = accept4(sink.fd[i], NULL, NULL, SOCK_CLOEXEC)) >= 0)
                        sink_connection(i, conn);
                return;
        }
        while ((n = recv(sink.fd[i], buf, DATA_MAX, MSG_DONTWAIT)) >= 0) {
                printable(buf, n);
                if (strncmp(buf, "marker-", 7) == 0)
                        snprintf(ret_marker, DATA_MAX + 1, "%s", buf);
                else
                        say("udp %s got %s", sink.name[i], buf);
        }
}

static int verb_sink(int argc, char **argv)
{
        struct pollfd p[SINK_MAX];

        if (argc - 1 > SINK_MAX)
                usage_error("sink: at most %d sockets", SINK_MAX);
        for (int i = 1; i < argc; i++) {
                struct address a;
                bool tcp = strncmp(argv[i], "tcp:", 4) == 0;
                int one = 1, queue = 16;

                if (!tcp && strncmp(argv[i], "udp:", 4) != 0)
                        usage_error("sink: \"%s\" is neither tcp:ADDR nor udp:ADDR", argv[i]);
                parse_address(argv[i] + 4, &a);
                int fd = make_socket(&a, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK);
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
                if (bind(fd, (struct sockaddr *)&a.ss, a.len) < 0)
                        usage_error("sink: bind %s: %s", argv[i], strerror(errno));
                if (tcp && (setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &queue, sizeof(queue)) < 0 ||
                            listen(fd, 16) < 0))
                        usage_error("sink: listen %s: %s", argv[i], strerror(errno));
                sink.fd[sink.count] = fd;
                sink.tcp[sink.count] = tcp;
                snprintf(sink.name[sink.count], sizeof(sink.name[0]), "%s", argv[i] + 4);
                p[sink.count] = (struct pollfd){.fd = fd, .events = POLLIN};
                sink.count++;
        }
        say("ready");
        for (;;) {
                char marker[DATA_MAX + 1] = "";

                if (poll(p, (nfds_t)sink.count, -1) < 0 && errno != EINTR)
                        usage_error("sink: poll: %s", strerror(errno));
                for (int i = 0; i < sink.count; i++)
                        if (p[i].revents)
                                sink_drain(i, marker);
                if (marker[0]) {
                        /* Whatever was sent before the marker is queued by
                         * now: collect it before saying so. */
                        for (int i = 0; i < sink.count; i++)
                                sink_drain(i, marker);
                        say("%s", marker);
                }
        }
}

struct verb {
        const char *name;
        int min_args, max_args; /* after the verb name */
        int (*run)(int argc, char **argv);
        const char *usage;
};

static const struct verb verbs[] = {
    {"sendto", 1, 2, verb_sendto, "sendto ADDR [DATA]"},
    {"sendmsg", 1, 2, verb_sendmsg, "sendmsg ADDR [DATA]"},
    {"sendmmsg", 2, 3, verb_sendmmsg, "sendmmsg ADDR1 ADDR2 [DATA]"},
    {"bind", 1, 1, verb_bind, "bind ADDR"},
    {"tfo", 2, 2, verb_tfo, "tfo ADDR DATA"},
    {"io-uring-connect", 2, 2, verb_io_uring_connect, "io-uring-connect ADDR DATA"},
    {"tcp-echo", 2, 2, verb_tcp_echo, "tcp-echo ADDR DATA"},
    {"tcp-echo-nb", 2, 2, verb_tcp_echo_nb, "tcp-echo-nb ADDR DATA"},
    {"unix-self", 1, 1, verb_unix_self, "unix-self ADDR"},
    {"scm-rights", 1, 1, verb_scm_rights, "scm-rights unix:PATH"},
    {"resolve", 1, 1, verb_resolve, "resolve NAME"},
    {"unix-alias", 2, 2, verb_unix_alias, "unix-alias SECRET_PATH ADDR"},
    {"race-connect", 3, 3, verb_race_connect, "race-connect N ALLOWED DENIED"},
    {"race-sendto", 3, 3, verb_race_sendto, "race-sendto N ALLOWED DENIED"},
    {"race-sendmsg", 3, 3, verb_race_sendmsg, "race-sendmsg N ALLOWED DENIED"},
    {"race-unix", 3, 3, verb_race_unix, "race-unix N DIR SECRET_PATH"},
    {"sink", 1, SINK_MAX, verb_sink, "sink tcp:ADDR|udp:ADDR..."},
};

static void print_usage(void)
{
        fputs("Usage: net_attack [inet6] VERB [ARGS...]\n"
              "Verbs (see tests/helper/net_attack.c for what each prints):\n",
              stdout);
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                printf("  %s\n", verbs[i].usage);
}

int main(int argc, char **argv)
{
        int i = 1;

        if (argc < 2) {
                print_usage();
                return 1;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                print_usage();
                return 0;
        }
        if (strcmp(argv[i], "inet6") == 0) {
                force_inet6 = true;
                i++;
        }
        if (i >= argc)
                usage_error("no verb (try --help)");
        for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
                if (strcmp(verbs[v].name, argv[i]) != 0)
                        continue;
                int n = argc - i - 1;
                if (n < verbs[v].min_args || n > verbs[v].max_args)
                        usage_error("usage: net_attack %s", verbs[v].usage);
                return verbs[v].run(n + 1, argv + i);
        }
        usage_error("unknown verb \"%s\" (try --help)", argv[i]);
}
