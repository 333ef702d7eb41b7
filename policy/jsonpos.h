/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * cJSON keeps no positions, so error messages find the place of a value by
 * walking the source text along the value's JSON path. The walk only skips
 * over text cJSON already accepted, so it can be simple.
 */

#include <stddef.h>

#define JSONPOS_MAX_DEPTH 16

struct jsonpos_segment {
        const char *key; /* object member, or NULL for an array index */
        size_t index;
};

struct jsonpos_path {
        struct jsonpos_segment seg[JSONPOS_MAX_DEPTH];
        size_t depth;
};

/* Byte offset of the value at path, or of the member's key when want_key is
 * set; -1 when the path does not lead anywhere. */
long jsonpos_locate(const char *text, size_t len, const struct jsonpos_path *path, int want_key);
/* 1-based line and column of offset. */
void jsonpos_line_col(const char *text, size_t offset, unsigned *ret_line, unsigned *ret_col);
/* "syscalls[3].args[0].op" */
void jsonpos_format(const struct jsonpos_path *path, char *buf, size_t size);

/* Why JSON that cJSON refused at offset (its error position) is broken, as
 * far as a look at the text can tell. */
enum jsonpos_fault {
        JSONPOS_FAULT_OTHER,
        JSONPOS_FAULT_EMPTY,          /* nothing but white space */
        JSONPOS_FAULT_TOO_DEEP,       /* max_depth brackets open at offset */
        JSONPOS_FAULT_TRAILING_COMMA, /* a ',' right before a ']' or '}' */
};

/* For JSONPOS_FAULT_TRAILING_COMMA, *ret_offset is the comma's; otherwise
 * offset itself. */
enum jsonpos_fault jsonpos_diagnose(const char *text, size_t len, size_t offset, int max_depth,
                                    size_t *ret_offset);
