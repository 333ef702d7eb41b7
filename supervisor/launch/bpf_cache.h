/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Compiled filters, cached. libseccomp needs about 10 ms to build Docker's
 * default profile for x86-64, x86 and x32, which is most of what `run` adds
 * to a short command's start. The cache file holds the whole key (profile
 * text, the facts includes/excludes saw, compile options, versions) next to
 * the filter, and a hit requires the key to match byte for byte, so a hash
 * collision can only cost a miss.
 *
 * Location: $XDG_CACHE_HOME/scmp-super, else ~/.cache/scmp-super. Used only
 * when that directory is ours and not writable by anyone else; disabled by
 * SCMP_SUPER_CACHE=0. Any problem with the cache means a rebuild, never a
 * failure.
 */

#include <stdbool.h>

#include "policy.h"

/* Fills ret_bpf from the cache or by compiling; on a miss, stores the
 * result. ret_hit (may be NULL) says which. */
int bpf_cache_build(const struct policy *policy, const struct policy_compile_opts *opts,
                    struct policy_bpf *ret_bpf, bool *ret_hit, struct policy_error *err);
