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
                const char *log_by = NULL;
                next = p->next;
                if (!session_rules_decide(&b->session, &p->call, &d, &log_by))
                        continue;
                struct prompt_resolution res = {
                    .by = "session",
                    .log_by = log_by,
                    .answered = true,
                    .verdict = d.verdict,
                    .scope = PROMPT_SCOPE_SESSION,
                    .errno_value = d.errno_value,
                };
                prompt_finish(b, p, &res);
        }
}

/* The rule of the scope the request offered under name, for an answer:
 * the rule shown, with the answer's action and errno and a comment. */
static int rule_of_choice(const struct prompt *p, const char *name, enum policy_verdict verdict,
                          int errno_value, const char *comment, cJSON **ret_rule, char *reterr,
                          size_t reterr_size)
{
        const cJSON *scope, *shown = NULL;
        cJSON *rule, *item;

        cJSON_ArrayForEach(scope, cJSON_GetObjectItemCaseSensitive(p->request, "scopes"))
        {
                const char *n =
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(scope, "name"));
                if (!n || strcmp(n, name) != 0)
                        continue;
                shown = cJSON_GetObjectItemCaseSensitive(scope, "rule");
                if (!cJSON_IsObject(shown)) {
                        const char *why = cJSON_GetStringValue(
                            cJSON_GetObjectItemCaseSensitive(scope, "refused"));
                        snprintf(reterr, reterr_size, "%s", why ? why : "no rule for this scope");
                        return -EINVAL;
                }
                break;
        }
        if (!shown) {
                snprintf(reterr, reterr_size,
                         "request %" PRIu64 " offers no scope \"%.64s\" (see its \"scopes\")",
                         p->id, name);
                return -EINVAL;
        }
        rule = cJSON_CreateObject();
        if (!rule || (comment && !cJSON_AddStringToObject(rule, "comment", comment)))
                goto nomem;
        cJSON_ArrayForEach(item, shown)
        {
                cJSON *copy = cJSON_Duplicate(item, true);
                if (!copy)
                        goto nomem;
                cJSON_AddItemToObject(rule, item->string, copy);
        }
        if (!prompt_rule_add_action(rule, verdict, errno_value))
                goto nomem;
        *ret_rule = rule;
        return 0;
nomem:
        cJSON_Delete(rule);
        snprintf(reterr, reterr_size, "out of memory");
        return -ENOMEM;
}

/* The answerer's name as a string that outlives the answer (the log line
 * is written after it). */
static const char *answerer(const char *by)
{
        if (by && strcmp(by, "client") == 0)
                return "client";
        if (by && strcmp(by, "tty") == 0)
                return "tty";
        return "person";
}

int prompt_broker_answer(struct prompt_broker *b, uint64_t id, const struct prompt_reply *reply,
                         char *reterr, size_t reterr_size)
{
        struct prompt *p = prompt_broker_find(b, id);
        const char *decision = reply->decision, *scope_name = reply->scope;
        const char *errno_name = reply->errno_name, *pattern = reply->pattern;
        const char *choice = reply->choice, *by = answerer(reply->by);
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
        if ((pattern || choice) && scope == PROMPT_SCOPE_ONCE) {
                snprintf(reterr, reterr_size, "a %s goes only with \"session\" or \"forever\"",
                         pattern ? "pattern" : "choice");
                return -EINVAL;
        }
        if (pattern && choice) {
                snprintf(reterr, reterr_size,
                         "give a \"choice\" (a scope the request offers) or a \"pattern\", not "
                         "both");
                return -EINVAL;
        }
        if (scope == PROMPT_SCOPE_FOREVER && !b->profile_path) {
                snprintf(reterr, reterr_size, "%s",
                         b->no_forever_reason
                             ? b->no_forever_reason
                             : "the profile is the built-in default, so there is no file to save "
                               "a rule in (run with --policy FILE)");
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
                if (choice)
                        r = rule_of_choice(p, choice, verdict, errno_value, comment, &rule, reterr,
                                           reterr_size);
                else
                        r = prompt_rule_build(&p->call, p->syscall, verdict, errno_value, pattern,
                                              comment, &rule, reterr, reterr_size);
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
            .has_uid = reply->has_uid,
            .uid = reply->uid,
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
