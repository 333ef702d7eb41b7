/* SPDX-License-Identifier: MIT */
/* core/child.c: run's command as the loop's child: signals forwarded, exit collected. */
#include "core/supervisor_internal.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/macros.h"
#include "core/decision_log.h"

/* run and trace are child subreapers (seal.h): what the command leaves
 * behind when its parent exits becomes our child, and is reaped here too,
 * or it would stay a zombie until we exit. */
static void reap_child(struct supervisor *sup)
{
        int status, flags = WNOHANG | (sup->child_stopped ? WUNTRACED : 0);
        pid_t p;

        /* Stops are reported only with WUNTRACED, so only when asked for;
         * an orphan's exit or stop is only reaped or passed over. */
        while ((p = waitpid(-1, &status, flags)) > 0) {
                if (p != sup->child)
                        continue;
                if (!WIFSTOPPED(status))
                        break;
                if (sup->child_stopped)
                        sup->child_stopped(sup->child_stopped_ctx, WSTOPSIG(status));
        }
        if (p != sup->child)
                return;
        sup->child_exited = true;
        if (WIFEXITED(status))
                sup->child_status = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) {
                sup->child_signal = WTERMSIG(status);
                sup->child_status = 128 + WTERMSIG(status);
        } else
                sup->child_status = 125;
        supervisor_stop_all(sup);
}

static void on_signal(uv_poll_t *handle, int status, int events)
{
        struct supervisor *sup = container_of(handle, struct supervisor, signal_poll);
        struct signalfd_siginfo si;

        if (status < 0)
                return;
        while (read(sup->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGCHLD) {
                        reap_child(sup);
                        continue;
                }
                if (sup->child_exited)
                        continue;
                /* A terminal's ^C reaches the whole foreground process group,
                 * the child included; forwarding it would deliver it twice. */
                if (si.ssi_code == SI_KERNEL && getpgid(sup->child) == getpgrp())
                        continue;
                kill(sup->child, (int)si.ssi_signo);
        }
        /* A SIGCHLD can be merged with one we already consumed. */
        if (!sup->child_exited)
                reap_child(sup);
}

int supervisor_watch_child(struct supervisor *sup, pid_t child, int sigfd)
{
        int r;

        sup->child = child;
        sup->sigfd = sigfd;
        r = uv_poll_init(&sup->loop, &sup->signal_poll, sigfd);
        if (r < 0)
                return r;
        sup->signal_poll_open = true;
        r = uv_poll_start(&sup->signal_poll, UV_READABLE, on_signal);
        if (r < 0)
                return r;
        if (sup->opts.log) {
                r = log_file_flush_every_second(sup->opts.log, &sup->loop, &sup->flush_timer);
                if (r < 0)
                        return r;
                sup->flush_timer_open = true;
        }
        /* The child may have exited before we watched. */
        reap_child(sup);
        return 0;
}
