/* SPDX-License-Identifier: MIT */
/*
 * The rule matcher fed random notifications: a fixed set of profiles with
 * rules on paths, addresses, executables, identities and arguments, and a call
 * built from the input with random numbers, arguments, paths (some
 * unreadable) and socket addresses, as a hostile target could make the
 * supervisor decode them. Besides "no crash", it checks the promises the
 * matcher makes about deny rules and allow rules, which a fuzzer can break
 * without crashing anything. The first input byte's low bits also select
 * the glob matcher or the address matcher on their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "glob.h"
#include "input.h"
#include "netaddr.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rules the checks below rely on: in the first profile, the first rule for
 * openat denies /etc/shadow, the first rule for rename allows only paths
 * below /tmp, and rules on an open's flags allow reading below /srv and
 * deny writing or truncating (EROFS). */
static const char profile_paths[] =
    "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
    " \"syscalls\": [{\"names\": [\"openat\", \"open\", \"rename\", \"renameat2\", \"mkdir\","
    "   \"connect\", \"bind\", \"sendto\", \"execve\", \"getppid\"], \"action\": "
    "\"SCMP_ACT_NOTIFY\"}],"
    " \"supervisor\": {\"defaultAction\": \"deny\", \"defaultErrno\": \"EPERM\", \"rules\": ["
    "  {\"syscalls\": [\"openat\", \"open\"], \"path\": [\"/etc/shadow\", \"/root/**\"],"
    "   \"action\": \"deny\", \"errno\": \"EACCES\"},"
    "  {\"syscalls\": [\"rename\", \"renameat2\"], \"path\": \"/tmp/**\", \"action\": \"allow\"},"
    "  {\"syscalls\": [\"openat\", \"open\"], \"path\": \"/srv/**\", \"open\": [\"O_RDONLY\"],"
    "   \"action\": \"allow\"},"
    "  {\"syscalls\": [\"openat\", \"open\"], \"open\": [\"O_WRONLY\", \"O_TRUNC\"],"
    "   \"action\": \"deny\", \"errno\": \"EROFS\"},"
    "  {\"syscalls\": [\"openat\"], \"path\": [\"/usr/**\", \"/etc/[a-m]*\", \"/lib/?\","
    "   \"/a/**/b\", \"/x/\\\\*\"], \"action\": \"log\"},"
    "  {\"syscalls\": [\"openat\"], \"args\": [{\"index\": 2, \"value\": 64, \"valueTwo\": 64,"
    "   \"op\": \"SCMP_CMP_MASKED_EQ\"}], \"action\": \"prompt\"},"
    "  {\"syscalls\": [\"mkdir\"], \"exe\": \"/usr/bin/*\", \"uid\": 0, \"action\": \"kill\"},"
    "  {\"syscalls\": [\"connect\", \"sendto\"], \"address\": {\"family\": \"unix\","
    "   \"unix\": \"/run/*.sock\"}, \"action\": \"allow\"},"
    "  {\"syscalls\": [\"connect\"], \"address\": {\"family\": \"unix\", \"unix\": \"@dbus-*\"},"
    "   \"action\": \"log\"},"
    "  {\"syscalls\": [\"connect\", \"bind\"], \"address\": {\"cidr\": \"10.0.0.0/8\", \"port\": "
    "80},"
    "   \"action\": \"allow\"},"
    "  {\"syscalls\": [\"connect\"], \"address\": {\"family\": \"inet6\", \"cidr\": \"fe80::/10\"},"
    "   \"action\": \"deny\", \"errno\": \"ENETUNREACH\"},"
    "  {\"syscalls\": [\"connect\"], \"address\": {\"family\": \"any\", \"port\": 53},"
    "   \"action\": \"allow\"},"
    "  {\"syscalls\": [\"getppid\"], \"args\": [{\"index\": 0, \"value\": 5, \"op\": "
    "\"SCMP_CMP_GT\"},"
    "   {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_LE\"}], \"action\": \"allow\"},"
    "  {\"path\": \"/home/*/.ssh/**\", \"action\": \"deny\"}"
    " ]}}";

/* Every rule kind, default allow: checks that nothing falls through. */
static const char profile_allow[] =
    "{\"defaultAction\": \"SCMP_ACT_ERRNO\","
    " \"syscalls\": [{\"names\": [\"@file-system\", \"@network-io\", \"execve\", \"execveat\"],"
    "   \"action\": \"SCMP_ACT_NOTIFY\"}],"
    " \"supervisor\": {\"defaultAction\": \"allow\", \"rules\": ["
    "  {\"path\": [\"/proc/*/mem\", \"/sys/**\", \"/dev/[!n]*\"], \"action\": \"deny\"},"
    "  {\"syscalls\": [\"execve\", \"execveat\"], \"exe\": \"/tmp/**\", \"action\": \"deny\"},"
    "  {\"address\": {\"family\": \"inet\", \"cidr\": \"0.0.0.0/0\"}, \"action\": \"log\"},"
    "  {\"address\": {\"family\": \"inet6\", \"cidr\": \"::ffff:127.0.0.0/104\"},"
    "   \"action\": \"deny\"},"
    "  {\"uid\": 1000, \"action\": \"prompt\"},"
    "  {\"euid\": 0, \"fsgid\": 1000, \"action\": \"deny\"},"
    "  {\"fsuid\": 0, \"egid\": 0, \"gid\": 1000, \"action\": \"log\"}"
    " ]}}";

static struct policy *policies[2];

static void load_policies(void)
{
        static const struct policy_env env = {
            .caps_bounding = UINT64_MAX, .kernel_major = 6, .kernel_minor = 1, .go_arch = "amd64"};
        const char *texts[2] = {profile_paths, profile_allow};
        struct policy_error err;

        for (int i = 0; i < 2; i++)
                if (policy_load_buffer(texts[i], strlen(texts[i]), "fixed.json", &env, &policies[i],
                                       &err) < 0) {
                        /* The fixed profiles are part of the harness. */
                        fprintf(stderr, "fixed profile %d: %s\n", i, err.message);
                        abort();
                }
}

static const int interesting_nrs[] = {
    __NR_openat, __NR_open,   __NR_rename,  __NR_renameat2, __NR_mkdir,    __NR_connect, __NR_bind,
    __NR_sendto, __NR_execve, __NR_getppid, __NR_execveat,  __NR_unlinkat, -1,           INT_MAX,
};

static bool rule_names(const struct policy_rule *rule, int nr)
{
        if (!rule->nrs)
                return true;
        for (size_t i = 0; i < rule->n_nrs; i++)
                if (rule->nrs[i] == nr)
                        return true;
        return false;
}

static void fill_address(struct fuzz_input *in, struct policy_call *call)
{
        static const sa_family_t families[] = {AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, AF_NETLINK};
        uint8_t pick = fuzz_u8(in);

        memset(&call->addr, 0, sizeof(call->addr));
        fuzz_take(in, &call->addr, sizeof(call->addr));
        if (pick & 0x80)
                call->addr.ss_family = families[pick % (sizeof(families) / sizeof(families[0]))];
        /* The supervisor never hands over more than the storage holds. */
        call->addr_len = (socklen_t)(fuzz_u16(in) % (sizeof(call->addr) + 1));
        call->have_addr = (pick & 0x40) == 0;
}

static void check_promises(const struct policy *p, const struct policy_call *call,
                           const struct policy_decision *d)
{
        if (d->rule)
                FUZZ_CHECK(rule_names(d->rule, call->nr));
        if (d->verdict == VERDICT_DENY)
                FUZZ_CHECK(d->errno_value > 0);

        /* A rule on identities decides only when every one it names is the
         * caller's, or, for a rule that does not allow, when they could not
         * be read. */
        if (d->rule && d->rule->id_mask) {
                bool permissive = d->verdict == VERDICT_ALLOW || d->verdict == VERDICT_LOG;
                FUZZ_CHECK(call->have_ids || !permissive);
                for (unsigned id = 0; call->have_ids && id < POLICY_ID_COUNT; id++)
                        if (d->rule->id_mask & (1u << id))
                                FUZZ_CHECK(call->ids[id] == d->rule->ids[id]);
        }

        /* First openat rule: /etc/shadow, an unreadable path, or paths that
         * could not be decoded at all are always refused with EACCES. */
        if (p != policies[0])
                return;
        if (call->nr == __NR_openat && call->n_paths > 0) {
                bool shadow = !call->have_paths;
                for (unsigned i = 0; call->have_paths && i < call->n_paths; i++)
                        shadow |= !call->paths[i] || strcmp(call->paths[i], "/etc/shadow") == 0;
                if (shadow)
                        FUZZ_CHECK(d->verdict == VERDICT_DENY && d->errno_value == EACCES);
        }
        /* Allow rules need every path to match. */
        if (d->verdict == VERDICT_ALLOW && d->rule && d->rule->n_path_globs) {
                FUZZ_CHECK(call->have_paths && call->n_paths > 0);
                for (unsigned i = 0; i < call->n_paths; i++)
                        FUZZ_CHECK(call->paths[i] != NULL);
        }
        /* An open is allowed only for what the rule lists, and one whose
         * flags could not be read never by such a rule; a deny rule takes
         * it when it asks for anything the rule lists. */
        if (d->rule && d->rule->open_access) {
                unsigned access = policy_open_access(call->open_flags);
                if (d->verdict == VERDICT_ALLOW || d->verdict == VERDICT_LOG)
                        FUZZ_CHECK(call->have_open && (access & ~d->rule->open_access) == 0);
                else
                        FUZZ_CHECK(!call->have_open || (access & d->rule->open_access) != 0);
        }
        /* Below /srv only reading is allowed: an O_TRUNC never (but with
         * O_PATH, which makes the kernel drop it). */
        if (d->verdict == VERDICT_ALLOW && d->rule && d->rule->open_access)
                FUZZ_CHECK(!(call->open_flags & O_TRUNC) || (call->open_flags & O_PATH));
        if (d->verdict == VERDICT_ALLOW && d->rule && call->nr == __NR_rename &&
            d->rule->n_path_globs)
                for (unsigned i = 0; i < call->n_paths; i++)
                        FUZZ_CHECK(strncmp(call->paths[i], "/tmp/", 5) == 0);
}

static void fuzz_policy_decide(struct fuzz_input *in)
{
        static char paths[POLICY_CALL_MAX_PATHS][PATH_MAX];
        static char exe[PATH_MAX];
        const struct policy *p = policies[fuzz_u8(in) & 1];
        struct policy_call call;
        struct policy_decision d;
        uint8_t flags = fuzz_u8(in);
        uint16_t nr_pick = fuzz_u16(in);

        memset(&call, 0, sizeof(call));
        if (nr_pick & 0x8000)
                call.nr = (int)(nr_pick & 0x7fff) - 64;
        else
                call.nr = interesting_nrs[nr_pick %
                                          (sizeof(interesting_nrs) / sizeof(interesting_nrs[0]))];
        call.arch = AUDIT_ARCH_X86_64;
        call.pid = 1;
        for (int i = 0; i < 6; i++)
                call.args[i] = fuzz_u64(in);

        call.have_paths = flags & 1;
        call.n_paths = (flags >> 1) % (POLICY_CALL_MAX_PATHS + 1);
        for (unsigned i = 0; i < call.n_paths; i++) {
                uint8_t kind = fuzz_u8(in);
                fuzz_string(in, paths[i], sizeof(paths[i]));
                if (kind == 0)
                        call.paths[i] = NULL; /* unreadable */
                else if (kind == 1)
                        call.paths[i] = "/etc/shadow";
                else
                        call.paths[i] = paths[i];
        }
        call.have_exe = flags & 0x08;
        fuzz_string(in, exe, sizeof(exe));
        call.exe = (flags & 0x10) ? exe : NULL;
        call.have_ids = flags & 0x20;
        /* Each identity root or not, apart from the others: a rule on
         * one must not be decided by another. */
        uint8_t ids = (flags & 0x40) ? fuzz_u8(in) : 0;
        for (unsigned id = 0; id < POLICY_ID_COUNT; id++)
                call.ids[id] = (ids & (1u << id)) ? 0 : 1000;
        fill_address(in, &call);
        uint8_t open_pick = fuzz_u8(in);
        call.have_open = (open_pick & 1) != 0;
        call.open_flags = fuzz_u64(in);
        if (open_pick & 2)
                call.open_flags &= 0xffffffffu; /* as open and openat pass them */

        unsigned needs = policy_needs(p, call.nr);
        (void)needs;
        policy_decide(p, &call, &d);
        check_promises(p, &call, &d);

        uint32_t ret_data;
        enum policy_kernel_action a = policy_kernel_decide(p, call.nr, call.args, &ret_data);
        FUZZ_CHECK(a <= KACT_NOTIFY);
}

static bool has_glob_syntax(const char *s)
{
        return strpbrk(s, "*?[\\") != NULL;
}

static void fuzz_glob(struct fuzz_input *in)
{
        static char pattern[PATH_GLOB_MAX + 64], path[PATH_MAX + 64];
        const char *reason = NULL;

        fuzz_string(in, pattern, sizeof(pattern));
        fuzz_string(in, path, sizeof(path));
        bool m = path_glob_match(pattern, path);
        if (strlen(pattern) > PATH_GLOB_MAX)
                FUZZ_CHECK(!m);
        if (path_glob_validate(pattern, &reason) < 0)
                FUZZ_CHECK(reason != NULL && reason[0] != '\0');
        (void)path_glob_validate_syntax(pattern, &reason);
        /* A pattern without special characters is its own only match. */
        if (!has_glob_syntax(pattern) && strlen(pattern) <= PATH_GLOB_MAX) {
                FUZZ_CHECK(path_glob_match(pattern, pattern));
                FUZZ_CHECK(m == (strcmp(pattern, path) == 0));
        }
        /* "**" after a '/' matches everything below. */
        if (pattern[0] == '/' && strlen(pattern) + 3 <= PATH_GLOB_MAX &&
            !has_glob_syntax(pattern) && path[0] != '\0') {
                /* Sized for what the buffers above can hold, so that gcc
                 * sees nothing can be cut (-Wformat-truncation). */
                char prefix[sizeof(pattern) + 4], below[sizeof(pattern) + sizeof(path) + 2];
                snprintf(prefix, sizeof(prefix), "%s/**", pattern);
                snprintf(below, sizeof(below), "%s/%s", pattern, path);
                FUZZ_CHECK(path_glob_match(prefix, below));
        }
}

static void fuzz_netaddr(struct fuzz_input *in)
{
        static const char *families[] = {"inet", "inet6", "unix", "any", "ipv4", "local", "bogus"};
        struct netaddr_match m;
        struct sockaddr_storage ss;
        char text[128], glob[256], out[160];
        const char *reason;

        memset(&m, 0, sizeof(m));
        m.port = -1;
        if (netaddr_parse_family(families[fuzz_u8(in) % 7], &m.family) < 0)
                m.family = AF_UNSPEC;
        fuzz_string(in, text, sizeof(text));
        if (text[0])
                (void)netaddr_parse_cidr(text, &m);
        if (m.have_prefix)
                FUZZ_CHECK(m.prefix_len <= (m.family == AF_INET ? 32u : 128u));
        uint16_t port = fuzz_u16(in);
        if (port & 1)
                m.port = port >> 1;
        fuzz_string(in, glob, sizeof(glob));
        if (glob[0] && netaddr_validate_unix_glob(glob, &reason) == 0) {
                m.unix_glob = strdup(glob);
                if (!m.unix_glob)
                        return;
        }

        memset(&ss, 0, sizeof(ss));
        fuzz_take(in, &ss, sizeof(ss));
        socklen_t len = (socklen_t)(fuzz_u16(in) % (sizeof(ss) + 1));
        bool hit = netaddr_match(&m, (const struct sockaddr *)&ss, len);
        if (hit && m.unix_glob)
                FUZZ_CHECK(ss.ss_family == AF_UNIX);
        if (hit && (m.port >= 0 || m.have_prefix))
                FUZZ_CHECK(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);

        size_t out_size = fuzz_u8(in) % sizeof(out);
        memset(out, 'x', sizeof(out));
        int r = netaddr_format((const struct sockaddr *)&ss, len, out, out_size);
        if (out_size > 0)
                FUZZ_CHECK(memchr(out, '\0', out_size) != NULL);
        FUZZ_CHECK(r == 0 || r == -ENOSPC || r == -EINVAL);
        netaddr_match_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct fuzz_input in = {data, size};

        if (!policies[0])
                load_policies();
        switch (fuzz_u8(&in) % 4) {
        case 0:
        case 1:
                fuzz_policy_decide(&in);
                break;
        case 2:
                fuzz_glob(&in);
                break;
        default:
                fuzz_netaddr(&in);
                break;
        }
        return 0;
}
