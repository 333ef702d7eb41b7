/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The control socket: a unix stream socket where clients (`scmp-super
 * prompt`, or any program using client/scmp_client.h) see the waiting
 * prompts and answer them. The protocol is newline-delimited JSON, version
 * 1, described in docs/PROTOCOL.md.
 *
 * Only a person may answer. A client must have our own uid (or be root):
 * the peer's credentials (SO_PEERCRED) are checked on every connection,
 * whatever the socket's file mode. Supervised commands have that uid too,
 * and are kept out in layers. The default socket is abstract, which a
 * sealed command (seal.h: any run's, or the daemon's run --connect) cannot
 * connect to on Linux 6.12 and later. Every server refuses a client in a
 * pid namespace below its own, and, where the kernel does not keep sealed
 * commands out (a path, an older kernel), one under a seccomp filter, as
 * every supervised process is. Then the owner's own check (run's: not a
 * descendant of the supervisor, proc_tree.h). A refused client gets an
 * error line and is disconnected before it hears anything. A path socket
 * is created 0600 under umask 077.
 *
 * Every client is sent a "hello" and then each waiting request; new
 * requests and resolutions are sent to all. A line from a client longer
 * than CONTROL_LINE_MAX ends its connection (so memory per client stays
 * bounded); a line that is not a valid message gets an error line and the
 * connection stays. A client that stops reading is disconnected once
 * CONTROL_OUTPUT_MAX bytes wait for it, so nobody can make the supervisor
 * buffer without bound or stall.
 */

#include <stddef.h>
#include <uv.h>

#include "prompt/prompt.h"

#define CONTROL_LINE_MAX    (64u << 10)
#define CONTROL_OUTPUT_MAX  (4u << 20)
#define CONTROL_MAX_CLIENTS 64

struct control_server;

/*
 * The default socket name for this process: "@scmp-super/UID/PID.RANDOM",
 * in the abstract namespace (scmp_client_default_name()), where no sealed
 * command can connect on Linux 6.12 and later (seal.h).
 */
int control_default_name(char *buf, size_t size, char *reterr, size_t reterr_size);

/*
 * Listens on path and joins b as a front end. "@name" is an abstract name;
 * for a path, a socket file left there by a process that is gone is
 * replaced, and one somebody listens on, or a file that is not a socket, is
 * an error. The handles do not keep the loop alive.
 */
int control_server_start(struct prompt_broker *b, uv_loop_t *loop, const char *path,
                         struct control_server **ret_server, char *reterr, size_t reterr_size);

/*
 * Whether the client process pid (pidfd: a pidfd of it that cannot name
 * another process, or -1) may speak for a person. Returns 0, or a negative
 * errno with the reason in why: the client belongs to a supervised tree
 * (the command could then answer its own prompts), or that cannot be told.
 */
typedef int (*control_peer_check_fn)(void *ctx, pid_t pid, int pidfd, char *why, size_t why_size);

/*
 * Has every new client checked with check before it hears anything, after
 * the uid check: a client it refuses gets an error line and is
 * disconnected. Without one, every client of our uid (or root) is taken.
 */
void control_server_set_peer_check(struct control_server *s, control_peer_check_fn check,
                                   void *ctx);

/*
 * Answers {"type":"status"} with what status(ctx) returns: a JSON object
 * with "type":"status" (the daemon's targets), which the server sends with
 * "v" added and then frees. Without it, "status" is an unknown type.
 */
void control_server_set_status(struct control_server *s, cJSON *(*status)(void *ctx), void *ctx);

/*
 * Leaves the broker, disconnects every client, closes the socket and
 * removes its file. Memory is freed by the close callbacks, so the loop
 * must run once more.
 */
void control_server_stop(struct control_server *s);
