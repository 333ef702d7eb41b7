/* SPDX-License-Identifier: MIT */
#pragma once

/* Small language helpers every part of the supervisor uses. */

#include <stddef.h>

/* The struct that embeds member, from a pointer to it: how a libuv
 * callback, given the handle, finds its owner. */
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
