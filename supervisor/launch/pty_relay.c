/* SPDX-License-Identifier: MIT */
/* launch/pty_relay.c: the command's own pseudo-terminal, relayed to the person's on the loop. */
#include "launch/pty_relay.h"
#include "base/macros.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "term_input.h"

/* How long pty_relay_finish() waits for a terminal that does not take
 * the command's last output. */
#define DRAIN_LIMIT_MS 2000

/* Bytes on their way in one direction: read, not yet written. */
struct relay_buffer {
        size_t start, end;
        char data[16384];
};

struct pty_relay {
        /* Each handle is freed with the relay once the last one closed. */
        uv_poll_t master_poll;
        uv_poll_t terminal_poll;
        uv_poll_t signal_poll;
        uv_timer_t escape_timer;
        int handles_open;                   /* initialised */
        int handles_closing;                /* closed, not yet called back */
        int master_events, terminal_events; /* what the polls watch now */

        int master, slave, terminal, sigfd;
        dev_t terminal_device;
        pid_t child;
        struct termios saved; /* the person's settings, while raw */
        bool raw;             /* the terminal is ours: raw, and read */
        bool started, finished, closing;
        bool master_ended;  /* no slave left open: EIO */
        bool terminal_gone; /* a write to it failed for good */
        bool child_stopped; /* to be continued with us */

        bool held; /* a prompt has the screen */
        bool (*on_key)(void *ctx, int key);
        void *key_ctx;
        struct term_input input;

        struct relay_buffer to_terminal; /* the command's output */
        struct relay_buffer to_master;   /* keys typed for the command */
};

static size_t buffered(const struct relay_buffer *b)
{
        return b->end - b->start;
}

/* Room at the end, after moving what waits to the front if that makes
 * some. */
static size_t room(struct relay_buffer *b)
{
        if (b->start == b->end) {
                b->start = b->end = 0;
        } else if (b->start > 0 && b->end == sizeof(b->data)) {
                memmove(b->data, b->data + b->start, b->end - b->start);
                b->end -= b->start;
                b->start = 0;
        }
        return sizeof(b->data) - b->end;
}

static void discard(struct relay_buffer *b)
{
        b->start = b->end = 0;
}

bool pty_relay_wanted(void)
{
        /* TIOCGSID fails with ENOTTY unless fd is our controlling terminal. */
        return tcgetsid(STDIN_FILENO) >= 0;
}

static bool in_foreground(const struct pty_relay *r)
{
        return tcgetpgrp(r->terminal) == getpgrp();
}

/* Takes the terminal for the relay: raw, so that every key reaches the
 * command's line discipline (^C and ^Z included, which the pty turns into
 * signals for the command) or a prompt, and the command's output, already
 * processed by the pty, is shown as it is. Only from the foreground: from
 * the background, with SIGTTOU blocked, tcsetattr() would succeed and
 * leave the shell's terminal raw. */
static void take_terminal(struct pty_relay *r)
{
        struct termios raw;

        if (r->raw || r->terminal_gone || !in_foreground(r))
                return;
        if (tcgetattr(r->terminal, &r->saved) < 0)
                return;
        raw = r->saved;
        cfmakeraw(&raw);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(r->terminal, TCSANOW, &raw) == 0)
                r->raw = true;
}

static void give_terminal(struct pty_relay *r)
{
        if (!r->raw)
                return;
        /* TCSANOW: the output already queued was processed when it was
         * written; waiting for it to drain could wait for ever (^S). */
        tcsetattr(r->terminal, TCSANOW, &r->saved);
        r->raw = false;
}

static void copy_window_size(struct pty_relay *r)
{
        struct winsize ws;

        /* The kernel sends the pty's foreground process group SIGWINCH
         * when the size changes. */
        if (ioctl(r->terminal, TIOCGWINSZ, &ws) == 0)
                ioctl(r->master, TIOCSWINSZ, &ws);
}

static void on_master(uv_poll_t *handle, int status, int events);
static void on_terminal(uv_poll_t *handle, int status, int events);
static void on_escape_timeout(uv_timer_t *timer);

static void watch(uv_poll_t *poll, int *current, int wanted, uv_poll_cb cb)
{
        if (wanted == *current)
                return;
        if (wanted)
                uv_poll_start(poll, wanted, cb);
        else
                uv_poll_stop(poll);
        *current = wanted;
}

/* Watches for what can move now. */
static void update_polls(struct pty_relay *r)
{
        int master = 0, terminal = 0;

        if (r->started && !r->finished) {
                /* Held, or the terminal not taking what we have: the
                 * command's output stays in the pty, and it blocks. */
                if (!r->master_ended && !r->held && room(&r->to_terminal) > 0)
                        master |= UV_READABLE;
                if (!r->master_ended && buffered(&r->to_master))
                        master |= UV_WRITABLE;
                /* Keys for the command wait in the terminal while the pty
                 * does not take them; a prompt's keys are always read. */
                if (r->raw && (r->held || room(&r->to_master) > 0))
                        terminal |= UV_READABLE;
                if (!r->held && buffered(&r->to_terminal))
                        terminal |= UV_WRITABLE;
        }
        watch(&r->master_poll, &r->master_events, master, on_master);
        watch(&r->terminal_poll, &r->terminal_events, terminal, on_terminal);
}

/* Writes what the terminal takes now; never while a prompt holds it. */
static void write_terminal(struct pty_relay *r)
{
        struct relay_buffer *b = &r->to_terminal;

        while (!r->held && buffered(b)) {
                ssize_t n = write(r->terminal, b->data + b->start, buffered(b));
                if (n > 0) {
                        b->start += (size_t)n;
                } else if (n < 0 && errno == EINTR) {
                        continue;
                } else if (n < 0 && errno == EAGAIN) {
                        break;
                } else {
                        /* Hung up: nobody will see it, and the command
                         * must not block for ever on a full pty. */
                        r->terminal_gone = true;
                        discard(b);
                }
        }
}

/* Reads once from the master. Returns what read() did: > 0, 0 for the
 * end, or -1 with errno (EAGAIN: nothing now). */
static ssize_t read_master(struct pty_relay *r)
{
        struct relay_buffer *b = &r->to_terminal;
        size_t space = room(b);
        ssize_t n;

        if (space == 0 || r->master_ended)
                return -1;
        n = read(r->master, b->data + b->end, space);
        if (n > 0) {
                b->end += (size_t)n;
                if (r->terminal_gone)
                        discard(b);
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                /* EIO: every slave is closed; the command's output ended. */
                r->master_ended = true;
        }
        return n;
}

static void write_master(struct pty_relay *r)
{
        struct relay_buffer *b = &r->to_master;

        while (buffered(b)) {
                ssize_t n = write(r->master, b->data + b->start, buffered(b));
                if (n > 0)
                        b->start += (size_t)n;
                else if (n < 0 && errno == EINTR)
                        continue;
                else if (n < 0 && errno == EAGAIN)
                        break;
                else {
                        discard(b); /* EIO: nobody is left to read it */
                        break;
                }
        }
}

static void on_master(uv_poll_t *handle, int status, int events)
{
        struct pty_relay *r = container_of(handle, struct pty_relay, master_poll);

        if (status < 0) {
                r->master_ended = true;
        } else {
                if (events & UV_READABLE && read_master(r) > 0)
                        write_terminal(r);
                if (events & UV_WRITABLE)
                        write_master(r);
        }
        update_polls(r);
}

/* Keys typed: to the prompt while one holds the screen, else to the
 * command. Every byte goes through the parser, also those the command
 * gets, so that a sequence that began before a prompt appeared is not
 * taken for keys once it has. */
static void read_terminal(struct pty_relay *r)
{
        unsigned char bytes[1024];
        size_t want = sizeof(bytes);
        bool delivering = true;

        if (!r->held && room(&r->to_master) < want)
                want = room(&r->to_master);
        if (want == 0)
                return; /* the pty has not taken what was typed before */
        ssize_t n = read(r->terminal, bytes, want);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n <= 0) {
                /* EIO: out of the foreground (SIGTTIN is blocked), or the
                 * terminal hung up. Either way it is not ours to read. */
                if (in_foreground(r)) {
                        r->terminal_gone = true;
                        r->raw = false; /* nothing left to give back */
                } else {
                        give_terminal(r);
                }
                return;
        }
        for (ssize_t i = 0; i < n; i++) {
                int key = term_input_feed(&r->input, bytes[i]);
                if (!delivering)
                        continue;
                if (r->held) {
                        if (key >= 0 && r->on_key)
                                delivering = r->on_key(r->key_ctx, key);
                } else {
                        struct relay_buffer *b = &r->to_master;
                        if (room(b) > 0)
                                b->data[b->end++] = (char)bytes[i];
                }
        }
        /* A sequence still open waits for the rest; if none comes, it was
         * cut short, or was a lone Esc. */
        if (term_input_pending(&r->input))
                uv_timer_start(&r->escape_timer, on_escape_timeout, TERM_INPUT_TIMEOUT_MS, 0);
        else
                uv_timer_stop(&r->escape_timer);
        write_master(r);
}

static void on_escape_timeout(uv_timer_t *timer)
{
        struct pty_relay *r = container_of(timer, struct pty_relay, escape_timer);
        int key = term_input_timeout(&r->input);

        if (key >= 0 && r->held && r->on_key)
                r->on_key(r->key_ctx, key);
        update_polls(r);
}

static void on_terminal(uv_poll_t *handle, int status, int events)
{
        struct pty_relay *r = container_of(handle, struct pty_relay, terminal_poll);

        if (status < 0) {
                r->terminal_gone = true;
                give_terminal(r);
        } else {
                if (events & UV_READABLE)
                        read_terminal(r);
                if (events & UV_WRITABLE)
                        write_terminal(r);
        }
        update_polls(r);
}

/* Continued (fg or bg), or moved to the foreground: take the terminal if
 * it is ours now, and let the command go on. */
static void resume(struct pty_relay *r)
{
        if (!r->started || r->finished)
                return;
        take_terminal(r);
        if (r->raw)
                copy_window_size(r);
        if (r->child_stopped) {
                r->child_stopped = false;
                kill(-r->child, SIGCONT);
        }
        update_polls(r);
}

static void on_signal(uv_poll_t *handle, int status, int events)
{
        struct pty_relay *r = container_of(handle, struct pty_relay, signal_poll);
        struct signalfd_siginfo si;

        if (status < 0)
                return;
        while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (r->finished)
                        continue;
                switch (si.ssi_signo) {
                case SIGWINCH:
                        copy_window_size(r);
                        break;
                case SIGCONT:
                        resume(r);
                        break;
                case SIGTSTP: {
                        /* As ^Z typed into the command's terminal: for the
                         * pty's foreground process group. */
                        pid_t pgrp = tcgetpgrp(r->master);
                        kill(pgrp > 0 ? -pgrp : -r->child, SIGTSTP);
                        break;
                }
                }
        }
}

void pty_relay_child_stopped(struct pty_relay *r, int sig)
{
        sigset_t tstp;

        if (!r->started || r->finished)
                return;
        r->child_stopped = true;
        give_terminal(r);
        update_polls(r);
        /*
         * Stop as the shell's job, so that the shell says so and fg
         * continues us here. SIGTSTP whatever stopped the command: in a
         * process group with no shell to continue it (orphaned), the
         * kernel ignores SIGTSTP instead of stopping us for ever, and the
         * command is continued at once. It is blocked for our signalfd,
         * so unblocked for this one delivery, which happens as kill()
         * returns.
         */
        (void)sig;
        sigemptyset(&tstp);
        sigaddset(&tstp, SIGTSTP);
        pthread_sigmask(SIG_UNBLOCK, &tstp, NULL);
        kill(getpid(), SIGTSTP);
        pthread_sigmask(SIG_BLOCK, &tstp, NULL);
        resume(r);
}

void pty_relay_hold(struct pty_relay *r, bool (*on_key)(void *ctx, int key), void *ctx)
{
        r->on_key = on_key;
        r->key_ctx = ctx;
        if (r->held)
                return;
        r->held = true;
        update_polls(r);
}

bool pty_relay_held(const struct pty_relay *r)
{
        return r->held;
}

void pty_relay_flush_input(struct pty_relay *r)
{
        /* Only while the terminal is ours: from the background, what it
         * holds was typed for the shell. */
        if (r->raw)
                tcflush(r->terminal, TCIFLUSH);
}

void pty_relay_release(struct pty_relay *r)
{
        if (!r->held)
                return;
        r->held = false;
        r->on_key = NULL;
        r->key_ctx = NULL;
        if (r->started && !r->finished)
                write_terminal(r);
        update_polls(r);
}

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the command wrote before it exited, to the terminal: all of it,
 * unless the terminal has not taken it within DRAIN_LIMIT_MS. What
 * processes it left behind write later is not waited for. */
static void drain(struct pty_relay *r)
{
        int64_t deadline = now_ms() + DRAIN_LIMIT_MS;

        r->held = false;
        for (;;) {
                if (buffered(&r->to_terminal) && !r->terminal_gone) {
                        struct pollfd p = {.fd = r->terminal, .events = POLLOUT};
                        int64_t left = deadline - now_ms();
                        if (left <= 0)
                                break;
                        int k = poll(&p, 1, (int)left);
                        if (k < 0 && errno == EINTR)
                                continue;
                        if (k <= 0)
                                break;
                        write_terminal(r);
                        continue;
                }
                if (r->master_ended)
                        break;
                ssize_t n = read_master(r);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break; /* EAGAIN: nothing more for now; EIO: the end */
        }
}

void pty_relay_finish(struct pty_relay *r)
{
        if (!r || r->finished)
                return;
        if (r->started)
                drain(r);
        give_terminal(r);
        r->finished = true;
        update_polls(r);
        uv_timer_stop(&r->escape_timer);
        uv_poll_stop(&r->signal_poll);
}

/* The relay's handles, in the order pty_relay_new() initialises them. */
static uv_handle_t *relay_handle(struct pty_relay *r, int i)
{
        uv_handle_t *handles[] = {
            (uv_handle_t *)&r->master_poll,
            (uv_handle_t *)&r->terminal_poll,
            (uv_handle_t *)&r->signal_poll,
            (uv_handle_t *)&r->escape_timer,
        };
        return handles[i];
}

static void on_closed(uv_handle_t *handle)
{
        struct pty_relay *r = handle->data;

        if (--r->handles_closing > 0)
                return;
        close(r->master);
        if (r->slave >= 0)
                close(r->slave);
        close(r->terminal);
        close(r->sigfd);
        free(r);
}

static void close_handles(struct pty_relay *r)
{
        r->closing = true;
        r->handles_closing = r->handles_open;
        for (int i = 0; i < r->handles_open; i++) {
                relay_handle(r, i)->data = r;
                uv_close(relay_handle(r, i), on_closed);
        }
}

void pty_relay_close(struct pty_relay *r)
{
        if (!r || r->closing)
                return;
        pty_relay_finish(r);
        close_handles(r);
}

int pty_relay_slave(const struct pty_relay *r)
{
        return r->slave;
}

dev_t pty_relay_terminal(const struct pty_relay *r)
{
        return r->terminal_device;
}

int pty_relay_master(const struct pty_relay *r)
{
        return r->master;
}

int pty_relay_start(struct pty_relay *r, pid_t child)
{
        int rc;

        if (r->slave >= 0) {
                close(r->slave);
                r->slave = -1;
        }
        r->child = child;
        r->started = true;
        rc = uv_poll_start(&r->signal_poll, UV_READABLE, on_signal);
        if (rc < 0)
                return rc;
        take_terminal(r);
        if (r->raw)
                copy_window_size(r);
        update_polls(r);
        return 0;
}

/* Initialises the relay's handles in relay_handle()'s order, counting
 * them in handles_open so that a failure closes those that exist. */
static int init_handles(uv_loop_t *loop, struct pty_relay *r)
{
        /* uv_poll_init() makes each descriptor non-blocking; the
         * terminal's open file description is ours alone. */
        int rc = uv_poll_init(loop, &r->master_poll, r->master);
        if (rc < 0)
                return rc;
        r->handles_open = 1;
        rc = uv_poll_init(loop, &r->terminal_poll, r->terminal);
        if (rc < 0)
                return rc;
        r->handles_open = 2;
        rc = uv_poll_init(loop, &r->signal_poll, r->sigfd);
        if (rc < 0)
                return rc;
        r->handles_open = 3;
        rc = uv_timer_init(loop, &r->escape_timer);
        if (rc < 0)
                return rc;
        r->handles_open = 4;
        /* The command's exit, not the relay, ends the loop. */
        for (int i = 0; i < r->handles_open; i++)
                uv_unref(relay_handle(r, i));
        return 0;
}

/* The pty pair, the slave set up like the terminal. */
static int open_pty(int terminal, int *ret_master, int *ret_slave)
{
        struct termios tio;
        struct winsize ws;
        int master, slave, r;

        if (tcgetattr(terminal, &tio) < 0)
                return -errno;
        master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                return -errno;
        /* TIOCGPTPEER (Linux 4.13) opens the slave from the master, with
         * no path to look up and race on. */
        if (grantpt(master) < 0 || unlockpt(master) < 0 ||
            (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
                r = -errno;
                close(master);
                return r;
        }
        if (tcsetattr(slave, TCSANOW, &tio) < 0) {
                r = -errno;
                close(slave);
                close(master);
                return r;
        }
        if (ioctl(terminal, TIOCGWINSZ, &ws) == 0)
                ioctl(slave, TIOCSWINSZ, &ws);
        *ret_master = master;
        *ret_slave = slave;
        return 0;
}

int pty_relay_new(uv_loop_t *loop, int terminal_fd, struct pty_relay **ret_relay)
{
        struct pty_relay *r;
        struct stat st;
        sigset_t signals;
        int rc;

        r = calloc(1, sizeof(*r));
        if (!r) {
                close(terminal_fd);
                return -ENOMEM;
        }
        r->terminal = terminal_fd;
        r->master = r->slave = r->sigfd = -1;
        term_input_init(&r->input);
        if (fstat(terminal_fd, &st) < 0) {
                rc = -errno;
                goto fail;
        }
        r->terminal_device = st.st_rdev;
        rc = open_pty(terminal_fd, &r->master, &r->slave);
        if (rc < 0)
                goto fail;

        /* Blocked before the fork, so none is lost; the launcher restores
         * the mask it had before run blocked anything. */
        sigemptyset(&signals);
        sigaddset(&signals, SIGWINCH);
        sigaddset(&signals, SIGCONT);
        sigaddset(&signals, SIGTSTP);
        if (sigprocmask(SIG_BLOCK, &signals, NULL) < 0) {
                rc = -errno;
                goto fail;
        }
        r->sigfd = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
        if (r->sigfd < 0) {
                rc = -errno;
                goto fail;
        }

        rc = init_handles(loop, r);
        if (rc < 0 && r->handles_open > 0) {
                r->finished = true;
                close_handles(r); /* the relay is freed with the last */
                return rc;
        }
        if (rc < 0)
                goto fail;
        *ret_relay = r;
        return 0;

fail:
        if (r->sigfd >= 0)
                close(r->sigfd);
        if (r->slave >= 0)
                close(r->slave);
        if (r->master >= 0)
                close(r->master);
        close(r->terminal);
        free(r);
        return rc;
}
