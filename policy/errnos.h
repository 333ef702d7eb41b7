/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * errno names as profiles write them ("EPERM", "EACCES"), for deny rules
 * that return a chosen error.
 */

/*
 * Returns the value of an errno name, case-sensitive ("EPERM" is 1), or of a
 * decimal string from "1" to "4095" (the kernel's MAX_ERRNO), or -1 for
 * anything else.
 */
int errno_from_name(const char *name);

/*
 * Returns the name of e, or NULL if Linux defines none. Where names share a
 * value the usual one wins: EAGAIN over EWOULDBLOCK, EDEADLK over EDEADLOCK,
 * EOPNOTSUPP over ENOTSUP.
 */
const char *errno_to_name(int e);

/*
 * Returns the known name closest to name by edit distance (insertions,
 * deletions, substitutions and swaps of adjacent letters, ignoring case), for
 * "did you mean EACCES?" hints, or NULL if none is within distance 2.
 */
const char *errno_suggest(const char *name);
