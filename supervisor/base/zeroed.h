/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Zeroed tables straight from the kernel. A page of an anonymous mapping is
 * mapped when first touched, so a table indexed by syscall number costs
 * only the pages its used entries fall in. calloc() writes every byte of a
 * block it takes from freed heap, which at start-up (after the profile's
 * JSON tree is freed) is most of what it hands out: on a virtual machine,
 * where a page fault costs microseconds, that was a tenth of a millisecond
 * before the command could start (docs/PERFORMANCE.md).
 */

#include <stddef.h>

/* size bytes of zeroes, or NULL with errno set. size 0 gives NULL. */
void *zeroed_alloc(size_t size);
/* Gives back what zeroed_alloc(size) returned; p may be NULL. */
void zeroed_free(void *p, size_t size);
