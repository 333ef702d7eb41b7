/* SPDX-License-Identifier: MIT */
#pragma once

/* Text that came from somebody else (a runtime, a peer, a target), made
 * safe to print on a terminal or in a log line. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* s with control and non-ASCII bytes replaced by '?', cut to fit size
 * bytes with its NUL, in buf; "-" for NULL. Returns buf (or "-"), so that
 * a peer can neither forge lines nor move a terminal's cursor. */
const char *text_printable(const char *s, char *buf, size_t size);

/* "container ID (pid P)", or "pid P" when id is NULL or empty, in buf;
 * the id made printable; pid 0 (a runtime's exec, as crun sends it) is
 * said in words. Returns buf. */
const char *text_describe_target(const char *id, pid_t pid, char *buf, size_t size);

/* The valid UTF-8 sequence at s, at most n bytes: its length (1 for
 * ASCII) and its code point in *ret_cp; 0 for a byte that starts no valid
 * sequence (overlong forms, surrogates and values past U+10FFFF are not
 * UTF-8). Reading stops at the first byte that does not continue the
 * sequence, so a NUL-terminated string may pass n = 4. */
size_t text_utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_cp);
