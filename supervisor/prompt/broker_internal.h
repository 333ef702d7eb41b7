/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What the files of the prompt broker share and nothing else sees: the
 * broker's and a prompt's state, and the functions one file calls in
 * another. broker.c keeps the queue, the hooks and the clock;
 * prompt_request.c makes a prompt (its dedup key and protocol request);
 * session_rules.c keeps the session's rules; prompt_answer.c applies an
 * answer. prompt.h is the interface for everyone else.
 */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/supervisor.h"
#include "prompt/prompt.h"

/* Rules made from session and forever answers, consulted before any prompt
 * for the rest of the run. */
struct session_rules {
        cJSON *rules;          /* newest first */
        struct policy *policy; /* rules compiled; NULL when there are none */
        /* Whether each rule (in the order of rules) was also saved in the
         * profile: its decisions are logged by "forever-rule". */
        bool *forever;
        size_t n;
};

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
        /* Said on arrival that nobody could be asked: its timeout is said
         * too. */
        bool unattended;
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
        char *no_forever_reason;
        char *answer_hint;
        struct prompt *head, *tail;
        size_t count;
        uint64_t next_id;
        struct prompt_frontend *frontends;
        struct session_rules session;
        struct target_scratch scratch;
        bool closing;
};

/* prompt_request.c: a prompt and its request. */

/* The bytes that make two waiting calls identical (prompt.h): the target,
 * the executable, the syscall, its decoded arguments and its plain-number
 * arguments, and argv (execve's, as JSON, or NULL). */
int prompt_key_make(const struct pending_call *pc, const cJSON *argv, char **ret_key,
                    size_t *ret_len);

/* execve's argv, as read with the call (target.h), as a JSON array of
 * strings; NULL for other calls. */
cJSON *prompt_argv_json(const struct target_details *details);

/* A prompt for pc, which it takes on as its first waiting call, with key
 * (taken over on success) and its request built; NULL when out of memory.
 * Not queued yet. */
struct prompt *prompt_new(struct prompt_broker *b, struct pending_call *pc, char *key,
                          size_t key_len, cJSON *argv);
void prompt_free(struct prompt *p);

/* Another identical call waits on p; the request's "waiting" follows. */
int prompt_add_call(struct prompt *p, struct pending_call *pc);
void prompt_remove_call(struct prompt *p, size_t i);

/* broker.c: the queue. */

/* Takes p out of the queue, answers its calls (unless res says nobody
 * decided), tells the front ends and frees it. */
void prompt_finish(struct prompt_broker *b, struct prompt *p, const struct prompt_resolution *res);

/* session_rules.c. */

int session_rules_init(struct session_rules *s);
void session_rules_free(struct session_rules *s);

/* The session's decision for call: true and *ret_decision if a session rule
 * matches it, and in *ret_by (when not NULL) "session-rule", or
 * "forever-rule" for a rule also saved in the profile. */
bool session_rules_decide(const struct session_rules *s, const struct policy_call *call,
                          struct policy_decision *ret_decision, const char **ret_by);

/* Adds rule (taken over) in front of the others. With save_path, the rule
 * is also saved at the front of that profile's supervisor.rules, and the
 * session changes only once it is. Returns 0, or a negative errno with a
 * message in err, and the session as it was. */
int session_rules_add(struct session_rules *s, cJSON *rule, const char *save_path, char *reterr,
                      size_t reterr_size);
