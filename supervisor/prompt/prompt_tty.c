/* SPDX-License-Identifier: MIT */
/* prompt/prompt_tty.c: the terminal front end: prompts on /dev/tty, answered by a key. */
#include "prompt/prompt_tty.h"
#include "base/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "errnos.h"
#include "prompt_ui.h"
#include "launch/pty_relay.h"
#include "term_input.h"

/* Erase the current line: carriage return, then clear to its end. */
#define CLEAR_LINE "\r\033[K"

/*
 * Written before a prompt drawn among what the command wrote (with the
 * pty relay, whose output is then held back), so that nothing the command
 * left set on the terminal hides the prompt, misplaces it or changes what
 * it says. Each part is safe mid-screen: only ESC 7 and ESC 8 move the
 * cursor, back to where it was after the margins are reset (CSI r homes
 * it). ESC 8 also restores the attributes and character set ESC 7 saved,
 * the command's, so those are reset after it.
 */
static const char screen_reset[] =
    /* CAN ends any sequence or string left open: an unterminated window
     * title would swallow the prompt. */
    "\030"
    /* S7C1T: the terminal's reports in 7-bit form. */
    "\033 F"
    /* Margins: the whole screen, or a prompt squeezed into a two-line
     * scroll region loses most of its lines. */
    "\0337\033[?69l\033[r\0338"
    /* G0 is ASCII, and in use: letters, not line drawing. */
    "\017\033(B"
    /* No conceal, reverse video or colours; replace, not insert; long
     * lines wrap rather than overwrite the last column; a visible cursor. */
    "\033[0m\033[4l\033[?7h\033[?25h"
    /* No mouse reports: a click would send bytes the person did not type. */
    "\033[?9l\033[?1000l\033[?1001l\033[?1002l\033[?1003l"
    /* The terminal's own palette and default colours: text drawn in the
     * background's colour cannot be read. */
    "\033]104\033\\\033]110\033\\\033]111\033\\";

/* A line break on the relay's raw terminal, which does not turn '\n'
 * into CR LF itself: both, and a single-width line (DECSWL) whatever the
 * command made of that line before. */
#define RAW_NEWLINE "\r\n\033#5"

struct prompt_tty {
        uv_poll_t poll;          /* both handles are freed with the struct, */
        uv_timer_t escape_timer; /* when the second has closed */
        int handles_closing;
        struct prompt_frontend fe;
        struct prompt_broker *broker;
        int fd;
        struct termios saved;
        bool raw;     /* our input mode is set; saved holds the person's */
        bool reading; /* the poll watches for keys */
        bool stopping;
        /* Output was dropped (the terminal was not reading): the shown
         * prompt is drawn again at the next tick. */
        bool lost;
        /* "=> request N: ..." lines dropped that way, said at the redraw. */
        char unsaid[1024];
        uint64_t shown; /* id of the prompt on screen, 0 for none */
        struct prompt_ui ui;
        /* The command is on a pty of its own (pty_relay.h): the relay
         * reads the terminal, holds the command's output back while a
         * prompt is shown, and hands us the keys. NULL: the terminal is
         * shared with the command, and we read it while a prompt is. */
        struct pty_relay *relay;
        struct term_input input; /* the keys we read ourselves */
};

/* Writes what the terminal takes now; a terminal that is not reading must
 * not stall the supervisor, so the rest is dropped, and the prompt drawn
 * again at the next tick. */
static void tty_write_raw(struct prompt_tty *t, const char *s, size_t len)
{
        while (len > 0) {
                ssize_t n = write(t->fd, s, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        t->lost = true;
                        return;
                }
                s += n;
                len -= (size_t)n;
        }
}

static void tty_write(struct prompt_tty *t, const char *s, size_t len)
{
        size_t newlines = 0, used = 0;
        char *raw;

        if (!t->relay) {
                tty_write_raw(t, s, len);
                return;
        }
        /* The relay keeps the terminal raw (no output processing). One
         * write for the whole text, so that the terminal never shows a
         * prompt in part. */
        for (size_t i = 0; i < len; i++)
                newlines += s[i] == '\n';
        raw = malloc(len + newlines * (sizeof(RAW_NEWLINE) - 2) + 1);
        if (!raw) {
                t->lost = true; /* drawn again at the next tick */
                return;
        }
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '\n') {
                        memcpy(raw + used, RAW_NEWLINE, sizeof(RAW_NEWLINE) - 1);
                        used += sizeof(RAW_NEWLINE) - 1;
                } else {
                        raw[used++] = s[i];
                }
        }
        tty_write_raw(t, raw, used);
        free(raw);
}

static void tty_puts(struct prompt_tty *t, const char *s)
{
        tty_write(t, s, strlen(s));
}

/* A line the person must see (what became of a request): kept, bounded,
 * when the terminal drops it, and written before the next redraw. */
static void tty_say(struct prompt_tty *t, const char *line)
{
        bool lost_before = t->lost;
        t->lost = false;
        tty_puts(t, line);
        if (t->lost) {
                size_t used = strlen(t->unsaid);
                snprintf(t->unsaid + used, sizeof(t->unsaid) - used, "%s", line);
        }
        t->lost |= lost_before;
}

static bool in_foreground(const struct prompt_tty *t)
{
        return tcgetpgrp(t->fd) == getpgrp();
}

static void on_key(uv_poll_t *handle, int status, int events);

/* Shared terminal: reads keys while a prompt is shown. */
static void start_reading(struct prompt_tty *t)
{
        if (t->relay || t->reading || t->stopping || !in_foreground(t))
                return;
        if (!t->raw) {
                struct termios raw;
                if (tcgetattr(t->fd, &t->saved) < 0)
                        return;
                raw = t->saved;
                /* Keys one by one, not echoed; ISIG stays so ^C still
                 * reaches the command as the person expects. */
                raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
                raw.c_cc[VMIN] = 1;
                raw.c_cc[VTIME] = 0;
                if (tcsetattr(t->fd, TCSANOW, &raw) < 0)
                        return;
                t->raw = true;
        }
        if (uv_poll_start(&t->poll, UV_READABLE, on_key) == 0) {
                t->reading = true;
                /* What was typed before went to the command, unseen. */
                term_input_init(&t->input);
        }
}

static void stop_reading(struct prompt_tty *t)
{
        if (t->relay) {
                pty_relay_release(t->relay);
                return;
        }
        if (t->reading) {
                uv_poll_stop(&t->poll);
                uv_timer_stop(&t->escape_timer);
                t->reading = false;
        }
        if (t->raw) {
                tcsetattr(t->fd, TCSANOW, &t->saved);
                t->raw = false;
        }
}

static struct prompt *shown_prompt(struct prompt_tty *t)
{
        return t->shown ? prompt_broker_find(t->broker, t->shown) : NULL;
}

/* Redraws the line of choices under the shown prompt. */
static void show_choices(struct prompt_tty *t)
{
        char line[2048];
        size_t queued = prompt_broker_count(t->broker);

        if (!shown_prompt(t))
                return;
        size_t width = prompt_ui_terminal_width(t->fd);
        prompt_ui_choices(&t->ui, prompt_ui_now_ms(), queued ? queued - 1 : 0, line,
                          width < sizeof(line) ? width : sizeof(line));
        tty_puts(t, CLEAR_LINE);
        tty_puts(t, line);
}

static bool on_relay_key(void *ctx, int key);

/* Shows the oldest prompt, if any, or gives the terminal back. */
static void show_next(struct prompt_tty *t)
{
        struct prompt *p = prompt_broker_first(t->broker);
        char *text = NULL;
        size_t len = 0;

        if (!p) {
                t->shown = 0;
                stop_reading(t);
                return;
        }
        t->shown = prompt_id(p);
        t->lost = false;
        prompt_ui_start(&t->ui, prompt_request(p));
        /* With the relay, the command's output stops before the prompt
         * starts. */
        bool was_held = t->relay && pty_relay_held(t->relay);
        if (t->relay)
                pty_relay_hold(t->relay, on_relay_key, t);
        FILE *out = open_memstream(&text, &len);
        if (out) {
                if (t->relay) {
                        /* Nothing the command left set on the terminal
                         * stays; then, below what it wrote (a prompt that
                         * follows another starts under its result line),
                         * on lines cleared of anything drawn there. */
                        fputs(screen_reset, out);
                        fputs(was_held ? "\r\033[J\033#5" : "\n\033[J", out);
                } else {
                        fputs(CLEAR_LINE, out);
                }
                prompt_ui_render(out, prompt_request(p), prompt_broker_count(t->broker) - 1);
                fclose(out);
                tty_write(t, text, len);
        } else {
                t->lost = true; /* drawn again at the next tick */
        }
        free(text);
        start_reading(t);
        /* Keys typed before the question was on screen are not answers. */
        if (t->relay)
                pty_relay_flush_input(t->relay);
        else if (t->raw)
                tcflush(t->fd, TCIFLUSH);
        show_choices(t);
}

static void on_added(struct prompt_frontend *fe, struct prompt *p)
{
        struct prompt_tty *t = container_of(fe, struct prompt_tty, fe);
        if (!shown_prompt(t))
                show_next(t);
        else
                show_choices(t); /* the queued count changed */
}

static void on_resolved(struct prompt_frontend *fe, struct prompt *p,
                        const struct prompt_resolution *res)
{
        struct prompt_tty *t = container_of(fe, struct prompt_tty, fe);
        char text[256], line[320];
        cJSON *msg;

        if (prompt_id(p) != t->shown) {
                show_choices(t);
                return;
        }
        msg = cJSON_CreateObject();
        if (msg) {
                cJSON_AddStringToObject(msg, "by", res->by);
                if (res->answered) {
                        const char *e = errno_to_name(res->errno_value);
                        cJSON_AddStringToObject(msg, "decision", policy_verdict_name(res->verdict));
                        cJSON_AddStringToObject(msg, "scope", prompt_scope_name(res->scope));
                        if (res->verdict == VERDICT_DENY && e)
                                cJSON_AddStringToObject(msg, "errno", e);
                }
                prompt_ui_describe_resolution(msg, text, sizeof(text));
                cJSON_Delete(msg);
                snprintf(line, sizeof(line), CLEAR_LINE "=> request %llu: %s\n",
                         (unsigned long long)prompt_id(p), text);
                tty_say(t, line);
        }
        t->shown = 0;
        show_next(t);
}

static void on_tick(struct prompt_frontend *fe)
{
        struct prompt_tty *t = container_of(fe, struct prompt_tty, fe);
        if (!shown_prompt(t) || t->lost || t->unsaid[0]) {
                /* Nothing on screen while a prompt waits, or what was
                 * written was cut short: a prompt is never left unseen,
                 * nor an answer unsaid. */
                bool waiting = prompt_broker_first(t->broker) != NULL;
                t->shown = 0;
                if (!waiting && !t->unsaid[0] && !t->lost)
                        return;
                t->lost = false;
                tty_puts(t, "\n");
                if (t->unsaid[0] && !t->lost) {
                        tty_puts(t, t->unsaid);
                        if (!t->lost)
                                t->unsaid[0] = '\0';
                }
                if (waiting)
                        show_next(t);
                return;
        }
        /* Back in the foreground (fg after a suspend): start listening. */
        start_reading(t);
        show_choices(t);
}

/* The person at the terminal. */
static size_t tty_people(struct prompt_frontend *fe)
{
        (void)fe;
        return 1;
}

static const struct prompt_frontend_ops tty_ops = {
    .added = on_added,
    .resolved = on_resolved,
    .tick = on_tick,
    .people = tty_people,
};

static void handle_key(struct prompt_tty *t, int key)
{
        struct prompt_ui_answer a;
        char err[512], line[600];

        int r = prompt_ui_key(&t->ui, key, &a);
        if (r < 0)
                return;
        if (r == 0) {
                char *text = NULL;
                size_t len = 0;
                FILE *out = open_memstream(&text, &len);
                if (out) {
                        prompt_ui_render_step(out, &t->ui);
                        fclose(out);
                        tty_write(t, text, len);
                }
                free(text);
                show_choices(t);
                return;
        }
        uint64_t id = t->shown;
        r = prompt_broker_answer(
            t->broker, a.id,
            &(struct prompt_reply){
                .decision = a.decision, .scope = a.scope, .choice = a.choice, .by = "tty"},
            err, sizeof(err));
        if (r < 0 && t->shown == id) {
                /* The prompt stays: say why and ask again. */
                snprintf(line, sizeof(line), CLEAR_LINE "   cannot do that: %s\n", err);
                tty_puts(t, line);
                prompt_ui_start(&t->ui, t->ui.request);
                show_choices(t);
        }
}

/* A key, from the relay while it holds the screen for us. Returns false
 * when the rest of what was read with it is to be dropped. */
static bool on_relay_key(void *ctx, int key)
{
        struct prompt_tty *t = ctx;
        uint64_t before = t->shown;

        if (!before || t->stopping)
                return false;
        handle_key(t, key);
        /* Another question is on screen, or none: the rest was typed
         * before it. */
        return t->shown == before;
}

static void on_escape_timeout(uv_timer_t *timer)
{
        struct prompt_tty *t = container_of(timer, struct prompt_tty, escape_timer);
        int key = term_input_timeout(&t->input);

        if (key >= 0 && t->shown && !t->stopping)
                handle_key(t, key);
}

static void on_key(uv_poll_t *handle, int status, int events)
{
        struct prompt_tty *t = container_of(handle, struct prompt_tty, poll);
        unsigned char keys[64];
        bool delivering = true;
        ssize_t n;

        if (status < 0) {
                stop_reading(t);
                return;
        }
        n = read(t->fd, keys, sizeof(keys));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n <= 0) {
                /* EIO: we were put in the background (SIGTTIN is blocked),
                 * or the terminal hung up. Listen again at the next tick. */
                stop_reading(t);
                return;
        }
        /* Every byte goes through the parser, so that it knows where a
         * sequence ends even after the keys that matter. */
        for (ssize_t i = 0; i < n; i++) {
                int key = term_input_feed(&t->input, keys[i]);
                if (key < 0 || !delivering || !t->shown || t->stopping)
                        continue;
                uint64_t before = t->shown;
                handle_key(t, key);
                /* A new question is on screen: the rest was typed before it. */
                delivering = t->shown == before;
        }
        if (t->reading && term_input_pending(&t->input))
                uv_timer_start(&t->escape_timer, on_escape_timeout, TERM_INPUT_TIMEOUT_MS, 0);
        else
                uv_timer_stop(&t->escape_timer);
}

static void on_closed(uv_handle_t *handle)
{
        struct prompt_tty *t = handle->data;
        if (--t->handles_closing > 0)
                return;
        close(t->fd);
        free(t);
}

int prompt_tty_start(struct prompt_broker *b, uv_loop_t *loop, struct prompt_tty **ret_tty,
                     char *reterr, size_t reterr_size)
{
        struct prompt_tty *t;
        int fd, r;

        /* O_NOCTTY: never become the terminal's owner by opening it;
         * O_NONBLOCK applies to our open file description only. */
        fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
                r = -errno;
                snprintf(reterr, reterr_size, "/dev/tty: %s", strerror(-r));
                return r;
        }
        t = calloc(1, sizeof(*t));
        if (!t) {
                close(fd);
                snprintf(reterr, reterr_size, "out of memory");
                return -ENOMEM;
        }
        t->fd = fd;
        t->broker = b;
        t->fe.ops = &tty_ops;
        r = uv_poll_init(loop, &t->poll, fd);
        if (r < 0) {
                snprintf(reterr, reterr_size, "/dev/tty: %s", uv_strerror(r));
                close(fd);
                free(t);
                return r;
        }
        uv_timer_init(loop, &t->escape_timer);
        t->poll.data = t;
        t->escape_timer.data = t;
        uv_unref((uv_handle_t *)&t->poll);
        uv_unref((uv_handle_t *)&t->escape_timer);
        prompt_broker_add_frontend(b, &t->fe);
        if (prompt_broker_first(b))
                show_next(t);
        *ret_tty = t;
        return 0;
}

void prompt_tty_stop(struct prompt_tty *t)
{
        if (!t || t->stopping)
                return;
        t->stopping = true;
        prompt_broker_remove_frontend(t->broker, &t->fe);
        if (t->shown)
                tty_puts(t, CLEAR_LINE);
        t->shown = 0;
        stop_reading(t);
        t->handles_closing = 2;
        uv_close((uv_handle_t *)&t->poll, on_closed);
        uv_close((uv_handle_t *)&t->escape_timer, on_closed);
}

void prompt_tty_use_relay(struct prompt_tty *t, struct pty_relay *relay)
{
        stop_reading(t);
        t->relay = relay;
}
