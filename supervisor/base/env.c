/* SPDX-License-Identifier: MIT */
/* base/env.c: the facts includes and excludes test, and what ${HOME} and ${CWD} are. */
#include "base/env.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static bool invoker_disabled, invoker_detected;
static char invoker_home[PATH_MAX], invoker_cwd[PATH_MAX];

void env_without_invoker(void)
{
        invoker_disabled = true;
}

/* $HOME with symlinks resolved (rules match files' true names), or as it
 * is when it cannot be resolved; "" when unset or not absolute. And the
 * working directory, which getcwd() gives resolved already. */
static void detect_invoker(void)
{
        const char *home = getenv("HOME");

        invoker_detected = true;
        if (home && home[0] == '/' && strlen(home) < sizeof(invoker_home)) {
                char *real = realpath(home, NULL);
                const char *use = real && strlen(real) < sizeof(invoker_home) ? real : home;
                memcpy(invoker_home, use, strlen(use) + 1);
                free(real);
        }
        if (!getcwd(invoker_cwd, sizeof(invoker_cwd)) || invoker_cwd[0] != '/')
                invoker_cwd[0] = '\0';
}

void env_detect(struct policy_env *env)
{
        struct utsname u;
        FILE *f;

        memset(env, 0, sizeof(*env));
#if defined(__x86_64__)
        env->go_arch = "amd64";
#elif defined(__aarch64__)
        env->go_arch = "arm64";
#elif defined(__i386__)
        env->go_arch = "386";
#else
        env->go_arch = "unknown";
#endif
        if (uname(&u) == 0)
                sscanf(u.release, "%u.%u", &env->kernel_major, &env->kernel_minor);
        f = fopen("/proc/self/status", "re");
        if (f) {
                char line[256];
                unsigned long long caps;
                /* strncmp first: a sscanf per line of the file cost more
                 * than the rest of reading it. */
                while (fgets(line, sizeof(line), f))
                        if (strncmp(line, "CapBnd:", 7) == 0 &&
                            sscanf(line, "CapBnd: %llx", &caps) == 1)
                                env->caps_bounding = caps;
                fclose(f);
        }
        if (invoker_disabled)
                return;
        if (!invoker_detected)
                detect_invoker();
        env->home = invoker_home[0] ? invoker_home : NULL;
        env->cwd = invoker_cwd[0] ? invoker_cwd : NULL;
}

int env_load_policy(const char *path, struct policy **ret_policy, struct policy_error *err)
{
        struct policy_env env;
        env_detect(&env);
        if (path)
                return policy_load_file(path, &env, ret_policy, err);
        return policy_load_buffer(policy_default_profile, strlen(policy_default_profile),
                                  "<built-in default>", &env, ret_policy, err);
}
