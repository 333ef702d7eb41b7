/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Helpers for editing a profile as text, so what we add (a trace's entries,
 * a "forever" rule) sits in the file in the file's own layout and the rest
 * of the document stays as its author wrote it.
 */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* One level of the text's indentation: a tab, or as many spaces as the
 * least indented line has. */
void profile_text_indent_unit(const char *text, size_t len, char *unit, size_t size);

/* The leading blanks of the line holding offset. */
void profile_text_line_indent(const char *text, size_t offset, char *buf, size_t size);

/* The object the profile lives in: the root, or linux.seccomp of a whole OCI
 * config.json, as the loader takes it; *ret_oci says which. */
cJSON *profile_seccomp_object(cJSON *root, bool *ret_oci);
