/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Compiled filters, cached. libseccomp needs about 10 ms to build Docker's
 * default profile for x86-64, x86 and x32, which is most of what `run` adds
 * to a short command's start. The cache file holds the whole key (profile
 * text, the facts includes/excludes saw, compile options, versions, the
 * build ids of scmp-super and libseccomp) next to
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

/*
 * What every cached filter depends on besides its own inputs, as lines of
 * text for a key: this executable's GNU build id (without one, what stat()
 * says of it), and libseccomp's version, API level and build id (or the
 * stat() of its file), whose name tables and compiler make the filters. A
 * rebuilt scmp-super, or a libseccomp patched without a new version, never
 * takes another's filter. Needs BPF_CACHE_IDENTITY_MAX bytes.
 */
#define BPF_CACHE_IDENTITY_MAX 512
void bpf_cache_identity(char *out, size_t size);

/* Fills ret_bpf from the cache or by compiling; on a miss, stores the
 * result. ret_hit (may be NULL) says which. */
int bpf_cache_build(const struct policy *policy, const struct policy_compile_opts *opts,
                    struct policy_bpf *ret_bpf, bool *ret_hit, struct policy_error *err);

/*
 * The same cache for any other filter: kind names its files ("confine"),
 * key is everything the filter depends on, byte for byte. On a hit,
 * ret_bpf is filled from the file; else build(build_ctx, ret_bpf) makes it
 * and, on success, it is stored. Returns build's result, or 0 on a hit;
 * ret_hit (may be NULL) says which. The caller frees ret_bpf with
 * policy_bpf_free().
 */
int bpf_cache_get(const char *kind, const void *key, size_t key_len,
                  int (*build)(void *build_ctx, struct policy_bpf *ret_bpf), void *build_ctx,
                  struct policy_bpf *ret_bpf, bool *ret_hit);
