/* SPDX-License-Identifier: MIT */
/* policy/profile_oci.c: the OCI and Docker seccomp fields of a profile. */
/*
 * OCI runtime-spec linux.seccomp objects and Docker / Podman profiles as
 * they are: defaultAction, architectures and archMap, flags, and the
 * syscalls entries with their args and includes/excludes. The syscall name
 * lists and argument conditions are shared with the supervisor extension.
 */
#include "profile_internal.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct name_value kernel_actions[] = {
    {"SCMP_ACT_ALLOW", KACT_ALLOW},
    {"SCMP_ACT_ERRNO", KACT_ERRNO},
    {"SCMP_ACT_KILL", KACT_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", KACT_KILL_THREAD},
    {"SCMP_ACT_KILL_PROCESS", KACT_KILL_PROCESS},
    {"SCMP_ACT_TRAP", KACT_TRAP},
    {"SCMP_ACT_LOG", KACT_LOG},
    {"SCMP_ACT_TRACE", KACT_TRACE},
    {"SCMP_ACT_NOTIFY", KACT_NOTIFY},
    {NULL, 0},
};

static const struct name_value compare_ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    {NULL, 0},
};

static const struct name_value filter_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
    {NULL, 0},
};

/* One element of args: {index, value, valueTwo, op}. */
static int parse_arg(struct loader *l, const cJSON *arg, struct policy_arg_cond *c)
{
        static const char *const known[] = {"index", "value", "valueTwo", "op", NULL};
        const cJSON *field;
        uint64_t v = 0;
        int op = 0, r;

        if ((r = expect_object(l, arg, "an object {index, value, op}", known)) < 0)
                return r;

        field = cJSON_GetObjectItemCaseSensitive(arg, "index");
        r = under_key(l, "index",
                      field ? get_u64(l, field, 5, &v)
                            : fail(l, "missing (add \"index\": 0 to 5)"));
        if (r < 0)
                return r;
        c->index = (unsigned)v;

        field = cJSON_GetObjectItemCaseSensitive(arg, "value");
        r = under_key(l, "value",
                      field ? get_u64(l, field, UINT64_MAX, &c->value)
                            : fail(l, "missing (add \"value\": the number to compare with)"));
        if (r < 0)
                return r;

        field = cJSON_GetObjectItemCaseSensitive(arg, "valueTwo");
        if (field &&
            (r = under_key(l, "valueTwo", get_u64(l, field, UINT64_MAX, &c->value_two))) < 0)
                return r;

        field = cJSON_GetObjectItemCaseSensitive(arg, "op");
        r = under_key(l, "op",
                      field ? lookup_name(l, field, compare_ops, "operator", &op)
                            : fail(l, "missing (add \"op\": \"SCMP_CMP_EQ\" or another operator)"));
        if (r < 0)
                return r;
        c->op = (enum scmp_compare)op;
        return 0;
}

int parse_args(struct loader *l, const cJSON *args, struct policy_arg_cond **ret_conds,
               size_t *ret_n, bool *ret_alternatives)
{
        struct policy_arg_cond *conds = NULL;
        size_t n = 0, i = 0;
        unsigned per_index[6] = {0};
        const cJSON *arg;

        *ret_alternatives = false;
        if (!args || cJSON_IsNull(args))
                goto out;
        if (!cJSON_IsArray(args))
                return fail(l, "expected an array of argument conditions, found %s",
                            json_type_name(args));
        n = (size_t)cJSON_GetArraySize(args);
        if (n == 0)
                goto out;
        conds = calloc(n, sizeof(*conds));
        if (!conds)
                return -ENOMEM;
        cJSON_ArrayForEach(arg, args)
        {
                int r = under_index(l, i, parse_arg(l, arg, &conds[i]));
                if (r < 0) {
                        free(conds);
                        return r;
                }
                if (++per_index[conds[i].index] > 1)
                        *ret_alternatives = true;
                i++;
        }
out:
        *ret_conds = conds;
        *ret_n = n;
        return 0;
}

static int nr_list_add(struct nr_list *list, int nr)
{
        bool small = nr >= 0 && nr <= POLICY_MAX_NR;
        uint64_t bit = small ? 1ull << (nr % 64) : 0;

        if (small && (list->seen[nr / 64] & bit))
                return 0;
        for (size_t i = 0; !small && i < list->n; i++)
                if (list->nrs[i] == nr)
                        return 0;
        if (list->n == list->cap) {
                size_t cap = list->cap ? list->cap * 2 : 16;
                int *grown = realloc(list->nrs, cap * sizeof(*grown));
                if (!grown)
                        return -ENOMEM;
                list->nrs = grown;
                list->cap = cap;
        }
        list->nrs[list->n++] = nr;
        if (small)
                list->seen[nr / 64] |= bit;
        return 0;
}

struct name_cb_ctx {
        struct loader *l;
        struct nr_list *list;
};

static int add_syscall_name(struct loader *l, struct nr_list *list, const char *name)
{
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR || nr < 0) {
                /* A name of another architecture, or of a newer kernel than
                 * libseccomp knows: runtimes skip it, and so do we. */
                for (size_t i = 0; i < l->policy->n_skipped; i++)
                        if (strcmp(l->policy->skipped[i], name) == 0)
                                return 0;
                return add_string(&l->policy->skipped, &l->policy->n_skipped, "%s", name);
        }
        return nr_list_add(list, nr);
}

static int group_member_cb(const char *syscall, void *userdata)
{
        struct name_cb_ctx *ctx = userdata;
        return add_syscall_name(ctx->l, ctx->list, syscall);
}

/* Adds one syscall name or @group to list. */
static int add_name_or_group(struct loader *l, const cJSON *item, struct nr_list *list)
{
        if (!cJSON_IsString(item))
                return fail(l, "expected a syscall name, found %s", json_type_name(item));
        const char *name = item->valuestring;
        if (name[0] == '\0')
                return fail(l, "empty syscall name");
        if (name[0] == '@') {
                struct name_cb_ctx ctx = {l, list};
                int r = syscall_group_expand(name, group_member_cb, &ctx);
                if (r == -ENOENT)
                        return fail(
                            l, "unknown syscall group \"%s\" (scmp-super groups lists them)", name);
                return r;
        }
        return add_syscall_name(l, list, name);
}

static int parse_name_element(struct loader *l, const cJSON *item, size_t index, void *list)
{
        (void)index;
        return add_name_or_group(l, item, list);
}

int parse_names(struct loader *l, const cJSON *names, struct nr_list *list)
{
        return parse_array(l, names, "syscall names", parse_name_element, list);
}

static bool string_in_array(const cJSON *array, const char *s)
{
        const cJSON *item;
        cJSON_ArrayForEach(item, array)
        {
                if (cJSON_IsString(item) && strcmp(item->valuestring, s) == 0)
                        return true;
        }
        return false;
}

static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

static int cap_from_name(const char *name)
{
        for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
                if (strcmp(cap_names[i], name) == 0)
                        return (int)i;
        return -1;
}

static int parse_kernel_version(const char *s, unsigned *major, unsigned *minor)
{
        char *end;
        errno = 0;
        unsigned long a = strtoul(s, &end, 10);
        if (errno || end == s || *end != '.')
                return -EINVAL;
        const char *p = end + 1;
        unsigned long b = strtoul(p, &end, 10);
        if (errno || end == p || (*end && *end != '.'))
                return -EINVAL;
        *major = (unsigned)a;
        *minor = (unsigned)b;
        return 0;
}

/* Docker's includes/excludes: caps against the bounding set the target will
 * run with, arches by Go's names, minKernel against the running kernel.
 * Sets *ret_applies. */
static int eval_filter(struct loader *l, const cJSON *filter, bool include, bool *ret_applies)
{
        static const char *const known[] = {"caps", "arches", "minKernel", NULL};
        const struct policy_env *env = l->env;
        bool applies = true;
        int r;

        *ret_applies = true;
        if (!filter || cJSON_IsNull(filter))
                return 0;
        if ((r = expect_object(l, filter, "an object {caps, arches, minKernel}", known)) < 0)
                return r;

        const cJSON *arches = cJSON_GetObjectItemCaseSensitive(filter, "arches");
        if (arches && !cJSON_IsNull(arches)) {
                if (!cJSON_IsArray(arches))
                        return under_key(
                            l, "arches",
                            fail(l, "expected an array of architecture names such as \"amd64\""));
                if (cJSON_GetArraySize(arches) > 0) {
                        bool in = string_in_array(arches, env->go_arch);
                        if (include ? !in : in)
                                applies = false;
                }
        }

        const cJSON *caps = cJSON_GetObjectItemCaseSensitive(filter, "caps");
        if (caps && !cJSON_IsNull(caps)) {
                const cJSON *cap;
                size_t i = 0;
                if (!cJSON_IsArray(caps))
                        return under_key(l, "caps",
                                         fail(l, "expected an array of capability names such as "
                                                 "\"CAP_SYS_ADMIN\""));
                cJSON_ArrayForEach(cap, caps)
                {
                        int c = cJSON_IsString(cap) ? cap_from_name(cap->valuestring) : -1;
                        if (c < 0) {
                                const char *q = cJSON_IsString(cap) ? "\"" : "";
                                const char *what =
                                    cJSON_IsString(cap) ? cap->valuestring : json_type_name(cap);
                                return under_key(
                                    l, "caps",
                                    under_index(l, i,
                                                fail(l,
                                                     "unknown capability %s%s%s (names look "
                                                     "like CAP_SYS_ADMIN)",
                                                     q, what, q)));
                        }
                        bool have = (env->caps_bounding >> c) & 1;
                        /* includes: every cap must be held; excludes: any held cap excludes. */
                        if (include && !have)
                                applies = false;
                        if (!include && have)
                                applies = false;
                        i++;
                }
        }

        const cJSON *min_kernel = cJSON_GetObjectItemCaseSensitive(filter, "minKernel");
        if (min_kernel && !cJSON_IsNull(min_kernel)) {
                unsigned major = 0, minor = 0;
                if (!cJSON_IsString(min_kernel) ||
                    parse_kernel_version(min_kernel->valuestring, &major, &minor) < 0)
                        return under_key(
                            l, "minKernel",
                            fail(l, "expected a kernel version string such as \"4.8\""));
                bool at_least = env->kernel_major > major ||
                                (env->kernel_major == major && env->kernel_minor >= minor);
                if (include ? !at_least : at_least)
                        applies = false;
        }
        *ret_applies = applies;
        return 0;
}

/*
 * The data of an ERRNO or TRACE action: ret_key's number (an errno up to
 * 4095, or a tracer's message up to 65535), else name_key's errno name for
 * ERRNO; EPERM for ERRNO and 0 for TRACE when neither is given. Entries
 * (errnoRet, errno) and the default (defaultErrnoRet, defaultErrno) share
 * it, so they cannot drift apart.
 */
static int parse_ret_data(struct loader *l, const cJSON *obj, const char *ret_key,
                          const char *name_key, enum policy_kernel_action action,
                          uint32_t *ret_data)
{
        const cJSON *ret = cJSON_GetObjectItemCaseSensitive(obj, ret_key);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, name_key);
        int r;

        *ret_data = action == KACT_TRACE ? 0 : EPERM;
        if (ret && !cJSON_IsNull(ret)) {
                uint64_t v;
                if (action != KACT_ERRNO && action != KACT_TRACE)
                        return under_key(
                            l, ret_key,
                            fail(l, "%s goes only with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", ret_key));
                r = under_key(l, ret_key, get_u64(l, ret, action == KACT_TRACE ? 65535 : 4095, &v));
                if (r < 0)
                        return r;
                *ret_data = (uint32_t)v;
        } else if (name && !cJSON_IsNull(name) && action == KACT_ERRNO) {
                int v;
                r = under_key(l, name_key, parse_errno_value(l, name, &v));
                if (r < 0)
                        return r;
                *ret_data = (uint32_t)v;
        }
        return 0;
}

/* Whether includes or excludes says anything: Podman writes {} on every
 * entry, and an empty list asks nothing either. */
static bool filter_given(const cJSON *filter)
{
        const cJSON *field;
        cJSON_ArrayForEach(field, filter)
        {
                if (cJSON_IsString(field) ||
                    (cJSON_IsArray(field) && cJSON_GetArraySize(field) > 0))
                        return true;
        }
        return false;
}

/* One element of syscalls; index is its place there, kept for messages. */
static int parse_entry(struct loader *l, const cJSON *obj, size_t index, void *ctx)
{
        static const char *const known[] = {"names", "name",    "action",   "errnoRet", "errno",
                                            "args",  "comment", "includes", "excludes", NULL};
        struct policy *p = l->policy;
        struct policy_entry e = {.source_index = index};
        (void)ctx;
        struct nr_list list = {0};
        bool applies_in, applies_ex;
        int action, r;

        if ((r = expect_object(l, obj, "an object {names, action, ...}", known)) < 0)
                return r;

        const cJSON *names = cJSON_GetObjectItemCaseSensitive(obj, "names");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
        if (names && name)
                return under_key(l, "name",
                                 fail_at(l, 1,
                                         "\"name\" and \"names\" both given (keep \"names\" and "
                                         "move \"%s\" into it)",
                                         cJSON_IsString(name) ? name->valuestring : "the name"));
        if (!names && !name)
                return fail(l, "no \"names\" (add \"names\": [\"syscall\", ...])");

        const cJSON *act = cJSON_GetObjectItemCaseSensitive(obj, "action");
        r = under_key(
            l, "action",
            act ? lookup_name(l, act, kernel_actions, "action", &action)
                : fail(l, "missing (add \"action\": \"SCMP_ACT_ALLOW\" or another action)"));
        if (r < 0)
                return r;
        e.action = (enum policy_kernel_action)action;

        r = parse_ret_data(l, obj, "errnoRet", "errno", e.action, &e.ret_data);
        if (r < 0)
                return r;

        r = under_key(l, "args",
                      parse_args(l, cJSON_GetObjectItemCaseSensitive(obj, "args"), &e.args,
                                 &e.n_args, &e.args_are_alternatives));
        if (r < 0)
                return r;

        const cJSON *comment = cJSON_GetObjectItemCaseSensitive(obj, "comment");
        if (comment && !cJSON_IsNull(comment) && !cJSON_IsString(comment)) {
                r = under_key(l, "comment",
                              fail(l, "expected a string, found %s", json_type_name(comment)));
                goto fail;
        }

        r = under_key(
            l, "includes",
            eval_filter(l, cJSON_GetObjectItemCaseSensitive(obj, "includes"), true, &applies_in));
        if (r < 0)
                goto fail;
        r = under_key(
            l, "excludes",
            eval_filter(l, cJSON_GetObjectItemCaseSensitive(obj, "excludes"), false, &applies_ex));
        if (r < 0)
                goto fail;

        r = names ? under_key(l, "names", parse_names(l, names, &list))
                  : under_key(l, "name", add_name_or_group(l, name, &list));
        if (r < 0)
                goto fail;

        if (!applies_in || !applies_ex) {
                r = 0;
                goto fail; /* not an error: the entry does not apply here */
        }

        e.gated = filter_given(cJSON_GetObjectItemCaseSensitive(obj, "includes")) ||
                  filter_given(cJSON_GetObjectItemCaseSensitive(obj, "excludes"));
        e.nrs = list.nrs;
        e.n_nrs = list.n;
        list.nrs = NULL;
        struct policy_entry *grown = realloc(p->entries, (p->n_entries + 1) * sizeof(*grown));
        if (!grown) {
                r = -ENOMEM;
                goto fail;
        }
        p->entries = grown;
        p->entries[p->n_entries++] = e;
        return 0;
fail:
        free(list.nrs);
        free(e.nrs);
        free(e.args);
        return r;
}

static const struct name_value arch_names[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", (int)SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", (int)SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", (int)SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", (int)SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", (int)SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", (int)SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", (int)SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", (int)SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", (int)SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", (int)SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", (int)SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", (int)SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", (int)SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", (int)SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", (int)SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", (int)SCMP_ARCH_RISCV64},
    {NULL, 0},
};

static int add_arch(struct policy *p, uint32_t arch)
{
        /* Only architectures this machine can run matter for the filter;
         * libseccomp refuses to mix others with the native one anyway. */
        if (arch == seccomp_arch_native())
                return 0;
        if (arch != SCMP_ARCH_X86 && arch != SCMP_ARCH_X32)
                return 0;
        for (size_t i = 0; i < p->n_arches; i++)
                if (p->arches[i] == arch)
                        return 0;
        uint32_t *grown = realloc(p->arches, (p->n_arches + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        grown[p->n_arches++] = arch;
        p->arches = grown;
        return 0;
}

static int parse_arch_element(struct loader *l, const cJSON *item, size_t index, void *ctx)
{
        int arch, r = lookup_name(l, item, arch_names, "architecture", &arch);
        (void)index;
        (void)ctx;
        return r < 0 ? r : add_arch(l->policy, (uint32_t)arch);
}

static int parse_arch_list(struct loader *l, const cJSON *list)
{
        return parse_array(l, list, "names such as \"SCMP_ARCH_X86_64\"", parse_arch_element, NULL);
}

/* One element of archMap: {architecture, subArchitectures}. */
static int parse_arch_map_item(struct loader *l, const cJSON *item, size_t index, void *ctx)
{
        static const char *const known[] = {"architecture", "subArchitectures", NULL};
        int arch, r;

        (void)index;
        (void)ctx;
        if (!cJSON_IsObject(item))
                return fail(l, "expected an object {architecture, subArchitectures}");
        if ((r = warn_unknown_keys(l, item, known)) < 0)
                return r;
        r = under_key(l, "architecture",
                      lookup_name(l, cJSON_GetObjectItemCaseSensitive(item, "architecture"),
                                  arch_names, "architecture", &arch));
        if (r < 0)
                return r;
        const cJSON *subs = cJSON_GetObjectItemCaseSensitive(item, "subArchitectures");
        /* Docker takes the entry of the native architecture only. */
        if ((uint32_t)arch == seccomp_arch_native() && subs && !cJSON_IsNull(subs))
                return under_key(l, "subArchitectures", parse_arch_list(l, subs));
        return 0;
}

static int parse_flag(struct loader *l, const cJSON *item, size_t index, void *ctx)
{
        int flag, r = lookup_name(l, item, filter_flags, "filter flag", &flag);
        (void)index;
        (void)ctx;
        if (r < 0)
                return r;
        l->policy->flags |= (unsigned)flag;
        return 0;
}

/* The seccomp object's own fields, from defaultAction to syscalls; root is
 * that object, wherever the document holds it. */
int parse_oci(struct loader *l, const cJSON *root)
{
        struct policy *p = l->policy;
        int action, r;

        const cJSON *def = cJSON_GetObjectItemCaseSensitive(root, "defaultAction");
        r = under_key(l, "defaultAction",
                      def ? lookup_name(l, def, kernel_actions, "action", &action)
                          : fail(l, "missing (add \"defaultAction\": \"SCMP_ACT_ERRNO\" or "
                                    "another action)"));
        if (r < 0)
                return r;
        p->default_action = (enum policy_kernel_action)action;
        r = parse_ret_data(l, root, "defaultErrnoRet", "defaultErrno", p->default_action,
                           &p->default_ret_data);
        if (r < 0)
                return r;

        const cJSON *arches = cJSON_GetObjectItemCaseSensitive(root, "architectures");
        const cJSON *arch_map = cJSON_GetObjectItemCaseSensitive(root, "archMap");
        if (arches && !cJSON_IsNull(arches) && arch_map && !cJSON_IsNull(arch_map))
                return under_key(
                    l, "archMap",
                    fail_at(l, 1, "\"architectures\" and \"archMap\" both given (keep one)"));
        if (arches && !cJSON_IsNull(arches))
                r = under_key(l, "architectures", parse_arch_list(l, arches));
        else if (arch_map && !cJSON_IsNull(arch_map))
                r = under_key(l, "archMap",
                              parse_array(l, arch_map, "{architecture, subArchitectures}",
                                          parse_arch_map_item, NULL));
        if (r < 0)
                return r;

        const cJSON *flags = cJSON_GetObjectItemCaseSensitive(root, "flags");
        if (flags && !cJSON_IsNull(flags)) {
                r = under_key(
                    l, "flags",
                    parse_array(l, flags, "SECCOMP_FILTER_FLAG_* names", parse_flag, NULL));
                if (r < 0)
                        return r;
        }

        if ((r = parse_string_field(l, root, "listenerPath", &p->listener_path)) < 0)
                return r;
        if ((r = parse_string_field(l, root, "listenerMetadata", &p->listener_metadata)) < 0)
                return r;

        const cJSON *syscalls = cJSON_GetObjectItemCaseSensitive(root, "syscalls");
        if (syscalls && !cJSON_IsNull(syscalls))
                return under_key(l, "syscalls",
                                 parse_array(l, syscalls, "syscall entries", parse_entry, NULL));
        return 0;
}

const char *policy_kernel_action_name(enum policy_kernel_action action)
{
        for (size_t i = 0; kernel_actions[i].name; i++)
                if (kernel_actions[i].value == (int)action &&
                    strcmp(kernel_actions[i].name, "SCMP_ACT_KILL") != 0)
                        return kernel_actions[i].name;
        return "?";
}
