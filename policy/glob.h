/* SPDX-License-Identifier: MIT */
#pragma once

// Shell-style globs over absolute paths, as written in profiles. (Line
// comments here, because glob examples are full of the characters that end a
// block comment.)
//
//   *       any run of characters other than '/', possibly empty
//   **      any run of characters including '/', possibly empty (longer runs
//           of '*' mean the same)
//   /**/    additionally matches a single '/', so "/a/**/b" matches "/a/b"
//           as well as "/a/x/b" and "/a/x/y/b"
//   ?       exactly one character other than '/'
//   [abc]   one character from the set; "[a-z]" ranges, "[!x]" or "[^x]"
//           negation, ']' first in the set is literal. A class never matches
//           '/', negated or not.
//   \c      the character c itself, also inside a class
//
// "/etc/**" matches everything below /etc ("/etc/a", "/etc/a/b", and "/etc/"
// since '**' may be empty) but not "/etc" itself, as in gitignore: a rule
// meant to cover the directory too lists "/etc" as well. There is no special
// case for names starting with '.': "/etc/*" matches "/etc/.hidden".
//
// Matching runs in O(strlen(pattern) * strlen(path)) time and constant space,
// whatever the pattern, so a hostile or careless profile cannot make the
// supervisor stall.

#include <stdbool.h>

/* Longest pattern accepted, in bytes, not counting the terminating NUL. */
#define PATH_GLOB_MAX 4096

// Returns whether path matches pattern. The matcher does not itself insist on
// a leading '/' (socket rules match abstract names with "@dbus-*");
// path_glob_validate() does. Malformed patterns match deterministically: an
// unterminated '[' and a trailing '\' are taken literally. A pattern longer
// than PATH_GLOB_MAX, or a NULL argument, matches nothing.
bool path_glob_match(const char *pattern, const char *path);

/*
 * Checks a pattern for the loader: 0 if usable, or -EINVAL with *ret_reason
 * set to a short static English reason (unterminated '[', trailing '\',
 * reversed range, too long, not absolute). ret_reason may be NULL and is
 * written only on failure.
 */
int path_glob_validate(const char *pattern, const char **ret_reason);

/* As path_glob_validate(), without requiring the pattern to be absolute. */
int path_glob_validate_syntax(const char *pattern, const char **ret_reason);
