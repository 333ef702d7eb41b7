/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/*
 * Whether what comes next on an output we share with a command begins a
 * line. A report written after the command's own output (GitHub workflow
 * commands, which the runner recognises only at the start of a line) must
 * not be glued onto its last line when that line has no newline.
 *
 * We never see the command's output, so the last byte is looked up in the
 * open file: when fd is a regular file, the byte just before its offset
 * (the command's writes moved the offset we share with it; with O_APPEND
 * the end of the file). Anything else (a pipe, a terminal, a socket)
 * cannot be read back, and the answer is false.
 */
bool fd_at_line_start(int fd);

/* Flushes out, then writes a newline unless fd_at_line_start() says the
 * next byte starts a line anyway. 0, or -EIO. */
int stream_start_line(FILE *out);
