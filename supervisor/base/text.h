/* SPDX-License-Identifier: MIT */
#pragma once

/* Text that came from somebody else (a runtime, a peer, a target), made
 * safe to print on a terminal or in a log line. */

#include <stddef.h>
#include <sys/types.h>

/* s with control and non-ASCII bytes replaced by '?', cut to fit size
 * bytes with its NUL, in buf; "-" for NULL. Returns buf (or "-"), so that
 * a peer can neither forge lines nor move a terminal's cursor. */
const char *text_printable(const char *s, char *buf, size_t size);

/* "container ID (pid P)", or "pid P" when id is NULL or empty, in buf;
 * the id made printable. Returns buf. */
const char *text_describe_target(const char *id, pid_t pid, char *buf, size_t size);
