/* SPDX-License-Identifier: MIT */
/*
 * filter_exec: install a kernel-only seccomp filter, then execute a command.
 * The benchmarks use it to measure what a filter costs without any
 * supervisor.
 *
 *   filter_exec --allow-one NAME -- CMD [ARG...]
 *   filter_exec --profile FILE [--binary-tree] [--native-only] [--print-pfc]
 *               [-- CMD [ARG...]]
 *
 * --allow-one NAME  the reference supervisor's six-instruction filter, with
 *                   SECCOMP_RET_ALLOW where it has SECCOMP_RET_USER_NOTIF:
 *                   the cost of having a filter at all.
 * --profile FILE    a Docker/OCI profile compiled with libseccomp.
 * --binary-tree     SCMP_FLTATR_CTL_OPTIMIZE = 2 (a binary search over syscall
 *                   numbers instead of a linear list).
 * --print-pfc       print libseccomp's pseudo-filter code and exit, to see
 *                   where a syscall sits in the filter.
 * --native-only     ignore archMap: a filter for this architecture alone,
 *                   to see what the x86 and x32 sections cost.
 *
 * STAND-IN: the --profile loader below is not scmp-super's policy library.
 * It reads only what shapes the filter's cost: defaultAction, the archMap
 * entry of this architecture, and the SCMP_ACT_ALLOW entries of syscalls[]
 * with their argument conditions. Entries that need a capability or another
 * architecture are left out, as Docker leaves them out for a container
 * without extra capabilities; minKernel and every other action are ignored.
 * It will be replaced by policy_load_file() + policy_compile() once they
 * exist, so that the benchmark measures the filter scmp-super really builds.
 */

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#define GO_ARCH           "amd64"
#define SCMP_ARCH_NAME    "SCMP_ARCH_X86_64"
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#define GO_ARCH           "arm64"
#define SCMP_ARCH_NAME    "SCMP_ARCH_AARCH64"
#else
#error "filter_exec: add this architecture's AUDIT_ARCH_*, Go and libseccomp names"
#endif

#define PROFILE_MAX_BYTES (16 * 1024 * 1024)

struct options {
        const char *allow_one;
        const char *profile;
        bool binary_tree;
        bool print_pfc;
        bool native_only;
        char **command;
};

static void usage(FILE *out)
{
        fprintf(out,
                "usage: filter_exec --allow-one NAME -- CMD [ARG...]\n"
                "       filter_exec --profile FILE [--binary-tree] [--native-only] [--print-pfc] "
                "[-- CMD [ARG...]]\n");
}

static int parse_options(int argc, char **argv, struct options *ret_options)
{
        struct options o = {0};
        int i;

        for (i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0) {
                        i++;
                        break;
                } else if (strcmp(argv[i], "--allow-one") == 0 && i + 1 < argc) {
                        o.allow_one = argv[++i];
                } else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
                        o.profile = argv[++i];
                } else if (strcmp(argv[i], "--binary-tree") == 0) {
                        o.binary_tree = true;
                } else if (strcmp(argv[i], "--print-pfc") == 0) {
                        o.print_pfc = true;
                } else if (strcmp(argv[i], "--native-only") == 0) {
                        o.native_only = true;
                } else {
                        return -EINVAL;
                }
        }
        if ((o.allow_one == NULL) == (o.profile == NULL))
                return -EINVAL;
        if (o.print_pfc ? o.profile == NULL : i >= argc)
                return -EINVAL;
        o.command = i < argc ? &argv[i] : NULL;
        *ret_options = o;
        return 0;
}

static int install_allow_one(const char *name)
{
        int nr = seccomp_syscall_resolve_name(name);

        if (nr == __NR_SCMP_ERROR || nr < 0)
                return -EINVAL;

        struct sock_filter insns[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 0, 3),
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {
            .len = sizeof(insns) / sizeof(insns[0]),
            .filter = insns,
        };

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
                return -errno;
        return 0;
}

static int read_file(const char *path, char **ret_text)
{
        struct stat st;
        char *text;
        size_t have = 0;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || st.st_size < 0 || st.st_size > PROFILE_MAX_BYTES) {
                int err = errno != 0 ? errno : EFBIG;

                close(fd);
                return -err;
        }
        text = malloc((size_t)st.st_size + 1);
        if (text == NULL) {
                close(fd);
                return -ENOMEM;
        }
        while (have < (size_t)st.st_size) {
                ssize_t n = read(fd, text + have, (size_t)st.st_size - have);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        int err = n < 0 ? errno : EIO;

                        free(text);
                        close(fd);
                        return -err;
                }
                have += (size_t)n;
        }
        close(fd);
        text[have] = '\0';
        *ret_text = text;
        return 0;
}

static bool string_array_contains(const cJSON *array, const char *value)
{
        const cJSON *item;

        cJSON_ArrayForEach(item, array)
        {
                if (cJSON_IsString(item) && strcmp(item->valuestring, value) == 0)
                        return true;
        }
        return false;
}

static bool array_is_empty(const cJSON *array)
{
        return !cJSON_IsArray(array) || cJSON_GetArraySize(array) == 0;
}

/* Docker's rule for a container without added capabilities on this arch. */
static bool entry_applies(const cJSON *entry)
{
        const cJSON *includes = cJSON_GetObjectItemCaseSensitive(entry, "includes");
        const cJSON *excludes = cJSON_GetObjectItemCaseSensitive(entry, "excludes");
        const cJSON *arches;

        if (!array_is_empty(cJSON_GetObjectItemCaseSensitive(includes, "caps")))
                return false;
        arches = cJSON_GetObjectItemCaseSensitive(includes, "arches");
        if (!array_is_empty(arches) && !string_array_contains(arches, GO_ARCH))
                return false;
        arches = cJSON_GetObjectItemCaseSensitive(excludes, "arches");
        if (string_array_contains(arches, GO_ARCH))
                return false;
        return true;
}

static int parse_compare(const char *name, enum scmp_compare *ret_op)
{
        static const struct {
                const char *name;
                enum scmp_compare op;
        } ops[] = {
            {"SCMP_CMP_NE", SCMP_CMP_NE},
            {"SCMP_CMP_LT", SCMP_CMP_LT},
            {"SCMP_CMP_LE", SCMP_CMP_LE},
            {"SCMP_CMP_EQ", SCMP_CMP_EQ},
            {"SCMP_CMP_GE", SCMP_CMP_GE},
            {"SCMP_CMP_GT", SCMP_CMP_GT},
            {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
        };

        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
                if (strcmp(name, ops[i].name) == 0) {
                        *ret_op = ops[i].op;
                        return 0;
                }
        }
        return -EINVAL;
}

static int parse_args(const cJSON *args, struct scmp_arg_cmp *ret_cmps, unsigned *ret_n)
{
        const cJSON *arg;
        unsigned n = 0;

        cJSON_ArrayForEach(arg, args)
        {
                const cJSON *index = cJSON_GetObjectItemCaseSensitive(arg, "index");
                const cJSON *value = cJSON_GetObjectItemCaseSensitive(arg, "value");
                const cJSON *value_two = cJSON_GetObjectItemCaseSensitive(arg, "valueTwo");
                const cJSON *op = cJSON_GetObjectItemCaseSensitive(arg, "op");
                enum scmp_compare cmp;

                if (n == 6 || !cJSON_IsNumber(index) || index->valuedouble < 0 ||
                    index->valuedouble > 5 || !cJSON_IsString(op) ||
                    parse_compare(op->valuestring, &cmp) < 0)
                        return -EINVAL;
                /* cJSON keeps numbers as doubles, exact up to 2^53; the values
                 * in Docker's profile (flags, masks, 0xffffffff) all fit. */
                ret_cmps[n] = (struct scmp_arg_cmp){
                    .arg = (unsigned)index->valuedouble,
                    .op = cmp,
                    .datum_a = cJSON_IsNumber(value) ? (scmp_datum_t)value->valuedouble : 0,
                    .datum_b = cJSON_IsNumber(value_two) ? (scmp_datum_t)value_two->valuedouble : 0,
                };
                n++;
        }
        *ret_n = n;
        return 0;
}

static int add_entry(scmp_filter_ctx ctx, const cJSON *entry)
{
        const cJSON *names = cJSON_GetObjectItemCaseSensitive(entry, "names");
        const cJSON *name;
        struct scmp_arg_cmp cmps[6];
        unsigned n_cmps = 0;
        bool same_index = true;
        int r;

        r = parse_args(cJSON_GetObjectItemCaseSensitive(entry, "args"), cmps, &n_cmps);
        if (r < 0)
                return r;
        for (unsigned i = 1; i < n_cmps; i++)
                if (cmps[i].arg != cmps[0].arg)
                        same_index = false;

        cJSON_ArrayForEach(name, names)
        {
                int nr;

                if (!cJSON_IsString(name))
                        return -EINVAL;
                nr = seccomp_syscall_resolve_name(name->valuestring);
                if (nr == __NR_SCMP_ERROR)
                        continue; /* not a syscall of this architecture */
                /* Several conditions on one argument are alternatives, as
                 * runc reads them: one rule per condition. */
                if (n_cmps > 1 && same_index) {
                        for (unsigned i = 0; i < n_cmps; i++) {
                                r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmps[i]);
                                if (r < 0 && r != -EEXIST)
                                        return r;
                        }
                } else {
                        r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n_cmps, cmps);
                        if (r < 0 && r != -EEXIST)
                                return r;
                }
        }
        return 0;
}

static int default_action(const cJSON *profile, uint32_t *ret_action)
{
        const cJSON *action = cJSON_GetObjectItemCaseSensitive(profile, "defaultAction");
        const cJSON *errno_ret = cJSON_GetObjectItemCaseSensitive(profile, "defaultErrnoRet");
        int err = cJSON_IsNumber(errno_ret) ? errno_ret->valueint : EPERM;

        if (!cJSON_IsString(action))
                return -EINVAL;
        if (strcmp(action->valuestring, "SCMP_ACT_ERRNO") == 0)
                *ret_action = SCMP_ACT_ERRNO((uint32_t)err);
        else if (strcmp(action->valuestring, "SCMP_ACT_ALLOW") == 0)
                *ret_action = SCMP_ACT_ALLOW;
        else if (strcmp(action->valuestring, "SCMP_ACT_KILL") == 0 ||
                 strcmp(action->valuestring, "SCMP_ACT_KILL_THREAD") == 0)
                *ret_action = SCMP_ACT_KILL_THREAD;
        else if (strcmp(action->valuestring, "SCMP_ACT_KILL_PROCESS") == 0)
                *ret_action = SCMP_ACT_KILL_PROCESS;
        else if (strcmp(action->valuestring, "SCMP_ACT_LOG") == 0)
                *ret_action = SCMP_ACT_LOG;
        else
                return -EINVAL;
        return 0;
}

/* The sub-architectures Docker adds for this one (x86 and x32 on x86-64). */
static int add_arches(scmp_filter_ctx ctx, const cJSON *profile)
{
        const cJSON *map = cJSON_GetObjectItemCaseSensitive(profile, "archMap");
        const cJSON *entry, *sub;

        cJSON_ArrayForEach(entry, map)
        {
                const cJSON *arch = cJSON_GetObjectItemCaseSensitive(entry, "architecture");

                if (!cJSON_IsString(arch) || strcmp(arch->valuestring, SCMP_ARCH_NAME) != 0)
                        continue;
                cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(entry, "subArchitectures"))
                {
                        char lower[32];
                        uint32_t token;
                        size_t len;
                        int r;

                        if (!cJSON_IsString(sub) ||
                            strncmp(sub->valuestring, "SCMP_ARCH_", 10) != 0)
                                return -EINVAL;
                        /* libseccomp names architectures in lower case: "x86", "x32". */
                        len = strlen(sub->valuestring + 10);
                        if (len >= sizeof(lower))
                                return -EINVAL;
                        for (size_t i = 0; i <= len; i++)
                                lower[i] = (char)tolower((unsigned char)sub->valuestring[10 + i]);
                        token = seccomp_arch_resolve_name(lower);
                        if (token == 0)
                                continue; /* unknown to this libseccomp */
                        r = seccomp_arch_add(ctx, token);
                        if (r < 0 && r != -EEXIST)
                                return r;
                }
        }
        return 0;
}

static int build_profile_filter(const struct options *o, scmp_filter_ctx *ret_ctx)
{
        char *text = NULL;
        cJSON *profile;
        const cJSON *entry;
        scmp_filter_ctx ctx;
        uint32_t action;
        int r;

        r = read_file(o->profile, &text);
        if (r < 0)
                return r;
        profile = cJSON_Parse(text);
        free(text);
        if (profile == NULL)
                return -EINVAL;

        r = default_action(profile, &action);
        if (r < 0)
                goto out;
        ctx = seccomp_init(action);
        if (ctx == NULL) {
                r = -ENOMEM;
                goto out;
        }
        r = o->native_only ? 0 : add_arches(ctx, profile);
        if (r < 0)
                goto fail;
        cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(profile, "syscalls"))
        {
                const cJSON *act = cJSON_GetObjectItemCaseSensitive(entry, "action");

                if (!cJSON_IsString(act) || strcmp(act->valuestring, "SCMP_ACT_ALLOW") != 0 ||
                    !entry_applies(entry))
                        continue;
                r = add_entry(ctx, entry);
                if (r < 0)
                        goto fail;
        }
        if (o->binary_tree) {
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
                if (r < 0)
                        goto fail;
        }
        *ret_ctx = ctx;
        r = 0;
        goto out;
fail:
        seccomp_release(ctx);
out:
        cJSON_Delete(profile);
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
                r = install_allow_one(o.allow_one);
                if (r < 0) {
                        fprintf(stderr, "filter_exec: --allow-one %s: %s\n", o.allow_one,
                                strerror(-r));
                        return 1;
                }
        } else {
                scmp_filter_ctx ctx;

                r = build_profile_filter(&o, &ctx);
                if (r < 0) {
                        fprintf(stderr, "filter_exec: %s: %s\n", o.profile, strerror(-r));
                        return 1;
                }
                r = o.print_pfc ? seccomp_export_pfc(ctx, STDOUT_FILENO) : seccomp_load(ctx);
                seccomp_release(ctx);
                if (r < 0) {
                        fprintf(stderr, "filter_exec: %s: %s\n",
                                o.print_pfc ? "seccomp_export_pfc" : "seccomp_load", strerror(-r));
                        return 1;
                }
                if (o.print_pfc)
                        return 0;
        }
        execvp(o.command[0], o.command);
        fprintf(stderr, "filter_exec: %s: %s\n", o.command[0], strerror(errno));
        return 127;
}
