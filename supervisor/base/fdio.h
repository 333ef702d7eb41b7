/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Writes all of buf to fd, retrying after EINTR and short writes: 0, or a
 * negative errno (-EIO if the kernel took nothing). */
int fd_write_all(int fd, const void *buf, size_t len);
/* Reads exactly len bytes from fd into buf, retrying after EINTR and short
 * reads: 0, a negative errno, or -ENODATA at end of file first. */
int fd_read_all(int fd, void *buf, size_t len);

/*
 * Replacing a file whole, so that a reader sees the old one or the new one,
 * and so that no other process of our uid (a command we supervise) can
 * open the new one while it is written: it would then hold a write handle
 * on the file once it is renamed into place, past every rule that protects
 * the file's name.
 *
 * file_replace_begin() creates a temporary file beside path, ".BASE.
 * scmp-super-XXXXXX", with mode 0 from the start (under umask 0777, so no
 * window after creation); its name goes into tmp (tmp_size bytes). Returns
 * the descriptor, or a negative errno. file_replace_commit() syncs it,
 * renames it onto path, then gives it mode, and closes fd; on failure it
 * removes the temporary file. file_replace_abort() closes and removes it.
 */
int file_replace_begin(const char *path, char *tmp, size_t tmp_size);
int file_replace_commit(int fd, const char *tmp, const char *path, mode_t mode);
void file_replace_abort(int fd, const char *tmp);

/*
 * file_replace_commit() for a file rewritten every few seconds, which
 * readers poll and must never find unreadable, and whose loss at a crash
 * costs nothing (the daemon's --metrics-file): fd gets its mode before it
 * is renamed onto path, and nothing is synced. Closes fd; on failure
 * removes the temporary file. 0 or a negative errno.
 */
int file_replace_publish(int fd, const char *tmp, const char *path, mode_t mode);

/* Replaces path with text whole (file_replace_begin/commit), readable by
 * all as the umask allows. 0 or a negative errno. */
int file_replace_text(const char *path, const char *text);
