/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The daemon's profiles by name: a default, and optionally every DIR/NAME.json
 * of a profile directory, reloaded together on SIGHUP. Each loaded profile is
 * reference counted, because a reload must not free a policy that a target
 * is still deciding with or that a pending prompt's rule points into; the
 * store holds one reference, and whoever decides with it holds another.
 */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "policy.h"

/* Names are what listenerMetadata may say in "policy=NAME": letters, digits,
 * '.', '_' and '-', not starting with '.', so no name is a path. */
#define PROFILE_NAME_MAX 64
#define PROFILE_DEFAULT  "default"

struct stored_profile {
        unsigned refs;
        char *name;   /* "default" or NAME */
        char *source; /* the file, or "<built-in default>" */
        struct policy *policy;
};

/* A profile the last reload could not load, for `scmp-super status`. */
struct profile_failure {
        char *name;
        char *source;  /* the file */
        char *message; /* file:line:col: field: what is wrong */
        time_t when;
        bool kept; /* the version loaded before still serves; else it is not available */
};

struct profile_store {
        char *dir;          /* NULL: no named profiles */
        char *default_path; /* --policy FILE; NULL: DIR/default.json or the built-in */
        struct stored_profile **profiles; /* sorted by name; includes the default */
        size_t n_profiles;
        /* What the last reload that read the profiles failed to load;
         * replaced by every such reload, so a fixed file leaves the list. */
        struct profile_failure *failures;
        size_t n_failures;
};

/* Where a store reports what it loaded, kept or could not load. */
typedef void (*profile_store_report_fn)(void *ctx, const char *message);

bool profile_name_valid(const char *name);

/*
 * Loads the default profile (default_path, else DIR/default.json, else the
 * built-in default) and every DIR/NAME.json with a valid NAME. Every
 * profile must load: a daemon should not start with half its profiles.
 * Returns 0, or a negative errno with the reason in err.
 */
int profile_store_open(struct profile_store *store, const char *default_path, const char *dir,
                       struct policy_error *err);

/*
 * Loads every profile again. A profile that fails to load keeps its previous
 * version (reported); a file that is new is added; a file that is gone is
 * dropped from the store (whoever still holds it keeps it alive). Returns
 * the number of profiles that failed, or a negative errno when the directory
 * itself cannot be read (the store is then unchanged). The failures are
 * kept in store->failures until the next reload (an allocation failure
 * leaves one out; the report still says it).
 */
int profile_store_reload(struct profile_store *store, profile_store_report_fn report, void *ctx);

/* The profile named name (NULL or "" means the default), or NULL. The
 * reference is the store's: take one with stored_profile_ref to keep it. */
struct stored_profile *profile_store_find(const struct profile_store *store, const char *name);

struct stored_profile *stored_profile_ref(struct stored_profile *profile);
void stored_profile_unref(struct stored_profile *profile);

/* Drops the store's references. */
void profile_store_close(struct profile_store *store);
