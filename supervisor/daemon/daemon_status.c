/* SPDX-License-Identifier: MIT */
/* daemon/daemon_status.c: what the daemon serves, for `scmp-super status`. */
#include "daemon/daemon_internal.h"

#include <time.h>

#include <cjson/cJSON.h>

#include "netaddr.h"

static void add_time(cJSON *obj, const char *key, time_t when)
{
        char text[32];
        struct tm tm;
        gmtime_r(&when, &tm);
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
        cJSON_AddStringToObject(obj, key, text);
}

/* The addresses a waiting call names, as text (null for a message of
 * sendmmsg that names none): what a person is asked to let it reach. */
static void add_addresses(cJSON *obj, const struct policy_call *call)
{
        char text[256];
        cJSON *addresses = cJSON_AddArrayToObject(obj, "addresses");

        if (!addresses || !call->have_addr)
                return;
        if (!call->addrs) {
                if (call->addr_len > 0 && netaddr_format((const struct sockaddr *)&call->addr,
                                                         call->addr_len, text, sizeof(text)) == 0)
                        cJSON_AddItemToArray(addresses, cJSON_CreateString(text));
                return;
        }
        for (unsigned i = 0; i < call->n_addrs && i < 16; i++)
                cJSON_AddItemToArray(addresses,
                                     policy_call_addr_format(call, i, text, sizeof(text)) == 0
                                         ? cJSON_CreateString(text)
                                         : cJSON_CreateNull());
}

static cJSON *target_status(struct daemon *d, struct target *t)
{
        struct daemon_target *rec = t->owner;
        cJSON *obj = cJSON_CreateObject(), *decided, *pending;

        if (!obj)
                return NULL;
        cJSON_AddNumberToObject(obj, "pid", t->pid);
        if (t->id)
                cJSON_AddStringToObject(obj, "container", t->id);
        else
                cJSON_AddNullToObject(obj, "container");
        if (rec) {
                cJSON_AddStringToObject(obj, "policy", rec->profile->name);
                cJSON_AddStringToObject(obj, "source", rec->profile->source);
                cJSON_AddBoolToObject(obj, "launcher", rec->launcher);
                if (rec->tracer)
                        cJSON_AddStringToObject(obj, "trace", rec->trace_name);
                else
                        cJSON_AddNullToObject(obj, "trace");
                add_time(obj, "since", rec->since);
        }
        decided = cJSON_AddObjectToObject(obj, "decided");
        if (decided) {
                cJSON_AddNumberToObject(decided, "allow", (double)target_decided(t, VERDICT_ALLOW));
                cJSON_AddNumberToObject(decided, "log", (double)target_decided(t, VERDICT_LOG));
                cJSON_AddNumberToObject(decided, "deny", (double)target_decided(t, VERDICT_DENY));
                cJSON_AddNumberToObject(decided, "kill", (double)target_decided(t, VERDICT_KILL));
                cJSON_AddNumberToObject(decided, "total", (double)target_decided_total(t));
        }
        pending = cJSON_AddArrayToObject(obj, "pending");
        for (struct pending_call *pc = t->pending; pending && pc; pc = pc->next) {
                cJSON *call = cJSON_CreateObject();
                if (!call)
                        break;
                cJSON_AddNumberToObject(call, "pid", pc->call.pid);
                cJSON_AddStringToObject(call, "syscall",
                                        supervisor_syscall_name(&d->sup, pc->call.nr));
                cJSON *paths = cJSON_AddArrayToObject(call, "paths");
                for (unsigned i = 0; paths && i < pc->call.n_paths && i < POLICY_CALL_MAX_PATHS;
                     i++)
                        cJSON_AddItemToArray(paths, pc->paths[i] ? cJSON_CreateString(pc->paths[i])
                                                                 : cJSON_CreateNull());
                add_addresses(call, &pc->call);
                if (pc->exe)
                        cJSON_AddStringToObject(call, "exe", pc->exe);
                cJSON_AddItemToArray(pending, call);
        }
        return obj;
}

/* The profiles the last reload could not load, with why and when, and
 * whether their version loaded before still serves. */
static void add_reload_failures(cJSON *root, const struct profile_store *store)
{
        cJSON *failures = cJSON_AddArrayToObject(root, "reload_failures");

        for (size_t i = 0; failures && i < store->n_failures; i++) {
                const struct profile_failure *f = &store->failures[i];
                cJSON *obj = cJSON_CreateObject();
                if (!obj)
                        break;
                cJSON_AddStringToObject(obj, "name", f->name);
                cJSON_AddStringToObject(obj, "source", f->source);
                cJSON_AddStringToObject(obj, "error", f->message);
                add_time(obj, "when", f->when);
                cJSON_AddBoolToObject(obj, "kept", f->kept);
                cJSON_AddItemToArray(failures, obj);
        }
}

cJSON *daemon_status(struct daemon *d)
{
        cJSON *root = cJSON_CreateObject(), *targets, *profiles;

        if (!root)
                return NULL;
        /* The control socket adds our pid for a client it names us to. */
        cJSON_AddStringToObject(root, "type", "status");
        add_time(root, "since", d->started);
        cJSON_AddNumberToObject(root, "served", (double)d->served);
        cJSON_AddNumberToObject(root, "refused", (double)d->refused);
        cJSON_AddNumberToObject(root, "connections", (double)d->n_conns);
        cJSON_AddNumberToObject(root, "prompts",
                                d->broker ? (double)prompt_broker_count(d->broker) : 0);
        profiles = cJSON_AddArrayToObject(root, "profiles");
        for (size_t i = 0; profiles && i < d->store.n_profiles; i++) {
                cJSON *p = cJSON_CreateObject();
                if (!p)
                        break;
                cJSON_AddStringToObject(p, "name", d->store.profiles[i]->name);
                cJSON_AddStringToObject(p, "source", d->store.profiles[i]->source);
                cJSON_AddItemToArray(profiles, p);
        }
        add_reload_failures(root, &d->store);
        targets = cJSON_AddArrayToObject(root, "targets");
        for (struct target *t = supervisor_first_target(&d->sup); targets && t;
             t = supervisor_next_target(t)) {
                cJSON *obj = target_status(d, t);
                if (obj)
                        cJSON_AddItemToArray(targets, obj);
        }
        return root;
}
