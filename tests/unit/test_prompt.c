/* SPDX-License-Identifier: MIT */
/* The prompt broker, with a fake supervisor backend that records answers:
 * coalescing, deadlines, dead callers, session and forever answers. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/env.h"
#include "prompt/prompt.h"
#include "prompt_ui.h"

#define TIMEOUT_MS 5000
#define MAX_EVENTS 64

struct answered {
        uint64_t id;
        enum policy_verdict verdict;
        int error;
        char by[32]; /* what the log line says decided it */
        long by_uid;
};

struct fixture {
        struct supervisor sup;
        struct policy *policy;
        struct target target;
        struct prompt_broker *broker;
        struct prompt_frontend fe;
        /* What the fake backend saw. */
        struct answered answers[MAX_EVENTS];
        size_t n_answers;
        uint64_t discarded[MAX_EVENTS];
        size_t n_discarded;
        uint64_t dead[MAX_EVENTS];
        size_t n_dead;
        /* What the fake front end saw. */
        uint64_t added[MAX_EVENTS];
        size_t n_added;
        char resolved_by[MAX_EVENTS][32];
        uint64_t resolved_id[MAX_EVENTS];
        size_t n_resolved;
        uint64_t next_notif_id;
        char profile[64];
        /* What fake_decode() reads from a caller; without it, no call may
         * reach the backend undecoded. */
        const struct policy_call *readable;
        /* What the broker said (supervisor_say()), the last line. */
        char said[2048];
        size_t n_said;
};

static struct fixture *current;

/* As supervisor_complete() and supervisor_discard() do: the broker read
 * the caller's details into the call. */
static void free_call(struct pending_call *pc)
{
        /* What the broker decoded into the call is the call's (the test's
         * own strings are not: those owned pointers stay NULL). */
        for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++) {
                free(pc->paths[i]);
                free(pc->raw_paths[i]);
        }
        free(pc->exe);
        target_details_clear(&pc->details);
        free(pc);
}

static int fake_complete(struct pending_call *pc, enum policy_verdict verdict, int error)
{
        assert_true(current->n_answers < MAX_EVENTS);
        struct answered *a = &current->answers[current->n_answers++];
        *a = (struct answered){pc->id, verdict, error, "", pc->decided_by_uid};
        snprintf(a->by, sizeof(a->by), "%s", pc->decided_by ? pc->decided_by : "(the rule)");
        free_call(pc);
        return 0;
}

static void fake_discard(struct pending_call *pc)
{
        current->discarded[current->n_discarded++] = pc->id;
        free_call(pc);
}

static int fake_id_valid(struct pending_call *pc)
{
        for (size_t i = 0; i < current->n_dead; i++)
                if (current->dead[i] == pc->id)
                        return -ENOENT;
        return 0;
}

static int fake_decode(struct pending_call *pc, struct policy_call *call, unsigned needs,
                       struct target_scratch *scratch)
{
        const struct policy_call *from = current->readable;
        if (!from)
                fail_msg("the tests give every call decoded already");
        if (needs & POLICY_NEED_PATHS) {
                call->have_paths = from->have_paths;
                call->n_paths = from->n_paths;
                for (unsigned i = 0; i < POLICY_CALL_MAX_PATHS; i++)
                        call->paths[i] = from->paths[i];
                call->have_open = from->have_open;
                call->open_flags = from->open_flags;
                call->open_mode = from->open_mode;
                call->open_resolve = from->open_resolve;
        }
        if (needs & POLICY_NEED_EXE) {
                call->have_exe = from->have_exe;
                call->exe = from->exe;
        }
        if (needs & POLICY_NEED_ADDR)
                call->have_addr = true;
        if (needs & POLICY_NEED_IDS) {
                call->have_ids = from->have_ids;
                memcpy(call->ids, from->ids, sizeof(call->ids));
        }
        return 0;
}

static const struct prompt_backend fake_backend = {
    .complete = fake_complete,
    .discard = fake_discard,
    .id_valid = fake_id_valid,
    .decode = fake_decode,
};

static void on_added(struct prompt_frontend *fe, struct prompt *p)
{
        current->added[current->n_added++] = prompt_id(p);
}

static void on_resolved(struct prompt_frontend *fe, struct prompt *p,
                        const struct prompt_resolution *res)
{
        snprintf(current->resolved_by[current->n_resolved], 32, "%s", res->by);
        current->resolved_id[current->n_resolved++] = prompt_id(p);
}

static const struct prompt_frontend_ops fake_frontend = {
    .added = on_added,
    .resolved = on_resolved,
};

static void on_say(void *ctx, const char *line)
{
        struct fixture *f = ctx;
        snprintf(f->said, sizeof(f->said), "%s", line);
        f->n_said++;
}

static int setup(void **state)
{
        static const char profile[] =
            "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"openat\"],"
            "\"action\":\"SCMP_ACT_NOTIFY\"}],\"supervisor\":{\"defaultAction\":\"allow\","
            "\"rules\":[{\"path\":\"/ask/**\",\"action\":\"prompt\",\"errno\":\"EACCES\"}]}}";
        struct fixture *f = calloc(1, sizeof(*f));
        struct policy_env env;
        struct policy_error err;
        struct supervisor_options opts = {0};

        assert_non_null(f);
        env_detect(&env);
        if (policy_load_buffer(profile, strlen(profile), "test", &env, &f->policy, &err) < 0)
                fail_msg("%s", err.message);
        opts.say = on_say;
        opts.say_ctx = f;
        assert_int_equal(supervisor_init(&f->sup, f->policy, &opts), 0);
        f->target.sup = &f->sup;
        f->target.listener = -1;
        f->target.pid = getpid();
        f->target.policy = f->policy;
        snprintf(f->profile, sizeof(f->profile), "/tmp/test_prompt.XXXXXX");
        int fd = mkstemp(f->profile);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, profile, strlen(profile)), (ssize_t)strlen(profile));
        close(fd);
        struct prompt_broker_options bopts = {
            .timeout_ms = TIMEOUT_MS,
            .profile_path = f->profile,
            .backend = &fake_backend,
        };
        assert_int_equal(prompt_broker_new(&f->sup, &bopts, &f->broker), 0);
        f->fe.ops = &fake_frontend;
        prompt_broker_add_frontend(f->broker, &f->fe);
        current = f;
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        prompt_broker_remove_frontend(f->broker, &f->fe);
        prompt_broker_close(f->broker);
        supervisor_close(&f->sup);
        policy_free(f->policy);
        unlink(f->profile);
        free(f);
        current = NULL;
        return 0;
}

/* A call to openat(path, flags) waiting in the kernel, as the supervisor
 * hands it to the prompt hook. */
static struct pending_call *waiting_open(struct fixture *f, const char *path, uint64_t flags)
{
        struct pending_call *pc = calloc(1, sizeof(*pc));
        assert_non_null(pc);
        pc->target = &f->target;
        pc->id = ++f->next_notif_id;
        pc->call.nr = __NR_openat;
        pc->call.arch = 0xc000003e; /* AUDIT_ARCH_X86_64 */
        pc->call.pid = getpid();
        pc->call.args[0] = (uint64_t)(int64_t)AT_FDCWD;
        pc->call.args[1] = 0x1000 + pc->id; /* the pointer differs per call */
        pc->call.args[2] = flags;
        pc->call.have_open = true; /* decoded with the paths */
        pc->call.open_flags = flags;
        pc->call.have_paths = true;
        pc->call.n_paths = 1;
        pc->call.paths[0] = path;
        pc->call.have_addr = true;
        pc->call.have_exe = true;
        pc->call.exe = "/usr/bin/test-target";
        pc->call.have_ids = true;
        for (unsigned i = 0; i < POLICY_ID_COUNT; i++)
                pc->call.ids[i] = 1000;
        policy_decide(f->policy, &pc->call, &pc->decision);
        assert_int_equal(pc->decision.verdict, VERDICT_PROMPT);
        return pc;
}

/* openat2(AT_FDCWD, path, how, sizeof(*how)), its open_how read. */
static struct pending_call *waiting_openat2(struct fixture *f, const char *path, uint64_t flags,
                                            uint64_t resolve)
{
        struct pending_call *pc = waiting_open(f, path, 0);
        pc->call.nr = __NR_openat2;
        pc->call.args[2] = 0x2000 + pc->id; /* &how: differs per call */
        pc->call.args[3] = 24;
        pc->call.open_flags = flags;
        pc->call.open_resolve = resolve;
        return pc;
}

static int hand_over(struct fixture *f, struct pending_call *pc)
{
        return f->sup.decider.prompt(f->sup.decider.ctx, pc);
}

static uint64_t first_id(struct fixture *f)
{
        struct prompt *p = prompt_broker_first(f->broker);
        assert_non_null(p);
        return prompt_id(p);
}

static int answer(struct fixture *f, uint64_t id, const char *decision, const char *scope,
                  const char *errno_name, const char *pattern)
{
        char err[256] = "";
        return prompt_broker_answer(f->broker, id,
                                    &(struct prompt_reply){.decision = decision,
                                                           .scope = scope,
                                                           .errno_name = errno_name,
                                                           .pattern = pattern,
                                                           .by = "tty"},
                                    err, sizeof(err));
}

static void identical_calls_share_one_prompt_and_one_answer(void **state)
{
        struct fixture *f = *state;
        for (int i = 0; i < 3; i++)
                assert_int_equal(hand_over(f, waiting_open(f, "/ask/file", O_RDONLY)), 0);
        assert_int_equal(prompt_broker_count(f->broker), 1);
        assert_int_equal(f->n_added, 1);
        assert_int_equal(prompt_waiting(prompt_broker_first(f->broker)), 3);
        assert_int_equal(answer(f, first_id(f), "allow", "once", NULL, NULL), 0);
        assert_int_equal(f->n_answers, 3);
        for (size_t i = 0; i < 3; i++)
                assert_int_equal(f->answers[i].verdict, VERDICT_ALLOW);
        assert_int_equal(prompt_broker_count(f->broker), 0);
        assert_int_equal(f->n_resolved, 1);
        assert_string_equal(f->resolved_by[0], "tty");
}

static void different_calls_queue_in_order(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/a", O_RDONLY));
        hand_over(f, waiting_open(f, "/ask/b", O_RDONLY));
        hand_over(f, waiting_open(f, "/ask/a", O_WRONLY)); /* other flags: another question */
        assert_int_equal(prompt_broker_count(f->broker), 3);
        struct prompt *p = prompt_broker_first(f->broker);
        assert_string_equal(
            cJSON_GetStringValue(cJSON_GetArrayItem(
                cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(prompt_request(p), "decoded"), "paths"),
                0)),
            "/ask/a");
        assert_int_equal(prompt_id(prompt_next(p)), f->added[1]);
        assert_int_equal(answer(f, f->added[1], "deny", "once", NULL, NULL), 0);
        assert_int_equal(f->n_answers, 1);
        assert_int_equal(f->answers[0].verdict, VERDICT_DENY);
        assert_int_equal(f->answers[0].error, EACCES); /* the asking rule's errno */
        assert_int_equal(prompt_broker_count(f->broker), 2);
}

static void request_describes_the_call(void **state)
{
        struct fixture *f = *state;
        int64_t before = prompt_ui_now_ms();
        hand_over(f, waiting_open(f, "/ask/notes.txt", O_RDONLY | O_CLOEXEC));
        cJSON *req = prompt_request(prompt_broker_first(f->broker));
        char *text = cJSON_PrintUnformatted(req);
        assert_non_null(strstr(text, "\"v\":1,\"type\":\"request\""));
        assert_non_null(strstr(text, "\"syscall\":\"openat\""));
        assert_non_null(strstr(text, "\"flags\":\"O_RDONLY|O_CLOEXEC\""));
        assert_non_null(strstr(text, "\"source\":\"supervisor.rules[0]\""));
        assert_non_null(strstr(text, "\"timeout\":{\"decision\":\"deny\",\"errno\":\"EACCES\"}"));
        assert_non_null(strstr(text, "\"exe\":\"/usr/bin/test-target\""));
        /* The real ids; the others only where they differ. */
        assert_non_null(strstr(text, "\"uid\":1000,\"gid\":1000,"));
        assert_null(strstr(text, "\"euid\""));
        assert_null(strstr(text, "\"fsgid\""));
        assert_non_null(strstr(text, "\"forever\":true"));
        assert_non_null(strstr(text, "\"pattern\":\"/ask/*.txt\""));
        cJSON_free(text);
        double deadline = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(req, "deadline"));
        assert_true(deadline >= (double)(before + TIMEOUT_MS));
        assert_true(deadline <= (double)(before + TIMEOUT_MS + 2000));
        const cJSON *target = cJSON_GetObjectItemCaseSensitive(req, "target");
        assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(target, "pid")),
                         getpid());
        assert_non_null(
            strstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(target, "cmdline")),
                   "test_prompt"));
}

/* setresuid(65534, 0, 0): the person sees all three uids, and the same
 * call made with other ids is another question. */
static void requests_show_identities_that_differ(void **state)
{
        struct fixture *f = *state;
        struct pending_call *pc = waiting_open(f, "/ask/x", O_RDONLY);

        pc->call.ids[POLICY_ID_UID] = 65534;
        pc->call.ids[POLICY_ID_EUID] = pc->call.ids[POLICY_ID_FSUID] = 0;
        assert_int_equal(hand_over(f, pc), 0);
        assert_int_equal(hand_over(f, waiting_open(f, "/ask/x", O_RDONLY)), 0);
        assert_int_equal(prompt_broker_count(f->broker), 2);
        const cJSON *target = cJSON_GetObjectItemCaseSensitive(
            prompt_request(prompt_broker_first(f->broker)), "target");
        char *text = cJSON_PrintUnformatted(target);
        assert_non_null(strstr(text, "\"uid\":65534,\"euid\":0,\"fsuid\":0,\"gid\":1000,"));
        assert_null(strstr(text, "\"egid\""));
        cJSON_free(text);
}

/* The request's decoded[key], or "(none)". */
static const char *decoded_string(struct prompt *p, const char *key)
{
        const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(prompt_request(p), "decoded"), key));
        return s ? s : "(none)";
}

/* openat2's flags are behind a pointer: the request shows them as read. */
static void request_shows_what_openat2_asks_for(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_openat2(f, "/ask/two", O_RDONLY | O_CLOEXEC, 0x04));
        struct prompt *p = prompt_broker_first(f->broker);
        assert_string_equal(decoded_string(p, "flags"), "O_RDONLY|O_CLOEXEC");
        assert_string_equal(decoded_string(p, "resolve"), "RESOLVE_NO_SYMLINKS");
        assert_string_equal(decoded_string(p, "mode"), "(none)");
}

/* A call handed over before its paths were read (no lane) is read by the
 * broker, and what the open asks for comes with the paths. */
static void a_call_read_here_keeps_its_open_flags(void **state)
{
        struct fixture *f = *state;
        struct pending_call *pc = waiting_openat2(f, "/ask/late", O_WRONLY | O_CREAT, 0);
        struct policy_call readable = pc->call;
        pc->call.have_paths = pc->call.have_open = pc->call.have_exe = false;
        pc->call.n_paths = 0;
        pc->call.paths[0] = NULL;
        pc->call.open_flags = 0;
        f->readable = &readable;
        hand_over(f, pc);
        struct prompt *p = prompt_broker_first(f->broker);
        assert_non_null(p);
        assert_string_equal(decoded_string(p, "flags"), "O_WRONLY|O_CREAT");
        assert_string_equal(decoded_string(p, "mode"), "0000");
}

/* Two openat2 calls that differ only in their open_how ask different
 * questions: one answer must not release a write with a read. */
static void openat2_with_another_open_how_is_another_question(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_openat2(f, "/ask/o", O_RDONLY, 0));
        hand_over(f, waiting_openat2(f, "/ask/o", O_RDONLY, 0));
        assert_int_equal(prompt_broker_count(f->broker), 1);
        hand_over(f, waiting_openat2(f, "/ask/o", O_RDWR | O_TRUNC, 0));
        hand_over(f, waiting_openat2(f, "/ask/o", O_RDONLY, 0x08));
        assert_int_equal(prompt_broker_count(f->broker), 3);
        assert_int_equal(answer(f, first_id(f), "allow", "once", NULL, NULL), 0);
        assert_int_equal(f->n_answers, 2);
        assert_int_equal(prompt_broker_count(f->broker), 2);
}

/* A session allow of a read: the same read again is allowed at once, a
 * truncating one (waiting or later) is asked about. */
static void session_answer_is_as_wide_as_the_open_shown(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/r", O_RDONLY | O_CLOEXEC));
        hand_over(f, waiting_open(f, "/ask/r", O_RDONLY | O_TRUNC | O_CLOEXEC));
        struct prompt *p = prompt_broker_first(f->broker);
        const cJSON *exactly =
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(prompt_request(p), "scopes"), 0);
        char *shown = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(exactly, "rule"));
        assert_string_equal(shown, "{\"syscalls\":[\"openat\"],\"path\":[\"/ask/r\"],"
                                   "\"open\":[\"O_RDONLY\"],\"exe\":\"/usr/bin/test-target\"}");
        cJSON_free(shown);
        assert_int_equal(answer(f, prompt_id(p), "allow", "session", NULL, NULL), 0);
        assert_int_equal(f->n_answers, 1);
        assert_int_equal(prompt_broker_count(f->broker), 1); /* the O_TRUNC still waits */
        hand_over(f, waiting_open(f, "/ask/r", O_RDONLY));
        assert_int_equal(f->n_answers, 2);
        assert_int_equal(f->answers[1].verdict, VERDICT_ALLOW);
        hand_over(f, waiting_open(f, "/ask/r", O_WRONLY));
        assert_int_equal(f->n_answers, 2);
        assert_int_equal(prompt_broker_count(f->broker), 2);
}

/* Where no lasting rule can be made, the request says why up front. */
static void request_says_why_there_is_no_lasting_rule(void **state)
{
        struct fixture *f = *state;
        struct pending_call *pc = waiting_openat2(f, "/ask/u", 0, 0);
        pc->call.have_open = false; /* open_how could not be read */
        hand_over(f, pc);
        const cJSON *exactly =
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                                   prompt_request(prompt_broker_first(f->broker)), "scopes"),
                               0);
        assert_null(cJSON_GetObjectItemCaseSensitive(exactly, "rule"));
        assert_non_null(
            strstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(exactly, "refused")),
                   "open_how"));
        assert_int_equal(answer(f, first_id(f), "allow", "session", NULL, NULL), -EINVAL);
}

static void timeout_denies_once_and_asks_again(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/t", O_RDONLY));
        uint64_t id = first_id(f);
        uint64_t now = uv_now(&f->sup.loop);
        prompt_broker_tick_at(f->broker, now + TIMEOUT_MS / 2);
        assert_int_equal(f->n_answers, 0);
        prompt_broker_tick_at(f->broker, now + TIMEOUT_MS + 1);
        assert_int_equal(f->n_answers, 1);
        assert_int_equal(f->answers[0].verdict, VERDICT_DENY);
        assert_int_equal(f->answers[0].error, EACCES);
        assert_string_equal(f->resolved_by[0], "timeout");
        /* No lasting rule: the same call is asked about again. */
        hand_over(f, waiting_open(f, "/ask/t", O_RDONLY));
        assert_int_equal(prompt_broker_count(f->broker), 1);
        assert_int_not_equal(first_id(f), id);
        assert_int_equal(f->n_answers, 1);
}

static void dead_caller_makes_its_prompt_disappear(void **state)
{
        struct fixture *f = *state;
        struct pending_call *a = waiting_open(f, "/ask/x", O_RDONLY);
        struct pending_call *b = waiting_open(f, "/ask/x", O_RDONLY);
        uint64_t a_id = a->id, b_id = b->id;
        hand_over(f, a);
        hand_over(f, b);
        hand_over(f, waiting_open(f, "/ask/other", O_RDONLY));
        f->dead[f->n_dead++] = a_id;
        prompt_broker_tick_at(f->broker, uv_now(&f->sup.loop));
        /* One of two identical callers died: the prompt stays. */
        assert_int_equal(prompt_broker_count(f->broker), 2);
        assert_int_equal(f->n_discarded, 1);
        assert_int_equal(f->discarded[0], a_id);
        f->dead[f->n_dead++] = b_id;
        prompt_broker_tick_at(f->broker, uv_now(&f->sup.loop));
        assert_int_equal(prompt_broker_count(f->broker), 1);
        assert_int_equal(f->n_resolved, 1);
        assert_string_equal(f->resolved_by[0], "caller-died");
        assert_int_equal(f->n_answers, 0); /* nothing was answered for them */
}

static void cancelled_calls_leave_the_prompt(void **state)
{
        struct fixture *f = *state;
        struct pending_call *a = waiting_open(f, "/ask/c", O_RDONLY);
        struct pending_call *b = waiting_open(f, "/ask/c", O_RDONLY);
        hand_over(f, a);
        hand_over(f, b);
        /* The target closed: the supervisor cancels, then frees, each call. */
        f->sup.decider.cancel(f->sup.decider.ctx, a);
        free_call(a);
        assert_int_equal(prompt_broker_count(f->broker), 1);
        f->sup.decider.cancel(f->sup.decider.ctx, b);
        free_call(b);
        assert_int_equal(prompt_broker_count(f->broker), 0);
        assert_string_equal(f->resolved_by[0], "caller-died");
}

static void session_answer_applies_without_asking(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/s", O_RDONLY));
        assert_int_equal(answer(f, first_id(f), "deny", "session", "ENOENT", NULL), 0);
        assert_int_equal(f->answers[0].error, ENOENT);
        hand_over(f, waiting_open(f, "/ask/s", O_RDONLY));
        assert_int_equal(prompt_broker_count(f->broker), 0);
        assert_int_equal(f->n_answers, 2);
        assert_int_equal(f->answers[1].verdict, VERDICT_DENY);
        assert_int_equal(f->answers[1].error, ENOENT);
        assert_int_equal(f->n_added, 1);
        /* Another path is another question. */
        hand_over(f, waiting_open(f, "/ask/s2", O_RDONLY));
        assert_int_equal(prompt_broker_count(f->broker), 1);
}

static void session_pattern_answers_the_prompts_it_covers(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/d/a", O_RDONLY));
        hand_over(f, waiting_open(f, "/ask/d/b", O_RDONLY));
        hand_over(f, waiting_open(f, "/ask/e/c", O_RDONLY));
        assert_int_equal(answer(f, first_id(f), "allow", "session", NULL, "/ask/d/*"), 0);
        assert_int_equal(f->n_answers, 2);
        assert_int_equal(f->answers[1].verdict, VERDICT_ALLOW);
        assert_int_equal(prompt_broker_count(f->broker), 1);
        assert_string_equal(f->resolved_by[1], "session");
}

static void bad_answers_leave_the_prompt_waiting(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/b", O_RDONLY));
        uint64_t id = first_id(f);
        assert_int_equal(answer(f, id, "maybe", "once", NULL, NULL), -EINVAL);
        assert_int_equal(answer(f, id, "allow", "always", NULL, NULL), -EINVAL);
        assert_int_equal(answer(f, id, "allow", "once", "EACCES", NULL), -EINVAL);
        assert_int_equal(answer(f, id, "deny", "once", "ENOTANERRNO", NULL), -EINVAL);
        assert_int_equal(answer(f, id, "allow", "once", NULL, "/ask/*"), -EINVAL);
        assert_int_equal(answer(f, id, "allow", "session", NULL, "/elsewhere/*"), -EINVAL);
        assert_int_equal(answer(f, id + 100, "allow", "once", NULL, NULL), -ENOENT);
        assert_int_equal(prompt_broker_count(f->broker), 1);
        assert_int_equal(f->n_answers, 0);
        /* The first answer wins; a second one finds nothing. */
        assert_int_equal(answer(f, id, "kill", "once", NULL, NULL), 0);
        assert_int_equal(f->answers[0].verdict, VERDICT_KILL);
        assert_int_equal(answer(f, id, "allow", "once", NULL, NULL), -ENOENT);
        assert_int_equal(f->n_answers, 1);
}

static void forever_answer_is_saved_and_holds_now(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/keep", O_RDONLY));
        assert_int_equal(answer(f, first_id(f), "allow", "forever", NULL, NULL), 0);
        struct policy_env env;
        struct policy_error err;
        struct policy *saved = NULL;
        env_detect(&env);
        if (policy_load_file(f->profile, &env, &saved, &err) < 0)
                fail_msg("%s", err.message);
        assert_int_equal(saved->n_rules, 2);
        assert_string_equal(saved->rules[0].path_globs[0], "/ask/keep");
        assert_string_equal(saved->rules[0].exe_glob, "/usr/bin/test-target");
        assert_int_equal(saved->rules[0].verdict, VERDICT_ALLOW);
        policy_free(saved);
        hand_over(f, waiting_open(f, "/ask/keep", O_RDONLY));
        assert_int_equal(prompt_broker_count(f->broker), 0);
        assert_int_equal(f->n_answers, 2);
}

/* The fake front end reaches nobody: the broker says so at once, with how
 * to answer and the deadline, and says what the timeout decided. */
static void unattended_prompt_is_said_at_once_and_at_its_timeout(void **state)
{
        struct fixture *f = *state;
        prompt_broker_set_answer_hint(f->broker, "scmp-super prompt --socket @x");
        hand_over(f, waiting_open(f, "/ask/nobody", O_RDONLY));
        assert_int_equal(f->n_said, 1);
        assert_non_null(strstr(f->said, "request 1 waits with nobody to ask"));
        assert_non_null(strstr(f->said, "openat /ask/nobody by /usr/bin/test-target"));
        assert_non_null(strstr(f->said, "answer with: scmp-super prompt --socket @x within 5 s"));
        assert_non_null(strstr(f->said, "denied with EACCES"));
        prompt_broker_tick_at(f->broker, uv_now(&f->sup.loop) + TIMEOUT_MS + 1);
        assert_int_equal(f->n_said, 2);
        assert_non_null(strstr(f->said, "request 1 timed out after 5 s"));
        assert_non_null(strstr(f->said, "denied once with EACCES"));
        assert_string_equal(f->answers[0].by, "timeout");
        assert_int_equal(f->answers[0].by_uid, -1);

        /* However long the path, the line keeps its end: how and by when. */
        static char long_path[2100];
        memcpy(long_path, "/ask/", 5);
        memset(long_path + 5, 'x', sizeof(long_path) - 6);
        static char long_exe[2100];
        memcpy(long_exe, "/usr/bin/", 9);
        memset(long_exe + 9, 'y', sizeof(long_exe) - 10);
        struct pending_call *pc = waiting_open(f, long_path, O_RDONLY);
        pc->call.exe = long_exe;
        hand_over(f, pc);
        assert_int_equal(f->n_said, 3);
        assert_non_null(strstr(f->said, "..."));
        assert_non_null(strstr(f->said, "within 5 s, or it is denied with EACCES"));
}

static size_t one_person(struct prompt_frontend *fe)
{
        return 1;
}

static void attended_prompt_is_not_said(void **state)
{
        struct fixture *f = *state;
        static const struct prompt_frontend_ops person = {.people = one_person};
        struct prompt_frontend fe = {.ops = &person};
        prompt_broker_add_frontend(f->broker, &fe);
        hand_over(f, waiting_open(f, "/ask/seen", O_RDONLY));
        prompt_broker_tick_at(f->broker, uv_now(&f->sup.loop) + TIMEOUT_MS + 1);
        assert_int_equal(f->n_said, 0);
        assert_int_equal(f->n_answers, 1);
        prompt_broker_remove_frontend(f->broker, &fe);
}

/* Who decided, for the log: the answerer (a client with its uid), then the
 * session or forever rule the answer made. */
static void log_says_who_decided(void **state)
{
        struct fixture *f = *state;
        char err[256] = "";
        hand_over(f, waiting_open(f, "/ask/who", O_RDONLY));
        assert_int_equal(prompt_broker_answer(f->broker, first_id(f),
                                              &(struct prompt_reply){.decision = "allow",
                                                                     .scope = "session",
                                                                     .by = "client",
                                                                     .has_uid = true,
                                                                     .uid = 1234},
                                              err, sizeof(err)),
                         0);
        assert_string_equal(f->answers[0].by, "client");
        assert_int_equal(f->answers[0].by_uid, 1234);
        hand_over(f, waiting_open(f, "/ask/who", O_RDONLY));
        assert_int_equal(f->n_answers, 2);
        assert_string_equal(f->answers[1].by, "session-rule");
        assert_int_equal(f->answers[1].by_uid, -1);

        hand_over(f, waiting_open(f, "/ask/kept", O_RDONLY));
        assert_int_equal(answer(f, first_id(f), "deny", "forever", NULL, NULL), 0);
        assert_string_equal(f->answers[2].by, "tty");
        hand_over(f, waiting_open(f, "/ask/kept", O_RDONLY));
        assert_string_equal(f->answers[3].by, "forever-rule");
        assert_int_equal(f->answers[3].verdict, VERDICT_DENY);
}

/* A reply naming a scope gets the rule the request showed for it. */
static void choice_applies_the_rule_shown(void **state)
{
        struct fixture *f = *state;
        char err[256] = "";
        hand_over(f, waiting_open(f, "/ask/d/a.txt", O_RDONLY));
        uint64_t id = first_id(f);
        struct prompt_reply reply = {
            .decision = "allow", .scope = "session", .choice = "no-such-scope", .by = "tty"};
        assert_int_equal(prompt_broker_answer(f->broker, id, &reply, err, sizeof(err)), -EINVAL);
        assert_non_null(strstr(err, "offers no scope \"no-such-scope\""));
        reply.choice = "directory";
        reply.pattern = "/ask/d/*";
        assert_int_equal(prompt_broker_answer(f->broker, id, &reply, err, sizeof(err)), -EINVAL);
        reply.pattern = NULL;
        reply.scope = "once";
        assert_int_equal(prompt_broker_answer(f->broker, id, &reply, err, sizeof(err)), -EINVAL);
        reply.scope = "session";
        reply.choice = "exact-any-program";
        assert_int_equal(prompt_broker_answer(f->broker, id, &reply, err, sizeof(err)), 0);
        /* Not tied to the executable: another program's same open. */
        struct pending_call *pc = waiting_open(f, "/ask/d/a.txt", O_RDONLY);
        pc->call.exe = "/usr/bin/another";
        hand_over(f, pc);
        assert_int_equal(prompt_broker_count(f->broker), 0);
        assert_int_equal(f->n_answers, 2);
        assert_string_equal(f->answers[1].by, "session-rule");
        /* Not wider than shown: another file asks. */
        hand_over(f, waiting_open(f, "/ask/d/b.txt", O_RDONLY));
        assert_int_equal(prompt_broker_count(f->broker), 1);
}

/* Without a profile file, a forever answer is refused with the advice
 * its owner gave (the daemon's), not run's "--policy FILE". */
static void forever_refusal_gives_the_owners_advice(void **state)
{
        struct fixture *f = *state;
        struct prompt_broker *daemon_like = NULL;
        struct prompt_broker_options bopts = {
            .timeout_ms = TIMEOUT_MS,
            .no_forever_reason = "the daemon saves no rule: answer for the session",
            .backend = &fake_backend,
        };
        char err[256] = "";

        assert_int_equal(prompt_broker_new(&f->sup, &bopts, &daemon_like), 0);
        hand_over(f, waiting_open(f, "/ask/daemon", O_RDONLY));
        struct prompt *p = prompt_broker_first(daemon_like);
        assert_non_null(p);
        assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(prompt_request(p), "forever")));
        assert_int_equal(
            prompt_broker_answer(
                daemon_like, prompt_id(p),
                &(struct prompt_reply){.decision = "allow", .scope = "forever", .by = "client"},
                err, sizeof(err)),
            -EINVAL);
        assert_string_equal(err, "the daemon saves no rule: answer for the session");
        assert_null(strstr(err, "--policy"));
        prompt_broker_close(daemon_like);
        assert_int_equal(f->n_answers, 1); /* denied as a timeout would */
}

static void close_denies_what_still_waits(void **state)
{
        struct fixture *f = *state;
        hand_over(f, waiting_open(f, "/ask/z", O_RDONLY));
        prompt_broker_remove_frontend(f->broker, &f->fe);
        prompt_broker_close(f->broker);
        assert_int_equal(f->n_answers, 1);
        assert_int_equal(f->answers[0].verdict, VERDICT_DENY);
        assert_int_equal(f->answers[0].error, EACCES);
        assert_null(f->sup.decider.prompt);
        /* teardown closes again: closing twice is harmless. */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(identical_calls_share_one_prompt_and_one_answer, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(different_calls_queue_in_order, setup, teardown),
            cmocka_unit_test_setup_teardown(request_describes_the_call, setup, teardown),
            cmocka_unit_test_setup_teardown(requests_show_identities_that_differ, setup, teardown),
            cmocka_unit_test_setup_teardown(request_shows_what_openat2_asks_for, setup, teardown),
            cmocka_unit_test_setup_teardown(a_call_read_here_keeps_its_open_flags, setup, teardown),
            cmocka_unit_test_setup_teardown(openat2_with_another_open_how_is_another_question,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(session_answer_is_as_wide_as_the_open_shown, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(request_says_why_there_is_no_lasting_rule, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(timeout_denies_once_and_asks_again, setup, teardown),
            cmocka_unit_test_setup_teardown(dead_caller_makes_its_prompt_disappear, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(cancelled_calls_leave_the_prompt, setup, teardown),
            cmocka_unit_test_setup_teardown(session_answer_applies_without_asking, setup, teardown),
            cmocka_unit_test_setup_teardown(session_pattern_answers_the_prompts_it_covers, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(bad_answers_leave_the_prompt_waiting, setup, teardown),
            cmocka_unit_test_setup_teardown(forever_answer_is_saved_and_holds_now, setup, teardown),
            cmocka_unit_test_setup_teardown(close_denies_what_still_waits, setup, teardown),
            cmocka_unit_test_setup_teardown(unattended_prompt_is_said_at_once_and_at_its_timeout,
                                            setup, teardown),
            cmocka_unit_test_setup_teardown(attended_prompt_is_not_said, setup, teardown),
            cmocka_unit_test_setup_teardown(log_says_who_decided, setup, teardown),
            cmocka_unit_test_setup_teardown(choice_applies_the_rule_shown, setup, teardown),
            cmocka_unit_test_setup_teardown(forever_refusal_gives_the_owners_advice, setup,
                                            teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
