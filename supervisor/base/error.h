/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The supervisor's error convention (HACKING.md, "Errors"): a function that
 * can fail returns 0 (or a count) on success and a negative errno on
 * failure; where a person needs to know what went wrong, it also writes one
 * line of reason into a buffer its caller passes last, as
 * (char *reterr, size_t reterr_size), and only the front ends in cli/ print
 * it. The policy library carries the same in struct policy_error, which
 * adds the place in the profile.
 */

#include <stddef.h>

/* Writes the reason into reterr (if any) and returns r, so a failure reads
 * `return error_set(reterr, reterr_size, -ENOENT, "%s: no such file", p);`. */
__attribute__((format(printf, 4, 5))) int error_set(char *reterr, size_t reterr_size, int r,
                                                    const char *fmt, ...);
