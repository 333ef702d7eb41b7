/* SPDX-License-Identifier: MIT */
#pragma once

/* --log: one JSON object per line per supervisor decision. */

#include <stdbool.h>
#include <uv.h>

#include "policy.h"

/* One decision, as a line shows it. */
struct decision_log_entry {
        const char *container;    /* the container id, or NULL */
        const char *syscall_name; /* the native name of call->nr, or NULL: "?" */
        const struct policy_call *call;
        const struct policy_decision *decision;
        /* Denied because deciding took too long (reading the target did
         * not end in time): "rule" is "deadline", and call holds the raw
         * arguments only. */
        bool deadline;
        /* Who decided, when it was not the rule in decision (a prompt's
         * answer): "tty", "client" (with by_uid, the client's uid),
         * "timeout", "session-rule", "forever-rule". NULL: "rule", or
         * "default" when no rule decided, or "deadline". by_uid is -1 when
         * there is none. */
        const char *by;
        long by_uid;
};

/*
 * The log file: appended to (O_APPEND), through a buffer of our own that
 * is written out only in whole lines, so that runs appending to one file
 * at once never split each other's lines. (stdio would not do: it fills
 * its buffer to the last byte, and ignores the size given to setvbuf
 * without a buffer.) Any thread may write; a lock keeps lines whole.
 */
#define DECISION_LOG_BUFFER (1 << 16)

struct log_file;

/* NULL with errno set when path cannot be opened. */
struct log_file *log_file_open(const char *path);
/* Opens path again (a log rotated away) and writes there from now on,
 * while other threads go on writing; what was buffered goes to the old
 * file first. 0, or a negative errno with the old file kept. */
int log_file_reopen(struct log_file *f, const char *path);
/* Writes out what is buffered; 0 or a negative errno. */
int log_file_flush(struct log_file *f);
/* The log is block-buffered for speed: this flushes f every second from
 * timer, so a reader following it is never far behind. timer is
 * initialised here and never keeps the loop alive; its owner closes it
 * (uv_close) unless this failed. 0 or a negative errno. */
int log_file_flush_every_second(struct log_file *f, uv_loop_t *loop, uv_timer_t *timer);
/* Flushes, closes and frees (NULL is fine). */
void log_file_close(struct log_file *f);

/* Formats the decision as one JSON line and adds it to out. */
void decision_log_write(struct log_file *out, const struct decision_log_entry *e);

/* Frees what the calling thread kept for making lines: for a thread that
 * logged, before it exits. */
void decision_log_thread_exit(void);
