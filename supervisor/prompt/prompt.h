/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The prompt broker: where calls whose decision is "prompt" wait for a
 * person. It takes them from the supervisor's prompt hook, asks every front
 * end (the terminal, the control socket's clients) and applies the first
 * answer; the supervisor keeps serving every other call meanwhile.
 *
 * - Identical requests share one prompt. Two waiting calls are identical
 *   when they come from the same target (one seccomp listener: the command
 *   `run` started and all its descendants, or one container), from the same
 *   executable, and make the same syscall with the same decoded arguments
 *   (paths, socket address, execve's argv, what an open asks for: openat2's
 *   struct open_how too) and the same plain-number arguments (flags, modes,
 *   families); pointers, fds and lengths do not count. N threads opening
 *   one file make one prompt, and one answer releases them all.
 * - Every prompt has a deadline (the profile's supervisor.promptTimeout, or
 *   run --prompt-timeout). When it passes, every waiting call is denied
 *   once with the errno of the rule that asked (the profile's defaultErrno
 *   for the default); a timeout never creates a lasting rule, so the next
 *   identical call is asked about again.
 * - Once a second, and at each deadline, every waiting call is checked with
 *   SECCOMP_IOCTL_NOTIF_ID_VALID; a call whose caller died (or was
 *   interrupted by a signal) is dropped, and a prompt left with no callers
 *   disappears from every front end ("caller-died").
 * - Session answers become rules kept in memory and consulted before any
 *   prompt, newest first, for the rest of the run; "forever" answers are
 *   also saved at the front of the profile's supervisor.rules
 *   (profile_edit.h) and hold from then on. Both are the rules
 *   prompt_rule.h builds. A new session rule also answers the prompts
 *   already waiting that it matches ("session").
 *
 * Front ends never block the loop: they are told about new and resolved
 * prompts through callbacks, and answer with prompt_broker_answer(). The
 * first answer wins; a later one gets -ENOENT.
 */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/supervisor.h"

enum prompt_scope {
        PROMPT_SCOPE_ONCE,
        PROMPT_SCOPE_SESSION,
        PROMPT_SCOPE_FOREVER,
};

struct prompt;
struct prompt_broker;

/* How a prompt ended. */
struct prompt_resolution {
        /* "tty", "client", "timeout", "session" (a new session rule
         * covered it) or "caller-died". */
        const char *by;
        /* What the decision log says decided it, when that differs from
         * by: "session-rule" or "forever-rule" for "session". */
        const char *log_by;
        /* The answering client's uid (by "client"). */
        bool has_uid;
        uint32_t uid;
        bool answered; /* false for caller-died: nothing was decided */
        enum policy_verdict verdict;
        enum prompt_scope scope;
        int errno_value; /* for VERDICT_DENY */
};

struct prompt_frontend;

struct prompt_frontend_ops {
        /* A new prompt was appended to the queue. */
        void (*added)(struct prompt_frontend *fe, struct prompt *p);
        /* A prompt left the queue; p is valid during the call only. */
        void (*resolved)(struct prompt_frontend *fe, struct prompt *p,
                         const struct prompt_resolution *res);
        /* About once a second while prompts wait, for countdowns. */
        void (*tick)(struct prompt_frontend *fe);
        /* How many people it can ask right now (the terminal: 1; the
         * control socket: its connected clients). NULL: none. When no
         * front end can ask anyone, the broker says so at once. */
        size_t (*people)(struct prompt_frontend *fe);
};

/* Embedded in each front end's own state. */
struct prompt_frontend {
        const struct prompt_frontend_ops *ops;
        struct prompt_frontend *next;
};

/*
 * How the broker reaches the supervisor and the target. The default (NULL
 * in the options) is the real one: supervisor_complete(),
 * supervisor_discard(), notif_id_valid() and target_decode_call(). Unit
 * tests replace it.
 */
struct prompt_backend {
        int (*complete)(struct pending_call *pc, enum policy_verdict verdict, int error);
        void (*discard)(struct pending_call *pc);
        /* 0 while the call is still waiting in the kernel. */
        int (*id_valid)(struct pending_call *pc);
        /* Decodes what needs asks for into call (a copy of pc->call). */
        int (*decode)(struct pending_call *pc, struct policy_call *call, unsigned needs,
                      struct target_scratch *scratch);
};

struct prompt_broker_options {
        unsigned timeout_ms;      /* deadline of each prompt; 0 means 30 s */
        const char *profile_path; /* where forever rules are saved; NULL: nowhere */
        /* Why a forever answer cannot be saved when profile_path is NULL,
         * with the advice that applies here; NULL: run's (the built-in
         * profile has no file: run with --policy FILE). */
        const char *no_forever_reason;
        const struct prompt_backend *backend;
};

/*
 * Creates a broker on sup's loop and installs it as sup's prompt and cancel
 * decider (supervisor_set_decider()).
 */
int prompt_broker_new(struct supervisor *sup, const struct prompt_broker_options *opts,
                      struct prompt_broker **ret_broker);

/*
 * Denies the calls still waiting (with their rule's errno, as a timeout
 * would), removes the hooks and closes the timer. Front ends must have been
 * removed first. The broker is freed by the loop's close callback, so the
 * loop must run once more (supervisor_close() does).
 */
void prompt_broker_close(struct prompt_broker *b);

void prompt_broker_add_frontend(struct prompt_broker *b, struct prompt_frontend *fe);
void prompt_broker_remove_frontend(struct prompt_broker *b, struct prompt_frontend *fe);

/*
 * How a person answers from elsewhere ("scmp-super prompt --socket NAME"),
 * for the line the broker says (supervisor_say()) when a prompt waits with
 * nobody to ask; NULL: there is no way. Copied.
 */
void prompt_broker_set_answer_hint(struct prompt_broker *b, const char *hint);

/* The queue, oldest first. */
struct prompt *prompt_broker_first(struct prompt_broker *b);
struct prompt *prompt_next(struct prompt *p);
size_t prompt_broker_count(const struct prompt_broker *b);
struct prompt *prompt_broker_find(struct prompt_broker *b, uint64_t id);
unsigned prompt_broker_timeout_ms(const struct prompt_broker *b);
const char *prompt_broker_profile(const struct prompt_broker *b);

uint64_t prompt_id(const struct prompt *p);
/* Calls waiting on this prompt (1 unless identical calls were merged). */
size_t prompt_waiting(const struct prompt *p);
/* The deadline in milliseconds since the epoch (CLOCK_REALTIME). */
int64_t prompt_deadline_unix_ms(const struct prompt *p);
/*
 * The protocol's "request" message for this prompt (docs/PROTOCOL.md),
 * owned by the prompt, with the rule each scope's lasting answer would add.
 * Senders set "queued" themselves.
 */
cJSON *prompt_request(struct prompt *p);

/* An answer to a prompt, in the protocol's words (docs/PROTOCOL.md). */
struct prompt_reply {
        const char *decision;   /* "allow", "deny" or "kill" */
        const char *scope;      /* "once" (or NULL), "session" or "forever" */
        const char *errno_name; /* deny only; NULL: the asking rule's errno */
        /* Session and forever only, at most one of the two; both NULL:
         * exactly this call. choice names one of the scopes the request
         * offered ("port", "network", ...), whose rule is applied as
         * shown; pattern is as prompt_rule_build() takes it. */
        const char *pattern;
        const char *choice;
        /* Who answers: "tty" or "client" (a string literal), and a
         * client's uid. */
        const char *by;
        bool has_uid;
        uint32_t uid;
};

/*
 * Answers prompt id with reply.
 *
 * Returns 0 once the waiting calls are answered; -ENOENT when there is no
 * such prompt (already answered, timed out, or its caller died); -EINVAL
 * (bad answer) or another negative errno (the rule could not be saved) with
 * a message in err, and the prompt stays waiting.
 */
int prompt_broker_answer(struct prompt_broker *b, uint64_t id, const struct prompt_reply *reply,
                         char *reterr, size_t reterr_size);

/* Names for the protocol. */
const char *prompt_scope_name(enum prompt_scope scope);

/*
 * Runs the periodic work as if the loop's clock read now_ms: drops calls
 * whose caller is gone and times out prompts whose deadline has passed. The
 * broker's timer does this on its own; exposed for tests.
 */
void prompt_broker_tick_at(struct prompt_broker *b, uint64_t now_ms);
