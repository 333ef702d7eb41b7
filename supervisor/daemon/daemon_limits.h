/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The daemon's limits on its agent socket's clients, as pure decisions the
 * daemon applies (agent_server.c, daemon_log.c) and
 * tests/unit/test_daemon_limits.c checks.
 *
 * - Connections still sending their message are bounded, in all and per
 *   peer (the uid and pid SO_PEERCRED gives), so one client cannot make
 *   the daemon refuse everyone else: a peer at its own bound is refused,
 *   and at the global bound the newcomer takes the place of the oldest
 *   connection of the peer holding the most, unless that is the newcomer's
 *   own peer or one holding no more than it.
 * - Lines about refused clients are limited per second, and what was left
 *   out is counted and said in one line, so a flood of bad clients cannot
 *   flood the log.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Connections that have not finished sending their message: in all, and
 * per peer. */
#define DAEMON_MAX_HANDSHAKES          128
#define DAEMON_MAX_HANDSHAKES_PER_PEER 8
/* Refused containers whose listeners are kept until their last process is
 * gone (refused_target.c); beyond that many, one is closed as before. */
#define DAEMON_MAX_REFUSED_TARGETS 64
/* Lines about refused clients per second, beyond which they are counted. */
#define DAEMON_REFUSALS_LOGGED_PER_SECOND 10

/* Who is at the other end of a connection (SO_PEERCRED). */
struct daemon_peer {
        uid_t uid;
        pid_t pid;
};

/* How many of the n connections in waiting[] are peer's. */
size_t daemon_peer_held(const struct daemon_peer *waiting, size_t n, struct daemon_peer peer);

enum daemon_admission {
        DAEMON_ADMIT,  /* let the newcomer wait for its message */
        DAEMON_REFUSE, /* close the newcomer */
        DAEMON_EVICT,  /* close waiting[*ret_evict], then admit the newcomer */
};

/*
 * Whether a new connection from peer may wait for its message, among the n
 * connections waiting already, whose peers waiting[] gives oldest first;
 * with DAEMON_EVICT, *ret_evict is the index in waiting[] of the one to
 * close for it.
 */
enum daemon_admission daemon_admit(const struct daemon_peer *waiting, size_t n,
                                   struct daemon_peer peer, size_t max_total, size_t max_per_peer,
                                   size_t *ret_evict);

/* A limit of per_second lines in every window of a second. */
struct log_limit {
        unsigned per_second;
        uint64_t window_start_ms;
        unsigned in_window;
        uint64_t suppressed; /* left out in the window that is open */
};

/*
 * Whether to log a line at now_ms: false when it was counted instead. First
 * sets *ret_suppressed to how many lines were left out in a window that is
 * over, to be said in one line before this one (0: none).
 */
bool log_limit_allow(struct log_limit *l, uint64_t now_ms, uint64_t *ret_suppressed);

/* How many lines were left out in a window that is over by now_ms (then
 * forgotten); 0 while the window is open. For a timer at the window's end
 * (log_limit_window_end()), so they are said even if no line follows. */
uint64_t log_limit_take_suppressed(struct log_limit *l, uint64_t now_ms);

static inline uint64_t log_limit_window_end(const struct log_limit *l)
{
        return l->window_start_ms + 1000;
}
