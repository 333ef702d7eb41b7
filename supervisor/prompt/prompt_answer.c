/* SPDX-License-Identifier: MIT */
/* prompt/prompt_answer.c: checking an answer and applying it to a prompt. */
#include "prompt/broker_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errnos.h"
#include "prompt/prompt_rule.h"

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

/* Answers the waiting prompts a new session rule covers. */
static void sweep_with_session(struct prompt_broker *b)
{
        struct prompt *p = b->head, *next;
        for (; p; p = next) {
                struct policy_decision d;
                next = p->next;
                if (!session_rules_decide(&b->session, &p->call, &d))
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

int prompt_broker_answer(struct prompt_broker *b, uint64_t id, const char *decision,
                         const char *scope_name, const char *errno_name, const char *pattern,
                         const char *by, char *reterr, size_t reterr_size)
{
        struct prompt *p = prompt_broker_find(b, id);
        enum policy_verdict verdict;
        enum prompt_scope scope = PROMPT_SCOPE_ONCE;
        int errno_value, r;

        if (!p) {
                snprintf(reterr, reterr_size,
                         "no request %" PRIu64 " is waiting (answered, timed out, or its caller "
                         "is gone)",
                         id);
                return -ENOENT;
        }
        if (!decision || (strcmp(decision, "allow") != 0 && strcmp(decision, "deny") != 0 &&
                          strcmp(decision, "kill") != 0)) {
                snprintf(reterr, reterr_size, "decision must be \"allow\", \"deny\" or \"kill\"");
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
                snprintf(reterr, reterr_size, "scope must be \"once\", \"session\" or \"forever\"");
                return -EINVAL;
        }
        errno_value = verdict == VERDICT_DENY ? p->timeout_errno : 0;
        if (errno_name) {
                if (verdict != VERDICT_DENY) {
                        snprintf(reterr, reterr_size, "an errno goes only with \"deny\"");
                        return -EINVAL;
                }
                errno_value = errno_from_name(errno_name);
                if (errno_value <= 0) {
                        const char *hint = errno_suggest(errno_name);
                        snprintf(reterr, reterr_size, "unknown errno \"%s\"%s%s%s", errno_name,
                                 hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
                        return -EINVAL;
                }
        }
        if (pattern && scope == PROMPT_SCOPE_ONCE) {
                snprintf(reterr, reterr_size,
                         "a pattern goes only with \"session\" or \"forever\"");
                return -EINVAL;
        }
        if (scope == PROMPT_SCOPE_FOREVER && !b->profile_path) {
                snprintf(reterr, reterr_size,
                         "the profile is the built-in default, so there is no file to save a "
                         "rule in (run with --policy FILE)");
                return -EINVAL;
        }

        if (scope != PROMPT_SCOPE_ONCE) {
                char comment[128], when[32];
                cJSON *rule = NULL;
                time_t now = time(NULL);
                struct tm tm;

                gmtime_r(&now, &tm);
                strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
                snprintf(comment, sizeof(comment), "%s %s by %s at a prompt on %s",
                         policy_verdict_name(verdict), prompt_scope_name(scope), by, when);
                r = prompt_rule_build(&p->call, p->syscall, verdict, errno_value, pattern, comment,
                                      &rule, reterr, reterr_size);
                if (r < 0)
                        return r;
                r = session_rules_add(&b->session, rule,
                                      scope == PROMPT_SCOPE_FOREVER ? b->profile_path : NULL,
                                      reterr, reterr_size);
                if (r < 0)
                        return r;
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
