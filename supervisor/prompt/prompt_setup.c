/* SPDX-License-Identifier: MIT */
/* prompt/prompt_setup.c: run's prompting: the front ends --prompt starts, and their life. */
#include "prompt/prompt_setup.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "prompt/control.h"
#include "core/proc_tree.h"
#include "prompt/prompt.h"
#include "prompt/prompt_tty.h"

struct prompting {
        struct prompt_broker *broker;
        struct control_server *control;
        struct prompt_tty *tty;
        char control_name[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

int prompt_mode_parse(const char *name, enum prompt_mode *ret_mode)
{
        static const struct {
                const char *name;
                enum prompt_mode mode;
        } modes[] = {
            {"auto", PROMPT_MODE_AUTO},
            {"tty", PROMPT_MODE_TTY},
            {"socket", PROMPT_MODE_SOCKET},
            {"none", PROMPT_MODE_NONE},
        };
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
                if (strcmp(name, modes[i].name) == 0) {
                        *ret_mode = modes[i].mode;
                        return 0;
                }
        return -EINVAL;
}

bool policy_can_prompt(const struct policy *policy)
{
        if (policy->default_verdict == VERDICT_PROMPT)
                return true;
        for (size_t i = 0; i < policy->n_rules; i++)
                if (policy->rules[i].verdict == VERDICT_PROMPT)
                        return true;
        return false;
}

void prompting_stop(struct prompting *p)
{
        if (!p)
                return;
        control_server_stop(p->control);
        prompt_tty_stop(p->tty);
        prompt_broker_close(p->broker);
        free(p);
}

/*
 * run's control clients: a person's, never one the command started. We are
 * a child subreaper (seal.h), so everything the command starts descends from
 * us; a client that does, or that cannot be told apart, is refused.
 */
static int refuse_supervised(void *ctx, pid_t pid, int pidfd, char *why, size_t why_size)
{
        int r = proc_tree_descends(pid, pidfd, getpid());
        if (r == 0)
                return 0;
        if (r > 0)
                snprintf(why, why_size,
                         "permission denied: pid %d was started by the supervised command, which "
                         "may not answer its own prompts",
                         (int)pid);
        else
                snprintf(why, why_size,
                         "permission denied: cannot tell whether pid %d was started by the "
                         "supervised command (%s)",
                         (int)pid, strerror(-r));
        return -EPERM;
}

bool prompting_on_terminal(const struct prompting *p)
{
        return p && p->tty;
}

void prompting_use_relay(struct prompting *p, struct pty_relay *relay)
{
        prompt_tty_use_relay(p->tty, relay);
}

int prompting_start(struct supervisor *sup, const struct policy *policy,
                    const struct prompt_config *cfg, struct prompting **ret_prompting, char *reterr,
                    size_t reterr_size)
{
        char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
        struct prompting *p;
        sigset_t mask;
        int r;

        *ret_prompting = NULL;
        if (cfg->mode == PROMPT_MODE_NONE)
                return 0;
        /* Nothing to ask about, and nobody asked for front ends. */
        if (!policy_can_prompt(policy) && cfg->mode == PROMPT_MODE_AUTO && !cfg->control_path)
                return 0;

        /*
         * A client that hangs up must not kill us with SIGPIPE, and writing
         * to or setting up the terminal from the background must not stop
         * us with SIGTTOU or SIGTTIN (reads then fail with EIO instead): a
         * stopped supervisor stalls every target. Blocked rather than
         * ignored, because ignored signals would be inherited through the
         * command's execve, while the launcher restores the mask it had.
         */
        sigemptyset(&mask);
        sigaddset(&mask, SIGPIPE);
        sigaddset(&mask, SIGTTIN);
        sigaddset(&mask, SIGTTOU);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        p = calloc(1, sizeof(*p));
        if (!p) {
                snprintf(reterr, reterr_size, "out of memory");
                return -ENOMEM;
        }
        /* Forever rules go to the file that was loaded, wherever the
         * supervisor's cwd is by then. */
        char profile[PATH_MAX];
        if (cfg->profile_path && !realpath(cfg->profile_path, profile)) {
                r = -errno;
                snprintf(reterr, reterr_size, "%s: %s", cfg->profile_path, strerror(-r));
                free(p);
                return r;
        }
        struct prompt_broker_options bopts = {
            .timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : policy->prompt_timeout_ms,
            .profile_path = cfg->profile_path ? profile : NULL,
        };
        r = prompt_broker_new(sup, &bopts, &p->broker);
        if (r < 0) {
                snprintf(reterr, reterr_size, "starting prompts: %s", strerror(-r));
                free(p);
                return r;
        }

        bool want_tty =
            cfg->mode == PROMPT_MODE_TTY ||
            (cfg->mode == PROMPT_MODE_AUTO && (isatty(STDIN_FILENO) || isatty(STDERR_FILENO)));
        if (want_tty) {
                char why[256];
                r = prompt_tty_start(p->broker, &sup->loop, &p->tty, why, sizeof(why));
                if (r < 0 && cfg->mode == PROMPT_MODE_TTY) {
                        snprintf(reterr, reterr_size, "--prompt tty: no terminal to ask on (%s)",
                                 why);
                        goto fail;
                }
        }

        if (cfg->control_path) {
                snprintf(path, sizeof(path), "%s", cfg->control_path);
                if (strlen(cfg->control_path) >= sizeof(path)) {
                        snprintf(reterr, reterr_size, "--control %s: too long for a unix socket",
                                 cfg->control_path);
                        r = -ENAMETOOLONG;
                        goto fail;
                }
        } else {
                r = control_default_name(path, sizeof(path), reterr, reterr_size);
                if (r < 0)
                        goto fail;
        }
        r = control_server_start(p->broker, &sup->loop, path, &p->control, reterr, reterr_size);
        if (r < 0)
                goto fail;
        /* Set before the loop first runs, so before any client is taken. */
        control_server_set_peer_check(p->control, refuse_supervised, NULL);
        snprintf(p->control_name, sizeof(p->control_name), "%s", path);
        char hint[sizeof(path) + 64];
        snprintf(hint, sizeof(hint), "scmp-super prompt --socket %s", path);
        prompt_broker_set_answer_hint(p->broker, hint);
        *ret_prompting = p;
        return 0;
fail:
        prompting_stop(p);
        return r < 0 ? r : -EINVAL;
}

const char *prompting_control_name(const struct prompting *p)
{
        return p && p->control && p->control_name[0] ? p->control_name : NULL;
}
