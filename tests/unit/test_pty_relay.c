/* SPDX-License-Identifier: MIT */
/*
 * The pty relay, between a fake person's terminal and a fake command.
 * Each test forks a child that starts a session whose controlling
 * terminal is the slave of a pty pair of its own, the person's terminal:
 * the test types into its master and reads there what the terminal shows.
 * The command is the relay's slave, written and read directly. The
 * child's exit status says which expectation failed (0: none).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "launch/pty_relay.h"

#define EXPECT(cond)                                                                               \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        dprintf(STDERR_FILENO, "%s:%d: expected %s (errno %d)\n", __FILE__,        \
                                __LINE__, #cond, errno);                                           \
                        _exit(1);                                                                  \
                }                                                                                  \
        } while (0)

static struct {
        int person;     /* the person's terminal: master, where keys are typed */
        int person_tty; /* its slave, our controlling terminal */
        int command;    /* the command's side of the relay's pty */
        uv_loop_t loop;
        uv_timer_t tick; /* keeps the loop polling: the relay's handles are unref'd */
        struct pty_relay *relay;
        char keys[64]; /* what the hold's callback got */
        size_t n_keys;
} t;

static void on_tick(uv_timer_t *timer)
{
}

/* The fake person's terminal, and a relay on it (not started). */
static void set_up(const struct winsize *ws)
{
        t.person = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        EXPECT(t.person >= 0 && grantpt(t.person) == 0 && unlockpt(t.person) == 0);
        t.person_tty = ioctl(t.person, TIOCGPTPEER, O_RDWR | O_CLOEXEC);
        EXPECT(t.person_tty >= 0);
        EXPECT(setsid() > 0 && ioctl(t.person_tty, TIOCSCTTY, 0) == 0);
        EXPECT(tcgetpgrp(t.person_tty) == getpgrp());
        if (ws)
                EXPECT(ioctl(t.person_tty, TIOCSWINSZ, ws) == 0);
        EXPECT(uv_loop_init(&t.loop) == 0);
        EXPECT(uv_timer_init(&t.loop, &t.tick) == 0);
        EXPECT(uv_timer_start(&t.tick, on_tick, 10, 10) == 0);
        int fd = open(ptsname(t.person), O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        EXPECT(fd >= 0);
        EXPECT(pty_relay_new(&t.loop, fd, &t.relay) == 0);
        /* The command's side, kept after the relay closes its own copy. */
        t.command = fcntl(pty_relay_slave(t.relay), F_DUPFD_CLOEXEC, 3);
        EXPECT(t.command >= 0);
}

static void start(void)
{
        EXPECT(pty_relay_start(t.relay, getpid()) == 0);
}

/* Runs the loop until cond() holds, for at most two seconds. */
static bool run_until(bool (*cond)(void))
{
        struct timespec start, now;

        clock_gettime(CLOCK_MONOTONIC, &start);
        while (!cond()) {
                uv_run(&t.loop, UV_RUN_ONCE);
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (now.tv_sec - start.tv_sec > 2)
                        return false;
        }
        return true;
}

/* Runs the loop for a few rounds, when nothing is to happen. */
static void run_a_while(void)
{
        for (int i = 0; i < 5; i++)
                uv_run(&t.loop, UV_RUN_ONCE);
}

static char shown[4096];
static size_t n_shown;

/* Reads what the person's terminal shows now into shown. */
static void read_shown(void)
{
        struct pollfd p = {.fd = t.person, .events = POLLIN};
        while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN) && n_shown < sizeof(shown) - 1) {
                ssize_t n = read(t.person, shown + n_shown, sizeof(shown) - 1 - n_shown);
                if (n <= 0)
                        break;
                n_shown += (size_t)n;
        }
        shown[n_shown] = '\0';
}

static const char *wanted_shown;

static bool shows_wanted(void)
{
        read_shown();
        return strstr(shown, wanted_shown) != NULL;
}

static bool shows(const char *text)
{
        wanted_shown = text;
        return run_until(shows_wanted);
}

static void type(const char *keys)
{
        EXPECT(write(t.person, keys, strlen(keys)) == (ssize_t)strlen(keys));
}

static bool command_can_read(void)
{
        struct pollfd p = {.fd = t.command, .events = POLLIN};
        return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static bool on_key(void *ctx, int key)
{
        if (t.n_keys < sizeof(t.keys) - 1)
                t.keys[t.n_keys++] = (char)key;
        return true;
}

static bool got_a_key(void)
{
        return t.n_keys > 0;
}

static int run_in_child(void (*body)(void))
{
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                body();
                _exit(0);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static void settings_and_size(void)
{
        struct winsize ws = {.ws_row = 33, .ws_col = 77}, got;
        struct termios person, command;

        set_up(&ws);
        EXPECT(tcgetattr(t.person_tty, &person) == 0);
        EXPECT(tcgetattr(t.command, &command) == 0);
        EXPECT(person.c_lflag == command.c_lflag && person.c_iflag == command.c_iflag &&
               person.c_oflag == command.c_oflag);
        EXPECT(memcmp(person.c_cc, command.c_cc, sizeof(person.c_cc)) == 0);
        EXPECT(ioctl(t.command, TIOCGWINSZ, &got) == 0);
        EXPECT(got.ws_row == 33 && got.ws_col == 77);
}

static void test_the_pty_has_the_terminals_settings_and_size(void **state)
{
        assert_int_equal(run_in_child(settings_and_size), 0);
}

static void relays_raw(void)
{
        struct termios tio;
        char buf[64];

        set_up(NULL);
        start();
        EXPECT(tcgetattr(t.person_tty, &tio) == 0);
        EXPECT(!(tio.c_lflag & (ICANON | ECHO | ISIG)) && !(tio.c_oflag & OPOST));
        EXPECT(write(t.command, "hello\n", 6) == 6);
        /* Processed once, by the command's pty. */
        EXPECT(shows("hello\r\n"));
        /* ^C is a byte for the command's line discipline, not a SIGINT
         * for us (which would end this process). */
        type("\003abc\n");
        EXPECT(run_until(command_can_read));
        ssize_t n = read(t.command, buf, sizeof(buf) - 1);
        EXPECT(n > 0);
        buf[n] = '\0';
        EXPECT(strcmp(buf, "abc\n") == 0);
}

static void test_output_and_keys_are_relayed_through_a_raw_terminal(void **state)
{
        assert_int_equal(run_in_child(relays_raw), 0);
}

static void hold(void)
{
        set_up(NULL);
        start();
        EXPECT(write(t.command, "before\n", 7) == 7);
        EXPECT(shows("before"));
        pty_relay_hold(t.relay, on_key, NULL);
        EXPECT(pty_relay_held(t.relay));
        EXPECT(write(t.command, "\033[7Apainted over\n", 18) == 18);
        run_a_while();
        read_shown();
        EXPECT(strstr(shown, "painted over") == NULL);
        /* An arrow key, a title report, then a key. */
        type("\033[A\033]laaa\033\\d");
        EXPECT(run_until(got_a_key));
        run_a_while();
        EXPECT(t.n_keys == 1 && t.keys[0] == 'd');
        EXPECT(!command_can_read());
        pty_relay_release(t.relay);
        /* Held back, not lost. */
        EXPECT(shows("painted over"));
}

static void test_a_hold_keeps_output_back_and_gives_only_keys_to_the_prompt(void **state)
{
        assert_int_equal(run_in_child(hold), 0);
}

static void lone_escape(void)
{
        set_up(NULL);
        start();
        pty_relay_hold(t.relay, on_key, NULL);
        type("\033");
        EXPECT(run_until(got_a_key));
        EXPECT(t.n_keys == 1 && t.keys[0] == 27);
}

static void test_a_lone_escape_reaches_the_prompt_after_a_pause(void **state)
{
        assert_int_equal(run_in_child(lone_escape), 0);
}

static void finish(void)
{
        struct termios before, after;

        set_up(NULL);
        EXPECT(tcgetattr(t.person_tty, &before) == 0);
        start();
        EXPECT(write(t.command, "last words\n", 11) == 11);
        close(t.command);
        pty_relay_finish(t.relay);
        read_shown();
        EXPECT(strstr(shown, "last words") != NULL);
        EXPECT(tcgetattr(t.person_tty, &after) == 0);
        EXPECT(before.c_iflag == after.c_iflag && before.c_oflag == after.c_oflag &&
               before.c_cflag == after.c_cflag && before.c_lflag == after.c_lflag);
        EXPECT(memcmp(before.c_cc, after.c_cc, sizeof(before.c_cc)) == 0);
        pty_relay_close(t.relay);
        uv_close((uv_handle_t *)&t.tick, NULL);
        uv_run(&t.loop, UV_RUN_DEFAULT);
        EXPECT(uv_loop_close(&t.loop) == 0);
}

static void test_finish_shows_the_last_output_and_restores_the_terminal_exactly(void **state)
{
        assert_int_equal(run_in_child(finish), 0);
}

static bool size_copied(void)
{
        struct winsize ws;
        return ioctl(t.command, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 41 && ws.ws_col == 99;
}

static void window_size(void)
{
        struct winsize ws = {.ws_row = 41, .ws_col = 99};

        set_up(NULL);
        start();
        /* The kernel sends us SIGWINCH, as the foreground process group. */
        EXPECT(ioctl(t.person_tty, TIOCSWINSZ, &ws) == 0);
        EXPECT(run_until(size_copied));
}

static void test_a_window_size_change_reaches_the_pty(void **state)
{
        assert_int_equal(run_in_child(window_size), 0);
}

static void background(void)
{
        struct termios before, after;
        sigset_t ttou;

        set_up(NULL);
        /* Another process group of our session in the foreground. */
        pid_t other = fork();
        EXPECT(other >= 0);
        if (other == 0) {
                setpgid(0, 0);
                pause();
                _exit(0);
        }
        setpgid(other, other);
        sigemptyset(&ttou);
        sigaddset(&ttou, SIGTTOU);
        sigprocmask(SIG_BLOCK, &ttou, NULL);
        EXPECT(tcsetpgrp(t.person_tty, other) == 0);
        EXPECT(tcgetattr(t.person_tty, &before) == 0);
        start();
        EXPECT(tcgetattr(t.person_tty, &after) == 0);
        EXPECT(before.c_lflag == after.c_lflag && before.c_oflag == after.c_oflag);
        /* Output is still shown. */
        EXPECT(write(t.command, "from the background\n", 20) == 20);
        EXPECT(shows("from the background"));
        /* Keys are the foreground's: not read. */
        type("x");
        run_a_while();
        EXPECT(!command_can_read());
        kill(other, SIGKILL);
}

static void test_in_the_background_the_terminal_is_left_alone(void **state)
{
        assert_int_equal(run_in_child(background), 0);
}

static size_t total_shown;

static bool everything_shown(void)
{
        char buf[4096];
        ssize_t n;
        while ((n = read(t.person, buf, sizeof(buf))) > 0)
                total_shown += (size_t)n;
        return total_shown >= 200000;
}

static void stopped_terminal(void)
{
        char block[1000];
        size_t written = 0;

        memset(block, 'x', sizeof(block));
        set_up(NULL);
        start();
        EXPECT(fcntl(t.person, F_SETFL, O_NONBLOCK) == 0);
        EXPECT(fcntl(t.command, F_SETFL, O_NONBLOCK) == 0);
        /* The terminal takes no output: the loop goes on, and the
         * command's writes block once its pty and the relay are full. */
        EXPECT(tcflow(t.person_tty, TCOOFF) == 0);
        for (int round = 0; round < 2000 && written < 200000; round++) {
                ssize_t n = write(t.command, block, sizeof(block));
                if (n > 0)
                        written += (size_t)n;
                uv_run(&t.loop, UV_RUN_NOWAIT);
        }
        EXPECT(written < 200000);
        /* Taken again: nothing was lost. */
        EXPECT(tcflow(t.person_tty, TCOON) == 0);
        for (int round = 0; round < 100000 && written < 200000; round++) {
                ssize_t n = write(t.command, block, sizeof(block));
                if (n > 0)
                        written += (size_t)n;
                uv_run(&t.loop, UV_RUN_NOWAIT);
                char buf[4096];
                while ((n = read(t.person, buf, sizeof(buf))) > 0)
                        total_shown += (size_t)n;
        }
        EXPECT(written == 200000);
        EXPECT(run_until(everything_shown));
        EXPECT(total_shown == 200000);
}

static void test_a_terminal_that_takes_no_output_blocks_the_command_not_the_loop(void **state)
{
        assert_int_equal(run_in_child(stopped_terminal), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_the_pty_has_the_terminals_settings_and_size),
            cmocka_unit_test(test_output_and_keys_are_relayed_through_a_raw_terminal),
            cmocka_unit_test(test_a_hold_keeps_output_back_and_gives_only_keys_to_the_prompt),
            cmocka_unit_test(test_a_lone_escape_reaches_the_prompt_after_a_pause),
            cmocka_unit_test(test_finish_shows_the_last_output_and_restores_the_terminal_exactly),
            cmocka_unit_test(test_a_window_size_change_reaches_the_pty),
            cmocka_unit_test(test_in_the_background_the_terminal_is_left_alone),
            cmocka_unit_test(test_a_terminal_that_takes_no_output_blocks_the_command_not_the_loop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
