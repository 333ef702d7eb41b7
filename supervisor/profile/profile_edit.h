/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Saving a rule into a profile file for good ("forever" answers to a
 * prompt). The rule goes to the front of supervisor.rules, so it wins over
 * every rule already there, and the rest of the document is kept exactly as
 * it was: the rule's text is spliced into the file's own text, in the file's
 * own indentation, and the result is checked to parse to the original
 * document plus the rule before anything is written. Only if that check
 * fails (an unusual layout) is the whole document printed again from its
 * parsed form, which keeps every member and value but not the formatting.
 *
 * The file is replaced atomically: a temporary file in the same directory,
 * with the original's mode (and owner, when we may), written, fsync'ed and
 * renamed over the original, then the directory fsync'ed. Readers see the
 * old profile or the new one, never a mixture, and a crash leaves at worst a
 * stray temporary file.
 */

#include <cjson/cJSON.h>
#include <stddef.h>

/*
 * Makes the text of the profile text (len bytes) with rule inserted at the
 * front of supervisor.rules (of linux.seccomp for a whole OCI config),
 * creating "rules" or "supervisor" as needed. The new text is checked to load
 * as a profile. Returns 0 and a malloc'd, NUL-terminated *ret_text; -EINVAL
 * with a message in err when the text is not a profile that loads, before or
 * after; -ENOMEM.
 */
int profile_insert_rule_text(const char *text, size_t len, const cJSON *rule, char **ret_text,
                             char *reterr, size_t reterr_size);

/*
 * Reads the profile at path (following symlinks to the real file), inserts
 * rule as profile_insert_rule_text() does and replaces the file atomically.
 * If the file changes while we work, the edit is redone on the new text.
 * Returns 0, or a negative errno with a message in err; on failure the file
 * is left as it was.
 */
int profile_add_rule(const char *path, const cJSON *rule, char *reterr, size_t reterr_size);
