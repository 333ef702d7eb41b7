/* SPDX-License-Identifier: MIT */
/* prompt/prompt_rule.c: turning a session or forever answer into a profile rule. */
#include "prompt/prompt_rule.h"
#include "base/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "errnos.h"
#include "glob.h"
#include "netaddr.h"
#include "syscall_args.h"

/* Longest file name extension offered as a scope; longer ones are more
 * likely part of the name than a type. */
#define EXTENSION_MAX 16

int prompt_glob_escape(const char *s, char *buf, size_t size)
{
        size_t n = 0;

        for (; *s; s++) {
                bool special = *s == '*' || *s == '?' || *s == '[' || *s == '\\';
                if (n + (special ? 2 : 1) >= size)
                        return -ENOSPC;
                if (special)
                        buf[n++] = '\\';
                buf[n++] = *s;
        }
        if (n >= size)
                return -ENOSPC;
        buf[n] = '\0';
        return 0;
}

/* The socket address of the call as the rule should see it, or NULL for a
 * call without one. */
static const struct sockaddr *call_address(const struct policy_call *call)
{
        if (!call->have_addr || call->addr_len == 0)
                return NULL;
        return (const struct sockaddr *)&call->addr;
}

static bool call_takes_address(const struct policy_call *call)
{
        return syscall_names_peer(call->nr);
}

/* The text of an IP address without its port: "10.0.0.1", "::1". */
static int ip_text(const struct sockaddr *sa, socklen_t len, char *buf, size_t size, int *ret_port)
{
        if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
                const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
                if (!inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size))
                        return -ENOSPC;
                *ret_port = ntohs(in->sin_port);
                return 0;
        }
        /* sin6_scope_id is optional, as the kernel accepts 24 bytes. */
        if (sa->sa_family == AF_INET6 && len >= 24) {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
                if (!inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)size))
                        return -ENOSPC;
                *ret_port = ntohs(in6->sin6_port);
                return 0;
        }
        return -EINVAL;
}

/*
 * The unix socket name as a rule writes it: the path, or "@" and the name of
 * an abstract socket. -EINVAL for an unnamed socket or a name no glob can
 * match (a NUL inside an abstract name).
 */
static int unix_name(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
        const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        size_t n = len > off ? len - off : 0;

        if (n > sizeof(un->sun_path))
                n = sizeof(un->sun_path);
        if (n == 0)
                return -EINVAL;
        if (un->sun_path[0] != '\0') {
                size_t l = strnlen(un->sun_path, n);
                if (l + 1 > size)
                        return -ENOSPC;
                memcpy(buf, un->sun_path, l);
                buf[l] = '\0';
                return 0;
        }
        /* Abstract: trailing NUL padding is dropped, as netaddr_match() does. */
        while (n > 1 && un->sun_path[n - 1] == '\0')
                n--;
        if (n <= 1 || memchr(un->sun_path + 1, '\0', n - 1))
                return -EINVAL;
        if (n + 1 > size)
                return -ENOSPC;
        buf[0] = '@';
        memcpy(buf + 1, un->sun_path + 1, n - 1);
        buf[n] = '\0';
        return 0;
}

static int add_scope(cJSON *scopes, const char *name, const char *label, const char *pattern)
{
        cJSON *s = cJSON_CreateObject();
        if (!s || !cJSON_AddStringToObject(s, "name", name) ||
            !cJSON_AddStringToObject(s, "label", label) ||
            !(pattern ? cJSON_AddStringToObject(s, "pattern", pattern)
                      : cJSON_AddNullToObject(s, "pattern"))) {
                cJSON_Delete(s);
                return -ENOMEM;
        }
        cJSON_AddItemToArray(scopes, s);
        return 0;
}

/* Splits path into its directory ("/" for a file in the root) and name. */
static void split_path(const char *path, char *dir, size_t size, const char **ret_name)
{
        const char *slash = strrchr(path, '/');
        size_t dl = slash ? (size_t)(slash - path) : 0;

        if (dl == 0)
                snprintf(dir, size, "/");
        else
                snprintf(dir, size, "%.*s", (int)dl, path);
        *ret_name = slash ? slash + 1 : path;
}

/* dir (escaped) joined with tail; tail is already a pattern. */
static int dir_pattern(const char *dir, const char *tail, char *buf, size_t size)
{
        char esc[PATH_MAX * 2];
        if (prompt_glob_escape(dir, esc, sizeof(esc)) < 0)
                return -ENOSPC;
        int n = snprintf(buf, size, "%s%s%s", strcmp(dir, "/") == 0 ? "" : esc, "/", tail);
        return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

static int path_scopes(cJSON *scopes, const struct policy_call *call)
{
        char dir[PATH_MAX], other[PATH_MAX], pattern[PATH_MAX * 2 + 32],
            tail[EXTENSION_MAX * 2 + 8];
        const char *name, *other_name;
        int r;

        for (unsigned i = 0; i < call->n_paths; i++)
                if (!call->paths[i])
                        return 0;
        split_path(call->paths[0], dir, sizeof(dir), &name);
        if (call->n_paths == 2) {
                /* rename, link: a directory scope only when both are in it. */
                split_path(call->paths[1], other, sizeof(other), &other_name);
                if (strcmp(dir, other) != 0)
                        return 0;
        }
        if (!*name)
                return 0; /* "/" itself */
        if (dir_pattern(dir, "*", pattern, sizeof(pattern)) == 0 &&
            (r = add_scope(scopes, "directory", "this directory", pattern)) < 0)
                return r;
        if (dir_pattern(dir, "**", pattern, sizeof(pattern)) == 0 &&
            (r = add_scope(scopes, "tree", "this directory and below", pattern)) < 0)
                return r;
        if (call->n_paths != 1)
                return 0;
        const char *dot = strrchr(name, '.');
        if (!dot || dot == name || !dot[1] || strlen(dot + 1) > EXTENSION_MAX)
                return 0;
        char ext[EXTENSION_MAX * 2 + 1], label[EXTENSION_MAX * 4 + 32];
        if (prompt_glob_escape(dot + 1, ext, sizeof(ext)) < 0)
                return 0;
        snprintf(tail, sizeof(tail), "*.%s", ext);
        snprintf(label, sizeof(label), "*.%s in this directory", dot + 1);
        if (dir_pattern(dir, tail, pattern, sizeof(pattern)) == 0 &&
            (r = add_scope(scopes, "extension-here", label, pattern)) < 0)
                return r;
        snprintf(pattern, sizeof(pattern), "/**/*.%s", ext);
        snprintf(label, sizeof(label), "*.%s anywhere", dot + 1);
        return add_scope(scopes, "extension", label, pattern);
}

cJSON *prompt_rule_scopes(const struct policy_call *call)
{
        cJSON *scopes = cJSON_CreateArray();
        const struct sockaddr *sa = call_address(call);
        char text[PATH_MAX * 2 + 8], label[96];
        int r;

        if (!scopes || add_scope(scopes, "exact", "exactly this", NULL) < 0)
                goto fail;
        if (call->have_paths && call->n_paths > 0) {
                if (path_scopes(scopes, call) < 0)
                        goto fail;
        } else if (sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
                int port;
                const char *family = sa->sa_family == AF_INET ? "IPv4" : "IPv6";
                if (ip_text(sa, call->addr_len, text, sizeof(text), &port) == 0) {
                        if (add_scope(scopes, "host", "this address, any port", text) < 0)
                                goto fail;
                        snprintf(label, sizeof(label), "port %d on any %s address", port, family);
                        if (add_scope(scopes, "port", label, NULL) < 0)
                                goto fail;
                        snprintf(label, sizeof(label), "any %s address", family);
                        if (add_scope(scopes, "any-address", label, NULL) < 0)
                                goto fail;
                }
        } else if (sa && sa->sa_family == AF_UNIX) {
                char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 2], dir[PATH_MAX];
                const char *base;
                if (unix_name(sa, call->addr_len, name, sizeof(name)) == 0 && name[0] == '/') {
                        split_path(name, dir, sizeof(dir), &base);
                        r = dir_pattern(dir, "*", text, sizeof(text));
                        if (r == 0 &&
                            add_scope(scopes, "directory", "sockets in this directory", text) < 0)
                                goto fail;
                }
        }
        /* Every call that names a peer, whatever the peer: what "no network
         * for this program" means. */
        if (call_takes_address(call) && sa &&
            add_scope(scopes, "network",
                      "all network calls of this program (connect, bind, sendto, sendmsg, "
                      "sendmmsg), any address",
                      NULL) < 0)
                goto fail;
        /* Exactly this call made by any program of the command (or
         * container): what a hand-written profile rule without "exe" says,
         * and what survives a new executable path (an upgrade). */
        if (call->have_exe && call->exe &&
            add_scope(scopes, "exact-any-program", "exactly this, from any program", NULL) < 0)
                goto fail;
        return scopes;
fail:
        cJSON_Delete(scopes);
        return NULL;
}

/* Adds {"index": i, "value": mask, "valueTwo": value & mask, "op": MASKED_EQ}. */
static int add_masked_arg(cJSON *args, unsigned index, uint64_t mask, uint64_t value)
{
        cJSON *a = cJSON_CreateObject();
        if (!a || !cJSON_AddNumberToObject(a, "index", index) ||
            !cJSON_AddNumberToObject(a, "value", (double)mask) ||
            !cJSON_AddNumberToObject(a, "valueTwo", (double)(value & mask)) ||
            !cJSON_AddStringToObject(a, "op", "SCMP_CMP_MASKED_EQ")) {
                cJSON_Delete(a);
                return -ENOMEM;
        }
        cJSON_AddItemToArray(args, a);
        return 0;
}

/*
 * What the open asks for, as "open" lists it: exactly the flags shown that
 * widen what an open may do, so that a rule for O_RDONLY does not allow
 * O_RDONLY|O_TRUNC later (nor, for a deny, leaves out O_RDWR).
 */
static int add_open_access(cJSON *rule, const struct policy_call *call, char *reterr,
                           size_t reterr_size)
{
        const char *names[8];
        size_t n;

        if (!call->have_open)
                return error_set(reterr, reterr_size, -EINVAL,
                                 "what this open asks for could not be read (its struct "
                                 "open_how), so no lasting rule can name it (answer once)");
        n = policy_open_access_names(policy_open_access(call->open_flags), names, 8);
        cJSON *list = cJSON_AddArrayToObject(rule, "open");
        if (!list)
                return -ENOMEM;
        for (size_t i = 0; i < n && i < 8; i++) {
                cJSON *s = cJSON_CreateString(names[i]);
                if (!s)
                        return -ENOMEM;
                cJSON_AddItemToArray(list, s);
        }
        return 0;
}

/*
 * The arguments that change what a call does. Masks keep to the bits the
 * kernel reads (an int is the low 32 bits of its register), so garbage in
 * the upper half cannot make an identical call miss the rule. An open's
 * flags are left to "open" (add_open_access()).
 */
static int add_arg_conditions(cJSON *rule, const struct policy_call *call)
{
        const struct syscall_desc *desc = syscall_desc_get(call->nr);
        cJSON *args;

        if (!desc)
                return 0;
        args = cJSON_CreateArray();
        if (!args)
                return -ENOMEM;
        for (unsigned i = 0; i < desc->nargs && i < 6; i++) {
                int r = 0;
                switch (desc->kinds[i]) {
                case ARG_SOCKET_FAMILY:
                case ARG_PRCTL_OPTION:
                case ARG_IOCTL_REQ:
                        r = add_masked_arg(args, i, 0xffffffffu, call->args[i]);
                        break;
                default:
                        break;
                }
                if (r < 0) {
                        cJSON_Delete(args);
                        return r;
                }
        }
        if (cJSON_GetArraySize(args) == 0) {
                cJSON_Delete(args);
                return 0;
        }
        cJSON_AddItemToObject(rule, "args", args);
        return 0;
}

static int add_paths(cJSON *rule, const struct policy_call *call, const char *pattern, char *reterr,
                     size_t reterr_size)
{
        char esc[PATH_MAX * 2];
        const char *reason = NULL;

        for (unsigned i = 0; i < call->n_paths; i++)
                if (!call->paths[i])
                        return error_set(
                            reterr, reterr_size, -EINVAL,
                            "a path of this call could not be read, so no lasting rule "
                            "can name it (answer once)");
        if (pattern) {
                if (path_glob_validate(pattern, &reason) < 0)
                        return error_set(reterr, reterr_size, -EINVAL,
                                         "bad path pattern \"%s\": %s", pattern, reason);
                for (unsigned i = 0; i < call->n_paths; i++)
                        if (!path_glob_match(pattern, call->paths[i]))
                                return error_set(
                                    reterr, reterr_size, -EINVAL,
                                    "pattern \"%s\" does not match the call's path \"%s\"", pattern,
                                    call->paths[i]);
                return cJSON_AddStringToObject(rule, "path", pattern) ? 0 : -ENOMEM;
        }
        cJSON *list = cJSON_CreateArray();
        if (!list)
                return -ENOMEM;
        cJSON_AddItemToObject(rule, "path", list);
        for (unsigned i = 0; i < call->n_paths; i++) {
                if (prompt_glob_escape(call->paths[i], esc, sizeof(esc)) < 0)
                        return error_set(reterr, reterr_size, -EINVAL, "path too long for a rule");
                /* rename("/a", "/a") names one path twice; list it once. */
                if (i == 1 && strcmp(call->paths[0], call->paths[1]) == 0)
                        break;
                cJSON *s = cJSON_CreateString(esc);
                if (!s)
                        return -ENOMEM;
                cJSON_AddItemToArray(list, s);
        }
        return 0;
}

static int add_address(cJSON *rule, const struct policy_call *call, const char *pattern,
                       char *reterr, size_t reterr_size)
{
        const struct sockaddr *sa = call_address(call);
        char text[PATH_MAX * 2];
        cJSON *addr;
        int port, r;

        if (!sa)
                return error_set(reterr, reterr_size, -EINVAL,
                                 "the socket address of this call could not be read, so no lasting "
                                 "rule can name it (answer once)");
        addr = cJSON_CreateObject();
        if (!addr)
                return -ENOMEM;
        cJSON_AddItemToObject(rule, "address", addr);

        if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
                if (ip_text(sa, call->addr_len, text, sizeof(text), &port) < 0)
                        return error_set(reterr, reterr_size, -EINVAL,
                                         "the call's address is too short");
                if (!cJSON_AddStringToObject(addr, "family",
                                             sa->sa_family == AF_INET ? "inet" : "inet6"))
                        return -ENOMEM;
                if (pattern) {
                        struct netaddr_match m = {.family = AF_UNSPEC, .port = -1};
                        if (netaddr_parse_cidr(pattern, &m) < 0)
                                return error_set(
                                    reterr, reterr_size, -EINVAL,
                                    "bad address pattern \"%s\" (expected an IP address "
                                    "or CIDR such as \"10.0.0.0/8\")",
                                    pattern);
                        bool hit = netaddr_match(&m, sa, call->addr_len);
                        netaddr_match_free(&m);
                        if (!hit)
                                return error_set(
                                    reterr, reterr_size, -EINVAL,
                                    "pattern \"%s\" does not match the call's address %s", pattern,
                                    text);
                        /* A mapped IPv4 address is IPv4 traffic; let the
                         * pattern's own family decide. */
                        cJSON_DeleteItemFromObjectCaseSensitive(addr, "family");
                        return cJSON_AddStringToObject(addr, "cidr", pattern) ? 0 : -ENOMEM;
                }
                if (!cJSON_AddStringToObject(addr, "cidr", text) ||
                    !cJSON_AddNumberToObject(addr, "port", port))
                        return -ENOMEM;
                return 0;
        }
        if (sa->sa_family == AF_UNIX) {
                char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];
                const char *reason = NULL;
                if (unix_name(sa, call->addr_len, name, sizeof(name)) < 0)
                        return error_set(reterr, reterr_size, -EINVAL,
                                         "an unnamed unix socket cannot be named by a rule (answer "
                                         "once)");
                if (name[0] != '/' && name[0] != '@')
                        return error_set(reterr, reterr_size, -EINVAL,
                                         "the socket path \"%s\" is relative, so no rule can name "
                                         "it (answer once)",
                                         name);
                if (pattern) {
                        struct netaddr_match m = {.family = AF_UNIX, .port = -1};
                        if (netaddr_validate_unix_glob(pattern, &reason) < 0)
                                return error_set(reterr, reterr_size, -EINVAL,
                                                 "bad unix socket pattern \"%s\": %s", pattern,
                                                 reason);
                        m.unix_glob = (char *)pattern;
                        if (!netaddr_match(&m, sa, call->addr_len))
                                return error_set(
                                    reterr, reterr_size, -EINVAL,
                                    "pattern \"%s\" does not match the call's socket %s", pattern,
                                    name);
                        return cJSON_AddStringToObject(addr, "unix", pattern) ? 0 : -ENOMEM;
                }
                /* "@name": the '@' marks an abstract name; escape the rest. */
                text[0] = name[0] == '@' ? '@' : '\0';
                r = prompt_glob_escape(name[0] == '@' ? name + 1 : name, text + (name[0] == '@'),
                                       sizeof(text) - 1);
                if (r < 0)
                        return error_set(reterr, reterr_size, -EINVAL,
                                         "socket name too long for a rule");
                return cJSON_AddStringToObject(addr, "unix", text) ? 0 : -ENOMEM;
        }
        return error_set(reterr, reterr_size, -EINVAL,
                         "no rule can name an address of family %d (answer once)", sa->sa_family);
}

/* How a scope widens the exact rule. */
enum {
        WIDEN_ANY_PROGRAM = 1 << 0, /* no "exe" */
        WIDEN_PORT = 1 << 1,        /* the family and port, any address */
        WIDEN_ANY_ADDRESS = 1 << 2, /* the family, any address and port */
        WIDEN_NETWORK = 1 << 3,     /* every call naming a peer, any peer */
};

static int add_widened_address(cJSON *rule, const struct policy_call *call, unsigned widen,
                               char *reterr, size_t reterr_size)
{
        const struct sockaddr *sa = call_address(call);
        char text[INET6_ADDRSTRLEN + 8];
        int port;

        if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
            ip_text(sa, call->addr_len, text, sizeof(text), &port) < 0)
                return error_set(reterr, reterr_size, -EINVAL,
                                 "this scope is for a call that names an IP address and port");
        cJSON *addr = cJSON_AddObjectToObject(rule, "address");
        if (!addr ||
            !cJSON_AddStringToObject(addr, "family", sa->sa_family == AF_INET ? "inet" : "inet6"))
                return -ENOMEM;
        if ((widen & WIDEN_PORT) && !cJSON_AddNumberToObject(addr, "port", port))
                return -ENOMEM;
        return 0;
}

static int build_rule(const struct policy_call *call, const char *syscall,
                      enum policy_verdict verdict, int errno_value, const char *pattern,
                      unsigned widen, const char *comment, cJSON **ret_rule, char *reterr,
                      size_t reterr_size)
{
        char esc[PATH_MAX * 2];
        cJSON *rule, *names;
        int r;

        if (verdict != VERDICT_ALLOW && verdict != VERDICT_DENY && verdict != VERDICT_KILL)
                return error_set(reterr, reterr_size, -EINVAL,
                                 "a lasting answer is allow, deny or kill");
        rule = cJSON_CreateObject();
        names = cJSON_CreateArray();
        if (!rule || !names) {
                cJSON_Delete(rule);
                cJSON_Delete(names);
                return -ENOMEM;
        }
        if (comment && !cJSON_AddStringToObject(rule, "comment", comment))
                goto nomem;
        cJSON_AddItemToObject(rule, "syscalls", names);
        if (widen & WIDEN_NETWORK) {
                /* The calls an address rule applies to (README). */
                static const char *const peer_calls[] = {"connect", "bind", "sendto", "sendmsg",
                                                         "sendmmsg"};
                if (!call_takes_address(call)) {
                        r = error_set(reterr, reterr_size, -EINVAL,
                                      "this scope is for a call that names a socket address");
                        goto out;
                }
                for (size_t i = 0; i < sizeof(peer_calls) / sizeof(peer_calls[0]); i++) {
                        cJSON *n = cJSON_CreateString(peer_calls[i]);
                        if (!n)
                                goto nomem;
                        cJSON_AddItemToArray(names, n);
                }
        } else {
                cJSON *name = cJSON_CreateString(syscall);
                if (!name)
                        goto nomem;
                cJSON_AddItemToArray(names, name);
        }

        const struct syscall_desc *desc = syscall_desc_get(call->nr);
        bool has_paths = call->have_paths && call->n_paths > 0;
        if (desc && desc->n_paths > 0 && !call->have_paths)
                /* A 32-bit call, whose paths are not decoded: a rule without
                 * them would cover every path. */
                r = error_set(
                    reterr, reterr_size, -EINVAL,
                    "the paths of this call were not decoded, so no lasting rule can name "
                    "them (answer once)");
        else if (widen & (WIDEN_PORT | WIDEN_ANY_ADDRESS))
                r = add_widened_address(rule, call, widen, reterr, reterr_size);
        /* The network scope names any peer, so nothing of the call's own. */
        else if (has_paths && !(widen & WIDEN_NETWORK))
                r = add_paths(rule, call, pattern, reterr, reterr_size);
        else if (!(widen & WIDEN_NETWORK) && (call_takes_address(call) || call_address(call)))
                r = add_address(rule, call, pattern, reterr, reterr_size);
        else if (pattern)
                r = error_set(
                    reterr, reterr_size, -EINVAL,
                    "a pattern needs a call with a path or a socket address; this one has "
                    "neither");
        else
                r = 0;
        if (r == 0 && policy_is_open_call(call->nr))
                r = add_open_access(rule, call, reterr, reterr_size);
        if (r < 0)
                goto out;

        if (call->have_exe && call->exe && !(widen & WIDEN_ANY_PROGRAM)) {
                if (prompt_glob_escape(call->exe, esc, sizeof(esc)) < 0) {
                        r = error_set(reterr, reterr_size, -EINVAL,
                                      "executable path too long for a rule");
                        goto out;
                }
                if (!cJSON_AddStringToObject(rule, "exe", esc))
                        goto nomem;
        }
        if (!(widen & WIDEN_NETWORK) && (r = add_arg_conditions(rule, call)) < 0)
                goto out;
        if (!prompt_rule_add_action(rule, verdict, errno_value))
                goto nomem;
        *ret_rule = rule;
        return 0;
nomem:
        r = -ENOMEM;
out:
        cJSON_Delete(rule);
        return r;
}

int prompt_rule_build(const struct policy_call *call, const char *syscall,
                      enum policy_verdict verdict, int errno_value, const char *pattern,
                      const char *comment, cJSON **ret_rule, char *reterr, size_t reterr_size)
{
        return build_rule(call, syscall, verdict, errno_value, pattern, 0, comment, ret_rule,
                          reterr, reterr_size);
}

bool prompt_rule_add_action(cJSON *rule, enum policy_verdict verdict, int errno_value)
{
        if (!cJSON_AddStringToObject(rule, "action", policy_verdict_name(verdict)))
                return false;
        if (verdict != VERDICT_DENY)
                return true;
        const char *e = errno_to_name(errno_value > 0 ? errno_value : EPERM);
        return e ? cJSON_AddStringToObject(rule, "errno", e) != NULL
                 : cJSON_AddNumberToObject(rule, "errno", errno_value) != NULL;
}

int prompt_rule_build_scope(const struct policy_call *call, const char *syscall, const char *name,
                            const char *pattern, cJSON **ret_rule, char *reterr, size_t reterr_size)
{
        static const struct {
                const char *name;
                unsigned widen;
        } kinds[] = {
            {"port", WIDEN_PORT},
            {"any-address", WIDEN_ANY_ADDRESS},
            {"network", WIDEN_NETWORK},
            {"exact-any-program", WIDEN_ANY_PROGRAM},
        };
        unsigned widen = 0;
        cJSON *rule = NULL;
        int r;

        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (strcmp(name, kinds[i].name) == 0) {
                        widen = kinds[i].widen;
                        pattern = NULL; /* these widen exactly this call */
                }
        r = build_rule(call, syscall, VERDICT_ALLOW, 0, pattern, widen, NULL, &rule, reterr,
                       reterr_size);
        if (r < 0)
                return r;
        cJSON_DeleteItemFromObjectCaseSensitive(rule, "action");
        *ret_rule = rule;
        return 0;
}
