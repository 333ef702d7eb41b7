/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The command's own terminal. When `run` prompts on the terminal and stdin
 * is that terminal, the command runs on a pseudo-terminal, and this relay
 * copies between its master and the person's terminal on the loop, as
 * sudo's use_pty and script(1) do: keys typed go to the master, what the
 * command writes comes back to the terminal.
 *
 * The threat it answers: a command sharing the person's terminal can
 * answer a prompt itself, pushing keys into the terminal's input with
 * ioctl(TIOCSTI), and can paint over a prompt with cursor movements, so
 * that the person allows something other than what they read. On a pty
 * of its own, in a session of its own (the launcher makes the slave its
 * controlling terminal), TIOCSTI pushes into the pty only: the kernel
 * lets an unprivileged task push only into its controlling terminal. And
 * while a prompt holds the screen (pty_relay_hold), nothing the command
 * writes reaches the terminal: the master is not read, so its output
 * waits in the pty, whose writers block once it is full, and appears
 * after the answer; keys typed go to the prompt, escape sequences
 * (terminal reports, arrow keys) dropped whole (client/term_input.h).
 *
 * Not answered here (SECURITY.md says more): the command may reopen the
 * person's terminal by its name (/dev/pts/N belongs to the person, whose
 * uid the command has) and write to it; a task with CAP_SYS_ADMIN may
 * push keys into any terminal; and without a terminal on stdin there is
 * no pty, and the command shares the terminal with the prompt.
 *
 * The contract:
 * - The person's terminal is in raw mode while the relay has it: while
 *   scmp-super is in its foreground process group and the command has not
 *   stopped. It is given back exactly as it was found (tcsetattr with the
 *   settings read when it was taken) when the command stops, and by
 *   pty_relay_finish() on every way out; run calls that before it prints
 *   anything of its own after the loop.
 * - In the background the relay does not touch the terminal's settings
 *   nor read from it; the command's output is still shown.
 * - Nothing blocks the loop: every descriptor is non-blocking and both
 *   directions go through a bounded buffer. When the terminal does not
 *   take output, the master is not read, so the command blocks on its
 *   own writes; nothing it wrote is dropped, unless the terminal is gone
 *   (a write failed other than with EAGAIN), when output is read and
 *   discarded so that the command does not block for ever.
 * - Job control: when the command stops (^Z typed reaches it through the
 *   pty's line discipline), so does run's child, the monitor between run
 *   and the command (launcher.c says why there is one), and run's
 *   supervisor calls pty_relay_child_stopped(), which gives the terminal
 *   back and stops scmp-super itself, so the shell that started it sees
 *   the job stop; on SIGCONT (fg) the terminal is taken again, its window
 *   size copied, and the monitor continued, which continues the command. SIGWINCH copies the
 *   terminal's size to the pty; SIGTSTP sent to scmp-super goes to the
 *   pty's foreground process group, as ^Z would. These three signals are
 *   blocked and read through a signalfd of the relay's own from
 *   pty_relay_new() on; the launcher restores the mask it had before.
 * - After the command exited, pty_relay_finish() writes what the pty
 *   still holds (EIO on the master, once no slave is left open, is the
 *   normal end), for at most two seconds when the terminal does not take
 *   it, then gives the terminal back.
 *
 * Errors are negative errno values.
 */

#include <stdbool.h>
#include <sys/types.h>
#include <uv.h>

struct pty_relay;

/*
 * Whether the command should get a pty: stdin is this process's
 * controlling terminal (the one /dev/tty, and so the terminal prompt,
 * names).
 */
bool pty_relay_wanted(void);

/*
 * Takes over terminal_fd, the person's terminal opened read-write on an
 * open file description of its own (O_NONBLOCK must not reach the
 * shell's), and opens a pty pair whose slave has the terminal's settings
 * and window size. Blocks SIGWINCH, SIGCONT and SIGTSTP. On failure
 * terminal_fd is closed.
 */
int pty_relay_new(uv_loop_t *loop, int terminal_fd, struct pty_relay **ret_relay);

/* The slave, for the launcher (launcher.h), until pty_relay_start(). */
int pty_relay_slave(const struct pty_relay *r);

/* The device number of the person's terminal: the launcher gives the
 * command the slave in place of every descriptor that refers to it. */
dev_t pty_relay_terminal(const struct pty_relay *r);

/* The master: the only descriptor the relay sets a window size on after
 * the supervisor confines itself (confine.h). */
int pty_relay_master(const struct pty_relay *r);

/*
 * The launcher has forked child, run's child, under which the command
 * runs on the slave: closes our copy of the slave (so that the master
 * ends when the command's do), takes the terminal if scmp-super is in the
 * foreground, and starts relaying.
 */
int pty_relay_start(struct pty_relay *r, pid_t child);

/* Run's child (the monitor) was stopped by sig, because the command
 * was. Returns when scmp-super is continued, having continued the
 * child; scmp-super stops with SIGTSTP, whatever sig was. */
void pty_relay_child_stopped(struct pty_relay *r, int sig);

/*
 * A prompt takes the screen: the command's output is held back, and every
 * key typed (never a byte of an escape sequence) is given to on_key
 * until pty_relay_release(). on_key returns false to drop the rest of
 * what was read with that key (typed before the question it answered was
 * replaced). A second hold replaces the callback.
 */
void pty_relay_hold(struct pty_relay *r, bool (*on_key)(void *ctx, int key), void *ctx);
bool pty_relay_held(const struct pty_relay *r);
/* Discards input the terminal holds that nobody read yet (typed before a
 * prompt was on screen), if the relay reads the terminal now. */
void pty_relay_flush_input(struct pty_relay *r);
void pty_relay_release(struct pty_relay *r);

/* The command exited and the loop ended: writes what it left in the pty
 * and gives the terminal back. Safe to call again, and on a relay that
 * never started. */
void pty_relay_finish(struct pty_relay *r);

/* pty_relay_finish(), then closes the relay's handles; its memory is
 * freed in their close callbacks (run the loop). NULL is fine. */
void pty_relay_close(struct pty_relay *r);
