/* SPDX-License-Identifier: MIT */
/*
 * --log: one JSON object per line per decision. The line is built in a
 * buffer by hand (printf and per-character stdio calls were most of what
 * logging cost per call, bench/ row d) and added whole to the log file's
 * own buffer, under its lock, which goes out in whole lines.
 */
#include "decision_log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errnos.h"
#include "fdio.h"
#include "netaddr.h"
#include "supervisor.h"
#include "syscall_args.h"

/* Large enough for two paths escaped at six bytes a byte and the rest. */
#define LINE_MAX_BYTES (16 * PATH_MAX)

struct line {
        char buf[LINE_MAX_BYTES];
        size_t len;
};

static void put_bytes(struct line *l, const char *s, size_t n)
{
        if (n > sizeof(l->buf) - l->len)
                n = sizeof(l->buf) - l->len;
        memcpy(l->buf + l->len, s, n);
        l->len += n;
}

/* A string literal: its length is known when compiling, and so the copy
 * is a few moves rather than strlen and memcpy calls. */
#define PUT_LITERAL(l, s) put_bytes((l), "" s, sizeof(s) - 1)

static void put(struct line *l, const char *s)
{
        put_bytes(l, s, strlen(s));
}

/* Decimal, at least min_digits digits. The divisor is a constant, so no
 * division instruction: numbers are a good part of every line. */
static void put_dec(struct line *l, uint64_t v, unsigned min_digits)
{
        char tmp[24];
        size_t i = sizeof(tmp);
        do {
                tmp[--i] = (char)('0' + v % 10);
                v /= 10;
        } while ((v || sizeof(tmp) - i < min_digits) && i > 0);
        put_bytes(l, tmp + i, sizeof(tmp) - i);
}

/* Lower-case hexadecimal, at least min_digits digits, written in place:
 * six of them on every line. */
static void put_hex(struct line *l, uint64_t v, unsigned min_digits)
{
        unsigned n = v ? (67u - (unsigned)__builtin_clzll(v)) / 4 : 1;
        if (n < min_digits)
                n = min_digits;
        if (n > sizeof(l->buf) - l->len)
                return;
        char *p = l->buf + l->len + n;
        l->len += n;
        while (n--) {
                *--p = "0123456789abcdef"[v & 0xf];
                v >>= 4;
        }
}

/* The bytes a JSON string may hold as they are: printable ASCII but the
 * quote and the backslash. One load per byte of a path or a name. */
static const bool json_plain[256] = {
    [0x20 ... 0x21] = true, /* '"' is 0x22 */
    [0x23 ... 0x5b] = true, /* '\\' is 0x5c */
    [0x5d ... 0x7e] = true,
};

/* Target-supplied bytes are escaped, never trusted to be UTF-8 or
 * printable. Runs of plain bytes are copied at once. */
static void put_json_string(struct line *l, const char *s)
{
        const unsigned char *p = (const unsigned char *)s;

        PUT_LITERAL(l, "\"");
        for (;;) {
                size_t run = 0;
                while (json_plain[p[run]])
                        run++;
                put_bytes(l, (const char *)p, run);
                p += run;
                if (!*p)
                        break;
                if (l->len + 6 > sizeof(l->buf))
                        break;
                if (*p == '"' || *p == '\\') {
                        l->buf[l->len++] = '\\';
                        l->buf[l->len++] = (char)*p;
                } else {
                        PUT_LITERAL(l, "\\u00");
                        put_hex(l, *p, 2);
                }
                p++;
        }
        PUT_LITERAL(l, "\"");
}

/* ,"key":"value" where key is a literal. */
#define PUT_KEY_STRING(l, key, value)                                                              \
        do {                                                                                       \
                PUT_LITERAL((l), ",\"" key "\":");                                                 \
                put_json_string((l), (value));                                                     \
        } while (0)

/* "2026-11-22T11:37:28", formatted once a second. */
static void put_time(struct line *l)
{
        static _Thread_local time_t cached_sec = -1;
        static _Thread_local char cached[32];
        static _Thread_local size_t cached_len;
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        if (ts.tv_sec != cached_sec) {
                struct tm tm;
                gmtime_r(&ts.tv_sec, &tm);
                cached_len = strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
                cached_sec = ts.tv_sec;
        }
        put_bytes(l, cached, cached_len);
        PUT_LITERAL(l, ".");
        put_dec(l, (uint64_t)ts.tv_nsec / 1000, 6);
        PUT_LITERAL(l, "Z");
}

static int put_named_arg(void *ctx, const char *key, const char *value)
{
        struct line *l = ctx;
        PUT_LITERAL(l, ",\"");
        put(l, key);
        PUT_LITERAL(l, "\":");
        put_json_string(l, value);
        return 0;
}

struct log_file {
        int fd;
        pthread_mutex_t lock; /* len, buf, warned */
        bool warned;
        size_t len;
        char buf[DECISION_LOG_BUFFER];
};

struct log_file *log_file_open(const char *path)
{
        struct log_file *f = malloc(sizeof(*f));
        if (!f) {
                errno = ENOMEM;
                return NULL;
        }
        f->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (f->fd < 0) {
                int e = errno;
                free(f);
                errno = e;
                return NULL;
        }
        pthread_mutex_init(&f->lock, NULL);
        f->warned = false;
        f->len = 0;
        return f;
}

static int flush_locked(struct log_file *f)
{
        int r = fd_write_all(f->fd, f->buf, f->len);
        f->len = 0;
        if (r < 0 && !f->warned) {
                /* Said once: a full disk would otherwise say it per line. */
                fprintf(stderr, "scmp-super: --log: writing: %s; decisions are being lost\n",
                        strerror(-r));
                f->warned = true;
        }
        return r;
}

int log_file_flush(struct log_file *f)
{
        pthread_mutex_lock(&f->lock);
        int r = flush_locked(f);
        pthread_mutex_unlock(&f->lock);
        return r;
}

/* A line goes to the file whole: the buffer is written out before a line
 * that does not fit in what is left of it. */
static void log_file_add(struct log_file *f, const char *line, size_t len)
{
        pthread_mutex_lock(&f->lock);
        if (f->len + len > sizeof(f->buf))
                flush_locked(f);
        if (len > sizeof(f->buf)) {
                int r = fd_write_all(f->fd, line, len);
                (void)r; /* the next flush reports a file that fails */
        } else {
                memcpy(f->buf + f->len, line, len);
                f->len += len;
        }
        pthread_mutex_unlock(&f->lock);
}

void log_file_close(struct log_file *f)
{
        if (!f)
                return;
        log_file_flush(f);
        close(f->fd);
        pthread_mutex_destroy(&f->lock);
        free(f);
}

void decision_log_write(struct log_file *out, const struct target *t,
                        const struct policy_call *call, const struct policy_decision *d)
{
        /* One line at a time per thread (the loop's, and a lane's):
         * thread-local storage keeps 64 KiB off the stack and out of the
         * allocator. */
        static _Thread_local struct line line;
        struct line *l = &line;
        char text[256];

        l->len = 0;
        PUT_LITERAL(l, "{\"time\":\"");
        put_time(l);
        PUT_LITERAL(l, "\",\"pid\":");
        put_dec(l, (uint64_t)call->pid, 1);
        if (t->id)
                PUT_KEY_STRING(l, "container", t->id);
        PUT_LITERAL(l, ",\"exe\":");
        if (call->have_exe && call->exe)
                put_json_string(l, call->exe);
        else
                PUT_LITERAL(l, "null");
        PUT_KEY_STRING(l, "syscall", supervisor_syscall_name(t->sup, call->nr));
        PUT_LITERAL(l, ",\"nr\":");
        put_dec(l, (uint64_t)call->nr, 1);
        PUT_LITERAL(l, ",\"args\":[");
        for (int i = 0; i < 6; i++) {
                if (i)
                        PUT_LITERAL(l, ",\"0x");
                else
                        PUT_LITERAL(l, "\"0x");
                put_hex(l, call->args[i], 1);
                PUT_LITERAL(l, "\"");
        }
        PUT_LITERAL(l, "]");

        if (call->have_paths && call->n_paths) {
                PUT_LITERAL(l, ",\"paths\":[");
                for (unsigned i = 0; i < call->n_paths; i++) {
                        if (i)
                                PUT_LITERAL(l, ",");
                        if (call->paths[i])
                                put_json_string(l, call->paths[i]);
                        else
                                PUT_LITERAL(l, "null");
                }
                PUT_LITERAL(l, "]");
        }
        if (call->have_addr && call->addr_len > 0 &&
            netaddr_format((const struct sockaddr *)&call->addr, call->addr_len, text,
                           sizeof(text)) == 0)
                PUT_KEY_STRING(l, "address", text);
        syscall_describe_args(call->nr, call->args, put_named_arg, l);

        if (d->rule) {
                PUT_LITERAL(l, ",\"rule\":\"supervisor.rules[");
                put_dec(l, d->rule->source_index, 1);
                PUT_LITERAL(l, "]\"");
                if (d->rule->comment)
                        PUT_KEY_STRING(l, "comment", d->rule->comment);
        } else {
                PUT_KEY_STRING(l, "rule", "default");
        }
        PUT_KEY_STRING(l, "decision", policy_verdict_name(d->verdict));
        if (d->verdict == VERDICT_DENY) {
                const char *e = errno_to_name(d->errno_value);
                PUT_KEY_STRING(l, "errno", e ? e : "?");
        }
        /* A line cut short by the buffer still ends as valid JSON only if
         * nothing was cut; the buffer is sized so that cannot happen. */
        PUT_LITERAL(l, "}\n");

        log_file_add(out, l->buf, l->len);
}
