/* SPDX-License-Identifier: MIT */
/*
 * filter_exec: install a kernel-only seccomp filter, then execute a command.
 * The benchmarks use it to measure what a filter costs without any
 * supervisor.
 *
 *   filter_exec --allow-one NAME [--read-arg] -- CMD [ARG...]
 *   filter_exec --profile FILE [--binary-tree on|off|auto] [--native-only]
 *               [--print-pfc] [-- CMD [ARG...]]
 *
 * --allow-one NAME  the reference supervisor's six-instruction filter, with
 *                   SECCOMP_RET_ALLOW where it has SECCOMP_RET_USER_NOTIF:
 *                   the cost of having a filter at all.
 * --read-arg        with --allow-one: load the first argument before
 *                   allowing NAME. Since Linux 5.11 the kernel skips a filter
 *                   that allows a syscall whatever its arguments (a per-
 *                   syscall bitmap worked out at load time); a filter that
 *                   reads an argument must run on every call. Seven
 *                   instructions: the least any argument rule costs.
 * --profile FILE    an OCI / Docker profile compiled by scmp-super's policy
 *                   library, exactly as `scmp-super run` builds it:
 *                   policy_load_file() with the facts of this machine
 *                   (supervisor/base/env.c), policy_compile(), policy_export_bpf(),
 *                   then seccomp(2). The one difference: run also routes
 *                   execve to its supervisor (one more NOTIFY rule), which
 *                   needs a listener; here there is none, so execve keeps the
 *                   profile's own action.
 * --binary-tree M   on, off or auto (struct policy_compile_opts.binary_tree;
 *                   auto, what run uses, builds the tree above 32 rules).
 * --native-only     drop the profile's archMap sub-architectures (x86 and
 *                   x32 on x86-64) before compiling, to see what they cost.
 * --print-pfc       print libseccomp's pseudo-filter code and exit, to see
 *                   where a syscall sits in the filter.
 * --write-bpf OUT   write the compiled filter to OUT (raw struct
 *                   sock_filter) and exit, for `ref_supervisor --bpf`.
 *                   Compiled with what `run` adds for itself: execve and
 *                   the calls that change the root routed to the
 *                   supervisor (SCMP_ACT_NOTIFY).
 *
 * One line goes to stderr before the exec, saying what was loaded:
 *   filter_exec profile=default.json insns=1024 binary_tree=on arches=2
 */

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/env.h"
#include "policy.h"

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#else
#error "filter_exec: add the AUDIT_ARCH_* value of this architecture"
#endif

struct options {
        const char *allow_one;
        bool read_arg;
        const char *profile;
        int binary_tree; /* as struct policy_compile_opts: -1 auto, 0 off, 1 on */
        bool print_pfc;
        bool native_only;
        const char *write_bpf;
        char **command;
};

static void usage(FILE *out)
{
        fprintf(out, "usage: filter_exec --allow-one NAME [--read-arg] -- CMD [ARG...]\n"
                     "       filter_exec --profile FILE [--binary-tree on|off|auto] "
                     "[--native-only] [--print-pfc] [-- CMD [ARG...]]\n"
                     "       filter_exec --profile FILE --write-bpf OUT\n");
}

static int parse_tree(const char *text, int *ret_tree)
{
        if (strcmp(text, "on") == 0)
                *ret_tree = 1;
        else if (strcmp(text, "off") == 0)
                *ret_tree = 0;
        else if (strcmp(text, "auto") == 0)
                *ret_tree = -1;
        else
                return -EINVAL;
        return 0;
}

static int parse_options(int argc, char **argv, struct options *ret_options)
{
        struct options o = {.binary_tree = -1};
        int i;

        for (i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                } else if (strcmp(argv[i], "--allow-one") == 0 && i + 1 < argc) {
                        o.allow_one = argv[++i];
                } else if (strcmp(argv[i], "--read-arg") == 0) {
                        o.read_arg = true;
                } else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
                        o.profile = argv[++i];
                } else if (strcmp(argv[i], "--binary-tree") == 0 && i + 1 < argc) {
                        if (parse_tree(argv[++i], &o.binary_tree) < 0)
                                return -EINVAL;
                } else if (strcmp(argv[i], "--print-pfc") == 0) {
                        o.print_pfc = true;
                } else if (strcmp(argv[i], "--write-bpf") == 0 && i + 1 < argc) {
                        o.write_bpf = argv[++i];
                } else if (strcmp(argv[i], "--native-only") == 0) {
                        o.native_only = true;
                } else {
                        return -EINVAL;
                }
        }
        if ((o.allow_one == NULL) == (o.profile == NULL) || (o.read_arg && o.allow_one == NULL))
                return -EINVAL;
        if (o.print_pfc || o.write_bpf ? o.profile == NULL : i >= argc)
                return -EINVAL;
        o.command = i < argc ? &argv[i] : NULL;
        *ret_options = o;
        return 0;
}

static int load_filter(const struct sock_filter *insns, unsigned short len, unsigned flags)
{
        struct sock_fprog prog = {.len = len, .filter = (struct sock_filter *)insns};

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0)
                return -errno;
        return 0;
}

static int install_allow_one(const char *name, bool read_arg)
{
        int nr = seccomp_syscall_resolve_name(name);

        if (nr == __NR_SCMP_ERROR || nr < 0)
                return -EINVAL;

        const struct sock_filter insns[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 0, 3),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        const struct sock_filter reading_insns[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 0, 4),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 2),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };

        if (read_arg)
                return load_filter(reading_insns, sizeof(reading_insns) / sizeof(reading_insns[0]),
                                   0);
        return load_filter(insns, sizeof(insns) / sizeof(insns[0]), 0);
}

static int write_bpf(const char *path, const struct policy_bpf *bpf)
{
        FILE *f = fopen(path, "we");
        if (!f)
                return -errno;
        size_t n = fwrite(bpf->insns, sizeof(struct sock_filter), bpf->len, f);
        int r = n == bpf->len ? 0 : -EIO;
        if (fclose(f) != 0 && r == 0)
                r = -errno;
        return r;
}

static const char *tree_name(int tree)
{
        return tree == 1 ? "on" : tree == 0 ? "off" : "auto";
}

/* Loads, compiles and installs the profile, or prints its pseudo-filter
 * code. Prints what went wrong itself, since the policy library says it
 * with the file and place. */
static int install_profile(const struct options *o)
{
        struct policy_compile_opts copts = {.binary_tree = o->binary_tree,
                                            .notify_execve = o->write_bpf != NULL,
                                            .notify_root_changes = o->write_bpf != NULL};
        struct policy_bpf bpf = {0};
        struct policy_env env;
        struct policy_error err;
        struct policy *policy = NULL;
        scmp_filter_ctx ctx = NULL;
        unsigned flags;
        int r;

        env_detect(&env);
        r = policy_load_file(o->profile, &env, &policy, &err);
        if (r < 0) {
                fprintf(stderr, "filter_exec: %s\n", err.message);
                return r;
        }
        /* The policy is ours alone and freed below: forgetting its
         * sub-architectures only shortens what policy_compile() sees. */
        if (o->native_only)
                policy->n_arches = 0;
        r = policy_compile(policy, &copts, &ctx, &err);
        if (r < 0) {
                fprintf(stderr, "filter_exec: %s\n", err.message);
                goto out;
        }
        if (o->print_pfc) {
                r = seccomp_export_pfc(ctx, STDOUT_FILENO);
                if (r < 0)
                        fprintf(stderr, "filter_exec: seccomp_export_pfc: %s\n", strerror(-r));
                goto out;
        }
        r = policy_export_bpf(ctx, &bpf, &err);
        if (r < 0) {
                fprintf(stderr, "filter_exec: %s\n", err.message);
                goto out;
        }
        if (o->write_bpf) {
                r = write_bpf(o->write_bpf, &bpf);
                if (r < 0)
                        fprintf(stderr, "filter_exec: --write-bpf %s: %s\n", o->write_bpf,
                                strerror(-r));
                goto out;
        }
        /* The launcher drops TSYNC (it has a helper thread) and adds
         * NEW_LISTENER. None of the listener's flags changes what an allowed
         * call costs, and a listener nobody reads would make notified calls
         * hang. */
        flags = policy->flags &
                ~(unsigned)(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER |
                            SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
        fprintf(stderr, "filter_exec profile=%s insns=%u binary_tree=%s arches=%zu\n", o->profile,
                bpf.len, tree_name(o->binary_tree), policy->n_arches);
        r = load_filter(bpf.insns, bpf.len, flags);
        if (r < 0)
                fprintf(stderr, "filter_exec: loading the filter: %s\n", strerror(-r));
out:
        policy_bpf_free(&bpf);
        if (ctx != NULL)
                seccomp_release(ctx);
        policy_free(policy);
        return r;
}

int main(int argc, char **argv)
{
        struct options o;
        int r;

        if (parse_options(argc, argv, &o) < 0) {
                usage(stderr);
                return 2;
        }

        if (o.allow_one != NULL) {
                r = install_allow_one(o.allow_one, o.read_arg);
                if (r < 0) {
                        fprintf(stderr, "filter_exec: --allow-one %s: %s\n", o.allow_one,
                                strerror(-r));
                        return 1;
                }
        } else {
                r = install_profile(&o);
                if (r < 0)
                        return 1;
                if (o.print_pfc || o.write_bpf)
                        return 0;
        }
        execvp(o.command[0], o.command);
        fprintf(stderr, "filter_exec: %s: %s\n", o.command[0], strerror(errno));
        return 127;
}
