/* SPDX-License-Identifier: MIT */
/*
 * ref_supervisor: the least a seccomp user-notification supervisor can do,
 * and so the limit any real supervisor is measured against on this machine.
 *
 *   ref_supervisor [--syscall NAME] [--plain] [--epoll] [--path-glob GLOB]
 *                  [--emulate-open] -- CMD [ARG...]
 *
 * The child installs a six-instruction filter that returns
 * SECCOMP_RET_USER_NOTIF for one system call (getppid by default) and
 * SECCOMP_RET_ALLOW for everything else, asks for a listener with
 * SECCOMP_FILTER_FLAG_NEW_LISTENER, hands the listener to the parent over a
 * socketpair (SCM_RIGHTS) and executes CMD. The parent answers every
 * notification from a blocking RECV/SEND loop with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE: no event loop, no policy, no logging.
 *
 * --plain        do not ask for SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP.
 * --epoll        wait in epoll_wait for the listener to become readable
 *                before every RECV, as an event loop does. The difference
 *                from the default is what the event-loop model costs in the
 *                kernel, whatever library runs the loop: one more system call
 *                per notification, and a wake-up through epoll's wait queue,
 *                which does not pass on the current-CPU hint that
 *                SYNC_WAKE_UP gives a task blocked in RECV.
 * --path-glob G  treat argument 1 as a path (openat): read it from the
 *                target's memory, check that the notification is still
 *                valid, and continue only if it matches one of the globs
 *                (fnmatch without FNM_PATHNAME, so '*' also matches '/');
 *                otherwise fail the call with EACCES. This is the minimum
 *                work of any supervisor with a path rule. May be repeated;
 *                globs are tried in order, so put the hot one first.
 * --bpf FILE     install the filter in FILE (raw struct sock_filter, as
 *                `filter_exec --write-bpf` writes it) instead of the
 *                six-instruction one: the least launcher given the filter
 *                `scmp-super run` loads, so that what the filter itself
 *                costs at start-up is measured apart from run's own work.
 *                The file is read before the fork; every notification
 *                is CONTINUEd, whatever the filter routed.
 * --emulate-open with --syscall openat: instead of CONTINUE, perform the
 *                open here and hand the file to the caller. The path is read
 *                once, opened with openat2(2) (against the caller's cwd or
 *                dirfd only when it is relative) and installed in the
 *                caller with SECCOMP_IOCTL_NOTIF_ADDFD and
 *                SECCOMP_ADDFD_FLAG_SEND, which also answers the
 *                notification with the new fd's number (Linux 5.14). An
 *                error from the open is the call's errno. The least an
 *                emulating supervisor does: no walk of the path component
 *                by component, no switch to the caller's credentials. With
 *                --path-glob, the path read for the check is the one opened.
 *
 * When the target exits, one line goes to stderr:
 *   ref_supervisor mode=sync-wake-up wait=recv notifications=200512
 * (with --emulate-open also emulated=N: the calls answered by ADDFD) and
 * ref_supervisor exits with the target's status.
 */

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux 6.6 added synchronous wake-ups; Debian 12's headers predate them. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
/* Linux 5.9 added ADDFD, 5.14 its SEND flag; Debian 12's headers have both,
 * older ones may not. */
#ifndef SECCOMP_IOCTL_NOTIF_ADDFD
#define SECCOMP_IOCTL_NOTIF_ADDFD SECCOMP_IOW(3, struct seccomp_notif_addfd)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef SYS_openat2
#define SYS_openat2 437 /* the same number on every architecture */
#endif

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#else
#error "ref_supervisor: add the AUDIT_ARCH_* value of this architecture"
#endif

#define MAX_PATH_GLOBS 16

struct options {
        int nr;
        const char *syscall_name;
        bool plain;
        bool epoll;
        const char *path_globs[MAX_PATH_GLOBS];
        size_t n_path_globs;
        bool emulate_open;
        const char *bpf_path;
        struct sock_fprog bpf; /* from bpf_path, read before the fork */
        char **command;
};

struct supervisor {
        int listener;
        pid_t child;
        const struct options *options;
        unsigned long notifications; /* written by the loop thread only */
        unsigned long emulated;      /* likewise: calls answered by ADDFD */
};

static void usage(FILE *out)
{
        fprintf(out, "usage: ref_supervisor [--syscall NAME] [--plain] [--epoll] "
                     "[--path-glob GLOB]... [--emulate-open] [--bpf FILE] -- CMD "
                     "[ARG...]\n");
}

static int parse_options(int argc, char **argv, struct options *ret_options)
{
        struct options o = {.syscall_name = "getppid"};
        int i;

        for (i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                } else if (strcmp(argv[i], "--plain") == 0) {
                        o.plain = true;
                } else if (strcmp(argv[i], "--epoll") == 0) {
                        o.epoll = true;
                } else if (strcmp(argv[i], "--emulate-open") == 0) {
                        o.emulate_open = true;
                } else if (strcmp(argv[i], "--syscall") == 0 && i + 1 < argc) {
                        o.syscall_name = argv[++i];
                } else if (strcmp(argv[i], "--bpf") == 0 && i + 1 < argc) {
                        o.bpf_path = argv[++i];
                } else if (strcmp(argv[i], "--path-glob") == 0 && i + 1 < argc) {
                        if (o.n_path_globs == MAX_PATH_GLOBS)
                                return -E2BIG;
                        o.path_globs[o.n_path_globs++] = argv[++i];
                } else {
                        return -EINVAL;
                }
        }
        if (i >= argc)
                return -EINVAL;
        o.command = &argv[i];
        o.nr = seccomp_syscall_resolve_name(o.syscall_name);
        if (o.nr == __NR_SCMP_ERROR || o.nr < 0)
                return -EINVAL;
        /* Emulation reads openat's argument layout, and only openat's. */
        if (o.emulate_open && o.nr != SYS_openat)
                return -EINVAL;
        *ret_options = o;
        return 0;
}

/* Reads a raw filter (struct sock_filter, host order) from path. */
static int read_bpf(const char *path, struct sock_fprog *ret_prog)
{
        struct sock_filter *insns = malloc(BPF_MAXINSNS * sizeof(*insns) + 1);
        size_t got = 0, size = BPF_MAXINSNS * sizeof(*insns) + 1;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0 || !insns) {
                int e = fd < 0 ? errno : ENOMEM;
                free(insns);
                if (fd >= 0)
                        close(fd);
                return -e;
        }
        while (got < size && (n = read(fd, (char *)insns + got, size - got)) > 0)
                got += (size_t)n;
        close(fd);
        /* One byte more than the kernel takes tells a file too long. */
        if (got == 0 || got % sizeof(*insns) != 0 || got > BPF_MAXINSNS * sizeof(*insns)) {
                free(insns);
                return -EINVAL;
        }
        ret_prog->filter = insns;
        ret_prog->len = (unsigned short)(got / sizeof(*insns));
        return 0;
}

/* Runs in the child: install the filter and return the listener fd. */
static int install_filter(const struct options *o)
{
        int nr = o->nr;
        struct sock_filter insns[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 0, 3),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {
            .len = sizeof(insns) / sizeof(insns[0]),
            .filter = insns,
        };
        long fd;

        if (o->bpf_path)
                prog = o->bpf;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        /* The kernel creates the listener with O_CLOEXEC, so the target never
         * inherits it across execve. */
        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
        if (fd < 0)
                return -errno;
        return (int)fd;
}

static int send_fd(int sock, int fd)
{
        char byte = 0;
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = control.buf,
            .msg_controllen = sizeof(control.buf),
        };
        struct cmsghdr *cmsg;

        memset(&control, 0, sizeof(control));
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
                return -errno;
        return 0;
}

static int receive_fd(int sock, int *ret_fd)
{
        char byte;
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = control.buf,
            .msg_controllen = sizeof(control.buf),
        };
        struct cmsghdr *cmsg;
        ssize_t n;
        int fd;

        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return -errno;
        if (n == 0)
                return -ECHILD; /* the child died before sending */
        cmsg = CMSG_FIRSTHDR(&msg);
        if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
            cmsg->cmsg_len != CMSG_LEN(sizeof(int)) || (msg.msg_flags & MSG_CTRUNC))
                return -EBADMSG;
        memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
        *ret_fd = fd;
        return 0;
}

static void run_child(const struct options *o, int sock)
{
        int listener = install_filter(o);
        int r;

        if (listener < 0) {
                fprintf(stderr, "ref_supervisor: installing the filter: %s\n", strerror(-listener));
                _exit(126);
        }
        r = send_fd(sock, listener);
        if (r < 0) {
                fprintf(stderr, "ref_supervisor: sending the listener: %s\n", strerror(-r));
                _exit(126);
        }
        close(listener);
        close(sock);
        execvp(o->command[0], o->command);
        fprintf(stderr, "ref_supervisor: %s: %s\n", o->command[0], strerror(errno));
        _exit(127);
}

/*
 * Copies the '\0'-terminated string at addr in pid's memory into buf. Reads
 * stop at page boundaries, because the page after the string may be unmapped
 * and process_vm_readv would then fail the whole read.
 */
static int read_target_string(pid_t pid, uint64_t addr, char *buf, size_t size)
{
        const size_t page = 4096;
        size_t have = 0;

        while (have < size) {
                uint64_t at = addr + have;
                size_t want = page - (size_t)(at % page);
                struct iovec local, remote;
                ssize_t n;

                if (want > size - have)
                        want = size - have;
                local = (struct iovec){.iov_base = buf + have, .iov_len = want};
                remote = (struct iovec){.iov_base = (void *)(uintptr_t)at, .iov_len = want};
                n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
                if (n <= 0)
                        return n < 0 ? -errno : -EFAULT;
                if (memchr(buf + have, '\0', (size_t)n) != NULL)
                        return 0;
                have += (size_t)n;
        }
        return -ENAMETOOLONG;
}

/* Decides one call under --path-glob, on the path already read: 0 to allow
 * it, or the errno to fail it with. */
static int decide_path(int listener, const struct seccomp_notif *req, const char *path,
                       const struct options *o)
{
        __u64 id = req->id;

        /* The target may have died and its pid been reused between RECV and
         * the read; only a still-valid notification proves the memory was
         * the caller's. */
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
                return ENOENT;
        for (size_t i = 0; i < o->n_path_globs; i++)
                if (fnmatch(o->path_globs[i], path, 0) == 0)
                        return 0;
        return EACCES;
}

/*
 * Performs the caller's openat(dirfd, path, flags, mode) here and installs
 * the file in the caller, which answers the notification: the caller's call
 * returns the fd number the kernel chose in its table. Returns 0 once the
 * call is answered (or its caller is gone), or the errno to fail it with.
 *
 * An absolute path is opened as it is: the target shares this process's
 * root, which a real supervisor would have to check or open from
 * /proc/TID/root. No ID_VALID check is needed for the fd's sake: ADDFD on a
 * notification whose caller died fails, so the file reaches no one.
 */
static int emulate_open(struct supervisor *s, const struct seccomp_notif *req, const char *path)
{
        int dirfd = (int)req->data.args[0];
        unsigned int flags = (unsigned int)req->data.args[2];
        /* The supervisor's own copy is close-on-exec whatever the caller
         * asked; the caller's O_CLOEXEC goes to ADDFD's newfd_flags. openat2
         * refuses flag bits it does not know, where openat ignores them; a
         * real supervisor would clear them first. */
        struct open_how how = {.flags = flags | O_CLOEXEC};
        struct seccomp_notif_addfd addfd = {
            .id = req->id,
            .flags = SECCOMP_ADDFD_FLAG_SEND,
            .newfd_flags = flags & O_CLOEXEC,
        };
        int base = AT_FDCWD, fd, err;

        /* openat2 refuses a mode without O_CREAT or O_TMPFILE, and mode bits
         * beyond 07777, which openat ignores. */
        if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
                how.mode = req->data.args[3] & 07777;
        if (path[0] != '/') {
                char link[64];

                if (dirfd == AT_FDCWD)
                        snprintf(link, sizeof(link), "/proc/%u/cwd", req->pid);
                else
                        snprintf(link, sizeof(link), "/proc/%u/fd/%d", req->pid, dirfd);
                base = open(link, O_PATH | O_CLOEXEC);
                if (base < 0)
                        return dirfd == AT_FDCWD ? errno : EBADF;
        }
        fd = (int)syscall(SYS_openat2, base, path, &how, sizeof(how));
        err = fd < 0 ? errno : 0;
        if (base != AT_FDCWD)
                close(base);
        if (fd < 0)
                return err;
        addfd.srcfd = (__u32)fd;
        /* Counted first: a successful ADDFD lets the caller run on, and its
         * last call may end the program before this thread is scheduled
         * again. */
        __atomic_store_n(&s->emulated, s->emulated + 1, __ATOMIC_RELAXED);
        err = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0 ? errno : 0;
        close(fd);
        if (err != 0)
                __atomic_store_n(&s->emulated, s->emulated - 1, __ATOMIC_RELAXED);
        /* ENOENT: the caller is gone. Any other error (EMFILE: the caller's
         * table is full) leaves the notification pending, to be failed. */
        return err == ENOENT ? 0 : err;
}

/* True once no task uses the filter (POLLHUP, Linux 5.8 and later). */
static bool listener_hung_up(int listener)
{
        struct pollfd pfd = {.fd = listener, .events = POLLIN};

        return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP);
}

static void *notification_loop(void *data)
{
        struct supervisor *s = data;
        struct seccomp_notif_sizes sizes;
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        size_t req_size, resp_size;
        int ep = -1;

        /* The kernel's structures may be larger than this program's headers
         * know; RECV fails with EINVAL if the buffer is too small. */
        if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
                perror("ref_supervisor: SECCOMP_GET_NOTIF_SIZES");
                kill(s->child, SIGKILL);
                return NULL;
        }
        req_size = sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req);
        resp_size =
            sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp : sizeof(*resp);
        req = malloc(req_size);
        resp = malloc(resp_size);
        if (req == NULL || resp == NULL) {
                perror("ref_supervisor: malloc");
                kill(s->child, SIGKILL);
                free(req);
                free(resp);
                return NULL;
        }
        if (s->options->epoll) {
                /* Level-triggered, as libuv's uv_poll is. */
                struct epoll_event ev = {.events = EPOLLIN, .data.fd = s->listener};

                ep = epoll_create1(EPOLL_CLOEXEC);
                if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, s->listener, &ev) < 0) {
                        perror("ref_supervisor: epoll");
                        kill(s->child, SIGKILL);
                        free(req);
                        free(resp);
                        return NULL;
                }
        }

        for (;;) {
                char path[PATH_MAX];
                int deny = 0;

                if (ep >= 0) {
                        struct epoll_event ev;
                        int n = epoll_wait(ep, &ev, 1, -1);

                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0) {
                                perror("ref_supervisor: epoll_wait");
                                kill(s->child, SIGKILL);
                                break;
                        }
                        /* POLLHUP without POLLIN: no task uses the filter
                         * any more, and RECV would block. */
                        if ((ev.events & EPOLLHUP) && !(ev.events & EPOLLIN))
                                break;
                }

                /* RECV fails with EINVAL on a buffer that is not all zeroes. */
                memset(req, 0, req_size);
                if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
                        if (errno == EINTR)
                                continue;
                        /* ENOENT: a caller was killed before we got its
                         * notification, or (Linux 6.6 and later) no task
                         * uses the filter any more. Only the second hangs
                         * the listener up, and then there is nothing left to
                         * answer. */
                        if (errno == ENOENT) {
                                if (listener_hung_up(s->listener))
                                        break;
                                continue;
                        }
                        perror("ref_supervisor: SECCOMP_IOCTL_NOTIF_RECV");
                        kill(s->child, SIGKILL);
                        break;
                }
                __atomic_store_n(&s->notifications, s->notifications + 1, __ATOMIC_RELAXED);

                if (s->options->n_path_globs != 0 || s->options->emulate_open) {
                        int r = read_target_string((pid_t)req->pid, req->data.args[1], path,
                                                   sizeof(path));

                        deny = r < 0 ? -r : 0;
                }
                if (deny == 0 && s->options->n_path_globs != 0)
                        deny = decide_path(s->listener, req, path, s->options);
                /* Answered by ADDFD, unless the open failed. */
                if (deny == 0 && s->options->emulate_open) {
                        deny = emulate_open(s, req, path);
                        if (deny == 0)
                                continue;
                }

                memset(resp, 0, resp_size);
                resp->id = req->id;
                if (deny == 0) {
                        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
                } else {
                        resp->error = -deny;
                }
                /* ENOENT: the caller was killed while we decided; nothing to answer. */
                if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT) {
                        perror("ref_supervisor: SECCOMP_IOCTL_NOTIF_SEND");
                        kill(s->child, SIGKILL);
                        break;
                }
        }
        if (ep >= 0)
                close(ep);
        free(req);
        free(resp);
        return NULL;
}

int main(int argc, char **argv)
{
        struct options o;
        struct supervisor s = {.options = &o};
        const char *mode = "sync-wake-up";
        int socks[2], r, status;
        pthread_t thread;

        if (parse_options(argc, argv, &o) < 0) {
                usage(stderr);
                return 2;
        }
        if (o.bpf_path) {
                int e = read_bpf(o.bpf_path, &o.bpf);
                if (e < 0) {
                        fprintf(stderr, "ref_supervisor: --bpf %s: %s\n", o.bpf_path,
                                e == -EINVAL ? "not a whole filter of 1 to 4096 instructions"
                                             : strerror(-e));
                        return 2;
                }
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks) < 0) {
                perror("ref_supervisor: socketpair");
                return 1;
        }
        s.child = fork();
        if (s.child < 0) {
                perror("ref_supervisor: fork");
                return 1;
        }
        if (s.child == 0) {
                close(socks[0]);
                run_child(&o, socks[1]);
        }
        close(socks[1]);
        r = receive_fd(socks[0], &s.listener);
        close(socks[0]);
        if (r < 0) {
                fprintf(stderr, "ref_supervisor: receiving the listener: %s\n", strerror(-r));
                waitpid(s.child, NULL, 0);
                return 1;
        }

        /* With synchronous wake-ups (Linux 6.6) the kernel switches straight
         * between the target and the supervisor on one CPU instead of waking
         * the other side wherever the scheduler likes. Older kernels reject the
         * ioctl; the benchmark then runs without it and says so. */
        if (o.plain) {
                mode = "plain";
        } else if (ioctl(s.listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
                         SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
                mode = "plain-fallback";
        }

        r = pthread_create(&thread, NULL, notification_loop, &s);
        if (r != 0) {
                fprintf(stderr, "ref_supervisor: pthread_create: %s\n", strerror(r));
                kill(s.child, SIGKILL);
                waitpid(s.child, NULL, 0);
                return 1;
        }

        /* Before Linux 6.6 a blocking RECV is not woken when the filter loses
         * its last user, so the loop thread cannot be relied on to finish:
         * the main thread waits for the target and then ends the process. */
        while (waitpid(s.child, &status, 0) < 0) {
                if (errno != EINTR) {
                        perror("ref_supervisor: waitpid");
                        return 1;
                }
        }
        fprintf(stderr, "ref_supervisor mode=%s wait=%s notifications=%lu", mode,
                o.epoll ? "epoll" : "recv", __atomic_load_n(&s.notifications, __ATOMIC_RELAXED));
        if (o.emulate_open)
                fprintf(stderr, " emulated=%lu", __atomic_load_n(&s.emulated, __ATOMIC_RELAXED));
        fprintf(stderr, "\n");
        fflush(stderr);
        if (WIFEXITED(status))
                _exit(WEXITSTATUS(status));
        _exit(128 + WTERMSIG(status));
}
