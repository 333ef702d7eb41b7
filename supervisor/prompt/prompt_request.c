/* SPDX-License-Identifier: MIT */
/* prompt/prompt_request.c: a prompt, its dedup key and its protocol request. */
#include "prompt/broker_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errnos.h"
#include "netaddr.h"
#include "prompt/prompt_rule.h"
#include "prompt_ui.h"
#include "syscall_args.h"
#include "core/target.h"

uint64_t prompt_id(const struct prompt *p)
{
        return p->id;
}

size_t prompt_waiting(const struct prompt *p)
{
        return p->n_calls;
}

int64_t prompt_deadline_unix_ms(const struct prompt *p)
{
        return p->deadline_unix_ms;
}

cJSON *prompt_request(struct prompt *p)
{
        return p->request;
}

/* A key of length-prefixed fields, so no field can run into the next. */
struct key {
        char *buf;
        size_t len, cap;
        bool failed;
};

static void key_add(struct key *k, const void *data, size_t n)
{
        if (k->failed)
                return;
        if (k->len + n + sizeof(uint32_t) > k->cap) {
                size_t cap = k->cap ? k->cap * 2 : 256;
                while (cap < k->len + n + sizeof(uint32_t))
                        cap *= 2;
                char *buf = realloc(k->buf, cap);
                if (!buf) {
                        k->failed = true;
                        return;
                }
                k->buf = buf;
                k->cap = cap;
        }
        uint32_t len = (uint32_t)n;
        memcpy(k->buf + k->len, &len, sizeof(len));
        k->len += sizeof(len);
        if (n)
                memcpy(k->buf + k->len, data, n);
        k->len += n;
}

static void key_add_string(struct key *k, const char *s)
{
        /* NULL and "" must differ: an unreadable path is not an empty one. */
        if (!s)
                key_add(k, "\xff", 1);
        else
                key_add(k, s, strlen(s) + 1);
}

/* Whether argument i of a call with this description is a plain number that
 * changes what the call does (and so belongs in the key). */
static bool arg_is_value(const struct syscall_desc *desc, unsigned i)
{
        if (!desc)
                return true; /* unknown call: compare everything */
        if (i >= desc->nargs)
                return false;
        switch (desc->kinds[i]) {
        case ARG_FD:
        case ARG_DIRFD:
        case ARG_PATH:
        case ARG_SOCKADDR:
        case ARG_SOCKLEN:
        case ARG_PTR:
        case ARG_STRING_ARRAY:
        case ARG_OPEN_HOW:
        case ARG_STRING:
                return false;
        default:
                return true;
        }
}

int prompt_key_make(const struct pending_call *pc, const cJSON *argv, char **ret_key,
                    size_t *ret_len)
{
        const struct policy_call *c = &pc->call;
        const struct syscall_desc *desc = syscall_desc_get(c->nr);
        struct key k = {0};
        const cJSON *a;

        key_add(&k, &pc->target, sizeof(pc->target));
        key_add(&k, &c->nr, sizeof(c->nr));
        key_add(&k, &c->arch, sizeof(c->arch));
        key_add_string(&k, c->have_exe ? c->exe : NULL);
        /* The same call as root or as nobody may deserve other answers. */
        key_add(&k, &c->have_ids, sizeof(c->have_ids));
        if (c->have_ids)
                key_add(&k, c->ids, sizeof(c->ids));
        for (unsigned i = 0; i < 6; i++)
                if (arg_is_value(desc, i))
                        key_add(&k, &c->args[i], sizeof(c->args[i]));
        if (c->have_paths)
                for (unsigned i = 0; i < c->n_paths && i < POLICY_CALL_MAX_PATHS; i++)
                        key_add_string(&k, c->paths[i]);
        if (c->have_addr)
                key_add(&k, &c->addr, c->addr_len);
        /* What an open asks for: openat2's is not in its arguments. */
        key_add(&k, &c->have_open, sizeof(c->have_open));
        if (c->have_open) {
                key_add(&k, &c->open_flags, sizeof(c->open_flags));
                key_add(&k, &c->open_mode, sizeof(c->open_mode));
                key_add(&k, &c->open_resolve, sizeof(c->open_resolve));
        }
        cJSON_ArrayForEach(a, argv) key_add_string(&k, cJSON_GetStringValue(a));
        if (k.failed) {
                free(k.buf);
                return -ENOMEM;
        }
        *ret_key = k.buf;
        *ret_len = k.len;
        return 0;
}

cJSON *prompt_argv_json(const struct target_details *details)
{
        if (!details->argv)
                return NULL;
        cJSON *argv = cJSON_CreateArray();
        const char *arg = details->argv;
        for (unsigned i = 0; argv && i < details->argc; i++) {
                cJSON *s = cJSON_CreateString(arg);
                if (!s)
                        break;
                cJSON_AddItemToArray(argv, s);
                arg += strlen(arg) + 1;
        }
        return argv;
}

/* Adds one named argument to the "decoded" object; the first name given wins. */
static int add_named_arg(void *ctx, const char *key, const char *value)
{
        cJSON *d = ctx;
        if (!cJSON_GetObjectItemCaseSensitive(d, key))
                cJSON_AddStringToObject(d, key, value);
        return 0;
}

/* The protocol's "decoded" object: what the arguments mean. */
static cJSON *describe_arguments(const struct policy_call *call, cJSON *argv)
{
        cJSON *d = cJSON_CreateObject();
        char text[256];

        if (!d)
                return NULL;
        if (call->have_paths && call->n_paths) {
                cJSON *paths = cJSON_AddArrayToObject(d, "paths");
                for (unsigned i = 0; paths && i < call->n_paths; i++)
                        cJSON_AddItemToArray(paths, call->paths[i]
                                                        ? cJSON_CreateString(call->paths[i])
                                                        : cJSON_CreateNull());
        }
        if (call->have_paths && call->n_paths && policy_call_names_differ(call)) {
                cJSON *names = cJSON_AddArrayToObject(d, "names");
                for (unsigned i = 0; names && i < call->n_paths; i++)
                        cJSON_AddItemToArray(names, call->raw_paths[i]
                                                        ? cJSON_CreateString(call->raw_paths[i])
                                                        : cJSON_CreateNull());
        }
        if (call->have_addr && call->addr_len > 0 &&
            netaddr_format((const struct sockaddr *)&call->addr, call->addr_len, text,
                           sizeof(text)) == 0)
                cJSON_AddStringToObject(d, "address", text);
        if (call->have_addr && call->unix_path && call->addr_len > 0 &&
            strncmp(text, "unix:", 5) == 0 && strcmp(text + 5, call->unix_path) != 0)
                cJSON_AddStringToObject(d, "socket_file", call->unix_path);
        /* sendmmsg: every message's peer, null where none is named. */
        if (call->have_addr && call->addrs && call->n_addrs > 1) {
                cJSON *addrs = cJSON_AddArrayToObject(d, "addresses");
                for (unsigned i = 0; addrs && i < call->n_addrs && i < 16; i++)
                        cJSON_AddItemToArray(
                            addrs, policy_call_addr_format(call, i, text, sizeof(text)) == 0
                                       ? cJSON_CreateString(text)
                                       : cJSON_CreateNull());
        }
        syscall_describe_call(call, add_named_arg, d);
        if (argv)
                cJSON_AddItemToObject(d, "argv", cJSON_Duplicate(argv, true));
        return d;
}

static cJSON *describe_rule(const struct pending_call *pc)
{
        const struct policy_rule *rule = pc->decision.rule;
        cJSON *r = cJSON_CreateObject();
        char where[64];

        if (!r)
                return NULL;
        if (rule) {
                if (rule->builtin)
                        snprintf(where, sizeof(where), "built-in");
                else
                        snprintf(where, sizeof(where), "supervisor.rules[%zu]", rule->source_index);
                cJSON_AddStringToObject(r, "source", where);
                if (rule->comment)
                        cJSON_AddStringToObject(r, "comment", rule->comment);
        } else {
                cJSON_AddStringToObject(r, "source", "supervisor.defaultAction");
        }
        cJSON_AddStringToObject(r, "action", policy_verdict_name(pc->decision.verdict));
        return r;
}

static void add_hex_args(cJSON *req, const uint64_t args[6])
{
        cJSON *list = cJSON_AddArrayToObject(req, "args");
        char text[32];
        for (unsigned i = 0; list && i < 6; i++) {
                snprintf(text, sizeof(text), "%#" PRIx64, args[i]);
                cJSON_AddItemToArray(list, cJSON_CreateString(text));
        }
}

/* Each scope's rule as a lasting answer with it adds it, without the
 * action and errno the answer gives ("rule"), and the executable it is tied
 * to ("exe", null when any program's call matches), or why there can be
 * none ("refused"): what the person is shown before answering, and what a
 * reply naming the scope ("choice") applies. Made here once for every
 * front end. */
static void add_scope_rules(cJSON *scopes, const struct policy_call *call, const char *syscall)
{
        cJSON *scope;

        cJSON_ArrayForEach(scope, scopes)
        {
                const char *name =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(scope, "name"));
                const char *pattern =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(scope, "pattern"));
                char err[256] = "";
                cJSON *rule = NULL;
                int r = prompt_rule_build_scope(call, syscall, name ? name : "exact", pattern,
                                                &rule, err, sizeof(err));
                if (r == 0) {
                        const char *exe =
                            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "exe"));
                        cJSON_AddItemToObject(scope, "rule", rule);
                        /* The executable as the call gave it, unescaped. */
                        if (exe && call->exe)
                                cJSON_AddStringToObject(scope, "exe", call->exe);
                        else
                                cJSON_AddNullToObject(scope, "exe");
                } else if (r != -ENOMEM) {
                        cJSON_AddStringToObject(scope, "refused", err);
                }
        }
}

static cJSON *build_request(struct prompt_broker *b, struct prompt *p,
                            const struct pending_call *pc, cJSON *argv)
{
        const struct policy_call *call = &pc->call;
        cJSON *req = cJSON_CreateObject(), *target;
        char text[64];
        const char *e = errno_to_name(p->timeout_errno);

        if (!req)
                return NULL;
        cJSON_AddNumberToObject(req, "v", 1);
        cJSON_AddStringToObject(req, "type", "request");
        cJSON_AddNumberToObject(req, "id", (double)p->id);
        target = cJSON_AddObjectToObject(req, "target");
        if (target) {
                cJSON_AddNumberToObject(target, "pid", call->pid);
                cJSON_AddNumberToObject(target, "tgid", pc->details.tgid);
                if (call->have_exe && call->exe)
                        cJSON_AddStringToObject(target, "exe", call->exe);
                else
                        cJSON_AddNullToObject(target, "exe");
                /* The real uid and gid, and the effective and filesystem
                 * ones where they differ from them. */
                for (unsigned id = 0; id < POLICY_ID_COUNT; id++)
                        if (policy_id_shown(call, (enum policy_id)id))
                                cJSON_AddNumberToObject(target, policy_id_name((enum policy_id)id),
                                                        call->ids[id]);
                cJSON_AddStringToObject(target, "cmdline",
                                        pc->details.cmdline ? pc->details.cmdline : "?");
                if (pc->target->id)
                        cJSON_AddStringToObject(target, "container", pc->target->id);
                else
                        cJSON_AddNullToObject(target, "container");
        }
        cJSON_AddStringToObject(req, "syscall", p->syscall);
        cJSON_AddNumberToObject(req, "nr", call->nr);
        add_hex_args(req, call->args);
        cJSON_AddItemToObject(req, "decoded", describe_arguments(call, argv));
        cJSON_AddItemToObject(req, "rule", describe_rule(pc));
        cJSON *timeout = cJSON_AddObjectToObject(req, "timeout");
        if (timeout) {
                cJSON_AddStringToObject(timeout, "decision", "deny");
                if (e) {
                        cJSON_AddStringToObject(timeout, "errno", e);
                } else {
                        snprintf(text, sizeof(text), "%d", p->timeout_errno);
                        cJSON_AddStringToObject(timeout, "errno", text);
                }
        }
        cJSON_AddNumberToObject(req, "deadline", (double)p->deadline_unix_ms);
        cJSON_AddNumberToObject(req, "waiting", 1);
        cJSON_AddNumberToObject(req, "queued", 0);
        cJSON_AddBoolToObject(req, "forever", b->profile_path != NULL);
        cJSON *scopes = prompt_rule_scopes(call);
        add_scope_rules(scopes, call, p->syscall);
        cJSON_AddItemToObject(req, "scopes", scopes);
        return req;
}

void prompt_free(struct prompt *p)
{
        if (!p)
                return;
        free(p->key);
        free(p->calls);
        cJSON_Delete(p->request);
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++)
                free(p->paths[i]);
        free(p->exe);
        free(p->syscall);
        free(p);
}

int prompt_add_call(struct prompt *p, struct pending_call *pc)
{
        if (p->n_calls == p->cap_calls) {
                size_t cap = p->cap_calls ? p->cap_calls * 2 : 4;
                struct pending_call **calls = realloc(p->calls, cap * sizeof(*calls));
                if (!calls)
                        return -ENOMEM;
                p->calls = calls;
                p->cap_calls = cap;
        }
        p->calls[p->n_calls++] = pc;
        pc->userdata = p;
        if (p->request)
                cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(p->request, "waiting"),
                                     (double)p->n_calls);
        return 0;
}

void prompt_remove_call(struct prompt *p, size_t i)
{
        p->calls[i]->userdata = NULL;
        p->calls[i] = p->calls[--p->n_calls];
        if (p->request)
                cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(p->request, "waiting"),
                                     (double)p->n_calls);
}

static char *dup_or_null(const char *s, bool *failed)
{
        char *copy;
        if (!s)
                return NULL;
        copy = strdup(s);
        if (!copy)
                *failed = true;
        return copy;
}

struct prompt *prompt_new(struct prompt_broker *b, struct pending_call *pc, char *key,
                          size_t key_len, cJSON *argv)
{
        struct prompt *p = calloc(1, sizeof(*p));
        bool failed = false;

        if (!p)
                return NULL;
        p->broker = b;
        p->key = key;
        p->key_len = key_len;
        p->target = pc->target;
        p->id = ++b->next_id;
        p->call = pc->call;
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                p->paths[i] = dup_or_null(i < pc->call.n_paths ? pc->call.paths[i] : NULL, &failed);
                p->call.paths[i] = p->paths[i];
        }
        p->exe = dup_or_null(pc->call.exe, &failed);
        p->call.exe = p->exe;
        p->syscall = dup_or_null(supervisor_syscall_name(b->sup, pc->call.nr), &failed);
        p->timeout_errno = pc->decision.errno_value > 0 ? pc->decision.errno_value : EPERM;
        uv_update_time(&b->sup->loop);
        p->deadline = uv_now(&b->sup->loop) + b->timeout_ms;
        p->deadline_unix_ms = prompt_ui_now_ms() + b->timeout_ms;
        if (failed || prompt_add_call(p, pc) < 0) {
                p->key = NULL;
                prompt_free(p);
                return NULL;
        }
        p->request = build_request(b, p, pc, argv);
        if (!p->request) {
                pc->userdata = NULL;
                p->key = NULL;
                prompt_free(p);
                return NULL;
        }
        return p;
}
