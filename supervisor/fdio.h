/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* Writes all of buf to fd, retrying after EINTR and short writes: 0, or a
 * negative errno (-EIO if the kernel took nothing). */
int fd_write_all(int fd, const void *buf, size_t len);
