/* SPDX-License-Identifier: MIT */
/* prompt/broker.c: the prompt queue and its hooks, front ends, clock (interface: prompt.h). */
#include "prompt/prompt.h"
#include "prompt/broker_internal.h"
#include "base/macros.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/target.h"
#include "errnos.h"
#include "prompt_ui.h"

#define DEFAULT_TIMEOUT_MS 30000
/* Between checks for dead callers, and between countdown updates. */
#define TICK_MS 1000

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

void prompt_broker_set_answer_hint(struct prompt_broker *b, const char *hint)
{
        free(b->answer_hint);
        b->answer_hint = hint ? strdup(hint) : NULL;
}

/* How many people the front ends can ask now. */
static size_t people(struct prompt_broker *b)
{
        size_t n = 0;
        for (struct prompt_frontend *fe = b->frontends; fe; fe = fe->next)
                if (fe->ops->people)
                        n += fe->ops->people(fe);
        return n;
}

/* "openat /etc/passwd by /usr/bin/cat (pid 12)", what the target supplied
 * made safe for a terminal or a log. */
static void describe_prompt(const struct prompt *p, char *buf, size_t size)
{
        const cJSON *decoded = cJSON_GetObjectItemCaseSensitive(p->request, "decoded");
        const char *what = cJSON_GetStringValue(
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(decoded, "paths"), 0));
        /* Cut so that the line, whose end says how to answer and by when,
         * fits supervisor_say()'s 1024 bytes whatever the caller named. */
        char safe_what[256], safe_exe[256];

        if (!what)
                what = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(decoded, "address"));
        prompt_ui_sanitize(what ? what : "", safe_what, sizeof(safe_what));
        prompt_ui_sanitize(p->exe ? p->exe : "(executable unknown)", safe_exe, sizeof(safe_exe));
        snprintf(buf, size, "%s%s%s by %s (pid %d)", p->syscall ? p->syscall : "?", what ? " " : "",
                 safe_what, safe_exe, (int)p->call.pid);
}

static const char *errno_text(int e, char *buf, size_t size)
{
        const char *name = errno_to_name(e);
        if (name)
                return name;
        snprintf(buf, size, "%d", e);
        return buf;
}

/* A prompt nobody can be asked about: said at once, with how to answer and
 * by when, instead of a silent wait for the deadline. */
static void say_unattended(struct prompt_broker *b, struct prompt *p)
{
        char what[1200], e[16];

        p->unattended = true;
        describe_prompt(p, what, sizeof(what));
        supervisor_say(b->sup,
                       "request %" PRIu64
                       " waits with nobody to ask (no terminal, no prompt client "
                       "connected): %s; %s%s%swithin %u s, or it is denied with %s",
                       p->id, what, b->answer_hint ? "answer with: " : "",
                       b->answer_hint ? b->answer_hint : "", b->answer_hint ? " " : "",
                       (b->timeout_ms + 999) / 1000, errno_text(p->timeout_errno, e, sizeof(e)));
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

void prompt_finish(struct prompt_broker *b, struct prompt *p, const struct prompt_resolution *res)
{
        queue_unlink(b, p);
        while (p->n_calls > 0) {
                struct pending_call *pc = p->calls[p->n_calls - 1];
                prompt_remove_call(p, p->n_calls - 1);
                /* res->by and log_by are string literals. */
                pc->decided_by = res->log_by ? res->log_by : res->by;
                pc->decided_by_uid = res->has_uid ? (long)res->uid : -1;
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
        /* Said where nobody was there to see it, and never while closing
         * (run's command has ended; its summary says the rest). */
        if (!b->closing && (p->unattended || people(b) == 0)) {
                char what[1200], e[16];
                describe_prompt(p, what, sizeof(what));
                supervisor_say(b->sup,
                               "request %" PRIu64 " timed out after %u s with nobody answering: %s "
                               "denied once with %s (nothing is remembered: the next identical "
                               "call asks again)",
                               p->id, (b->timeout_ms + 999) / 1000, what,
                               errno_text(p->timeout_errno, e, sizeof(e)));
        }
        prompt_finish(b, p, &res);
}

/* The prompt hook and the cancel hook. */

/* Replaces a pending call's decoded fields with owned copies of call's. */
static int adopt_decoded(struct pending_call *pc, const struct policy_call *call, unsigned needs)
{
        if (needs & POLICY_NEED_PATHS) {
                for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                        free(pc->paths[i]);
                        free(pc->raw_paths[i]);
                        pc->paths[i] = pc->raw_paths[i] = NULL;
                        pc->call.paths[i] = pc->call.raw_paths[i] = NULL;
                }
                for (unsigned i = 0; i < call->n_paths && i < POLICY_CALL_MAX_PATHS; i++) {
                        if (call->paths[i] && !(pc->paths[i] = strdup(call->paths[i])))
                                return -ENOMEM;
                        pc->call.paths[i] = pc->paths[i];
                        /* What an allow is performed on (act/), as read. */
                        if (call->raw_paths[i] && !(pc->raw_paths[i] = strdup(call->raw_paths[i])))
                                return -ENOMEM;
                        pc->call.raw_paths[i] = pc->raw_paths[i];
                }
                pc->call.n_paths = call->n_paths;
                pc->call.have_paths = call->have_paths;
                /* What an open asks for is decoded with the paths. */
                pc->call.have_open = call->have_open;
                pc->call.open_flags = call->open_flags;
                pc->call.open_mode = call->open_mode;
                pc->call.open_resolve = call->open_resolve;
        }
        if (needs & POLICY_NEED_ADDR) {
                pc->call.addr = call->addr;
                pc->call.addr_len = call->addr_len;
                pc->call.have_addr = call->have_addr;
                pc->call.addr_error = call->addr_error;
                pc->call.sock_domain = call->sock_domain;
                pc->call.sock_type = call->sock_type;
                free(pc->addrs);
                pc->addrs = NULL;
                if (call->addrs && call->n_addrs > 0 && !(pc->addrs = target_addrs_copy(call)))
                        return -ENOMEM;
                pc->call.addrs = pc->addrs;
                pc->call.n_addrs = pc->addrs ? call->n_addrs : 0;
                pc->call.unix_path = pc->addrs ? pc->addrs[0].unix_path : NULL;
        }
        if (needs & POLICY_NEED_EXE) {
                free(pc->exe);
                pc->exe = NULL;
                if (call->exe && !(pc->exe = strdup(call->exe)))
                        return -ENOMEM;
                pc->call.exe = pc->exe;
                pc->call.have_exe = call->have_exe;
        }
        if (needs & POLICY_NEED_IDS) {
                memcpy(pc->call.ids, call->ids, sizeof(pc->call.ids));
                pc->call.have_ids = call->have_ids;
        }
        return 0;
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

        /* The person needs the paths, address, executable and identities
         * even where the rules did not, and who is calling. The supervisor reads all
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
                if (pc->call.have_ids)
                        needs &= ~POLICY_NEED_IDS;
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

        const char *by = NULL;
        if (session_rules_decide(&b->session, &pc->call, &d, &by)) {
                pc->decided_by = by;
                pc->decided_by_uid = -1;
                b->backend.complete(pc, d.verdict, d.errno_value);
                return 0;
        }

        argv = prompt_argv_json(&pc->details);
        r = prompt_key_make(pc, argv, &key, &key_len);
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
        if (people(b) == 0)
                say_unattended(b, p);
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
        r = session_rules_init(&b->session);
        if (opts->profile_path)
                b->profile_path = strdup(opts->profile_path);
        if (opts->no_forever_reason)
                b->no_forever_reason = strdup(opts->no_forever_reason);
        if (r < 0 || (opts->profile_path && !b->profile_path) ||
            (opts->no_forever_reason && !b->no_forever_reason)) {
                session_rules_free(&b->session);
                free(b->profile_path);
                free(b->no_forever_reason);
                free(b);
                return -ENOMEM;
        }
        r = uv_timer_init(&sup->loop, &b->timer);
        if (r < 0) {
                session_rules_free(&b->session);
                free(b->profile_path);
                free(b->no_forever_reason);
                free(b);
                return r;
        }
        /* Prompts alone never keep the loop alive: the targets do. */
        uv_unref((uv_handle_t *)&b->timer);
        supervisor_set_decider(
            sup, &(struct supervisor_decider){.ctx = b, .prompt = on_prompt, .cancel = on_cancel});
        *ret_broker = b;
        return 0;
}

static void on_broker_closed(uv_handle_t *handle)
{
        struct prompt_broker *b = container_of((uv_timer_t *)handle, struct prompt_broker, timer);
        session_rules_free(&b->session);
        free(b->profile_path);
        free(b->no_forever_reason);
        free(b->answer_hint);
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
        if (b->sup->decider.ctx == b)
                supervisor_set_decider(b->sup, NULL);
        uv_close((uv_handle_t *)&b->timer, on_broker_closed);
}
