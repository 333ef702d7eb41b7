/* SPDX-License-Identifier: MIT */
/* daemon/daemon_reload.c: reloading profiles; live targets switch to them. */
#include "daemon/daemon_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macros.h"

void daemon_release_retained(struct daemon *d, struct daemon_target *rec)
{
        while (rec->retained) {
                struct retained *node = rec->retained;
                rec->retained = node->next;
                stored_profile_unref(node->profile);
                free(node);
                d->n_retained--;
        }
}

/* Once a target has settled (its prompts answered, its lane past the call
 * it was deciding at the reload), the profiles it left can go. Runs after
 * every loop iteration (the watchdog's ticks among them); costs nothing
 * while no profile is retained. */
static void on_sweep(uv_check_t *check)
{
        struct daemon *d = container_of(check, struct daemon, sweep);

        if (d->n_retained == 0)
                return;
        for (struct target *t = supervisor_first_target(&d->sup); t;
             t = supervisor_next_target(t)) {
                struct daemon_target *rec = t->owner;
                if (rec && rec->retained && supervisor_target_settled(t))
                        daemon_release_retained(d, rec);
        }
}

/* The old version stays while anything of the target may still use it:
 * the call its lane is deciding, calls waiting for a prompt (their rule is
 * in it); on_sweep() lets it go once the target has settled. */
static bool switch_profile(struct daemon *d, struct target *t, struct daemon_target *rec,
                           struct stored_profile *fresh)
{
        struct retained *node = malloc(sizeof(*node));
        if (!node)
                return false; /* keep deciding with the old one */
        supervisor_switch_policy(t, fresh->policy);
        node->profile = rec->profile;
        node->next = rec->retained;
        rec->retained = node;
        d->n_retained++;
        rec->profile = stored_profile_ref(fresh);
        if (supervisor_target_settled(t))
                daemon_release_retained(d, rec);
        return true;
}

static void report_reload(void *ctx, const char *message)
{
        struct daemon *d = ctx;
        daemon_log_line(&d->events, "%s", message);
}

void daemon_reload(struct daemon *d)
{
        size_t switched = 0, pinned = 0;
        int failed;

        if (d->stopping)
                return;
        failed = profile_store_reload(&d->store, report_reload, d);
        for (struct target *t = supervisor_first_target(&d->sup); t;
             t = supervisor_next_target(t)) {
                struct daemon_target *rec = t->owner;
                if (!rec)
                        continue;
                struct stored_profile *fresh = profile_store_find(&d->store, rec->profile->name);
                if (!fresh || fresh == rec->profile)
                        continue;
                /* A recorded target keeps the base it started with: its
                 * filter was made from that one, the recorder measures
                 * "new" calls against it, and NAME.json is written from
                 * its text. Switching would mix two bases in one trace. */
                if (rec->tracer) {
                        pinned++;
                        continue;
                }
                if (switch_profile(d, t, rec, fresh))
                        switched++;
        }
        supervisor_set_default_policy(&d->sup, profile_store_find(&d->store, NULL)->policy);
        /* In place: lanes write to it meanwhile. */
        if (d->opts.log_path) {
                int r = log_file_reopen(d->log, d->opts.log_path);
                if (r < 0)
                        daemon_log_line(
                            &d->events,
                            "reload: --log %s: %s; still writing to the file opened before",
                            d->opts.log_path, strerror(-r));
        }
        if (failed >= 0)
                daemon_log_line(
                    &d->events,
                    "reloaded %zu profile%s (%d kept %s previous version); %zu live target%s "
                    "now use%s the new version%s",
                    d->store.n_profiles, d->store.n_profiles == 1 ? "" : "s", failed,
                    failed == 1 ? "its" : "their", switched, switched == 1 ? "" : "s",
                    switched == 1 ? "s" : "", switched == 1 ? "" : "s");
        if (failed >= 0 && pinned > 0)
                daemon_log_line(&d->events,
                                "reload: %zu recorded target%s keep%s the version %s started "
                                "with, until %s recording ends",
                                pinned, pinned == 1 ? "" : "s", pinned == 1 ? "s" : "",
                                pinned == 1 ? "it" : "they", pinned == 1 ? "its" : "their");
}

static void on_watch_settled(uv_timer_t *timer)
{
        struct daemon *d = container_of(timer, struct daemon, watch_settle);
        daemon_log_line(&d->events, "a profile changed on disk: reloading profiles");
        daemon_reload(d);
}

/* Only profiles, and the "..data" link through which a Kubernetes ConfigMap
 * volume swaps all its files at once, matter: a log file or a socket beside
 * them must not set off a reload. */
static bool is_profile_event(const char *filename)
{
        size_t len = filename ? strlen(filename) : 0;
        return !filename || strcmp(filename, "..data") == 0 ||
               (len > 5 && strcmp(filename + len - 5, ".json") == 0);
}

/* Writing a file, or a ConfigMap's swap of its ..data link, comes as a
 * burst of events: reload once it has been quiet for a moment. */
static void on_watch_event(uv_fs_event_t *handle, const char *filename, int events, int status)
{
        struct daemon *d = handle->data;
        if (status < 0 || d->stopping || !is_profile_event(filename))
                return;
        uv_timer_start(&d->watch_settle, on_watch_settled, 250, 0);
}

int daemon_watch_start(struct daemon *d, char *reterr, size_t reterr_size)
{
        char *policy_dir = NULL;
        const char *dirs[2];
        size_t n = 0;
        int r = 0;

        if (d->opts.policy_dir)
                dirs[n++] = d->opts.policy_dir;
        if (d->opts.policy_path) {
                policy_dir = strdup(d->opts.policy_path);
                if (!policy_dir)
                        return -ENOMEM;
                char *slash = strrchr(policy_dir, '/');
                if (!slash)
                        strcpy(policy_dir, ".");
                else if (slash == policy_dir)
                        slash[1] = '\0';
                else
                        *slash = '\0';
                dirs[n++] = policy_dir;
        }
        if (n == 0) {
                snprintf(reterr, reterr_size, "--watch needs --policy-dir or --policy");
                free(policy_dir);
                return -EINVAL;
        }
        uv_timer_init(&d->sup.loop, &d->watch_settle);
        d->watch_settle_open = true;
        uv_unref((uv_handle_t *)&d->watch_settle);
        for (size_t i = 0; i < n && r == 0; i++) {
                uv_fs_event_init(&d->sup.loop, &d->watches[i]);
                d->watches[i].data = d;
                d->n_watches_open++;
                r = uv_fs_event_start(&d->watches[i], on_watch_event, dirs[i], 0);
                if (r < 0)
                        snprintf(reterr, reterr_size, "--watch %s: %s", dirs[i], uv_strerror(r));
                else
                        uv_unref((uv_handle_t *)&d->watches[i]);
        }
        free(policy_dir);
        return r;
}

void daemon_sweep_start(struct daemon *d)
{
        uv_check_init(&d->sup.loop, &d->sweep);
        d->sweep_open = true;
        uv_check_start(&d->sweep, on_sweep);
        uv_unref((uv_handle_t *)&d->sweep);
}

void daemon_reload_close(struct daemon *d)
{
        for (; d->n_watches_open > 0; d->n_watches_open--)
                uv_close((uv_handle_t *)&d->watches[d->n_watches_open - 1], NULL);
        if (d->watch_settle_open) {
                d->watch_settle_open = false;
                uv_close((uv_handle_t *)&d->watch_settle, NULL);
        }
        if (d->sweep_open) {
                d->sweep_open = false;
                uv_close((uv_handle_t *)&d->sweep, NULL);
        }
}
