/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * A client of scmp-super's control socket: connect, read the supervisor's
 * messages (hello, request, resolved, error), send replies. The protocol is
 * newline-delimited JSON, described in docs/PROTOCOL.md.
 *
 * The connection is non-blocking for reading so a program can poll its fd
 * with its own other fds: when scmp_client_fd() is readable, call
 * scmp_client_read(), then take every complete message with
 * scmp_client_next_message() (or scmp_client_next_line()). Simple programs
 * can use scmp_client_wait_message() instead. Sending waits (a bounded time)
 * until the reply is written.
 *
 * Only cJSON and libc are needed; nothing here prints.
 */

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define SCMP_CLIENT_PROTOCOL_VERSION 1
/* Longest line accepted from the supervisor. */
#define SCMP_CLIENT_LINE_MAX (1u << 20)

struct scmp_client;

/*
 * Control sockets are named like unix sockets, with one addition: a name
 * that starts with '@' is in the abstract namespace ("@scmp-super/1000/
 * 4242.9f2c01de" is the abstract name "scmp-super/1000/4242.9f2c01de").
 * A supervised command runs in a Landlock domain that cannot connect to
 * an abstract socket made outside it (Linux 6.12), which is why `run`
 * listens on one by default. Abstract names carry no file permissions, so
 * a client checks that the server has its uid (or is root) before it
 * believes anything it says.
 */
#define SCMP_CLIENT_DEFAULT_PREFIX "@scmp-super/"

/* The name a supervisor of pid listens on by default:
 * "@scmp-super/UID/PID.RANDOM", RANDOM so that nobody can take it first. */
int scmp_client_default_name(int pid, char *buf, size_t size);

/*
 * Finds the socket to use when none is named: the only default-named
 * socket of our uid that listens in this network namespace (read from
 * /proc/net/unix) and accepts us. Returns 0 and the name; -ENOENT when
 * there is none; -EEXIST when there are several (err then lists them, so
 * the person can pick one with --socket).
 */
int scmp_client_find_socket(char *buf, size_t size, char *reterr, size_t reterr_size);

/* Connects to the control socket named name (a path, or "@abstract"),
 * and checks the server is our uid or root (-EPERM otherwise). */
int scmp_client_connect(const char *name, struct scmp_client **ret_client);
void scmp_client_close(struct scmp_client *c);
int scmp_client_fd(const struct scmp_client *c);

/*
 * Reads what the socket has without blocking. Returns 0 (even when nothing
 * was there), -EPIPE once the supervisor has closed the connection and every
 * buffered line has been taken, -EMSGSIZE when a line exceeds
 * SCMP_CLIENT_LINE_MAX, or another negative errno.
 */
int scmp_client_read(struct scmp_client *c);

/*
 * The next complete line received, without its newline and NUL-terminated,
 * valid until the next call on c; NULL when no complete line is buffered.
 */
const char *scmp_client_next_line(struct scmp_client *c);

/*
 * The next message: 1 and *ret_msg (a JSON object; free it with
 * cJSON_Delete()), 0 when no complete line is buffered, -EBADMSG for a line
 * that is not a JSON object (it is skipped).
 */
int scmp_client_next_message(struct scmp_client *c, cJSON **ret_msg);

/*
 * Waits up to timeout_ms (-1: forever) for the next message. Returns 1 and
 * *ret_msg, 0 on timeout, or a negative errno as scmp_client_read() does.
 */
int scmp_client_wait_message(struct scmp_client *c, int timeout_ms, cJSON **ret_msg);

/* Sends one message (a line of JSON), waiting up to a few seconds for room. */
int scmp_client_send(struct scmp_client *c, const cJSON *msg);
/* Sends len bytes of text followed by a newline, as one message. */
int scmp_client_send_line(struct scmp_client *c, const char *line, size_t len);

/*
 * Answers request id: decision "allow", "deny" or "kill"; scope "once",
 * "session" or "forever" (NULL: once); errno_name for deny (NULL: the
 * rule's); pattern for session and forever (NULL: exactly this call).
 */
int scmp_client_reply(struct scmp_client *c, uint64_t id, const char *decision, const char *scope,
                      const char *errno_name, const char *pattern);
/* The same with the scope chosen by its name in the request's "scopes"
 * ("port", "network", ...): the supervisor applies the rule it offered. */
int scmp_client_reply_choice(struct scmp_client *c, uint64_t id, const char *decision,
                             const char *scope, const char *errno_name, const char *choice);

/*
 * Asks one question and returns the answer, for a client that only asks
 * (`scmp-super status`): connects to name, sends request as one line, and
 * returns in *ret_reply the first line that is not an announcement every
 * client gets (hello, request, resolved), without its newline; caller
 * frees. Each part of the reply may take 10 s to arrive. A server that
 * refuses us says why and closes at once: that line is the reply even when
 * sending the request failed. The server's uid is not checked. Returns 0,
 * or a negative errno with the reason in reterr.
 */
int scmp_client_request(const char *name, const char *request, char **ret_reply, char *reterr,
                        size_t reterr_size);
