/* SPDX-License-Identifier: MIT */
/* launch/launch.c: the steps of starting a command under our launcher and attaching it. */
#include "launch/launch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <linux/filter.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "launch/agent.h"
#include "launch/launcher.h"
#include "launch/seal.h"

extern char **environ;

int launch_find_command(const char *command, char *exec_path, size_t exec_path_size, char *reterr,
                        size_t reterr_size)
{
        int r = launcher_find_command(command, exec_path, exec_path_size);
        if (r == -ENOEXEC)
                return error_set(reterr, reterr_size, r,
                                 "%s: cannot execute: neither an ELF binary nor a script "
                                 "starting with #! (run it through its interpreter, e.g. "
                                 "scmp-super run -- sh %s)",
                                 exec_path, exec_path);
        if (r < 0)
                return error_set(reterr, reterr_size, r, "%s: %s", command,
                                 r == -ENOENT ? "command not found" : strerror(-r));
        char interp[PATH_MAX];
        r = launcher_check_interpreter(exec_path, interp, sizeof(interp));
        if (r < 0)
                return error_set(reterr, reterr_size, r, "%s: its interpreter %s: %s", exec_path,
                                 interp, strerror(-r));
        return 0;
}

int launch_init(struct launch *l, char *reterr, size_t reterr_size)
{
        sigset_t mask;

        l->sigfd = -1;
        l->sock[0] = l->sock[1] = -1;
        l->go_fd = -1;
        l->early_unattached = false;
        l->child = -1;
        l->pty_slave = -1;
        l->mask_blocked = false;
        int r = seal_supervisor(true);
        if (r < 0)
                return error_set(reterr, reterr_size, r,
                                 "sealing the supervisor off from the command: %s", strerror(-r));
        l->landlock_abi = seal_landlock_abi();
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, &l->old_mask) < 0)
                goto fail;
        l->mask_blocked = true;
        l->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (l->sigfd < 0)
                goto fail;
        return 0;
fail:
        return error_set(reterr, reterr_size, -errno, "signalfd: %s", strerror(errno));
}

int launch_socketpair(struct launch *l, char *reterr, size_t reterr_size)
{
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, l->sock) < 0)
                return error_set(reterr, reterr_size, -errno, "socketpair: %s", strerror(errno));
        return 0;
}

int launch_fork(struct launch *l, const char *exec_path, char **argv, const struct policy_bpf *bpf,
                unsigned filter_flags, const char *metadata, bool attach_here, char *reterr,
                size_t reterr_size)
{
        /* For launch_attach(), which knows the launcher's pid from fork(). */
        char *message = attach_here ? agent_format_message(0, metadata, NULL, NULL) : NULL;

        if (attach_here && !message)
                return error_set(reterr, reterr_size, -ENOMEM, "formatting the agent message: %s",
                                 strerror(ENOMEM));
        fflush(NULL);
        l->child = fork();
        if (l->child < 0) {
                int e = errno;
                free(message);
                return error_set(reterr, reterr_size, -e, "fork: %s", strerror(e));
        }
        if (l->child == 0) {
                struct launch_spec spec = {
                    .exec_path = exec_path,
                    .argv = argv,
                    .envp = environ,
                    .bpf = *bpf,
                    .filter_flags = filter_flags,
                    .sock = l->sock[1],
                    .sigmask = &l->old_mask,
                    .metadata = metadata,
                    .message = message,
                    .seal = l->landlock_abi >= SEAL_LANDLOCK_MIN_ABI,
                    .pty_slave = l->pty_slave,
                    .terminal = l->terminal,
                    .send_after_load = l->send_after_load,
                };
                close(l->sock[0]);
                launcher_child(&spec);
        }
        free(message);
        close(l->sock[1]);
        l->sock[1] = -1;
        return 0;
}

int launch_fork_early(struct launch *l, char **argv, char *reterr, size_t reterr_size)
{
        int go[2];

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0)
                return error_set(reterr, reterr_size, -errno, "socketpair: %s", strerror(errno));
        fflush(NULL);
        l->child = fork();
        if (l->child < 0) {
                int e = errno;
                close(go[0]);
                close(go[1]);
                return error_set(reterr, reterr_size, -e, "fork: %s", strerror(e));
        }
        if (l->child == 0) {
                /* exec_path, the filter, its flags and the message come
                 * through go[1] (launcher_child_early()). */
                struct launch_spec spec = {
                    .argv = argv,
                    .envp = environ,
                    .sock = l->sock[1],
                    .sigmask = &l->old_mask,
                    .seal = l->landlock_abi >= SEAL_LANDLOCK_MIN_ABI,
                    .pty_slave = -1,
                };
                close(l->sock[0]);
                close(go[0]);
                launcher_child_early(&spec, go[1]);
        }
        close(go[1]);
        l->go_fd = go[0];
        l->early_unattached = true;
        close(l->sock[1]);
        l->sock[1] = -1;
        return 0;
}

int launch_go(struct launch *l, const char *exec_path, const struct policy_bpf *bpf,
              unsigned filter_flags, const char *metadata, char *reterr, size_t reterr_size)
{
        char *message = agent_format_message(0, metadata, NULL, NULL);
        struct launcher_go h = {
            .magic = LAUNCHER_GO_MAGIC,
            .filter_flags = filter_flags,
            .n_insns = bpf->len,
            .message_len = message ? (uint32_t)strlen(message) : 0,
            .path_len = (uint32_t)strlen(exec_path),
            .send_after_load = l->send_after_load,
        };
        size_t size = launcher_go_payload_size(&h);
        char *buf = size ? malloc(sizeof(h) + size) : NULL;

        if (!message || !buf) {
                free(message);
                free(buf);
                return error_set(reterr, reterr_size, message ? -EINVAL : -ENOMEM,
                                 "handing the filter to the launcher: %s",
                                 message ? "the filter, message or path is too long"
                                         : strerror(ENOMEM));
        }
        char *p = buf;
        memcpy(p, &h, sizeof(h));
        p += sizeof(h);
        memcpy(p, bpf->insns, (size_t)bpf->len * sizeof(struct sock_filter));
        p += (size_t)bpf->len * sizeof(struct sock_filter);
        memcpy(p, message, h.message_len + 1);
        p += h.message_len + 1;
        memcpy(p, exec_path, h.path_len + 1);
        free(message);

        /* A launcher that died first (it said why) makes the send fail;
         * launch_attach() then finds its socket closed and reports its
         * status, as for a launcher forked late. */
        for (size_t sent = 0; sent < sizeof(h) + size;) {
                ssize_t n = send(l->go_fd, buf + sent, sizeof(h) + size - sent, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                sent += (size_t)n;
        }
        free(buf);
        close(l->go_fd);
        l->go_fd = -1;
        return 0;
}

int launch_attach(struct launch *l, struct supervisor *sup, launch_before_serving_fn before_serving,
                  void *ctx, int *ret_status, char *reterr, size_t reterr_size)
{
        struct agent_message msg;
        char why[256];
        int r;

        /* From here every path below kills the launcher, or leaves it to
         * the supervisor, which reaps it. */
        l->early_unattached = false;
        /* Nothing answers the launcher's exec before this returns: no
         * lane serves a listener yet. Called before the launcher's message
         * arrives, so that this work and the launcher's set-up overlap. */
        if (before_serving) {
                r = before_serving(ctx, reterr, reterr_size);
                if (r < 0) {
                        /* Nothing has reaped it: the pid is still ours. */
                        kill(l->child, SIGKILL);
                        waitpid(l->child, NULL, 0);
                        *ret_status = 125;
                        return r;
                }
        }
        /* The launcher's message comes before the command runs, so a
         * blocking read is right here: nothing else needs serving yet. */
        r = agent_receive(l->sock[0], &msg, why, sizeof(why));
        if (r < 0) {
                /* The launcher said why on stderr and exited 125. */
                supervisor_watch_child(sup, l->child, l->sigfd);
                supervisor_run(sup);
                *ret_status = sup->child_exited && sup->child_status != 0 ? sup->child_status : 125;
                return r;
        }
        /* Our child, whatever the message says (it was made before the
         * fork, with pid 0). */
        msg.pid = l->child;
        r = supervisor_add_target(sup, &msg, true, NULL);
        agent_message_clear(&msg);
        if (r == 0)
                r = supervisor_watch_child(sup, l->child, l->sigfd);
        if (r < 0) {
                error_set(reterr, reterr_size, r, "%s", uv_strerror(r));
                kill(l->child, SIGKILL);
                *ret_status = 125;
        }
        return r;
}

void launch_close(struct launch *l)
{
        /* An early launcher waiting for its filter, or for the answer
         * to its exec: nothing runs. */
        if (l->go_fd >= 0) {
                close(l->go_fd);
                l->go_fd = -1;
        }
        if (l->early_unattached && l->child > 0) {
                kill(l->child, SIGKILL);
                waitpid(l->child, NULL, 0);
                l->early_unattached = false;
        }
        for (int i = 0; i < 2; i++)
                if (l->sock[i] >= 0) {
                        close(l->sock[i]);
                        l->sock[i] = -1;
                }
        if (l->sigfd >= 0) {
                close(l->sigfd);
                l->sigfd = -1;
        }
}
