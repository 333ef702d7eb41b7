/* SPDX-License-Identifier: MIT */
/* prompt/session_rules.c: the rules session and forever answers make. */
#include "prompt/broker_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/env.h"
#include "profile/profile_edit.h"

int session_rules_init(struct session_rules *s)
{
        s->policy = NULL;
        s->forever = NULL;
        s->n = 0;
        s->rules = cJSON_CreateArray();
        return s->rules ? 0 : -ENOMEM;
}

void session_rules_free(struct session_rules *s)
{
        cJSON_Delete(s->rules);
        policy_free(s->policy);
        free(s->forever);
        s->rules = NULL;
        s->policy = NULL;
        s->forever = NULL;
        s->n = 0;
}

/* Compiles rules into a policy whose rules are exactly these, and whose
 * default is "prompt", so a decision other than prompt means a rule hit. */
static int compile_session(const cJSON *rules, struct policy **ret_policy, char *reterr,
                           size_t reterr_size)
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
                snprintf(reterr, reterr_size, "%s", perr.message);
out:
        if (text)
                cJSON_free(text);
        cJSON_Delete(doc);
        return r;
}

bool session_rules_decide(const struct session_rules *s, const struct policy_call *call,
                          struct policy_decision *ret_decision, const char **ret_by)
{
        struct policy_decision d;
        if (!s->policy)
                return false;
        policy_decide(s->policy, call, &d);
        if (d.verdict == VERDICT_PROMPT)
                return false;
        if (ret_by)
                *ret_by = d.rule && !d.rule->builtin && d.rule->source_index < s->n &&
                                  s->forever[d.rule->source_index]
                              ? "forever-rule"
                              : "session-rule";
        *ret_decision = d;
        return true;
}

int session_rules_add(struct session_rules *s, cJSON *rule, const char *save_path, char *reterr,
                      size_t reterr_size)
{
        struct policy *policy = NULL;
        cJSON *rules;
        int r;

        /* Newest first, as saved rules go to the front too. */
        rules = cJSON_Duplicate(s->rules, true);
        if (!rules || !cJSON_InsertItemInArray(rules, 0, rule)) {
                cJSON_Delete(rules);
                cJSON_Delete(rule);
                snprintf(reterr, reterr_size, "out of memory");
                return -ENOMEM;
        }
        bool *forever = malloc((s->n + 1) * sizeof(*forever));
        if (!forever) {
                cJSON_Delete(rules);
                snprintf(reterr, reterr_size, "out of memory");
                return -ENOMEM;
        }
        forever[0] = save_path != NULL;
        if (s->n)
                memcpy(forever + 1, s->forever, s->n * sizeof(*forever));
        r = compile_session(rules, &policy, reterr, reterr_size);
        if (r == 0 && save_path)
                r = profile_add_rule(save_path, rule, reterr, reterr_size);
        if (r < 0) {
                free(forever);
                policy_free(policy);
                cJSON_Delete(rules);
                return r;
        }
        free(s->forever);
        s->forever = forever;
        s->n++;
        policy_free(s->policy);
        s->policy = policy;
        cJSON_Delete(s->rules);
        s->rules = rules;
        return 0;
}
