/* SPDX-License-Identifier: MIT */
#include "prompt/prompt.h"
#include "base/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/env.h"
#include "errnos.h"
#include "netaddr.h"
#include "profile/profile_edit.h"
#include "prompt/prompt_rule.h"
#include "prompt_ui.h"
#include "syscall_args.h"
#include "core/target.h"

#define DEFAULT_TIMEOUT_MS 30000
/* Between checks for dead callers, and between countdown updates. */
#define TICK_MS 1000

struct prompt {
        struct prompt *prev, *next;
        struct prompt_broker *broker;
        uint64_t id;
        struct target *target;
        /* What makes two calls identical (see prompt.h), as bytes. */
        char *key;
        size_t key_len;
        struct pending_call **calls;
        size_t n_calls, cap_calls;
        uint64_t deadline;        /* loop time, ms */
        int64_t deadline_unix_ms; /* for the protocol */
        int timeout_errno;        /* the asking rule's errno */
        cJSON *request;
        /* The first caller's call, kept for building rules after that
         * caller itself may be gone. */
        struct policy_call call;
        char *paths[POLICY_CALL_MAX_PATHS];
        char *exe;
        char *syscall;
};

struct prompt_broker {
        uv_timer_t timer;
        struct supervisor *sup;
        struct prompt_backend backend;
        unsigned timeout_ms;
        char *profile_path;
        struct prompt *head, *tail;
        size_t count;
        uint64_t next_id;
        struct prompt_frontend *frontends;
        cJSON *session_rules;   /* newest first */
        struct policy *session; /* session_rules compiled; NULL when there are none */
        struct target_scratch scratch;
        bool closing;
};

/* The real backend. */

static int real_id_valid(struct pending_call *pc)
{
        return notif_id_valid(pc->target->listener, pc->id);
}

static int real_decode(struct pending_call *pc, struct policy_call *call, unsigned needs,
                       struct target_scratch *scratch)
{
        return target_decode_call(pc->target->listener, pc->id, call, needs, scratch);
}

static const struct prompt_backend real_backend = {
    .complete = supervisor_complete,
    .discard = supervisor_discard,
    .id_valid = real_id_valid,
    .decode = real_decode,
};

const char *prompt_scope_name(enum prompt_scope scope)
{
        switch (scope) {
        case PROMPT_SCOPE_SESSION:
                return "session";
        case PROMPT_SCOPE_FOREVER:
                return "forever";
        case PROMPT_SCOPE_ONCE:
        default:
                return "once";
        }
}

/* Queue access. */

struct prompt *prompt_broker_first(struct prompt_broker *b)
{
        return b->head;
}

struct prompt *prompt_next(struct prompt *p)
{
        return p->next;
}

size_t prompt_broker_count(const struct prompt_broker *b)
{
        return b->count;
}

struct prompt *prompt_broker_find(struct prompt_broker *b, uint64_t id)
{
        for (struct prompt *p = b->head; p; p = p->next)
                if (p->id == id)
                        return p;
        return NULL;
}

unsigned prompt_broker_timeout_ms(const struct prompt_broker *b)
{
        return b->timeout_ms;
}

const char *prompt_broker_profile(const struct prompt_broker *b)
{
        return b->profile_path;
}

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

void prompt_broker_add_frontend(struct prompt_broker *b, struct prompt_frontend *fe)
{
        fe->next = b->frontends;
        b->frontends = fe;
}

void prompt_broker_remove_frontend(struct prompt_broker *b, struct prompt_frontend *fe)
{
        for (struct prompt_frontend **p = &b->frontends; *p; p = &(*p)->next)
                if (*p == fe) {
                        *p = fe->next;
                        return;
                }
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

static int make_key(const struct pending_call *pc, const cJSON *argv, char **ret_key,
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
        for (unsigned i = 0; i < 6; i++)
                if (arg_is_value(desc, i))
                        key_add(&k, &c->args[i], sizeof(c->args[i]));
        if (c->have_paths)
                for (unsigned i = 0; i < c->n_paths && i < POLICY_CALL_MAX_PATHS; i++)
                        key_add_string(&k, c->paths[i]);
        if (c->have_addr)
                key_add(&k, &c->addr, c->addr_len);
        cJSON_ArrayForEach(a, argv) key_add_string(&k, cJSON_GetStringValue(a));
        if (k.failed) {
                free(k.buf);
                return -ENOMEM;
        }
        *ret_key = k.buf;
        *ret_len = k.len;
        return 0;
}

/* execve's argv, as read with the call (target.h), as a JSON array of
 * strings; NULL for other calls. */
static cJSON *argv_json(const struct target_details *details)
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

/* Whether an open-like call creates a file (so its mode argument counts). */
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
        if (call->have_addr && call->addr_len > 0 &&
            netaddr_format((const struct sockaddr *)&call->addr, call->addr_len, text,
                           sizeof(text)) == 0)
                cJSON_AddStringToObject(d, "address", text);
        syscall_describe_args(call->nr, call->args, add_named_arg, d);
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
        cJSON_AddItemToObject(req, "scopes", prompt_rule_scopes(call));
        return req;
}

/* The prompt itself. */

static void prompt_free(struct prompt *p)
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

static int prompt_add_call(struct prompt *p, struct pending_call *pc)
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

static void prompt_remove_call(struct prompt *p, size_t i)
{
        p->calls[i]->userdata = NULL;
        p->calls[i] = p->calls[--p->n_calls];
        if (p->request)
                cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(p->request, "waiting"),
                                     (double)p->n_calls);
}

static void queue_unlink(struct prompt_broker *b, struct prompt *p)
{
        if (p->prev)
                p->prev->next = p->next;
        else
                b->head = p->next;
        if (p->next)
                p->next->prev = p->prev;
        else
                b->tail = p->prev;
        p->prev = p->next = NULL;
        b->count--;
}

static void queue_append(struct prompt_broker *b, struct prompt *p)
{
        p->prev = b->tail;
        p->next = NULL;
        if (b->tail)
                b->tail->next = p;
        else
                b->head = p;
        b->tail = p;
        b->count++;
}

static void arm_timer(struct prompt_broker *b);

/*
 * Takes p out of the queue, answers its calls (unless res says nobody
 * decided), tells the front ends and frees it.
 */
static void prompt_finish(struct prompt_broker *b, struct prompt *p,
                          const struct prompt_resolution *res)
{
        queue_unlink(b, p);
        while (p->n_calls > 0) {
                struct pending_call *pc = p->calls[p->n_calls - 1];
                prompt_remove_call(p, p->n_calls - 1);
                if (res->answered)
                        b->backend.complete(pc, res->verdict, res->errno_value);
                else
                        b->backend.discard(pc);
        }
        for (struct prompt_frontend *fe = b->frontends; fe; fe = fe->next)
                if (fe->ops->resolved)
                        fe->ops->resolved(fe, p, res);
        prompt_free(p);
}

static void prompt_gone(struct prompt_broker *b, struct prompt *p)
{
        struct prompt_resolution res = {.by = "caller-died", .answered = false};
        prompt_finish(b, p, &res);
}

static void prompt_time_out(struct prompt_broker *b, struct prompt *p)
{
        struct prompt_resolution res = {
            .by = "timeout",
            .answered = true,
            .verdict = VERDICT_DENY,
            .scope = PROMPT_SCOPE_ONCE,
            .errno_value = p->timeout_errno,
        };
        prompt_finish(b, p, &res);
}

/* Session rules. */

/* Compiles rules into a policy whose rules are exactly these, and whose
 * default is "prompt", so a decision other than prompt means a rule hit. */
static int compile_session(const cJSON *rules, struct policy **ret_policy, char *err,
                           size_t err_size)
{
        struct policy_env env;
        struct policy_error perr;
        cJSON *doc = cJSON_CreateObject(), *sup;
        char *text = NULL;
        int r = -ENOMEM;

        if (!doc || !cJSON_AddStringToObject(doc, "defaultAction", "SCMP_ACT_ALLOW") ||
            !(sup = cJSON_AddObjectToObject(doc, "supervisor")) ||
            !cJSON_AddStringToObject(sup, "defaultAction", "prompt"))
                goto out;
        cJSON *copy = cJSON_Duplicate(rules, true);
        if (!copy)
                goto out;
        cJSON_AddItemToObject(sup, "rules", copy);
        text = cJSON_PrintUnformatted(doc);
        if (!text)
                goto out;
        env_detect(&env);
        r = policy_load_buffer(text, strlen(text), "<session rules>", &env, ret_policy, &perr);
        if (r < 0)
                snprintf(err, err_size, "%s", perr.message);
out:
        if (text)
                cJSON_free(text);
        cJSON_Delete(doc);
        return r;
}

/* The session's decision for call: true and *ret_decision if a session rule
 * matches it. */
static bool session_decide(const struct prompt_broker *b, const struct policy_call *call,
                           struct policy_decision *ret_decision)
{
        struct policy_decision d;
        if (!b->session)
                return false;
        policy_decide(b->session, call, &d);
        if (d.verdict == VERDICT_PROMPT)
                return false;
        *ret_decision = d;
        return true;
}

/* Answers the waiting prompts a new session rule covers. */
static void sweep_with_session(struct prompt_broker *b)
{
        struct prompt *p = b->head, *next;
        for (; p; p = next) {
                struct policy_decision d;
                next = p->next;
                if (!session_decide(b, &p->call, &d))
                        continue;
                struct prompt_resolution res = {
                    .by = "session",
                    .answered = true,
                    .verdict = d.verdict,
                    .scope = PROMPT_SCOPE_SESSION,
                    .errno_value = d.errno_value,
                };
                prompt_finish(b, p, &res);
        }
}

/* The prompt hook and the cancel hook. */

/* Replaces a pending call's decoded fields with owned copies of call's. */
static int adopt_decoded(struct pending_call *pc, const struct policy_call *call, unsigned needs)
{
        if (needs & POLICY_NEED_PATHS) {
                for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                        free(pc->paths[i]);
                        pc->paths[i] = NULL;
                        pc->call.paths[i] = NULL;
                }
                for (unsigned i = 0; i < call->n_paths && i < POLICY_CALL_MAX_PATHS; i++) {
                        if (call->paths[i] && !(pc->paths[i] = strdup(call->paths[i])))
                                return -ENOMEM;
                        pc->call.paths[i] = pc->paths[i];
                }
                pc->call.n_paths = call->n_paths;
                pc->call.have_paths = call->have_paths;
        }
        if (needs & POLICY_NEED_ADDR) {
                pc->call.addr = call->addr;
                pc->call.addr_len = call->addr_len;
                pc->call.have_addr = call->have_addr;
        }
        if (needs & POLICY_NEED_EXE) {
                free(pc->exe);
                pc->exe = NULL;
                if (call->exe && !(pc->exe = strdup(call->exe)))
                        return -ENOMEM;
                pc->call.exe = pc->exe;
                pc->call.have_exe = call->have_exe;
        }
        return 0;
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

static struct prompt *prompt_new(struct prompt_broker *b, struct pending_call *pc, char *key,
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

static int on_prompt(void *ctx, struct pending_call *pc)
{
        struct prompt_broker *b = ctx;
        unsigned needs = SUPERVISOR_PROMPT_NEEDS;
        struct policy_decision d;
        cJSON *argv = NULL;
        char *key = NULL;
        size_t key_len = 0;
        int r;

        if (b->closing)
                return -ECANCELED;

        /* The person needs the paths, address and executable even where
         * the rules did not, and who is calling. The supervisor reads all
         * of it before handing the call over, on the thread that received
         * it (a lane, so that this loop never waits on target memory); a
         * call handed over without it is read here, keeping what the
         * decision was made on. */
        if (!pc->details.read) {
                if (pc->call.have_paths)
                        needs &= ~POLICY_NEED_PATHS;
                if (pc->call.have_addr)
                        needs &= ~POLICY_NEED_ADDR;
                if (pc->call.have_exe)
                        needs &= ~POLICY_NEED_EXE;
                if (needs) {
                        struct policy_call call = pc->call;
                        r = b->backend.decode(pc, &call, needs, &b->scratch);
                        if (r == -ENOENT) {
                                b->backend.discard(pc); /* gone already: nothing to ask */
                                return 0;
                        }
                        if (r == 0 && adopt_decoded(pc, &call, needs) < 0)
                                return -ENOMEM;
                }
                if (target_read_details(&pc->call, &pc->details) < 0)
                        return -ENOMEM;
        }

        if (session_decide(b, &pc->call, &d)) {
                b->backend.complete(pc, d.verdict, d.errno_value);
                return 0;
        }

        argv = argv_json(&pc->details);
        r = make_key(pc, argv, &key, &key_len);
        if (r < 0) {
                cJSON_Delete(argv);
                return r;
        }
        for (struct prompt *p = b->head; p; p = p->next)
                if (p->target == pc->target && p->key_len == key_len &&
                    memcmp(p->key, key, key_len) == 0) {
                        free(key);
                        cJSON_Delete(argv);
                        return prompt_add_call(p, pc);
                }

        struct prompt *p = prompt_new(b, pc, key, key_len, argv);
        cJSON_Delete(argv);
        if (!p) {
                free(key);
                return -ENOMEM;
        }
        /* What was read (argv, command line) is only known to come from the
         * caller while its call is still pending. */
        if (b->backend.id_valid(pc) != 0) {
                pc->userdata = NULL;
                prompt_free(p);
                b->backend.discard(pc);
                return 0;
        }
        queue_append(b, p);
        arm_timer(b);
        for (struct prompt_frontend *fe = b->frontends; fe; fe = fe->next)
                if (fe->ops->added)
                        fe->ops->added(fe, p);
        return 0;
}

static void on_cancel(void *ctx, struct pending_call *pc)
{
        struct prompt_broker *b = ctx;
        struct prompt *p = pc->userdata;

        if (!p)
                return;
        for (size_t i = 0; i < p->n_calls; i++)
                if (p->calls[i] == pc) {
                        prompt_remove_call(p, i);
                        break;
                }
        if (p->n_calls == 0)
                prompt_gone(b, p);
}

/* Answers. */

int prompt_broker_answer(struct prompt_broker *b, uint64_t id, const char *decision,
                         const char *scope_name, const char *errno_name, const char *pattern,
                         const char *by, char *err, size_t err_size)
{
        struct prompt *p = prompt_broker_find(b, id);
        enum policy_verdict verdict;
        enum prompt_scope scope = PROMPT_SCOPE_ONCE;
        int errno_value, r;

        if (!p) {
                snprintf(err, err_size,
                         "no request %" PRIu64 " is waiting (answered, timed out, or its caller "
                         "is gone)",
                         id);
                return -ENOENT;
        }
        if (!decision || (strcmp(decision, "allow") != 0 && strcmp(decision, "deny") != 0 &&
                          strcmp(decision, "kill") != 0)) {
                snprintf(err, err_size, "decision must be \"allow\", \"deny\" or \"kill\"");
                return -EINVAL;
        }
        policy_parse_verdict(decision, &verdict);
        if (!scope_name || strcmp(scope_name, "once") == 0)
                scope = PROMPT_SCOPE_ONCE;
        else if (strcmp(scope_name, "session") == 0)
                scope = PROMPT_SCOPE_SESSION;
        else if (strcmp(scope_name, "forever") == 0)
                scope = PROMPT_SCOPE_FOREVER;
        else {
                snprintf(err, err_size, "scope must be \"once\", \"session\" or \"forever\"");
                return -EINVAL;
        }
        errno_value = verdict == VERDICT_DENY ? p->timeout_errno : 0;
        if (errno_name) {
                if (verdict != VERDICT_DENY) {
                        snprintf(err, err_size, "an errno goes only with \"deny\"");
                        return -EINVAL;
                }
                errno_value = errno_from_name(errno_name);
                if (errno_value <= 0) {
                        const char *hint = errno_suggest(errno_name);
                        snprintf(err, err_size, "unknown errno \"%s\"%s%s%s", errno_name,
                                 hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
                        return -EINVAL;
                }
        }
        if (pattern && scope == PROMPT_SCOPE_ONCE) {
                snprintf(err, err_size, "a pattern goes only with \"session\" or \"forever\"");
                return -EINVAL;
        }
        if (scope == PROMPT_SCOPE_FOREVER && !b->profile_path) {
                snprintf(err, err_size,
                         "the profile is the built-in default, so there is no file to save a "
                         "rule in (run with --policy FILE)");
                return -EINVAL;
        }

        if (scope != PROMPT_SCOPE_ONCE) {
                char comment[128], when[32];
                struct policy *session = NULL;
                cJSON *rule = NULL, *rules;
                time_t now = time(NULL);
                struct tm tm;

                gmtime_r(&now, &tm);
                strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
                snprintf(comment, sizeof(comment), "%s %s by %s at a prompt on %s",
                         policy_verdict_name(verdict), prompt_scope_name(scope), by, when);
                r = prompt_rule_build(&p->call, p->syscall, verdict, errno_value, pattern, comment,
                                      &rule, err, err_size);
                if (r < 0)
                        return r;
                /* Newest first, as saved rules go to the front too. */
                rules = cJSON_Duplicate(b->session_rules, true);
                if (!rules || !cJSON_InsertItemInArray(rules, 0, rule)) {
                        cJSON_Delete(rules);
                        cJSON_Delete(rule);
                        snprintf(err, err_size, "out of memory");
                        return -ENOMEM;
                }
                r = compile_session(rules, &session, err, err_size);
                if (r == 0 && scope == PROMPT_SCOPE_FOREVER)
                        r = profile_add_rule(b->profile_path, rule, err, err_size);
                if (r < 0) {
                        policy_free(session);
                        cJSON_Delete(rules);
                        return r;
                }
                policy_free(b->session);
                b->session = session;
                cJSON_Delete(b->session_rules);
                b->session_rules = rules;
        }

        struct prompt_resolution res = {
            .by = by,
            .answered = true,
            .verdict = verdict,
            .scope = scope,
            .errno_value = errno_value,
        };
        prompt_finish(b, p, &res);
        if (scope != PROMPT_SCOPE_ONCE)
                sweep_with_session(b);
        return 0;
}

/* Time. */

void prompt_broker_tick_at(struct prompt_broker *b, uint64_t now_ms)
{
        struct prompt *p = b->head, *next;

        for (; p; p = next) {
                next = p->next;
                for (size_t i = p->n_calls; i-- > 0;) {
                        struct pending_call *pc = p->calls[i];
                        if (b->backend.id_valid(pc) == 0)
                                continue;
                        prompt_remove_call(p, i);
                        b->backend.discard(pc);
                }
                if (p->n_calls == 0)
                        prompt_gone(b, p);
                else if (now_ms >= p->deadline)
                        prompt_time_out(b, p);
        }
        for (struct prompt_frontend *fe = b->frontends; fe; fe = fe->next)
                if (fe->ops->tick)
                        fe->ops->tick(fe);
}

static void on_timer(uv_timer_t *timer)
{
        struct prompt_broker *b = container_of(timer, struct prompt_broker, timer);
        prompt_broker_tick_at(b, uv_now(&b->sup->loop));
        arm_timer(b);
}

/* Wakes at the next deadline or in a second, whichever comes first, while
 * anything waits. */
static void arm_timer(struct prompt_broker *b)
{
        uint64_t now = uv_now(&b->sup->loop), wait = TICK_MS;

        if (b->closing)
                return;
        if (!b->head) {
                uv_timer_stop(&b->timer);
                return;
        }
        for (struct prompt *p = b->head; p; p = p->next) {
                uint64_t left = p->deadline > now ? p->deadline - now : 0;
                if (left < wait)
                        wait = left;
        }
        uv_timer_start(&b->timer, on_timer, wait, 0);
}

/* Life cycle. */

int prompt_broker_new(struct supervisor *sup, const struct prompt_broker_options *opts,
                      struct prompt_broker **ret_broker)
{
        struct prompt_broker *b = calloc(1, sizeof(*b));
        int r;

        if (!b)
                return -ENOMEM;
        b->sup = sup;
        b->backend = opts->backend ? *opts->backend : real_backend;
        b->timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
        b->session_rules = cJSON_CreateArray();
        if (opts->profile_path)
                b->profile_path = strdup(opts->profile_path);
        if (!b->session_rules || (opts->profile_path && !b->profile_path)) {
                cJSON_Delete(b->session_rules);
                free(b->profile_path);
                free(b);
                return -ENOMEM;
        }
        r = uv_timer_init(&sup->loop, &b->timer);
        if (r < 0) {
                cJSON_Delete(b->session_rules);
                free(b->profile_path);
                free(b);
                return r;
        }
        /* Prompts alone never keep the loop alive: the targets do. */
        uv_unref((uv_handle_t *)&b->timer);
        sup->hooks.ctx = b;
        sup->hooks.prompt = on_prompt;
        sup->hooks.cancel = on_cancel;
        *ret_broker = b;
        return 0;
}

static void on_broker_closed(uv_handle_t *handle)
{
        struct prompt_broker *b = container_of((uv_timer_t *)handle, struct prompt_broker, timer);
        cJSON_Delete(b->session_rules);
        policy_free(b->session);
        free(b->profile_path);
        free(b);
}

void prompt_broker_close(struct prompt_broker *b)
{
        if (!b || b->closing)
                return;
        b->closing = true;
        /* prompt_finish() unlinks each prompt before freeing it, which the
         * analyser does not follow; it takes the freed head to stay. */
        while (b->head)
                prompt_time_out(b, b->head); // NOLINT(clang-analyzer-unix.Malloc): unlinked first
        if (b->sup->hooks.ctx == b) {
                b->sup->hooks.ctx = NULL;
                /* A lane may be reading it (supervisor.c). */
                __atomic_store_n(&b->sup->hooks.prompt, NULL, __ATOMIC_RELAXED);
                b->sup->hooks.cancel = NULL;
        }
        uv_close((uv_handle_t *)&b->timer, on_broker_closed);
}
