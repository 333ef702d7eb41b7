/* SPDX-License-Identifier: MIT */
/* daemon/profile_store.c: the daemon's profiles by name, loaded and reloaded. */
#include "daemon/profile_store.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/env.h"

#define BUILT_IN_SOURCE "<built-in default>"

bool profile_name_valid(const char *name)
{
        size_t len = strlen(name);

        if (len == 0 || len > PROFILE_NAME_MAX || name[0] == '.')
                return false;
        for (size_t i = 0; i < len; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-'))
                        return false;
        }
        return true;
}

struct stored_profile *stored_profile_ref(struct stored_profile *profile)
{
        profile->refs++;
        return profile;
}

void stored_profile_unref(struct stored_profile *profile)
{
        if (!profile || --profile->refs > 0)
                return;
        policy_free(profile->policy);
        free(profile->name);
        free(profile->source);
        free(profile);
}

static void free_list(struct stored_profile **list, size_t n)
{
        for (size_t i = 0; i < n; i++)
                stored_profile_unref(list[i]);
        free(list);
}

static void free_failures(struct profile_failure *failures, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(failures[i].name);
                free(failures[i].source);
                free(failures[i].message);
        }
        free(failures);
}

/* Notes a failure in failures[*n] (room for it was made); leaves it out
 * when out of memory. */
static void note_failure(struct profile_failure *failures, size_t *n, const char *name,
                         const char *source, const char *message, bool kept)
{
        struct profile_failure f = {
            .name = strdup(name),
            .source = strdup(source ? source : BUILT_IN_SOURCE),
            .message = strdup(message),
            .when = time(NULL),
            .kept = kept,
        };
        if (!f.name || !f.source || !f.message) {
                free(f.name);
                free(f.source);
                free(f.message);
                return;
        }
        failures[(*n)++] = f;
}

/* Loads one profile; path NULL is the built-in default. */
static int load_profile(const char *name, const char *path, struct stored_profile **ret_profile,
                        struct policy_error *err)
{
        struct stored_profile *p = calloc(1, sizeof(*p));
        int r;

        if (!p)
                goto oom;
        p->refs = 1;
        p->name = strdup(name);
        p->source = strdup(path ? path : BUILT_IN_SOURCE);
        if (!p->name || !p->source)
                goto oom;
        r = env_load_policy(path, &p->policy, err);
        if (r < 0) {
                stored_profile_unref(p);
                return r;
        }
        *ret_profile = p;
        return 0;
oom:
        stored_profile_unref(p);
        snprintf(err->message, sizeof(err->message), "%s: out of memory", path ? path : name);
        return -ENOMEM;
}

static int compare_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

/*
 * The NAMEs of DIR/NAME.json, sorted. Symlinks are followed (a Kubernetes
 * ConfigMap volume is made of them) but only regular files count. Entries
 * whose NAME is not valid are skipped, since no metadata could name them.
 */
static int scan_dir(const char *dir, char ***ret_names, size_t *ret_n, struct policy_error *err)
{
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        int r = 0;

        if (!d) {
                r = -errno;
                snprintf(err->message, sizeof(err->message), "%s: cannot open: %s", dir,
                         strerror(-r));
                return r;
        }
        while ((errno = 0, de = readdir(d))) {
                size_t len = strlen(de->d_name);
                struct stat st;
                if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
                        continue;
                char name[PROFILE_NAME_MAX + 1];
                if (len - 5 > PROFILE_NAME_MAX)
                        continue;
                memcpy(name, de->d_name, len - 5);
                name[len - 5] = '\0';
                if (!profile_name_valid(name))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (n == cap) {
                        size_t grown_cap = cap ? cap * 2 : 16;
                        char **grown = realloc(names, grown_cap * sizeof(*names));
                        if (!grown) {
                                r = -ENOMEM;
                                break;
                        }
                        names = grown;
                        cap = grown_cap;
                }
                if (!(names[n] = strdup(name))) {
                        r = -ENOMEM;
                        break;
                }
                n++;
        }
        if (r == 0 && errno != 0)
                r = -errno;
        closedir(d);
        if (r < 0) {
                snprintf(err->message, sizeof(err->message), "%s: reading the directory: %s", dir,
                         strerror(-r));
                free_names(names, n);
                return r;
        }
        /* An empty directory leaves names NULL, which qsort may not get. */
        if (n > 1)
                qsort(names, n, sizeof(*names), compare_names);
        *ret_names = names;
        *ret_n = n;
        return 0;
}

static char *profile_path(const struct profile_store *store, const char *name)
{
        char *path;
        if (asprintf(&path, "%s/%s.json", store->dir, name) < 0)
                return NULL;
        return path;
}

/*
 * What the store should hold now: the names to load and the file of each
 * (NULL for the built-in default). The default comes first.
 */
struct plan {
        char **names;
        char **paths;
        size_t n;
};

static void plan_free(struct plan *plan)
{
        for (size_t i = 0; i < plan->n; i++) {
                free(plan->names[i]);
                free(plan->paths[i]);
        }
        free(plan->names);
        free(plan->paths);
        memset(plan, 0, sizeof(*plan));
}

static int make_plan(const struct profile_store *store, struct plan *ret_plan,
                     struct policy_error *err)
{
        struct plan plan = {0};
        char **found = NULL;
        size_t n_found = 0;
        bool dir_default = false;
        int r;

        if (store->dir) {
                r = scan_dir(store->dir, &found, &n_found, err);
                if (r < 0)
                        return r;
        }
        plan.names = calloc(n_found + 1, sizeof(*plan.names));
        plan.paths = calloc(n_found + 1, sizeof(*plan.paths));
        if (!plan.names || !plan.paths)
                goto oom;
        for (size_t i = 0; i < n_found; i++)
                if (strcmp(found[i], PROFILE_DEFAULT) == 0)
                        dir_default = true;
        /* The default first: --policy, else DIR/default.json, else built in. */
        plan.names[0] = strdup(PROFILE_DEFAULT);
        if (!plan.names[0])
                goto oom;
        plan.n = 1;
        if (store->default_path) {
                if (!(plan.paths[0] = strdup(store->default_path)))
                        goto oom;
        } else if (dir_default) {
                if (!(plan.paths[0] = profile_path(store, PROFILE_DEFAULT)))
                        goto oom;
        }
        for (size_t i = 0; i < n_found; i++) {
                if (strcmp(found[i], PROFILE_DEFAULT) == 0)
                        continue; /* --policy overrides DIR/default.json */
                plan.names[plan.n] = found[i];
                found[i] = NULL;
                plan.paths[plan.n] = profile_path(store, plan.names[plan.n]);
                plan.n++;
                if (!plan.paths[plan.n - 1])
                        goto oom;
        }
        free_names(found, n_found);
        *ret_plan = plan;
        return 0;
oom:
        free_names(found, n_found);
        plan_free(&plan);
        snprintf(err->message, sizeof(err->message), "out of memory");
        return -ENOMEM;
}

static int compare_profiles(const void *a, const void *b)
{
        const struct stored_profile *x = *(struct stored_profile *const *)a;
        const struct stored_profile *y = *(struct stored_profile *const *)b;
        return strcmp(x->name, y->name);
}

int profile_store_open(struct profile_store *store, const char *default_path, const char *dir,
                       struct policy_error *err)
{
        struct plan plan = {0};
        int r;

        memset(store, 0, sizeof(*store));
        if ((default_path && !(store->default_path = strdup(default_path))) ||
            (dir && !(store->dir = strdup(dir)))) {
                snprintf(err->message, sizeof(err->message), "out of memory");
                r = -ENOMEM;
                goto fail;
        }
        r = make_plan(store, &plan, err);
        if (r < 0)
                goto fail;
        struct stored_profile **profiles = calloc(plan.n, sizeof(*profiles));
        if (!profiles) {
                snprintf(err->message, sizeof(err->message), "out of memory");
                r = -ENOMEM;
                goto fail;
        }
        store->profiles = profiles;
        for (size_t i = 0; i < plan.n; i++) {
                r = load_profile(plan.names[i], plan.paths[i], &store->profiles[i], err);
                if (r < 0)
                        goto fail;
                store->n_profiles++;
        }
        qsort(store->profiles, store->n_profiles, sizeof(*store->profiles), compare_profiles);
        plan_free(&plan);
        return 0;
fail:
        plan_free(&plan);
        profile_store_close(store);
        return r;
}

struct stored_profile *profile_store_find(const struct profile_store *store, const char *name)
{
        if (store->n_profiles == 0)
                return NULL;
        struct stored_profile key = {.name = (char *)(name && *name ? name : PROFILE_DEFAULT)};
        struct stored_profile *keyp = &key;
        struct stored_profile **found = bsearch(&keyp, store->profiles, store->n_profiles,
                                                sizeof(*store->profiles), compare_profiles);
        return found ? *found : NULL;
}

static void reportf(profile_store_report_fn report, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reportf(profile_store_report_fn report, void *ctx, const char *fmt, ...)
{
        char message[POLICY_ERROR_MAX + 256];
        va_list ap;

        if (!report)
                return;
        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        report(ctx, message);
}

int profile_store_reload(struct profile_store *store, profile_store_report_fn report, void *ctx)
{
        struct plan plan = {0};
        struct stored_profile **fresh = NULL;
        struct profile_failure *failures = NULL;
        struct policy_error err;
        size_t n_fresh = 0, n_failures = 0;
        int failed = 0, r;

        r = make_plan(store, &plan, &err);
        if (r < 0) {
                reportf(report, ctx, "reload: %s; every profile stays as it was", err.message);
                return r;
        }
        fresh = calloc(plan.n, sizeof(*fresh));
        failures = calloc(plan.n ? plan.n : 1, sizeof(*failures));
        if (!fresh || !failures) {
                free(fresh);
                free(failures);
                plan_free(&plan);
                reportf(report, ctx, "reload: out of memory; every profile stays as it was");
                return -ENOMEM;
        }
        for (size_t i = 0; i < plan.n; i++) {
                struct stored_profile *old = profile_store_find(store, plan.names[i]);
                r = load_profile(plan.names[i], plan.paths[i], &fresh[n_fresh], &err);
                if (r == 0) {
                        n_fresh++;
                        continue;
                }
                failed++;
                note_failure(failures, &n_failures, plan.names[i], plan.paths[i], err.message,
                             old != NULL);
                if (old) {
                        fresh[n_fresh++] = stored_profile_ref(old);
                        reportf(report, ctx,
                                "reload: profile \"%s\": %s; keeping the version loaded before",
                                plan.names[i], err.message);
                } else {
                        reportf(report, ctx, "reload: profile \"%s\": %s; not available",
                                plan.names[i], err.message);
                }
        }
        qsort(fresh, n_fresh, sizeof(*fresh), compare_profiles);
        for (size_t i = 0; i < store->n_profiles; i++) {
                const char *name = store->profiles[i]->name;
                struct stored_profile key = {.name = (char *)name}, *keyp = &key;
                if (!bsearch(&keyp, fresh, n_fresh, sizeof(*fresh), compare_profiles))
                        reportf(report, ctx,
                                "reload: profile \"%s\" is gone; targets using it keep it", name);
        }
        free_list(store->profiles, store->n_profiles);
        store->profiles = fresh;
        store->n_profiles = n_fresh;
        free_failures(store->failures, store->n_failures);
        store->failures = failures;
        store->n_failures = n_failures;
        plan_free(&plan);
        return failed;
}

void profile_store_close(struct profile_store *store)
{
        free_list(store->profiles, store->n_profiles);
        free_failures(store->failures, store->n_failures);
        free(store->dir);
        free(store->default_path);
        memset(store, 0, sizeof(*store));
}
