/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * listenerMetadata, the one string a container's seccomp profile passes
 * through the runtime to the daemon: which profile decides the target, and
 * whether it is a `run --connect` launcher (docs/DAEMON.md).
 */

#include <stdbool.h>
#include <stddef.h>

#include "daemon/profile_store.h"

#define DAEMON_MAX_METADATA 4096
/* The listenerMetadata key that marks a `run --connect` launcher. */
#define DAEMON_LAUNCHER_KEY "scmp-super-launcher"

/* What a target's listenerMetadata asks for. */
struct daemon_metadata {
        char policy[PROFILE_NAME_MAX + 1]; /* "" for the default */
        bool launcher;                     /* scmp-super-launcher=1 */
        /* trace=NAME: record the target into the daemon's --trace-dir as
         * NAME.json and the rest (docs/TRACE.md); "" for none. */
        char trace[PROFILE_NAME_MAX + 1];
};

/*
 * Parses listenerMetadata: items "key=value" separated by ';', blanks
 * around items ignored. Keys: "policy" (a profile name),
 * "scmp-super-launcher" ("1" or "0") and "trace" (a name of the same
 * form, which becomes a file name in the trace directory). NULL or empty metadata asks for
 * nothing. Anything else (an unknown key, an item without '=', a name that
 * is not a profile name, a key given twice) is an error, so that a typo
 * cannot quietly select the default profile. Returns 0 or -EINVAL with the
 * reason in reterr.
 */
int daemon_parse_metadata(const char *text, struct daemon_metadata *ret, char *reterr,
                          size_t reterr_size);
