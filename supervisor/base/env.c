/* SPDX-License-Identifier: MIT */
/* base/env.c: the machine's facts a profile's includes and excludes test. */
#include "base/env.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

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
                while (fgets(line, sizeof(line), f))
                        if (sscanf(line, "CapBnd: %llx", &caps) == 1)
                                env->caps_bounding = caps;
                fclose(f);
        }
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
