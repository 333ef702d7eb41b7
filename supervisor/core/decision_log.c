/* SPDX-License-Identifier: MIT */
/* core/decision_log.c: --log, one JSON line per decision, written in whole lines. */
/*
 * --log: one JSON object per line per decision. The line is built in a
 * buffer by hand (printf and per-character stdio calls were most of what
 * logging cost per call, bench/ row d) and added whole to the log file's
 * own buffer, under its lock, which goes out in whole lines.
 */
#include "core/decision_log.h"

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
#include "base/fdio.h"
#include "netaddr.h"
#include "syscall_args.h"

/*
 * A string in a line is cut after this many bytes of JSON text (and the
 * line says "truncated": true): an executable and two paths escaped at six
 * bytes a byte, or a profile's comment, have no other bound. Seven such
 * strings (container, exe, two paths, the two names they were given,
 * comment) and everything else fit in a line, so a line is never cut
 * anywhere else and always ends as JSON.
 */
#define JSON_STRING_MAX 8192
/* sendmmsg's peers listed in a line; past them, only their number. */
#define LOG_MAX_ADDRESSES 16
#define LINE_MAX_BYTES    (24 * PATH_MAX)
_Static_assert(LINE_MAX_BYTES >= 7 * (JSON_STRING_MAX + 2) + 16384,
               "a line holds its longest strings and the rest");

struct line {
        char buf[LINE_MAX_BYTES];
        size_t len;
        bool cut; /* a string was cut at JSON_STRING_MAX */
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

static const char digit_pairs[] = "0001020304050607080910111213141516171819202122232425262728293031"
                                  "323334353637383940414243444546474849"
                                  "5051525354555657585960616263646566676869707172737475767778798081"
                                  "828384858687888990919293949596979899";

/* Decimal, at least min_digits (at most 20) digits, two digits per step:
 * the microseconds of the time and the pid are on every line. */
static void put_dec(struct line *l, uint64_t v, unsigned min_digits)
{
        char tmp[20];
        size_t i = sizeof(tmp);
        while (v >= 100) {
                i -= 2;
                memcpy(tmp + i, digit_pairs + 2 * (v % 100), 2);
                v /= 100;
        }
        if (v >= 10) {
                i -= 2;
                memcpy(tmp + i, digit_pairs + 2 * v, 2);
        } else {
                tmp[--i] = (char)('0' + v);
        }
        while (sizeof(tmp) - i < min_digits && i > 0)
                tmp[--i] = '0';
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
 * printable. Runs of plain bytes are copied at once. At most
 * JSON_STRING_MAX bytes of text, cut before a whole escape. */
static void put_json_string(struct line *l, const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t end = l->len + 1 + JSON_STRING_MAX;

        PUT_LITERAL(l, "\"");
        for (;;) {
                size_t run = 0;
                while (json_plain[p[run]])
                        run++;
                if (run > end - l->len) {
                        put_bytes(l, (const char *)p, end - l->len);
                        l->cut = true;
                        break;
                }
                put_bytes(l, (const char *)p, run);
                p += run;
                if (!*p)
                        break;
                if (l->len + 6 > end) {
                        l->cut = true;
                        break;
                }
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

int log_file_reopen(struct log_file *f, const char *path)
{
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        pthread_mutex_lock(&f->lock);
        /* What was buffered belongs to the old file. */
        flush_locked(f);
        int old = f->fd;
        f->fd = fd;
        f->warned = false;
        pthread_mutex_unlock(&f->lock);
        close(old);
        return 0;
}

/* A line that could not be made (out of memory): said once, as a write
 * error is. */
static void log_file_lost(struct log_file *f)
{
        pthread_mutex_lock(&f->lock);
        if (!f->warned)
                fprintf(stderr, "scmp-super: --log: out of memory; decisions are being lost\n");
        f->warned = true;
        pthread_mutex_unlock(&f->lock);
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

/*
 * Most of a line repeats from one call to the next of a thread: who called
 * (pid, container, executable, syscall) and what decided (rule, comment,
 * verdict, errno). Each thread keeps the last text of both parts with what
 * it was made from, and compares those inputs, not pointers to them, before
 * using the text again: a reloaded profile may put another comment where
 * the old one was. Strings too long to keep are formatted every time.
 */
#define MEMO_KEY  512
#define MEMO_TEXT 2048

struct memo_string {
        bool null;
        size_t len;
        char s[MEMO_KEY];
};

static bool memo_string_is(const struct memo_string *m, const char *s)
{
        if (!s || m->null)
                return !s && m->null;
        /* Stops at the first difference or at the end of either. */
        return strncmp(m->s, s, m->len + 1) == 0;
}

static bool memo_string_set(struct memo_string *m, const char *s)
{
        m->null = !s;
        m->len = 0;
        if (!s)
                return true;
        size_t len = strlen(s);
        if (len >= sizeof(m->s)) {
                m->s[0] = '\0'; /* matches nothing the text was made from */
                return false;
        }
        m->len = len;
        memcpy(m->s, s, len + 1);
        return true;
}

struct memo_text {
        bool valid;
        size_t len;
        char text[MEMO_TEXT];
};

/* A string cut at JSON_STRING_MAX is longer than a key can be: text in
 * which a string was cut is never kept (its "truncated" would be lost). */
_Static_assert(JSON_STRING_MAX / 6 >= MEMO_KEY, "a cut string is never a memo key");

/* Keeps the line's text from start on, if it is not too long. */
static void memo_text_set(struct memo_text *m, bool keys_kept, const struct line *l, size_t start)
{
        m->valid = keys_kept && l->len - start <= sizeof(m->text);
        if (!m->valid)
                return;
        m->len = l->len - start;
        memcpy(m->text, l->buf + start, m->len);
}

struct who_memo {
        struct memo_text out;
        pid_t pid;
        int nr;
        struct memo_string container, exe, name;
};

struct verdict_memo {
        struct memo_text out;
        bool have_rule;
        size_t source_index;
        enum policy_verdict verdict;
        int errno_value;
        struct memo_string comment;
};

/* ,"pid":1,"container":"c","exe":"/bin/x","syscall":"getppid","nr":110 */
static void put_who(struct line *l, struct who_memo *m, const struct decision_log_entry *e)
{
        const struct policy_call *call = e->call;
        const char *exe = call->have_exe ? call->exe : NULL;
        const char *name = e->syscall_name ? e->syscall_name : "?";
        const char *container = e->container;

        if (m->out.valid && m->pid == call->pid && m->nr == call->nr &&
            memo_string_is(&m->container, container) && memo_string_is(&m->exe, exe) &&
            memo_string_is(&m->name, name)) {
                put_bytes(l, m->out.text, m->out.len);
                return;
        }
        size_t start = l->len;
        PUT_LITERAL(l, ",\"pid\":");
        put_dec(l, (uint64_t)call->pid, 1);
        if (container)
                PUT_KEY_STRING(l, "container", container);
        PUT_LITERAL(l, ",\"exe\":");
        if (exe)
                put_json_string(l, exe);
        else
                PUT_LITERAL(l, "null");
        PUT_KEY_STRING(l, "syscall", name);
        PUT_LITERAL(l, ",\"nr\":");
        put_dec(l, (uint64_t)call->nr, 1);

        m->pid = call->pid;
        m->nr = call->nr;
        bool kept = memo_string_set(&m->container, container);
        kept = memo_string_set(&m->exe, exe) && kept;
        kept = memo_string_set(&m->name, name) && kept;
        memo_text_set(&m->out, kept, l, start);
}

/* ,"uid":65534,"euid":0,"fsuid":0,"gid":0: where the decision read them
 * (a rule on identities), the real ids, and the others that differ. */
static void put_ids(struct line *l, const struct policy_call *call)
{
        for (unsigned id = 0; id < POLICY_ID_COUNT; id++) {
                if (!policy_id_shown(call, (enum policy_id)id))
                        continue;
                PUT_LITERAL(l, ",\"");
                put(l, policy_id_name((enum policy_id)id));
                PUT_LITERAL(l, "\":");
                put_dec(l, call->ids[id], 1);
        }
}

/*
 * ,"rule":"supervisor.rules[0]","comment":"c","decision":"deny","errno":"EPERM","by":"rule"
 * For a prompt's answer (by set), "rule" stays the rule that asked and "by"
 * says who answered, with ,"by_uid":N for a client: never kept in the memo.
 */
static void put_verdict(struct line *l, struct verdict_memo *m, const struct policy_decision *d,
                        const char *by, long by_uid)
{
        const char *comment = d->rule ? d->rule->comment : NULL;
        size_t index = d->rule ? d->rule->source_index : 0;

        if (!by && m->out.valid && m->have_rule == (d->rule != NULL) && m->source_index == index &&
            m->verdict == d->verdict && m->errno_value == d->errno_value &&
            memo_string_is(&m->comment, comment)) {
                put_bytes(l, m->out.text, m->out.len);
                return;
        }
        size_t start = l->len;
        if (d->rule && d->rule->builtin) {
                /* scmp-super's own (policy_protect_files()): no index. */
                PUT_KEY_STRING(l, "rule", "built-in");
                if (comment)
                        PUT_KEY_STRING(l, "comment", comment);
        } else if (d->rule) {
                PUT_LITERAL(l, ",\"rule\":\"supervisor.rules[");
                put_dec(l, index, 1);
                PUT_LITERAL(l, "]\"");
                if (comment)
                        PUT_KEY_STRING(l, "comment", comment);
        } else {
                PUT_KEY_STRING(l, "rule", "default");
        }
        PUT_KEY_STRING(l, "decision", policy_verdict_name(d->verdict));
        if (d->verdict == VERDICT_DENY) {
                const char *e = errno_to_name(d->errno_value);
                PUT_KEY_STRING(l, "errno", e ? e : "?");
        }
        if (by) {
                PUT_KEY_STRING(l, "by", by);
                if (by_uid >= 0) {
                        PUT_LITERAL(l, ",\"by_uid\":");
                        put_dec(l, (uint64_t)by_uid, 1);
                }
                return;
        }
        PUT_KEY_STRING(l, "by", d->rule ? "rule" : "default");

        m->have_rule = d->rule != NULL;
        m->source_index = index;
        m->verdict = d->verdict;
        m->errno_value = d->errno_value;
        memo_text_set(&m->out, memo_string_set(&m->comment, comment), l, start);
}

/* A call the watchdog denied because reading the target took too long:
 * no rule decided it. Rare, so never kept. */
static void put_timeout(struct line *l, const struct policy_decision *d)
{
        const char *e = errno_to_name(d->errno_value);

        PUT_KEY_STRING(l, "rule", "deadline");
        PUT_KEY_STRING(l, "decision", policy_verdict_name(d->verdict));
        PUT_KEY_STRING(l, "errno", e ? e : "?");
        PUT_KEY_STRING(l, "by", "deadline");
}

/*
 * One line at a time per thread (the loop's, and a lane's), and the
 * thread's memos, made once per thread and kept: 70 KiB off the stack and
 * out of the allocator on the hot path. On the heap, not in thread-local
 * storage itself, which every thread of the process would carry whether
 * it logs or not (and touch: the C library clears it as the thread
 * starts), a daemon's lanes included.
 */
struct thread_log {
        struct line line;
        struct who_memo who;
        struct verdict_memo verdict;
};

static _Thread_local struct thread_log *thread_log;

void decision_log_thread_exit(void)
{
        free(thread_log);
        thread_log = NULL;
}

static void write_line(struct log_file *out, const struct decision_log_entry *e)
{
        const struct policy_call *call = e->call;
        const struct policy_decision *d = e->decision;
        struct thread_log *tl = thread_log;
        char text[256];

        if (!tl) {
                /* Not cleared: a line touches only the pages it fills. */
                tl = thread_log = malloc(sizeof(*tl));
                if (!tl) {
                        log_file_lost(out);
                        return;
                }
                tl->who.out.valid = tl->verdict.out.valid = false;
        }
        struct line *l = &tl->line;
        l->len = 0;
        l->cut = false;
        PUT_LITERAL(l, "{\"time\":\"");
        put_time(l);
        PUT_LITERAL(l, "\"");
        put_who(l, &tl->who, e);
        put_ids(l, call);
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
        /* The names the program used, where they differ from the files
         * they resolved to (a symlink, "..", a relative path). */
        if (call->have_paths && call->n_paths && policy_call_names_differ(call)) {
                PUT_LITERAL(l, ",\"names\":[");
                for (unsigned i = 0; i < call->n_paths; i++) {
                        if (i)
                                PUT_LITERAL(l, ",");
                        if (call->raw_paths[i])
                                put_json_string(l, call->raw_paths[i]);
                        else
                                PUT_LITERAL(l, "null");
                }
                PUT_LITERAL(l, "]");
        }
        if (call->have_addr && call->addr_len > 0 &&
            netaddr_format((const struct sockaddr *)&call->addr, call->addr_len, text,
                           sizeof(text)) == 0) {
                PUT_KEY_STRING(l, "address", text);
                /* The socket file a unix path named, where that differs. */
                if (call->unix_path && strncmp(text, "unix:", 5) == 0 &&
                    strcmp(text + 5, call->unix_path) != 0)
                        PUT_KEY_STRING(l, "socket_file", call->unix_path);
        }
        /* sendmmsg: every message's peer, null where none is named. */
        if (call->have_addr && call->addrs && call->n_addrs > 1) {
                PUT_LITERAL(l, ",\"addresses\":[");
                for (unsigned i = 0; i < call->n_addrs && i < LOG_MAX_ADDRESSES; i++) {
                        if (i)
                                PUT_LITERAL(l, ",");
                        if (policy_call_addr_format(call, i, text, sizeof(text)) == 0)
                                put_json_string(l, text);
                        else
                                PUT_LITERAL(l, "null");
                }
                PUT_LITERAL(l, "]");
                if (call->n_addrs > LOG_MAX_ADDRESSES) {
                        PUT_LITERAL(l, ",\"addresses_total\":");
                        put_dec(l, call->n_addrs, 1);
                }
        }
        syscall_describe_call(call, put_named_arg, l);

        if (e->deadline)
                put_timeout(l, d);
        else
                put_verdict(l, &tl->verdict, d, e->by, e->by ? e->by_uid : -1);
        if (l->cut)
                PUT_LITERAL(l, ",\"truncated\":true");
        PUT_LITERAL(l, "}\n");

        log_file_add(out, l->buf, l->len);
}

void decision_log_write(struct log_file *out, const struct decision_log_entry *e)
{
        write_line(out, e);
}

static void on_flush_timer(uv_timer_t *timer)
{
        log_file_flush(timer->data);
}

int log_file_flush_every_second(struct log_file *f, uv_loop_t *loop, uv_timer_t *timer)
{
        int r = uv_timer_init(loop, timer);
        if (r < 0)
                return r;
        timer->data = f;
        uv_unref((uv_handle_t *)timer);
        r = uv_timer_start(timer, on_flush_timer, 1000, 1000);
        if (r < 0)
                uv_close((uv_handle_t *)timer, NULL);
        return r;
}
